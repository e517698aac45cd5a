/// What happened during a gradient-descent fit.
public struct History: Equatable, Sendable {
    /// The reduced cost of each batch, in order, measured on that batch's residual before its
    /// update (the residual the gradient is built from, so recording it costs nothing).
    /// Empty when ``GradientDescent/recordsBatchCosts`` is off.
    public internal(set) var batchCosts: [Double] = []
    /// The reduced cost over all training rows at the end of each epoch (without the penalty);
    /// with ``EpochCost/running``, each epoch's running cost instead (its batches' costs before
    /// their updates, weighted by their rows).
    public internal(set) var epochCosts: [Double] = []
    /// With ``EpochCost/running``, the reduced cost over all training rows at the parameters
    /// reported, computed once when the fit ends (nil with ``EpochCost/full``, whose last epoch
    /// cost is that cost).
    public internal(set) var finalCost: Double?
    /// The reduced cost over the held-out rows at the end of each epoch, when monitored.
    public internal(set) var validationCosts: [Double] = []
    /// The learning rate of each epoch's first update.
    public internal(set) var learningRates: [Double] = []
    /// The epoch (1-based) whose end started Polyak–Ruppert averaging, if it started.
    public internal(set) var averagingStartEpoch: Int?
    /// The epochs (1-based) whose end halved the rate and restarted the average from itself:
    /// each time the average of a constant-rate fit stopped improving before it was certified
    /// (or reached the gap), the offset a constant rate leaves behind being what remained.
    public internal(set) var rateHalvingEpochs: [Int] = []
    /// The certified bound ‖∇J(θ)‖/(μ·‖θ‖) on the relative distance to the optimum after each
    /// epoch, when early stopping certifies (empty otherwise).
    public internal(set) var certifiedDistances: [Double] = []
    /// Epochs completed.
    public var epochsRun: Int { epochCosts.count }
    /// Why training stopped.
    public internal(set) var stopReason: StopReason = .maximumEpochs

    func saveState(to archive: inout CheckpointArchive) {
        archive.set("history.batchCosts", batchCosts)
        archive.set("history.epochCosts", epochCosts)
        archive.set("history.validationCosts", validationCosts)
        archive.set("history.learningRates", learningRates)
        archive.set("history.certifiedDistances", certifiedDistances)
        archive.set("history.rateHalvingEpochs", integers: rateHalvingEpochs)
        archive.set("history.averagingStartEpoch", averagingStartEpoch ?? -1)
    }

    mutating func restoreState(from archive: CheckpointArchive) throws {
        batchCosts = try archive.doubles("history.batchCosts")
        epochCosts = try archive.doubles("history.epochCosts")
        validationCosts = try archive.doubles("history.validationCosts")
        learningRates = try archive.doubles("history.learningRates")
        certifiedDistances = try archive.doubles("history.certifiedDistances")
        rateHalvingEpochs = try archive.integers("history.rateHalvingEpochs")
        let start = try archive.integer("history.averagingStartEpoch")
        averagingStartEpoch = start < 0 ? nil : start
    }
}

/// Why a fit ended without error.
public enum StopReason: String, Equatable, Sendable {
    /// All configured epochs ran.
    case maximumEpochs
    /// The parameters were certified within ``EarlyStopping/parameterTolerance`` of the optimum.
    case parametersCertified
    /// The training cost stopped improving (early stopping on training cost).
    case trainingCostConverged
    /// The held-out cost stopped improving (early stopping on validation).
    case validationCostConverged
    /// The cost came within the requested gap of the optimum (``BatchSizeSweep/toGap(_:batchSizes:configuration:gap:maxEpochs:fitIntercept:tune:progress:)-(Dataset<Double>,_,_,_,_,_,_,_)``, and its sparse twin).
    case gapReached
}

/// The outcome of ``LinearRegression/fit(_:using:progress:)-(Source,_,_)``.
public struct TrainingRun: Sendable {
    /// Costs and stopping.
    public let history: History
    /// The configuration used.
    public let configuration: GradientDescent
    /// Rows trained on (fewer than given when a validation fraction was held out).
    public let trainingRows: Int
    /// Batches in each epoch.
    public let batchesPerEpoch: Int
    /// Rows per batch (the training rows for a full batch, or a batch size larger than them).
    public let batchRows: Int
    /// The epoch budget: the configured one, or the one chosen from the prediction.
    public let epochBudget: Int
    /// The step size used and how it was chosen.
    public let learningRateChoice: LearningRateChoice
    /// Things the caller should know that are not errors (e.g. a batch size larger than the data).
    public internal(set) var notes: [String]
}

/// What the trainer reports after each epoch, for progress displays.
public struct EpochReport: Sendable {
    /// The epoch just finished (1-based).
    public let epoch: Int
    /// The configured maximum.
    public let epochs: Int
    /// Training cost at the end of the epoch (its running cost with ``EpochCost/running``).
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
