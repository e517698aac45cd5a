import Foundation
import MiniBatchGD

/// What `mbgd fit` prints: the JSON object and the text report of a fit beside its exact
/// reference, and the pieces of them other fits (Huber, elastic net, sparse) share.
extension Fit {
    func jsonReport(
        model: LinearRegression, comparison: ReferenceComparison, train: RegressionMetrics, test: RegressionMetrics?,
        distributed: DistributedSummary?, chosenL2: ChosenL2?
    ) -> JSON {
        Self.report(
            model: model, weights: weights, run: comparison.run, train: train, test: test,
            reference: (comparison.reference.parameters, [("method", .string(comparison.reference.method.rawValue))]),
            gaps: (comparison.parameterRelativeDifference, comparison.costRelativeDifference), verdict: RunReport.verdict(comparison),
            extra: (chosenL2.map { [("regularization", $0.json)] } ?? []) + (distributed.map { [("distributed", $0.json)] } ?? []))
    }

    /// The `--json` object of a fit beside its exact reference (the closed form, or LSQR for
    /// sparse rows): the keys both share, the reference's own in `reference.fields`, `extra` last.
    static func report(
        model: LinearRegression, weights: String?, run: TrainingRun, train: RegressionMetrics, test: RegressionMetrics?,
        reference: (parameters: Parameters, fields: [(String, JSON)]), gaps: (parameters: Double, cost: Double), verdict: String,
        extra: [(String, JSON)] = [], beforeMetrics: [(String, JSON)] = []
    ) -> JSON {
        let history = run.history
        return .object(
            Reports.parameters(model.parameters!, fitIntercept: model.fitIntercept) + [
                ("features", .strings(model.featureNames)),
                ("weights", weights.map(JSON.string) ?? .null),
                ("targets", .strings(model.targetNames)),
            ] + beforeMetrics + [
                ("metrics", .object([("train", Reports.metrics(train)), ("test", Reports.metrics(test))])),
                ("training", Self.training(run, precision: model.trainingPrecision ?? .float64)),
                (
                    "history",
                    .object([
                        ("epochCosts", .numbers(history.epochCosts)),
                        ("epochCost", .string(run.configuration.epochCost.rawValue)),
                        ("finalCost", (history.finalCost ?? history.epochCosts.last).map(JSON.number) ?? .null),
                        ("epochsRun", .integer(history.epochsRun)), ("stopReason", .string(history.stopReason.rawValue)),
                    ])
                ),
                (
                    "closedForm",
                    .object(
                        Reports.parameters(reference.parameters, fitIntercept: model.fitIntercept) + reference.fields + [
                            ("relativeDifference", .number(gaps.parameters)), ("costRelativeDifference", .number(gaps.cost)),
                        ])
                ),
                ("verdict", .string(verdict)),
            ] + extra)
    }

    /// The `"training"` object: the rows' precision, how the rate was chosen and what the
    /// curvature predicted.
    static func training(_ run: TrainingRun, precision: Precision) -> JSON {
        let choice = run.learningRateChoice, config = run.configuration
        return .object([
            ("precision", .string(precision.rawValue)),
            ("optimizer", .string(config.optimizer.name)),
            ("learningRate", .number(choice.learningRate)),
            ("learningRateSource", .string(choice.source.rawValue)),
            ("learningRateReason", .string(choice.reason)),
            ("momentum", choice.momentum.map(JSON.number) ?? .null),
            ("smoothness", choice.curvature.map { .number($0.smoothness) } ?? .null),
            ("strongConvexity", choice.curvature?.strongConvexity.map(JSON.number) ?? .null),
            ("conditionNumber", choice.curvature?.conditionNumber.map(JSON.number) ?? .null),
            ("largestRowCurvature", choice.curvature.map { .number($0.largestRowCurvature) } ?? .null),
            ("meanSquareRowCurvature", choice.curvature?.meanSquareRowCurvature.map(JSON.number) ?? .null),
            ("batchSmoothness", choice.batchSmoothness.map(JSON.number) ?? .null),
            ("batchSize", .integer(run.batchRows)),
            ("schedule", .string(config.schedule.name)),
            ("averaging", .string(config.averaging.rawValue)),
            ("averagingStartEpoch", run.history.averagingStartEpoch.map(JSON.integer) ?? .null),
            ("rateHalvingEpochs", .array(run.history.rateHalvingEpochs.map(JSON.integer))),
            ("standardized", .bool(config.standardize)),
            ("epochBudget", .integer(run.epochBudget)),
            ("predictedEpochs", choice.predictedEpochs.map(JSON.integer) ?? .null),
            ("predictionTolerance", .number(choice.predictionTolerance)),
            ("epochsRun", .integer(run.history.epochsRun)),
            ("epochCost", .string(config.epochCost.rawValue)),
            ("certifiedDistance", run.history.certifiedDistances.last.map(JSON.number) ?? .null),
            ("notes", .strings(run.notes)),
        ])
    }

    /// With running epoch costs (`--epoch-cost running`), what the epochs' costs were beside the
    /// final one (a pass at the end); nothing with full ones.
    static func runningCostNote(_ history: History) -> String {
        guard history.finalCost != nil, let last = history.epochCosts.last else { return "" }
        return "; the last epoch's running cost (its batches' before their updates) \(Format.number(last))"
    }

