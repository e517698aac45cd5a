import Foundation

/// Online gradient descent on sparse rows that arrive in windows and are seen once (a libsvm
/// stream): ``OnlineTrainer``'s contract with the sparse file fit's updates:
/// β = a·u with the lazy L2 shrink, AdaGrad, RMSprop, Adam and AdamW applied lazily, lazy
/// averaging, each batch touching its own columns only.
///
/// Each window's rows are trained on in order, in batches of the configuration's size, one
/// update each, the rule's state carried from window to window; before a batch updates the
/// parameters its rows are predicted (the cost the step computes first), so the mean of those
/// squared errors is the progressive validation loss. The plan a file fit makes from all its
/// rows (the columns' scales, the curvature and the automatic rate) is made from the first
/// window; a stream shorter than a window is therefore trained exactly as the file's one epoch
/// in order. The schedule runs per update (η₀/t^power), as ``OnlineTrainer``'s. Scales from one
/// window suit a first window that holds every column often: a column rare in it gets a
/// deviation near zero, and a later row holding it a standardized value the planned rate did
/// not allow for (text rows diverge so); `standardize: false` descends in the rows' own units.
///
/// ```swift
/// let trainer = try SparseOnlineTrainer(features: 47_236, configuration: GradientDescent(batchSize: 1, optimizer: .adagrad(), averaging: .none))
/// for chunk in chunks {                       // each a SparseDataset<Double> of 47 236 columns
///     try trainer.partialFit(chunk)
/// }
/// print(trainer.progressiveLoss ?? .nan)      // VW's "average loss"
/// ```
///
/// `mbgd fit - --n-features p` runs it on a libsvm stream, a window of rows at a time.
public final class SparseOnlineTrainer {
    /// The configuration trained with.
    public let configuration: GradientDescent
    /// Columns and targets per row.
    public let featureCount: Int, outputCount: Int
    /// Whether an intercept is fitted.
    public let fitIntercept: Bool
    /// Rows per update: the configuration's batch size.
    public let batchRows: Int
    /// Rows trained on so far.
    public private(set) var rowsSeen = 0
    /// Updates so far.
    public private(set) var updates = 0
    /// η₀, chosen (or given) at the first window; nil before it.
    public private(set) var learningRate: LearningRateChoice?
    /// The scale-only standardization taken from the first window (nil without one, or before it).
    public private(set) var standardizer: Standardizer?
    /// What the plan noted (as a file fit's notes).
    public private(set) var notes: [String] = []
    private var squares = 0.0
    private var state: SparseState
    private var update: Update?
    private let threads: Int
    private let residuals: Buffer<Double>
    private var order: Buffer<Int>

    /// The update rules, each its own type so that its loop is specialized.
    private enum Update {
        case plain(PlainSparseUpdate)
        case adaGrad(AdaptiveSparseUpdate<LazyAdaGrad>)
        case rmsprop(AdaptiveSparseUpdate<LazyRMSprop>)
        case adam(AdaptiveSparseUpdate<LazyAdam>)
    }

