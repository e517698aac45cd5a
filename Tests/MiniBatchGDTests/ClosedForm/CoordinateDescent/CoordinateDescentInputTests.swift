import Foundation
import Testing

@testable import MiniBatchGD

/// What coordinate descent refuses, and how it behaves on the edges: a sweep limit, constant
/// columns, weights, several targets, Float rows.
@Suite struct CoordinateDescentInputTests {
    static let data = try! Dataset<Double>(
        features: [[1, 0.5], [2, -1], [0, 1], [3, 2], [-1, 0], [2, 1]], targets: [1, 2, 0.5, 4, -1, 2.5])

    /// Rows handed out from a buffer, which may hold anything (a caller's own ``RowSource``).
    struct Borrowed: RowSource {
        let values: [Double]  // rows of 2 features then 1 target
        var rows: Int { values.count / 3 }
        var featureCount: Int { 2 }
        var outputCount: Int { 1 }
        var featureNames: [String] { ["a", "b"] }
        var targetNames: [String] { ["y"] }
        var weights: [Double]? { nil }
        func withRows<Result>(_ body: (Rows<Double>) throws -> Result) rethrows -> Result {
            try [0.0].withUnsafeBufferPointer { empty in
                try values.withUnsafeBufferPointer { buffer in
                    let base = buffer.baseAddress ?? empty.baseAddress!
                    return try body(Rows(count: rows, featureCount: 2, outputCount: 1, x: base, xStride: 3, y: base + 2, yStride: 3))
                }
            }
        }
        func split(testFraction: Double, shuffleSeed: UInt64?) throws -> (train: Borrowed, test: Borrowed) { (self, self) }
    }

