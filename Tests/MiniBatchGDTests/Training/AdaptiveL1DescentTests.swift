import Foundation
import Testing

@testable import MiniBatchGD

/// The lasso's proximal step after a momentum or adaptive rule (the threshold in the rule's own
/// metric): by hand, at full batch to scikit-learn's optimum and exact zeros (the committed
/// fixture), and on sparse rows applied lazily, against the dense rule or an eager loop of the
/// same lazy rule written here.
@Suite struct AdaptiveL1DescentTests {
    /// One AdaGrad step with its proximal step, by hand: v = g², θ − η·g/√v, then each
    /// coordinate thresholded by η·A·R/√v (ε = 0 here, so that every quotient is a round number).
    @Test func anAdaGradProximalStepWorkedByHand() {
        var rule = SquareScaledStep.adagrad(count: 3, epsilon: 0)
        var theta = [1.0, 0.3, -2.0]
        let gradient = [0.5, -2.0, 4.0]
        rule.step(&theta, gradient: gradient, rate: 0.1)
        // θ − 0.1·sign(g): 0.9, 0.4, −2.1.
        let step = ElasticNetStep(ElasticNetPenalty(alpha: 3, l1Ratio: 0.5), factors: nil)
        step.proximalStep(&theta, count: 3, step: 0.1, after: rule)
        // Thresholds 0.1·1.5/|g| = 0.3, 0.075, 0.0375.
        let expected = [0.6, 0.325, -2.0625]
        for i in 0..<3 { #expect(abs(theta[i] - expected[i]) <= 1e-15, "coordinate \(i)") }
        // The plain rule's scale is 1: the same call is the plain proximal step.
        var plain = [0.9, 0.4, -2.1]
        step.proximalStep(&plain, count: 3, step: 0.1, after: PlainStep(count: 3))
        #expect(plain == [0.9 - 0.15, 0.4 - 0.15, -2.1 + 0.15])
    }

    /// min ½(θ − 3)² + |θ| is θ = 2. Heavy ball and Nesterov with the threshold η·A·R/(1 − μ)
    /// settle there; with the plain step's η·A·R they would settle at 3 − (1 − μ) = 2.5 (the
    /// lasso of strength (1 − μ)·A), which the first assertion would catch.
    @Test(arguments: [false, true])
    func momentumWithItsThresholdSettlesOnTheLasso(nesterov: Bool) {
        var rule = MomentumStep(count: 1, momentum: 0.5, nesterov: nesterov)
        let step = ElasticNetStep(ElasticNetPenalty(alpha: 1), factors: nil)
        var theta = [0.0]
        for _ in 0..<400 {
            let gradient = [theta[0] - 3]
            rule.step(&theta, gradient: gradient, rate: 0.3)
            step.proximalStep(&theta, count: 1, step: 0.3, after: rule)
        }
        #expect(abs(theta[0] - 2) <= 1e-14)
        // A coordinate whose gradient stays within the threshold stays exactly zero:
        // min ½(θ − 0.5)² + |θ| is θ = 0.
        var zeroRule = MomentumStep(count: 1, momentum: 0.5, nesterov: nesterov)
        var zero = [1.0]
        for _ in 0..<400 {
            let gradient = [zero[0] - 0.5]
            zeroRule.step(&zero, gradient: gradient, rate: 0.3)
            step.proximalStep(&zero, count: 1, step: 0.3, after: zeroRule)
        }
        #expect(zero[0] == 0)
    }

    /// Full batch, standardized, on the fixture's lasso and elastic net: every rule with its
    /// proximal step in its own metric reaches scikit-learn's optimum with its exact zeros.
    /// AdaGrad and momentum at a constant rate converge to it; RMSprop's and Adam's steps stay
    /// about η long near the answer (their v shrinks with the gradient), so they take the cosine
    /// schedule to a zero rate, and their bound is the distance its last steps leave.
    @Test(arguments: ["lasso", "elastic net"])
    func fullBatchAdaptiveAndMomentumProximalDescentReachTheOptimum(name: String) throws {
        let problem = ElasticNetFixture.problem(name)
        let cases: [(Optimizer, LearningRate, LearningRateSchedule, Double)] = [
            (.adagrad(), .fixed(0.5), .constant, 1e-7),
            (.rmsprop(), .fixed(0.002), .cosine, 1e-4),
            (.adam(), .fixed(0.002), .cosine, 1e-4),
            (.momentum(0.5), .fixed(0.3), .constant, 1e-7),
            (.nesterov(0.5), .fixed(0.3), .constant, 1e-7),
        ]
        for (optimizer, rate, schedule, bound) in cases {
            var config = GradientDescent(
                batchSize: .full, epochs: 30000, learningRate: rate, optimizer: optimizer, averaging: .none, schedule: schedule,
                earlyStopping: nil)
            config.penalty = ElasticNetPenalty(alpha: problem.alpha, l1Ratio: problem.l1Ratio)
            var model = LinearRegression(fitIntercept: problem.fitIntercept)
            let comparison = try model.fitAndCompareElasticNet(try problem.dense(), using: config)
            let found = comparison.gradientDescent.coefficients.elements
            let scale = problem.coefficients.map(abs).max()!
            let worst = found.indices.map { abs(found[$0] - problem.coefficients[$0]) / scale }.max()!
            #expect(worst <= bound, "\(optimizer.name): \(worst)")
            #expect(found.indices.filter { found[$0] == 0 } == problem.zeros, "\(optimizer.name)")
            #expect(comparison.parameterRelativeDifference <= bound, "\(optimizer.name)")
        }
        #expect(!problem.zeros.isEmpty)
    }

    /// On rows with zeros, lazy AdaGrad's thresholds are the eager rule's (an untouched slot's
    /// v does not move): the sparse descent is the dense one to rounding, with the same zeros,
    /// on every batch path, both reductions and weights.
    @Test(arguments: [1, 7, 64, 300])
    func theLazyAdaGradLassoIsTheDenseOne(batch: Int) throws {
        var zerosSeen = 0
        for (reduction, weighted) in [(Reduction.mean, false), (.sum, false), (.mean, true)] {
            let dense = try SparseDescentTests.dense(weighted: weighted)
            let rate = 0.05
            var config = GradientDescent(
                batchSize: .rows(batch), epochs: batch >= 64 ? 40 : 3, learningRate: .fixed(rate), optimizer: .adagrad(),
                averaging: .none, reduction: reduction, standardize: false, shuffle: .everyEpoch(seed: 5), earlyStopping: nil)
            // Under the sum the penalty's share of a batch is b/n of it: the same strength per row is n times A.
            config.penalty = ElasticNetPenalty(alpha: reduction == .mean ? 1.5 : 1.5 * 300)
            var a = LinearRegression(), b = LinearRegression()
            try a.fit(dense, using: config)
            try b.fit(SparseDataset(dense), using: config)
            let what = "batch \(batch), \(reduction), weighted \(weighted)"
            #expect(relativeDifference(a.parameters!, b.parameters!) <= 1e-12, "\(what)")
            let denseZeros = Self.zeros(a.parameters!), sparseZeros = Self.zeros(b.parameters!)
            #expect(denseZeros == sparseZeros, "\(what)")
            zerosSeen += denseZeros.count
        }
        #expect(zerosSeen > 0, "batch \(batch)")
    }

    /// On rows that touch every column, lazy RMSprop and Adam are the dense rules, and so are
    /// their thresholds.
    @Test(arguments: [Optimizer.rmsprop(), .adam()])
    func theLazyLassoIsTheDenseOneOnRowsWithoutZeros(optimizer: Optimizer) throws {
        let dense = try SparseDescentTests.dense(weighted: true, zeros: 0)
        var zerosSeen = 0
        for batch in [1, 32, 300] {
            var config = GradientDescent(
                batchSize: .rows(batch), epochs: 5, learningRate: .fixed(0.01), optimizer: optimizer, averaging: .none,
                standardize: false, shuffle: .everyEpoch(seed: 4), earlyStopping: nil)
            config.penalty = ElasticNetPenalty(alpha: 1.5)
            var a = LinearRegression(), b = LinearRegression()
            try a.fit(dense, using: config)
            try b.fit(SparseDataset(dense), using: config)
            #expect(relativeDifference(a.parameters!, b.parameters!) <= 1e-12, "\(optimizer.name), batch \(batch)")
            #expect(Self.zeros(a.parameters!) == Self.zeros(b.parameters!), "\(optimizer.name), batch \(batch)")
            zerosSeen += Self.zeros(a.parameters!).count
        }
        #expect(zerosSeen > 0)
    }

    /// On rows with zeros, lazy RMSprop and Adam differ from the eager rules by design (an
    /// untouched slot keeps its q, and Adam's its moments): the sparse descent is an eager loop
    /// of the same lazy rule written here, every column thresholded at every step by η·A·q with
    /// q as the column's last touch left it.
    @Test(arguments: [Optimizer.rmsprop(), .adam()])
    func theLazyLassoIsItsEagerLoop(optimizer: Optimizer) throws {
        let dense = try SparseDescentTests.dense()
        let sparse = SparseDataset(dense)
        // Single rows, so that a step skips a third of the columns (batches of ten touch nearly all).
        let batch = 1, epochs = 3, rate = 0.01, alpha = 1.5
        var config = GradientDescent(
            batchSize: .rows(batch), epochs: epochs, learningRate: .fixed(rate), optimizer: optimizer, averaging: .none,
            standardize: false, shuffle: .none, earlyStopping: nil)
        config.penalty = ElasticNetPenalty(alpha: alpha)
        var model = LinearRegression()
        try model.fit(sparse, using: config)
        let reference = Self.eagerLazyLasso(dense, optimizer: optimizer, batch: batch, epochs: epochs, rate: rate, alpha: alpha)
        #expect(relativeDifference(model.parameters!, reference) <= 1e-12)
        let referenceZeros = Self.zeros(reference)
        #expect(Self.zeros(model.parameters!) == referenceZeros)
        #expect(!referenceZeros.isEmpty && referenceZeros.count < dense.featureCount)
        // The lazy rule is not the eager one here: the test tells them apart.
        var eager = LinearRegression()
        try eager.fit(dense, using: config)
        #expect(relativeDifference(eager.parameters!, reference) > 1e-9)
    }

    /// Full batch on sparse rows, standardized (each column's threshold 1/sⱼ² on β, times q):
    /// AdaGrad's proximal descent reaches coordinate descent's lasso and its support.
    @Test func theFullBatchAdaGradLassoOnSparseRowsReachesCoordinateDescent() throws {
        let sparse = SparseDataset(try SparseDescentTests.dense())
        let alpha = 1.5
        var config = GradientDescent(
            batchSize: .full, epochs: 20000, learningRate: .fixed(0.5), optimizer: .adagrad(), averaging: .none, earlyStopping: nil)
        config.penalty = ElasticNetPenalty(alpha: alpha)
        var model = LinearRegression()
        let comparison = try model.fitAndCompareElasticNet(sparse, using: config)
        let exact = comparison.reference.parameters
        #expect(Self.zeros(model.parameters!) == Self.zeros(exact))
        #expect(!Self.zeros(exact).isEmpty && Self.zeros(exact).count < sparse.featureCount)
        #expect(comparison.parameterRelativeDifference <= 1e-7)
    }

    /// What stays refused is named: AdamW's decoupled decay with any L1 (dense or sparse), and
    /// an elastic net (R < 1) with an adaptive rule on sparse rows (its L2 gradient is at every column).
    @Test func whatStaysRefusedIsNamed() throws {
        let dense = try SparseDescentTests.dense()
        func refusal(_ fit: (inout LinearRegression) throws -> Void) -> ArgumentError? {
            var model = LinearRegression()
            do { try fit(&model) } catch let error as ArgumentError { return error } catch { return nil }
            return nil
        }
        var adamW = GradientDescent(epochs: 2, optimizer: .adamW())
        adamW.penalty = ElasticNetPenalty(alpha: 0.1)
        #expect(refusal { _ = try $0.fit(dense, using: adamW) }?.argument == "optimizer")
        #expect(refusal { _ = try $0.fit(SparseDataset(dense), using: adamW) }?.argument == "optimizer")
        var net = GradientDescent(epochs: 2, optimizer: .adagrad(), standardize: false)
        net.penalty = ElasticNetPenalty(alpha: 0.1, l1Ratio: 0.5)
        let error = refusal { _ = try $0.fit(SparseDataset(dense), using: net) }
        #expect(error?.argument == "penalty.l1Ratio")
        #expect("\(error.map { "\($0)" } ?? "")".contains("--l1-ratio 1"))
        // Dense rows take the elastic net with an adaptive rule (its L2 part joins the gradient).
        var model = LinearRegression()
        _ = try model.fit(dense, using: net)
    }

    static func zeros(_ parameters: Parameters) -> [Int] {
        parameters.coefficients.elements.indices.filter { parameters.coefficients.elements[$0] == 0 }
    }

    /// Lazy RMSprop or Adam with the lasso, eagerly over every column: batches of consecutive rows
    /// (no shuffle), the mean reduction, unstandardized, one output, the intercept fitted and
    /// never thresholded. A column is touched when a batch row has a nonzero in it; only a touched
    /// slot's moments, coordinate and q move (RMSprop's untouched v decays, its q does not).
    static func eagerLazyLasso(_ data: Dataset<Double>, optimizer: Optimizer, batch: Int, epochs: Int, rate: Double, alpha: Double)
        -> Parameters
    {
        let n = data.rows, p = data.featureCount
        var theta = [Double](repeating: 0, count: p + 1)
        var m = theta, v = theta
        var q = [Double](repeating: 0, count: p)
        var beta1Power = 1.0, beta2Power = 1.0
        let epsilon: Double
        switch optimizer {
        case let .rmsprop(_, e), let .adam(_, _, e): epsilon = e
        default: preconditionFailure("RMSprop or Adam")
        }
        for j in 0..<p { q[j] = 1 / epsilon }
        for _ in 0..<epochs {
            for start in stride(from: 0, to: n, by: batch) {
                let rows = start..<Swift.min(start + batch, n)
                var g = [Double](repeating: 0, count: p + 1), touched = [Bool](repeating: false, count: p + 1)
                touched[p] = true
                for i in rows {
                    var r = theta[p] - data.targets[i, 0]
                    for j in 0..<p { r += data.features[i, j] * theta[j] }
                    for j in 0..<p where data.features[i, j] != 0 {
                        g[j] += r * data.features[i, j] / Double(rows.count)
                        touched[j] = true
                    }
                    g[p] += r / Double(rows.count)
                }
                switch optimizer {
                case let .rmsprop(decay, _):
                    for s in 0...p {
                        v[s] = decay * v[s] + (touched[s] ? (1 - decay) * g[s] * g[s] : 0)
                        guard touched[s] else { continue }
                        let scale = 1 / (v[s].squareRoot() + epsilon)
                        theta[s] -= rate * g[s] * scale
                        if s < p { q[s] = scale }
                    }
                case let .adam(beta1, beta2, _):
                    beta1Power *= beta1
                    beta2Power *= beta2
                    for s in 0...p where touched[s] {
                        m[s] = beta1 * m[s] + (1 - beta1) * g[s]
                        v[s] = beta2 * v[s] + (1 - beta2) * g[s] * g[s]
                        let scale = 1 / ((v[s] / (1 - beta2Power)).squareRoot() + epsilon)
                        theta[s] -= rate * m[s] / (1 - beta1Power) * scale
                        if s < p { q[s] = scale }
                    }
                default: break
                }
                for j in 0..<p {
                    let t = rate * alpha * q[j], w = theta[j]
                    theta[j] = w - Swift.min(Swift.max(w, -t), t)
                }
            }
        }
        return Parameters(unchecked: Matrix(uncheckedRows: p, columns: 1, elements: Array(theta[0..<p])), [theta[p]])
    }
}