    /// A trainer for sparse rows of `features` columns and `outputs` targets.
    /// - Throws: ``ArgumentError`` for what the sparse descent refuses (momentum; L2 with an
    ///   adaptive rule) and what online descent refuses (as ``OnlineTrainer/init(features:outputs:fitIntercept:configuration:)``);
    ///   ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)`` when the state for
    ///   `features` columns does not fit in memory (checked before it is allocated).
    public init(features: Int, outputs: Int = 1, fitIntercept: Bool = true, configuration: GradientDescent) throws {
        // The online refusals (schedule, averaging, loss, reduction, warm start …) are OnlineTrainer's.
        _ = try OnlineTrainer(features: 1, outputs: 1, fitIntercept: fitIntercept, configuration: configuration)
        try SparseTrainer.check(configuration)
        guard configuration.batchSize != .full else {
            throw ArgumentError(
                argument: "batchSize", value: "full",
                requirement: "must be a number of rows for sparse rows online: a stream's window is not a batch of the data")
        }
        guard (1...SparseDataset<Double>.maximumFeatureCount).contains(features), outputs >= 1 else {
            throw ArgumentError(
                argument: "features", value: "\(features)",
                requirement: "must be between 1 and \(SparseDataset<Double>.maximumFeatureCount) (and outputs at least 1)")
        }
        // As a file fit's: per feature and output the coefficients, average, gradient, θ and an
        // adaptive rule's moments and scratch; per feature the scales and marks.
        try MemoryBudget.require(
            MemoryBudget.doubles(features + 1, 10 * outputs + 5), for: "the sparse descent's state for \(features) features")
        self.configuration = configuration
        featureCount = features
        outputCount = outputs
        self.fitIntercept = fitIntercept
        batchRows = configuration.batchSize.resolved(for: .max)
        // A stream holds one batch of rows at a time (its targets, residuals and row starts):
        // checked before the reader or the state allocates it.
        try MemoryBudget.require(
            MemoryBudget.doubles(batchRows, outputs + 2), for: "a batch of \(batchRows) rows of the stream (--batch-size)")
        threads = configuration.threads ?? Cores.available
        state = SparseState(features: features, outputs: outputs, start: nil, fitIntercept: fitIntercept)
        residuals = Buffer(repeating: 0, count: batchRows * outputs)
        order = Buffer(repeating: 0, count: 0)
    }

    /// The mean squared error of every row so far (over the targets too), each predicted before
    /// it was trained on; nil before any row.
    public var progressiveLoss: Double? { rowsSeen > 0 ? squares / Double(rowsSeen) / Double(outputCount) : nil }

    /// The parameters in the data's units (the running average when averaging).
    public var parameters: Parameters {
        state.averagedParameters(fitIntercept: fitIntercept) ?? state.parameters(fitIntercept: fitIntercept)
    }

    /// Trains on `chunk`'s rows in order, one update per batch (a last batch the chunk cuts
    /// short is smaller: give chunks a multiple of ``batchRows`` rows to keep them equal);
    /// returns the chunk's progressive loss.
    /// - Throws: ``ArgumentError`` for a chunk of another shape or with row weights;
    ///   ``TrainingError/diverged(epoch:batch:cost:learningRate:)`` when a batch's cost is not finite.
    @discardableResult
    public func partialFit(_ chunk: SparseDataset<Double>) throws -> Double {
        guard chunk.featureCount == featureCount, chunk.outputCount == outputCount, chunk.weights == nil else {
            throw ArgumentError(
                argument: "chunk", value: "\(chunk.featureCount) features and \(chunk.outputCount) targets",
                requirement: "must have the trainer's \(featureCount) features and \(outputCount) targets, and no row weights")
        }
        try chunk.checkRepresentableScale()
        return try chunk.withView { try partialFit($0) }
    }

    /// Trains on the window's rows in order; returns the window's progressive loss.
    /// - Throws: ``TrainingError/diverged(epoch:batch:cost:learningRate:)`` when a batch's cost
    ///   is not finite; what the plan throws at the first window.
    func partialFit(_ window: SparseRowsView<Double>) throws -> Double {
        guard window.rows > 0 else { return 0 }
        try BLASThreads.singleThreaded {
            if update == nil { try start(window) }
            if order.count < window.rows {
                order = Buffer(repeating: 0, count: window.rows)
                for i in 0..<window.rows { order.base[i] = i }
            }
        }
        let before = squares
        switch update! {
        case var .plain(rule):
            try train(window, &rule)
            update = .plain(rule)
        case var .adaGrad(rule):
            try train(window, &rule)
            update = .adaGrad(rule)
        case var .rmsprop(rule):
            try train(window, &rule)
            update = .rmsprop(rule)
        case var .adam(rule):
            try train(window, &rule)
            update = .adam(rule)
        }
        rowsSeen += window.rows
        return (squares - before) / Double(window.rows) / Double(outputCount)
    }

