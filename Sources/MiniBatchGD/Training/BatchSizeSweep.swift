/// Training throughput and final cost for a list of batch sizes on one data set.
///
/// Every batch size trains from zero with the same configuration; with
/// ``LearningRate/automatic`` each size gets the step size its own curvature allows. Throughput counts only the batch updates, not the per-epoch cost evaluation, and is
/// the median over the epochs, which damps the noise of a shared machine.
public enum BatchSizeSweep {
    /// One batch size's figures.
    public struct Result: Sendable {
        /// Rows per batch (the row count for ``BatchSize/full``).
        public let batchSize: Int
        /// The learning rate used (given, or chosen for this batch size).
        public let learningRate: Double
        /// Median training rows per second over the epochs.
        public let samplesPerSecond: Double
        /// Median seconds of one epoch's batch updates.
        public let secondsPerEpoch: Double
        /// Training cost after the last epoch.
        public let finalCost: Double
        /// Epochs run.
        public let epochs: Int
    }

    /// Trains once per batch size and measures it.
    /// - Parameters:
    ///   - data: the training rows.
    ///   - batchSizes: the sizes to sweep, in order.
    ///   - configuration: everything but the batch size (which each run replaces).
    ///   - fitIntercept: whether the model fits an intercept.
    /// - Throws: what ``LinearRegression/fit(_:using:progress:)-(Source,_,_)`` throws, e.g. divergence for a rate that is too large.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public static func run<Element: BLASScalar>(
        _ data: Dataset<Element>, batchSizes: [BatchSize], configuration: GradientDescent,
        fitIntercept: Bool = true
    ) throws -> [Result] {
        try batchSizes.map { size in
            try measure(size, configuration, fitIntercept: fitIntercept) { try $0.fit(data, using: $1, progress: $2) }
        }
    }

    /// Trains once per batch size on sparse rows and measures it, as
    /// ``run(_:batchSizes:configuration:fitIntercept:)-(Dataset<Element>,_,_,_)`` does on dense rows.
    ///
    /// ```swift
    /// let data = try SparseDataset<Double>.synthetic(rows: 100_000, features: 50_000, density: 0.001)
    /// let results = try BatchSizeSweep.run(data, batchSizes: [1, 32, 4096], configuration: GradientDescent(epochs: 3))
    /// for result in results { print(result.batchSize, result.samplesPerSecond) }
    /// ```
    /// - Throws: what ``LinearRegression/fit(_:using:progress:)-(SparseDataset<Element>,_,_)`` throws.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public static func run<Element: BLASScalar>(
        _ data: SparseDataset<Element>, batchSizes: [BatchSize], configuration: GradientDescent, fitIntercept: Bool = true
    ) throws -> [Result] {
        try batchSizes.map { size in
            try measure(size, configuration, fitIntercept: fitIntercept) { try $0.fit(data, using: $1, progress: $2) }
        }
    }

    /// One batch size's fit by `fit`, its epochs' training seconds collected, their median kept.
    private static func measure(
        _ size: BatchSize, _ configuration: GradientDescent, fitIntercept: Bool,
        fit: (inout LinearRegression, GradientDescent, @escaping @Sendable (EpochReport) -> Void) throws -> TrainingRun
    ) throws -> Result {
        let seconds = EpochSeconds()
        var config = configuration
        config.batchSize = size
        var model = LinearRegression(fitIntercept: fitIntercept)
        let run = try fit(&model, config) { seconds.values.append($0.trainingSeconds) }
        let median = seconds.values.sorted()[seconds.values.count / 2]
        return Result(
            batchSize: run.batchRows, learningRate: run.learningRateChoice.learningRate,
            samplesPerSecond: Double(run.trainingRows) / median,
            secondsPerEpoch: median, finalCost: run.history.epochCosts.last!, epochs: run.history.epochsRun)
    }
}

/// The epochs' training seconds, appended by a fit's progress callback (on the fitting thread).
private final class EpochSeconds: @unchecked Sendable { var values: [Double] = [] }

