import ArgumentParser
import Foundation
import MiniBatchGD

extension Solve {
    /// `mbgd solve FILE --loss epsilon-insensitive [--epsilon E]`: the linear program solved
    /// exactly (median regression on the rows doubled at y ± ε, by interior point), the duality gap
    /// its certificate and the residuals on the tube's edge counted.
    func runEpsilonInsensitive() throws {
        if SparseInput.isSparse(data.file) { return try runSparseExactLoss() }
        let solver = "as a linear program by interior point"
        let (status, dataset, encoding) = try loadForExactLoss("epsilon-insensitive", solvedBy: solver)
        let epsilon = lossOptions.resolvedEpsilon(tube.epsilon)
        var model = LinearRegression(fitIntercept: data.fitIntercept)
        model.featureEncoding = encoding
        let solution = try status.during("solving \(dataset.rows) rows \(solver)") {
            try model.fit(dataset.source, epsilonInsensitive: epsilon)
        }
        let reports = solution.targets, single = reports.count == 1
        func perTarget(_ value: (EpsilonInsensitiveRegression.TargetReport) -> JSON) -> JSON {
            single ? value(reports[0]) : .array(reports.map(value))
        }
        let fields: [(String, JSON)] = [
            ("method", .string("interior-point")),
            ("loss", .object([("name", .string("epsilon-insensitive")), ("epsilon", .number(epsilon))])),
            ("converged", .bool(reports.allSatisfy(\.converged))), ("iterations", perTarget { .integer($0.iterations) }),
            ("dualityGap", perTarget { .number($0.dualityGap) }), ("dualObjective", perTarget { .number($0.dualObjective) }),
            ("edgeResiduals", perTarget { .integer($0.edgeResiduals) }), ("vertex", perTarget { .bool($0.isVertex) }),
            ("objective", perTarget { .number($0.objective) }),
        ]
        var lines = [
            "Epsilon-insensitive regression: max(0, |r| − ε) with ε = \(Format.number(epsilon))"
                + (tube.epsilon == nil ? " (the default, scikit-learn's)" : "")
                + "; solved exactly as a linear program by interior point (Frisch–Newton, median regression on the rows at y ± ε)"
        ]
        for (o, report) in reports.enumerated() {
            let prefix = single ? "" : "\(dataset.targetNames[o]): "
            lines.append(
                prefix + (report.converged ? "converged" : "NOT converged")
                    + " after \(Format.count(report.iterations, "interior-point step")), "
                    + "duality gap \(Format.number(report.dualityGap, digits: 2)) (relative); "
                    + "\(report.edgeResiduals) of \(dataset.rows) residuals on the tube's edge\(report.isVertex ? " (a vertex, its dual checked)" : "")"
            )
            lines.append(
                prefix
                    + "objective Σ max(0, |r| − ε) = \(Format.number(report.objective, digits: 10)), dual \(Format.number(report.dualObjective, digits: 10))"
            )
        }
        try reportExactLoss(model, dataset: dataset, parameters: solution.parameters, fields: fields, lines: lines)
    }

    /// `mbgd solve FILE --loss squared-epsilon-insensitive [--epsilon E]`: solved exactly by
    /// Newton's method, the gradient at its floor its certificate, the rows inside the tube counted.
    func runSquaredEpsilonInsensitive() throws {
        if SparseInput.isSparse(data.file) { return try runSparseExactLoss() }
        let (status, dataset, encoding) = try loadForExactLoss("squared-epsilon-insensitive", solvedBy: "by Newton's method")
        let epsilon = lossOptions.resolvedEpsilon(tube.epsilon)
        var model = LinearRegression(fitIntercept: data.fitIntercept)
        model.featureEncoding = encoding
        let solution = try status.during("solving \(dataset.rows) rows by Newton's method") {
            try model.fit(dataset.source, squaredEpsilonInsensitive: epsilon)
        }
        let reports = solution.targets, single = reports.count == 1
        func perTarget(_ value: (SquaredEpsilonInsensitiveRegression.TargetReport) -> JSON) -> JSON {
            single ? value(reports[0]) : .array(reports.map(value))
        }
        let fields: [(String, JSON)] = [
            ("method", .string("newton")),
            ("loss", .object([("name", .string("squared-epsilon-insensitive")), ("epsilon", .number(epsilon))])),
            ("converged", .bool(reports.allSatisfy(\.converged))), ("iterations", perTarget { .integer($0.iterations) }),
            ("gradientNorm", perTarget { .number($0.gradientNorm) }), ("insideTube", perTarget { .integer($0.insideTube) }),
            ("objective", perTarget { .number($0.objective) }),
        ]
        var lines = [
            "Squared epsilon-insensitive regression: max(0, |r| − ε)²/2 with ε = \(Format.number(epsilon))"
                + (tube.epsilon == nil ? " (the default, scikit-learn's)" : "") + "; solved exactly by Newton's method"
        ]
        for (o, report) in reports.enumerated() {
            lines.append(
                (single ? "" : "\(dataset.targetNames[o]): ")
                    + (report.converged ? "converged" : "NOT converged") + " after \(Format.count(report.iterations, "Newton step")), "
                    + "gradient \(Format.number(report.gradientNorm, digits: 2)); mean loss \(Format.number(report.objective, digits: 10)); "
                    + "\(report.insideTube) of \(dataset.rows) residuals inside the tube"
                    + (report.insideTube > dataset.rows - dataset.featureCount - (data.fitIntercept ? 1 : 0)
                        ? " (so few outside that the coefficients may not be unique; the loss is)" : ""))
        }
        try reportExactLoss(model, dataset: dataset, parameters: solution.parameters, fields: fields, lines: lines)
    }
}
