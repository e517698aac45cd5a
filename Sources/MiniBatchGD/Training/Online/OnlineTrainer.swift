import Foundation

/// Gradient descent on rows that arrive in chunks and are seen once: a stream, or data that
/// never sits in memory whole (scikit-learn's `partial_fit`, Vowpal Wabbit's default).
///
/// Each call to ``partialFit(_:)`` trains on its chunk's rows in the order given, in batches of
/// the configuration's size, one update each; the update rule's state (momentum, Adam's moments
/// and step count, AdaGrad's squares), the running average and the step count carry over from
/// call to call. Before a batch updates the parameters, its rows are predicted with the
/// parameters as they are: the mean of those squared errors over every row so far is the
/// *progressive validation loss* (``progressiveLoss``), an honest estimate of the error on
/// unseen rows that needs no held-out part (Blum, Kalai & Langford, 1999; VW's "average loss").
///
/// What a fit of a whole file decides from all its rows is decided here from the first chunk:
/// the standardization (its means and deviations, then fixed), the curvature and the automatic
/// learning rate. A chunk's batch that the chunk cuts short is a smaller batch, so give chunks
/// a multiple of the batch size to keep them equal. The learning-rate schedule runs per update
/// (``LearningRateSchedule/inverseScaling(power:)``: η₀/t^power at update t, as scikit-learn's
/// `SGDRegressor` and VW decay theirs); schedules that need an epoch budget (step, cosine,
/// plateau) are refused, and so is ``Averaging/automatic``'s plateau (``Averaging/fromStart`` averages).
///
/// ```swift
/// let trainer = try OnlineTrainer(features: 3, configuration: GradientDescent(batchSize: 32, averaging: .none))
/// for chunk in chunks {                       // each a Dataset<Double> of 3 features
///     try trainer.partialFit(chunk)
/// }
/// print(trainer.parameters, trainer.progressiveLoss)
/// ```
public final class OnlineTrainer {
    /// The configuration trained with.
    public let configuration: GradientDescent
    /// Features and targets per row.
    public let featureCount: Int, outputCount: Int
    /// Whether an intercept is fitted.
    public let fitIntercept: Bool
    /// Rows trained on so far (of positive weight).
    public internal(set) var rowsSeen = 0
    /// Updates so far.
    public internal(set) var updates = 0
    /// Rows per update: the configuration's batch size; nil for ``BatchSize/full``, where each chunk is one batch.
    public var batchRows: Int? { configuration.batchSize == .full ? nil : configuration.batchSize.resolved(for: .max) }
    /// The learning rate η₀ (given, or chosen from the first chunk); nil before the first chunk.
    public internal(set) var learningRate: LearningRateChoice?
    /// The standardization taken from the first chunk (nil without standardization or before it).
    public internal(set) var standardizer: Standardizer?
    var weightedSquares = 0.0, weightTotal = 0.0
    var state: State?

    /// Everything made at the first chunk: the batch arithmetic, the parameters in descent
    /// coordinates, the gradient and the rule.
    struct State {
        let gradient: BatchGradient
        let parameters: Buffer<Double>, batchGradient: Buffer<Double>
        var rule: any UpdateRule
        let penalty: Double
        /// Rows per batch as the plan resolved them (the gradient's evaluation size).
        let batchRows: Int
    }

    /// A trainer for rows of `features` features and `outputs` targets.
    /// - Throws: ``ArgumentError`` for a configuration online descent cannot run: a schedule that
    ///   needs an epoch budget, automatic averaging, a loss other than squares, a penalty other
    ///   than L2, the sum reduction, a warm start, early stopping on held-out rows, checkpoints.
    public init(features: Int, outputs: Int = 1, fitIntercept: Bool = true, configuration: GradientDescent = GradientDescent()) throws {
        guard features >= 1, outputs >= 1 else {
            throw ArgumentError(argument: "features", value: "\(features)", requirement: "must be at least 1 (and outputs too)")
        }
        try configuration.validate()
        switch configuration.schedule {
        case .constant, .inverseScaling: break
        default:
            throw ArgumentError(
                argument: "schedule", value: configuration.schedule.name,
                requirement: "must be constant or inverse-scaling online: the others need an epoch budget a stream does not have")
        }
        let refusals: [(Bool, String, String)] = [
            (configuration.averaging == .automatic, "averaging", "automatic: its plateau needs whole epochs; use none or fromStart online"),
            (!configuration.lossChoice.isSquared, "loss", "other than squared: online descent fits least squares for now"),
            (configuration.penaltyChoice.other != nil, "penalty", "other than L2: online descent takes L2 only for now"),
            (configuration.reduction == .sum, "reduction", "sum: online batches may differ in size; use mean"),
            (
                configuration.earlyStopping?.validationFraction != nil, "earlyStopping.validationFraction",
                "set: the progressive loss is the held-out measure of a stream"
            ),
            (configuration.checkpointing != nil, "checkpointing", "set: online descent keeps its state in this object"),
            (configuration.warmStart, "warmStart", "true: an online trainer starts from zero"),
        ]
        for (refused, argument, why) in refusals where refused {
            throw ArgumentError(
                argument: argument, value: why.prefix { $0 != ":" }.description, requirement: "is not available online (\(why))")
        }
        self.configuration = configuration
        featureCount = features
        outputCount = outputs
        self.fitIntercept = fitIntercept
    }