extension BatchSizeSweep {
    /// Trains from zero once per batch size until the cost is within `gap` (relative) of the
    /// closed-form optimum, checked at least 16 times an epoch (after every update when an
    /// epoch has fewer), and measures the gradient noise scale.
    /// - Parameters:
    ///   - data: the training rows.
    ///   - batchSizes: the sizes to compare, in the order reported; a size that comes to as many
    ///     rows as one before it (any size beyond the data is the whole data) is raced once.
    ///   - configuration: everything but the batch size and the epochs; with
    ///     ``LearningRate/automatic`` each size takes the rate its own curvature allows. Early
    ///     stopping is replaced by the gap; the plateau still starts automatic averaging.
    ///   - gap: the relative gap (J − J*)/J*, in (0, 1).
    ///   - maxEpochs: the budget of each batch size.
    ///   - fitIntercept: fit an intercept (as the model would).
    ///   - tune: search each batch size's best rate by factors of 2 from its own: upward while
    ///     the updates to the gap keep falling (at one batch size, time is updates times a fixed
    ///     cost per update; updates are the count that does not vary with the machine's load),
    ///     until a rate is slower or diverges; downward instead while the rate does not reach the
    ///     gap at all. The rate that reaches the gap in the fewest updates is kept (or the closest).
    ///   - progress: called as each batch size starts its race, with its rows, its position
    ///     (0-based) and the number of sizes raced: a long sweep can say where it is.
    /// - Throws: ``DataError/tooFewRows(argument:rows:minimum:)`` for fewer than 2 rows of nonzero
    ///   weight; ``ArgumentError`` for an empty list, a
    ///   gap outside (0, 1), a budget below 1 or an L2 penalty (the optimum is plain least
    ///   squares); what fitting and solving throw.
    public static func toGap(
        _ data: Dataset<Double>, batchSizes: [BatchSize], configuration: GradientDescent, gap: Double,
        maxEpochs: Int, fitIntercept: Bool = true, tune: Bool = false,
        progress: ((_ batchRows: Int, _ index: Int, _ count: Int) -> Void)? = nil
    ) throws -> GapSweep {
        try checkGapArguments(batchSizes: batchSizes, configuration: configuration, gap: gap, maxEpochs: maxEpochs)
        // Rows of weight 0 are left out, as the trainer leaves them out: batch sizes count the rest.
        let data = try data.droppingZeroWeightRows()
        // One row has one batch size and no gradient noise to measure.
        guard data.rows >= 2 else { throw DataError.tooFewRows(argument: "a batch-size sweep", rows: data.rows, minimum: 2) }
        let exact = try LeastSquares.solve(data, method: .auto, fitIntercept: fitIntercept)
        // The weighted mean cost ½Σwr²/Σw when weighted: what the gap checks measure.
        let optimum = try Objective.cost(data, parameters: exact.parameters, reduction: .mean)
        let races = GapRaces(
            rows: data.rows, zeroCost: zeroModelCost(data.targets.elements, weights: data.weights),
            race: { config, target in
                var trainer = Trainer(configuration: config, fitIntercept: fitIntercept)
                trainer.gapTarget = target
                let outcome = try trainer.fit(data, validation: nil, start: nil)
                return (outcome, outcome.gap!)
            },
            plannedRate: { try Trainer(configuration: $0, fitIntercept: fitIntercept).plannedRate(data) },
            noiseAtStart: {
                let standardizer = configuration.standardize ? Standardizer.forDescent(data, fitIntercept: fitIntercept) : nil
                let zeros = [Double](repeating: 0, count: data.featureCount * data.outputCount + data.outputCount)
                return GradientNoise(data, standardizer: standardizer, fitIntercept: fitIntercept, parameters: zeros).simple
            })
        return try race(
            races, batchSizes: batchSizes, configuration: configuration, gap: gap, maxEpochs: maxEpochs, optimum: optimum, tune: tune,
            progress: progress)
    }

