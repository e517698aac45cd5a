/// The configuration of a gradient-descent fit: batch size, epochs, learning rate and the
/// options around them.
///
/// The defaults find the answer by themselves on well-conditioned data: standardized features,
/// mini-batches of 32 shuffled every epoch, plain SGD with a step size from the data's curvature
/// (``LearningRate/automatic``), averaging once the cost reaches its noise floor, an epoch
/// budget from the predicted convergence, and early stopping once the parameters are certified
/// close to the optimum or the cost stops improving. The seed article's configuration is
/// ``seedArticle``.
public struct GradientDescent: Equatable, Sendable {
    /// Rows per step: ``BatchSize/full`` (batch descent), 1 (stochastic) or a mini-batch size.
    /// A size larger than the training set trains on all rows as one batch (with a note in
    /// ``TrainingRun/notes``).
    public var batchSize: BatchSize
    /// Maximum number of passes over the training rows; nil chooses a budget from the
    /// predicted convergence (``LearningRateChoice/predictedEpochs``): three times the
    /// prediction, at least 100, and at most what visits 2·10⁸ rows (or 10⁵ epochs).
    public var epochs: Int?
    /// The initial step size η₀, or ``LearningRate/automatic``.
    public var learningRate: LearningRate
    /// The update rule.
    public var optimizer: Optimizer
    /// Polyak–Ruppert averaging of the iterates.
    public var averaging: Averaging
    /// How a batch's per-sample gradients combine: ``Reduction/mean`` or ``Reduction/sum``.
    public var reduction: Reduction
    /// Standardize features (fit on the training rows) and descend in standardized units; the
    /// fitted model reports coefficients in original units. X is never copied for this.
    public var standardize: Bool
    /// Row order of each epoch.
    public var shuffle: Shuffle
    /// Learning-rate schedule, per epoch or per update.
    public var schedule: LearningRateSchedule
    /// Updates over which the rate ramps up linearly from η₀/W to η₀ (0: no warm-up).
    public var warmupSteps: Int
    /// L2 (ridge) penalty λ: adds λ/2·‖W‖² to the reduced cost. Never applied to the
    /// intercept; applied in standardized units when ``standardize`` is on. Setting it sets
    /// ``penalty`` to ``L2Penalty``; it reads 0 while ``penalty`` is another penalty.
    public var l2Penalty: Double {
        get { penaltyChoice.l2Strength }
        set { penaltyChoice = PenaltyChoice(penalty: L2Penalty(strength: newValue)) }
    }
    /// The loss of each residual: ``SquaredLoss`` (least squares, the fused kernels) unless you
    /// give your own (see ``Loss``).
    public var loss: any Loss {
        get { lossChoice.loss }
        set { lossChoice = LossChoice(loss: newValue) }
    }
    /// The penalty on the coefficients, in the reduced cost's units: ``L2Penalty`` (λ = ``l2Penalty``)
    /// unless you give another (see ``Penalty``). Never applied to the intercept; applied in
    /// standardized units when ``standardize`` is on.
    public var penalty: any Penalty {
        get { penaltyChoice.penalty }
        set { penaltyChoice = PenaltyChoice(penalty: newValue) }
    }
    var lossChoice = LossChoice(loss: SquaredLoss())
    var penaltyChoice = PenaltyChoice(penalty: L2Penalty(strength: 0))
    /// When to stop before the epoch budget (nil: never).
    public var earlyStopping: EarlyStopping?
    /// Start from the model's current parameters instead of zero.
    public var warmStart: Bool
    /// Record the cost of every batch in ``History/batchCosts`` (one Double per batch; a fit
    /// that would record more than 2²⁷ of them, 1 GiB, is refused: turn this off for it).
    public var recordsBatchCosts: Bool
    /// How each epoch's cost in ``History/epochCosts`` is measured: a pass over every row at the
    /// epoch's end (``EpochCost/full``, the default) or the epoch's batches' costs as the steps
    /// took them (``EpochCost/running``, no pass).
    public var epochCost = EpochCost.full
    /// Stop with ``TrainingError/diverged(epoch:batch:cost:learningRate:)`` once an epoch's
    /// cost exceeds this multiple of the starting cost.
    public var divergenceFactor: Double
    /// How each batch's residual and gradient are computed (the result is the same to rounding).
    public var kernel: Kernel
    /// Threads for large batches and for the whole-data costs (nil: the cores this process may
    /// use, from its CPU affinity and its cgroup's CPU quota; 1 on ranks of a
    /// ``DistributedDataset``, which share their machine), 1 to 1024. Runs of at least two chunks
    /// are cut into fixed chunks of about 256 KiB of rows (1024 rows at 32 features, so batches
    /// from 2048 rows; 256 to 16 384 rows whatever the width) added in order, so the result is the
    /// same bits whatever the thread count.
    public var threads: Int?
    /// Save the fit's whole state to a file as it goes, and resume from one (nil: no checkpoints;
    /// see ``Checkpointing``).
    public var checkpointing: Checkpointing?