    /// ", rate halved at epochs 40, 120 (the average had stalled)", or nothing.
    static func halvings(_ epochs: [Int]) -> String {
        guard !epochs.isEmpty else { return "" }
        let listed = epochs.count <= 6 ? epochs.map(String.init).joined(separator: ", ") : "\(epochs[0]), …, \(epochs[epochs.count - 1])"
        return
            ", rate halved \(epochs.count == 1 ? "once, at epoch" : "\(epochs.count) times, at epochs") \(listed) (the average had stalled)"
    }

    /// The run's lines of the text report: what ran and how it stopped, the rate and its reason,
    /// the averaging and halvings, the curvature, and the epochs' explanation. `scaling` follows
    /// the gradient's reduction (", standardized").
    static func descentLines(_ run: TrainingRun, title: String, scaling: String) -> [String] {
        let history = run.history, config = run.configuration, choice = run.learningRateChoice
        let shuffle: String
        switch config.shuffle {
        case .none: shuffle = "in file order"
        case let .everyEpoch(seed), let .blocks(seed, 1): shuffle = "shuffled every epoch (seed \(seed))"
        case let .blocks(seed, rows): shuffle = "shuffled every epoch in blocks of \(rows) rows (seed \(seed))"
        }
        var lines = [
            "\(title): \(config.optimizer.name), batch \(run.batchRows) (\(run.batchesPerEpoch == 1 ? "1 update" : "\(run.batchesPerEpoch) updates") per epoch), \(history.epochsRun) of \(run.epochBudget) epochs"
                + " (stopped: \(RunReport.stopReason(run))), \(config.reduction.rawValue) gradient\(scaling), \(shuffle)",
            "  learning rate \(Format.number(choice.learningRate, digits: 4)) (\(choice.source.rawValue): \(choice.reason)), schedule \(config.schedule.name)"
                + (choice.momentum.map { ", momentum \(Format.number($0, digits: 4))" } ?? "")
                + (history.averagingStartEpoch.map { ", averaged from epoch \($0)" }
                    ?? (config.averaging == .fromStart ? ", averaged from the start" : ""))
                + halvings(history.rateHalvingEpochs),
        ]
        if let curvature = choice.curvature { lines.append(RunReport.curvature(curvature, standardized: config.standardize)) }
        if let line = RunReport.epochsLine(run) { lines.append(line) }
        return lines
    }

    func humanReport(
        all: CommandData, train: CommandData, test: CommandData?, model: LinearRegression, comparison: ReferenceComparison,
        trainMetrics: RegressionMetrics, testMetrics: RegressionMetrics?, plots: [String], distributed: DistributedSummary?,
        chosenL2: ChosenL2?
    ) -> String {
        let run = comparison.run, history = run.history, config = run.configuration
        var lines = [
            "Data: \(data.file), \(all.rows) rows" + (test.map { " (\(train.rows) train, \($0.rows) test)" } ?? "")
                + "; features: \(all.featureNames.joined(separator: ", ")); target\(all.outputCount > 1 ? "s" : ""): \(all.targetNames.joined(separator: ", "))"
                + (weights.map { "; weighted by \($0)" } ?? "")
                + (all.precision != .float32
                    ? ""
                    : (try? NPYReader.precision(path: data.file)) == .float32
                        ? "; rows in float32 as stored (arithmetic in float64)"
                        : "; values rounded to float32 (arithmetic in float64): the gap and the verdict compare with the closed form of the rounded values")
        ]
        lines += Self.descentLines(run, title: "Gradient descent", scaling: config.standardize ? ", standardized" : "")
        if let chosenL2 { lines.append(chosenL2.line(reduction: config.reduction)) }
        let weighted = weights != nil
        // Loaded rows of weight 0 are left out; rows read in place stay, adding nothing.
        let zeroWeight = train.weights.map { $0.count { $0 == 0 } } ?? 0
        if zeroWeight > 0 { lines.append("  \(zeroWeight) training rows of weight 0 left out") }
        if run.trainingRows < train.rows - zeroWeight {
            lines.append("  \(train.rows - zeroWeight - run.trainingRows) training rows held out for early stopping")
        }
        let reduction = "½·" + (weighted ? "weighted " : "") + config.reduction.rawValue
        lines.append(
            "  final training cost \(Format.number(history.finalCost ?? history.epochCosts.last ?? .nan)) (\(reduction) of squared residuals)"
                + Self.runningCostNote(history))
        lines.append("")
        let reference = comparison.reference
        for o in 0..<model.targetNames.count {
            lines.append("Coefficients\(model.targetNames.count > 1 ? " for \(model.targetNames[o])" : "") (original units):")
            lines.append(
                Reports.parameterTable(
                    features: model.featureNames, target: o, fitIntercept: model.fitIntercept,
                    columns: [("gradient descent", model.parameters!), ("closed form", reference.parameters)]))
        }
        lines.append(RunReport.closedForm(reference))
        lines.append(
            "Gap: parameters differ by \(Format.number(comparison.parameterRelativeDifference, digits: 3)) (relative); "
                + "the descent's cost is \(Format.number(comparison.costRelativeDifference, digits: 3)) above the optimum (relative)")
        lines.append("Verdict: " + RunReport.verdict(comparison))
        lines.append("")
        lines.append("Errors of the gradient-descent model:")
        lines.append(Reports.metricsTable(train: trainMetrics, test: testMetrics))
        if let distributed { lines.append(distributed.line) }
        if let path = saveModel { lines.append("\nModel written to \(path)") }
        if !plots.isEmpty { lines.append("Plots: \(plots.joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }
}
