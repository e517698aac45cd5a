import Foundation

/// Gradient descent on sparse rows: each update reads and writes only the batch's columns.
///
/// The coefficients are held as β = a·u (Bottou's svmsgd): the L2 penalty's shrink β ← (1 − ηλ)β
/// of every step is one multiplication of the scale a, and a batch's gradient step touches u at
/// the batch's columns only, so a batch of one text row costs its 50-odd nonzeros, not the
/// 47 236 columns. Standardizing divides each column by its standard deviation without centring
/// it (which would fill every zero), as scikit-learn's `StandardScaler(with_mean=False)`; the
/// intercept is learned apart. The rows' order is the dense trainer's (the same permutation of
/// the same seed, of rows or of blocks of rows), so on a design written both ways,
/// unstandardized, the two trainers take the same steps (standardized, the dense one centres and
/// this one cannot). Block shuffling keeps a mapped file larger than memory read in runs of
/// consecutive rows rather than one page fault a row.
///
/// Plain SGD with any batch size, rate (automatic: 1/L(b)), schedule, reduction, L2 penalty, row
/// weights, warm start and averaging (lazy as well); AdaGrad, RMSprop, Adam and AdamW applied
/// lazily (``LazyRule``; L2 refused with them, AdamW's decoupled decay a shrink of the scale).
/// The curvature, the certified stop and the rate halvings of an automatic average are the dense
/// trainer's (``StopPolicy``), with μ from the Gram matrix up to ``Curvature/exactLimit``
/// features (beyond it, no certificate: the plateau stops the fit). Momentum is refused. The
/// comparison's exact reference is ``LSQR``. Every ``Loss`` descends here too, each row's
/// residual r charged ℓ(r) and weighing ℓ′(r) in the gradient (``SparseResidualMap``), with the
/// dense trainer's step for it and no certified stop. L1 and elastic net (``ElasticNetPenalty``)
/// descend with plain SGD, the dense prox's soft-thresholds applied lazily (``LazySoftThreshold``),
/// averaged lazily too (``ThresholdedAverage``), certified at full batch without an average; the lasso with AdaGrad, RMSprop
/// and Adam too, each slot's threshold scaled by its frozen factor (``LazySoftThreshold+Adaptive.swift``).
struct SparseTrainer {
    let configuration: GradientDescent
    let fitIntercept: Bool
    var progress: (@Sendable (EpochReport) -> Void)?
    /// Stop once the mean cost is this close to a known optimum (a batch-size sweep's race).
    var gapTarget: GapTarget?

    /// Refuses what the sparse descent does not do, before any pass over the rows.
    static func check(_ config: GradientDescent) throws {
        try config.validate()
        switch config.optimizer {
        case .momentum, .nesterov:
            throw ArgumentError(
                argument: "optimizer", value: config.optimizer.name,
                requirement:
                    "cannot be momentum or nesterov on sparse rows (their velocity moves every column at every step); use --optimizer sgd, adagrad, rmsprop, adam or adamw"
            )
        case .adam, .adagrad, .rmsprop, .adamW:
            // The L2 gradient λθ is non-zero at every column: no adaptive step could stay lazy.
            guard config.l2Penalty == 0 else {
                throw ArgumentError(
                    argument: "l2", value: "\(config.l2Penalty)",
                    requirement:
                        "must be 0 with --optimizer \(config.optimizer.name) on sparse rows (an L2 gradient touches every column at every step); use --optimizer adamw --weight-decay (decoupled, applied lazily) or --optimizer sgd"
                )
            }
        case .sgd: break
        }
        guard let other = config.penaltyChoice.other else { return }
        guard let elasticNet = other as? ElasticNetPenalty else {
            throw ArgumentError(
                argument: "penalty", value: "\(type(of: other))",
                requirement: "must be L2, ElasticNetPenalty (L1 or elastic net) or none for sparse rows: another penalty has no lazy step")
        }
        try checkSoftThreshold(elasticNet, config)
    }