    /// A configuration; every default is what `mbgd fit` uses (see the properties for each).
    public init(
        batchSize: BatchSize = 32, epochs: Int? = nil, learningRate: LearningRate = .automatic,
        optimizer: Optimizer = .sgd, averaging: Averaging = .automatic, reduction: Reduction = .mean,
        standardize: Bool = true, shuffle: Shuffle = .everyEpoch(seed: 0), schedule: LearningRateSchedule = .constant,
        warmupSteps: Int = 0, l2Penalty: Double = 0, earlyStopping: EarlyStopping? = EarlyStopping(), warmStart: Bool = false,
        recordsBatchCosts: Bool = true, divergenceFactor: Double = 1e10, kernel: Kernel = .automatic, threads: Int? = nil
    ) {
        self.threads = threads
        self.batchSize = batchSize
        self.epochs = epochs
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.averaging = averaging
        self.reduction = reduction
        self.standardize = standardize
        self.shuffle = shuffle
        self.schedule = schedule
        self.warmupSteps = warmupSteps
        penaltyChoice = PenaltyChoice(penalty: L2Penalty(strength: l2Penalty))
        self.earlyStopping = earlyStopping
        self.warmStart = warmStart
        self.recordsBatchCosts = recordsBatchCosts
        self.divergenceFactor = divergenceFactor
        self.kernel = kernel
    }

    /// The seed article's configuration: summed gradient, no shuffling, learning rate 0.001,
    /// batches of 32, 3 epochs, original units, no averaging or early stopping. It does not
    /// converge on the article's data.
    public static let seedArticle = GradientDescent(
        batchSize: 32, epochs: 3, learningRate: 0.001, averaging: .none, reduction: .sum,
        standardize: false, shuffle: .none, earlyStopping: nil)

    /// Checks every value that does not depend on the data (training does this too; call it to
    /// check a configuration before loading data).
    /// - Throws: ``ArgumentError`` naming the property, e.g. `epochs` or `earlyStopping.patience`.
    public func validate() throws {
        if case let .rows(size) = batchSize, size < 1 {
            throw ArgumentError(argument: "batchSize", value: "\(size)", requirement: "must be at least 1")
        }
        if let epochs, epochs < 1 {
            throw ArgumentError(argument: "epochs", value: "\(epochs)", requirement: "must be at least 1")
        }
        if case let .blocks(_, rows) = shuffle, rows < 1 {
            throw ArgumentError(argument: "shuffle.rows", value: "\(rows)", requirement: "blocks must hold at least 1 row")
        }
        if case let .fixed(rate) = learningRate, !(rate.isFinite && rate > 0) {
            throw ArgumentError(argument: "learningRate", value: "\(rate)", requirement: "must be a positive number")
        }
        try optimizer.validate()
        try schedule.validate()
        try loss.validate()
        try penalty.validate()
        if penalty is ElasticNetPenalty, case .adamW = optimizer {
            throw ArgumentError(
                argument: "optimizer", value: "adamW",
                requirement:
                    "cannot be adamW with an ElasticNetPenalty: its decoupled decay is a shrink outside the objective, so the descent would settle on another problem; use adam (the elastic net's L2 part is l1Ratio < 1)"
            )
        }
        if let elasticNet = penalty as? ElasticNetPenalty, elasticNet.l1Method == .cumulative, optimizer.kind != .sgd {
            throw ArgumentError(
                argument: "optimizer", value: "\(optimizer.kind.rawValue)",
                requirement:
                    "must be sgd with the cumulative L1 method: Tsuruoka et al.'s cumulative penalty totals the plain rule's steps; use l1Method .proximal, which thresholds in each rule's own metric"
            )
        }
        if let elasticNet = penalty as? ElasticNetPenalty, elasticNet.penaltyUnits == .standardized, !standardize {
            throw ArgumentError(
                argument: "penalty.penaltyUnits", value: "standardized",
                requirement:
                    "needs standardize: the penalty is on the coefficients of standardized columns, the coordinates a standardizing descent runs in"
            )
        }
        guard warmupSteps >= 0 else {
            throw ArgumentError(argument: "warmupSteps", value: "\(warmupSteps)", requirement: "must be zero or positive")
        }
        guard l2Penalty.isFinite, l2Penalty >= 0 else {
            throw ArgumentError(argument: "l2Penalty", value: "\(l2Penalty)", requirement: "must be zero or positive")
        }
        guard divergenceFactor.isFinite, divergenceFactor > 1 else {
            throw ArgumentError(argument: "divergenceFactor", value: "\(divergenceFactor)", requirement: "must be a number above 1")
        }
        try validateThreadCount(threads)
        if epochCost == .running, let tolerance = earlyStopping?.parameterTolerance, tolerance > 0 {
            throw ArgumentError(
                argument: "earlyStopping.parameterTolerance", value: "\(tolerance)",
                requirement:
                    "must be nil or 0 with epochCost running: the certified stop takes a gradient over every row at each epoch's end, the pass a running cost leaves out (use epochCost full to certify)"
            )
        }
        try earlyStopping?.validate()
        try checkpointing?.validate()
    }
}

