/// A gradient descent as `mbgd fit`'s options describe it, before it is a ``GradientDescent``:
/// the values as given (a batch size and a rate as text, flags that may contradict each other),
/// with the checks and messages the tool and the C interface's JSON configuration share.
package struct DescentSettings: Sendable {
    package var batchSize = GradientDescent().batchSize.description
    package var epochs: Int?
    package var learningRate = GradientDescent().learningRate.description
    package var optimizer = OptimizerSettings()
    package var average = false
    package var noAverage = false
    package var reduction = GradientDescent().reduction
    package var schedule = GradientDescent().schedule.kind
    package var warmup = GradientDescent().warmupSteps
    package var decayPower = LearningRateSchedule.defaultPower
    package var decayFactor: Double?
    package var decayEvery = LearningRateSchedule.defaultStepEvery
    package var l2 = GradientDescent().l2Penalty
    package var standardize = false
    package var noStandardize = false
    package var noShuffle = false
    package var shuffleBlocks: Int?
    package var seed: UInt64 = 0
    package var validationFraction: Double?
    package var tolerance: Double?
    package var patience: Int?
    package var noEarlyStopping = false
    package var threads: Int?
    /// How an epoch's cost is measured; `running` also leaves the certified stop out.
    package var epochCost = EpochCost.full
    /// Keep every batch's cost (for a plot).
    package var recordsBatchCosts = false

    /// Every option at its default.
    package init() {}

    /// The checks of the batch size, the rate and averaging: the ones `mbgd fit` makes first.
    package func validateRates(_ spell: OptionSpelling) throws {
        guard Self.batchSize(batchSize) != nil else {
            throw OptionError("\(spell("--batch-size")) must be a positive integer or '\(BatchSize.full)', got '\(batchSize)'")
        }
        _ = try Self.learningRate(learningRate, spell)
        if average, noAverage { throw OptionError("\(spell("--average")) and \(spell("--no-average")) exclude each other") }
    }

    /// Refuses standardizing and not standardizing at once.
    package func validateStandardization(_ spell: OptionSpelling) throws {
        if standardize, noStandardize {
            throw OptionError("\(spell("--standardize")) and \(spell("--no-standardize")) exclude each other")
        }
    }

    /// The other checks: contradictory flags, then the library's own validation of the descent
    /// and of the schedules not chosen (a typo should not wait for another run).
    package func validateRest(_ spell: OptionSpelling) throws {
        if noEarlyStopping, tolerance != nil || patience != nil || validationFraction != nil {
            throw OptionError(
                "\(spell("--no-early-stopping")) excludes \(spell("--tolerance")), \(spell("--patience")) and \(spell("--validation-fraction"))"
            )
        }
        if shuffleBlocks != nil, noShuffle {
            throw OptionError("\(spell("--shuffle-blocks")) and \(spell("--no-shuffle")) exclude each other")
        }
        try spell.validating {
            try gradientDescent.validate()
            try LearningRateSchedule.inverseScaling(power: decayPower).validate()
            try LearningRateSchedule.stepDecay(factor: decayFactor ?? LearningRateSchedule.defaultStepFactor, every: decayEvery).validate()
        }
    }

    /// Every check, in the tool's order.
    package func validate(_ spell: OptionSpelling) throws {
        try optimizer.validate(spell)
        try validateRates(spell)
        try validateStandardization(spell)
        try validateRest(spell)
    }

    /// The descent the options describe (valid once ``validate(_:)`` passes).
    package var gradientDescent: GradientDescent {
        let scheduleValue: LearningRateSchedule =
            switch schedule {
            case .constant: .constant
            case .inverseScaling: .inverseScaling(power: decayPower)
            case .step: .stepDecay(factor: decayFactor ?? LearningRateSchedule.defaultStepFactor, every: decayEvery)
            case .cosine: .cosine
            case .plateau: .reduceOnPlateau(factor: decayFactor ?? LearningRateSchedule.defaultPlateauFactor)
            }
        var stopping: EarlyStopping? = EarlyStopping(validationFraction: validationFraction)
        if let tolerance {
            stopping?.tolerance = tolerance
            stopping?.parameterTolerance = tolerance
        }
        if let patience { stopping?.patience = patience }
        // A running cost skips the pass over every row the certificate's gradient needs: the
        // plateau rule (on the running or the held-out cost) is the stop left.
        if epochCost == .running { stopping?.parameterTolerance = nil }
        if noEarlyStopping { stopping = nil }
        var descent = GradientDescent(
            batchSize: Self.batchSize(batchSize) ?? GradientDescent().batchSize, epochs: epochs,
            learningRate: (try? Self.learningRate(learningRate, .commandLine)) ?? .automatic, optimizer: optimizer.value,
            averaging: average ? .fromStart : noAverage ? .none : .automatic,
            reduction: reduction, standardize: !noStandardize,
            shuffle: noShuffle ? .none : shuffleBlocks.map { .blocks(seed: seed, rows: $0) } ?? .everyEpoch(seed: seed),
            schedule: scheduleValue, warmupSteps: warmup, l2Penalty: l2, earlyStopping: stopping, recordsBatchCosts: recordsBatchCosts,
            threads: threads)
        descent.epochCost = epochCost
        return descent
    }

    /// `n|full`, as `--batch-size` writes a batch size; nil for anything else, a count below 1 included.
    package static func batchSize(_ text: String) -> BatchSize? {
        if text == BatchSize.full.description { return .full }
        guard let rows = Int(text), rows >= 1 else { return nil }
        return .rows(rows)
    }

    /// `auto|x`, as `--learning-rate` writes a rate.
    package static func learningRate(_ text: String, _ spell: OptionSpelling) throws -> LearningRate {
        if text == LearningRate.automatic.description { return .automatic }
        guard let rate = Double(text), rate.isFinite, rate > 0 else {
            throw OptionError("\(spell("--learning-rate")) must be '\(LearningRate.automatic)' or a positive number, got '\(text)'")
        }
        return .fixed(rate)
    }
}
