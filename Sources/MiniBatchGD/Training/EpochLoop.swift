/// One fit's epochs: per epoch, the batches in stretches between gap checks (``BatchStep``), then
/// the whole-data cost (and, when certifying, gradient) fed to the ``StopPolicy``. Generic over
/// the update rule so each rule's step is inlined into the batch loop.
struct EpochLoop<Element: BLASScalar> {
    let configuration: GradientDescent
    let epochs: Int
    let rate: Double
    /// The update rule's memory (``Optimizer/memory(given:)``), which sets the plateau's patience.
    let memory: Double
    /// The batches over every rank's rows, and this process's share of each.
    let batches: Batches, localBatches: Batches
    let gradient: BatchGradient
    /// The same arithmetic on every thread, for runs of rows long enough to share.
    let chunked: ChunkedGradient<Element>
    let order: BatchOrder<Element>
    /// ω of the training rows and of the validation rows (nil: unweighted).
    let costWeights: [Double]?, validationWeights: [Double]?
    /// Σω (n when unweighted).
    let costWeightTotal: Double
    /// λ of the L2 penalty in mean-cost units.
    let penalty: Double
    /// A penalty other than L2, applied through its protocol (nil: none).
    let otherPenalty: (any Penalty)?
    /// The factor that puts a penalty in mean-cost units (1 under the mean reduction, 1/n under the sum).
    let penaltyScale: Double
    /// The certified stop, when asked for and μ is known.
    let certificate: Certificate?
    let progress: (@Sendable (EpochReport) -> Void)?
    let gapTarget: GapTarget?
    /// For the noise scale measured at each decade of the gap.
    let standardizer: Standardizer?
    let fitIntercept: Bool
    /// Where the fit saves its state, and the state it resumes from (nil: no checkpoints).
    var checkpoint: CheckpointSession?

    /// The batch loop, over this fit's batches, gradient and order.
    var batchStep: BatchStep<Element> {
        BatchStep(
            batches: batches, localBatches: localBatches, gradient: gradient, chunked: chunked, order: order, penalty: penalty,
            penaltyScale: penaltyScale, reduction: configuration.reduction, recordsBatchCosts: configuration.recordsBatchCosts)
    }

    struct Result {
        /// The parameters to report (the average when averaging), in descent coordinates.
        var parameters: [Double]
        var history: History
        var gap: GapProgress?
    }

    /// Runs the epochs from `theta`, adding to `history` and `gap`.
    func run<Rule: UpdateRule>(
        _ rule: Rule, parameters theta: Buffer<Double>, train: Rows<Element>, validation: Rows<Element>?,
        history: History, gap: GapProgress?
    ) throws -> Result {
        var rule = rule, history = history, gap = gap
        // The cumulative L1 penalty's totals, kept across stretches and epochs.
        let cumulative =
            (otherPenalty as? ElasticNetPenalty)?.l1Method == .cumulative ? CumulativeL1State(count: gradient.parameterCount) : nil
        try withOptionalPointer(costWeights) { w in
            try epochsLoop(
                &rule, theta: theta.base, train: train, w: w, validation: validation, cumulative: cumulative, history: &history,
                gap: &gap)
            // The running costs left the full cost out: once, at the parameters reported.
            if configuration.epochCost == .running {
                let reported = UnsafePointer(rule.averagedParameters ?? theta.base)
                gradient.prepare(reported)
                history.finalCost =
                    train.sum(halfSquaredResiduals(reported, train, rowWeights: w)) * configuration.reduction.scale(rows: train.totalCount)
            }
        }
        let reported = rule.averagedParameters ?? theta.base
        return Result(parameters: Array(UnsafeBufferPointer(start: reported, count: gradient.parameterCount)), history: history, gap: gap)
    }

