import Foundation
import Testing

@testable import MiniBatchGD

/// `.npy` files solved in place: the same answers as the loaded rows, and clear refusals.
@Suite struct MappedDatasetTests {
    /// A float64, C-order, little-endian `.npy` of `matrix` (numpy's version 1.0 layout: the
    /// header padded so the data starts at a multiple of 64 bytes).
    static func writeNPY(_ matrix: Matrix<Double>, in folder: ScratchFolder, name: String = "data.npy") throws -> String {
        var header = Array("{'descr': '<f8', 'fortran_order': False, 'shape': (\(matrix.rows), \(matrix.columns)), }".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
        for value in matrix.elements { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        return try folder.write(name, bytes: bytes)
    }

    /// 400 rows: five columns of features around a plane, and two targets.
    static func table() throws -> Matrix<Double> {
        var generator = RandomSource(seed: 9)
        var elements: [Double] = []
        for _ in 0..<400 {
            let x = (0..<5).map { j in generator.nextGaussian() * Double(j + 1) + 10 }
            let y1 = 3 + x.enumerated().reduce(0) { $0 + Double($1.offset + 1) * $1.element } + generator.nextGaussian()
            let y2 = -1 + 0.5 * x[0] - 2 * x[4] + 0.1 * generator.nextGaussian()
            elements += x + [y1, y2]
        }
        return try Matrix<Double>(rows: 400, columns: 7, elements: elements)
    }

    static func close(_ a: [Double]?, _ b: [Double]?, _ tolerance: Double) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return relativeDifference(a, b) <= tolerance
    }

    /// A file sorted by its feature, read in blocks of consecutive rows (as a file larger than
    /// memory is): the automatic rate, which expects random batches, diverged ("use a smaller
    /// learning rate"); the fit now starts again at 1/max‖x̃ᵢ‖², which bounds every batch's
    /// curvature, says so, and converges.
    @Test func aFileSortedByItsFeatureConvergesWithTheAutomaticRate() throws {
        let folder = try ScratchFolder()
        let n = 60_000
        var state: UInt64 = 9
        let rows: [[Double]] = (0..<n).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return [Double(i), 2 * Double(i) + 1 + Double(Int(state >> 40) % 1000) / 1000 - 0.5]
        }
        let path = try Self.writeNPY(try Matrix(rows: rows), in: folder, name: "sorted.npy")
        var model = LinearRegression()
        // The blocks a mapped file larger than memory would get: a 256th of the rows.
        let comparison = try model.fitAndCompare(
            try MappedDataset(path: path), using: GradientDescent(shuffle: .blocks(seed: 0, rows: 234)))
        #expect(comparison.run.notes.contains { $0.hasPrefix("the automatic rate diverged on batches of consecutive rows") })
        #expect(comparison.run.learningRateChoice.reason.hasPrefix("1/max‖x̃ᵢ‖²"))
        #expect(comparison.parameterRelativeDifference < 1e-3, "\(comparison.parameterRelativeDifference)")
        // Shuffled one by one, in memory or mapped, the expected smoothness holds: no restart.
        var inMemory = LinearRegression(), mapped = LinearRegression()
        let shuffled = try inMemory.fitAndCompare(try Dataset<Double>.load(path: path), using: GradientDescent())
        #expect(!shuffled.run.notes.contains { $0.hasPrefix("the automatic rate diverged") })
        let inPlace = try mapped.fitAndCompare(try MappedDataset(path: path), using: GradientDescent())
        #expect(inPlace.run.notes.isEmpty && inPlace.run.history.epochCosts == shuffled.run.history.epochCosts)
    }

