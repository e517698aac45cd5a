import Foundation
import Testing

@testable import MiniBatchGD

/// The linear programs' interior point on sparse rows: the dense interior point's optimum on the
/// same rows written sparse (a third of the entries zero) for quantile and epsilon-insensitive
/// regression, with and without the intercept and weights; HiGHS's optima of the quantile
/// fixture read back through a libsvm file; both routes (Cholesky of the normal equations
/// formed from the rows' products, and conjugate gradients forced by a column limit of 0).
@Suite struct SparseQuantileRegressionTests {
    /// Column limits: the package's (Cholesky here), and 0 (conjugate gradients).
    static let limits = [QuantileRegression.sparseGramColumnLimit, 0]

    static func system(_ limit: Int) -> NewtonSystem { limit == 0 ? .conjugateGradient : .cholesky }

    @Test(arguments: limits) func quantileRegressionOnSparseRowsHasTheDenseOptimum(limit: Int) throws {
        for weighted in [false, true] {
            let dense = try SparseDescentTests.dense(weighted: weighted)
            let sparse = SparseDataset(dense)
            #expect(sparse.nonzeros < dense.rows * dense.featureCount * 3 / 4)
            for fitIntercept in [true, false] {
                for tau in [0.1, 0.5, 0.9] {
                    let what = "τ \(tau), weighted \(weighted), intercept \(fitIntercept), \(Self.system(limit))"
                    let expected = try QuantileRegression.solve(dense, quantile: tau, fitIntercept: fitIntercept)
                    let found = try QuantileRegression.solve(
                        sparse, quantile: tau, fitIntercept: fitIntercept, weights: nil, gramColumnLimit: limit)
                    let want = expected.targets[0], got = found.targets[0]
                    #expect(abs(got.objective - want.objective) <= 1e-9 * want.objective, "\(what)")
                    // Recomputed from the rows, not taken from the report.
                    let recomputed = Self.quantileObjective(dense, found.parameters, tau: tau)
                    #expect(abs(recomputed - want.objective) <= 1e-9 * want.objective, "\(what)")
                    #expect(want.converged && got.converged && got.dualityGap <= QuantileRegression.gapTolerance, "\(what)")
                    #expect(got.dualObjective <= want.objective * (1 + 1e-12), "\(what)")
                    #expect(found.system == Self.system(limit))
                    #expect((got.innerIterations > 0) == (limit == 0), "\(what)")
                    // The vertex is sought by Cholesky only (its d×d system is what Cholesky holds).
                    #expect(got.isVertex == (limit != 0 && want.isVertex), "\(what)")
                }
            }
        }
    }

    @Test(arguments: limits) func epsilonInsensitiveRegressionOnSparseRowsHasTheDenseOptimum(limit: Int) throws {
        for weighted in [false, true] {
            let dense = try SparseDescentTests.dense(weighted: weighted)
            let sparse = SparseDataset(dense)
            for fitIntercept in [true, false] {
                for epsilon in [0.15, 0] {
                    let what = "ε \(epsilon), weighted \(weighted), intercept \(fitIntercept), \(Self.system(limit))"
                    let expected = try EpsilonInsensitiveRegression.solve(dense, epsilon: epsilon, fitIntercept: fitIntercept)
                    let found = try EpsilonInsensitiveRegression.solve(
                        sparse, epsilon: epsilon, fitIntercept: fitIntercept, weights: nil, gramColumnLimit: limit)
                    let want = expected.targets[0], got = found.targets[0]
                    #expect(abs(got.objective - want.objective) <= 1e-9 * want.objective, "\(what)")
                    #expect(want.converged && got.converged && got.dualityGap <= QuantileRegression.gapTolerance, "\(what)")
                    #expect(got.dualObjective <= want.objective * (1 + 1e-12), "\(what)")
                    #expect(found.system == Self.system(limit))
                }
            }
        }
    }

    /// Σwᵢρ_τ(rᵢ) of `parameters` on the dense rows.
    static func quantileObjective(_ data: Dataset<Double>, _ parameters: Parameters, tau: Double) -> Double {
        var sum = 0.0
        for i in 0..<data.rows {
            var r = data.targets[i, 0] - parameters.intercept[0]
            for j in 0..<data.featureCount { r -= data.features[i, j] * parameters.coefficients[j, 0] }
            sum += (data.weights?[i] ?? 1) * r * (r < 0 ? tau - 1 : tau)
        }
        return sum
    }

