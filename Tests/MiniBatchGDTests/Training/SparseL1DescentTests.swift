import Foundation
import Testing

@testable import MiniBatchGD

/// L1 and elastic net on sparse rows, the soft-thresholds of the columns a step skips applied
/// when a step next touches them: the dense prox's steps, its exact zeros, and the lasso's
/// support by coordinate descent at full batch.
@Suite struct SparseL1DescentTests {
    /// Without standardizing, with a fixed rate, no averaging and the same shuffle (as
    /// SparseDescentTests.theSparseStepsAreTheDenseSteps), the lazy prox takes the dense prox's
    /// steps: the same parameters to rounding and the same exact zeros.
    @Test(arguments: [1, 7, 64, 300])
    func theLazyProxIsTheDenseProx(batch: Int) throws {
        var zerosSeen = 0
        for l1Ratio in [1.0, 0.5] {
            for (reduction, weighted) in [(Reduction.mean, false), (.sum, false), (.mean, true)] {
                let dense = try SparseDescentTests.dense(weighted: weighted)
                let rate = reduction == .mean ? 0.002 : 0.002 / Double(batch)
                // Enough steps at the larger batches for the thresholds to reach zero somewhere.
                let epochs = batch >= 64 ? 60 : 3
                var config = GradientDescent(
                    batchSize: .rows(batch), epochs: epochs, learningRate: .fixed(rate), averaging: .none, reduction: reduction,
                    standardize: false, shuffle: .everyEpoch(seed: 5), earlyStopping: nil)
                config.penalty = ElasticNetPenalty(alpha: 1.5, l1Ratio: l1Ratio)
                var a = LinearRegression(), b = LinearRegression()
                try a.fit(dense, using: config)
                try b.fit(SparseDataset(dense), using: config)
                let what = "batch \(batch), R \(l1Ratio), \(reduction), weighted \(weighted)"
                #expect(relativeDifference(a.parameters!, b.parameters!) <= 1e-12, "\(what)")
                let denseZeros = a.parameters!.coefficients.elements.indices.filter { a.parameters!.coefficients.elements[$0] == 0 }
                let sparseZeros = b.parameters!.coefficients.elements.indices.filter { b.parameters!.coefficients.elements[$0] == 0 }
                #expect(denseZeros == sparseZeros, "\(what)")
                zerosSeen += denseZeros.count
            }
        }
        // The comparison of zeros is not vacuous.
        #expect(zerosSeen > 0, "batch \(batch)")
    }

    /// Full batch, standardized (each column's threshold 1/sⱼ² on β, the penalty in the data's
    /// units): proximal gradient descent reaches the lasso's optimum by coordinate descent, its
    /// support exactly.
    @Test func theFullBatchLassoReachesCoordinateDescentsSupport() throws {
        let sparse = SparseDataset(try SparseDescentTests.dense())
        let alpha = 1.5
        var config = GradientDescent(batchSize: .full, epochs: 20000, earlyStopping: nil)
        config.penalty = ElasticNetPenalty(alpha: alpha)
        var model = LinearRegression()
        try model.fit(sparse, using: config)
        let exact = try CoordinateDescent.solve(sparse, alpha: alpha, tolerance: 1e-14)
        let fitted = model.parameters!.coefficients.elements, optimum = exact.parameters.coefficients.elements
        let support = fitted.indices.filter { fitted[$0] != 0 }, exactSupport = optimum.indices.filter { optimum[$0] != 0 }
        #expect(support == exactSupport)
        #expect(exactSupport.count > 0 && exactSupport.count < fitted.count)
        #expect(relativeDifference(model.parameters!, exact.parameters) < 1e-7)
    }

    /// Full batch, the certified stop bounds the distance by the objective's shortest subgradient
    /// over μ (as the dense trainer's), in the data's units or standardized (each coefficient's
    /// threshold A·R/sⱼ on θ = s·β): the fit stops certified, and the bound covers its true
    /// distance to coordinate descent's optimum. In mini-batches no certificate: the plateau stops it.
    @Test(arguments: [(1.0, false), (0.5, false), (1.0, true)])
    func theFullBatchLassoStopsCertified(l1Ratio: Double, standardize: Bool) throws {
        let sparse = SparseDataset(try SparseDescentTests.dense())
        let tolerance = 1e-6
        var config = GradientDescent(
            batchSize: .full, epochs: 200_000, standardize: standardize, earlyStopping: EarlyStopping(parameterTolerance: tolerance))
        config.penalty = ElasticNetPenalty(alpha: 1.5, l1Ratio: l1Ratio)
        var model = LinearRegression()
        let comparison = try model.fitAndCompareElasticNet(sparse, using: config)
        #expect(comparison.run.history.stopReason == .parametersCertified)
        #expect(comparison.run.history.epochCosts.count < 200_000)
        #expect(comparison.parameterRelativeDifference <= tolerance * (1 + 2 * tolerance))
        config.batchSize = .rows(16)
        let run = try model.fitAndCompareElasticNet(sparse, using: config).run
        #expect(run.history.certifiedDistances.isEmpty)
        #expect(run.history.stopReason == .trainingCostConverged)
    }

    /// What the lazy soft-thresholding does not do is refused by name.
    @Test func whatStaysRefusedIsNamed() throws {
        let sparse = SparseDataset(try SparseDescentTests.dense())
        func refusal(_ config: GradientDescent) -> ArgumentError? {
            var model = LinearRegression()
            do { try model.fit(sparse, using: config) } catch let error as ArgumentError { return error } catch { return nil }
            return nil
        }
        // An adaptive rule takes the lasso, not the elastic net (AdaptiveL1DescentTests has the rest).
        var adaptive = GradientDescent(epochs: 2, optimizer: .adagrad(), standardize: false)
        adaptive.penalty = ElasticNetPenalty(alpha: 0.1, l1Ratio: 0.5)
        #expect(refusal(adaptive)?.argument == "penalty.l1Ratio")
        var net = GradientDescent(epochs: 2)
        net.penalty = ElasticNetPenalty(alpha: 0.1, l1Ratio: 0.5)
        #expect(refusal(net)?.argument == "penalty.l1Ratio")
        // The lasso standardized, and the elastic net in standardized units, descend (averaged:
        // SparseL1AverageTests).
        var lasso = GradientDescent(epochs: 2)
        lasso.penalty = ElasticNetPenalty(alpha: 0.1)
        var model = LinearRegression()
        _ = try model.fit(sparse, using: lasso)
        net.penalty = ElasticNetPenalty(alpha: 0.1, l1Ratio: 0.5, penaltyUnits: .standardized)
        _ = try model.fit(sparse, using: net)
    }
}