    /// What the lazy soft-thresholding (``LazySoftThreshold``) does not do, refused by name.
    private static func checkSoftThreshold(_ elasticNet: ElasticNetPenalty, _ config: GradientDescent) throws {
        // The elastic net's L2 gradient touches every column at every step (as --l2's).
        guard !(config.optimizer.isAdaptive && elasticNet.l1Ratio < 1) else {
            throw ArgumentError(
                argument: "penalty.l1Ratio", value: "\(elasticNet.l1Ratio)",
                requirement:
                    "must be 1 (the lasso) with --optimizer \(config.optimizer.name) on sparse rows (the elastic net's L2 part has a gradient at every column at every step, which a lazy adaptive step cannot defer); use --l1-ratio 1, or --optimizer sgd for the elastic net"
            )
        }
        // With each column's own 1/sⱼ² on the L2 part, its shrink is no longer one scale for all.
        guard !(config.standardize && elasticNet.penaltyUnits == .original && elasticNet.l1Ratio < 1) else {
            throw ArgumentError(
                argument: "penalty.l1Ratio", value: "\(elasticNet.l1Ratio)",
                requirement:
                    "must be 1 (the lasso) when standardizing sparse rows with the penalty in the data's units (the L2 part's shrink differs by column); use --no-standardize or --l1-ratio 1 (or, in the library, penaltyUnits: .standardized)"
            )
        }
    }

    /// The learning rate a fit of `train` would start with.
    func plannedRate<Element: BLASScalar>(_ train: SparseDataset<Element>) throws -> Double {
        try Self.check(configuration)
        try train.checkRepresentableScale()
        return try BLASThreads.singleThreaded { try plan(train).choice.learningRate }
    }

    // The hub of a sparse fit, made for both element types: everything below is specialized
    // with it (unspecialized, each value's conversion to Double was a generic call, 28 % of a fit).
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    /// `ranks`: the rows spread over ranks, `train` this rank's share (each batch gathered from the ranks).
    func fit<Element: BLASScalar>(
        _ train: SparseDataset<Element>, validation: SparseDataset<Element>?, start: Parameters?, ranks: SparseRanks<Element>? = nil
    ) throws -> Trainer.Outcome {
        let config = configuration
        try Self.check(config)
        try train.checkRepresentableScale()
        try validation?.checkRepresentableScale()
        // The state's buffers, checked before any is allocated: per feature and output the
        // coefficients, their average, gradient, θ and an adaptive rule's two moments and scratch
        // (with, at most, its slots, gradients and squares listed); per feature the scales and the
        // flush and touch marks; with L1 and averaging, a history of steps (at most max(p, 1024))
        // and marks.
        let k = train.outputCount, p = train.featureCount
        let averagesL1 = config.penaltyChoice.other is ElasticNetPenalty && config.averaging != .none
        try MemoryBudget.require(
            averagesL1 ? MemoryBudget.doubles(Swift.max(p, 1024) + 1, 10 * k + 9) : MemoryBudget.doubles(p + 1, 10 * k + 5),
            for: "the sparse descent's state for \(p) features")
        let plan = try plan(train, ranks: ranks)
        let n = ranks?.rows ?? train.rows, batches = plan.batches, choice = plan.choice, epochs = plan.epochs
        if config.recordsBatchCosts { try Trainer.checkBatchCostRecord(epochs: epochs, batches: batches.count) }
        var state = SparseState(
            features: train.featureCount, outputs: train.outputCount, start: start, fitIntercept: fitIntercept,
            residualMap: SparseResidualMap(config.loss), softThreshold: plan.softThreshold)
        let validationWeights = validation.flatMap { Trainer.costWeights($0.weights, rows: $0.rows, reduction: config.reduction) }
        let (history, gap) = try loop(
            train, validation: validation, state: &state, scale: plan.scale, rate: choice.learningRate, epochs: epochs, batches: batches,
            penalty: plan.penalty, l1: plan.l1, rowWeights: plan.costWeights, validationWeights: validationWeights,
            certificate: plan.certificate, ranks: ranks)
        let fitted = state.averagedParameters(fitIntercept: fitIntercept) ?? state.parameters(fitIntercept: fitIntercept)
        guard fitted.isFinite else {
            throw TrainingError.diverged(
                epoch: history.epochsRun, batch: batches.count, cost: .nan, learningRate: history.learningRates.last ?? choice.learningRate)
        }
        let run = TrainingRun(
            history: history, configuration: config, trainingRows: n, batchesPerEpoch: batches.count, batchRows: plan.batchRows,
            epochBudget: epochs, learningRateChoice: choice, notes: plan.notes)
        return Trainer.Outcome(parameters: fitted, standardizer: plan.standardizer, run: run, gap: gap)
    }

