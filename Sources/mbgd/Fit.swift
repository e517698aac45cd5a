import ArgumentParser
import Foundation
import MiniBatchGD

struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train by gradient descent, then solve the same problem in closed form and report the difference.",
        discussion: """
        Examples:
          mbgd fit data.csv --target price --batch-size 64 --epochs 50 --learning-rate 0.05 --standardize
          mbgd fit data.csv --schedule inverse-scaling --momentum 0.9 --nesterov --test-fraction 0.2 --json
          mbgd fit data.npy --target 3 --batch-size full --save-model model.json --plot plots/
        """)

    @OptionGroup var data: DataOptions

    @Option(help: ArgumentHelp("Rows per update: a number, or 'full' for batch gradient descent (1 is stochastic).", valueName: "n|full"))
    var batchSize = "32"
    @Option(help: "Maximum passes over the training rows.") var epochs = 100
    @Option(help: "Initial learning rate η₀.") var learningRate = 0.01
    @Option(help: "How a batch's gradients combine: mean (one rate fits every batch size) or sum (the seed article).")
    var reduction: Reduction = .mean
    @Option(help: "Learning-rate schedule over epochs: constant, inverse-scaling (η₀/t^power) or step (η₀·factor^⌊(t−1)/every⌋).")
    var schedule: ScheduleName = .constant
    @Option(help: "Power of the inverse-scaling schedule.") var decayPower = 1.0
    @Option(help: "Factor of the step schedule.") var decayFactor = 0.5
    @Option(help: "Epochs between steps of the step schedule.") var decayEvery = 10
    @Option(help: "Momentum coefficient in [0, 1).") var momentum = 0.0
    @Flag(help: "Use Nesterov's momentum (needs --momentum).") var nesterov = false
    @Option(name: .customLong("l2"), help: "L2 penalty λ (ridge; never on the intercept).") var l2 = 0.0
    @Flag(help: "Standardize features (fitted on the training rows); coefficients are reported in original units.")
    var standardize = false
    @Flag(help: "Visit rows in file order (the seed article); the default shuffles every epoch.") var noShuffle = false
    @Option(help: "Shuffle blocks of this many consecutive rows instead of single rows: much cheaper, slightly less random (see README).")
    var shuffleBlocks: Int?
    @Option(help: "Seed of the shuffles and of the test split.") var seed: UInt64 = 0
    @Option(help: "Hold out this fraction of rows as a test set (shuffled by --seed unless --no-shuffle).") var testFraction: Double?
    @Option(help: "Hold out this fraction of the training rows to stop early on their cost.") var validationFraction: Double?
    @Option(help: "Stop when the monitored cost improves by less than this (relative) for --patience epochs.") var tolerance: Double?
    @Option(help: "Epochs without improvement before stopping early.") var patience: Int?
    @Option(help: "Write the fitted model (JSON) to this path.") var saveModel: String?
    @Option(help: "Write SVG plots into this folder.") var plot: String?
    @Flag(help: "Print one JSON object on stdout and nothing else.") var json = false

    enum ScheduleName: String, ExpressibleByArgument, CaseIterable { case constant, inverseScaling = "inverse-scaling", step }

    func validate() throws {
        if batchSize != "full" {
            guard let size = Int(batchSize), size >= 1 else { throw ValidationError("--batch-size must be a positive integer or 'full', got '\(batchSize)'") }
        }
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        guard learningRate.isFinite, learningRate > 0 else { throw ValidationError("--learning-rate must be positive, got \(learningRate)") }
        guard momentum >= 0, momentum < 1 else { throw ValidationError("--momentum must lie in [0, 1), got \(momentum)") }
        if nesterov, momentum == 0 { throw ValidationError("--nesterov needs --momentum greater than 0") }
        guard l2.isFinite, l2 >= 0 else { throw ValidationError("--l2 must be zero or positive, got \(l2)") }
        try checkFraction(testFraction, "--test-fraction")
        try checkFraction(validationFraction, "--validation-fraction")
        if let tolerance, !(tolerance >= 0) { throw ValidationError("--tolerance must be zero or positive, got \(tolerance)") }
        if let patience, patience < 1 { throw ValidationError("--patience must be at least 1, got \(patience)") }
        if let shuffleBlocks, shuffleBlocks < 1 { throw ValidationError("--shuffle-blocks must be at least 1, got \(shuffleBlocks)") }
        if shuffleBlocks != nil, noShuffle { throw ValidationError("--shuffle-blocks and --no-shuffle exclude each other") }
        guard decayPower > 0, decayFactor > 0, decayFactor <= 1, decayEvery >= 1 else {
            throw ValidationError("--decay-power must be positive, --decay-factor in (0, 1], --decay-every at least 1")
        }
    }

    var gradientDescent: GradientDescent {
        let scheduleValue: LearningRateSchedule = switch schedule {
        case .constant: .constant
        case .inverseScaling: .inverseScaling(power: decayPower)
        case .step: .stepDecay(factor: decayFactor, every: decayEvery)
        }
        var stopping: EarlyStopping?
        if tolerance != nil || patience != nil || validationFraction != nil {
            stopping = EarlyStopping(tolerance: tolerance ?? 1e-6, patience: patience ?? 5, validationFraction: validationFraction)
        }
        return GradientDescent(
            batchSize: batchSize == "full" ? .full : .rows(Int(batchSize)!), epochs: epochs, learningRate: learningRate,
            reduction: reduction, standardize: standardize,
            shuffle: noShuffle ? .none : shuffleBlocks.map { .blocks(seed: seed, rows: $0) } ?? .everyEpoch(seed: seed),
            schedule: scheduleValue, momentum: momentum == 0 ? .none : (nesterov ? .nesterov(momentum) : .classical(momentum)),
            l2Penalty: l2, earlyStopping: stopping, recordsBatchCosts: plot != nil)
    }

    func run() throws {
        let all = try data.load()
        var train = all
        var test: Dataset?
        if let testFraction {
            let split = try all.split(testFraction: testFraction, shuffleSeed: noShuffle ? nil : seed)
            (train, test) = (split.train, split.test)
        }
        let config = gradientDescent
        let progress = Progress(quiet: json)
        let fitIntercept = data.fitIntercept, trainingRows = train
        let model: LinearRegression, comparison: ReferenceComparison
        do {
            (model, comparison) = try runCancellable {
                var model = LinearRegression(fitIntercept: fitIntercept)
                let comparison = try model.fitAndCompare(trainingRows, using: config, progress: progress.callback)
                return (model, comparison)
            }
            progress.finish()
        } catch let TrainingError.cancelled(epochs) {
            progress.finish()
            throw CLIError.interrupted(epochsCompleted: epochs, epochs: config.epochs)
        }
        let trainMetrics = try model.evaluate(train)
        let testMetrics = try test.map { try model.evaluate($0) }
        if let path = saveModel { try ModelFile(model).write(to: path) }
        let plots = try plot.map { try Reports.plots(folder: $0, history: comparison.run.history, model: model, data: test ?? train,
                                                     dataLabel: test == nil ? "training" : "test") } ?? []
        if json {
            print(jsonReport(model: model, comparison: comparison, train: trainMetrics, test: testMetrics).text)
        } else {
            print(humanReport(all: all, train: train, test: test, model: model, comparison: comparison,
                              trainMetrics: trainMetrics, testMetrics: testMetrics, plots: plots))
        }
    }

    private func jsonReport(model: LinearRegression, comparison: ReferenceComparison, train: RegressionMetrics, test: RegressionMetrics?) -> JSON {
        let history = comparison.run.history
        return .object(Reports.parameters(model.parameters!, fitIntercept: model.fitIntercept) + [
            ("features", .strings(model.featureNames)),
            ("targets", .strings(model.targetNames)),
            ("metrics", .object([("train", Reports.metrics(train)), ("test", Reports.metrics(test))])),
            ("history", .object([("epochCosts", .numbers(history.epochCosts)), ("epochsRun", .integer(history.epochsRun)),
                                 ("stopReason", .string(history.stopReason.rawValue))])),
            ("closedForm", .object(Reports.parameters(comparison.reference.parameters, fitIntercept: model.fitIntercept) + [
                ("method", .string(comparison.reference.method.rawValue)),
                ("relativeDifference", .number(comparison.parameterRelativeDifference)),
                ("costRelativeDifference", .number(comparison.costRelativeDifference)),
            ])),
        ])
    }

    private func humanReport(all: Dataset, train: Dataset, test: Dataset?, model: LinearRegression, comparison: ReferenceComparison,
                             trainMetrics: RegressionMetrics, testMetrics: RegressionMetrics?, plots: [String]) -> String {
        let run = comparison.run, history = run.history, config = run.configuration
        var lines = ["Data: \(data.file), \(all.rows) rows" + (test.map { " (\(train.rows) train, \($0.rows) test)" } ?? "")
            + "; features: \(all.featureNames.joined(separator: ", ")); target\(all.outputCount > 1 ? "s" : ""): \(all.targetNames.joined(separator: ", "))"]
        let shuffle = config.shuffle == .none ? "in file order"
            : "shuffled every epoch\(shuffleBlocks.map { " in blocks of \($0) rows" } ?? "") (seed \(seed))"
        lines.append("Gradient descent: batch \(config.batchSize) (\(run.batchesPerEpoch) updates per epoch), \(history.epochsRun) of \(config.epochs) epochs"
            + " (stopped: \(history.stopReason.rawValue)), learning rate \(Format.number(config.learningRate)) \(schedule.rawValue), "
            + "\(config.reduction.rawValue) gradient\(config.standardize ? ", standardized" : ""), \(shuffle)")
        if run.trainingRows < train.rows { lines.append("  \(train.rows - run.trainingRows) training rows held out for early stopping") }
        lines.append("  final training cost \(Format.number(history.epochCosts.last ?? .nan)) (\(config.reduction == .mean ? "½·mean" : "½·sum") of squared residuals)")
        lines.append("")
        let reference = comparison.reference
        for o in 0 ..< model.targetNames.count {
            lines.append("Coefficients\(model.targetNames.count > 1 ? " for \(model.targetNames[o])" : "") (original units):")
            lines.append(Reports.parameterTable(features: model.featureNames, target: o, fitIntercept: model.fitIntercept,
                                                rows: [("gradient descent", model.parameters!), ("closed form", reference.parameters)]))
        }
        lines.append("Closed form: \(reference.method.rawValue), condition number \(Format.number(reference.conditionNumber, digits: 3)), rank \(reference.rank)")
        lines.append("Gap: parameters differ by \(Format.number(comparison.parameterRelativeDifference, digits: 3)) (relative); "
            + "the descent's cost is \(Format.number(comparison.costRelativeDifference, digits: 3)) above the optimum (relative)")
        lines.append("")
        lines.append("Errors of the gradient-descent model:")
        lines.append(Reports.metricsTable(train: trainMetrics, test: testMetrics))
        if let path = saveModel { lines.append("\nModel written to \(path)") }
        if !plots.isEmpty { lines.append("Plots: \(plots.joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }
}

extension Reduction: ExpressibleByArgument {}
