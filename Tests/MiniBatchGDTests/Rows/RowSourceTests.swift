import Foundation
import Testing

@testable import MiniBatchGD

/// A caller's own storage as a row source: rows of [a, b, padding, y] in one buffer, read with a
/// stride of 4, as a C caller's row-major array with a leading dimension would be. The padding is
/// NaN, so any read outside the features and the target poisons the answer.
struct InterleavedRows: RowSource {
    let storage: [Double]
    let rowIndices: [Int]

    /// n rows with a, b from a seeded generator and y = 1 + 2a − 3b exactly (no noise), so the
    /// least-squares answer is (1; 2, −3) by construction.
    init(rows n: Int, seed: UInt64 = 5) {
        var generator = RandomSource(seed: seed)
        var values: [Double] = []
        for _ in 0..<n {
            let a = generator.nextGaussian(), b = generator.nextGaussian() * 2
            values += [a, b, .nan, 1 + 2 * a - 3 * b]
        }
        storage = values
        rowIndices = Array(0..<n)
    }

    private init(storage: [Double], rowIndices: [Int]) {
        self.storage = storage
        self.rowIndices = rowIndices
    }

    var rows: Int { rowIndices.count }
    var featureCount: Int { 2 }
    var outputCount: Int { 1 }
    var featureNames: [String] { ["a", "b"] }
    var targetNames: [String] { ["y"] }
    var weights: [Double]? { nil }

    func withRows<Result>(_ body: (Rows<Double>) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBufferPointer { buffer in
            let first = buffer.baseAddress! + 4 * rowIndices[0]
            return try body(Rows(count: rows, featureCount: 2, outputCount: 1, x: first, xStride: 4, y: first + 3, yStride: 4))
        }
    }

    /// The first rows train and the last test (the rows are contiguous, so a part is a range).
    func split(testFraction: Double, shuffleSeed: UInt64?) throws -> (train: InterleavedRows, test: InterleavedRows) {
        let test = Swift.min(Swift.max(Int((Double(rows) * testFraction).rounded()), 1), rows - 1)
        return (
            InterleavedRows(storage: storage, rowIndices: Array(rowIndices.dropLast(test))),
            InterleavedRows(storage: storage, rowIndices: Array(rowIndices.suffix(test)))
        )
    }

    /// The same values as a data set in memory.
    func dataset() throws -> Dataset<Double> {
        try Dataset(
            features: Matrix(rows: rowIndices.map { [storage[4 * $0], storage[4 * $0 + 1]] }),
            targets: Matrix(rows: rowIndices.map { [storage[4 * $0 + 3]] }), featureNames: featureNames, targetNames: targetNames)
    }
}

/// A source whose `rows` or strides disagree with the rows it hands out.
struct MisreportedRows: RowSource {
    let inner: InterleavedRows
    let claimedRows: Int
    let xStride: Int
    var rows: Int { claimedRows }
    // Everything else is the inner source's: only the row count and the stride misreport.
    var featureCount: Int { inner.featureCount }
    var outputCount: Int { inner.outputCount }
    var featureNames: [String] { inner.featureNames }
    var targetNames: [String] { inner.targetNames }
    var weights: [Double]? { inner.weights }
    func withRows<Result>(_ body: (Rows<Double>) throws -> Result) rethrows -> Result {
        try inner.withRows { rows in
            try body(Rows(count: rows.count, featureCount: 2, outputCount: 1, x: rows.x, xStride: xStride, y: rows.y, yStride: 4))
        }
    }
    func split(testFraction: Double, shuffleSeed: UInt64?) throws -> (train: MisreportedRows, test: MisreportedRows) { (self, self) }
}

