/// The configuration of a gradient-descent fit: batch size, epochs, learning rate and the
/// options around them.
///
/// The defaults give a well-behaved mini-batch descent: mean reduction, shuffling every epoch
/// from seed 0, constant rate, no momentum, no penalty, no early stopping. The seed article's
/// configuration is ``seedArticle``.
public struct GradientDescent: Equatable, Sendable {
    /// Rows per step: ``BatchSize/full`` (batch descent), 1 (stochastic) or a mini-batch size.
    public var batchSize: BatchSize
    /// Maximum number of passes over the training rows.
    public var epochs: Int
    /// The initial step size η₀.
    public var learningRate: Double
    /// How a batch's per-sample gradients combine: ``Reduction/mean`` or ``Reduction/sum``.
    public var reduction: Reduction
    /// Standardize features (fit on the training rows) and descend in standardized units; the
    /// fitted model reports coefficients in original units. X is never copied for this.
    public var standardize: Bool
    /// Row order of each epoch.
    public var shuffle: Shuffle
    /// Learning-rate decay over epochs.
    public var schedule: LearningRateSchedule
    /// Momentum, if any.
    public var momentum: Momentum
    /// L2 (ridge) penalty λ: adds λ/2·‖W‖² to the reduced cost. Never applied to the
    /// intercept; applied in standardized units when ``standardize`` is on.
    public var l2Penalty: Double
    /// Stop early when the monitored cost stops improving.
    public var earlyStopping: EarlyStopping?
    /// Start from the model's current parameters instead of zero.
    public var warmStart: Bool
    /// Record the cost of every batch in ``History/batchCosts`` (one Double per batch; a fit
    /// that would record more than 2²⁷ of them, 1 GiB, is refused: turn this off for it).
    public var recordsBatchCosts: Bool
    /// Stop with ``TrainingError/diverged(epoch:batch:cost:learningRate:)`` once an epoch's
    /// cost exceeds this multiple of the starting cost.
    public var divergenceFactor: Double
    /// How each batch's residual and gradient are computed (the result is the same to rounding).
    public var kernel: Kernel

    public init(batchSize: BatchSize = 32, epochs: Int = 100, learningRate: Double = 0.01, reduction: Reduction = .mean,
                standardize: Bool = false, shuffle: Shuffle = .everyEpoch(seed: 0), schedule: LearningRateSchedule = .constant,
                momentum: Momentum = .none, l2Penalty: Double = 0, earlyStopping: EarlyStopping? = nil, warmStart: Bool = false,
                recordsBatchCosts: Bool = true, divergenceFactor: Double = 1e10, kernel: Kernel = .automatic) {
        self.batchSize = batchSize
        self.epochs = epochs
        self.learningRate = learningRate
        self.reduction = reduction
        self.standardize = standardize
        self.shuffle = shuffle
        self.schedule = schedule
        self.momentum = momentum
        self.l2Penalty = l2Penalty
        self.earlyStopping = earlyStopping
        self.warmStart = warmStart
        self.recordsBatchCosts = recordsBatchCosts
        self.divergenceFactor = divergenceFactor
        self.kernel = kernel
    }

    /// The seed article's configuration: summed gradient, no shuffling, learning rate 0.001,
    /// batches of 32, 3 epochs. It does not converge on the article's data.
    public static let seedArticle = GradientDescent(batchSize: 32, epochs: 3, learningRate: 0.001, reduction: .sum, shuffle: .none)

    /// Checks the batch size against the training set size `rows`.
    /// - Throws: ``TrainingError/invalidArgument(argument:value:requirement:)`` naming `batchSize`.
    func validateBatchSize(rows: Int) throws {
        if case let .rows(size) = batchSize {
            guard size >= 1 else {
                throw TrainingError.invalidArgument(argument: "batchSize", value: "\(size)", requirement: "must be at least 1")
            }
            guard size <= rows else {
                throw TrainingError.invalidArgument(argument: "batchSize", value: "\(size)",
                                                    requirement: "must not exceed the \(rows) training rows (use .full for batch gradient descent)")
            }
        }
    }

