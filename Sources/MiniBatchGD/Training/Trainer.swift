/// A gradient-descent fit, in four parts: the plan (`Trainer+Plan.swift`: batch size,
/// standardization, curvature, step size, epoch budget), the run that sets up the buffers and
/// the update rule (`Trainer+Run.swift`), the ``EpochLoop`` with its ``StopPolicy``, and the
/// ``BatchStep`` (per update, the batch order hands rows to the ``BatchGradient``, the schedule
/// gives the rate and the ``UpdateRule`` moves the parameters).
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
    /// Batches are runs of consecutive rows that may not resemble the whole (a file sorted by a
    /// feature, read in blocks): the automatic rate bounds every batch's curvature by the
    /// largest row's, instead of expecting random batches.
    var consecutiveBatches = false
    /// A closed form of the same rows follows (``LinearRegression/fitAndCompare(_:using:method:progress:)``):
    /// the plan computes the rows' moments for it (``Outcome/moments``) even where the descent
    /// alone would not need them.
    var keepsMoments = false

    struct Outcome {
        var parameters: Parameters
        var standardizer: Standardizer?
        var run: TrainingRun
        /// What the gap checks saw, with a gap target.
        var gap: GapProgress?
        /// The training rows' moments with the fit's row weights, when the plan computed them.
        var moments: Moments?
    }

    /// Fits `train` (monitoring `validation` when given), starting from `start` (original
    /// units) or from zero. Rows of weight 0 are left out of both.
    func fit<Element: BLASScalar>(_ train: Dataset<Element>, validation: Dataset<Element>?, start: Parameters?) throws -> Outcome {
        for data in [train] + (validation.map { [$0] } ?? []) {
            if let weights = data.weights { try validateRowWeights(weights, rows: data.rows) }
        }
        return try fitRows(try train.droppingZeroWeightRows(), validation: try validation?.droppingZeroWeightRows(), start: start)
    }

    /// Fits rows read as they are given (monitoring `validation`'s rows when given): a mapped
    /// file, this rank's share of rows spread over processes (every rank calling it together and
    /// ending with the same parameters, see ``Communicator``), or a caller's own source.
    func fit<Source: RowSource>(_ train: Source, validation: Source?, start: Parameters?) throws -> Outcome {
        do {
            return try fitRows(train, validation: validation, start: start)
        } catch let error as TrainingError {
            guard case .diverged = error else { throw error }
            // Checked finite when mapped: a NaN now was written into the file since.
            try (train as? any InPlaceRows)?.checkUnchanged()
            try (validation as? any InPlaceRows)?.checkUnchanged()
            // The automatic rate expects batches like random draws; the rows' blocks read in
            // order can be far steeper (a file sorted by a feature): once more, safe for any batch.
            let config = configuration
            guard !consecutiveBatches, config.learningRate == .automatic, !config.optimizer.isAdaptive,
                config.batchSize.resolved(for: train.rows) < train.rows
            else { throw error }
            var safer = self
            safer.consecutiveBatches = true
            return try safer.fitRows(train, validation: validation, start: start)
        }
    }

    // Every descent passes here, whatever its source: made for the library's six, so that the
    // whole fit below is specialized as one (a fit of 1M×32 rows ran 5 % slower with only the
    // Rows-level functions made: measured in the README).
    @_specialize(where Source == Dataset<Double>)
    @_specialize(where Source == Dataset<Float>)
    @_specialize(where Source == MappedDataset<Double>)
    @_specialize(where Source == MappedDataset<Float>)
    @_specialize(where Source == DistributedDataset<Double>)
    @_specialize(where Source == DistributedDataset<Float>)
    private func fitRows<Source: RowSource>(_ train: Source, validation: Source?, start: Parameters?) throws -> Outcome {
        let config = configuration
        try config.validate()
        // The closed form checked against it penalizes λ·Σw (mean reduction): that must be a number.
        if config.reduction == .mean, config.l2Penalty > 0, !(config.l2Penalty * train.totalWeight).isFinite {
            throw ArgumentError(
                argument: "l2Penalty", value: "\(config.l2Penalty)",
                requirement:
                    "must be smaller: times the rows' total weight (\(train.totalWeight)) it overflows Double (every coefficient would be 0)"
            )
        }
        let sources = [train] + (validation.map { [$0] } ?? [])
        for data in sources {
            try data.withRows { rows in
                try rows.checkShape(of: data)
                // This process's rows are what BLAS indexes; every rank must agree they fit.
                try rows.agreeing { try BLAS.checkDimensions("gradient descent", rows.count, data.featureCount, data.outputCount) }
                try rows.checkRepresentableScale(featureNames: data.featureNames, targetNames: data.targetNames, weights: data.weights)
            }
        }
        return try BLASThreads.singleThreaded {
            try train.withRows { trainRows in
                guard gapTarget == nil || trainRows.sharing == nil else {
                    throw ArgumentError(
                        argument: "gapTarget", value: "set", requirement: "is not available for rows spread over processes")
                }
                if config.checkpointing != nil, gapTarget != nil {
                    throw ArgumentError(argument: "checkpointing", value: "set", requirement: "is not available for the batch-size sweep")
                }
                return try withOptionalRows(validation) { validationRows in
                    try fitSingleThreaded(
                        trainRows, weights: train.weights, validation: validationRows, validationWeights: validation?.weights, start: start)
                }
            }
        }
    }

    /// The rows of a batch of `configuration`'s size over `n` rows (all of them when the size is
    /// larger, said in `notes`).
    static func batchRows(_ configuration: GradientDescent, rows n: Int, notes: inout [String]) -> Int {
        let batchRows = configuration.batchSize.resolved(for: n)
        guard batchRows > n else { return batchRows }
        notes.append("batch size \(batchRows) exceeds the \(n) training rows: all rows form one batch (full-batch descent)")
        return n
    }

    /// Refuses a record of batch costs that could not fit (one Double per batch), rather than
    /// die allocating it.
    static func checkBatchCostRecord(epochs: Int, batches: Int) throws {
        let (entries, overflow) = epochs.multipliedReportingOverflow(by: batches)
        guard !overflow, entries <= maximumBatchCosts else {
            throw ArgumentError(
                argument: "recordsBatchCosts", value: "true",
                requirement:
                    "\(epochs) epochs of \(batches) batches would record more than \(maximumBatchCosts) batch costs (1 GiB); turn it off or train fewer epochs"
            )
        }
    }

    /// The most runs of contiguous rows a block-shuffled batch of at most `batchRows` rows can
    /// span (it may start and end inside a block, and hold the short last block); 0 without
    /// block shuffling.
    static func runLimit(_ shuffle: Shuffle, rows: Int, batchRows: Int) -> Int {
        guard case let .blocks(_, size) = shuffle else { return 0 }
        return batchRows / Swift.max(1, Swift.min(size, rows)) + 3
    }

    /// The weights ωᵢ the cost ½Σωᵢ‖rᵢ‖² (times the reduction's scale) gives each of `rows` rows:
    /// under the mean reduction wᵢ·n/Σw, so that the mean cost is ½Σwᵢ‖rᵢ‖²/Σw, the mean over
    /// rows counted w times; under the sum, wᵢ itself. Nil for unweighted rows.
    /// With rows spread over processes, `rows` and `total` (Σw) count every rank's.
    static func costWeights(_ weights: [Double]?, rows: Int, total: Double? = nil, reduction: Reduction) -> [Double]? {
        guard let weights else { return nil }
        guard reduction == .mean else { return weights }
        let factor = costWeightFactor(weights, rows: rows, total: total, reduction: reduction)
        return weights.map { $0 * factor }
    }

    /// c in ωᵢ = c·wᵢ (``costWeights(_:rows:total:reduction:)``): n/Σw under the mean reduction, else 1.
    static func costWeightFactor(_ weights: [Double]?, rows: Int, total: Double? = nil, reduction: Reduction) -> Double {
        guard let weights, reduction == .mean else { return 1 }
        return Double(rows) / (total ?? weights.reduce(0, +))
    }
}
