import Foundation
import Testing

@testable import MiniBatchGD

/// alpha_max and paths: against scikit-learn's enet_path, and alpha_max's defining property.
@Suite struct CoordinateDescentPathTests {
    /// alpha_max computed here from its definition: maxⱼ |Σωᵢ(xᵢⱼ − x̄ⱼ)(yᵢ − ȳ)| / (R·dⱼ).
    static func alphaMax(_ x: [[Double]], _ y: [Double], weights: [Double]?, l1Ratio: Double, d: [Double]) -> Double {
        let n = y.count, p = x[0].count, w = weights ?? [Double](repeating: 1, count: n), total = w.reduce(0, +)
        let yMean = (0..<n).reduce(0.0) { $0 + w[$1] * y[$1] } / total
        return (0..<p).map { j in
            let mean = (0..<n).reduce(0.0) { $0 + w[$1] * x[$1][j] } / total
            return abs((0..<n).reduce(0.0) { $0 + w[$1] * (x[$1][j] - mean) * (y[$1] - yMean) } / total) / (l1Ratio * d[j])
        }.max()!
    }

    static let cases = ["lasso", "weighted", "wide", "scales standardized weighted", "sparse weighted"]

    /// alpha_max as defined; at it every coefficient is exactly zero, and just below it exactly one
    /// is not (dense and sparse rows, both units).
    @Test(arguments: cases, [1.0, 0.5])
    func alphaMaxIsWhereTheFirstCoefficientEnters(name: String, l1Ratio: Double) throws {
        let problem = ElasticNetFixture.problem(name)
        let units = problem.units
        let d =
            units == .standardized
            ? weightedDeviations(problem.denseFeatures, weights: problem.weights) : [Double](repeating: 1, count: problem.featureCount)
        let expected = Self.alphaMax(problem.denseFeatures, problem.target, weights: problem.weights, l1Ratio: l1Ratio, d: d)
        let dense = try problem.dense(), sparse = try problem.sparseData()
        let top = try CoordinateDescent.alphaMax(dense, l1Ratio: l1Ratio, penaltyUnits: units)
        #expect(abs(top - expected) <= 1e-13 * expected)
        #expect(abs(try CoordinateDescent.alphaMax(sparse, l1Ratio: l1Ratio, penaltyUnits: units) - expected) <= 1e-13 * expected)
        #expect(
            abs(try CoordinateDescent.alphaMax(dense, l1Ratio: l1Ratio, penaltyUnits: units, method: .naive) - expected) <= 1e-13 * expected
        )
        let sparseTop = try CoordinateDescent.alphaMax(sparse, l1Ratio: l1Ratio, penaltyUnits: units)
        for solution in [
            try CoordinateDescent.solve(dense, alpha: top, l1Ratio: l1Ratio, penaltyUnits: units),
            try CoordinateDescent.solve(sparse, alpha: sparseTop, l1Ratio: l1Ratio, penaltyUnits: units),
        ] {
            #expect(solution.targets[0].zeroCoefficients == problem.featureCount)
            #expect(solution.converged)
        }
        for solution in [
            try CoordinateDescent.solve(dense, alpha: 0.999 * top, l1Ratio: l1Ratio, penaltyUnits: units),
            try CoordinateDescent.solve(sparse, alpha: 0.999 * top, l1Ratio: l1Ratio, penaltyUnits: units),
        ] {
            #expect(solution.targets[0].activeSet.count == 1, "\(name): \(solution.targets[0].activeSet)")
        }
    }

    /// The path of scikit-learn's enet_path (alphas=8, eps=1e-2, l1_ratio 0.8): the same grid to
    /// rounding, the same coefficients to 1e-8, every solution certified, by every route.
    @Test(arguments: ["covariance", "naive", "sparse"])
    func matchesEnetPath(route: String) throws {
        let fixture = ElasticNetFixture.shared.path
        let data = try Dataset(features: fixture.features, targets: fixture.target)
        let path =
            route == "sparse"
            ? try CoordinateDescent.path(
                SparseDataset(data), l1Ratio: fixture.l1Ratio, count: fixture.count, smallestRatio: fixture.smallestRatio)
            : try CoordinateDescent.path(
                data, l1Ratio: fixture.l1Ratio, count: fixture.count, smallestRatio: fixture.smallestRatio,
                method: route == "naive" ? .naive : .covariance)
        #expect(path.alphas.count == fixture.alphas.count)
        for (ours, theirs) in zip(path.alphas, fixture.alphas) { #expect(abs(ours - theirs) <= 1e-14 * theirs) }
        #expect(path.converged)
        for (i, solution) in path.solutions.enumerated() {
            let worst = zip(solution.coefficients.column(0), fixture.coefficients[i]).map { abs($0 - $1) }.max()!
            #expect(worst <= 1e-8, "alpha \(path.alphas[i]): \(worst)")
            #expect(abs(solution.intercept[0] - fixture.intercepts[i]) <= 1e-8)
            #expect(solution.coefficients.column(0).map { $0 == 0 } == fixture.coefficients[i].map { $0 == 0 })
            #expect(solution.alpha == path.alphas[i])
        }
        #expect(path.coefficients.count == fixture.count)
    }

    /// Given alphas are solved largest first, each the answer a cold start gives.
    @Test func givenAlphasAreSortedAndWarmStarted() throws {
        let problem = ElasticNetFixture.problem("correlated elastic net")
        let data = try problem.dense()
        let path = try CoordinateDescent.path(data, l1Ratio: 0.5, alphas: [0.01, 0.1, 0.03])
        #expect(path.alphas == [0.1, 0.03, 0.01])
        for (alpha, solution) in zip(path.alphas, path.solutions) {
            let cold = try CoordinateDescent.solve(data, alpha: alpha, l1Ratio: 0.5)
            #expect(relativeDifference(solution.parameters, cold.parameters) <= 1e-9)
        }
        // A ridge path needs its alphas; given them it runs.
        #expect(try CoordinateDescent.path(data, l1Ratio: 0, alphas: [1, 0.1]).converged)
    }

    /// Started at the answer, the descent stops after its first full sweep.
    @Test func warmStartAtTheAnswerStopsAtOnce() throws {
        let problem = ElasticNetFixture.problem("correlated lasso")
        let data = try problem.dense()
        let cold = try CoordinateDescent.solve(data, alpha: problem.alpha, l1Ratio: problem.l1Ratio)
        #expect(cold.targets[0].sweeps > 100)
        for method in [CoordinateDescent.Method.covariance, .naive] {
            let warm = try CoordinateDescent.solve(
                data, alpha: problem.alpha, l1Ratio: problem.l1Ratio, start: cold.coefficients, method: method)
            #expect(warm.targets[0].sweeps == 1)
            // One more sweep moves the answer by no more than its certificate allows.
            #expect(relativeDifference(warm.parameters, cold.parameters) <= 1e-10)
        }
        let sparse = try CoordinateDescent.solve(
            try problem.sparseData(), alpha: problem.alpha, l1Ratio: problem.l1Ratio, start: cold.coefficients)
        #expect(sparse.targets[0].sweeps == 1)
    }
}