    /// ``toGap(_:batchSizes:configuration:gap:maxEpochs:fitIntercept:tune:progress:)-(Dataset<Double>,_,_,_,_,_,_,_)``
    /// on sparse rows: the optimum is ``LSQR``'s (to 1e-12), each race the sparse descent, the
    /// noise scale measured on the sparse rows in their descent coordinates (scaled, not centred).
    ///
    /// ```swift
    /// let data = try SparseDataset<Double>.load(libsvm: "text.svm")
    /// let sweep = try BatchSizeSweep.toGap(data, batchSizes: [1, 32, 256], configuration: GradientDescent(), gap: 1e-2, maxEpochs: 200)
    /// print(sweep.criticalBatchSize)
    /// ```
    /// - Throws: as the dense sweep; what ``LSQR/solve(_:fitIntercept:ridge:penaltyUnits:tolerance:iterationLimit:start:)`` throws.
    public static func toGap(
        _ data: SparseDataset<Double>, batchSizes: [BatchSize], configuration: GradientDescent, gap: Double,
        maxEpochs: Int, fitIntercept: Bool = true, tune: Bool = false,
        progress: ((_ batchRows: Int, _ index: Int, _ count: Int) -> Void)? = nil
    ) throws -> GapSweep {
        try checkGapArguments(batchSizes: batchSizes, configuration: configuration, gap: gap, maxEpochs: maxEpochs)
        try SparseTrainer.check(configuration)
        var data = data
        if let weights = data.weights, weights.contains(0) { data = try data.gathering(weights.indices.filter { weights[$0] > 0 }) }
        guard data.rows >= 2 else { throw DataError.tooFewRows(argument: "a batch-size sweep", rows: data.rows, minimum: 2) }
        let exact = try LSQR.solve(data, fitIntercept: fitIntercept, tolerance: 1e-12)
        let weightTotal = data.weights?.reduce(0, +) ?? Double(data.rows)
        // The weighted mean cost ½Σwr²/Σw, as the gap checks measure it.
        let optimum =
            data.withView { view in
                withOptionalPointer(data.weights) { SparseState.halfSquares(view, rowWeights: $0, at: exact.parameters) }
            }
            / weightTotal
        let races = GapRaces(
            rows: data.rows, zeroCost: zeroModelCost(data.targets.elements, weights: data.weights),
            race: { config, target in
                var trainer = SparseTrainer(configuration: config, fitIntercept: fitIntercept, progress: nil)
                trainer.gapTarget = target
                let outcome = try BLASThreads.singleThreaded { try trainer.fit(data, validation: nil, start: nil) }
                return (outcome, outcome.gap!)
            },
            plannedRate: { try SparseTrainer(configuration: $0, fitIntercept: fitIntercept, progress: nil).plannedRate(data) },
            noiseAtStart: {
                let scale =
                    configuration.standardize
                    ? SparseDesign(data, fitIntercept: true, ridge: 0, penaltyUnits: .original).deviations
                    : [Double](repeating: 1, count: data.featureCount)
                let zeros = [Double](repeating: 0, count: (data.featureCount + 1) * data.outputCount)
                return data.withView { view in
                    withOptionalPointer(data.weights) {
                        GradientNoise(
                            sparse: view, features: data.featureCount, weights: $0, scale: scale, fitIntercept: fitIntercept,
                            parameters: zeros
                        ).simple
                    }
                }
            })
        return try race(
            races, batchSizes: batchSizes, configuration: configuration, gap: gap, maxEpochs: maxEpochs, optimum: optimum, tune: tune,
            progress: progress)
    }

