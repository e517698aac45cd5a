import Testing

@testable import MiniBatchGD

/// Gradient descent across a grid of configurations: where it converges it agrees with the
/// (ridge) closed form of the same objective; above the stability bound it raises the
/// divergence error instead of returning a number.
@Suite struct ConvergenceGridTests {
    static let data = try! syntheticData(rows: 300, weights: [[1.5], [-2], [0.5]], intercept: [4], noise: 0.3, seed: 77)

    struct Case: CustomTestStringConvertible, Sendable {
        let reduction: Reduction, optimizer: Optimizer, l2: Double, batch: BatchSize
        var testDescription: String { "\(reduction) \(optimizer) l2=\(l2) batch \(batch)" }
    }

    static let fullBatchCases: [Case] = Reduction.allCases.flatMap { reduction in
        [Optimizer.sgd, .momentum(0.5), .nesterov(0.5)].flatMap { optimizer in
            [0.0, 0.05].map { Case(reduction: reduction, optimizer: optimizer, l2: $0, batch: .full) }
        }
    }

    @Test(arguments: fullBatchCases)
    func fullBatchConvergesToTheClosedForm(_ c: Case) throws {
        // The summed objective is n times the mean one: the same trajectory at rate/n and λ·n.
        let n = Double(Self.data.rows)
        let (rate, l2) = c.reduction == .mean ? (0.3, c.l2) : (0.3 / n, c.l2 * n)
        var model = LinearRegression()
        let comparison = try model.fitAndCompare(
            Self.data,
            using: GradientDescent(
                batchSize: .full, epochs: 400, learningRate: .fixed(rate), optimizer: c.optimizer, reduction: c.reduction,
                standardize: true,
                l2Penalty: l2, earlyStopping: nil))
        #expect(comparison.parameterRelativeDifference < 1e-9, "\(c.testDescription)")
        #expect(comparison.costRelativeDifference < 1e-12)
    }

    static let miniBatchCases: [Case] = [BatchSize.rows(1), .rows(8), .rows(32)].flatMap { batch in
        [0.0, 0.05].map { Case(reduction: .mean, optimizer: .sgd, l2: $0, batch: batch) }
    }

    @Test(arguments: miniBatchCases)
    func miniBatchesWithADecayingRateGetClose(_ c: Case) throws {
        // Rates whose total step (rate × updates × Σ decay) moves the slowest mode, the intercept, to the end.
        for (schedule, rate) in [(LearningRateSchedule.inverseScaling(power: 1), 0.3), (.stepDecay(factor: 0.5, every: 10), 0.2)] {
            var model = LinearRegression()
            let comparison = try model.fitAndCompare(
                Self.data,
                using: GradientDescent(
                    batchSize: c.batch, epochs: 60, learningRate: .fixed(rate), averaging: .none, standardize: true,
                    shuffle: .everyEpoch(seed: 3),
                    schedule: schedule, l2Penalty: c.l2, earlyStopping: nil))
            #expect(comparison.parameterRelativeDifference < 2e-2, "\(c.testDescription) \(schedule)")
        }
    }

    @Test(arguments: [Reduction.mean, .sum])
    func aboveTheStabilityBoundItRaisesInsteadOfReturning(reduction: Reduction) throws {
        // Standardized features make the mean objective's Hessian eigenvalues about 1, so a
        // rate of 5 is beyond the bound 2(1 + μ)/λ_max for every momentum here. A summed
        // gradient over b rows scales the Hessian by b: its bound, and so the rate, is b times
        // smaller (the seed article's trap).
        for optimizer in [Optimizer.sgd, .momentum(0.9), .nesterov(0.9)] {
            for rows in [300, 32] {
                let rate = reduction == .mean ? 5.0 : 5.0 / Double(rows)
                var model = LinearRegression()
                do {
                    try model.fit(
                        Self.data,
                        using: GradientDescent(
                            batchSize: .rows(rows), epochs: 200, learningRate: .fixed(rate),
                            optimizer: optimizer, reduction: reduction, standardize: true))
                    Issue.record("\(reduction) \(optimizer) batch \(rows) at rate \(rate) returned instead of raising")
                } catch let TrainingError.diverged(epoch, _, _, reportedRate) {
                    #expect(epoch >= 1 && reportedRate == rate)
                }
                #expect(model.parameters == nil)
            }
        }
    }
}
