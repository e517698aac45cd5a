/// One fit's epochs and batches, generic over the update rule so each rule's step is inlined
/// into the batch loop.
struct Loop<Element: BLASScalar> {
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
    /// λ in mean-cost units.
    let penalty: Double
    /// The certified stop, when asked for and μ is known.
    let certificate: Certificate?
    let progress: (@Sendable (EpochReport) -> Void)?
    let gapTarget: GapTarget?
    /// For the noise scale measured at each decade of the gap.
    let standardizer: Standardizer?
    let fitIntercept: Bool

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
        try withOptionalPointer(costWeights) { w in
            try epochsLoop(&rule, theta: theta.base, train: train, w: w, validation: validation, history: &history, gap: &gap)
        }
        let reported = rule.averagedParameters ?? theta.base
        return Result(parameters: Array(UnsafeBufferPointer(start: reported, count: gradient.parameterCount)), history: history, gap: gap)
    }

    private func epochsLoop<Rule: UpdateRule>(
        _ rule: inout Rule, theta: UnsafeMutablePointer<Double>, train: Rows<Element>, w: UnsafePointer<Double>?,
        validation: Rows<Element>?, history: inout History, gap: inout GapProgress?
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
        var stop = StopRule(config.earlyStopping, memory: memory, batchesPerEpoch: batches.count)
        let certifying = certificate != nil
        let averagesAutomatically = config.averaging == .automatic && batches.count > 1 && !schedule.anneals
        if config.averaging == .fromStart { rule.startAveraging(at: theta) }
        // Halving is for a constant rate in the curvature's units: an adaptive rule's rate is a
        // distance, and a schedule's rate changes under the window.
        let halves = !config.optimizer.isAdaptive && config.schedule == .constant
        var halving = RateHalving(
            patience: stop.patience, step: rate * (config.reduction == .sum ? Double(batches.size) : 1) / (1 - memory),
            mu: halves ? certificate?.mu ?? 0 : 0, batchesPerEpoch: batches.count)

        gradient.prepare(theta)
        let startCost = train.sum(halfSquaredResiduals(theta, train, rowWeights: w)) * config.reduction.scale(rows: n)
        var zeroCost = 0.0
        for o in 0..<k {
            var sum = 0.0
            for i in 0..<train.count {
                let value = Double(train.y[i * train.yStride + o])
                sum += (w?[i] ?? 1) * value * value
            }
            zeroCost += 0.5 * sum
        }
        zeroCost = train.sum(zeroCost) * config.reduction.scale(rows: n)
        let divergenceBound = config.divergenceFactor * Swift.max(startCost, zeroCost, .leastNormalMagnitude)

        // Gap checks: at least 16 an epoch, or after every update when an epoch has fewer.
        let checkInterval = gapTarget.map { _ in Swift.max(1, batches.count / 16) } ?? batches.count
        var counters = Counters()
        for epoch in 1...epochs {
            if cancelled(train) { throw TrainingError.cancelled(epochsCompleted: epoch - 1) }
            var trainingSeconds = 0.0
            let epochRate = schedule.rate(epoch: epoch, step: counters.step)
            history.learningRates.append(epochRate)
            order.startEpoch()
            // The batches run in stretches between gap checks (one stretch an epoch without a
            // gap target), so the batch loop itself carries no check.
            var first = 0
            while first < batches.count {
                let last = Swift.min(first + checkInterval, batches.count)
                let stretchStart = ContinuousClock.now
                if let sharing = train.sharing {
                    try trainSharedBatches(
                        &rule, first..<last, epoch: epoch, epochRate: epochRate, schedule: schedule, theta: theta,
                        gradient: gradientBuffer.base, train: train, sharing: sharing, w: w, history: &history, counters: &counters)
                } else {
                    try trainBatches(
                        &rule, first..<last, epoch: epoch, epochRate: epochRate, schedule: schedule, theta: theta,
                        gradient: gradientBuffer.base, train: train, w: w, history: &history, counters: &counters)
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
                        count: train.count, alpha: 1 / Double(n), into: fullGradient.base)
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
                certifiedDistance = certificate.relativeDistance(parameters: evaluated, gradient: fullGradient.base)
                history.certifiedDistances.append(certifiedDistance!)
            } else {
                halfSquares = train.sum(halfSquaredResiduals(evaluated, train, rowWeights: w))
            }
            let epochCost = halfSquares * config.reduction.scale(rows: n)
            guard epochCost.isFinite, epochCost <= divergenceBound else {
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
            if let certifiedDistance, let certificate, certifiedDistance <= certificate.tolerance {
                history.stopReason = .parametersCertified
                return
            }
            if averagesAutomatically, let certifiedDistance, history.averagingStartEpoch != nil,
                halving.stalled(epoch: epoch, distance: certifiedDistance)
            {
                rule.restartAveraging(theta)
                schedule.halve()
                history.rateHalvingEpochs.append(epoch)
                stop.reset()
            }
            // A plateau starts the averaging of a mini-batch fit. It stops the fit only without
            // a certificate: a slowly converging fit (ill-conditioned, or averaging) improves its
            // cost by a little at a time, and the certificate knows better when it is done.
            if stop.plateaued(monitored) {
                // Held-out rows are the user's own stopping rule: their plateau stops (unless a
                // tolerance of 0 asked for no stop on a cost).
                if validation != nil, stop.stopsOnPlateau {
                    history.stopReason = .validationCostConverged
                    return
                }
                if averagesAutomatically, history.averagingStartEpoch == nil {
                    rule.startAveraging(at: theta)
                    history.averagingStartEpoch = epoch
                    halving.start(epoch: epoch)
                    stop.reset()
                } else if certifying || gapTarget != nil || !stop.stopsOnPlateau {
                    stop.reset()
                } else {
                    history.stopReason = .trainingCostConverged
                    return
                }
            }
        }
    }

    /// Updates and rows seen so far in a fit.
    struct Counters {
        var step = 0
        var samples = 0
    }

    /// Trains on batches `indices` of the current epoch. A function of its own so the batch loop
    /// keeps its few live values in registers; it reads locals and raw pointers only.
    private func trainBatches<Rule: UpdateRule>(
        _ rule: inout Rule, _ indices: Range<Int>, epoch: Int, epochRate: Double,
        schedule: RateSchedule, theta: UnsafeMutablePointer<Double>,
        gradient g: UnsafeMutablePointer<Double>, train: Rows<Element>,
        w: UnsafePointer<Double>?, history: inout History, counters: inout Counters
    ) throws {
        let gradient = self.gradient, order = self.order, batches = self.batches
        let x = train.x, y = train.y, ldx = train.xStride, ldy = train.yStride
        let p = gradient.p, k = gradient.k, weightCount = p * k
        let recordsBatchCosts = configuration.recordsBatchCosts, reduction = configuration.reduction, penalty = self.penalty
        let perStep = schedule.changesWithinEpochs
        // Every batch but an epoch's last has the full size: both reduction factors are computed
        // here, outside the loop (a division per update costs a tenth of a stochastic step).
        let fullBatchScale = reduction.scale(rows: batches.size)
        let lastBatchScale = reduction.scale(rows: batches[batches.count - 1].count)
        var step = counters.step, samples = counters.samples
        defer { counters = Counters(step: step, samples: samples) }
        for index in indices {
            // A long epoch (a million stochastic steps) must still stop promptly.
            if index & 1023 == 1023, Task.isCancelled { throw TrainingError.cancelled(epochsCompleted: epoch - 1) }
            let range = batches[index]
            let stepRate = perStep ? schedule.rate(epoch: epoch, step: step) : epochRate
            let b = range.count
            let scale = b == batches.size ? fullBatchScale : lastBatchScale
            gradient.prepare(theta)
            let halfSquares = Self.addBatch(
                range, gradient: gradient, chunked: chunked, theta: theta, order: order, alpha: scale, into: g, x: x, ldx: ldx, y: y,
                ldy: ldy, w: w)
            let cost = scale * halfSquares
            guard cost.isFinite else { throw TrainingError.diverged(epoch: epoch, batch: index + 1, cost: cost, learningRate: stepRate) }
            if recordsBatchCosts { history.batchCosts.append(cost) }
            gradient.finish(g)
            if penalty > 0 {
                // The batch's share of λ/2·‖W‖², in the reduction's units.
                let lambda = reduction == .mean ? penalty : penalty * Double(b)
                for i in 0..<weightCount { g[i] += lambda * theta[i] }
            }
            rule.step(theta, gradient: g, rate: stepRate)
            step &+= 1
            samples &+= b
        }
    }

    /// Stores α·(gradient of ½Σωᵢ‖rᵢ‖²) over the rows at positions `range` of this epoch's order
    /// (at least one) in `g` and returns ½Σωᵢ‖rᵢ‖²: with shuffled blocks the batch is a few
    /// contiguous runs, trained on in place; otherwise one run, in place or gathered, on every
    /// thread when it is long enough (`theta` is what `gradient` was prepared with).
    /// Static, with the gradient and order passed in: the batch loops hold them in locals, so the
    /// loop does no reference counting.
    @inline(__always)
    private static func addBatch(
        _ range: Range<Int>, gradient: BatchGradient, chunked: ChunkedGradient<Element>, theta: UnsafePointer<Double>,
        order: BatchOrder<Element>,
        alpha: Double, into g: UnsafeMutablePointer<Double>, x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int,
        w: UnsafePointer<Double>?
    ) -> Double {
        let b = range.count
        guard order.shufflesBlocks else {
            // Rows shuffled one by one: each thread gathers its own chunks.
            if chunked.splits(b), let picked = order.permutation(range) {
                return chunked.addRows(
                    parameters: theta, x: x, ldx: ldx, y: y, ldy: ldy, rowWeights: w, picked: picked, count: b, alpha: alpha, into: g)
            }
            let rows = order.batch(range, x: x, ldx: ldx, y: y, ldy: ldy, w: w)
            if chunked.splits(b) {
                return chunked.addRows(
                    parameters: theta, x: rows.x, ldx: rows.ldx, y: rows.y, ldy: rows.ldy, rowWeights: rows.w, count: b, alpha: alpha,
                    into: g)
            }
            return gradient.addRows(
                x: rows.x, ldx: rows.ldx, y: rows.y, ldy: rows.ldy, rowWeights: rows.w, count: b, alpha: alpha, into: g, accumulate: false)
        }
        if chunked.splits(b) {
            // Runs of contiguous rows, cut into chunks by position in the batch.
            return chunked.addRuns(
                parameters: theta, x: x, ldx: ldx, y: y, ldy: ldy, rowWeights: w, count: b, alpha: alpha, into: g,
                nextRun: { order.nextRun(remaining: $0) })
        }
        var remaining = b, halfSquares = 0.0
        while remaining > 0 {
            let run = order.nextRun(remaining: remaining)
            halfSquares += gradient.addRows(
                x: x + run.start * ldx, ldx: ldx, y: y + run.start * ldy, ldy: ldy, rowWeights: w.map { $0 + run.start },
                count: run.count, alpha: alpha, into: g, accumulate: remaining != b)
            remaining -= run.count
        }
        return halfSquares
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
        guard train.sharing != nil else { return Task.isCancelled }
        return train.sum(Task.isCancelled ? 1 : 0) > 0
    }

    /// ``trainBatches(_:_:epoch:epochRate:schedule:theta:gradient:train:w:history:counters:)``
    /// on rows spread over processes: each rank adds its share of the batch (unscaled), one
    /// exchange sums the shares with their half squares, row counts and cancellation flags, and
    /// every rank takes the same step from the same sums. `g` has room for d + 3 values.
    private func trainSharedBatches<Rule: UpdateRule>(
        _ rule: inout Rule, _ indices: Range<Int>, epoch: Int, epochRate: Double,
        schedule: RateSchedule, theta: UnsafeMutablePointer<Double>,
        gradient g: UnsafeMutablePointer<Double>, train: Rows<Element>, sharing: Sharing,
        w: UnsafePointer<Double>?, history: inout History, counters: inout Counters
    ) throws {
        let gradient = self.gradient, order = self.order, localBatches = self.localBatches
        let communicator = sharing.communicator
        let x = train.x, y = train.y, ldx = train.xStride, ldy = train.yStride
        let p = gradient.p, k = gradient.k, d = gradient.parameterCount, weightCount = p * k
        let recordsBatchCosts = configuration.recordsBatchCosts, reduction = configuration.reduction, penalty = self.penalty
        let perStep = schedule.changesWithinEpochs
        let exchange = UnsafeMutableBufferPointer(start: g, count: d + 3)
        var step = counters.step, samples = counters.samples
        defer { counters = Counters(step: step, samples: samples) }
        for index in indices {
            let range = localBatches[index]
            let stepRate = perStep ? schedule.rate(epoch: epoch, step: step) : epochRate
            let local = range.count
            gradient.prepare(theta)
            var halfSquares = 0.0
            if local == 0 {
                g.update(repeating: 0, count: d)
            } else {
                halfSquares = Self.addBatch(
                    range, gradient: gradient, chunked: chunked, theta: theta, order: order, alpha: 1, into: g, x: x, ldx: ldx, y: y,
                    ldy: ldy, w: w)
            }
            g[d] = halfSquares
            g[d + 1] = Double(local)
            g[d + 2] = Task.isCancelled ? 1 : 0
            communicator.sum(exchange)
            if g[d + 2] > 0 { throw TrainingError.cancelled(epochsCompleted: epoch - 1) }
            let b = Int(g[d + 1])
            // A batch no rank held a row of (possible only with more batches than some ranks
            // have rows): no step.
            if b == 0 { continue }
            let scale = reduction.scale(rows: b)
            for i in 0..<d { g[i] *= scale }
            let cost = scale * g[d]
            guard cost.isFinite else { throw TrainingError.diverged(epoch: epoch, batch: index + 1, cost: cost, learningRate: stepRate) }
            if recordsBatchCosts { history.batchCosts.append(cost) }
            gradient.finish(g)
            if penalty > 0 {
                let lambda = reduction == .mean ? penalty : penalty * Double(b)
                for i in 0..<weightCount { g[i] += lambda * theta[i] }
            }
            rule.step(theta, gradient: g, rate: stepRate)
            step &+= 1
            samples &+= b
        }
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