    /// The arguments every sweep checks before any pass over the rows.
    private static func checkGapArguments(batchSizes: [BatchSize], configuration: GradientDescent, gap: Double, maxEpochs: Int) throws {
        guard !batchSizes.isEmpty else {
            throw ArgumentError(argument: "batchSizes", value: "[]", requirement: "must name at least one batch size")
        }
        guard gap > 0, gap < 1 else {
            throw ArgumentError(argument: "gap", value: "\(gap)", requirement: "must lie strictly between 0 and 1")
        }
        guard maxEpochs >= 1 else {
            throw ArgumentError(argument: "maxEpochs", value: "\(maxEpochs)", requirement: "must be at least 1")
        }
        guard configuration.l2Penalty == 0 else {
            throw ArgumentError(
                argument: "l2Penalty", value: "\(configuration.l2Penalty)",
                requirement: "must be 0: the sweep races to the least-squares optimum")
        }
        guard configuration.lossChoice.isSquared, configuration.penalty is L2Penalty else {
            throw ArgumentError(
                argument: configuration.lossChoice.isSquared ? "penalty" : "loss", value: "not the default",
                requirement: "must be the squared loss without a penalty: the sweep races to the least-squares optimum")
        }
    }

    /// ½Σwᵢ‖yᵢ‖²/Σw, the weighted mean cost of the zero model (`targets` row-major, n·k).
    private static func zeroModelCost(_ targets: [Double], weights: [Double]?) -> Double {
        guard let weights, !weights.isEmpty else { return 0.5 * targets.reduce(0) { $0 + $1 * $1 } / Double(Swift.max(targets.count, 1)) }
        let k = targets.count / weights.count
        var total = 0.0
        for i in weights.indices { for o in 0..<k { total += weights[i] * targets[i * k + o] * targets[i * k + o] } }
        return 0.5 * total / weights.reduce(0, +)
    }

    /// What racing to the gap needs of the rows, dense or sparse.
    private struct GapRaces {
        let rows: Int
        /// The mean cost of predicting zero, the scale an optimum's cost is measured against.
        let zeroCost: Double
        /// One race with a configuration; throws what the fit throws, divergence included.
        let race: (GradientDescent, GapTarget) throws -> (Trainer.Outcome, GapProgress)
        /// The rate a configuration would start with.
        let plannedRate: (GradientDescent) throws -> Double
        /// B_simple at zero parameters.
        let noiseAtStart: () -> Double
    }

    /// Every batch size raced to the gap of `optimum`, and the noise scales and model of the results.
    private static func race(
        _ races: GapRaces, batchSizes: [BatchSize], configuration: GradientDescent, gap: Double, maxEpochs: Int, optimum: Double,
        tune: Bool, progress: ((_ batchRows: Int, _ index: Int, _ count: Int) -> Void)?
    ) throws -> GapSweep {
        let rows = races.rows
        // Sizes beyond the data are all the whole data: each batch of rows is raced once.
        var seenRows = Set<Int>()
        let batchSizes = batchSizes.filter { seenRows.insert(Swift.min($0.resolved(for: rows), rows)).inserted }
        // An optimum's cost at rounding level (below 10⁻²⁰ of predicting zero) means rows fitted
        // exactly: a gap relative to it would be a ratio of rounding errors, so it is absolute.
        let optimum = optimum <= 1e-20 * races.zeroCost ? 0 : optimum
        let target = GapTarget(optimumCost: optimum, gap: gap)
        var base = configuration
        base.epochs = maxEpochs
        base.recordsBatchCosts = false
        base.earlyStopping = configuration.averaging == .automatic ? EarlyStopping(parameterTolerance: nil) : nil

        var results: [GapResult] = []
        var decades: [GapProgress.Decade] = []
        for (index, size) in batchSizes.enumerated() {
            progress?(Swift.min(size.resolved(for: rows), rows), index, batchSizes.count)
            var sized = base
            sized.batchSize = size
            let (outcome, progress, factor, trials) =
                tune
                ? try tunedRun(races, sized, target: target)
                : try run(races, sized, target: target, rethrowingDivergence: true).map {
                    ($0.0, $0.1, nil, [])
                }!
            let run = outcome.run
            // The smallest batch size checks the gap most often (its epochs have the most
            // updates): its crossings of each decade are the finest measurements of the noise.
            if size == batchSizes.min(by: { $0.resolved(for: rows) < $1.resolved(for: rows) }) { decades = progress.decades }
            let samplesSeen = progress.reached ? progress.samples : run.history.epochsRun * run.trainingRows
            results.append(
                GapResult(
                    batchSize: run.batchRows, learningRate: run.learningRateChoice.learningRate,
                    learningRateSource: configuration.learningRate == .automatic ? .automatic : .given, tunedFactor: factor,
                    tuningTrials: trials,
                    reached: progress.reached, epochsToGap: progress.reached ? progress.epochs : nil,
                    updatesToGap: progress.reached ? progress.updates : nil, samplesToGap: progress.reached ? progress.samples : nil,
                    secondsToGap: progress.reached ? progress.seconds : nil,
                    samplesPerSecond: progress.seconds > 0 ? Double(samplesSeen) / progress.seconds : .infinity,
                    bestGap: progress.bestGap, epochsRun: run.history.epochsRun))
        }
        let atStart = races.noiseAtStart()
        let along = decades.map { NoiseAtGap(gap: $0.gap, noiseScale: $0.noiseScale) }
        return GapSweep(
            gap: gap, optimumCost: optimum, results: results, noiseScaleAtStart: atStart, noiseScaleAlongTheWay: along,
            criticalBatchSize: along.last?.noiseScale ?? atStart, model: fitModel(results))
    }