    @Test(arguments: LeastSquares.Method.allCases)
    func aMappedFileSolvesAsItsLoadedRows(method: LeastSquares.Method) throws {
        let folder = try ScratchFolder()
        let path = try Self.writeNPY(try Self.table(), in: folder)
        // Targets at the end (the default), at the front, and two of them.
        for (targets, features) in [([Int](), nil), ([0], nil), ([5, 6], [Int]?([0, 1, 2, 3, 4]))] {
            let mapped = try MappedDataset(path: path, targets: targets, features: features)
            let loaded = try NPYReader.dataset(path: path, targets: targets, features: features)
            #expect(mapped.featureNames == loaded.featureNames && mapped.targetNames == loaded.targetNames)
            let fromMap = try LeastSquares.solve(mapped, method: method, covariance: .hc3)
            let fromMemory = try LeastSquares.solve(loaded, method: method, covariance: .hc3)
            // The same arithmetic on the same values, but BLAS may sum rows of another
            // alignment in another order: rounding apart.
            #expect(relativeDifference(fromMap.parameters, fromMemory.parameters) <= 1e-13)
            let a = fromMap.statistics, b = fromMemory.statistics
            #expect(Self.close(fromMap.coefficientFigures(\.standardError), fromMemory.coefficientFigures(\.standardError), 1e-12))
            #expect(Self.close(a.residualSumOfSquares, b.residualSumOfSquares, 1e-12))
            #expect(Self.close(a.rSquared, b.rSquared, 1e-13) && Self.close(a.aic, b.aic, 1e-13))
            #expect(Self.close(a.durbinWatson, b.durbinWatson, 1e-12))

            var mappedModel = LinearRegression(), loadedModel = LinearRegression()
            try mappedModel.fit(mapped, method: method)
            try loadedModel.fit(loaded, method: method)
            let m = try mappedModel.evaluate(mapped), l = try loadedModel.evaluate(loaded)
            for (x, y) in zip(m.outputs, l.outputs) {
                #expect(abs(x.meanSquaredError - y.meanSquaredError) <= 1e-12 * y.meanSquaredError)
                #expect(abs(x.meanAbsoluteError - y.meanAbsoluteError) <= 1e-12 * y.meanAbsoluteError)
                #expect(abs(x.r2 - y.r2) <= 1e-13)
            }
            #expect(mappedModel.inference != nil)
        }
    }

    /// 400 rows: five features, a weight column (every seventh row weighing 0), one target.
    static func weightedTable() throws -> Matrix<Double> {
        let table = try table()
        var generator = RandomSource(seed: 21)
        var elements: [Double] = []
        for i in 0..<400 {
            let weight = i % 7 == 3 ? 0 : 0.25 + 2 * generator.nextUniform()
            elements += Array(table.elements[i * 7..<i * 7 + 5]) + [weight, table.elements[i * 7 + 5]]
        }
        return try Matrix<Double>(rows: 400, columns: 7, elements: elements)
    }