    /// The epochs: batches in the dense trainer's order, a full-pass cost after each epoch,
    /// the divergence, plateau and cancellation checks.
    private func loop<Element: BLASScalar>(
        _ train: SparseDataset<Element>, validation: SparseDataset<Element>?, state: inout SparseState, scale: [Double], rate: Double,
        epochs: Int, batches: Batches, penalty: Double, l1: Double, rowWeights: [Double]?, validationWeights: [Double]?,
        certificate: Certificate?, ranks: SparseRanks<Element>?
    ) throws -> (History, GapProgress?) {
        try train.withView { trainView in
            try withOptionalPointer(rowWeights) { w in
                try withOptionalPointer(validationWeights) { vw in
                    if let validation {
                        return try validation.withView { validationView in
                            try loop(
                                trainView, validation: (validationView, vw), state: &state, scale: scale, rate: rate, epochs: epochs,
                                batches: batches, penalty: penalty, l1: l1, rowWeights: w, certificate: certificate, ranks: ranks)
                        }
                    }
                    return try loop(
                        trainView, validation: nil, state: &state, scale: scale, rate: rate, epochs: epochs, batches: batches,
                        penalty: penalty, l1: l1, rowWeights: w, certificate: certificate, ranks: ranks)
                }
            }
        }
    }