    static func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch { return "\(error)" }
    }

    @Test func refusesBadArguments() {
        let data = Self.data
        let cases: [(String, () throws -> Void)] = [
            ("alpha = -1.0 is invalid: must be a positive finite number", { _ = try CoordinateDescent.solve(data, alpha: -1) }),
            (
                "alpha = 0.0 is invalid: must be positive: alpha 0 is ordinary least squares, which LeastSquares.solve solves exactly",
                { _ = try CoordinateDescent.solve(data, alpha: 0) }
            ),
            ("alpha = nan is invalid: must be a positive finite number", { _ = try CoordinateDescent.solve(data, alpha: .nan) }),
            (
                "l1Ratio = 1.5 is invalid: must lie in [0, 1] (1: the lasso, 0: a ridge)",
                { _ = try CoordinateDescent.solve(data, alpha: 1, l1Ratio: 1.5) }
            ),
            (
                "l1Ratio = -0.1 is invalid: must lie in [0, 1] (1: the lasso, 0: a ridge)",
                { _ = try CoordinateDescent.solve(SparseDataset(data), alpha: 1, l1Ratio: -0.1) }
            ),
            (
                "l1Ratio = nan is invalid: must lie in [0, 1] (1: the lasso, 0: a ridge)",
                { _ = try CoordinateDescent.solve(data, alpha: 1, l1Ratio: .nan) }
            ),
            (
                "tolerance = 0.0 is invalid: must lie strictly between 0 and 1",
                { _ = try CoordinateDescent.solve(data, alpha: 1, tolerance: 0) }
            ),
            ("maximumSweeps = 0 is invalid: must be at least 1", { _ = try CoordinateDescent.solve(data, alpha: 1, maximumSweeps: 0) }),
            (
                "start = 3×1 is invalid: must be 2×1: one coefficient per feature and target",
                { _ = try CoordinateDescent.solve(data, alpha: 1, start: .zeros(3, 1)) }
            ),
            (
                "start = inf (feature 2, target 1) is invalid: must be finite",
                { _ = try CoordinateDescent.solve(data, alpha: 1, start: Matrix(column: [0, .infinity])) }
            ),
            (
                "weights = 6 weights is invalid: must be nil for a data set that carries its own weights",
                { _ = try CoordinateDescent.solve(try data.weighted(by: [1, 1, 1, 1, 1, 1]), alpha: 1, weights: [1, 1, 1, 1, 1, 1]) }
            ),
            (
                "weights = -1.0 (row 2) is invalid: must be finite and zero or positive",
                { _ = try CoordinateDescent.solve(data, alpha: 1, weights: [1, -1, 1, 1, 1, 1]) }
            ),
            (
                "l1Ratio = 0.0 is invalid: must be positive here: a ridge (l1Ratio 0) zeroes no coefficient at any alpha, so it has no alpha_max",
                { _ = try CoordinateDescent.path(data, l1Ratio: 0) }
            ),
            ("count = 0 is invalid: must be at least 1", { _ = try CoordinateDescent.path(data, count: 0) }),
            ("smallestRatio = 0.0 is invalid: must lie in (0, 1]", { _ = try CoordinateDescent.path(data, smallestRatio: 0) }),
            ("alphas = [] is invalid: must hold at least one alpha", { _ = try CoordinateDescent.path(data, alphas: []) }),
            (
                "features holds nan at row 1, column 0: only finite numbers are allowed",
                { _ = try CoordinateDescent.solve(Borrowed(values: [1, 2, 3, .nan, 1, 2]), alpha: 1) }
            ),
            (
                "targets holds inf at row 0, column 0: only finite numbers are allowed",
                { _ = try CoordinateDescent.solve(Borrowed(values: [1, 2, .infinity, 0, 1, 2]), alpha: 1) }
            ),
            ("data has 0 rows; at least 1 are needed", { _ = try CoordinateDescent.solve(Borrowed(values: []), alpha: 1) }),
        ]
        for (expected, body) in cases { #expect(Self.message(body) == expected) }
    }

    /// Targets that do not vary: zero coefficients without a sweep; and alpha_max 0 leaves no grid.
    @Test func constantTargets() throws {
        let data = try Dataset<Double>(features: [[1, 2], [2, 0], [3, 1]], targets: [4, 4, 4])
        let solution = try CoordinateDescent.solve(data, alpha: 0.1)
        #expect(solution.coefficients.elements == [0, 0])
        #expect(solution.intercept == [4])
        #expect(solution.targets[0].sweeps == 0 && solution.converged)
        #expect(try CoordinateDescent.alphaMax(data) == 0)
        #expect(
            Self.message { _ = try CoordinateDescent.path(data) }
                == "alphas = nil is invalid: must be given: alpha_max is 0 for these rows (the targets are constant or orthogonal to every column), so every alpha gives zeros and no grid descends from it"
        )
    }

    /// A sweep limit ends the descent with the last iterate, flagged, its gap reported, no error.
    @Test func sweepLimitIsReportedNotThrown() throws {
        let problem = ElasticNetFixture.problem("correlated lasso")
        let solution = try CoordinateDescent.solve(try problem.dense(), alpha: problem.alpha, maximumSweeps: 3)
        let report = solution.targets[0]
        #expect(!report.converged && !solution.converged)
        #expect(report.sweeps == 3)
        #expect(report.gap > report.gapTolerance)
        let beta = solution.coefficients.column(0)
        let theirs = CoordinateDescentGapTests.scikitLearnGap(
            features: problem.denseFeatures, target: problem.target, beta: beta, alpha: problem.alpha, l1Ratio: 1)
        #expect(abs(report.gap - theirs) <= 1e-12 * theirs)
    }

    /// A constant column gets an exact zero, and the rest the answer without it; without an
    /// intercept a constant column acts as one and is solved as any other.
    @Test func constantColumn() throws {
        let x: [[Double]] = [[1, 5, 0.5], [2, 5, -1], [0, 5, 1], [3, 5, 2], [-1, 5, 0], [2, 5, 1]]
        let y: [Double] = [1, 2, 0.5, 4, -1, 2.5]
        let with = try Dataset(features: x, targets: y), without = try Dataset(features: x.map { [$0[0], $0[2]] }, targets: y)
        for method in [CoordinateDescent.Method.covariance, .naive] {
            let a = try CoordinateDescent.solve(with, alpha: 0.05, l1Ratio: 0.5, method: method)
            let b = try CoordinateDescent.solve(without, alpha: 0.05, l1Ratio: 0.5, method: method)
            #expect(a.coefficients[1, 0] == 0)
            #expect(abs(a.coefficients[0, 0] - b.coefficients[0, 0]) <= 1e-12 && abs(a.coefficients[2, 0] - b.coefficients[1, 0]) <= 1e-12)
            #expect(abs(a.intercept[0] - b.intercept[0]) <= 1e-12)
            let origin = try CoordinateDescent.solve(with, alpha: 0.05, l1Ratio: 0.5, fitIntercept: false, method: method)
            #expect(origin.coefficients[1, 0] != 0 && origin.intercept == [0])
        }
    }

    /// Only the weights' ratios matter (scikit-learn rescales them to sum to n); an integer
    /// weight is a repeated row; a weight of 0 leaves its row out.
    @Test func weights() throws {
        let x: [[Double]] = [[1, 0.5], [2, -1], [0, 1], [3, 2], [-1, 0]], y: [Double] = [1, 2, 0.5, 4, -1]
        let w: [Double] = [1, 2, 1, 3, 0]
        let weighted = try CoordinateDescent.solve(try Dataset(features: x, targets: y), alpha: 0.1, l1Ratio: 0.7, weights: w)
        let scaled = try CoordinateDescent.solve(
            try Dataset(features: x, targets: y), alpha: 0.1, l1Ratio: 0.7, weights: w.map { $0 * 7.5 })
        #expect(relativeDifference(weighted.parameters, scaled.parameters) <= 1e-12)
        var rx: [[Double]] = [], ry: [Double] = []
        for i in x.indices {
            for _ in 0..<Int(w[i]) {
                rx.append(x[i])
                ry.append(y[i])
            }
        }
        let repeated = try CoordinateDescent.solve(try Dataset(features: rx, targets: ry), alpha: 0.1, l1Ratio: 0.7)
        #expect(relativeDifference(weighted.parameters, repeated.parameters) <= 1e-12)
        let sparse = try CoordinateDescent.solve(
            SparseDataset(try Dataset(features: x, targets: y, weights: w)), alpha: 0.1, l1Ratio: 0.7)
        #expect(relativeDifference(weighted.parameters, sparse.parameters) <= 1e-12)
    }

    /// Several targets are solved each on its own.
    @Test func severalTargets() throws {
        let x: [[Double]] = [[1, 0.5], [2, -1], [0, 1], [3, 2], [-1, 0], [2, 1]]
        let y1: [Double] = [1, 2, 0.5, 4, -1, 2.5], y2: [Double] = [0, -1, 2, 1, 0.5, -2]
        let both = try Dataset(features: x, targets: zip(y1, y2).map { [$0, $1] })
        for solution in [
            try CoordinateDescent.solve(both, alpha: 0.05, l1Ratio: 0.8),
            try CoordinateDescent.solve(SparseDataset(both), alpha: 0.05, l1Ratio: 0.8),
        ] {
            #expect(solution.targets.count == 2)
            for (o, y) in [y1, y2].enumerated() {
                let one = try CoordinateDescent.solve(try Dataset(features: x, targets: y), alpha: 0.05, l1Ratio: 0.8)
                #expect(abs(solution.coefficients[0, o] - one.coefficients[0, 0]) <= 1e-13)
                #expect(abs(solution.coefficients[1, o] - one.coefficients[1, 0]) <= 1e-13)
                #expect(abs(solution.intercept[o] - one.intercept[0]) <= 1e-13)
                #expect(solution.targets[o].sweeps == one.targets[0].sweeps)
            }
        }
    }

    /// Float rows give the answer of the same values as Double.
    @Test func floatRows() throws {
        let problem = ElasticNetFixture.problem("weighted")
        let single = try problem.dense().converted(to: Float.self)
        let widened = try single.converted(to: Double.self)
        for method in [CoordinateDescent.Method.covariance, .naive] {
            let a = try CoordinateDescent.solve(single, alpha: problem.alpha, l1Ratio: problem.l1Ratio, method: method)
            let b = try CoordinateDescent.solve(widened, alpha: problem.alpha, l1Ratio: problem.l1Ratio, method: method)
            #expect(a.parameters == b.parameters)
        }
        let sparse = try CoordinateDescent.solve(SparseDataset(single), alpha: problem.alpha, l1Ratio: problem.l1Ratio)
        let dense = try CoordinateDescent.solve(widened, alpha: problem.alpha, l1Ratio: problem.l1Ratio, method: .naive)
        #expect(relativeDifference(sparse.parameters, dense.parameters) <= 1e-12)
    }

    /// Stored zeros of sparse rows are not entries of the columns: the answer is the one without them.
    @Test func explicitZerosInSparseRows() throws {
        let plain = try SparseDataset<Double>(
            rowStarts: [0, 1, 2, 4, 5], columns: [0, 1, 0, 1, 1], values: [1, 2, 3, 1, -1], targets: [1, 2, 3, 0], featureCount: 2)
        let zeros = try SparseDataset<Double>(
            rowStarts: [0, 2, 3, 5, 6], columns: [0, 1, 1, 0, 1, 1], values: [1, 0, 2, 3, 1, -1], targets: [1, 2, 3, 0], featureCount: 2)
        let a = try CoordinateDescent.solve(plain, alpha: 0.01), b = try CoordinateDescent.solve(zeros, alpha: 0.01)
        #expect(a.parameters == b.parameters)
    }
}
