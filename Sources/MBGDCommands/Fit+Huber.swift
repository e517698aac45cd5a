import ArgumentParser
import Foundation
import MiniBatchGD

extension Fit {
    /// `mbgd fit FILE --loss huber [--delta D]`: the descent on Huber's loss beside its exact
    /// answer by Newton's method on the same training rows.
    func runHuber(all: CommandData, train: CommandData, test: CommandData?, encoding: FeatureEncoding?) throws {
        if l2 != 0 || l1 != nil {
            throw CLIError.badArgument(
                "--loss huber is compared with Huber's exact answer, which has no penalty; drop \(l1 != nil ? "--l1" : "--l2")")
        }
        let delta = try lossOptions.resolvedDelta(train, fitIntercept: data.fitIntercept, threads: threads)
        var config = gradientDescent
        config.loss = HuberLoss(delta: delta)
        let trainingRows = train, descent = config
        var (model, comparison) = try fitAndCompare(config) { model, progress in
            try model.fitAndCompareHuber(trainingRows.source, using: descent, progress: progress)
        } epochsRun: {
            $0.run.history.epochsRun
        }
        model.featureEncoding = encoding
        for note in comparison.run.notes { Terminal.writeError("\(Cluster.tool): note: \(note)\n") }
        let (trainMetrics, testMetrics, plots) = try evaluateAndWrite(
            model, history: comparison.run.history, train: train, test: test, dataLabel: test == nil ? "training" : "test",
            optimum: nil)
        let reference = comparison.reference
        let verdict =
            comparison.parameterRelativeDifference <= RunReport.convergedGap
            ? "converged: \(Format.number(comparison.parameterRelativeDifference, digits: 2)) from Huber's exact answer after \(Format.count(comparison.run.history.epochsRun, "epoch"))"
            : "not converged: \(Format.number(comparison.parameterRelativeDifference, digits: 2)) from Huber's exact answer after \(Format.count(comparison.run.history.epochsRun, "epoch")); without a strongly convex cost there is no certificate to stop on: give it more epochs, or --batch-size full --optimizer nesterov"
        if json {
            print(
                Self.report(
                    model: model, weights: weights, run: comparison.run, train: trainMetrics, test: testMetrics,
                    reference: (
                        reference.parameters,
                        [
                            ("method", .string("newton")),
                            ("gradientNorm", .number(reference.targets.map(\.gradientNorm).max() ?? 0)),
                            ("outliers", .integer(reference.targets.reduce(0) { $0 + $1.outliers })),
                        ]
                    ),
                    gaps: (comparison.parameterRelativeDifference, comparison.costRelativeDifference), verdict: verdict,
                    extra: [("loss", .object([("name", .string("huber")), ("delta", .number(delta))]))]
                ).text)
            return
        }
        var lines = [
            "Data: \(data.file), \(all.rows) rows" + (test.map { " (\(train.rows) train, \($0.rows) test)" } ?? "")
                + "; \(Format.count(all.featureCount, "feature")); target: \(all.targetNames.joined(separator: ", "))"
                + (weights.map { "; weighted by \($0)" } ?? "")
        ]
        lines += Self.descentLines(comparison.run, title: "Gradient descent", scaling: config.standardize ? ", standardized" : "")
        lines.append(
            "  loss: Huber's, squares within δ = \(Format.number(delta)) of the fit and absolute values beyond"
                + (lossOptions.delta == nil ? " (δ = 1.35 × the least-squares residuals' robust scale)" : ""))
        lines.append("")
        for o in 0..<model.targetNames.count {
            lines.append("Coefficients\(model.targetNames.count > 1 ? " for \(model.targetNames[o])" : "") (original units):")
            lines.append(
                Reports.parameterTable(
                    features: model.featureNames, target: o, fitIntercept: model.fitIntercept,
                    columns: [("gradient descent", model.parameters!), ("exact (Newton)", reference.parameters)]))
        }
        for (o, target) in reference.targets.enumerated() {
            lines.append(
                "Exact answer\(reference.targets.count > 1 ? " for \(model.targetNames[o])" : ""): "
                    + "\(Format.count(target.iterations, "Newton step")), gradient \(Format.number(target.gradientNorm, digits: 2)) at its floor; "
                    + "\(target.outliers) of \(trainingRows.rows) residuals beyond δ")
        }
        lines.append(
            "Gap: parameters differ by \(Format.number(comparison.parameterRelativeDifference, digits: 3)) (relative); "
                + "the descent's loss is \(Format.number(comparison.costRelativeDifference, digits: 3)) above the optimum (relative)")
        lines.append("Verdict: " + verdict)
        lines.append("")
        lines.append("Errors of the gradient-descent model:")
        lines.append(Reports.metricsTable(train: trainMetrics, test: testMetrics))
        if let path = saveModel { lines.append("\nModel written to \(path)") }
        if !plots.isEmpty { lines.append("Plots: \(plots.joined(separator: ", "))") }
        print(lines.joined(separator: "\n"))
    }
}
