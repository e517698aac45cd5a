import Foundation
import Testing

@testable import MiniBatchGD

/// Huber regression against statsmodels' RLM with the scale held at 1 (Tests/Fixtures/huber,
/// made by the script beside it), against its own optimality condition computed here, against
/// least squares where no residual passes δ, and the descent with ``HuberLoss`` against it.
@Suite struct HuberRegressionTests {
    struct Problem: Decodable {
        let name: String, delta: Double, fitIntercept: Bool
        let features: [[Double]], target: [Double], coefficients: [Double], intercept: Double, outliers: Int
        func data() throws -> Dataset<Double> { try Dataset(features: features, targets: target) }
    }
    struct Fixture: Decodable { let problems: [Problem] }

    static let problems: [Problem] = {
        let url = URL(fileURLWithPath: fixtures + "/huber/problems.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url)).problems
    }()

    /// max |Σψ(rᵢ)x̃ᵢ| / Σ|ψ(rᵢ)|·‖x̃ᵢ‖∞: the optimality condition, from the rows.
    static func conditionViolation(_ problem: Problem, coefficients: [Double], intercept: Double) -> Double {
        let p = coefficients.count
        var gradient = [Double](repeating: 0, count: p + 1), scale = 0.0
        for (row, y) in zip(problem.features, problem.target) {
            var r = y - intercept
            for j in 0..<p { r -= row[j] * coefficients[j] }
            let psi = min(max(r, -problem.delta), problem.delta)
            for j in 0..<p { gradient[j] += psi * row[j] }
            if problem.fitIntercept { gradient[p] += psi }
            scale += abs(psi) * max(1, row.map(abs).max()!)
        }
        return gradient.map(abs).max()! / scale
    }

    @Test(arguments: problems.map(\.name)) func statsmodelsAnswersAreReached(name: String) throws {
        let problem = Self.problems.first { $0.name == name }!
        let solution = try HuberRegression.solve(try problem.data(), delta: problem.delta, fitIntercept: problem.fitIntercept)
        let report = solution.targets[0]
        let found = solution.coefficients.elements
        let size = problem.coefficients.map(abs).max()!
        for j in found.indices { #expect(abs(found[j] - problem.coefficients[j]) <= 1e-9 * size, "coefficient \(j)") }
        #expect(abs(solution.intercept[0] - problem.intercept) <= 1e-9 * max(1, abs(problem.intercept)))
        #expect(report.converged && report.outliers == problem.outliers)
        #expect(Self.conditionViolation(problem, coefficients: found, intercept: solution.intercept[0]) <= 1e-13)
    }

    /// With δ past every residual of the least-squares fit, Huber's answer is least squares'.
    @Test func aDeltaPastEveryResidualIsLeastSquares() throws {
        let problem = Self.problems[0]
        let data = try problem.data()
        let exact = try LeastSquares.solve(data, method: .qr)
        let solution = try HuberRegression.solve(data, delta: 1e6)
        #expect(solution.targets[0].outliers == 0)
        let difference = zip(solution.coefficients.elements, exact.parameters.coefficients.elements).map { abs($0 - $1) }.max()!
        #expect(difference <= 1e-10 * exact.parameters.coefficients.elements.map(abs).max()!)
    }

    /// A full-batch descent on ``HuberLoss`` reaches the exact answer: the loss runs through the
    /// generic kernel, and the comparison measures the same objective for both.
    @Test func theDescentReachesTheExactAnswer() throws {
        let problem = Self.problems[0]
        var config = GradientDescent(batchSize: .full, epochs: 20000, optimizer: .nesterov(), earlyStopping: nil)
        config.loss = HuberLoss(delta: problem.delta)
        var model = LinearRegression()
        let comparison = try model.fitAndCompareHuber(try problem.data(), using: config)
        #expect(comparison.parameterRelativeDifference <= 1e-8)
        #expect(comparison.gradientDescentCost >= comparison.referenceCost * (1 - 1e-14))
        #expect(comparison.costRelativeDifference <= 1e-12)
    }

    /// Integer weights are repeated rows: the weighted answer is the answer of the rows written
    /// out as many times as their weight (and a weight 0 leaves a row out).
    @Test func integerWeightsAreRepeatedRows() throws {
        let problem = Self.problems[0]
        let weights = problem.target.indices.map { Double($0 % 3) }
        let weighted = try HuberRegression.solve(try problem.data(), delta: problem.delta, weights: weights)
        var features: [[Double]] = [], targets: [Double] = []
        for (i, weight) in weights.enumerated() {
            for _ in 0..<Int(weight) {
                features.append(problem.features[i])
                targets.append(problem.target[i])
            }
        }
        let repeated = try HuberRegression.solve(try Dataset(features: features, targets: targets), delta: problem.delta)
        let difference = zip(weighted.coefficients.elements, repeated.coefficients.elements).map { abs($0 - $1) }.max()!
        #expect(difference <= 1e-10 * repeated.coefficients.elements.map(abs).max()!)
        #expect(abs(weighted.intercept[0] - repeated.intercept[0]) <= 1e-10 * max(1, abs(repeated.intercept[0])))
    }

    @Test func badInputIsRefused() throws {
        let data = try Self.problems[0].data()
        #expect(throws: ArgumentError.self) { try HuberRegression.solve(data, delta: 0) }
        #expect(throws: ArgumentError.self) { try HuberRegression.solve(data, delta: .nan) }
        #expect(throws: ArgumentError.self) { try HuberRegression.solve(data, delta: 1, weights: [1, 2]) }
        var model = LinearRegression()
        #expect(throws: ArgumentError.self) { try model.fitAndCompareHuber(data, using: GradientDescent(epochs: 2)) }
        var zero = GradientDescent(epochs: 2)
        zero.loss = HuberLoss(delta: 0)
        #expect(throws: ArgumentError.self) { try model.fit(data, using: zero) }
    }
}
