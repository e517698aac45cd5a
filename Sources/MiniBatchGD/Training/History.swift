/// What happened during a gradient-descent fit.
public struct History: Equatable, Sendable {
    /// The reduced cost of each batch, in order, measured on that batch's residual before its
    /// update (the residual the gradient is built from, so recording it costs nothing).
    /// Empty when ``GradientDescent/recordsBatchCosts`` is off.
    public internal(set) var batchCosts: [Double] = []
    /// The reduced cost over all training rows at the end of each epoch (without the penalty).
    public internal(set) var epochCosts: [Double] = []
    /// The reduced cost over the held-out rows at the end of each epoch, when monitored.
    public internal(set) var validationCosts: [Double] = []
    /// The learning rate used in each epoch.
    public internal(set) var learningRates: [Double] = []
    /// Epochs completed.
    public var epochsRun: Int { epochCosts.count }
    /// Why training stopped.
    public internal(set) var stopReason: StopReason = .maximumEpochs
}

/// Why a fit ended without error.
public enum StopReason: String, Equatable, Sendable {
    /// All configured epochs ran.
    case maximumEpochs
    /// The training cost stopped improving (early stopping on training cost).
    case trainingCostConverged
    /// The held-out cost stopped improving (early stopping on validation).
    case validationCostConverged
}

/// The outcome of ``LinearRegression/fit(_:using:progress:)``.
public struct TrainingRun: Sendable {
    /// Costs and stopping.
    public let history: History
    /// The configuration used.
    public let configuration: GradientDescent
    /// Rows trained on (fewer than given when a validation fraction was held out).
    public let trainingRows: Int
    /// Batches in each epoch.
    public let batchesPerEpoch: Int
}

/// What the trainer reports after each epoch, for progress displays.
public struct EpochReport: Sendable {
    /// The epoch just finished (1-based).
    public let epoch: Int
    /// The configured maximum.
    public let epochs: Int
    /// Training cost at the end of the epoch.
    public let cost: Double
    /// Held-out cost, when monitored.
    public let validationCost: Double?
    /// The epoch's learning rate.
    public let learningRate: Double
    /// Seconds spent in the epoch's batch updates (the epoch's cost evaluation excluded).
    public let trainingSeconds: Double
    /// Training rows per second through the batch updates.
    public var samplesPerSecond: Double { trainingSeconds > 0 ? Double(rows) / trainingSeconds : .infinity }
    /// Training rows per epoch.
    public let rows: Int
}