    /// The plan from the first window, as a file fit of its rows alone makes it, and the rule.
    private func start(_ window: SparseRowsView<Double>) throws {
        let n = window.rows, k = outputCount, nonzeros = window.rowStarts[n]
        let rows = SparseDataset<Double>(
            unchecked: Array(UnsafeBufferPointer(start: window.rowStarts, count: n + 1)),
            (0..<nonzeros).map { window.columns[$0] }, (0..<nonzeros).map { window.values[$0] },
            Matrix(uncheckedRows: n, columns: k, elements: Array(UnsafeBufferPointer(start: window.targets, count: n * k))),
            featureCount: featureCount, featureNames: [], targetNames: [], weights: nil)
        var planned = configuration
        (planned.epochs, planned.shuffle, planned.earlyStopping) = (1, .none, nil)
        let plan = try SparseTrainer(configuration: planned, fitIntercept: fitIntercept).plan(rows)
        learningRate = plan.choice
        standardizer = plan.standardizer
        notes = plan.notes
        let p = featureCount, columnsScaled = plan.scale.contains { $0 != 1 }
        let inverseScale = Buffer<Double>(repeating: 0, count: p), inverseSquares = Buffer<Double>(repeating: 0, count: p)
        for j in 0..<p {
            inverseScale.base[j] = 1 / plan.scale[j]
            inverseSquares.base[j] = 1 / (plan.scale[j] * plan.scale[j])
        }
        let stepScale = columnsScaled ? inverseScale : nil, slots = (p + 1) * k
        let reduction = configuration.reduction
        func adaptive<Rule: LazyRule>(_ rule: Rule, decay: Double) -> AdaptiveSparseUpdate<Rule> {
            // A stream's widest row is not known: the scratch lists every column.
            AdaptiveSparseUpdate(
                rule, features: p, outputs: k, decay: decay, reduction: reduction, inverseScale: stepScale, rowWeights: nil,
                fitIntercept: fitIntercept, residuals: residuals, touched: p)
        }
        switch configuration.optimizer {
        case let .adagrad(epsilon): update = .adaGrad(adaptive(LazyAdaGrad(slots: slots, epsilon: epsilon), decay: 0))
        case let .rmsprop(alpha, epsilon):
            update = .rmsprop(adaptive(LazyRMSprop(slots: slots, alpha: alpha, epsilon: epsilon), decay: 0))
        case let .adam(beta1, beta2, epsilon):
            update = .adam(adaptive(LazyAdam(slots: slots, beta1: beta1, beta2: beta2, epsilon: epsilon), decay: 0))
        case let .adamW(beta1, beta2, epsilon, weightDecay):
            update = .adam(adaptive(LazyAdam(slots: slots, beta1: beta1, beta2: beta2, epsilon: epsilon), decay: weightDecay))
        case .sgd, .momentum, .nesterov:
            // Momentum and Nesterov are refused by SparseTrainer.check.
            update = .plain(
                PlainSparseUpdate(
                    penalty: plan.penalty, l1: 0, reduction: reduction, inverseSquares: columnsScaled ? inverseSquares : nil,
                    rowWeights: nil,
                    fitIntercept: fitIntercept, residuals: residuals))
        }
        if configuration.averaging == .fromStart { state.startAveraging() }
    }

    /// The window's batches, one update each, at the rate of the update's step.
    private func train<Rule: SparseUpdate>(_ window: SparseRowsView<Double>, _ rule: inout Rule) throws {
        let shared = SparseSharedWork(
            window, features: featureCount, rowWeights: nil, threads: threads, batchRows: Swift.min(batchRows, window.rows),
            certifying: false)
        let rate = learningRate!.learningRate, warmup = configuration.warmupSteps
        var first = 0
        while first < window.rows {
            let count = Swift.min(batchRows, window.rows - first)
            updates += 1
            var stepRate = rate
            if case let .inverseScaling(power) = configuration.schedule { stepRate = rate / pow(Double(updates), power) }
            if updates <= warmup { stepRate *= Double(updates) / Double(warmup) }
            // The step returns the batch's unscaled ½Σ‖rᵢ‖²: its cost under the mean reduction is that over b.
            let cost = 1 / Double(count) * rule.step(&state, window, rows: order.base + first, count: count, rate: stepRate, shared: shared)
            guard cost.isFinite else { throw TrainingError.diverged(epoch: 1, batch: updates, cost: cost, learningRate: stepRate) }
            // The mean reduction's cost ½Σ‖rᵢ‖²/b, at the parameters before the step.
            squares += 2 * cost * Double(count)
            first += count
        }
    }
}
