import Foundation
import Testing

@testable import MiniBatchGD

/// Epsilon-insensitive regression against HiGHS's LP optimum and squared epsilon-insensitive
/// regression against SciPy's (Tests/Fixtures/epsilon-insensitive, made by the script beside
/// it), compared by objective (the coefficients need not be unique), and the descents on both
/// losses and on the quantile loss reaching their exact optima's objectives.
@Suite struct EpsilonInsensitiveRegressionTests {
    struct Problem: Decodable {
        let kind: String, name: String, epsilon: Double, fitIntercept: Bool
        let features: [[Double]], target: [Double], weights: [Double]?
        let sumLoss: Double?, meanLoss: Double?, unique: Bool?, insideTube: Int?
        let coefficients: [Double], intercept: Double
        func data() throws -> Dataset<Double> { try Dataset(features: features, targets: target, weights: weights) }
    }
    struct Fixture: Decodable { let problems: [Problem] }

    static let problems: [Problem] = {
        let url = URL(fileURLWithPath: fixtures + "/epsilon-insensitive/problems.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url)).problems
    }()
    static let linear = problems.filter { $0.kind == "linear" }
    static let squared = problems.filter { $0.kind == "squared" }

    /// Σwᵢ·max(0, |rᵢ| − ε) and Σwᵢ·max(0, |rᵢ| − ε)²/2, computed here from the rows.
    static func sums(_ problem: Problem, _ parameters: Parameters) -> (linear: Double, squared: Double, weight: Double) {
        var linear = 0.0, squared = 0.0, weight = 0.0
        for (i, (row, y)) in zip(problem.features, problem.target).enumerated() {
            var r = y - parameters.intercept[0]
            for j in row.indices { r -= row[j] * parameters.coefficients[j, 0] }
            let excess = max(abs(r) - problem.epsilon, 0), w = problem.weights?[i] ?? 1
            linear += w * excess
            squared += w * excess * excess / 2
            weight += w
        }
        return (linear, squared, weight)
    }

    @Test(arguments: linear.map(\.name)) func highsOptimumIsReached(name: String) throws {
        let problem = Self.linear.first { $0.name == name }!
        let expected = try #require(problem.sumLoss)
        var model = LinearRegression(fitIntercept: problem.fitIntercept)
        let solution = try model.fit(try problem.data(), epsilonInsensitive: problem.epsilon)
        let report = solution.targets[0]
        #expect(abs(report.objective - expected) <= 1e-9 * expected)
        #expect(abs(Self.sums(problem, solution.parameters).linear - expected) <= 1e-9 * expected)
        #expect(report.converged && report.dualityGap <= QuantileRegression.gapTolerance)
        #expect(report.dualObjective <= report.objective * (1 + 1e-12))
        #expect(report.dualObjective >= expected * (1 - 1e-9))
        // A vertex of the doubled LP: at least one row on the tube's edge per coefficient.
        #expect(report.isVertex && report.edgeResiduals >= problem.coefficients.count + (problem.fitIntercept ? 1 : 0))
        #expect(model.parameters == solution.parameters)
    }

    /// ε = 0 is least absolute deviations: the median regression's objective doubled.
    @Test func noTubeIsLeastAbsoluteDeviations() throws {
        let problem = Self.linear[0]
        let data = try problem.data()
        let median = try QuantileRegression.solve(data, quantile: 0.5)
        let solution = try EpsilonInsensitiveRegression.solve(data, epsilon: 0)
        #expect(abs(solution.targets[0].objective - 2 * median.targets[0].objective) <= 1e-10 * solution.targets[0].objective)
    }

    @Test(arguments: squared.map(\.name)) func scipyOptimumIsReached(name: String) throws {
        let problem = Self.squared.first { $0.name == name }!
        let expected = try #require(problem.meanLoss)
        let solution = try SquaredEpsilonInsensitiveRegression.solve(
            try problem.data(), epsilon: problem.epsilon, fitIntercept: problem.fitIntercept)
        let report = solution.targets[0], sums = Self.sums(problem, solution.parameters)
        #expect(report.converged && report.iterations < SquaredEpsilonInsensitiveRegression.iterationLimit)
        // Never above SciPy's optimum by more than 1e-10 (relative; absolute 1e-14 at a zero optimum).
        #expect(report.objective - expected <= max(1e-10 * expected, 1e-14))
        #expect(abs(sums.squared / sums.weight - report.objective) <= 1e-12 * max(report.objective, 1e-300))
        #expect(expected - report.objective <= 1e-10 * expected)
        if problem.unique == true {
            let size = max(1, problem.coefficients.map(abs).max()!)
            for j in problem.coefficients.indices {
                #expect(abs(solution.coefficients.elements[j] - problem.coefficients[j]) <= 1e-6 * size, "coefficient \(j)")
            }
            #expect(report.insideTube == problem.insideTube)
        }
    }

    /// A tube wider than every residual of some fit: the optimum is 0 and not unique; the solver
    /// says so by its objective and counts every row inside.
    @Test func aZeroOptimumIsFoundThoughNotUnique() throws {
        let problem = try #require(Self.squared.first { $0.unique == false })
        #expect(problem.meanLoss == 0)
        let solution = try SquaredEpsilonInsensitiveRegression.solve(try problem.data(), epsilon: problem.epsilon)
        #expect(solution.targets[0].objective == 0 && solution.targets[0].insideTube == problem.target.count)
    }

    /// The smooth loss by full-batch Nesterov, the automatic step: the objective to 1e-10.
    @Test func theSquaredDescentReachesTheOptimum() throws {
        let problem = Self.squared[0]
        var config = GradientDescent(batchSize: .full, epochs: 20000, optimizer: .nesterov(), earlyStopping: nil)
        config.loss = SquaredEpsilonInsensitiveLoss(epsilon: problem.epsilon)
        var model = LinearRegression()
        let comparison = try model.fitAndCompareSquaredEpsilonInsensitive(try problem.data(), using: config)
        #expect(comparison.gradientDescentCost >= comparison.referenceCost * (1 - 1e-14))
        #expect(comparison.costRelativeDifference <= 1e-10)
    }

    /// The subgradient method's defaults (the tool's): batches of 32, the automatic rate (least
    /// squares' times the target's spread), η₀/√t per epoch, iterates averaged from the start.
    static func subgradientConfiguration(_ loss: any Loss, epochs: Int) -> GradientDescent {
        var config = GradientDescent(
            batchSize: 32, epochs: epochs, averaging: .fromStart, schedule: .inverseScaling(power: 0.5), earlyStopping: nil)
        config.loss = loss
        return config
    }

    @Test func theEpsilonInsensitiveSubgradientDescentReachesTheOptimum() throws {
        let problem = Self.linear[0]
        var model = LinearRegression()
        let comparison = try model.fitAndCompareEpsilonInsensitive(
            try problem.data(), using: Self.subgradientConfiguration(EpsilonInsensitiveLoss(epsilon: problem.epsilon), epochs: 2000))
        #expect(abs(comparison.referenceCost * Double(problem.target.count) - problem.sumLoss!) <= 1e-9 * problem.sumLoss!)
        #expect(comparison.costRelativeDifference >= -1e-12)
        #expect(comparison.costRelativeDifference <= 1e-3)
    }

    @Test func theQuantileSubgradientDescentReachesTheOptimum() throws {
        let problem = Self.linear[1]
        var model = LinearRegression()
        let comparison = try model.fitAndCompareQuantile(
            try problem.data(), using: Self.subgradientConfiguration(QuantileLoss(quantile: 0.9), epochs: 2000))
        #expect(comparison.costRelativeDifference >= -1e-12)
        #expect(comparison.costRelativeDifference <= 1e-3)
    }

    @Test func badInputIsRefused() throws {
        let data = try Self.linear[0].data()
        #expect(throws: ArgumentError.self) { try EpsilonInsensitiveRegression.solve(data, epsilon: -1) }
        #expect(throws: ArgumentError.self) { try SquaredEpsilonInsensitiveRegression.solve(data, epsilon: .nan) }
        #expect(throws: ArgumentError.self) { try EpsilonInsensitiveRegression.solve(data, epsilon: 1, weights: [1, 2]) }
        var model = LinearRegression()
        #expect(throws: ArgumentError.self) { try model.fitAndCompareEpsilonInsensitive(data, using: GradientDescent(epochs: 2)) }
        var penalized = GradientDescent(epochs: 2, l2Penalty: 1)
        penalized.loss = QuantileLoss()
        #expect(throws: ArgumentError.self) { try model.fitAndCompareQuantile(data, using: penalized) }
    }
}
