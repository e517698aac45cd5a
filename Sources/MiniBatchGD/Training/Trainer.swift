/// The gradient-descent loop: per update, the batch order hands rows to the
/// ``BatchGradient``, the schedule gives the rate and the ``UpdateRule`` moves the parameters;
/// per epoch, the whole-data cost (and, when certifying, gradient) feeds the ``StopRule``.
///
/// Nothing in the batch loop allocates: parameters, gradient and every rule's state are sized
/// once per fit and owned by ``Buffer``s. BLAS runs on one thread for the whole fit, so the
/// same seed gives bit-identical parameters whatever OpenBLAS's thread count.
struct Trainer {
    /// The most batch costs a fit records (1 GiB of Doubles).
    static let maximumBatchCosts = 1 << 27
    /// The most rows an automatic epoch budget visits (epochs × rows).
    static let automaticRowVisits = 200_000_000
    /// The fewest rows an automatic epoch budget visits (unless stopped early).
    static let minimumRowVisits = 10_000_000
    /// The most epochs an automatic budget allows.
    static let automaticEpochLimit = 100_000

    let configuration: GradientDescent
    let fitIntercept: Bool
    var progress: (@Sendable (EpochReport) -> Void)?
    /// Train until the cost is within a relative gap of a known optimum (``BatchSizeSweep``).
    var gapTarget: GapTarget?

    struct Outcome {
        var parameters: Parameters
        var standardizer: Standardizer?
        var run: TrainingRun
        /// What the gap checks saw, with a gap target.
        var gap: GapProgress?
    }

    /// Fits `train` (monitoring `validation` when given), starting from `start` (original
    /// units) or from zero. Rows of weight 0 are left out of both.
    func fit<Element: BLASScalar>(_ train: Dataset<Element>, validation: Dataset<Element>?, start: Parameters?) throws -> Outcome {
        for data in [train] + (validation.map { [$0] } ?? []) {
            if let weights = data.weights { try validateRowWeights(weights, rows: data.rows) }
        }
        return try fitRows(try train.droppingZeroWeightRows(), validation: try validation?.droppingZeroWeightRows(), start: start)
    }

    /// Fits rows read in place (monitoring `validation`'s rows when given): a mapped file, or this
    /// rank's share of rows spread over processes, every rank calling it together and ending with
    /// the same parameters (see ``Communicator``).
    func fit<Source: InPlaceRows>(_ train: Source, validation: Source?, start: Parameters?) throws -> Outcome {
        try fitRows(train, validation: validation, start: start)
    }

    private func fitRows<Source: RowSource>(_ train: Source, validation: Source?, start: Parameters?) throws -> Outcome {
        let config = configuration
        try config.validate()
        let sources = [train] + (validation.map { [$0] } ?? [])
        for data in sources {
            try data.withRows { rows in
                // This process's rows are what BLAS indexes; every rank must agree they fit.
                try rows.agreeing { try BLAS.checkDimensions("gradient descent", rows.count, data.featureCount, data.outputCount) }
                try rows.checkRepresentableScale(featureNames: data.featureNames, targetNames: data.targetNames)
            }
        }
        return try BLASThreads.singleThreaded {
            try train.withRows { trainRows in
                guard gapTarget == nil || trainRows.sharing == nil else {
                    throw ArgumentError(
                        argument: "gapTarget", value: "set", requirement: "is not available for rows spread over processes")
                }
                return try withOptionalRows(validation) { validationRows in
                    try fitSingleThreaded(
                        trainRows, weights: train.weights, validation: validationRows, validationWeights: validation?.weights, start: start)
                }
            }
        }
    }

    /// The weights ωᵢ the cost ½Σωᵢ‖rᵢ‖² (times the reduction's scale) gives each of `rows` rows:
    /// under the mean reduction wᵢ·n/Σw, so that the mean cost is ½Σwᵢ‖rᵢ‖²/Σw, the mean over
    /// rows counted w times; under the sum, wᵢ itself. Nil for unweighted rows.
    /// With rows spread over processes, `rows` and `total` (Σw) count every rank's.
    /// The most runs of contiguous rows a block-shuffled batch of at most `batchRows` rows can
    /// span (it may start and end inside a block, and hold the short last block); 0 without
    /// block shuffling.
    static func runLimit(_ shuffle: Shuffle, rows: Int, batchRows: Int) -> Int {
        guard case let .blocks(_, size) = shuffle else { return 0 }
        return batchRows / Swift.max(1, Swift.min(size, rows)) + 3
    }

