import Foundation

/// Gradient descent on sparse rows: each update reads and writes only the batch's columns.
///
/// The coefficients are held as β = a·u (Bottou's svmsgd): the L2 penalty's shrink β ← (1 − ηλ)β
/// of every step is one multiplication of the scale a, and a batch's gradient step touches u at
/// the batch's columns only, so a batch of one text row costs its 50-odd nonzeros, not the
/// 47 236 columns. Standardizing divides each column by its standard deviation without centring
/// it (which would fill every zero), as scikit-learn's `StandardScaler(with_mean=False)`; the
/// intercept is learned apart. The rows' order is the dense trainer's (the same permutation of
/// the same seed), so on a design written both ways, unstandardized, the two trainers take the
/// same steps (standardized, the dense one centres and this one cannot).
///
/// Plain SGD with any batch size, rate (automatic: 1/L(b) from a power iteration on the sparse
/// rows), schedule, reduction, L2 penalty, row weights, warm start, averaging (lazy as well) and
/// plateau stop; the comparison's closed form is ``LSQR``. Other update rules are refused, and
/// the certified stop (which needs μ, not computed without a p×p matrix) is said in the notes.
struct SparseTrainer {
    let configuration: GradientDescent
    let fitIntercept: Bool
    var progress: (@Sendable (EpochReport) -> Void)?

    /// Refuses what the sparse descent does not do, before any pass over the rows.
    static func check(_ config: GradientDescent) throws {
        try config.validate()
        guard config.optimizer == .sgd else {
            throw ArgumentError(
                argument: "optimizer", value: config.optimizer.name,
                requirement: "must be sgd for sparse rows (momentum and the adaptive rules are not lazy yet); use --optimizer sgd")
        }
        guard config.lossChoice.isSquared, config.penaltyChoice.other == nil else {
            throw ArgumentError(
                argument: config.lossChoice.isSquared ? "penalty" : "loss", value: "not the default",
                requirement: "must be the squared loss with an L2 penalty for sparse rows")
        }
    }

    // The hub of a sparse fit, made for both element types: everything below is specialized
    // with it (unspecialized, each value's conversion to Double was a generic call, 28 % of a fit).
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    func fit<Element: BLASScalar>(_ train: SparseDataset<Element>, validation: SparseDataset<Element>?, start: Parameters?) throws
        -> Trainer.Outcome
    {
        let config = configuration
        try Self.check(config)
        try train.checkRepresentableScale()
        try validation?.checkRepresentableScale()
        let n = train.rows, p = train.featureCount, k = train.outputCount
        var notes: [String] = []
        let batchRows = Trainer.batchRows(config, rows: n, notes: &notes)
        let batches = Batches(rowCount: n, size: batchRows)
        // The columns' standard deviations (weighted), never their means: centring fills the zeros.
        let design = SparseDesign(train, fitIntercept: true, ridge: 0, penaltyUnits: .original)
        let scale = config.standardize ? design.deviations : [Double](repeating: 1, count: p)
        let standardizer = config.standardize ? Standardizer(mean: [Double](repeating: 0, count: p), scale: scale) : nil
        if config.standardize {
            notes.append("sparse rows are standardized by scale only, not centred (as scikit-learn's StandardScaler(with_mean=False))")
        }
        if case .blocks = config.shuffle, batches.count > 1 {
            notes.append("sparse rows in memory are shuffled row by row, not in blocks")
        }
        if config.earlyStopping?.parameterTolerance != nil {
            notes.append(
                "no certified stop on sparse rows (μ, the smallest curvature, is not computed): the fit stops on the cost's plateau")
        }
        let penalty = config.reduction == .mean ? config.l2Penalty : config.l2Penalty / Double(n)
        let costWeights = Trainer.costWeights(train.weights, rows: n, reduction: config.reduction)
        let needsCurvature = config.learningRate == .automatic
        let curvature =
            needsCurvature
            ? SparseCurvature.measure(train, scale: scale, fitIntercept: fitIntercept, penalty: penalty, rowWeights: costWeights) : nil
        let choice = LearningRateChoice(
            config, curvature: curvature, rows: n, batchRows: batchRows, batchesPerEpoch: batches.count, targetSpread: 1,
            coordinateSpread: 1, tolerance: EarlyStopping().parameterTolerance!, penalty: penalty)
        let epochs = config.epochs ?? Trainer.automaticBudget(predicted: nil, rows: n, adaptive: false)
        if config.recordsBatchCosts { try Trainer.checkBatchCostRecord(epochs: epochs, batches: batches.count) }
        var state = SparseState(features: p, outputs: k, start: start, fitIntercept: fitIntercept)
        let validationWeights = validation.flatMap { Trainer.costWeights($0.weights, rows: $0.rows, reduction: config.reduction) }
        let history = try loop(
            train, validation: validation, state: &state, scale: scale, rate: choice.learningRate, epochs: epochs, batches: batches,
            penalty: penalty, rowWeights: costWeights, validationWeights: validationWeights)
        let fitted = state.averagedParameters(fitIntercept: fitIntercept) ?? state.parameters(fitIntercept: fitIntercept)
        guard fitted.isFinite else {
            throw TrainingError.diverged(
                epoch: history.epochsRun, batch: batches.count, cost: .nan, learningRate: history.learningRates.last ?? choice.learningRate)
        }
        let run = TrainingRun(
            history: history, configuration: config, trainingRows: n, batchesPerEpoch: batches.count, batchRows: batchRows,
            epochBudget: epochs, learningRateChoice: choice, notes: notes)
        return Trainer.Outcome(parameters: fitted, standardizer: standardizer, run: run, gap: nil)
    }