    private func epochsLoop<Rule: UpdateRule>(
        _ rule: inout Rule, theta: UnsafeMutablePointer<Double>, train: Rows<Element>, w: UnsafePointer<Double>?,
        validation: Rows<Element>?, cumulative: CumulativeL1State?, history: inout History, gap: inout GapProgress?
    ) throws {
        let config = configuration
        let n = train.totalCount, shared = train.sharing != nil
        let p = gradient.p, k = gradient.k, d = gradient.parameterCount
        // Spread over processes, a batch's gradient travels with its half squares, rows and a
        // cancellation flag (one exchange per update); the full gradient with its half squares.
        let gradientBuffer = Buffer<Double>(repeating: 0, count: d + (shared ? 3 : 0))
        let fullGradient = Buffer<Double>(repeating: 0, count: d + 1)
        var schedule = RateSchedule(
            config.schedule, initial: rate, warmupSteps: config.warmupSteps,
            totalSteps: epochs.multipliedReportingOverflow(by: batches.count).overflow ? .max : epochs * batches.count)
        let plateau = StopRule(config.earlyStopping, memory: memory, batchesPerEpoch: batches.count)
        let certifying = certificate != nil
        if config.averaging == .fromStart { rule.startAveraging(at: theta) }
        // Halving is for a constant rate in the curvature's units: an adaptive rule's rate is a
        // distance, and a schedule's rate changes under the window.
        let halves = !config.optimizer.isAdaptive && config.schedule == .constant
        let halving = RateHalving(
            patience: plateau.patience, step: rate * (config.reduction == .sum ? Double(batches.size) : 1) / (1 - memory),
            mu: halves ? certificate?.mu ?? 0 : 0, batchesPerEpoch: batches.count)

        gradient.prepare(theta)
        let startCost = train.sum(halfSquaredResiduals(theta, train, rowWeights: w)) * config.reduction.scale(rows: n)
        // The cost of predicting 0 (residuals −y), the other scale divergence is measured against:
        // the start's own cost unless a warm start moved the parameters off zero.
        let startsAtZero = !UnsafeBufferPointer(start: theta, count: d).contains { $0 != 0 }
        var zeroCost = 0.0
        for o in 0..<k where !startsAtZero {
            var sum = 0.0
            if let loss = gradient.loss {
                for i in 0..<train.count { sum += (w?[i] ?? 1) * loss.value(-train.target(i, o)) }
                zeroCost += sum
            } else {
                // The squared loss's own loop: a call through the loss per row cost 9 ns a row.
                for i in 0..<train.count {
                    let value = train.target(i, o)
                    sum += (w?[i] ?? 1) * value * value
                }
                zeroCost += 0.5 * sum
            }
        }
        zeroCost = startsAtZero ? startCost : train.sum(zeroCost) * config.reduction.scale(rows: n)
        var policy = StopPolicy(
            plateau: plateau, halving: halving, certificateTolerance: certificate?.tolerance,
            averagesAutomatically: config.averaging == .automatic && batches.count > 1 && !schedule.anneals,
            monitorsValidation: validation != nil, hasGapTarget: gapTarget != nil,
            divergenceBound: config.divergenceFactor * Swift.max(startCost, zeroCost, .leastNormalMagnitude))

        // Gap checks: at least 16 an epoch, or after every update when an epoch has fewer.
        let checkInterval = gapTarget.map { _ in Swift.max(1, batches.count / 16) } ?? batches.count
        var counters = BatchStep<Element>.Counters()
        // A resumed fit goes on from its checkpoint's position: the first batch not yet trained
        // on (0: the epoch has not started, its order not drawn).
        var resumedEpoch = 1, resumedBatch = 0
        if let archive = checkpoint?.resumed {
            try archive.read("parameters", into: theta, count: d)
            try rule.restoreState(from: archive, prefix: "rule.")
            try cumulative?.restoreState(from: archive)
            try schedule.restoreState(from: archive)
            try policy.restoreState(from: archive)
            // Over ranks, each rank's order in its own rows is its own section.
            try order.restoreState(from: checkpoint?.resumedOwn ?? archive)
            try history.restoreState(from: archive)
            let position = try archive.integers("position", count: 4)
            (resumedEpoch, resumedBatch) = (position[0], position[1])
            counters = .init(step: position[2], samples: position[3])
            if config.epochCost == .running, resumedBatch > 0 { counters.running = try archive.double("position.running") }
            guard resumedEpoch >= 1, resumedEpoch <= epochs, resumedBatch >= 0, resumedBatch < batches.count,
                history.epochCosts.count == resumedEpoch - 1, resumedBatch == 0 || history.learningRates.count == resumedEpoch
            else { throw CheckpointError.damaged(path: archive.path, reason: "its position in the fit does not agree with its history") }
        }
        /// Saves the state before batch `batch` of epoch `epoch`.
        func save(epoch: Int, batch: Int) throws {
            guard let checkpoint else { return }
            var archive = CheckpointArchive(path: checkpoint.settings.path)
            archive.set("parameters", theta, count: d)
            rule.saveState(to: &archive, prefix: "rule.")
            cumulative?.saveState(to: &archive)
            schedule.saveState(to: &archive)
            policy.saveState(to: &archive)
            history.saveState(to: &archive)
            archive.set("position", integers: [epoch, batch, counters.step, counters.samples])
            archive.set("position.running", counters.running)
            var own = CheckpointArchive(path: checkpoint.settings.path)
            order.saveState(to: &own)
            try checkpoint.write(archive, own: own)
        }
        for epoch in resumedEpoch...epochs {
            if cancelled(train) {
                // Stopped again before the first batch of a resumed epoch: where it was resumed.
                try save(epoch: epoch, batch: epoch == resumedEpoch ? resumedBatch : 0)
                throw TrainingError.cancelled(epochsCompleted: epoch - 1)
            }
            var trainingSeconds = 0.0
            // Mid-epoch, the epoch's rate and order are those the checkpoint saved.
            let resumesInside = epoch == resumedEpoch && resumedBatch > 0
            let epochRate = resumesInside ? history.learningRates[epoch - 1] : schedule.rate(epoch: epoch, step: counters.step)
            if !resumesInside {
                history.learningRates.append(epochRate)
                order.startEpoch()
                counters.running = 0
            }
            // The batches run in stretches between gap checks (one stretch an epoch without a
            // gap target), so the batch loop itself carries no check.
            var first = resumesInside ? resumedBatch : 0
            while first < batches.count {
                let last = Swift.min(first + checkInterval, batches.count)
                let stretchStart = ContinuousClock.now
                do {
                    try trainStretch(
                        &rule, first..<last, epoch: epoch, epochRate: epochRate, schedule: schedule, theta: theta,
                        gradient: gradientBuffer.base, train: train, w: w, cumulative: cumulative, history: &history,
                        counters: &counters)
                } catch TrainingError.cancelled(let completed) {
                    // Cancelled between two batches: the state there is whole, and saved.
                    if let stopped = counters.cancelledAt { try save(epoch: epoch, batch: stopped) }
                    throw TrainingError.cancelled(epochsCompleted: completed)
                }
                // The clock stops while the gap is measured: checking is not training.
                trainingSeconds += (ContinuousClock.now - stretchStart) / .seconds(1)
                first = last
                if let gapTarget {
                    let reached = checkGap(
                        gapTarget, rule.averagedParameters ?? theta, train: train, w: w,
                        updates: counters.step, samples: counters.samples,
                        seconds: gap!.seconds + trainingSeconds, progress: &gap!)
                    if reached {
                        gap!.seconds += trainingSeconds
                        history.stopReason = .gapReached
                        return
                    }
                }
            }
            if gap != nil { gap!.seconds += trainingSeconds }

            let evaluated = UnsafePointer(rule.averagedParameters ?? theta)
            gradient.prepare(evaluated)
            var certifiedDistance: Double?
            var halfSquares: Double
            if certifying, let certificate {
                if chunked.splits(train.count) {
                    halfSquares = chunked.addRows(
                        parameters: evaluated, x: train.x, ldx: train.xStride, y: train.y, ldy: train.yStride, rowWeights: w,
                        count: train.count, alpha: 1 / Double(n), into: fullGradient.base, columns: train.columns)
                    gradient.finish(fullGradient.base)
                } else {
                    halfSquares = gradient.halfSquaresAndGradient(train, rowWeights: w, alpha: 1 / Double(n), into: fullGradient.base)
                }
                if shared {
                    fullGradient.base[d] = halfSquares
                    train.sum(fullGradient.base, count: d + 1)
                    halfSquares = fullGradient.base[d]
                }
                for i in 0..<p * k { fullGradient.base[i] += penalty * evaluated[i] }
                otherPenalty?.addGradient(of: evaluated, count: p * k, scale: penaltyScale, into: fullGradient.base)
                otherPenalty?.shortestSubgradient(at: evaluated, count: p * k, scale: penaltyScale, gradient: fullGradient.base)
                certifiedDistance = certificate.relativeDistance(parameters: evaluated, gradient: fullGradient.base)
                history.certifiedDistances.append(certifiedDistance!)
            } else if config.epochCost == .running {
                // Summed over every rank's rows already: each batch's exchange carried them.
                halfSquares = counters.running
            } else {
                halfSquares = train.sum(halfSquaredResiduals(evaluated, train, rowWeights: w))
            }
            let epochCost = halfSquares * config.reduction.scale(rows: n)
            guard !policy.diverged(cost: epochCost) else {
                throw TrainingError.diverged(epoch: epoch, batch: batches.count, cost: epochCost, learningRate: epochRate)
            }
            history.epochCosts.append(epochCost)
            var monitored = epochCost
            if let validation {
                monitored = withOptionalPointer(validationWeights) { vw in
                    validation.sum(halfSquaredResiduals(evaluated, validation, rowWeights: vw))
                        * config.reduction.scale(rows: validation.totalCount)
                }
                history.validationCosts.append(monitored)
            }
            progress?(
                EpochReport(
                    epoch: epoch, epochs: epochs, cost: epochCost,
                    validationCost: validation == nil ? nil : monitored, learningRate: epochRate,
                    trainingSeconds: trainingSeconds, rows: n))
            schedule.observe(cost: epochCost)
            let decision = policy.afterEpoch(epoch, monitored: monitored, certifiedDistance: certifiedDistance)
            if decision.restartAveragingAndHalveRate {
                rule.restartAveraging(theta)
                schedule.halve()
                history.rateHalvingEpochs.append(epoch)
            }
            if decision.startAveraging {
                rule.startAveraging(at: theta)
                history.averagingStartEpoch = epoch
            }
            if let reason = decision.stop {
                history.stopReason = reason
                return
            }
            if epoch < epochs, checkpoint?.isDue(afterEpoch: epoch) == true { try save(epoch: epoch + 1, batch: 0) }
        }
    }

