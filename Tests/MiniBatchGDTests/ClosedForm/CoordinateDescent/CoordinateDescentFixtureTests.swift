import Foundation
import Testing

@testable import MiniBatchGD

/// Coordinate descent against scikit-learn 1.9's ElasticNet and Lasso on the committed fixture,
/// by every route: covariance and naive updates on dense rows, and sparse rows.
@Suite struct CoordinateDescentFixtureTests {
    enum Route: String, CaseIterable { case covariance, naive, sparse }

    static let names = ElasticNetFixture.shared.problems.map(\.name)

    static func solve(_ problem: ElasticNetFixture.Problem, _ route: Route, tolerance: Double = CoordinateDescent.defaultTolerance) throws
        -> CoordinateDescent.Solution
    {
        switch route {
        case .covariance, .naive:
            return try CoordinateDescent.solve(
                try problem.dense(), alpha: problem.alpha, l1Ratio: problem.l1Ratio, fitIntercept: problem.fitIntercept,
                penaltyUnits: problem.units, tolerance: tolerance, method: route == .covariance ? .covariance : .naive)
        case .sparse:
            return try CoordinateDescent.solve(
                try problem.sparseData(), alpha: problem.alpha, l1Ratio: problem.l1Ratio, fitIntercept: problem.fitIntercept,
                penaltyUnits: problem.units, tolerance: tolerance)
        }
    }

    /// At the default tolerance: coefficients and intercept within 1e-8 of scikit-learn's (its
    /// own answers, at its tol 1e-12, sit within about 1e-10 of the optimum), the same exact
    /// zeros, and the gap within its tolerance.
    @Test(arguments: names, Route.allCases)
    func matchesScikitLearn(name: String, route: Route) throws {
        let problem = ElasticNetFixture.problem(name)
        let solution = try Self.solve(problem, route, tolerance: CoordinateDescent.defaultTolerance)
        let report = solution.targets[0]
        #expect(solution.method == (route == .covariance ? .covariance : .naive))
        #expect(report.converged, "\(name) \(route): gap \(report.gap) above \(report.gapTolerance)")
        #expect(report.gap <= report.gapTolerance)
        let beta = solution.coefficients.column(0)
        let worst = zip(beta, problem.coefficients).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-8, "\(name) \(route): coefficients \(worst) from scikit-learn's")
        #expect(abs(solution.intercept[0] - problem.intercept) <= 1e-8, "\(name) \(route): intercept")
        let zeros = beta.indices.filter { beta[$0] == 0 }
        #expect(zeros == problem.zeros, "\(name) \(route): zeros \(zeros), scikit-learn's \(problem.zeros)")
        #expect(report.zeroCoefficients == zeros.count)
        #expect(report.activeSet == beta.indices.filter { beta[$0] != 0 })
    }

    /// The optimality conditions, checked from the rows alone, at a tolerance of 1e-13: met to
    /// 1e-10 where there is an L1 part (the gap bounds the objective, and the conditions follow
    /// closely: about 5e-12 at worst here). For a ridge (R = 0) the gap is exactly
    /// ‖D⁻¹g‖²/(2·A), so the conditions are bounded by √(2·A·gap) and are checked against that.
    @Test(arguments: names, Route.allCases)
    func meetsTheOptimalityConditions(name: String, route: Route) throws {
        let problem = ElasticNetFixture.problem(name)
        let solution = try Self.solve(problem, route, tolerance: 1e-13)
        #expect(solution.converged)
        let beta = solution.coefficients.column(0)
        let d =
            problem.units == .standardized
            ? weightedDeviations(problem.denseFeatures, weights: problem.weights) : [Double](repeating: 1, count: beta.count)
        let violation = elasticNetConditionViolation(
            features: problem.denseFeatures, target: problem.target, weights: problem.weights, coefficients: beta,
            intercept: solution.intercept[0], alpha: problem.alpha, l1Ratio: problem.l1Ratio, penaltyScale: d,
            fitIntercept: problem.fitIntercept)
        let bound = problem.l1Ratio == 0 ? (2 * problem.alpha * solution.gap).squareRoot() * d.max()! * 1.01 + 1e-13 : 1e-10
        #expect(violation <= bound, "\(name) \(route): optimality conditions off by \(violation)")
    }

    /// Sparse rows give the dense answer on the same rows written sparse (to rounding: the same
    /// sweeps in another order of sums), and covariance and naive updates agree.
    @Test(arguments: names)
    func routesAgree(name: String) throws {
        let problem = ElasticNetFixture.problem(name)
        let answers = try Route.allCases.map { try Self.solve(problem, $0).parameters }
        for answer in answers.dropFirst() {
            #expect(relativeDifference(answer, answers[0]) <= 1e-12, "\(name)")
            #expect(answer.coefficients.elements.map { $0 == 0 } == answers[0].coefficients.elements.map { $0 == 0 }, "\(name): zeros")
        }
    }

    /// The reported objective is F at the answer, computed here from the rows.
    @Test func objectiveIsTheElasticNetCost() throws {
        let problem = ElasticNetFixture.problem("weighted")
        let solution = try Self.solve(problem, .covariance)
        let x = problem.denseFeatures, w = problem.weights!, total = w.reduce(0, +), beta = solution.coefficients.column(0)
        var squares = 0.0
        for i in x.indices {
            var r = problem.target[i] - solution.intercept[0]
            for j in beta.indices { r -= x[i][j] * beta[j] }
            squares += w[i] * r * r
        }
        let l1 = beta.reduce(0) { $0 + abs($1) }, l2 = beta.reduce(0) { $0 + $1 * $1 }
        let expected =
            squares / (2 * total) + problem.alpha * (problem.l1Ratio * l1 + (1 - problem.l1Ratio) / 2 * l2)
        #expect(abs(solution.targets[0].objective - expected) <= 1e-14 * expected)
    }
}