    /// The epochs: batches in the dense trainer's order, a full-pass cost after each epoch,
    /// the divergence, plateau and cancellation checks.
    private func loop<Element: BLASScalar>(
        _ train: SparseDataset<Element>, validation: SparseDataset<Element>?, state: inout SparseState, scale: [Double], rate: Double,
        epochs: Int, batches: Batches, penalty: Double, rowWeights: [Double]?, validationWeights: [Double]?
    ) throws -> History {
        try train.withView { trainView in
            try withOptionalPointer(rowWeights) { w in
                try withOptionalPointer(validationWeights) { vw in
                    if let validation {
                        return try validation.withView { validationView in
                            try loop(
                                trainView, validation: (validationView, vw), state: &state, scale: scale, rate: rate, epochs: epochs,
                                batches: batches, penalty: penalty, rowWeights: w)
                        }
                    }
                    return try loop(
                        trainView, validation: nil, state: &state, scale: scale, rate: rate, epochs: epochs, batches: batches,
                        penalty: penalty, rowWeights: w)
                }
            }
        }
    }

    private func loop<Element: BLASScalar>(
        _ train: SparseRowsView<Element>, validation: (rows: SparseRowsView<Element>, weights: UnsafePointer<Double>?)?,
        state: inout SparseState, scale: [Double], rate: Double, epochs: Int, batches: Batches, penalty: Double,
        rowWeights: UnsafePointer<Double>?
    ) throws -> History {
        let config = configuration, n = train.rows
        let inverseSquares = Buffer<Double>(repeating: 0, count: scale.count)
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
        var plateau = StopRule(config.earlyStopping, batchesPerEpoch: batches.count)
        // The dense trainer's averaging, simply: from the first step, or (automatic) from the
        // first plateau of a mini-batch fit whose schedule does not anneal by itself.
        let averagesAutomatically = config.averaging == .automatic && batches.count > 1 && !schedule.anneals
        if config.averaging == .fromStart { state.startAveraging() }
        let startCost = state.halfSquares(train, rowWeights: rowWeights) * config.reduction.scale(rows: n)
        let zero = SparseState(features: scale.count, outputs: train.k, start: nil, fitIntercept: fitIntercept)
        let zeroCost = zero.halfSquares(train, rowWeights: rowWeights) * config.reduction.scale(rows: n)
        let divergenceBound = config.divergenceFactor * Swift.max(startCost, zeroCost, .leastNormalMagnitude)
        var step = 0
        let residuals = Buffer<Double>(repeating: 0, count: batches.size * train.k)
        for epoch in 1...epochs {
            if generator != nil { generator!.shuffle(UnsafeMutableBufferPointer(start: order.base, count: n)) }
            let epochRate = schedule.rate(epoch: epoch, step: step)
            history.learningRates.append(epochRate)
            let began = Date()
            for index in 0..<batches.count {
                if index & 1023 == 1023, Task.isCancelled { throw TrainingError.cancelled(epochsCompleted: epoch - 1) }
                let stepRate = schedule.changesWithinEpochs ? schedule.rate(epoch: epoch, step: step) : epochRate
                let range = batches[index]
                let cost = state.step(
                    train, rows: order.base + range.lowerBound, count: range.count, rate: stepRate, penalty: penalty,
                    reduction: config.reduction, inverseSquares: inverseSquares.base, rowWeights: rowWeights, fitIntercept: fitIntercept,
                    residuals: residuals.base)
                guard cost.isFinite else {
                    throw TrainingError.diverged(epoch: epoch, batch: index + 1, cost: cost, learningRate: stepRate)
                }
                if config.recordsBatchCosts { history.batchCosts.append(cost) }
                step += 1
            }
            let seconds = Date().timeIntervalSince(began)
            // An epoch of fewer than 1024 batches is checked here, at its end.
            if Task.isCancelled { throw TrainingError.cancelled(epochsCompleted: epoch) }
            let averaged = state.averagedParameters(fitIntercept: fitIntercept)
            func halfSquares(_ data: SparseRowsView<Element>, _ weights: UnsafePointer<Double>?) -> Double {
                averaged.map { SparseState.halfSquares(data, rowWeights: weights, at: $0) } ?? state.halfSquares(data, rowWeights: weights)
            }
            let epochCost = halfSquares(train, rowWeights) * config.reduction.scale(rows: n)
            guard epochCost.isFinite, epochCost <= divergenceBound else {
                throw TrainingError.diverged(epoch: epoch, batch: batches.count, cost: epochCost, learningRate: epochRate)
            }
            history.epochCosts.append(epochCost)
            var monitored = epochCost
            if let validation {
                monitored = halfSquares(validation.rows, validation.weights) * config.reduction.scale(rows: validation.rows.rows)
                history.validationCosts.append(monitored)
            }
            progress?(
                EpochReport(
                    epoch: epoch, epochs: epochs, cost: epochCost, validationCost: validation == nil ? nil : monitored,
                    learningRate: epochRate, trainingSeconds: seconds, rows: n))
            schedule.observe(cost: epochCost)
            guard plateau.plateaued(monitored) else { continue }
            if averagesAutomatically, !state.averaging {
                state.startAveraging()
                history.averagingStartEpoch = epoch
                plateau.reset()
            } else if plateau.stopsOnPlateau {
                history.stopReason = validation == nil ? .trainingCostConverged : .validationCostConverged
                break
            }
        }
        return history
    }
}
