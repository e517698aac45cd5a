import Foundation
import Testing

@testable import MiniBatchGD

/// Every update rule against steps worked by hand, and against a fixture that numpy computed
/// from the published formulas (Tests/Fixtures/optimizers/make_optimizer_fixtures.py).
@Suite struct UpdateRuleTests {
    /// Two rows, x = (1, 2), y = (3, 5), from zero, no standardization, mean reduction:
    /// r = −y, so ∂J/∂w = (−3·1 − 5·2)/2 = −6.5 and ∂J/∂c = (−3 − 5)/2 = −4.
    static let twoRows = try! Dataset(features: Matrix(column: [1, 2]), target: [3, 5])

    static func oneStep(_ optimizer: Optimizer, rate: Double, epochs: Int = 1) throws -> [Double] {
        var model = LinearRegression()
        try model.fit(
            twoRows,
            using: GradientDescent(
                batchSize: .full, epochs: epochs, learningRate: .fixed(rate), optimizer: optimizer,
                averaging: .none, standardize: false, shuffle: .none, earlyStopping: nil))
        return [model.coefficients[0, 0], model.intercept[0]]
    }

    @Test func firstStepOfEveryRuleByHand() throws {
        let g = [-6.5, -4.0]
        func expect(_ optimizer: Optimizer, rate: Double, _ expected: [Double], _ line: Int = #line) throws {
            let found = try Self.oneStep(optimizer, rate: rate)
            #expect(relativeDifference(found, expected) < 1e-15, "\(optimizer): \(found) against \(expected)")
        }
        try expect(.sgd, rate: 0.1, [0.65, 0.4])
        // Momentum's first step is plain (v = g); Nesterov's adds β·v = β·g.
        try expect(.momentum(0.9), rate: 0.1, [0.65, 0.4])
        try expect(.nesterov(0.9), rate: 0.1, [0.1 * 1.9 * 6.5, 0.1 * 1.9 * 4])
        // Adam's bias correction makes m̂ = g and v̂ = g²: a step of η·|g|/(|g| + ε) against the gradient.
        try expect(.adam(), rate: 0.1, g.map { -0.1 * $0 / (abs($0) + 1e-8) })
        // AdamW's decay multiplies zero coefficients: nothing to decay on the first step.
        try expect(.adamW(weightDecay: 0.5), rate: 0.1, g.map { -0.1 * $0 / (abs($0) + 1e-8) })
        try expect(.adagrad(), rate: 0.1, g.map { -0.1 * $0 / (abs($0) + 1e-10) })
        // RMSprop: v = (1 − α)·g², so the step is η·g/(√(1 − α)·|g| + ε).
        try expect(.rmsprop(), rate: 0.01, g.map { -0.01 * $0 / ((0.01 as Double).squareRoot() * abs($0) + 1e-8) })
    }

    @Test func secondMomentumStepByHand() throws {
        // θ₁ = (0.65, 0.4): residuals (1.05 − 3, 1.7 − 5) = (−1.95, −3.3), gradient (−4.275, −2.625);
        // v₂ = 0.9·(−6.5, −4) + g₂ = (−10.125, −6.225); θ₂ = θ₁ − 0.1·v₂.
        let found = try Self.oneStep(.momentum(0.9), rate: 0.1, epochs: 2)
        #expect(relativeDifference(found, [1.6625, 1.0225]) < 1e-15)
    }