    private func loop<Element: BLASScalar>(
        _ train: SparseRowsView<Element>, validation: (rows: SparseRowsView<Element>, weights: UnsafePointer<Double>?)?,
        state: inout SparseState, scale: [Double], rate: Double, epochs: Int, batches: Batches, penalty: Double, l1: Double,
        rowWeights: UnsafePointer<Double>?, certificate: Certificate?, ranks: SparseRanks<Element>?
    ) throws -> (History, GapProgress?) {
        let config = configuration, n = ranks?.rows ?? train.rows
        let inverseSquares = Buffer<Double>(repeating: 0, count: scale.count)
        // The penalty on θ = s·β, whose kink the certificate's subgradient takes (the plan certifies L1 at full batch only).
        let certifiedPenalty =
            certificate == nil
            ? nil
            : config.penaltyChoice.other?.inDescentCoordinates(
                scales: config.standardize ? scale : nil, outputs: train.k)
        for j in scale.indices { inverseSquares.base[j] = 1 / (scale[j] * scale[j]) }
        var history = History()
        history.epochCosts.reserveCapacity(Swift.min(epochs, 1 << 20))
        var schedule = RateSchedule(
            config.schedule, initial: rate, warmupSteps: config.warmupSteps,
            totalSteps: epochs.multipliedReportingOverflow(by: batches.count).partialValue)
        let shuffles = config.shuffle.seed != nil && batches.count > 1
        var generator = shuffles ? config.shuffle.seed.map { RandomSource(seed: $0) } : nil
        let order = Buffer<Int>(repeating: 0, count: n)
        for i in 0..<n { order.base[i] = i }
        // Block shuffling draws an order of blocks as the dense trainer's BatchOrder does (the
        // same generator calls) and visits each block's rows in order.
        let blocks = Self.blockCursor(config.shuffle, rows: n, shuffles: shuffles)
        let blockOrder = Buffer<Int>(repeating: 0, count: blocks?.blocks ?? 0)
        for b in 0..<(blocks?.blocks ?? 0) { blockOrder.base[b] = b }
        let memory = config.optimizer.memory(given: nil)
        let plateau = StopRule(config.earlyStopping, memory: memory, batchesPerEpoch: batches.count)
        // Over ranks, each batch is laid out on every rank (the step's threads share it there).
        let gathered = ranks.map {
            SparseBatchGather(
                $0, batchRows: batches.size, rowWeights: rowWeights, threads: configuration.threads ?? Cores.available,
                residualMap: state.residualMap)
        }
        let shared =
            gathered?.shared
            ?? SparseSharedWork(
                train, features: scale.count, rowWeights: rowWeights, threads: configuration.threads ?? Cores.available,
                batchRows: batches.size, certifying: certificate != nil, residualMap: state.residualMap)
        let passes = SparseWholePasses(shared: shared, ranks: ranks, rowWeights: rowWeights, residualMap: state.residualMap)
        let stepWeights = gathered.map { $0.weights.map { UnsafePointer($0.base) } } ?? rowWeights
        let startCost = passes.halfSquaresInOneSum(state, train) * config.reduction.scale(rows: n)
        let zero = SparseState(
            features: scale.count, outputs: train.k, start: nil, fitIntercept: fitIntercept, residualMap: state.residualMap)
        let zeroCost = passes.halfSquaresInOneSum(zero, train) * config.reduction.scale(rows: n)
        // The dense trainer's averaging, simply: from the first step, or (automatic) from the
        // first plateau of a mini-batch fit whose schedule does not anneal by itself, with the
        // rate halved whenever the certified distance of the average stalls.
        if config.averaging == .fromStart { state.startAveraging() }
        let halving = RateHalving(
            patience: plateau.patience, step: rate * (config.reduction == .sum ? Double(batches.size) : 1) / (1 - memory),
            mu: !config.optimizer.isAdaptive && config.schedule == .constant ? certificate?.mu ?? 0 : 0, batchesPerEpoch: batches.count)
        var policy = StopPolicy(
            plateau: plateau, halving: halving, certificateTolerance: certificate?.tolerance,
            averagesAutomatically: config.averaging == .automatic && batches.count > 1 && !schedule.anneals,
            monitorsValidation: validation != nil, hasGapTarget: gapTarget != nil,
            divergenceBound: config.divergenceFactor * Swift.max(startCost, zeroCost, .leastNormalMagnitude))
        let inverseScale = Buffer<Double>(repeating: 0, count: scale.count)
        for j in scale.indices { inverseScale.base[j] = 1 / scale[j] }
        let fullGradient = Buffer<Double>(repeating: 0, count: (scale.count + 1) * train.k)
        let theta = Buffer<Double>(repeating: 0, count: (scale.count + 1) * train.k)
        // The epoch's running cost so far, unscaled (``EpochCost/running``), and the reduction's
        // scale of a full batch (a division per update is a tenth of a stochastic step).
        var step = 0, samples = 0, running = 0.0
        let fullBatchScale = config.reduction.scale(rows: batches.size)
        let residuals = Buffer<Double>(repeating: 0, count: batches.size * train.k)
        // Gap checks: at least 16 an epoch, or after every update when an epoch has fewer.
        var gap = gapTarget.map { _ in GapProgress() }
        let checkInterval = gapTarget.map { _ in Swift.max(1, batches.count / 16) } ?? batches.count
        let weightTotal = rowWeights.map { w in (0..<n).reduce(0.0) { $0 + w[$1] } } ?? Double(n)
        var checkpoint: CheckpointSession?
        if let settings = config.checkpointing {
            var identity = CheckpointSession.identity(
                config, sparse: train, features: scale.count, weights: rowWeights, validationRows: validation?.rows.rows ?? 0,
                fitIntercept: fitIntercept, ranks: ranks)
            identity["plan.learningRate"] = "\(rate)"
            identity["plan.epochs"] = "\(epochs)"
            identity["plan.batches"] = "\(batches.count) of \(batches.size) rows"
            // Over ranks every rank holds the whole state alike: rank 0 reads and writes one
            // process's checkpoint, with nothing of its own from any rank.
            checkpoint = try CheckpointSession(settings, identity: identity, communicator: ranks?.communicator)
        }
        // The epochs, specialized for each update rule.
        func runEpochs<Update: SparseUpdate>(_ update: inout Update) throws {
            // A resumed fit goes on from its checkpoint's position: the first batch not yet
            // trained on (0: the epoch has not started; all of them: its end has not run).
            var resumedEpoch = 1, resumedBatch = 0
            if let archive = checkpoint?.resumed {
                try state.restoreState(from: archive)
                try update.restoreState(from: archive)
                try schedule.restoreState(from: archive)
                try policy.restoreState(from: archive)
                try history.restoreState(from: archive)
                let rows = try archive.integers("order.rows", count: n)
                guard Set(rows).count == n, rows.allSatisfy({ $0 >= 0 && $0 < n }) else {
                    throw CheckpointError.damaged(path: archive.path, reason: "order.rows is not an order of \(n) rows")
                }
                order.base.update(from: rows, count: n)
                if blocks != nil { try Self.restore(blockOrder, from: archive) }
                if generator != nil {
                    generator!.checkpointState = try archive.integers("order.generator", count: 6).map { UInt64(UInt(bitPattern: $0)) }
                }
                let position = try archive.integers("position", count: 4)
                (resumedEpoch, resumedBatch, step, samples) = (position[0], position[1], position[2], position[3])
                if config.epochCost == .running, resumedBatch > 0 { running = try archive.double("position.running") }
                guard resumedEpoch >= 1, resumedEpoch <= epochs, resumedBatch >= 0, resumedBatch <= batches.count,
                    history.epochCosts.count == resumedEpoch - 1, resumedBatch == 0 || history.learningRates.count == resumedEpoch
                else {
                    throw CheckpointError.damaged(path: archive.path, reason: "its position in the fit does not agree with its history")
                }
            }
            /// Saves the state before batch `batch` of epoch `epoch`.
            func save(epoch: Int, batch: Int) throws {
                guard let checkpoint else { return }
                var archive = CheckpointArchive(path: checkpoint.settings.path)
                state.saveState(to: &archive)
                update.saveState(to: &archive)
                schedule.saveState(to: &archive)
                policy.saveState(to: &archive)
                history.saveState(to: &archive)
                archive.set("order.rows", integers: order.array)
                if blocks != nil { archive.set("order.blocks", integers: blockOrder.array) }
                if let generator { archive.set("order.generator", integers: generator.checkpointState.map { Int(bitPattern: UInt($0)) }) }
                archive.set("position", integers: [epoch, batch, step, samples])
                archive.set("position.running", running)
                try checkpoint.write(archive)
            }
            for epoch in resumedEpoch...epochs {
                // Mid-epoch, the epoch's order and rate are those the checkpoint saved.
                let resumesInside = epoch == resumedEpoch && resumedBatch > 0
                if !resumesInside, generator != nil {
                    if let blocks {
                        generator!.shuffle(UnsafeMutableBufferPointer(start: blockOrder.base, count: blockOrder.count))
                        Self.expand(blockOrder, of: blocks, into: order)
                    } else {
                        generator!.shuffle(UnsafeMutableBufferPointer(start: order.base, count: n))
                    }
                }
                let epochRate = resumesInside ? history.learningRates[epoch - 1] : schedule.rate(epoch: epoch, step: step)
                if !resumesInside {
                    history.learningRates.append(epochRate)
                    running = 0
                }
                var stretchStart = Date(), trainingSeconds = 0.0
                for index in (resumesInside ? resumedBatch : 0)..<batches.count {
                    if index & 1023 == 1023, passes.isCancelled() {
                        try save(epoch: epoch, batch: index)
                        throw TrainingError.cancelled(epochsCompleted: epoch - 1)
                    }
                    let stepRate = schedule.changesWithinEpochs ? schedule.rate(epoch: epoch, step: step) : epochRate
                    let range = batches[index]
                    var rows = UnsafePointer(order.base + range.lowerBound), data = train
                    if let gathered {
                        gathered.gather(rows, count: range.count, rowWeights: rowWeights)
                        (rows, data) = (UnsafePointer(gathered.positions.base), gathered.view)
                    }
                    let half = update.step(&state, data, rows: rows, count: range.count, rate: stepRate, shared: shared)
                    let cost = (range.count == batches.size ? fullBatchScale : config.reduction.scale(rows: range.count)) * half
                    running += half
                    guard cost.isFinite else {
                        throw TrainingError.diverged(epoch: epoch, batch: index + 1, cost: cost, learningRate: stepRate)
                    }
                    if config.recordsBatchCosts { history.batchCosts.append(cost) }
                    step += 1
                    samples += range.count
                    if let gapTarget, (index + 1) % checkInterval == 0 || index == batches.count - 1 {
                        // The clock stops while the gap is measured: checking is not training.
                        trainingSeconds += Date().timeIntervalSince(stretchStart)
                        if checkGap(
                            gapTarget, state: state, train: train, shared: shared, scale: scale, rowWeights: rowWeights,
                            weightTotal: weightTotal, updates: step, samples: samples, seconds: gap!.seconds + trainingSeconds,
                            progress: &gap!)
                        {
                            gap!.seconds += trainingSeconds
                            history.stopReason = .gapReached
                            return
                        }
                        stretchStart = Date()
                    }
                }
                if gapTarget == nil { trainingSeconds = Date().timeIntervalSince(stretchStart) }
                if gap != nil { gap!.seconds += trainingSeconds }
                let seconds = trainingSeconds
                // An epoch of fewer than 1024 batches is checked here, at its end (saved as all
                // its batches done, the epoch's end still to run).
                if passes.isCancelled() {
                    try save(epoch: epoch, batch: batches.count)
                    throw TrainingError.cancelled(epochsCompleted: epoch)
                }
                let averaged = state.averagedParameters(fitIntercept: fitIntercept)
                var certifiedDistance: Double?
                let epochCost: Double
                if let certificate {
                    // The cost and the gradient in one pass, at the parameters reported; θ = s·β.
                    let evaluated = averaged ?? state.parameters(fitIntercept: fitIntercept)
                    let halfSquares = passes.halfSquaresAndGradient(
                        at: evaluated, inverseScale: inverseScale.base, fitIntercept: fitIntercept, into: fullGradient.base)
                    epochCost = halfSquares * config.reduction.scale(rows: n)
                    let p = scale.count, k = train.k
                    for j in 0..<p {
                        for o in 0..<k {
                            theta.base[j * k + o] = scale[j] * evaluated.coefficients[j, o]
                            fullGradient.base[j * k + o] += penalty * theta.base[j * k + o]
                        }
                    }
                    for o in 0..<k { theta.base[p * k + o] = evaluated.intercept[o] }
                    // With L1 (its L2 part added above), the objective's shortest subgradient.
                    certifiedPenalty?.shortestSubgradient(
                        at: theta.base, count: p * k, scale: config.reduction == .mean ? 1 : 1 / Double(n), gradient: fullGradient.base)
                    certifiedDistance = certificate.relativeDistance(parameters: theta.base, gradient: fullGradient.base)
                    history.certifiedDistances.append(certifiedDistance!)
                } else {
                    let halfSquares =
                        config.epochCost == .running ? running : averaged.map { passes.halfSquares(at: $0) } ?? passes.halfSquares(state)
                    epochCost = halfSquares * config.reduction.scale(rows: n)
                }
                guard !policy.diverged(cost: epochCost) else {
                    throw TrainingError.diverged(epoch: epoch, batch: batches.count, cost: epochCost, learningRate: epochRate)
                }
                history.epochCosts.append(epochCost)
                var monitored = epochCost
                if let validation {
                    let rows = validation.rows, weights = validation.weights
                    monitored =
                        (averaged.map { SparseState.halfSquares(rows, rowWeights: weights, at: $0, residualMap: state.residualMap) }
                            ?? state.halfSquares(rows, rowWeights: weights)) * config.reduction.scale(rows: rows.rows)
                    history.validationCosts.append(monitored)
                }
                progress?(
                    EpochReport(
                        epoch: epoch, epochs: epochs, cost: epochCost, validationCost: validation == nil ? nil : monitored,
                        learningRate: epochRate, trainingSeconds: seconds, rows: n))
                schedule.observe(cost: epochCost)
                let decision = policy.afterEpoch(epoch, monitored: monitored, certifiedDistance: certifiedDistance)
                if decision.restartAveragingAndHalveRate {
                    state.restartAveraging()
                    schedule.halve()
                    history.rateHalvingEpochs.append(epoch)
                }
                if decision.startAveraging {
                    state.startAveraging()
                    history.averagingStartEpoch = epoch
                }
                if let reason = decision.stop {
                    history.stopReason = reason
                    break
                }
                if epoch < epochs, checkpoint?.isDue(afterEpoch: epoch) == true { try save(epoch: epoch + 1, batch: 0) }
            }
        }
        // The most columns an adaptive step touches: its rows' nonzeros, at most p.
        var widestRow = ranks?.widestRow ?? 0
        for i in 0..<(ranks == nil ? n : 0) { widestRow = Swift.max(widestRow, train.rowStarts[i + 1] - train.rowStarts[i]) }
        let touched = widestRow == 0 || batches.size > scale.count / widestRow ? scale.count : batches.size * widestRow
        // Unscaled columns (no standardizing, or every scale 1): the steps read no table of ones.
        let columnsScaled = scale.contains { $0 != 1 }
        let stepScale = columnsScaled ? inverseScale : nil
        switch config.optimizer {
        case let .adagrad(epsilon):
            var update = AdaptiveSparseUpdate(
                LazyAdaGrad(slots: (scale.count + 1) * train.k, epsilon: epsilon), features: scale.count, outputs: train.k, decay: 0,
                reduction: config.reduction,
                inverseScale: stepScale, rowWeights: stepWeights, fitIntercept: fitIntercept, residuals: residuals, touched: touched)
            update.l1 = l1
            try runEpochs(&update)
        case let .rmsprop(alpha, epsilon):
            var update = AdaptiveSparseUpdate(
                LazyRMSprop(slots: (scale.count + 1) * train.k, alpha: alpha, epsilon: epsilon), features: scale.count, outputs: train.k,
                decay: 0,
                reduction: config.reduction,
                inverseScale: stepScale, rowWeights: stepWeights, fitIntercept: fitIntercept, residuals: residuals, touched: touched)
            update.l1 = l1
            try runEpochs(&update)
        case let .adam(beta1, beta2, epsilon):
            var update = AdaptiveSparseUpdate(
                LazyAdam(slots: (scale.count + 1) * train.k, beta1: beta1, beta2: beta2, epsilon: epsilon), features: scale.count,
                outputs: train.k, decay: 0,
                reduction: config.reduction, inverseScale: stepScale, rowWeights: stepWeights, fitIntercept: fitIntercept,
                residuals: residuals, touched: touched)
            update.l1 = l1
            try runEpochs(&update)
        case let .adamW(beta1, beta2, epsilon, weightDecay):
            var update = AdaptiveSparseUpdate(
                LazyAdam(slots: (scale.count + 1) * train.k, beta1: beta1, beta2: beta2, epsilon: epsilon), features: scale.count,
                outputs: train.k,
                decay: weightDecay,
                reduction: config.reduction, inverseScale: stepScale, rowWeights: stepWeights, fitIntercept: fitIntercept,
                residuals: residuals, touched: touched)
            try runEpochs(&update)
        case .sgd, .momentum, .nesterov:
            // Momentum and Nesterov are refused by ``check(_:)``.
            var update = PlainSparseUpdate(
                penalty: penalty, l1: l1, reduction: config.reduction, inverseSquares: columnsScaled ? inverseSquares : nil,
                rowWeights: stepWeights,
                fitIntercept: fitIntercept, residuals: residuals)
            try runEpochs(&update)
        }
        if config.epochCost == .running {
            let averaged = state.averagedParameters(fitIntercept: fitIntercept)
            history.finalCost =
                (averaged.map { passes.halfSquares(at: $0) } ?? passes.halfSquares(state)) * config.reduction.scale(rows: n)
        }
        return (history, gap)
    }

