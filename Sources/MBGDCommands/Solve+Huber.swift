import ArgumentParser
import Foundation
import MiniBatchGD

extension Solve {
    /// `mbgd solve FILE --loss huber [--delta D]`: Huber regression solved exactly (Newton's
    /// method), the outliers counted and the gradient at its floor reported.
    func runHuber() throws {
        let (status, dataset, encoding) = try loadForExactLoss("huber", solvedBy: "by Newton's method")
        let delta = try lossOptions.resolvedDelta(dataset, fitIntercept: data.fitIntercept, threads: threads)
        var model = LinearRegression(fitIntercept: data.fitIntercept)
        model.featureEncoding = encoding
        let solution = try status.during("solving \(dataset.rows) rows by Newton's method on Huber's loss") {
            try model.fit(dataset.source, huber: delta)
        }
        let metrics = try dataset.evaluate(model, threads: threads)
        var outputs = Outputs()
        if let saveModel { outputs.add(try ModelFile(model).encoded(), to: saveModel) }
        try outputs.commit()
        let reports = solution.targets, single = reports.count == 1
        func perTarget(_ value: (HuberRegression.TargetReport) -> JSON) -> JSON { single ? value(reports[0]) : .array(reports.map(value)) }
        if json {
            print(
                JSON.object(
                    Reports.parameters(solution.parameters, fitIntercept: data.fitIntercept) + [
                        ("features", .strings(dataset.featureNames)), ("targets", .strings(dataset.targetNames)),
                        ("weights", weights.map(JSON.string) ?? .null),
                        ("metrics", .object([("train", Reports.metrics(metrics)), ("test", .null)])), ("method", .string("newton")),
                        ("loss", .object([("name", .string("huber")), ("delta", .number(delta))])),
                        ("converged", .bool(reports.allSatisfy(\.converged))), ("iterations", perTarget { .integer($0.iterations) }),
                        ("gradientNorm", perTarget { .number($0.gradientNorm) }), ("outliers", perTarget { .integer($0.outliers) }),
                        ("objective", perTarget { .number($0.objective) }),
                    ]
                ).text)
            return
        }
        var lines = [
            "Data: \(data.file), \(dataset.rows) rows × \(Format.count(dataset.featureCount, "feature"))"
                + (weights.map { ", weighted by \($0)" } ?? ""),
            "Huber regression: squares within δ = \(Format.number(delta)) of the fit, absolute values beyond"
                + (lossOptions.delta == nil ? " (δ = 1.35 × the least-squares residuals' robust scale)" : "")
                + "; solved exactly by Newton's method",
        ]
        for (o, report) in reports.enumerated() {
            lines.append(
                (single ? "" : "\(dataset.targetNames[o]): ")
                    + (report.converged ? "converged" : "NOT converged") + " after \(Format.count(report.iterations, "Newton step")), "
                    + "gradient \(Format.number(report.gradientNorm, digits: 2)); \(report.outliers) of \(dataset.rows) residuals beyond δ")
        }
        lines.append("")
        lines += Reports.largestParameterTables(
            featureNames: dataset.featureNames, targetNames: dataset.targetNames, fitIntercept: data.fitIntercept,
            columns: [("estimate", solution.parameters)])
        lines.append("")
        lines.append("Errors on the rows solved:")
        lines.append(Reports.metricsTable(train: metrics, test: nil))
        if let saveModel, saveModel != "-" { lines.append("Model written to \(saveModel)") }
        print(lines.joined(separator: "\n"))
    }
}
