import Foundation
import Testing

@testable import MiniBatchGD

/// The descent's lasso and elastic net (``ElasticNetPenalty``) against scikit-learn's answers
/// (the committed fixture) and the exact ones of ``CoordinateDescent``.
@Suite struct ElasticNetPenaltyTests {
    /// A full-batch descent with the penalty is proximal gradient descent (ISTA): it reaches
    /// scikit-learn's optimum, with its exact zeros, whether it descends in the data's units
    /// or on standardized columns (each coordinate then thresholded by A·R/sⱼ).
    @Test(arguments: ["lasso", "elastic net", "weighted", "correlated lasso"], [false, true])
    func fullBatchProximalDescentReachesScikitLearnsOptimum(name: String, standardize: Bool) throws {
        let problem = ElasticNetFixture.problem(name)
        var config = GradientDescent(batchSize: .full, epochs: 30000, standardize: standardize, earlyStopping: nil)
        config.penalty = ElasticNetPenalty(alpha: problem.alpha, l1Ratio: problem.l1Ratio)
        var model = LinearRegression(fitIntercept: problem.fitIntercept)
        let comparison = try model.fitAndCompareElasticNet(try problem.dense(), using: config)
        let found = comparison.gradientDescent.coefficients.elements
        let scale = problem.coefficients.map(abs).max()!
        for j in found.indices { #expect(abs(found[j] - problem.coefficients[j]) <= 1e-7 * scale, "coefficient \(j)") }
        #expect(found.indices.filter { found[$0] == 0 } == problem.zeros)
        #expect(comparison.parameterRelativeDifference <= 1e-7)
        // The objective: no lower than the certified optimum's, less its gap, and close to it.
        let gap = comparison.reference.targets[0].gap
        #expect(comparison.gradientDescentCost >= comparison.referenceCost - gap - 1e-15)
        #expect(comparison.costRelativeDifference <= 1e-10)
    }

    /// Full batch, the certified stop bounds the distance by the objective's shortest subgradient
    /// over μ: where it certifies, the bound covers the true distance to coordinate descent's
    /// optimum (itself certified by its duality gap), zeros included. Where the objective is not
    /// strongly convex in every direction (a lasso on more features than rows), or the L2 part's
    /// least curvature (on standardized columns, A(1 − R)/sⱼ² for the widest column, scales
    /// spanning 10⁵ here) leaves no bound, no certificate: the plateau stops it.
    @Test(arguments: [
        "lasso", "elastic net", "no intercept", "weighted", "wide", "wide elastic net", "correlated lasso", "correlated elastic net",
        "scales original", "scales standardized", "sparse",
    ])
    func fullBatchProximalDescentStopsCertified(name: String) throws {
        let problem = ElasticNetFixture.problem(name)
        let tolerance = 1e-6
        var config = GradientDescent(batchSize: .full, epochs: 200_000, earlyStopping: EarlyStopping(parameterTolerance: tolerance))
        config.penalty = ElasticNetPenalty(alpha: problem.alpha, l1Ratio: problem.l1Ratio, penaltyUnits: problem.units)
        var model = LinearRegression(fitIntercept: problem.fitIntercept)
        let comparison = try model.fitAndCompareElasticNet(try problem.dense(), using: config)
        let history = comparison.run.history
        let certified = history.stopReason == .parametersCertified
        #expect(certified == !["wide", "scales original"].contains(name), "\(name): \(String(describing: history.stopReason))")
        #expect(history.epochCosts.count < 200_000)
        guard certified else {
            #expect(history.certifiedDistances.isEmpty)
            return
        }
        // The bound is relative to the descent's own norm; the optimum's differs from it by less than the bound.
        #expect(comparison.parameterRelativeDifference <= tolerance * (1 + 2 * tolerance), "\(name)")
        let found = comparison.gradientDescent.coefficients.elements
        #expect(found.indices.filter { found[$0] == 0 } == problem.zeros, "\(name)")
    }

    /// A mini-batch descent's iterate sits off the lasso's zeros by its noise, where the shortest
    /// subgradient stays at the threshold's size: it gets no certificate, and its plateau still
    /// stops it well before the budget.
    @Test func miniBatchProximalDescentStopsOnItsPlateau() throws {
        let problem = ElasticNetFixture.problem("lasso")
        var config = GradientDescent(batchSize: .rows(8), epochs: 100_000, earlyStopping: EarlyStopping(parameterTolerance: 1e-6))
        config.penalty = ElasticNetPenalty(alpha: problem.alpha, l1Ratio: problem.l1Ratio)
        var model = LinearRegression(fitIntercept: problem.fitIntercept)
        let comparison = try model.fitAndCompareElasticNet(try problem.dense(), using: config)
        #expect(comparison.run.history.stopReason == .trainingCostConverged)
        #expect(comparison.run.history.certifiedDistances.isEmpty)
        #expect(comparison.run.history.epochCosts.count < 100_000)
    }

    /// The shortest subgradient worked by hand: off zero the gradient plus t·sign(θ); at zero the
    /// gradient moved toward 0 by t, and 0 inside [−t, t]; per coefficient t/sⱼ on standardized columns.
    @Test func shortestSubgradientWorkedByHand() {
        let penalty = ElasticNetPenalty(alpha: 2, l1Ratio: 0.25)  // t = 0.5 at scale 1
        #expect(penalty.knowsShortestSubgradient && !penalty.isSmooth)
        let w = [3.0, -0.5, 0, 0, 0]
        var g = [1.0, 1, 0.375, 0.875, -0.875]
        penalty.shortestSubgradient(at: w, count: 5, scale: 1, gradient: &g)
        #expect(g == [1.5, 0.5, 0, 0.375, -0.375])
        // Scale 0.5 halves t; on θ = s·W with s = (2, 4, 1, 1, 0.5): tⱼ = 0.25/sⱼ.
        let scaled = penalty.inDescentCoordinates(scales: [2, 4, 1, 1, 0.5], outputs: 1)
        g = [1.0, 1, 0.375, 0.875, -0.875]
        scaled.shortestSubgradient(at: w, count: 5, scale: 0.5, gradient: &g)
        #expect(g == [1.125, 0.9375, 0.125, 0.625, -0.375])
        // A smooth penalty's gradient is its only subgradient: nothing changes.
        let ridge = L2Penalty(strength: 3)
        #expect(ridge.knowsShortestSubgradient)
        g = [1.0, 1, 0.375, 0.875, -0.875]
        ridge.shortestSubgradient(at: w, count: 5, scale: 1, gradient: &g)
        #expect(g == [1.0, 1, 0.375, 0.875, -0.875])
    }

    /// The penalty's value, gradient and proximal step, worked by hand, in the data's units and
    /// on standardized coordinates (factors 1/s).
    @Test func valueGradientAndThresholdWorkedByHand() {
        let penalty = ElasticNetPenalty(alpha: 2, l1Ratio: 0.25)
        var w = [3.0, -0.5, 0]
        // 2·(0.25·3.5 + 0.375·(9 + 0.25)) = 1.75 + 6.9375.
        #expect(w.withUnsafeBufferPointer { penalty.value($0) } == 8.6875)
        var g = [0.0, 0, 0]
        penalty.addGradient(of: w, count: 3, scale: 1, into: &g)
        #expect(g == [4.5, -0.75, 0])  // 2·0.75·w
        penalty.proximalStep(&w, count: 3, step: 1)  // thresholds 0.5
        #expect(w == [2.5, 0, 0])
        // On θ = s·W with s = (2, 4, 1): thresholds 0.5/s, L2 factors 1/s².
        let scaled = ElasticNetPenalty(alpha: 2, l1Ratio: 0.25).inDescentCoordinates(scales: [2, 4, 1], outputs: 1)
        var theta = [6.0, -2, 1]  // W = (3, −0.5, 1)
        let expected: Double = 2 * (0.25 * 4.5 + 0.375 * 10.25)  // Σ|W| = 4.5, ΣW² = 10.25
        let value = theta.withUnsafeBufferPointer { scaled.value($0) }
        #expect(value == expected)
        scaled.proximalStep(&theta, count: 3, step: 1)
        #expect(theta == [5.75, -1.875, 0.5])
        #expect(scaled.curvature == 2 * 0.75 * 1)  // the largest 1/s² is 1
        #expect(!scaled.isSmooth && scaled.ridge == nil)
    }

    @Test func whatCannotBeComparedIsRefused() throws {
        let data = try ElasticNetFixture.problem("lasso").dense()
        var model = LinearRegression()
        var ridge = GradientDescent(batchSize: .full, epochs: 10)
        ridge.l2Penalty = 0.1
        #expect(throws: ArgumentError.self) { try model.fitAndCompareElasticNet(data, using: ridge) }
        var summed = GradientDescent(batchSize: .full, epochs: 10, reduction: .sum)
        summed.penalty = ElasticNetPenalty(alpha: 0.1)
        #expect(throws: ArgumentError.self) { try model.fitAndCompareElasticNet(data, using: summed) }
        var noL1 = GradientDescent(batchSize: .full, epochs: 10)
        noL1.penalty = ElasticNetPenalty(alpha: 0.1, l1Ratio: 1.5)
        #expect(throws: ArgumentError.self) { try model.fitAndCompareElasticNet(data, using: noL1) }
        // AdamW's decoupled decay is a shrink outside the objective (the other rules threshold in their metric).
        var adamW = GradientDescent(batchSize: .full, epochs: 10, optimizer: .adamW())
        adamW.penalty = ElasticNetPenalty(alpha: 0.1)
        #expect(throws: ArgumentError.self) { try model.fitAndCompareElasticNet(data, using: adamW) }
        // Bad values are refused by any fit, before training.
        for penalty in [
            ElasticNetPenalty(alpha: 0.1, l1Ratio: 1.5), ElasticNetPenalty(alpha: 0.1, l1Ratio: 0), ElasticNetPenalty(alpha: -1),
        ] {
            var config = GradientDescent(batchSize: .full, epochs: 10)
            config.penalty = penalty
            #expect(throws: ArgumentError.self) { try model.fit(data, using: config) }
        }
    }
}
