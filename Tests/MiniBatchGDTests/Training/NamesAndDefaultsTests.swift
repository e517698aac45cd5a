import Testing

@testable import MiniBatchGD

/// The names a command line chooses from and the defaults it shows, as the library declares them:
/// each kind names exactly one case, by the name reports use, and the defaults are the published
/// ones (PyTorch's for the update rules), written out here by hand.
@Suite struct NamesAndDefaultsTests {
    @Test func everyUpdateRuleHasOneKindNamedAsReportsNameIt() {
        let rules: [Optimizer] = [.sgd, .momentum(), .nesterov(), .adam(), .adamW(), .adagrad(), .rmsprop()]
        #expect(rules.map(\.kind) == Optimizer.Kind.allCases)
        #expect(rules.map(\.name) == ["sgd", "momentum", "nesterov", "adam", "adamw", "adagrad", "rmsprop"])
        #expect(Optimizer.Kind.allCases.map(\.rawValue) == rules.map(\.name))
    }

    @Test func theUpdateRulesDefaultsArePyTorchs() {
        #expect(Optimizer.adam() == .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8))
        #expect(Optimizer.adamW() == .adamW(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01))
        #expect(Optimizer.adagrad() == .adagrad(epsilon: 1e-10))
        #expect(Optimizer.rmsprop() == .rmsprop(alpha: 0.99, epsilon: 1e-8))
        #expect(Optimizer.defaultMomentum == 0.9)
    }

    /// A momentum fit at a given rate without a coefficient runs with the default one.
    @Test func aMomentumFitWithoutACoefficientUsesTheDefault() throws {
        let data = try Dataset(features: Matrix(column: [1, 2, 3, 4]), target: [1, 3, 5, 7])
        var model = LinearRegression()
        let run = try model.fit(
            data, using: GradientDescent(batchSize: 2, epochs: 2, learningRate: 0.01, optimizer: .momentum(), earlyStopping: nil))
        #expect(run.learningRateChoice.momentum == 0.9)
    }

    @Test func everyScheduleHasOneKindNamedAsReportsNameIt() {
        let schedules: [LearningRateSchedule] = [.constant, .inverseScaling(), .stepDecay(), .cosine, .reduceOnPlateau()]
        #expect(schedules.map(\.kind) == LearningRateSchedule.Kind.allCases)
        #expect(schedules.map(\.name) == ["constant", "inverse-scaling", "step", "cosine", "plateau"])
        #expect(LearningRateSchedule.Kind.allCases.map(\.rawValue) == schedules.map(\.name))
    }

    /// η₀/t, halving every 10 epochs, and PyTorch's `ReduceLROnPlateau` (×0.1 after 10 epochs
    /// without a relative improvement of 1e-4).
    @Test func theSchedulesDefaults() {
        #expect(LearningRateSchedule.inverseScaling() == .inverseScaling(power: 1))
        #expect(LearningRateSchedule.stepDecay() == .stepDecay(factor: 0.5, every: 10))
        #expect(LearningRateSchedule.reduceOnPlateau() == .reduceOnPlateau(factor: 0.1, patience: 10, threshold: 1e-4))
        #expect(LearningRateSchedule.stepDecay().rate(initial: 1, epoch: 21) == 0.25)
    }
}
