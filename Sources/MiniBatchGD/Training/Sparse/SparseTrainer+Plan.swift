extension SparseTrainer {
    /// What a sparse fit decides before its first update.
    struct Plan {
        let notes: [String]
        let batchRows: Int
        let batches: Batches
        /// The columns' scales in descent coordinates (their deviations, or 1).
        let scale: [Double]
        let standardizer: Standardizer?
        /// λ of the L2 penalty (an elastic net's L2 part) in mean-cost units.
        let penalty: Double
        /// A·R of an elastic net's L1 part in mean-cost units (0: none), and its lazy step.
        let l1: Double
        let softThreshold: LazySoftThreshold?
        /// ω, the rows' weights in the cost (nil: unweighted).
        let costWeights: [Double]?
        let certificate: Certificate?
        let choice: LearningRateChoice
        let epochs: Int
    }

    /// Batch size, scales, curvature, certificate, step size and epoch budget for `train`
    /// (this rank's share of `ranks`' rows, when spread over ranks: every sum is over all of them).
    func plan<Element: BLASScalar>(_ train: SparseDataset<Element>, ranks: SparseRanks<Element>? = nil) throws -> Plan {
        let config = configuration
        let n = ranks?.rows ?? train.rows, p = train.featureCount, k = train.outputCount
        var notes: [String] = []
        let batchRows = Trainer.batchRows(config, rows: n, notes: &notes)
        let batches = Batches(rowCount: n, size: batchRows)
        // The columns' standard deviations (weighted), never their means: centring fills the zeros.
        let deviations = ranks?.deviations() ?? SparseDesign(train, fitIntercept: true, ridge: 0, penaltyUnits: .original).deviations
        let scale = config.standardize ? deviations : [Double](repeating: 1, count: p)
        let standardizer = config.standardize ? Standardizer(mean: [Double](repeating: 0, count: p), scale: scale) : nil
        if config.standardize {
            notes.append("sparse rows are standardized by scale only, not centred (as scikit-learn's StandardScaler(with_mean=False))")
        }
        // An elastic net: its L2 part the scale's shrink, its L1 part thresholds (nil: L2 or none).
        let elasticNet = config.penaltyChoice.other as? ElasticNetPenalty
        let penaltyScale = config.reduction == .mean ? 1 : 1 / Double(n)
        let l2 = elasticNet.map { $0.alpha * (1 - $0.l1Ratio) } ?? config.l2Penalty
        let penalty = l2 * penaltyScale
        let l1 = elasticNet.map { $0.alpha * $0.l1Ratio * penaltyScale } ?? 0
        let softThreshold = elasticNet.map {
            LazySoftThreshold(
                features: p, outputs: k, factors: Self.thresholdFactors($0, scale: scale, standardized: config.standardize),
                cumulative: $0.l1Method == .cumulative,
                adaptiveEpsilon: config.optimizer.lazyThresholdEpsilon)
        }
        let costWeights = Trainer.costWeights(ranks?.weights ?? train.weights, rows: n, reduction: config.reduction)
        let certificateTolerance = config.earlyStopping?.parameterTolerance ?? 0
        let needsCurvature = config.learningRate == .automatic || config.epochs == nil || certificateTolerance > 0
        // Another loss's curvature is at most its ℓ'' bound times least squares' (the rows
        // weighed by it, as the dense plan's); its certified stop would need its own gradient pass.
        let residualMap = SparseResidualMap(config.loss)
        let lossBound = residualMap.isSquared ? 1 : config.loss.curvature.upperBound
        let curvatureWeights = lossBound == 1 ? costWeights : (costWeights ?? [Double](repeating: 1, count: n)).map { $0 * lossBound }
        let curvature =
            needsCurvature
            ? try SparseCurvature.measure(
                train, scale: scale, fitIntercept: fitIntercept, penalty: penalty, rowWeights: curvatureWeights, fold: ranks?.fold)
            : nil
        if certificateTolerance > 0, !residualMap.isSquared {
            notes.append("no certified stop: on sparse rows it is computed for the squared loss only; the fit stops on the cost's plateau")
        }
        // The L1 penalty (its L2 part credited to every direction alike: an elastic net in the
        // data's units on standardized rows is refused) as the dense trainer's.
        let certifiedMu = curvature?.certifiedStrongConvexity(
            penalty: elasticNet?.inDescentCoordinates(scales: config.standardize ? scale : nil, outputs: k),
            penaltyScale: penaltyScale, fullBatchWithoutAverage: batches.count == 1 && config.averaging != .fromStart,
            certifying: certificateTolerance > 0 && residualMap.isSquared, notes: &notes)
        let certificate = certifiedMu.flatMap { mu in
            certificateTolerance > 0 && residualMap.isSquared
                ? Certificate(
                    tolerance: certificateTolerance, mu: mu, features: p, outputs: k, fitIntercept: fitIntercept,
                    standardizer: Standardizer(mean: [Double](repeating: 0, count: p), scale: scale)) : nil
        }
        if certificateTolerance > 0, residualMap.isSquared, curvature?.strongConvexity == nil {
            notes.append(
                "no certified stop: μ, the smallest curvature, is computed for up to \(Curvature.exactLimit) features (this design has \(p)); the fit stops on the cost's plateau"
            )
        }
        // Only the adaptive rules' automatic rate, and a loss with kinks', are set in the target's units.
        let subgradient = !residualMap.isSquared && !config.loss.isSmooth
        let spreads =
            config.learningRate == .automatic && (config.optimizer.isAdaptive || subgradient)
            ? Self.spreads(
                targets: ranks?.targets ?? train.targets.elements, outputs: k, weights: ranks?.weights ?? train.weights,
                deviations: deviations,
                standardized: config.standardize) : (target: 1.0, coordinates: 1.0)
        var choice = LearningRateChoice(
            config, curvature: curvature, rows: n, batchRows: batchRows, batchesPerEpoch: batches.count, targetSpread: spreads.target,
            coordinateSpread: spreads.coordinates,
            tolerance: certificateTolerance > 0 ? certificateTolerance : EarlyStopping().parameterTolerance!,
            penalty: config.l2Penalty * penaltyScale)
        if subgradient, config.learningRate == .automatic, !config.optimizer.isAdaptive {
            choice = choice.subgradientRate(targetSpread: spreads.target)
        }
        let epochs =
            config.epochs ?? Trainer.automaticBudget(predicted: choice.predictedEpochs, rows: n, adaptive: config.optimizer.isAdaptive)
        return Plan(
            notes: notes, batchRows: batchRows, batches: batches, scale: scale, standardizer: standardizer, penalty: penalty, l1: l1,
            softThreshold: softThreshold,
            costWeights: costWeights, certificate: certificate, choice: choice, epochs: epochs)
    }

    /// fⱼ, the threshold's factor on βⱼ = θⱼ/sⱼ: the penalty's own factor dⱼ on θⱼ (1/sⱼ in the
    /// data's units, 1 in standardized ones) over sⱼ; nil unstandardized (every fⱼ is 1).
    static func thresholdFactors(_ penalty: ElasticNetPenalty, scale: [Double], standardized: Bool) -> [Double]? {
        guard standardized else { return nil }
        return scale.map { penalty.penaltyUnits == .original ? 1 / ($0 * $0) : 1 / $0 }
    }

    /// The root-mean-square (weighted) standard deviation of the targets, and of the descent
    /// coordinates: 1 when standardized, else the columns' deviations' (as the dense plan's).
    static func spreads<Element: BLASScalar>(
        targets: [Element], outputs k: Int, weights: [Double]?, deviations: [Double], standardized: Bool
    ) -> (target: Double, coordinates: Double) {
        let n = targets.count / Swift.max(k, 1)
        let target = Standardizer(
            fitting: Matrix(uncheckedRows: n, columns: k, elements: targets.map(Double.init)), weights: weights
        ).scale
        let targetSpread = (target.reduce(0) { $0 + $1 * $1 } / Double(Swift.max(k, 1))).squareRoot()
        guard !standardized else { return (targetSpread, 1) }
        return (targetSpread, (deviations.reduce(0) { $0 + $1 * $1 } / Double(Swift.max(deviations.count, 1))).squareRoot())
    }
}