    /// Batches `indices` through the batch step, its gradient summed here or over the ranks, and a
    /// penalty other than L2 applied by its own specialized step (``ElasticNetStep``, or
    /// ``CumulativeL1Step`` with the cumulative L1 method's state), through its protocol (a
    /// caller's), or (the fast path) not at all: each combination is its own specialization of
    /// the batch loop.
    private func trainStretch<Rule: UpdateRule>(
        _ rule: inout Rule, _ indices: Range<Int>, epoch: Int, epochRate: Double, schedule: RateSchedule,
        theta: UnsafeMutablePointer<Double>, gradient g: UnsafeMutablePointer<Double>, train: Rows<Element>,
        w: UnsafePointer<Double>?, cumulative: CumulativeL1State?, history: inout History,
        counters: inout BatchStep<Element>.Counters
    ) throws {
        let step = batchStep
        func run<Extra: PenaltyStep>(_ extra: Extra) throws {
            if let sharing = train.sharing {
                try step.train(
                    &rule, indices, epoch: epoch, epochRate: epochRate, schedule: schedule, theta: theta,
                    sum: RankSum(step, sharing: sharing, train: train, w: w, exchange: g), penalty: extra, history: &history,
                    counters: &counters)
            } else {
                try step.train(
                    &rule, indices, epoch: epoch, epochRate: epochRate, schedule: schedule, theta: theta,
                    sum: LocalSum(step, train: train, w: w, into: g), penalty: extra, history: &history, counters: &counters)
            }
        }
        if let elasticNet = otherPenalty as? ElasticNetPenalty, let cumulative {
            try elasticNet.withFactors { try run(CumulativeL1Step(elasticNet, factors: $0, state: cumulative)) }
        } else if let elasticNet = otherPenalty as? ElasticNetPenalty {
            try elasticNet.withFactors { try run(ElasticNetStep(elasticNet, factors: $0)) }
        } else if let otherPenalty {
            try run(ProtocolPenaltyStep(penalty: otherPenalty))
        } else {
            try run(NoPenaltyStep())
        }
    }

