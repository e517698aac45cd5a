import Foundation
import Testing

@testable import MiniBatchGD

/// Quantile regression against HiGHS's LP optimum (Tests/Fixtures/quantile, made by the script
/// beside it: objective and coefficients, each optimum checked unique there), against
/// statsmodels' QuantReg's objective, against sample quantiles worked by hand, and its input
/// checks.
@Suite struct QuantileRegressionTests {
    struct Reference: Decodable { let intercept: Double, coefficients: [Double], objective: Double }
    struct Problem: Decodable {
        let name: String, quantile: Double, fitIntercept: Bool, unique: Bool, zeroResiduals: Int
        let features: [[Double]], target: [Double], weights: [Double]?
        let objective: Double, coefficients: [Double], intercept: Double
        let statsmodels: Reference?
        func data() throws -> Dataset<Double> { try Dataset(features: features, targets: target) }
    }
    struct Fixture: Decodable { let problems: [Problem] }

    static let problems: [Problem] = {
        let url = URL(fileURLWithPath: fixtures + "/quantile/problems.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url)).problems
    }()

    /// Σwᵢρ_τ(rᵢ), computed here from the rows.
    static func objective(_ problem: Problem, coefficients: [Double], intercept: Double) -> Double {
        var sum = 0.0
        for (i, (row, y)) in zip(problem.features, problem.target).enumerated() {
            var r = y - intercept
            for j in coefficients.indices { r -= row[j] * coefficients[j] }
            sum += (problem.weights?[i] ?? 1) * r * (r < 0 ? problem.quantile - 1 : problem.quantile)
        }
        return sum
    }

    @Test(arguments: problems.map(\.name)) func highsOptimumIsReached(name: String) throws {
        let problem = Self.problems.first { $0.name == name }!
        let solution = try QuantileRegression.solve(
            try problem.data(), quantile: problem.quantile, fitIntercept: problem.fitIntercept, weights: problem.weights)
        let report = solution.targets[0], found = solution.coefficients.elements
        // The objective, both as reported and recomputed from the rows.
        #expect(abs(report.objective - problem.objective) <= 1e-9 * problem.objective)
        let recomputed = Self.objective(problem, coefficients: found, intercept: solution.intercept[0])
        #expect(abs(recomputed - problem.objective) <= 1e-9 * problem.objective)
        // The script checked the optimum unique: the coefficients are HiGHS's.
        #expect(problem.unique)
        let size = max(1, problem.coefficients.map(abs).max()!)
        for j in found.indices { #expect(abs(found[j] - problem.coefficients[j]) <= 1e-6 * size, "coefficient \(j)") }
        #expect(abs(solution.intercept[0] - problem.intercept) <= 1e-6 * max(1, abs(problem.intercept)))
        // The certificate: a gap below its tolerance, at a vertex with HiGHS's zero residuals.
        #expect(report.converged && report.dualityGap <= QuantileRegression.gapTolerance)
        #expect(report.dualObjective <= report.objective * (1 + 1e-12))
        #expect(report.isVertex && report.zeroResiduals == problem.zeroResiduals)
        #expect(report.iterations > 0 && report.iterations < QuantileRegression.iterationLimit)
    }

    /// statsmodels' QuantReg (iteratively reweighted least squares) stops near the optimum: its
    /// objective is never below the exact one, and within 1e-6 of it.
    @Test(arguments: problems.filter { $0.statsmodels != nil }.map(\.name)) func statsmodelsIsNoBetter(name: String) throws {
        let problem = Self.problems.first { $0.name == name }!
        let reference = try #require(problem.statsmodels)
        let solution = try QuantileRegression.solve(try problem.data(), quantile: problem.quantile, fitIntercept: problem.fitIntercept)
        let objective = solution.targets[0].objective
        #expect(objective <= reference.objective * (1 + 1e-12))
        #expect(reference.objective - objective <= 1e-6 * objective)
    }

    /// Worked by hand: with a column of ones and no intercept, the coefficient is a sample
    /// quantile. Sorted, the targets are 1 1 2 3 4 5 5 6 9: the median is 4 (the 5th of 9); at
    /// τ = 0.25 it is the value q with #{y < q} ≤ 9τ = 2.25 ≤ #{y ≤ q}, 2; at τ = 0.9 (8.1),
    /// 9. The objectives are Σρ_τ: at the median Σ|y − 4| = 18 halved; at τ = 0.25, 0.75 × (1 + 1)
    /// below and 0.25 × 20 above; at τ = 0.9, 0.1 × Σ(9 − y) = 0.1 × 45.
    static let sampleQuantiles: [(tau: Double, quantile: Double, objective: Double)] = [
        (0.5, 4, 9), (0.25, 2, 0.75 * 2 + 0.25 * 20), (0.9, 9, 0.1 * 45),
    ]

    @Test(arguments: sampleQuantiles) func aColumnOfOnesGivesTheSampleQuantile(tau: Double, quantile: Double, objective: Double) throws {
        let targets: [Double] = [3, 1, 4, 1, 5, 9, 2, 6, 5]
        let data = try Dataset(features: targets.map { _ in [1.0] }, targets: targets)
        let solution = try QuantileRegression.solve(data, quantile: tau, fitIntercept: false)
        #expect(abs(solution.coefficients.elements[0] - quantile) <= 1e-12)
        #expect(abs(solution.targets[0].objective - objective) <= 1e-12 * objective)
        #expect(solution.targets[0].zeroResiduals >= 1 && solution.targets[0].converged)
    }

    /// A vertex's dual moved off Xᵀψ = 0 bounds the optimum only once the move is charged, worked
    /// by hand: y = 1, 2, 3, 4, 10 on an intercept at τ = 0.5 has the median 3 as its optimum, F* =
    /// (2 + 1 + 1 + 7)/2 = 5.5, and the dual ψ = (−½, −½, 0, ½, ½) with Σψᵢyᵢ = 5.5. Moving the
    /// basis row's ψ₃ by η raises Σψᵢyᵢ to 5.5 + 3η, above F* (a false certificate); the charge
    /// 3η + η·5.5/0.5 brings it to 5.5 − 11η.
    @Test func aClippedDualIsChargedForItsMove() throws {
        let optimum = 5.5, eta = 1e-3
        let moved = optimum + 3 * eta
        #expect(moved > optimum)
        let charge = QuantileRegression.clippingCharge(movedTimesTarget: eta * 3, largestMove: eta, objective: optimum, tau: 0.5)
        #expect(abs(charge - 14 * eta) <= 1e-15)
        #expect(moved - charge <= optimum)
        // The solver agrees on the optimum the example starts from.
        let data = try Dataset(features: [[Double]](repeating: [1], count: 5), targets: [1, 2, 3, 4, 10])
        let solution = try QuantileRegression.solve(data, quantile: 0.5, fitIntercept: false)
        #expect(abs(solution.targets[0].objective - optimum) <= 1e-12 && abs(solution.coefficients.elements[0] - 3) <= 1e-12)
        #expect(solution.targets[0].dualObjective <= optimum)
    }

    /// Points on a line: the line itself, every residual zero and the objective 0.
    @Test func anExactFitHasObjectiveZero() throws {
        let features = (0..<10).map { [Double($0)] }
        let data = try Dataset(features: features, targets: features.map { 2 * $0[0] - 1 })
        let solution = try QuantileRegression.solve(data, quantile: 0.3)
        #expect(abs(solution.coefficients.elements[0] - 2) <= 1e-12 && abs(solution.intercept[0] + 1) <= 1e-12)
        #expect(solution.targets[0].objective <= 1e-12 && solution.targets[0].zeroResiduals == 10)
    }

    /// Integer weights are repeated rows, and a weight 0 leaves a row out.
    @Test func integerWeightsAreRepeatedRows() throws {
        let problem = Self.problems[0]
        let weights = problem.target.indices.map { Double($0 % 3) }
        let weighted = try QuantileRegression.solve(try problem.data(), quantile: 0.3, weights: weights)
        var features: [[Double]] = [], targets: [Double] = []
        for (i, weight) in weights.enumerated() {
            for _ in 0..<Int(weight) {
                features.append(problem.features[i])
                targets.append(problem.target[i])
            }
        }
        let repeated = try QuantileRegression.solve(try Dataset(features: features, targets: targets), quantile: 0.3)
        #expect(abs(weighted.targets[0].objective - repeated.targets[0].objective) <= 1e-12 * repeated.targets[0].objective)
    }

    /// Two targets are two independent problems, each its own report.
    @Test func eachTargetIsSolvedOnItsOwn() throws {
        let problem = Self.problems[0]
        let data = try Dataset(features: problem.features, targets: problem.target.map { [$0, -$0] })
        let both = try QuantileRegression.solve(data, quantile: 0.5)
        let one = try QuantileRegression.solve(try problem.data(), quantile: 0.5)
        #expect(both.targets.count == 2)
        for j in 0..<problem.coefficients.count {
            #expect(abs(both.coefficients[j, 0] - one.coefficients.elements[j]) <= 1e-9)
            #expect(abs(both.coefficients[j, 1] + one.coefficients.elements[j]) <= 1e-9)
        }
    }

    @Test func badInputIsRefused() throws {
        let data = try Self.problems[0].data()
        for tau in [0, 1, -0.5, 1.5, Double.nan, .infinity] {
            #expect(throws: ArgumentError.self) { try QuantileRegression.solve(data, quantile: tau) }
        }
        #expect(throws: ArgumentError.self) { try QuantileRegression.solve(data, quantile: 0.5, weights: [1, 2]) }
        #expect(throws: ArgumentError.self) {
            try QuantileRegression.solve(data, quantile: 0.5, weights: Array(repeating: -1, count: data.rows))
        }
        // Fewer rows (of positive weight) than coefficients and intercept.
        let few = try Dataset(features: [[1.0, 2, 3], [4, 5, 6]], targets: [1.0, 2])
        #expect(throws: DataError.tooFewRows(argument: "data", rows: 2, minimum: 4)) { try QuantileRegression.solve(few, quantile: 0.5) }
        // A duplicated column: the interior point's systems are singular.
        let duplicated = try Dataset(features: (0..<8).map { [Double($0), Double($0)] }, targets: (0..<8).map { Double($0 * $0) })
        #expect(throws: ArgumentError.self) { try QuantileRegression.solve(duplicated, quantile: 0.5) }
        #expect(throws: MatrixError.self) {
            try QuantileRegression.solve(try Dataset(features: [[1.0], [2], [.infinity]], targets: [1.0, 2, 3]), quantile: 0.5)
        }
    }
}