    /// HiGHS's optima of the quantile fixture (QuantileRegressionTests), each design written to
    /// a libsvm file and read back: the same objective to 1e-9 and coefficients to 1e-6 as the
    /// dense solver is held to, the dual bound never above the optimum.
    @Test(arguments: limits) func highsOptimaAreReachedThroughLibsvmFiles(limit: Int) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sparse-quantile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for problem in QuantileRegressionTests.problems {
            let path = directory.appendingPathComponent("\(problem.name).svm").path
            // Shortest round-trip decimals: the file holds the fixture's doubles exactly.
            let lines = zip(problem.features, problem.target).map { row, y in
                (["\(y)"] + row.enumerated().filter { $0.element != 0 }.map { "\($0.offset + 1):\($0.element)" }).joined(separator: " ")
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let rows = try SparseDataset<Double>.load(libsvm: path, featureCount: problem.features[0].count)
            let solution = try QuantileRegression.solve(
                rows, quantile: problem.quantile, fitIntercept: problem.fitIntercept, weights: problem.weights, gramColumnLimit: limit)
            let report = solution.targets[0], found = solution.coefficients.elements
            let what = "\(problem.name), \(Self.system(limit))"
            #expect(abs(report.objective - problem.objective) <= 1e-9 * problem.objective, "\(what)")
            let recomputed = QuantileRegressionTests.objective(problem, coefficients: found, intercept: solution.intercept[0])
            #expect(abs(recomputed - problem.objective) <= 1e-9 * problem.objective, "\(what)")
            let size = max(1, problem.coefficients.map(abs).max()!)
            for j in found.indices { #expect(abs(found[j] - problem.coefficients[j]) <= 1e-6 * size, "\(what) coefficient \(j)") }
            #expect(report.converged && report.dualityGap <= QuantileRegression.gapTolerance, "\(what)")
            #expect(report.dualObjective <= problem.objective * (1 + 1e-12), "\(what)")
        }
    }

    /// A column with no non-zero value is left out: its coefficient is 0 and the optimum that of
    /// the rows without it (the dense solver, which refuses the zero column as dependent).
    @Test(arguments: limits) func anEmptyColumnIsLeftOut(limit: Int) throws {
        let dense = try SparseDescentTests.dense()
        let withEmpty = try Dataset(
            features: (0..<dense.rows).map { dense.features.row($0) + [0] }, targets: (0..<dense.rows).map { dense.targets.row($0) })
        #expect(throws: ArgumentError.self) { try QuantileRegression.solve(withEmpty, quantile: 0.3) }
        let expected = try QuantileRegression.solve(dense, quantile: 0.3)
        let found = try QuantileRegression.solve(
            SparseDataset(withEmpty), quantile: 0.3, fitIntercept: true, weights: nil, gramColumnLimit: limit)
        #expect(found.coefficients[dense.featureCount, 0] == 0)
        #expect(abs(found.targets[0].objective - expected.targets[0].objective) <= 1e-9 * expected.targets[0].objective)
        #expect(found.targets[0].converged)
    }

    /// Bad τ, ε and weights are refused by name, and rows too few for the columns.
    @Test func badArgumentsAreRefusedByName() throws {
        let sparse = SparseDataset(try SparseDescentTests.dense())
        #expect(throws: ArgumentError.self) { try QuantileRegression.solve(sparse, quantile: 1) }
        #expect(throws: ArgumentError.self) { try QuantileRegression.solve(sparse, quantile: 0.5, weights: [1, 2]) }
        #expect(throws: ArgumentError.self) { try EpsilonInsensitiveRegression.solve(sparse, epsilon: -1) }
        let short = try SparseDataset(
            rowStarts: [0, 1, 2], columns: [0, 1], values: [1.0, 2], targets: [1.0, 2], featureCount: 2)
        #expect(throws: DataError.self) { try QuantileRegression.solve(short, quantile: 0.5) }
    }
}