    /// The largest factor of the planned rate that tuning tries.
    static let tuningRange = 1024.0

    /// One race to the gap with `configuration`; nil when it diverged (unless that is to be thrown).
    private static func run(_ races: GapRaces, _ configuration: GradientDescent, target: GapTarget, rethrowingDivergence: Bool = false)
        throws -> (Trainer.Outcome, GapProgress)?
    {
        do {
            return try races.race(configuration, target)
        } catch TrainingError.diverged where !rethrowingDivergence {
            return nil
        }
    }

    /// The factor-of-2 search of the sweeps to the gap
    /// for one batch size: the best run, its factor and every trial.
    private static func tunedRun(_ races: GapRaces, _ sized: GradientDescent, target: GapTarget) throws -> (
        Trainer.Outcome, GapProgress, Double?, [TuningTrial]
    ) {
        // Tuning scales the rate this size would get by itself.
        let planned = try races.plannedRate(sized)
        var trials: [TuningTrial] = []
        var best: (outcome: Trainer.Outcome, progress: GapProgress, factor: Double)?
        /// Runs at `factor`; true when it beat the best so far.
        func attempt(_ factor: Double) throws -> Bool {
            var config = sized
            config.learningRate = .fixed(planned * factor)
            guard let (outcome, progress) = try run(races, config, target: target) else {
                trials.append(
                    TuningTrial(
                        factor: factor, learningRate: planned * factor, reached: false, diverged: true, updatesToGap: nil,
                        bestGap: .infinity))
                return false
            }
            trials.append(
                TuningTrial(
                    factor: factor, learningRate: planned * factor, reached: progress.reached, diverged: false,
                    updatesToGap: progress.reached ? progress.updates : nil, bestGap: progress.bestGap))
            let better =
                best.map { current in
                    progress.reached
                        ? !current.progress.reached || progress.updates < current.progress.updates
                        : !current.progress.reached && progress.bestGap < current.progress.bestGap
                } ?? true
            if better { best = (outcome, progress, factor) }
            return better
        }
        // Upward from the planned rate while each doubling is faster, up to 1024 times it.
        var factor = 1.0
        while try attempt(factor), factor < Self.tuningRange { factor *= 2 }
        // Downward while nothing reached the gap (every larger rate diverged, or none reached
        // it in the budget), down to a 16th of it.
        factor = 0.5
        while best?.progress.reached != true, factor >= 1 / 16 {
            _ = try attempt(factor)
            factor /= 2
        }
        guard let best else {
            // Every rate tried diverged: report the smallest.
            let smallest = trials.map(\.learningRate).min() ?? planned
            throw TrainingError.diverged(epoch: 1, batch: 1, cost: .infinity, learningRate: smallest)
        }
        return (best.outcome, best.progress, best.factor, trials)
    }
}