    static func costWeights(_ weights: [Double]?, rows: Int, total: Double? = nil, reduction: Reduction) -> [Double]? {
        guard let weights else { return nil }
        guard reduction == .mean else { return weights }
        let factor = Double(rows) / (total ?? weights.reduce(0, +))
        return weights.map { $0 * factor }
    }

    /// What a fit decides before its first update.
    private struct Plan {
        let notes: [String]
        let batchRows: Int
        /// The batches over every rank's rows (sizes, count).
        let batches: Batches
        /// This process's share of each batch: ``batches`` itself when the rows are all here.
        let localBatches: Batches
        let standardizer: Standardizer?
        /// ω, the weights of the training rows in the cost (nil: unweighted).
        let costWeights: [Double]?
        /// λ in mean-cost units.
        let penalty: Double
        let curvature: Curvature?
        let choice: LearningRateChoice
        let epochs: Int
        let certificateTolerance: Double
    }

    /// Batch size, standardization, curvature, step size and epoch budget for `train` (whose rows
    /// weigh `weights`).
    private func plan<Element: BLASScalar>(_ train: Rows<Element>, weights: [Double]?) throws -> Plan {
        let config = configuration
        let n = train.totalCount
        var notes: [String] = []
        var batchRows = config.batchSize.resolved(for: n)
        if batchRows > n {
            notes.append("batch size \(batchRows) exceeds the \(n) training rows: all rows form one batch (full-batch descent)")
            batchRows = n
        }
        let batches = Batches(rowCount: n, size: batchRows)
        // Spread over processes, each rank cuts its rows into as many batches: the global batch
        // is every rank's share of it.
        let localBatches =
            train.sharing.map {
                let rank = $0.communicator.rank, ranks = $0.communicator.size
                let product = rank.multipliedFullWidth(by: batches.count)
                let stagger = ranks.dividingFullWidth((product.high, product.low)).quotient
                return Batches(rowCount: train.count, parts: batches.count, stagger: stagger)
            } ?? batches
        let standardizer = config.standardize ? Standardizer.forDescent(train, weights: weights, fitIntercept: fitIntercept) : nil
        // λ in the units of the mean cost: the summed reduction spreads λ over an epoch's n rows.
        let penalty = config.reduction == .mean ? config.l2Penalty : config.l2Penalty / Double(n)
        let certificateTolerance = config.earlyStopping?.parameterTolerance ?? 0
        let needsCurvature = config.learningRate == .automatic || config.epochs == nil || certificateTolerance > 0
        let costWeights = Self.costWeights(
            weights, rows: n, total: weights.map { train.sum($0.reduce(0, +)) }, reduction: config.reduction)
        let curvature =
            needsCurvature
            ? try Curvature(
                train, standardizer: standardizer, fitIntercept: fitIntercept, penalty: penalty, rowWeights: costWeights,
                threads: config.threads ?? (train.sharing == nil ? Cores.available : 1)) : nil
        // Only the adaptive rules' automatic rate is set in the target's units.
        let spreads =
            config.learningRate == .automatic && config.optimizer.isAdaptive
            ? Self.spreads(train, weights: weights, standardizer: standardizer) : (target: 1.0, coordinates: 1.0)
        let predictionTolerance = certificateTolerance > 0 ? certificateTolerance : EarlyStopping().parameterTolerance!
        let choice = LearningRateChoice(
            config, curvature: curvature, rows: n, batchRows: batchRows, batchesPerEpoch: batches.count,
            targetSpread: spreads.target, coordinateSpread: spreads.coordinates, tolerance: predictionTolerance)
        let epochs =
            config.epochs ?? Self.automaticBudget(predicted: choice.predictedEpochs, rows: n, adaptive: config.optimizer.isAdaptive)
        return Plan(
            notes: notes, batchRows: batchRows, batches: batches, localBatches: localBatches, standardizer: standardizer,
            costWeights: costWeights, penalty: penalty,
            curvature: curvature, choice: choice, epochs: epochs, certificateTolerance: certificateTolerance)
    }

    /// The learning rate a fit of `train` would start with.
    func plannedRate<Element: BLASScalar>(_ train: Dataset<Element>) throws -> Double {
        try BLASThreads.singleThreaded { try train.withRows { try plan($0, weights: train.weights).choice.learningRate } }
    }

