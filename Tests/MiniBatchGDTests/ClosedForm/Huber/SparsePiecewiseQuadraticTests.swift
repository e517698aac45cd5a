import Foundation
import Testing

@testable import MiniBatchGD

/// Huber's and the squared epsilon-insensitive exact solvers on sparse rows: statsmodels' Huber
/// answers (the dense fixture written sparse) reached by both Newton systems, the dense solver's
/// answer on a design with a third of its entries zero, weights against duplicated rows, and
/// the refusals.
@Suite struct SparsePiecewiseQuadraticTests {
    static let systems: [NewtonSystem] = [.cholesky, .conjugateGradient]

    /// The statsmodels fixture (HuberRegressionTests), each design written sparse: the same
    /// coefficients to 1e-9 as the dense solver is held to, by Cholesky and by conjugate gradients.
    @Test(arguments: systems) func statsmodelsAnswersAreReachedOnSparseRows(system: NewtonSystem) throws {
        for problem in HuberRegressionTests.problems {
            let rows = SparseDataset(try problem.data())
            let solution = try HuberRegression.solve(
                rows, delta: problem.delta, fitIntercept: problem.fitIntercept, weights: nil, forcing: system)
            let size = problem.coefficients.map(abs).max()!
            for (j, value) in solution.coefficients.elements.enumerated() {
                #expect(abs(value - problem.coefficients[j]) <= 1e-9 * size, "\(problem.name) coefficient \(j), \(system)")
            }
            #expect(abs(solution.intercept[0] - problem.intercept) <= 1e-9 * max(1, abs(problem.intercept)), "\(problem.name)")
            #expect(solution.targets[0].converged && solution.targets[0].outliers == problem.outliers, "\(problem.name)")
            #expect(solution.system == system)
            #expect((solution.targets[0].innerIterations > 0) == (system == .conjugateGradient))
        }
    }

    /// The sparse design (35 % zeros, so rows of different lengths) gives the dense solver's
    /// answer to 1e-10 for both losses, with and without the intercept and with row weights
    /// (some of them 0), by both systems.
    @Test(arguments: systems) func sparseRowsGiveTheDenseAnswer(system: NewtonSystem) throws {
        for weighted in [false, true] {
            let dense = try SparseDescentTests.dense(weighted: weighted)
            let sparse = SparseDataset(dense)
            #expect(sparse.nonzeros < dense.rows * dense.featureCount * 3 / 4)
            for fitIntercept in [true, false] {
                let what = "weighted \(weighted), intercept \(fitIntercept), \(system)"
                let huber = try HuberRegression.solve(dense, delta: 0.3, fitIntercept: fitIntercept)
                let huberSparse = try HuberRegression.solve(
                    sparse, delta: 0.3, fitIntercept: fitIntercept, weights: nil, forcing: system)
                #expect(huber.targets[0].outliers > 20, "\(what)")
                #expect(relativeDifference(huber.parameters, huberSparse.parameters) <= 1e-10, "Huber, \(what)")
                #expect(huberSparse.targets[0].outliers == huber.targets[0].outliers, "\(what)")
                #expect(huberSparse.targets[0].converged, "\(what)")
                let tube = try SquaredEpsilonInsensitiveRegression.solve(dense, epsilon: 0.15, fitIntercept: fitIntercept)
                let tubeSparse = try SquaredEpsilonInsensitiveRegression.solve(
                    sparse, epsilon: 0.15, fitIntercept: fitIntercept, weights: nil, forcing: system)
                #expect(tube.targets[0].insideTube > 5, "\(what)")
                // Most rows lie beyond ε, so the minimizer is unique: the parameters are compared too.
                #expect(relativeDifference(tube.parameters, tubeSparse.parameters) <= 1e-10, "tube, \(what)")
                #expect(abs(tube.targets[0].objective - tubeSparse.targets[0].objective) <= 1e-12 * tube.targets[0].objective)
                #expect(tubeSparse.targets[0].converged, "\(what)")
            }
        }
    }

    /// A weight of 2 is the row twice: the weighted sparse answer is the unweighted answer of the
    /// rows with every even row duplicated (a second computation, by the dense solver).
    @Test(arguments: systems) func aWeightOfTwoIsTheRowTwice(system: NewtonSystem) throws {
        let data = try SparseDescentTests.dense()
        let weights = (0..<data.rows).map { $0 % 2 == 0 ? 2.0 : 1.0 }
        let features = (0..<data.rows).map { data.features.row($0) }, targets = (0..<data.rows).map { data.targets.row($0) }
        var doubledFeatures: [[Double]] = [], doubledTargets: [[Double]] = []
        for i in 0..<data.rows {
            for _ in 0..<(i % 2 == 0 ? 2 : 1) {
                doubledFeatures.append(features[i])
                doubledTargets.append(targets[i])
            }
        }
        let doubled = try Dataset(features: doubledFeatures, targets: doubledTargets)
        let expected = try HuberRegression.solve(doubled, delta: 0.3)
        let found = try HuberRegression.solve(SparseDataset(data), delta: 0.3, fitIntercept: true, weights: weights, forcing: system)
        #expect(relativeDifference(expected.parameters, found.parameters) <= 1e-10)
    }

    /// Bad δ, ε and weights are refused by name before any work.
    @Test func badArgumentsAreRefusedByName() throws {
        let sparse = SparseDataset(try SparseDescentTests.dense())
        func argument(_ body: () throws -> Void) -> String? {
            do {
                try body()
                return nil
            } catch let error as ArgumentError { return error.argument } catch { return "\(error)" }
        }
        #expect(argument { _ = try HuberRegression.solve(sparse, delta: 0) } == "delta")
        #expect(argument { _ = try HuberRegression.solve(sparse, delta: .nan) } == "delta")
        #expect(argument { _ = try SquaredEpsilonInsensitiveRegression.solve(sparse, epsilon: -1) } == "epsilon")
        #expect(argument { _ = try HuberRegression.solve(sparse, delta: 1, weights: [1, 2]) } == "weights")
        #expect(
            argument { _ = try HuberRegression.solve(sparse, delta: 1, weights: [Double](repeating: 0, count: sparse.rows)) } == "weights")
    }

    /// The sparse descent with Huber's loss set beside the sparse exact answer: it reaches it,
    /// and both objectives are the mean loss of the same rows.
    @Test func aSparseDescentIsComparedWithTheSparseExactAnswer() throws {
        let dense = try SparseDescentTests.dense()
        var config = GradientDescent(batchSize: .full, epochs: 20000, averaging: .none, standardize: false, earlyStopping: nil)
        config.loss = HuberLoss(delta: 0.2)
        var model = LinearRegression()
        let comparison = try model.fitAndCompareHuber(SparseDataset(dense), using: config)
        let exact = try HuberRegression.solve(dense, delta: 0.2)
        #expect(relativeDifference(comparison.reference.parameters, exact.parameters) <= 1e-10)
        #expect(comparison.parameterRelativeDifference <= 1e-6)
        #expect(abs(comparison.referenceCost - exact.targets[0].objective) <= 1e-12 * exact.targets[0].objective)
        #expect(comparison.costRelativeDifference >= -1e-12)
    }
}