    /// One gap check: the mean cost ½Σωᵢrᵢ²/Σω at the parameters reported (the average when
    /// averaging), its relative gap to the optimum, the noise scale at each decade it crosses
    /// first; true once the gap is reached.
    private func checkGap<Element: BLASScalar>(
        _ target: GapTarget, state: SparseState, train: SparseRowsView<Element>, shared: SparseSharedWork<Element>, scale: [Double],
        rowWeights: UnsafePointer<Double>?, weightTotal: Double, updates: Int, samples: Int, seconds: Double,
        progress: inout GapProgress
    ) -> Bool {
        let averaged = state.averagedParameters(fitIntercept: fitIntercept)
        let cost = (averaged.map { shared.halfSquares(at: $0) } ?? state.halfSquares(shared)) / weightTotal
        let relative = target.relativeGap(cost: cost)
        progress.bestGap = Swift.min(progress.bestGap, relative)
        progress.checks += 1
        while let decade = progress.nextDecade, relative <= decade {
            let parameters = averaged ?? state.parameters(fitIntercept: fitIntercept)
            let p = scale.count, k = train.k
            var theta = [Double](repeating: 0, count: (p + 1) * k)
            for j in 0..<p { for o in 0..<k { theta[j * k + o] = scale[j] * parameters.coefficients[j, o] } }
            for o in 0..<k { theta[p * k + o] = parameters.intercept[o] }
            let noise = GradientNoise(
                sparse: train, features: p, weights: rowWeights, scale: scale, fitIntercept: fitIntercept, parameters: theta)
            progress.decades.append(
                .init(gap: decade, updates: updates, samples: samples, seconds: seconds, noiseScale: noise.simple))
            progress.nextDecade = decade / 10 >= target.gap * (1 - 1e-12) ? decade / 10 : nil
        }
        guard relative <= target.gap else { return false }
        progress.reached = true
        progress.updates = updates
        progress.samples = samples
        progress.epochs = Double(samples) / Double(train.rows)
        return true
    }
}
