extension Trainer {
    /// What a fit decides before its first update.
    struct Plan {
        let notes: [String]
        let batchRows: Int
        /// The batches over every rank's rows (sizes, count).
        let batches: Batches
        /// This process's share of each batch: ``batches`` itself when the rows are all here.
        let localBatches: Batches
        let standardizer: Standardizer?
        /// The training rows' moments with the fit's row weights w (one pass shared by the
        /// curvature and a closed form that follows), or nil where p is too large for a p×p Gram
        /// matrix or nothing needs them.
        let moments: Moments?
        /// ω, the weights of the training rows in the cost (nil: unweighted).
        let costWeights: [Double]?
        /// λ of the L2 penalty in mean-cost units.
        let penalty: Double
        /// The factor that puts a penalty in mean-cost units (1 under the mean reduction, 1/n under the sum).
        let penaltyScale: Double
        /// A penalty other than L2, as it applies to the descent's coordinates (``Penalty/inDescentCoordinates(scales:outputs:)``).
        let otherPenalty: (any Penalty)?
        let curvature: Curvature?
        let choice: LearningRateChoice
        let epochs: Int
        let certificateTolerance: Double
        /// μ for the certified stop (``Curvature/certifiedStrongConvexity(penalty:penaltyScale:fullBatchWithoutAverage:certifying:notes:)``), nil where none holds.
        let certifiedMu: Double?
    }

    /// Batch size, standardization, curvature, step size and epoch budget for `train` (whose rows
    /// weigh `weights`).
    func plan<Element: BLASScalar>(_ train: Rows<Element>, weights: [Double]?) throws -> Plan {
        let config = configuration
        let n = train.totalCount
        var notes: [String] = []
        let batchRows = Self.batchRows(config, rows: n, notes: &notes)
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
        let certificateTolerance = config.earlyStopping?.parameterTolerance ?? 0
        let needsCurvature = config.learningRate == .automatic || config.epochs == nil || certificateTolerance > 0
        let threads = config.threads ?? (train.sharing == nil ? Cores.available : 1)
        // Its own two passes, O(n·p), rather than from the moments: Chan's merged sums round
        // differently, and the descent (and every digit the tool prints of it) would move.
        let standardizer = config.standardize ? Standardizer.forDescent(train, weights: weights, fitIntercept: fitIntercept) : nil
        // λ in the units of the mean cost: the summed reduction spreads λ over an epoch's n rows.
        let penaltyScale = config.reduction == .mean ? 1 : 1 / Double(n)
        let penalty = config.reduction == .mean ? config.l2Penalty : config.l2Penalty / Double(n)
        // Another penalty, on the coordinates descended in; its curvature joins the coefficients' (in the same units).
        let otherPenalty = config.penaltyChoice.other?.inDescentCoordinates(scales: standardizer?.scale, outputs: train.outputCount)
        let otherCurvature = (otherPenalty?.curvature ?? 0) * penaltyScale
        let total = weights.map { train.sum($0.reduce(0, +)) }
        let costWeights = Self.costWeights(weights, rows: n, total: total, reduction: config.reduction)
        // One pass of row statistics for the curvature and the closed form a comparison solves
        // next, where a p×p Gram matrix is cheap enough: weighted as the cost weighs the rows
        // (ω = c·w), the closed form's moments (with w) scaled from them.
        let moments =
            train.featureCount <= Curvature.exactLimit && (needsCurvature || keepsMoments)
            ? Moments(
                train, weights: costWeights,
                pool: WorkerPool(
                    threads: train.count > Moments.chunkRows(features: train.featureCount, outputs: train.outputCount) ? threads : 1))
            : nil
        let curvature =
            needsCurvature
            ? try Curvature(
                train, standardizer: standardizer, fitIntercept: fitIntercept, penalty: penalty + otherCurvature, rowWeights: costWeights,
                moments: moments, loss: config.lossChoice.isSquared ? nil : config.loss.curvature,
                threads: threads) : nil
        // Only the adaptive rules' automatic rate, and a loss with kinks', are set in the target's units.
        let subgradient = !config.lossChoice.isSquared && !config.loss.isSmooth
        let spreads =
            config.learningRate == .automatic && (config.optimizer.isAdaptive || subgradient)
            ? Self.spreads(train, weights: weights, standardizer: standardizer) : (target: 1.0, coordinates: 1.0)
        let predictionTolerance = certificateTolerance > 0 ? certificateTolerance : EarlyStopping().parameterTolerance!
        var choice = LearningRateChoice(
            config, curvature: curvature, rows: n, batchRows: batchRows, batchesPerEpoch: batches.count,
            targetSpread: spreads.target, coordinateSpread: spreads.coordinates, tolerance: predictionTolerance,
            consecutiveBatches: consecutiveBatches, penalty: penalty)
        if subgradient, config.learningRate == .automatic, !config.optimizer.isAdaptive {
            choice = choice.subgradientRate(targetSpread: spreads.target)
        }
        if consecutiveBatches {
            notes.append(
                "the automatic rate diverged on batches of consecutive rows (is the file sorted by a column?): restarted at a rate safe for any batch, set by the largest row's curvature; shuffling the file's rows once (or a CSV, shuffled row by row) would allow a faster one"
            )
        }
        let epochs =
            config.epochs ?? Self.automaticBudget(predicted: choice.predictedEpochs, rows: n, adaptive: config.optimizer.isAdaptive)
        let certifiedMu = curvature?.certifiedStrongConvexity(
            penalty: otherPenalty, penaltyScale: penaltyScale,
            fullBatchWithoutAverage: batches.count == 1 && config.averaging != .fromStart,
            certifying: certificateTolerance > 0, notes: &notes)
        return Plan(
            notes: notes, batchRows: batchRows, batches: batches, localBatches: localBatches, standardizer: standardizer,
            moments: moments?.scaled(by: 1 / Self.costWeightFactor(weights, rows: n, total: total, reduction: config.reduction)),
            costWeights: costWeights, penalty: penalty, penaltyScale: penaltyScale, otherPenalty: otherPenalty,
            curvature: curvature, choice: choice, epochs: epochs, certificateTolerance: certificateTolerance, certifiedMu: certifiedMu)
    }

    /// The learning rate a fit of `train` would start with.
    func plannedRate<Element: BLASScalar>(_ train: Dataset<Element>) throws -> Double {
        try BLASThreads.singleThreaded { try train.withRows { try plan($0, weights: train.weights).choice.learningRate } }
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
        let target = Standardizer(fitting: data, targets: true, weights: weights).scale
        let targetSpread = (target.reduce(0) { $0 + $1 * $1 } / Double(Swift.max(target.count, 1))).squareRoot()
        guard standardizer == nil else { return (targetSpread, 1) }
        let features = Standardizer(fitting: data, weights: weights).scale
        return (targetSpread, (features.reduce(0) { $0 + $1 * $1 } / Double(Swift.max(features.count, 1))).squareRoot())
    }
}