    /// Trains on `chunk`'s rows in order, one update per batch; returns the chunk's progressive
    /// loss (the weighted mean of its rows' squared errors, each predicted before its batch's
    /// update). Rows of weight 0 add nothing.
    /// - Throws: ``DataError`` for a chunk of another shape; ``ArgumentError`` for bad weights;
    ///   ``TrainingError/diverged(epoch:batch:cost:learningRate:)`` when a batch's loss is not finite.
    @discardableResult
    public func partialFit(_ chunk: Dataset<Double>) throws -> Double {
        guard chunk.featureCount == featureCount, chunk.outputCount == outputCount else {
            throw ArgumentError(
                argument: "chunk", value: "\(chunk.featureCount) features and \(chunk.outputCount) targets",
                requirement: "must have the trainer's \(featureCount) features and \(outputCount) targets")
        }
        if let weights = chunk.weights { try validateRowWeights(weights, rows: chunk.rows) }
        return try BLASThreads.singleThreaded {
            try chunk.withRows { rows in
                if state == nil { try start(rows, weights: chunk.weights) }
                return try train(rows, weights: chunk.weights)
            }
        }
    }

    /// ``partialFit(_:)`` of rows read in place (an Arrow table's columns, through the C
    /// interface), whose values and weights the caller has checked: the same bits as a
    /// row-major copy of them.
    package func partialFit(rows: Rows<Double>, weights: [Double]?) throws -> Double {
        guard rows.featureCount == featureCount, rows.outputCount == outputCount else {
            throw ArgumentError(
                argument: "chunk", value: "\(rows.featureCount) features and \(rows.outputCount) targets",
                requirement: "must have the trainer's \(featureCount) features and \(outputCount) targets")
        }
        return try BLASThreads.singleThreaded {
            if state == nil { try start(rows, weights: weights) }
            return try train(rows, weights: weights)
        }
    }

    /// ``plan(from:)`` on rows read in place (an Arrow table's columns, through the C interface),
    /// whose values and weights the caller has checked.
    package func plan(rows sample: Rows<Double>, weights: [Double]?) throws {
        guard state == nil else { return }
        guard sample.featureCount == featureCount, sample.outputCount == outputCount else {
            throw ArgumentError(
                argument: "sample", value: "\(sample.featureCount) features and \(sample.outputCount) targets",
                requirement: "must have the trainer's \(featureCount) features and \(outputCount) targets")
        }
        try BLASThreads.singleThreaded { try start(sample, weights: weights) }
    }

    /// Takes the standardization, curvature and automatic rate from `sample` (a fit of it alone
    /// would choose the same) instead of from the first chunk; does nothing once trained.
    /// - Throws: as ``partialFit(_:)``, for a sample of another shape or bad weights.
    public func plan(from sample: Dataset<Double>) throws {
        guard state == nil else { return }
        guard sample.featureCount == featureCount, sample.outputCount == outputCount else {
            throw ArgumentError(
                argument: "sample", value: "\(sample.featureCount) features and \(sample.outputCount) targets",
                requirement: "must have the trainer's \(featureCount) features and \(outputCount) targets")
        }
        if let weights = sample.weights { try validateRowWeights(weights, rows: sample.rows) }
        try BLASThreads.singleThreaded { try sample.withRows { try start($0, weights: sample.weights) } }
    }

    /// The mean squared error of every row so far (over the targets too), each predicted before it was trained on
    /// (weighted by the row weights); nil before any row.
    public var progressiveLoss: Double? { weightTotal > 0 ? weightedSquares / weightTotal / Double(outputCount) : nil }

    /// The parameters in the data's units (the running average when averaging); zero before any row.
    public var parameters: Parameters {
        guard let state else { return .zeros(features: featureCount, outputs: outputCount) }
        let p = featureCount, k = outputCount
        let values = state.rule.averagedParameters ?? state.parameters.base
        let coefficients = Matrix(uncheckedRows: p, columns: k, elements: Array(UnsafeBufferPointer(start: values, count: p * k)))
        let intercept = Array(UnsafeBufferPointer(start: values + p * k, count: k))
        let original =
            standardizer.map { $0.toOriginalUnits(coefficients: coefficients, intercept: intercept) } ?? (coefficients, intercept)
        return Parameters(unchecked: original.0, fitIntercept ? original.1 : Array(repeating: 0, count: k))
    }