    private func fitSingleThreaded<Element: BLASScalar>(
        _ train: Rows<Element>, weights: [Double]?, validation: Rows<Element>?, validationWeights: [Double]?, start: Parameters?
    ) throws -> Outcome {
        let config = configuration
        let n = train.totalCount, p = train.featureCount, k = train.outputCount
        let plan = try plan(train, weights: weights)
        let batches = plan.batches, standardizer = plan.standardizer, penalty = plan.penalty, curvature = plan.curvature
        let choice = plan.choice, epochs = plan.epochs, certificateTolerance = plan.certificateTolerance

        // The rows an epoch reads (this rank's): streamed from memory, or back from cache.
        let readAhead = VectorWidth.readAhead(passingOver: train.count * train.xStride * MemoryLayout<Element>.stride)
        let gradient = BatchGradient(
            features: p, outputs: k, fitIntercept: fitIntercept, standardizer: standardizer,
            kernel: config.kernel, batchRows: plan.localBatches.size, evaluationLimit: Swift.max(train.count, validation?.count ?? 0),
            precision: Element.precision, readAhead: readAhead)
        let d = gradient.parameterCount
        let parameters = Buffer<Double>(repeating: 0, count: d)
        let initial = start ?? .zeros(features: p, outputs: k)
        let scaled =
            standardizer.map { $0.toStandardizedUnits(coefficients: initial.coefficients, intercept: initial.intercept) }
            ?? (initial.coefficients, initial.intercept)
        for i in 0..<p * k { parameters.base[i] = scaled.0.elements[i] }
        for o in 0..<k { parameters.base[p * k + o] = fitIntercept ? scaled.1[o] : 0 }

        var history = History()
        if config.recordsBatchCosts {
            // One Double per batch: refuse a record that could not fit, rather than die allocating it.
            let (entries, overflow) = epochs.multipliedReportingOverflow(by: batches.count)
            guard !overflow, entries <= Self.maximumBatchCosts else {
                throw ArgumentError(
                    argument: "recordsBatchCosts", value: "true",
                    requirement:
                        "\(epochs) epochs of \(batches.count) batches would record more than \(Self.maximumBatchCosts) batch costs (1 GiB); turn it off or train fewer epochs"
                )
            }
            // Reserved up to 2²⁰ entries; a longer record grows by doubling, a handful of times.
            history.batchCosts.reserveCapacity(Swift.min(entries, 1 << 20))
        }
        history.epochCosts.reserveCapacity(Swift.min(epochs, 1 << 20))
        history.learningRates.reserveCapacity(Swift.min(epochs, 1 << 20))

        let loop = Loop<Element>(
            configuration: config, epochs: epochs, rate: choice.learningRate, memory: config.optimizer.memory(given: choice.momentum),
            batches: batches, localBatches: plan.localBatches,
            gradient: gradient,
            chunked: ChunkedGradient(
                // No threads are started for data too small to split.
                pool: WorkerPool(
                    threads: ChunkedGradient<Element>.splits(Swift.max(train.count, validation?.count ?? 0), features: p, outputs: k)
                        ? config.threads ?? (train.sharing == nil ? Cores.available : 1) : 1),
                features: p, outputs: k, fitIntercept: fitIntercept, standardizer: standardizer, kernel: config.kernel,
                rowLimit: Swift.max(train.count, validation?.count ?? 0),
                gathers: ChunkedGradient<Element>.splits(plan.localBatches.size, features: p, outputs: k) && plan.localBatches.count > 1
                    && config.shuffle.shufflesRows,
                runLimit: ChunkedGradient<Element>.splits(plan.localBatches.size, features: p, outputs: k)
                    ? Self.runLimit(config.shuffle, rows: train.count, batchRows: plan.localBatches.size) : 0,
                readAhead: readAhead),
            order: BatchOrder(
                rows: train.count, features: p, outputs: k, batches: plan.localBatches,
                shuffle: train.sharing.map { config.shuffle.forRank($0.communicator.rank) } ?? config.shuffle,
                weighted: plan.costWeights != nil),
            costWeights: plan.costWeights,
            validationWeights: validation.flatMap { rows in
                Self.costWeights(
                    validationWeights, rows: rows.totalCount, total: validationWeights.map { rows.sum($0.reduce(0, +)) },
                    reduction: config.reduction)
            },
            costWeightTotal: plan.costWeights.map { train.sum($0.reduce(0, +)) } ?? Double(n),
            penalty: penalty,
            certificate: curvature?.strongConvexity.flatMap { mu in
                certificateTolerance > 0
                    ? Certificate(
                        tolerance: certificateTolerance, mu: mu, features: p, outputs: k, fitIntercept: fitIntercept,
                        standardizer: standardizer) : nil
            },
            progress: progress, gapTarget: gapTarget, standardizer: standardizer, fitIntercept: fitIntercept)
        let result = try config.optimizer.withRule(
            count: d, decayedCount: p * k, momentum: choice.momentum ?? 0,
            LoopRun(
                loop: loop, parameters: parameters, train: train, validation: validation,
                history: history, gap: gapTarget.map { _ in GapProgress() }))
        let reported = result.parameters
        history = result.history

        let scaledCoefficients = Matrix(uncheckedRows: p, columns: k, elements: Array(reported[0..<p * k]))
        let scaledIntercept = Array(reported[(p * k)...])
        let original =
            standardizer.map { $0.toOriginalUnits(coefficients: scaledCoefficients, intercept: scaledIntercept) }
            ?? (scaledCoefficients, scaledIntercept)
        let fitted = Parameters(unchecked: original.0, fitIntercept ? original.1 : Array(repeating: 0, count: k))
        guard fitted.isFinite else {
            throw TrainingError.diverged(
                epoch: history.epochsRun, batch: batches.count, cost: .nan,
                learningRate: history.learningRates.last ?? choice.learningRate)
        }
        let run = TrainingRun(
            history: history, configuration: config, trainingRows: n, batchesPerEpoch: batches.count,
            batchRows: plan.batchRows, epochBudget: epochs, learningRateChoice: choice, notes: plan.notes)
        return Outcome(parameters: fitted, standardizer: standardizer, run: run, gap: result.gap)
    }

