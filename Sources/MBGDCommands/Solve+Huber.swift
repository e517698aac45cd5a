import ArgumentParser
import Foundation
import MiniBatchGD

extension Solve {
    /// `mbgd solve FILE --loss huber [--delta D]`: Huber regression solved exactly (Newton's
    /// method), the outliers counted and the gradient at its floor reported.
    func runHuber() throws {
        if SparseInput.isSparse(data.file) { return try runSparseExactLoss() }
        let (status, dataset, encoding) = try loadForExactLoss("huber", solvedBy: "by Newton's method")
        let delta = try lossOptions.resolvedDelta(dataset, fitIntercept: data.fitIntercept, threads: threads)
        var model = LinearRegression(fitIntercept: data.fitIntercept)
        model.featureEncoding = encoding
        let solution = try status.during("solving \(dataset.rows) rows by Newton's method on Huber's loss") {
            try model.fit(dataset.source, huber: delta)
        }
        let reports = solution.targets, single = reports.count == 1
        func perTarget(_ value: (HuberRegression.TargetReport) -> JSON) -> JSON { single ? value(reports[0]) : .array(reports.map(value)) }
        let fields: [(String, JSON)] = [
            ("method", .string("newton")), ("loss", .object([("name", .string("huber")), ("delta", .number(delta))])),
            ("converged", .bool(reports.allSatisfy(\.converged))), ("iterations", perTarget { .integer($0.iterations) }),
            ("gradientNorm", perTarget { .number($0.gradientNorm) }), ("outliers", perTarget { .integer($0.outliers) }),
            ("objective", perTarget { .number($0.objective) }),
        ]
        var lines = [
            "Huber regression: squares within δ = \(Format.number(delta)) of the fit, absolute values beyond"
                + (lossOptions.delta == nil ? " (δ = 1.35 × the least-squares residuals' robust scale)" : "")
                + "; solved exactly by Newton's method"
        ]
        for (o, report) in reports.enumerated() {
            lines.append(
                (single ? "" : "\(dataset.targetNames[o]): ")
                    + (report.converged ? "converged" : "NOT converged") + " after \(Format.count(report.iterations, "Newton step")), "
                    + "gradient \(Format.number(report.gradientNorm, digits: 2)); \(report.outliers) of \(dataset.rows) residuals beyond δ")
        }
        try reportExactLoss(model, dataset: dataset, parameters: solution.parameters, fields: fields, lines: lines)
    }
}
