import Foundation
import MiniBatchGD

extension Fit {
    /// What a descent beside an exact answer other than the closed form leaves to report: the
    /// model, the comparison, the errors and the plots written.
    struct ExactReferenceRun<Reference: Sendable> {
        var model: LinearRegression
        let comparison: DescentComparison<Reference>
        let trainMetrics: RegressionMetrics, testMetrics: RegressionMetrics?
        let plots: [String]
    }

    /// Trains by `compare` (a fit beside its exact answer) with progress and Ctrl-C as every fit,
    /// says the run's notes, then writes the model and the plots.
    func fitBesideExactReference<Reference: Sendable>(
        _ config: GradientDescent, train: CommandData, test: CommandData?, encoding: FeatureEncoding?,
        _ compare:
            @escaping @Sendable (inout LinearRegression, any RowSource, GradientDescent, (@Sendable (EpochReport) -> Void)?) throws ->
            DescentComparison<Reference>
    ) throws -> ExactReferenceRun<Reference> {
        let source = train.source
        var (model, comparison) = try fitAndCompare(config) { model, progress in
            try compare(&model, source, config, progress)
        } epochsRun: {
            $0.run.history.epochsRun
        }
        model.featureEncoding = encoding
        for note in comparison.run.notes { Terminal.writeError("\(Cluster.tool): note: \(note)\n") }
        let (trainMetrics, testMetrics, plots) = try evaluateAndWrite(
            model, history: comparison.run.history, train: train, test: test, dataLabel: test == nil ? "training" : "test",
            optimum: nil)
        return ExactReferenceRun(model: model, comparison: comparison, trainMetrics: trainMetrics, testMetrics: testMetrics, plots: plots)
    }

    /// The text report's first line: the file, its rows and their parts.
    func dataLine(all: CommandData, train: CommandData, test: CommandData?) -> String {
        "Data: \(data.file), \(all.rows) rows" + (test.map { " (\(train.rows) train, \($0.rows) test)" } ?? "")
            + "; \(Format.count(all.featureCount, "feature")); target\(all.outputCount > 1 ? "s" : ""): \(all.targetNames.joined(separator: ", "))"
            + (weights.map { "; weighted by \($0)" } ?? "")
    }

    /// The coefficients beside the exact answer's (a table per target, its column `label`).
    static func coefficientLines(_ model: LinearRegression, exact: Parameters, label: String) -> [String] {
        (0..<model.targetNames.count).flatMap { o in
            [
                "Coefficients\(model.targetNames.count > 1 ? " for \(model.targetNames[o])" : "") (original units):",
                Reports.parameterTable(
                    features: model.featureNames, target: o, fitIntercept: model.fitIntercept,
                    columns: [("gradient descent", model.parameters!), (label, exact)]),
            ]
        }
    }

    /// The gap's line: how far the parameters and the objective (named `objective`) are from the optimum.
    static func gapLine<Reference>(_ comparison: DescentComparison<Reference>, objective: String) -> String {
        "Gap: parameters differ by \(Format.number(comparison.parameterRelativeDifference, digits: 3)) (relative); "
            + "the descent's \(objective) is \(Format.number(comparison.costRelativeDifference, digits: 3)) above the optimum (relative)"
    }

    /// The closing lines: the verdict, the errors, the files written.
    func closingLines(verdict: String, trainMetrics: RegressionMetrics, testMetrics: RegressionMetrics?, plots: [String]) -> [String] {
        var lines = [
            "Verdict: " + verdict, "", "Errors of the gradient-descent model:",
            Reports.metricsTable(train: trainMetrics, test: testMetrics),
        ]
        if let path = saveModel { lines.append("\nModel written to \(path)") }
        if !plots.isEmpty { lines.append("Plots: \(plots.joined(separator: ", "))") }
        return lines
    }
}