    /// Three times the predicted epochs, at least 100 or 10⁷ row visits, within the row-visit and epoch limits; 300
    /// epochs for the adaptive rules (whose convergence is not predicted) within the same limits.
    static func automaticBudget(predicted: Int?, rows: Int, adaptive: Bool) -> Int {
        let ceiling = Swift.max(100, Swift.min(automaticEpochLimit, automaticRowVisits / Swift.max(rows, 1)))
        // Small data sets get at least 10⁷ row visits: averaging removes mini-batch noise at
        // the rate 1/√updates, and small sets have few updates per epoch.
        let floor = Swift.max(100, minimumRowVisits / Swift.max(rows, 1))
        let wanted = adaptive ? 300 : predicted.map { $0 > automaticEpochLimit ? automaticEpochLimit : Swift.max(floor, 3 * $0) } ?? 1000
        return Swift.min(wanted, ceiling)
    }

    /// The root-mean-square standard deviation of the targets and of the descent coordinates
    /// (weighted, with weights).
    static func spreads<Element: BLASScalar>(_ data: Rows<Element>, weights: [Double]?, standardizer: Standardizer?) -> (
        target: Double, coordinates: Double
    ) {
        let target = Standardizer(
            fitting: data.y, rows: data.count, columns: data.outputCount, stride: data.yStride, weights: weights, sharing: data.sharing
        ).scale
        let targetSpread = (target.reduce(0) { $0 + $1 * $1 } / Double(Swift.max(target.count, 1))).squareRoot()
        guard standardizer == nil else { return (targetSpread, 1) }
        let features = Standardizer(
            fitting: data.x, rows: data.count, columns: data.featureCount, stride: data.xStride, weights: weights, sharing: data.sharing
        ).scale
        return (targetSpread, (features.reduce(0) { $0 + $1 * $1 } / Double(Swift.max(features.count, 1))).squareRoot())
    }
}

/// Runs a fit's ``Loop`` with the update rule the optimizer names.
private struct LoopRun<Element: BLASScalar>: UpdateRuleVisitor {
    let loop: Loop<Element>, parameters: Buffer<Double>, train: Rows<Element>, validation: Rows<Element>?, history: History
    let gap: GapProgress?
    func visit<Rule: UpdateRule>(_ rule: Rule) throws(any Error) -> Loop<Element>.Result {
        try loop.run(rule, parameters: parameters, train: train, validation: validation, history: history, gap: gap)
    }
}

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