    @Test func rulesMoveAVectorAsWrittenByHand() throws {
        // θ₀ = (1, −2, 3), gradients g₁ = (0.5, −1, 0.25), g₂ = (−0.25, 2, 0) with η = 0.1.
        let g1 = [0.5, -1, 0.25], g2 = [-0.25, 2, 0]
        func run<Rule: UpdateRule>(_ rule: Rule) -> [Double] {
            var rule = rule
            let theta = Buffer<Double>([1, -2, 3])
            for g in [g1, g2] { g.withUnsafeBufferPointer { rule.step(theta.base, gradient: $0.baseAddress!, rate: 0.1) } }
            return rule.averagedParameters.map { Array(UnsafeBufferPointer(start: $0, count: 3)) } ?? theta.array
        }
        #expect(relativeDifference(run(PlainStep(count: 3)), [0.975, -2.1, 2.975]) < 1e-15)
        // v₂ = 0.9·g₁ + g₂ = (0.2, 1.1, 0.225).
        #expect(relativeDifference(run(MomentumStep(count: 3, momentum: 0.9, nesterov: false)), [0.93, -2.01, 2.9525]) < 1e-15)
        // θ₁ = θ₀ − 0.1·1.9·g₁; θ₂ = θ₁ − 0.1·(g₂ + 0.9·v₂).
        #expect(
            relativeDifference(
                run(MomentumStep(count: 3, momentum: 0.9, nesterov: true)),
                [1 - 0.095 - 0.1 * (-0.25 + 0.18), -2 + 0.19 - 0.1 * (2 + 0.99), 3 - 0.0475 - 0.1 * 0.2025]) < 1e-15)
        // Averaging from the start: the mean of θ₀, θ₁, θ₂ of plain steps.
        var averaged = Averaged(PlainStep(count: 3), count: 3)
        let start = Buffer<Double>([1, -2, 3])
        averaged.startAveraging(at: start.base)
        for g in [g1, g2] { g.withUnsafeBufferPointer { averaged.step(start.base, gradient: $0.baseAddress!, rate: 0.1) } }
        let mean = Array(UnsafeBufferPointer(start: averaged.averagedParameters!, count: 3))
        #expect(relativeDifference(mean, [(1 + 0.95 + 0.975) / 3, (-2 - 1.9 - 2.1) / 3, (3 + 2.975 + 2.975) / 3]) < 1e-15)
        // AdamW decays the coefficients (here the first two entries), never the intercept.
        var adamW = AdamStep(count: 3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.5, decayedCount: 2)
        let zeroGradient = [0.0, 0, 0], theta = Buffer<Double>([1, -2, 3])
        zeroGradient.withUnsafeBufferPointer { adamW.step(theta.base, gradient: $0.baseAddress!, rate: 0.1) }
        #expect(theta.array == [0.95, -1.9, 3])
    }

    struct Fixture: Decodable {
        struct Run: Decodable {
            let optimizer: String
            let learningRate: Double
            let momentum: Double?
            let weightDecay: Double?
            let steps: [[Double]]
        }
        let features: [[Double]]
        let targets: [Double]
        let runs: [Run]
    }

    static let fixture: Fixture = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: fixtures + "/optimizers/steps.json"))
        return try! JSONDecoder().decode(Fixture.self, from: data)
    }()

    @Test(arguments: fixture.runs.map(\.optimizer))
    func eightStepsMatchNumpysPublishedFormulas(optimizer name: String) throws {
        let run = try #require(Self.fixture.runs.first { $0.optimizer == name })
        let data = try Dataset(
            features: Matrix<Double>(rows: 6, columns: 2, elements: Self.fixture.features.flatMap { $0 }), target: Self.fixture.targets)
        let optimizer: Optimizer =
            switch name {
            case "adam": .adam()
            case "adamw": .adamW(weightDecay: run.weightDecay!)
            case "adagrad": .adagrad()
            case "rmsprop": .rmsprop()
            case "momentum": .momentum(run.momentum!)
            default: .nesterov(run.momentum!)
            }
        for (index, expected) in run.steps.enumerated() {
            var model = LinearRegression()
            try model.fit(
                data,
                using: GradientDescent(
                    batchSize: .full, epochs: index + 1, learningRate: .fixed(run.learningRate),
                    optimizer: optimizer, averaging: .none, standardize: false, shuffle: .none,
                    earlyStopping: nil))
            let found = model.coefficients.column(0) + model.intercept
            #expect(relativeDifference(found, expected) < 1e-12, "\(name) step \(index + 1): \(found) against \(expected)")
        }
    }
}

/// Learning-rate schedules at hand-computed points.
@Suite struct ScheduleTests {
    @Test func cosineWithWarmUp() {
        let schedule = RateSchedule(.cosine, initial: 0.4, warmupSteps: 4, totalSteps: 104)
        #expect(schedule.changesWithinEpochs)
        // Warm-up multiplies by (s + 1)/W: the cosine factor is still 1 before the span starts.
        #expect(schedule.rate(epoch: 1, step: 0) == 0.1)
        #expect(schedule.rate(epoch: 1, step: 3) == 0.4)
        // The span is the 100 updates after warm-up: half-way the rate is η₀/2, at the end 0.
        #expect(abs(schedule.rate(epoch: 1, step: 54) - 0.2) < 1e-15)
        #expect(schedule.rate(epoch: 1, step: 104) == 0)
        #expect(abs(schedule.rate(epoch: 1, step: 29) - 0.4 * 0.5 * (1 + cos(Double.pi * 0.25))) < 1e-15)
    }

    @Test func warmUpAppliesToAnySchedule() {
        let schedule = RateSchedule(.inverseScaling(power: 1), initial: 1, warmupSteps: 10, totalSteps: 1000)
        #expect(schedule.rate(epoch: 2, step: 4) == 0.5 * 0.5)
        #expect(schedule.rate(epoch: 3, step: 10) == 1.0 / 3)
    }

    @Test func plateauReducesAfterPatienceEpochsWithoutImprovement() {
        var schedule = RateSchedule(
            .reduceOnPlateau(factor: 0.1, patience: 2, threshold: 0.01), initial: 1, warmupSteps: 0, totalSteps: 100)
        #expect(!schedule.changesWithinEpochs)
        for cost in [10.0, 9.0, 8.95, 8.94] { schedule.observe(cost: cost) }  // 8.95 and 8.94 are within 1 % of 9
        #expect(schedule.rate(epoch: 5, step: 0) == 1)
        schedule.observe(cost: 8.93)  // a third epoch without improvement: more than `patience`
        #expect(abs(schedule.rate(epoch: 6, step: 0) - 0.1) < 1e-16)
        schedule.observe(cost: 5)  // an improvement resets the count, not the rate
        #expect(abs(schedule.rate(epoch: 7, step: 0) - 0.1) < 1e-16)
    }

    @Test func historyRecordsEachEpochsFirstRate() throws {
        let data = try syntheticData(rows: 64, weights: [[1]], intercept: [0], noise: 0.1, seed: 3)
        var model = LinearRegression()
        let run = try model.fit(
            data,
            using: GradientDescent(
                batchSize: 16, epochs: 4, learningRate: 0.2, averaging: .none,
                schedule: .cosine, earlyStopping: nil))
        // 16 updates in all; epoch e starts at update 4(e − 1).
        let expected = (0..<4).map { 0.2 * 0.5 * (1 + cos(Double.pi * Double(4 * $0) / 16)) }
        #expect(relativeDifference(run.history.learningRates, expected) < 1e-15)
    }
}