/// The arithmetic of one batch.
public enum Kernel: String, Equatable, Sendable, CaseIterable {
    /// The fused kernel for one output with a single feature, with 8 or more features (in C at
    /// the CPU's vector width: AVX-512, AVX2 with FMA, or the baseline), or in batches of at most
    /// ``fusedBatchLimit`` rows; else BLAS.
    /// Each where it measured faster (see <doc:HowItIsFast>): BLAS is ahead only for 2 to 7
    /// features in batches of more than 8 rows.
    case automatic
    /// Two BLAS-2 calls (`dgemv`, or `dgemm` for several outputs) per block of rows: the reference.
    case blas
    /// One pass in Swift computing residual, cost and gradient together (one output only;
    /// several outputs fall back to BLAS).
    case fused

    /// Up to this many rows per batch, ``automatic`` uses the fused kernel for a single output
    /// whatever the number of features.
    public static let fusedBatchLimit = 8

    func usesFused(features: Int, outputs: Int, batchRows: Int) -> Bool {
        guard outputs == 1 else { return false }
        switch self {
        case .automatic: return features == 1 || features >= 8 || batchRows <= Self.fusedBatchLimit
        case .blas: return false
        case .fused: return true
        }
    }
}

/// The order in which rows are visited. Every mode visits every row exactly once per epoch.
public enum Shuffle: Equatable, Sendable {
    /// Rows in file order every epoch, as in the seed article.
    case none
    /// A fresh permutation of the rows every epoch from a ``RandomSource`` seeded with `seed`,
    /// so runs reproduce exactly. Each batch is gathered into a reused buffer. The textbook
    /// choice: batches are independent samples of rows.
    case everyEpoch(seed: UInt64)
    /// The rows are cut into blocks of `rows` consecutive rows, and the blocks are visited in a
    /// fresh seeded order every epoch. A batch is then a few contiguous runs, trained on in
    /// place: no gathering, and a permutation `rows` times shorter, so a shuffled epoch costs
    /// about what an ordered one does. What it does to convergence: rows of one block always
    /// share a batch, so when neighbouring rows are alike (data sorted by time or by a feature)
    /// batches are less representative and the gradient noisier than under a row shuffle; for
    /// rows in random order the two behave alike. Smaller blocks mix more and cost more.
    case blocks(seed: UInt64, rows: Int)

    var seed: UInt64? {
        switch self {
        case .none: return nil
        case let .everyEpoch(seed), let .blocks(seed, _): return seed
        }
    }

    /// Whether rows are shuffled one by one (and gathered into batches).
    var shufflesRows: Bool {
        if case .everyEpoch = self { true } else { false }
    }

