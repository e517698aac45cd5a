import ArgumentParser
import Foundation
import MiniBatchGD

extension Solve {
    /// `mbgd solve FILE --loss quantile [--quantile Q]`: quantile regression solved exactly as a
    /// linear program (interior point, then a vertex), the duality gap its certificate and the
    /// zero residuals counted.
    func runQuantile() throws {
        if SparseInput.isSparse(data.file) { return try runSparseExactLoss() }
        let (status, dataset, encoding) = try loadForExactLoss("quantile", solvedBy: "as a linear program by interior point")
        let tau = lossOptions.resolvedQuantile
        var model = LinearRegression(fitIntercept: data.fitIntercept)
        model.featureEncoding = encoding
        let solution = try status.during("solving \(dataset.rows) rows as a linear program by interior point") {
            try model.fit(dataset.source, quantile: tau)
        }
        let reports = solution.targets, single = reports.count == 1
        func perTarget(_ value: (QuantileRegression.TargetReport) -> JSON) -> JSON {
            single ? value(reports[0]) : .array(reports.map(value))
        }
        let fields: [(String, JSON)] = [
            ("method", .string("interior-point")),
            ("loss", .object([("name", .string("quantile")), ("quantile", .number(tau))])), ("quantile", .number(tau)),
            ("converged", .bool(reports.allSatisfy(\.converged))), ("iterations", perTarget { .integer($0.iterations) }),
            ("dualityGap", perTarget { .number($0.dualityGap) }), ("dualObjective", perTarget { .number($0.dualObjective) }),
            ("zeroResiduals", perTarget { .integer($0.zeroResiduals) }), ("vertex", perTarget { .bool($0.isVertex) }),
            ("objective", perTarget { .number($0.objective) }),
        ]
        var lines = [
            "Quantile regression at τ = \(Format.number(tau))\(tau == 0.5 ? " (the median: least absolute deviations)" : ""): "
                + "τ·r for residuals above the fit, (1 − τ)·|r| below; solved exactly as a linear program by interior point (Frisch–Newton)"
        ]
        for (o, report) in reports.enumerated() {
            lines.append(
                (single ? "" : "\(dataset.targetNames[o]): ")
                    + (report.converged ? "converged" : "NOT converged")
                    + " after \(Format.count(report.iterations, "interior-point step")), "
                    + "duality gap \(Format.number(report.dualityGap, digits: 2)) (relative); "
                    + "\(report.zeroResiduals) of \(dataset.rows) residuals zero\(report.isVertex ? " (a vertex, its dual checked)" : "")")
            lines.append(
                (single ? "" : "\(dataset.targetNames[o]): ")
                    + "objective Σ check losses = \(Format.number(report.objective, digits: 10)), dual \(Format.number(report.dualObjective, digits: 10))"
            )
        }
        try reportExactLoss(model, dataset: dataset, parameters: solution.parameters, fields: fields, lines: lines)
    }
}
