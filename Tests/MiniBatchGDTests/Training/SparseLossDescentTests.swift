import Testing

@testable import MiniBatchGD

/// The losses other than squares on sparse rows: the sparse descent against the dense one on a
/// design written both ways (whose fused loss kernel is another computation of the same steps),
/// against Huber's exact optimum, and the penalties it still refuses.
@Suite struct SparseLossDescentTests {
    static let losses: [any Loss] = [
        HuberLoss(delta: 0.5), EpsilonInsensitiveLoss(epsilon: 0.1), SquaredEpsilonInsensitiveLoss(epsilon: 0.1),
        QuantileLoss(quantile: 0.8), OwnHuber(delta: 0.5),
    ]

    /// Without standardizing, with a fixed rate, no averaging and the same shuffle, the sparse and
    /// dense descents take the same steps for every loss: the same parameters and epoch costs to
    /// rounding after three epochs, for batches of 1, 7, 64 and all 300 rows, both reductions,
    /// an L2 penalty and row weights.
    @Test(arguments: [1, 7, 64, 300])
    func theSparseStepsAreTheDenseStepsForEveryLoss(batch: Int) throws {
        for loss in Self.losses {
            for (reduction, weighted) in [(Reduction.mean, false), (.sum, false), (.mean, true)] {
                let dense = try SparseDescentTests.dense(weighted: weighted)
                let rate = reduction == .mean ? 0.002 : 0.002 / Double(batch)
                var config = GradientDescent(
                    batchSize: .rows(batch), epochs: 3, learningRate: .fixed(rate), averaging: .none, reduction: reduction,
                    standardize: false, shuffle: .everyEpoch(seed: 5), l2Penalty: 0.05, earlyStopping: nil)
                config.loss = loss
                var a = LinearRegression(), b = LinearRegression()
                let denseRun = try a.fit(dense, using: config)
                let sparseRun = try b.fit(SparseDataset(dense), using: config)
                let what = "\(loss), batch \(batch), \(reduction), weighted \(weighted)"
                #expect(relativeDifference(a.parameters!, b.parameters!) <= 1e-12, "\(what)")
                #expect(relativeDifference(denseRun.history.epochCosts, sparseRun.history.epochCosts) <= 1e-12, "\(what)")
            }
        }
    }

    /// A lazy adaptive rule (AdaGrad) with Huber's loss and averaging is the dense one's.
    @Test func aLazyRuleWithHubersLossIsTheDenseOne() throws {
        let dense = try SparseDescentTests.dense(weighted: true)
        for batch in [1, 16] {
            var config = GradientDescent(
                batchSize: .rows(batch), epochs: 3, learningRate: .fixed(0.01), optimizer: .adagrad(), averaging: .fromStart,
                standardize: false, shuffle: .everyEpoch(seed: 3), earlyStopping: nil)
            config.loss = HuberLoss(delta: 0.5)
            var a = LinearRegression(), b = LinearRegression()
            try a.fit(dense, using: config)
            try b.fit(SparseDataset(dense), using: config)
            #expect(relativeDifference(a.parameters!, b.parameters!) <= 1e-12, "batch \(batch)")
        }
    }

    /// Full-batch descent on sparse rows with Huber's loss and the automatic step reaches the
    /// exact optimum (Newton's method on the same rows densified) to 1e-6.
    @Test func huberOnSparseRowsReachesTheExactOptimum() throws {
        let dense = try SparseDescentTests.dense()
        var config = GradientDescent(
            batchSize: .full, epochs: 20000, averaging: .none, standardize: false, earlyStopping: nil)
        config.loss = HuberLoss(delta: 0.2)
        var model = LinearRegression()
        try model.fit(SparseDataset(dense), using: config)
        let exact = try HuberRegression.solve(dense, delta: 0.2)
        #expect(exact.targets[0].outliers > 0)
        #expect(relativeDifference(model.parameters!, exact.parameters) <= 1e-6)
    }

    /// The elastic net (R < 1) with an adaptive rule stays refused on sparse rows by name (its
    /// L2 part's gradient is at every column; AdaptiveL1DescentTests has the lasso's lazy steps).
    @Test func theElasticNetWithAnAdaptiveRuleIsRefusedOnSparseRows() throws {
        var config = GradientDescent(epochs: 2, optimizer: .adam(), standardize: false)
        config.penalty = ElasticNetPenalty(alpha: 0.01, l1Ratio: 0.5)
        var model = LinearRegression()
        #expect {
            try model.fit(SparseDataset(try SparseDescentTests.dense()), using: config)
        } throws: { error in
            guard let error = error as? ArgumentError else { return false }
            return error.argument == "penalty.l1Ratio" && "\(error)".contains("lazy adaptive step")
        }
    }
}