@Suite struct RowSourceTests {
    @Test func aSourceWhoseRowsDisagreeWithWhatItSaysIsRefusedBeforeAnyArithmetic() throws {
        let inner = InterleavedRows(rows: 200)
        for (source, word) in [
            (MisreportedRows(inner: inner, claimedRows: 300, xStride: 4), "count 200"),
            (MisreportedRows(inner: inner, claimedRows: 200, xStride: 1), "xStride 1"),
        ] {
            var model = LinearRegression()
            #expect {
                try model.fit(source, method: .qr)
            } throws: { "\($0)".contains(word) }
            #expect {
                try model.fit(source, using: GradientDescent(epochs: 2))
            } throws: { "\($0)".contains(word) }
        }
    }

    @Test func aCallersOwnRowsAreSolvedThroughThePublicSeamToTheAnswerTheyWereMadeFrom() throws {
        let source = InterleavedRows(rows: 300)
        var model = LinearRegression()
        let solution = try model.fit(source, method: .qr)
        // y = 1 + 2a − 3b exactly: the coefficients by construction, to rounding.
        #expect(abs(solution.parameters.intercept[0] - 1) < 1e-12)
        #expect(abs(solution.parameters.coefficients[0, 0] - 2) < 1e-12)
        #expect(abs(solution.parameters.coefficients[1, 0] + 3) < 1e-12)
        #expect(model.featureNames == ["a", "b"])
        let metrics = try model.evaluate(source)
        #expect(metrics.rootMeanSquaredError < 1e-12)
    }

    @Test func aCallersOwnRowsTrainByDescentAsTheSameValuesInADatasetDo() throws {
        let source = InterleavedRows(rows: 500)
        let configuration = GradientDescent(batchSize: 16, epochs: 30, shuffle: .everyEpoch(seed: 3))
        var own = LinearRegression(), loaded = LinearRegression()
        let ownComparison = try own.fitAndCompare(source, using: configuration)
        let loadedComparison = try loaded.fitAndCompare(try source.dataset(), using: configuration)
        // The same rows, order and arithmetic: the same bits, whichever type holds the values.
        #expect(ownComparison.gradientDescent == loadedComparison.gradientDescent)
        #expect(ownComparison.run.history.epochCosts == loadedComparison.run.history.epochCosts)
        // And the descent reaches the answer the rows were made from.
        #expect(abs(ownComparison.gradientDescent.coefficients[1, 0] + 3) < 1e-6)
        #expect(ownComparison.reference.parameters.coefficients[0, 0] == loadedComparison.reference.parameters.coefficients[0, 0])
    }

    @Test func aCallersOwnSplitHoldsOutItsLastRowsForEarlyStopping() throws {
        let source = InterleavedRows(rows: 400)
        var configuration = GradientDescent(batchSize: 32, epochs: 200)
        configuration.earlyStopping = EarlyStopping(validationFraction: 0.25)
        var model = LinearRegression()
        let comparison = try model.fitAndCompare(source, using: configuration)
        // The reference is solved on the 300 rows trained on, the last 100 held out.
        #expect(comparison.reference.statistics.observations == 300)
        #expect(comparison.run.history.validationCosts.count == comparison.run.history.epochCosts.count)
    }

    @Test func everySourceSplitsWithTheSameCall() throws {
        let source = InterleavedRows(rows: 10)
        let loaded = try source.dataset()
        let (ownTrain, ownTest) = try source.split(testFraction: 0.3, shuffleSeed: nil)
        let (train, test) = try loaded.split(testFraction: 0.3, shuffleSeed: nil)
        #expect((ownTrain.rows, ownTest.rows) == (7, 3))
        #expect((train.rows, test.rows) == (7, 3))
        #expect(try ownTest.dataset().features == test.features)
    }

    @Test func aSampleOfAnySourceIsEvenlySpacedRows() throws {
        let source = InterleavedRows(rows: 10)
        let sample = try source.sample(rows: 4)
        // Rows ⌊i·10/4⌋ = 0, 2, 5, 7.
        let all = try source.dataset()
        #expect(sample.features == (try Matrix(rows: [0, 2, 5, 7].map { all.features.row($0) })))
        #expect(try source.sample(rows: 20).rows == 10)
        #expect(throws: ArgumentError.self) { try source.sample(rows: 0) }
    }
}
