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
    /// Batches are runs of consecutive rows that may not resemble the whole (a file sorted by a
    /// feature, read in blocks): the automatic rate bounds every batch's curvature by the
    /// largest row's, instead of expecting random batches.
    var consecutiveBatches = false

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
            targetSpread: spreads.target, coordinateSpread: spreads.coordinates, tolerance: predictionTolerance,
            consecutiveBatches: consecutiveBatches, penalty: penalty)
        if consecutiveBatches {
            notes.append(
                "the automatic rate diverged on batches of consecutive rows (is the file sorted by a column?): restarted at a rate safe for any batch, set by the largest row's curvature; shuffling the file's rows once (or a CSV, shuffled row by row) would allow a faster one"
            )
        }
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
            rowsOf: Element.self, readAhead: readAhead)
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