    /// Checks every value that does not depend on the data.
    /// - Throws: ``TrainingError/invalidArgument(argument:value:requirement:)`` naming the property,
    ///   or ``DataError/invalidFraction(argument:value:)`` for the validation fraction.
    func validate() throws {
        guard epochs >= 1 else { throw TrainingError.invalidArgument(argument: "epochs", value: "\(epochs)", requirement: "must be at least 1") }
        if case let .blocks(_, rows) = shuffle, rows < 1 {
            throw TrainingError.invalidArgument(argument: "shuffle.rows", value: "\(rows)", requirement: "blocks must hold at least 1 row")
        }
        guard learningRate.isFinite, learningRate > 0 else {
            throw TrainingError.invalidArgument(argument: "learningRate", value: "\(learningRate)", requirement: "must be a positive number")
        }
        try schedule.validate()
        try momentum.validate()
        guard l2Penalty.isFinite, l2Penalty >= 0 else {
            throw TrainingError.invalidArgument(argument: "l2Penalty", value: "\(l2Penalty)", requirement: "must be zero or positive")
        }
        guard divergenceFactor.isFinite, divergenceFactor > 1 else {
            throw TrainingError.invalidArgument(argument: "divergenceFactor", value: "\(divergenceFactor)", requirement: "must be a number above 1")
        }
        try earlyStopping?.validate()
    }
}

/// The arithmetic of one batch.
public enum Kernel: String, Equatable, Sendable, CaseIterable {
    /// The fused kernel for one output with a single feature, with 8 or more features (four
    /// SIMD lanes at a time), or in batches of at most ``fusedBatchLimit`` rows; else BLAS.
    /// Where each measured faster (2026-11-29, rows in order, % of a read pass over X): 1M×32
    /// 54–69 % fused against 46–66 % BLAS at batches of 8 to 2048; 100k×64 47–60 % against
    /// 23–36 %; one feature about 2× BLAS at every batch size; BLAS ahead for 2 to 7 features in
    /// batches of more than 8 rows.
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
}

/// Heavy-ball momentum: v ← μ·v + g, then θ ← θ − η·v; with Nesterov's correction the step is
/// θ ← θ − η·(g + μ·v) (the form used by PyTorch and Keras).
public enum Momentum: Equatable, Sendable {
    case none
    case classical(Double)
    case nesterov(Double)

    var coefficient: Double {
        switch self {
        case .none: return 0
        case let .classical(mu), let .nesterov(mu): return mu
        }
    }

    var isNesterov: Bool { if case .nesterov = self { true } else { false } }

    func validate() throws {
        let mu = coefficient
        guard mu.isFinite, mu >= 0, mu < 1 else {
            throw TrainingError.invalidArgument(argument: "momentum", value: "\(mu)", requirement: "must lie in [0, 1)")
        }
    }
}

/// Stop when the monitored cost has not improved for `patience` epochs in a row.
///
/// An epoch improves when its cost is below `best − tolerance·max(best, tiny)`: the tolerance
/// is relative, so it means the same whatever the units of the targets.
public struct EarlyStopping: Equatable, Sendable {
    /// Relative improvement that counts.
    public var tolerance: Double
    /// Epochs without improvement before stopping.
    public var patience: Int
    /// Fraction of the training rows held out to monitor (`nil` monitors the training cost).
    /// The held-out rows are drawn by the shuffle seed when shuffling, else they are the last rows.
    public var validationFraction: Double?

    public init(tolerance: Double = 1e-6, patience: Int = 5, validationFraction: Double? = nil) {
        self.tolerance = tolerance
        self.patience = patience
        self.validationFraction = validationFraction
    }

    func validate() throws {
        guard tolerance.isFinite, tolerance >= 0 else {
            throw TrainingError.invalidArgument(argument: "earlyStopping.tolerance", value: "\(tolerance)", requirement: "must be zero or positive")
        }
        guard patience >= 1 else {
            throw TrainingError.invalidArgument(argument: "earlyStopping.patience", value: "\(patience)", requirement: "must be at least 1")
        }
        if let fraction = validationFraction, !(fraction > 0 && fraction < 1) {
            throw DataError.invalidFraction(argument: "earlyStopping.validationFraction", value: fraction)
        }
    }
}