    @Test func aWeightColumnIsReadBesideTheMappedRows() throws {
        let folder = try ScratchFolder()
        let path = try Self.writeNPY(try Self.weightedTable(), in: folder)
        let mapped = try MappedDataset(path: path, weights: 5)
        let loaded = try Dataset<Double>.load(path: path, weights: "5")
        #expect(mapped.featureCount == 5 && mapped.weights == loaded.weights.map { _ in mapped.weights! })
        for method in [LeastSquares.Method.cholesky, .qr] {
            let a = try LeastSquares.solve(mapped, method: method, covariance: .hc1)
            let b = try LeastSquares.solve(loaded, method: method, covariance: .hc1)
            #expect(relativeDifference(a.parameters, b.parameters) <= 1e-13)
            #expect(a.statistics.observations == b.statistics.observations && a.statistics.observations == 400 - 57)
            #expect(Self.close(a.coefficientFigures(\.standardError), b.coefficientFigures(\.standardError), 1e-12))
            #expect(Self.close(a.statistics.logLikelihood, b.statistics.logLikelihood, 1e-12))
        }
        var fromMap = LinearRegression(), fromMemory = LinearRegression()
        try fromMap.fit(mapped, method: .qr)
        try fromMemory.fit(loaded, method: .qr)
        let m = try fromMap.evaluate(mapped), l = try fromMemory.evaluate(loaded)
        #expect(abs(m.meanSquaredError - l.meanSquaredError) <= 1e-12 * l.meanSquaredError && abs(m.r2 - l.r2) <= 1e-12)
        // Rows of weight 0 stay in the map and add nothing: a full batch takes the same steps.
        let config = GradientDescent(batchSize: .full, epochs: 60, optimizer: .nesterov(), averaging: .none, earlyStopping: nil)
        let mappedRun = try fromMap.fit(mapped, using: config)
        let loadedRun = try fromMemory.fit(loaded, using: config)
        #expect(relativeDifference(fromMap.parameters!, fromMemory.parameters!) <= 1e-10)
        #expect(relativeDifference(mappedRun.history.epochCosts, loadedRun.history.epochCosts) <= 1e-10)

        #expect(throws: ArgumentError.self) { try MappedDataset(path: path, targets: [5], weights: 5) }
        #expect(throws: ArgumentError.self) { try MappedDataset(path: path, features: [0, 1, 2, 3, 4, 5], weights: 5) }
        var bad = try Self.weightedTable()
        bad.elements[10 * 7 + 5] = -1
        let badPath = try Self.writeNPY(bad, in: folder, name: "bad.npy")
        #expect(throws: ArgumentError(argument: "weights", value: "-1.0 (row 11)", requirement: "must be finite and zero or positive")) {
            try MappedDataset(path: badPath, weights: 5)
        }
    }

    @Test func filesThatCannotBeReadInPlaceAreLoadedInstead() throws {
        let folder = try ScratchFolder()
        let path = try Self.writeNPY(try Self.table(), in: folder)
        #expect(throws: FileError.notMappable(path: path, reason: "the feature columns are not adjacent and in order")) {
            try MappedDataset(path: path, targets: [6], features: [0, 2])
        }
        #expect(throws: FileError.notMappable(path: path, reason: "the target columns are not adjacent and in order")) {
            try MappedDataset(path: path, targets: [6, 5], features: [0])
        }
        #expect(try MappedDataset.mapIfPossible(path: path, targets: ["6"], features: ["0", "2"]) == nil)
        #expect(try MappedDataset.mapIfPossible(path: path, targets: ["y7"], features: ["x1", "x2"]) != nil)
        let bigEndian = fixtures + "/big_endian_f8.npy", float32 = fixtures + "/fortran_f4.npy"
        #expect(throws: FileError.notMappable(path: bigEndian, reason: "its byte order is not this machine's")) {
            try MappedDataset(path: bigEndian)
        }
        #expect(throws: FileError.notMappable(path: float32, reason: "its elements are float32, not float64")) {
            try MappedDataset(path: float32)
        }
        #expect(try MappedDataset.mapIfPossible(path: float32) == nil)
        #expect(try MappedDataset.mapIfPossible(path: try folder.write("t.csv", "a,y\n1,2\n2,3\n")) == nil)
        // Damage is still an error, not a fallback.
        #expect(throws: FileError.self) { try MappedDataset.mapIfPossible(path: fixtures + "/truncated.npy") }
    }

    @Test func aNaNIsFoundWithItsRowAndColumn() throws {
        let folder = try ScratchFolder()
        var table = try Self.table()
        table[122, 3] = .nan
        let path = try Self.writeNPY(table, in: folder)
        #expect(throws: FileError.nonFinite(path: path, line: 123, column: 4, text: "nan")) { _ = try MappedDataset(path: path) }
        // A NaN in a column that is not used does not matter.
        #expect(try MappedDataset(path: path, targets: [6], features: [0, 1, 2]).rows == 400)
        table[122, 3] = 1
        table[7, 6] = -.infinity
        let target = try Self.writeNPY(table, in: folder, name: "target.npy")
        #expect(throws: FileError.nonFinite(path: target, line: 8, column: 7, text: "-inf")) { _ = try MappedDataset(path: target) }
    }

    /// The check runs in chunks on threads: the first bad value of the file is named whichever
    /// chunk finds one first, on 1, 2 or 3 threads (chunks of 70 rows here, so six of them).
    @Test func theFirstNaNIsNamedOnAnyNumberOfThreads() throws {
        let folder = try ScratchFolder()
        var table = try Self.table()
        table[300, 2] = .nan
        table[122, 5] = .infinity
        table[130, 1] = .nan
        let path = try Self.writeNPY(table, in: folder)
        let unchecked = try MappedDataset<Double>(path: path, targets: [6], features: nil, checkingValues: false)
        for threads in [1, 2, 3] {
            #expect(throws: FileError.nonFinite(path: path, line: 123, column: 6, text: "inf")) {
                try unchecked.checkFinite(threads: threads, chunkValues: 490)
            }
        }
        #expect(throws: FileError.nonFinite(path: path, line: 123, column: 6, text: "inf")) { _ = try MappedDataset(path: path) }
        // Rows 140 on: the NaN of row 301 is the first.
        #expect(throws: FileError.nonFinite(path: path, line: 301, column: 3, text: "nan")) {
            try unchecked.rows(140..<400).checkFinite(threads: 3, chunkValues: 490)
        }
    }

    /// Descent on mapped rows takes the steps it takes on the loaded rows: every kernel path
    /// (fused for one target, BLAS for two), in order, in blocks, full batch.
    @Test(arguments: [
        ([Int](), BatchSize.rows(1), Shuffle.none), ([], .rows(16), .blocks(seed: 3, rows: 10)), ([], .full, .none),
        ([5, 6], .rows(8), .blocks(seed: 4, rows: 7)), ([0], .rows(32), .none),
    ])
    func descentOnAMappedFileFollowsTheLoadedRows(targets: [Int], batch: BatchSize, shuffle: Shuffle) throws {
        let folder = try ScratchFolder()
        let path = try Self.writeNPY(try Self.table(), in: folder)
        let features: [Int]? = targets == [5, 6] ? [0, 1, 2, 3, 4] : nil
        let mapped = try MappedDataset(path: path, targets: targets, features: features)
        let loaded = try NPYReader.dataset(path: path, targets: targets, features: features)
        let config = GradientDescent(batchSize: batch, epochs: 6, averaging: .none, shuffle: shuffle, earlyStopping: nil)
        var fromMap = LinearRegression(), fromMemory = LinearRegression()
        let mappedRun = try fromMap.fit(mapped, using: config)
        let loadedRun = try fromMemory.fit(loaded, using: config)
        #expect(relativeDifference(fromMap.parameters!, fromMemory.parameters!) <= 1e-12)
        #expect(relativeDifference(mappedRun.history.epochCosts, loadedRun.history.epochCosts) <= 1e-12)
        #expect(mappedRun.notes.isEmpty)
    }

    @Test func aMappedFitShufflesRowsHoldsOutTheLastRowsAndReachesTheClosedForm() throws {
        let folder = try ScratchFolder()
        let path = try Self.writeNPY(try Self.table(), in: folder)
        let mapped = try MappedDataset(path: path)
        var model = LinearRegression()
        let exact = GradientDescent(batchSize: .full, optimizer: .nesterov(), earlyStopping: EarlyStopping(parameterTolerance: 1e-7))
        let comparison = try model.fitAndCompare(mapped, using: exact)
        #expect(comparison.parameterRelativeDifference <= 1e-6, "\(comparison.parameterRelativeDifference)")
        #expect(comparison.run.notes.isEmpty)
        // A file far smaller than memory shuffles single rows, as loaded rows do.
        let run = try model.fit(mapped, using: GradientDescent(epochs: 3))
        #expect(run.notes.isEmpty && !mapped.shufflesInBlocks)
        #expect(run.configuration.shuffle == .everyEpoch(seed: 0))

        let config = GradientDescent(averaging: .none, earlyStopping: EarlyStopping(validationFraction: 0.25, parameterTolerance: nil))
        let validated = try model.fit(mapped, using: config)
        #expect(validated.trainingRows == 300)
        #expect(validated.notes.contains("the last 100 rows of the mapped file are held out for early stopping"))
        let held = try NPYReader.dataset(path: path).gathering(300..<400)
        let expected = try Objective.cost(held, parameters: model.parameters!)
        #expect(abs(validated.history.validationCosts.last! - expected) <= 1e-12 * expected)
    }

    @Test func aSampleTakesEvenlySpacedRows() throws {
        let folder = try ScratchFolder()
        let table = try Self.table()
        let sample = try MappedDataset(path: try Self.writeNPY(table, in: folder)).sample(rows: 3)
        #expect(sample.rows == 3 && sample.featureNames == ["x1", "x2", "x3", "x4", "x5", "x6"])
        for (index, row) in [0, 133, 266].enumerated() {
            #expect((0..<6).map { sample.features[index, $0] } == (0..<6).map { table[row, $0] })
            #expect(sample.targets[index, 0] == table[row, 6])
        }
    }

    @Test func theMappingLivesAsLongAsAnyCopyOfTheDataSet() throws {
        let folder = try ScratchFolder()
        let path = try Self.writeNPY(try Self.table(), in: folder)
        var copy: MappedDataset<Double>?
        do { copy = try MappedDataset(path: path) }
        try FileManager.default.removeItem(atPath: path)  // the mapping keeps the data
        let solution = try LeastSquares.solve(try #require(copy))
        let finite = solution.parameters.coefficients.elements.allSatisfy { $0.isFinite }
        #expect(finite)
    }
}
