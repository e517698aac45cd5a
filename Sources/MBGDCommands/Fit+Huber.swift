import ArgumentParser
import Foundation
import MiniBatchGD

extension Fit {
    /// `mbgd fit FILE --loss huber [--delta D]`: the descent on Huber's loss beside its exact
    /// answer by Newton's method on the same training rows.
    func runHuber(all: CommandData, train: CommandData, test: CommandData?, encoding: FeatureEncoding?) throws {
        if l2Given || l1Given {
            throw CLIError.badArgument(
                "--loss huber is compared with Huber's exact answer, which has no penalty; drop \(l1Given ? "--l1" : "--l2")")
        }
        let delta = try lossOptions.resolvedDelta(train, fitIntercept: data.fitIntercept, threads: threads)
        var config = gradientDescent
        config.loss = HuberLoss(delta: delta)
        let run = try fitBesideExactReference(config, train: train, test: test, encoding: encoding) { model, source, config, progress in
            try model.fitAndCompareHuber(source, using: config, progress: progress)
        }
        let model = run.model, comparison = run.comparison, trainMetrics = run.trainMetrics, testMetrics = run.testMetrics
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
        var lines = [dataLine(all: all, train: train, test: test)]
        lines += Self.descentLines(comparison.run, title: "Gradient descent", scaling: config.standardize ? ", standardized" : "")
        lines.append(
            "  loss: Huber's, squares within δ = \(Format.number(delta)) of the fit and absolute values beyond"
                + (lossOptions.delta == nil ? " (δ = 1.35 × the least-squares residuals' robust scale)" : ""))
        lines.append("")
        lines += Self.coefficientLines(model, exact: reference.parameters, label: "exact (Newton)")
        for (o, target) in reference.targets.enumerated() {
            lines.append(
                "Exact answer\(reference.targets.count > 1 ? " for \(model.targetNames[o])" : ""): "
                    + "\(Format.count(target.iterations, "Newton step")), gradient \(Format.number(target.gradientNorm, digits: 2)) at its floor; "
                    + "\(target.outliers) of \(train.rows) residuals beyond δ")
        }
        lines.append(Self.gapLine(comparison, objective: "loss"))
        lines += closingLines(verdict: verdict, trainMetrics: trainMetrics, testMetrics: testMetrics, plots: run.plots)
        print(lines.joined(separator: "\n"))
    }
}