    /// The shuffle of rank `rank`'s share of rows spread over processes: the same kind, its seed
    /// mixed with the rank (rank 0 keeps the seed), so that the ranks' orders are independent.
    func forRank(_ rank: Int) -> Shuffle {
        let mixed = { (seed: UInt64) in seed ^ (UInt64(rank) &* 0x9E37_79B9_7F4A_7C15) }
        switch self {
        case .none: return .none
        case let .everyEpoch(seed): return .everyEpoch(seed: mixed(seed))
        case let .blocks(seed, rows): return .blocks(seed: mixed(seed), rows: rows)
        }
    }
}

/// When to stop before the epoch budget runs out.
///
/// Two tests, after every epoch:
/// - **certified**: ‖∇J(θ)‖/μ ≤ `parameterTolerance`·‖θ‖ in descent coordinates. For a
///   least-squares cost with curvature at least μ, ‖θ − θ*‖ ≤ ‖∇J(θ)‖/μ, so this stops exactly
///   when the parameters are provably within that relative distance of the optimum. It needs μ
///   (``Curvature/strongConvexity``, known up to ``Curvature/exactLimit`` features) and costs
///   one gradient over the training rows per epoch. With an L1 or elastic-net penalty
///   (``ElasticNetPenalty``) ∇J is the objective's shortest subgradient, zero only at the
///   optimum, and the same bound holds; it is used for a full-batch descent without an average
///   (proximal gradient descent), whose iterate lands on the penalty's zeros. A stochastic
///   iterate sits off them by its noise, where that subgradient stays at the threshold's size,
///   so a mini-batch fit with L1 stops on its plateau.
/// - **plateau**: the monitored cost (training, or held-out with `validationFraction`) has
///   not improved by `tolerance` (relative: below `best − tolerance·best`, `best` the lowest so
///   far) for `patience` epochs in a row, or for twice the update rule's memory 2/(1 − β) updates
///   when that is longer (momentum's cost climbs for as long as it remembers). With
///   ``Averaging/automatic`` the first plateau of a mini-batch fit starts the averaging instead
///   of stopping. A `tolerance` of 0 never stops on the cost.
///
/// With ``Averaging/automatic`` and a certificate, a constant-rate fit whose averaged
/// parameters stop approaching the optimum (the certified distance not falling by √2 while the
/// epochs since the average started double) halves its rate and restarts the average from itself
/// (``History/rateHalvingEpochs``).
public struct EarlyStopping: Equatable, Sendable {
    /// Relative improvement of the monitored cost that counts.
    public var tolerance: Double
    /// Epochs without improvement before stopping early.
    public var patience: Int
    /// Fraction of the training rows held out to monitor (`nil` monitors the training cost).
    /// The held-out rows are drawn by the shuffle seed when shuffling, else they are the last rows.
    public var validationFraction: Double?
    /// The certified relative distance to the optimum at which to stop (nil or 0: off).
    public var parameterTolerance: Double?

    /// Stop on a stalled cost (`tolerance`, `patience`) or a certified distance to the optimum.
    public init(tolerance: Double = 1e-6, patience: Int = 5, validationFraction: Double? = nil, parameterTolerance: Double? = 1e-3) {
        self.tolerance = tolerance
        self.patience = patience
        self.validationFraction = validationFraction
        self.parameterTolerance = parameterTolerance
    }

    func validate() throws {
        guard tolerance.isFinite, tolerance >= 0 else {
            throw ArgumentError(argument: "earlyStopping.tolerance", value: "\(tolerance)", requirement: "must be zero or positive")
        }
        guard patience >= 1 else {
            throw ArgumentError(argument: "earlyStopping.patience", value: "\(patience)", requirement: "must be at least 1")
        }
        if let fraction = validationFraction, !(fraction > 0 && fraction < 1) {
            throw ArgumentError.fraction("earlyStopping.validationFraction", fraction)
        }
        if let parameterTolerance, !(parameterTolerance.isFinite && parameterTolerance >= 0) {
            throw ArgumentError(
                argument: "earlyStopping.parameterTolerance", value: "\(parameterTolerance)",
                requirement: "must be zero or positive")
        }
    }
}