    /// ½Σωᵢ‖rᵢ‖² of `data`'s rows at `parameters` (on every thread for many rows); `gradient` is
    /// prepared with `parameters` already.
    private func halfSquaredResiduals(_ parameters: UnsafePointer<Double>, _ data: Rows<Element>, rowWeights: UnsafePointer<Double>?)
        -> Double
    {
        if chunked.splits(data.count) { return chunked.halfSquaredResiduals(parameters: parameters, data, rowWeights: rowWeights) }
        return gradient.halfSquaredResiduals(data, rowWeights: rowWeights)
    }

    /// Whether the fit is cancelled: on rows spread over processes, whether any rank is (an
    /// exchange), so that every rank stops at the same point.
    private func cancelled(_ train: Rows<Element>) -> Bool {
        guard train.sharing != nil else { return Cancellation.isRequested }
        return train.sum(Cancellation.isRequested ? 1 : 0) > 0
    }

    /// Measures the relative gap of the cost at `parameters` to the target's optimum, records
    /// it (and the gradient noise scale when it crosses a new decade); true once within the gap.
    private func checkGap(
        _ target: GapTarget, _ parameters: UnsafePointer<Double>, train: Rows<Element>, w: UnsafePointer<Double>?, updates: Int,
        samples: Int,
        seconds: Double,
        progress: inout GapProgress
    ) -> Bool {
        gradient.prepare(parameters)
        // ½Σωᵢrᵢ²/Σω = ½Σwᵢrᵢ²/Σw under either reduction: the optimum's units.
        let n = train.count
        let cost = gradient.halfSquaredResiduals(train, rowWeights: w) / costWeightTotal
        let relative = target.relativeGap(cost: cost)
        progress.bestGap = Swift.min(progress.bestGap, relative)
        progress.checks += 1
        while let decade = progress.nextDecade, relative <= decade {
            let vector = Array(UnsafeBufferPointer(start: parameters, count: gradient.parameterCount))
            let noise = GradientNoise(
                train, weights: costWeights, standardizer: standardizer, fitIntercept: fitIntercept, parameters: vector)
            progress.decades.append(.init(gap: decade, updates: updates, samples: samples, seconds: seconds, noiseScale: noise.simple))
            progress.nextDecade = decade / 10 >= target.gap * (1 - 1e-12) ? decade / 10 : nil
        }
        guard relative <= target.gap else { return false }
        progress.reached = true
        progress.updates = updates
        progress.samples = samples
        progress.epochs = Double(samples) / Double(n)
        return true
    }
}

/// `body` with a pointer to `array`'s elements, or with nil when there is no array.
func withOptionalPointer<Result>(_ array: [Double]?, _ body: (UnsafePointer<Double>?) throws -> Result) rethrows -> Result {
    guard let array else { return try body(nil) }
    return try array.withUnsafeBufferPointer { try body($0.baseAddress!) }
}
