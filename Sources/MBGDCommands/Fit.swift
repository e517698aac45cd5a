import ArgumentParser
import Foundation
import MiniBatchGD

struct Fit: ParsableCommand, ThreadedCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train by gradient descent, then solve the same problem in closed form and report the difference.",
        discussion: """
            With no tuning options the fit standardizes the features, takes its step size from the data's \
            curvature, averages the iterates once mini-batch noise dominates, chooses its epoch budget \
            from the predicted convergence and stops once the parameters are certified close to the \
            optimum. It ends with a one-line verdict.

            Examples:
              mbgd fit data.csv --target price
              mbgd fit data.csv --optimizer adam --schedule cosine --test-fraction 0.2 --json
              mbgd fit data.csv --batch-size full --optimizer nesterov --tolerance 0 --epochs 20000
              mbgd fit data.npy --target 3 --learning-rate 0.05 --epochs 50 --save-model model.json --plot plots/
              mbgd fit data.csv --target y --weights w

            A FILE of - (or a FIFO) is a CSV (or .npy) stream read once, in bounded memory (windows of 1 MiB of parsed \
            values): online descent, one pass in the order given, each batch predicted before it is trained on \
            (the progressive validation loss), the exact least squares of the same rows accumulated beside it \
            for the verdict; standardization and the automatic rate come from the first window. libsvm rows \
            piped in (zcat train.svm.gz | mbgd fit - --n-features 47236) are read in windows of 1 MiB of parsed \
            entries and trained on with the sparse fit's lazy updates, unscaled unless --standardize; their \
            exact reference is accumulated for up to 512 features.

            --weights descends on the weighted cost ½Σwᵢrᵢ² (divided by Σw under the mean reduction: a row of \
            weight w counts as w rows; rows of weight 0 are left out) and compares with weighted least squares.
            """)

    @OptionGroup var data: DataOptions

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Rows per update: a number, or '\(BatchSize.full)' for batch gradient descent (\(BatchSize.stochastic) is stochastic).",
            valueName: "n|\(BatchSize.full)"))
    var batchSize = ArgumentNames.defaults.batchSize.description
    @Option(parsing: .unconditional, help: "Maximum passes over the training rows (default: three times the predicted need, at least 100).")
    var epochs: Int?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Initial learning rate η₀, or '\(LearningRate.automatic)' to take it from the data's curvature.",
            valueName: "\(LearningRate.automatic)|x"))
    var learningRate = ArgumentNames.defaults.learningRate.description
    @OptionGroup var optimizer: OptimizerOptions
    @Flag(help: "Average the iterates from the first update (Polyak–Ruppert).") var average = false
    @Flag(help: "Report the last iterate (no averaging; by default mini-batch fits average once the cost stops improving).")
    var noAverage = false
    @Option(
        help:
            "How a batch's gradients combine: \(ArgumentNames.list(Reduction.self, glosses: [.mean: "one rate fits every batch size", .sum: "the seed article"]))."
    )
    var reduction = ArgumentNames.defaults.reduction
    @Option(
        help: """
            Learning-rate schedule: \(ArgumentNames.list(LearningRateSchedule.Kind.self, glosses: [
                .inverseScaling: "η₀/t^power per epoch", .step: "η₀·factor^⌊(t−1)/every⌋", .cosine: "per update, to 0 at the last",
                .plateau: "×factor when the cost stalls",
            ])).
            """
    )
    var schedule = ArgumentNames.defaults.schedule.kind
    @Option(parsing: .unconditional, help: "Updates of linear warm-up before the schedule.")
    var warmup = ArgumentNames.defaults.warmupSteps
    @Option(parsing: .unconditional, help: "Power of the inverse-scaling schedule.")
    var decayPower = LearningRateSchedule.defaultPower
    @Option(
        parsing: .unconditional,
        help:
            "Factor of the step schedule (default \(LearningRateSchedule.defaultStepFactor)) or the plateau schedule (default \(LearningRateSchedule.defaultPlateauFactor))."
    )
    var decayFactor: Double?
    @Option(parsing: .unconditional, help: "Epochs between steps of the step schedule.")
    var decayEvery = LearningRateSchedule.defaultStepEvery
    @Option(
        name: .customLong("l2"), parsing: .unconditional,
        help: ArgumentHelp(
            "L2 penalty λ (ridge; never on the intercept), or '\(Self.automatic)': the strength exact leave-one-out chooses on the training rows over 100 alphas (as mbgd solve --ridge loo), in the descent's units.",
            valueName: "λ|\(Self.automatic)"))
    var l2Option = Format.number(ArgumentNames.defaults.l2Penalty)
    @Option(
        name: .customLong("l1"), parsing: .unconditional,
        help: ArgumentHelp(
            "Lasso / elastic-net strength A > 0 (scikit-learn's ElasticNet alpha, on the coefficients in the data's units), applied by soft-thresholding after every update; compared with the exact answer of coordinate descent instead of the closed form. Or '\(Self.automatic)': the strength \(ElasticNetCV.Folds.defaultCount)-fold cross-validation chooses on the training rows (as mbgd solve --l1 cv, folds seeded by --seed).",
            valueName: "A|\(Self.automatic)"))
    var l1Argument: String?
    @Option(
        name: .customLong("l1-ratio"), parsing: .unconditional, help: "R in (0, 1], the L1 share of --l1's penalty (default: 1, the lasso)."
    )
    var l1Ratio: Double?
    @Option(
        name: .customLong("l1-method"), parsing: .unconditional,
        help: ArgumentHelp(
            "How the descent applies --l1: prox (the default: soft-thresholding after every update, FOBOS; a full batch reaches the exact optimum) or cumulative (Tsuruoka et al. 2009's cumulative penalty, as scikit-learn's SGDRegressor: a pull a clip at zero could not apply is carried over, so single-row steps leave more exact zeros).",
            valueName: "prox|cumulative"))
    var l1Method: ElasticNetPenalty.L1Method?
    @Option(
        help:
            "The coefficients' units --l1 penalizes: original (scikit-learn's ElasticNet, the default) or standardized (glmnet's: the coefficients of the columns divided by their standard deviations, the coordinates the descent standardizes to)."
    )
    var penalize: LeastSquares.PenaltyUnits?
    @OptionGroup var lossOptions: LossOptions
    @Flag(help: "Standardize features (the default; kept for older scripts).") var standardize = false
    @Flag(help: "Descend in the features' original units.") var noStandardize = false
    @Flag(help: "Visit rows in file order (the seed article); the default shuffles every epoch.") var noShuffle = false
    @Option(
        parsing: .unconditional,
        help: "Shuffle blocks of this many consecutive rows instead of single rows: much cheaper, slightly less random (see README).")
    var shuffleBlocks: Int?
    @Option(parsing: .unconditional, help: "Seed of the shuffles and of the test split.") var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Hold out this fraction of rows as a test set (shuffled by --seed unless --no-shuffle).")
    var testFraction: Double?
    @Option(parsing: .unconditional, help: "Hold out this fraction of the training rows to stop early on their cost.")
    var validationFraction: Double?
    @Option(
        parsing: .unconditional,
        help:
            "Stop once the parameters are certified within this distance of the optimum (relative, ‖∇J‖/μ ≤ tol·‖θ‖), or when the monitored cost improves by less than this (relative) for --patience epochs. Default \(ArgumentNames.constant(EarlyStopping().parameterTolerance ?? 0)) and \(ArgumentNames.constant(EarlyStopping().tolerance)); 0 turns both off."
    )
    var tolerance: Double?
    @Option(parsing: .unconditional, help: "Epochs without improvement before stopping early (or before averaging starts).") var patience:
        Int?
    @Flag(help: "Run every epoch of the budget.") var noEarlyStopping = false
    @Option(
        help: ArgumentHelp(
            "Each epoch's training cost: full (a pass over every row at the epoch's end, at the parameters reported) or running (each batch's loss as its step took it, before its update, weighted by its rows: PyTorch's running loss, Vowpal Wabbit's progressive loss; no pass, no certified stop: --tolerance is then the plateau's only, and the final cost is one full pass at the end). Default: full.",
            valueName: "full|running"))
    var epochCost: EpochCost?
    @OptionGroup var rowWeights: WeightOptions
    @OptionGroup var threadCount: ThreadOptions<Fit>
    @OptionGroup var checkpoints: CheckpointOptions
    @Option(help: "Write the fitted model (JSON) to this path ('-': stdout).") var saveModel: String?
    @OptionGroup var plotOptions: PlotOptions<Fit>
    var plot: String? { plotOptions.plot }
    @Flag(help: "Print one JSON object on stdout and nothing else.") var json = false

    static let threadsHelp =
        "Threads for large batches (2048 rows or more at 32 features) and the cost passes (default: the cores this process may use; 1 per rank under mbgd-mpi). The result is the same bits whatever the count."

    /// `--l2 auto`'s spelling.
    static let automatic = "auto"
    /// `--l2`'s λ: 0 for `--l2 auto` (see ``l2IsAutomatic``) until the path has chosen it.
    var l2: Double { Double(l2Option) ?? 0 }
    /// `--l2 auto`: the path chooses λ.
    var l2IsAutomatic: Bool { l2Option == Self.automatic }
    /// Whether `--l2` asks for a penalty, a number or `auto`.
    var l2Given: Bool { l2IsAutomatic || l2 != 0 }
    /// `--l1 A`'s strength; nil for `--l1 auto` (see ``l1IsAutomatic``) or no `--l1`.
    var l1: Double? { l1Argument.flatMap(Double.init) }
    /// `--l1 auto`: cross-validation chooses A.
    var l1IsAutomatic: Bool { l1Argument == Self.automatic }
    /// Whether `--l1` was given, a number or `auto`.
    var l1Given: Bool { l1Argument != nil }
    var weights: String? { rowWeights.weights }
    var threads: Int? { threadCount.threads }

    /// The descent's options as the library's shared settings (the C interface's JSON takes the same).
    var settings: DescentSettings {
        var settings = DescentSettings()
        (settings.batchSize, settings.epochs, settings.learningRate) = (batchSize, epochs, learningRate)
        settings.optimizer = optimizer.settings
        // With a tube, --epsilon is its half-width, not the adaptive rules' ε.
        if lossOptions.hasTube { settings.optimizer.epsilon = nil }
        (settings.average, settings.noAverage, settings.reduction) = (average, noAverage, reduction)
        (settings.schedule, settings.warmup, settings.decayPower) = (schedule, warmup, decayPower)
        (settings.decayFactor, settings.decayEvery, settings.l2) = (decayFactor, decayEvery, l2)
        (settings.standardize, settings.noStandardize) = (standardize, noStandardize)
        (settings.noShuffle, settings.shuffleBlocks, settings.seed) = (noShuffle, shuffleBlocks, seed)
        (settings.validationFraction, settings.tolerance, settings.patience) = (validationFraction, tolerance, patience)
        (settings.noEarlyStopping, settings.threads, settings.recordsBatchCosts) = (noEarlyStopping, threads, plot != nil)
        settings.epochCost = epochCost ?? .full
        return settings
    }

    func validate() throws {
        guard l2IsAutomatic || Double(l2Option) != nil else {
            throw ValidationError("--l2 must be a number λ ≥ 0 or '\(Self.automatic)', got '\(l2Option)'")
        }
        if l2IsAutomatic || l1IsAutomatic, let validationFraction {
            throw ValidationError(
                "\(l2IsAutomatic ? "--l2" : "--l1") auto chooses the strength on the training rows, and --validation-fraction \(Format.number(validationFraction)) would train the descent on fewer (another strength's problem): drop --validation-fraction"
            )
        }
        try validateStream()
        try lossOptions.validateTube(epsilon: lossOptions.hasTube ? optimizer.epsilon : nil)
        if !lossOptions.hasTube { try optimizer.validateEpsilon() }
        if lossOptions.hasTube, optimizer.epsilon != nil, let rule = optimizer.optimizer,
            [.adam, .adamW, .adagrad, .rmsprop].contains(rule)
        {
            throw ValidationError(
                "--epsilon is the tube's half-width of --loss \(lossOptions.loss.rawValue) here, not \(rule.rawValue)'s ε (which keeps its default): say which by dropping --optimizer \(rule.rawValue) or --epsilon"
            )
        }
        do {
            let settings = self.settings
            try settings.validateRates(.commandLine)
            if json, let saveModel, isStandardOutput(saveModel) {
                throw ValidationError("--save-model \(saveModel) and --json would both write to stdout")
            }
            try settings.validateStandardization(.commandLine)
            try validateElasticNet()
            try settings.validateRest(.commandLine)
        } catch let error as OptionError {
            throw ValidationError(error.message)
        }
    }

    var gradientDescent: GradientDescent {
        var configuration = settings.gradientDescent
        configuration.checkpointing = checkpoints.checkpointing
        return configuration
    }

    func run() throws {
        if data.isStream { return try runStream() }
        let otherLoss = lossOptions.loss != .squared
        if Cluster.communicator != nil, l1Given || otherLoss {
            throw CLIError.badArgument(
                "\(l1Given ? "--l1" : "--loss \(lossOptions.loss.rawValue)") compares with an exact answer computed in one process; run it with mbgd fit, not mbgd-mpi"
            )
        }
        if l2IsAutomatic { try checkAutomaticL2() }
        if l1Given, SparseInput.isSparse(data.file), l1IsAutomatic || penalize == .standardized {
            throw CLIError.badArgument(
                "\(data.file) is sparse: \(l1IsAutomatic ? "--l1 auto cross-validates" : "--penalize standardized descends") on dense rows only for now; give --l1 A in the data's units (soft-thresholded lazily), or `mbgd solve \(data.file) --l1 A` for the exact lasso"
            )
        }
        if SparseInput.isSparse(data.file) { return try runSparse() }
        let status = Status(quiet: json)
        let encoded = try status.during(Status.loading(data.file)) { try data.loadEncoded(weights: weights) }
        if let encoded, case let .sparse(rows) = encoded.rows {
            if l2IsAutomatic {
                throw CLIError.badArgument(
                    "--l2 auto: the encoded columns of \(data.file) are sparse (--hash-features, or many categorical levels), and the exact leave-one-out path needs dense ones; give --l2 a number"
                )
            }
            if l1Given {
                throw CLIError.badArgument(
                    "the encoded columns of \(data.file) are sparse: --l1 descends on dense rows for now; `mbgd solve` with the same options solves the lasso exactly"
                )
            }
            return try runSparse(encoded: rows, encoding: encoded.encoding)
        }
        let all = try status.during(Status.loading(data.file)) {
            if let encoded, case let .dense(rows) = encoded.rows {
                return try CommandData(encoded: rows, precision: data.resolvedPrecision())
            }
            return try CommandData(data, weights: weights)
        }
        var train = all
        var test: CommandData?
        if let testFraction {
            (train, test) = try all.split(testFraction: testFraction, shuffleSeed: noShuffle ? nil : seed)
            if all.isInPlace {
                Terminal.writeError(
                    "\(Cluster.tool): note: the test rows of a mapped .npy are its last \(test!.rows) rows (shuffling them out would copy the file)\n"
                )
            }
        }
        if lossOptions.isHuber { return try runHuber(all: all, train: train, test: test, encoding: encoded?.encoding) }
        if otherLoss { return try runRobustLoss(all: all, train: train, test: test, encoding: encoded?.encoding) }
        if l1Given {
            let chosen = try l1IsAutomatic ? chooseL1(train, status: status) : nil
            return try runElasticNet(
                alpha: chosen?.alpha ?? l1!, all: all, train: train, test: test, encoding: encoded?.encoding, chosenL1: chosen)
        }
        var config = gradientDescent
        let chosenL2 = try l2IsAutomatic ? chooseL2(train, config, status: status) : nil
        if let chosenL2 { config.l2Penalty = chosenL2.lambda }
        let trainingRows = train
        var (model, comparison) = try fitAndCompare(config) { [config] model, progress in
            try trainingRows.fitAndCompare(&model, using: config, progress: progress)
        } epochsRun: {
            $0.run.history.epochsRun
        }
        model.featureEncoding = encoded?.encoding
        for note in comparison.run.notes {
            Terminal.writeError("\(Cluster.tool): note: \(note)\(note.contains("one batch") ? " (as --batch-size full)" : "")\n")
        }
        let (trainMetrics, testMetrics, plots) = try evaluateAndWrite(
            model, history: comparison.run.history, train: train, test: test,
            dataLabel: (test == nil ? "training" : "test")
                + ((test ?? train).rows > 5000 && all.isInPlace ? ", 5000 evenly spaced rows" : ""),
            // The epochs' costs carry no penalty: the optimum line is drawn only without one.
            optimum: config.l2Penalty == 0 ? comparison.referenceCost : nil)
        let distributed = train.distributedSummary(model.parameters!)
        if json {
            print(
                jsonReport(
                    model: model, comparison: comparison, train: trainMetrics, test: testMetrics, distributed: distributed,
                    chosenL2: chosenL2
                ).text)
        } else {
            print(
                humanReport(
                    all: all, train: train, test: test, model: model, comparison: comparison,
                    trainMetrics: trainMetrics, testMetrics: testMetrics, plots: plots, distributed: distributed, chosenL2: chosenL2))
        }
    }

    /// The model's errors on the training and test rows, then the saved model and the plots
    /// written together at the end (a model is never left behind by a plot that failed); the
    /// plots' paths.
    func evaluateAndWrite(
        _ model: LinearRegression, history: History, train: CommandData, test: CommandData?, dataLabel: String, optimum: Double?
    ) throws -> (train: RegressionMetrics, test: RegressionMetrics?, plots: [String]) {
        let trainMetrics = try train.evaluate(model, threads: threads)
        let testMetrics = try test.map { try $0.evaluate(model, threads: threads) }
        var outputs = Outputs()
        if let path = saveModel { outputs.add(try ModelFile(model).encoded(), to: path) }
        let plots =
            try plot.map {
                PlotDestination($0).add(
                    try Reports.plots(
                        history: history, model: model, data: try (test ?? train).plotted(), dataLabel: dataLabel, optimum: optimum),
                    into: &outputs)
            } ?? []
        try outputs.commit()
        return (trainMetrics, testMetrics, plots)
    }

    /// A new model fitted by `body` (a fit beside its exact reference), with progress on the
    /// terminal and Ctrl-C ending it cleanly after the epoch in hand.
    func fitAndCompare<Comparison: Sendable>(
        _ config: GradientDescent,
        _ body: @escaping @Sendable (inout LinearRegression, (@Sendable (EpochReport) -> Void)?) throws -> Comparison,
        epochsRun: (Comparison) -> Int
    ) throws -> (LinearRegression, Comparison) {
        let progress = Progress(quiet: json)
        let fitIntercept = data.fitIntercept
        let started = Date()
        do {
            let result = try runCancellable(
                {
                    var model = LinearRegression(fitIntercept: fitIntercept)
                    let comparison = try body(&model, progress.callback)
                    return (model, comparison)
                }, epochsCompleted: { epochsRun($0.1) })
            progress.finish()
            return result
        } catch let TrainingError.cancelled(epochs) {
            progress.finish()
            // The trainer saves its state when cancelled inside its epochs; before them it saved none.
            let saved = config.checkpointing.map(\.path).flatMap { path in
                let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
                return modified.map { $0 >= started } == true ? path : nil
            }
            throw CLIError.interrupted(epochsCompleted: epochs, epochs: config.epochs, checkpoint: saved)
        }
    }
}

extension Fit: PlottingCommand {
    static var plotted: String { "cost per batch and per epoch, the fit" }
    static var plotFile: String? { nil }
}