    /// The plan from the first chunk, as a fit of it alone would make it.
    private func start(_ rows: Rows<Double>, weights: [Double]?) throws {
        let trainer = Trainer(configuration: configuration, fitIntercept: fitIntercept)
        let plan = try trainer.plan(rows, weights: weights)
        install(standardizer: plan.standardizer, choice: plan.choice, batchRows: plan.batchRows, penalty: plan.penalty)
    }

    /// The state at the first chunk (or a restored one's start): zero parameters, a fresh rule.
    func install(standardizer: Standardizer?, choice: LearningRateChoice, batchRows: Int, penalty: Double) {
        self.standardizer = standardizer
        learningRate = choice
        let gradient = BatchGradient(
            features: featureCount, outputs: outputCount, fitIntercept: fitIntercept, standardizer: standardizer,
            kernel: configuration.kernel, batchRows: batchRows, evaluationLimit: batchRows)
        let d = gradient.parameterCount
        struct Box: UpdateRuleVisitor {
            func visit<Rule: UpdateRule>(_ rule: Rule) -> any UpdateRule { rule }
        }
        var rule = configuration.optimizer.withRule(
            count: d, decayedCount: featureCount * outputCount, momentum: choice.momentum ?? 0, Box())
        let parameters = Buffer<Double>(repeating: 0, count: d)
        if configuration.averaging == .fromStart { rule.startAveraging(at: parameters.base) }
        state = State(
            gradient: gradient, parameters: parameters, batchGradient: Buffer(repeating: 0, count: d), rule: rule, penalty: penalty,
            batchRows: batchRows)
    }

    private func train(_ rows: Rows<Double>, weights: [Double]?) throws -> Double {
        let batchRows = configuration.batchSize.resolved(for: Swift.max(rows.count, 1))
        let rate = learningRate!.learningRate
        let theta = state!.parameters.base, g = state!.batchGradient.base, gradient = state!.gradient
        let coefficientCount = featureCount * outputCount, penalty = state!.penalty
        var chunkSquares = 0.0, chunkWeight = 0.0
        var first = 0
        // Rows read from columns: each batch gathered into this room first (strides p and k, as a
        // row-major copy has them), made once per chunk.
        let room =
            rows.isColumnar ? Buffer<Double>(repeating: 0, count: Swift.min(batchRows, rows.count) * (featureCount + outputCount)) : nil
        try withOptionalPointer(weights) { w in
            while first < rows.count {
                let count = Swift.min(batchRows, rows.count - first)
                let batch =
                    room.map { room in
                        rows.withBlock(from: first, rows: count, scratchX: room.base, scratchY: room.base + count * featureCount) {
                            Rows(count: count, featureCount: featureCount, outputCount: outputCount, x: $0, xStride: $1, y: $2, yStride: $3)
                        }
                    }
                    ?? Rows(
                        count: count, featureCount: featureCount, outputCount: outputCount, x: rows.x + first * rows.xStride,
                        xStride: rows.xStride, y: rows.y + first * rows.yStride, yStride: rows.yStride)
                let batchWeights = w.map { $0 + first }
                var total = Double(count)
                if let batchWeights { total = (0..<count).reduce(0.0) { $0 + batchWeights[$1] } }
                first += count
                guard total > 0 else { continue }
                gradient.prepare(theta)
                // ½Σwᵢrᵢ² before the update: the progressive loss; the gradient of the batch's mean cost.
                let halfSquares = gradient.halfSquaresAndGradient(batch, rowWeights: batchWeights, alpha: 1 / total, into: g)
                guard halfSquares.isFinite else {
                    throw TrainingError.diverged(epoch: 1, batch: updates + 1, cost: halfSquares / total, learningRate: rate)
                }
                chunkSquares += 2 * halfSquares
                chunkWeight += total
                for i in 0..<coefficientCount { g[i] += penalty * theta[i] }
                updates += 1
                var stepRate = rate
                if case let .inverseScaling(power) = configuration.schedule { stepRate = rate / pow(Double(updates), power) }
                if updates <= configuration.warmupSteps { stepRate *= Double(updates) / Double(configuration.warmupSteps) }
                state!.rule.step(theta, gradient: g, rate: stepRate)
            }
        }
        rowsSeen += weights.map { $0.filter { $0 > 0 }.count } ?? rows.count
        weightedSquares += chunkSquares
        weightTotal += chunkWeight
        return chunkWeight > 0 ? chunkSquares / chunkWeight / Double(outputCount) : 0
    }
}
