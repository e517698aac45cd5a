import ArgumentParser
import Foundation
import MiniBatchGD

extension Solve {
    /// `--l1-ratio` means something only beside `--l1` (`--penalize` beside it or `--ridge`), and the options of the
    /// least-squares statistics nothing beside it.
    func validateElasticNet() throws {
        try validateElasticNetCV()
        if l1CrossValidated { return }
        if let l1Argument, Double(l1Argument) == nil {
            throw ValidationError(
                "--l1 = '\(l1Argument)' is invalid: must be a positive number (the strength A) or cv (choose it by cross-validation)")
        }
        guard let l1 else {
            if let l1Ratio { throw ValidationError("--l1-ratio \(Format.number(l1Ratio)) is the L1 share of --l1's penalty: give --l1 A") }
            if let penalize, ridge == nil {
                throw ValidationError("--penalize \(penalize.rawValue) says what --l1 or --ridge penalizes: give --l1 A or --ridge loo|gcv")
            }
            return
        }
        guard l1.isFinite, l1 > 0 else {
            throw ValidationError(
                l1 == 0
                    ? "--l1 0 is ordinary least squares: drop --l1 (the closed form solves it exactly)"
                    : "--l1 = \(l1) is invalid: must be a positive finite number")
        }
        if let l1Ratio, !(l1Ratio >= 0 && l1Ratio <= 1) {
            throw ValidationError("--l1-ratio = \(l1Ratio) is invalid: must lie in [0, 1] (1: the lasso, 0: a ridge)")
        }
        let conflicts: [(Bool, String, String)] = [
            (l2 != 0, "--l2", "the L2 part of the elastic net is --l1's, (1 − R)/2·A·‖β‖²: set it with --l1-ratio R"),
            (method != .auto, "--method", "the elastic net is solved by coordinate descent, not a factorization"),
            (covariance != .nonrobust, "--covariance", "the lasso's estimates have no closed-form covariance"),
            (confidence != LeastSquares.defaultConfidenceLevel, "--confidence", "the lasso's estimates have no closed-form intervals"),
            (noRefine, "--no-refine", "coordinate descent stops on a certified duality gap, with no refinement to skip"),
        ]
        for (given, option, why) in conflicts where given { throw ValidationError("--l1: \(why); drop \(option)") }
    }

    /// `mbgd solve FILE --l1 A [--l1-ratio R] [--penalize original|standardized]`: scikit-learn's
    /// `ElasticNet(alpha=A, l1_ratio=R)` solved exactly by coordinate descent, its duality gap the
    /// certificate, the exact zeros counted.
    func runElasticNet(alpha: Double) throws {
        if Cluster.communicator != nil {
            throw CLIError.badArgument("--l1: coordinate descent runs in one process; run it with mbgd solve, not mbgd-mpi")
        }
        let status = Status(quiet: json)
        var model = LinearRegression(fitIntercept: data.fitIntercept)
        let ratio = l1Ratio ?? 1, units = penalize ?? .original
        let solution: CoordinateDescent.Solution, metrics: RegressionMetrics, shape: String
        let featureNames: [String], targetNames: [String]
        func solving(_ rows: Int, _ features: Int) -> String {
            "solving \(rows) rows × \(Format.count(features, "feature")) by coordinate descent"
        }
        if SparseInput.isSparse(data.file) {
            try SparseInput.check(data, weights: weights)
            let rows = try SparseInput.rows(data, encoded: nil, status: status, as: Double.self)
            solution = try status.during(solving(rows.rows, rows.featureCount)) {
                try model.fit(rows, l1: alpha, l1Ratio: ratio, penaltyUnits: units)
            }
            metrics = try model.evaluate(rows)
            (shape, featureNames, targetNames) = (SparseInput.shape(rows), rows.featureNames, rows.targetNames)
        } else {
            let encoded = try status.during(Status.loading(data.file)) { try data.loadEncoded(weights: weights) }
            model.featureEncoding = encoded?.encoding
            if let encoded, case let .sparse(rows) = encoded.rows {
                solution = try status.during(solving(rows.rows, rows.featureCount)) {
                    try model.fit(rows, l1: alpha, l1Ratio: ratio, penaltyUnits: units)
                }
                metrics = try model.evaluate(rows)
                (shape, featureNames, targetNames) = (SparseInput.shape(rows), rows.featureNames, rows.targetNames)
            } else {
                let dense: Dataset<Double>? = if let encoded, case let .dense(rows) = encoded.rows { rows } else { nil }
                let dataset = try status.during(Status.loading(data.file)) {
                    try dense.map { try CommandData(encoded: $0, precision: data.resolvedPrecision()) }
                        ?? CommandData(data, weights: weights)
                }
                solution = try status.during(solving(dataset.rows, dataset.featureCount)) {
                    try model.fit(dataset.source, l1: alpha, l1Ratio: ratio, penaltyUnits: units, threads: threads)
                }
                metrics = try dataset.evaluate(model, threads: threads)
                shape = "\(dataset.rows) rows × \(Format.count(dataset.featureCount, "feature"))"
                (featureNames, targetNames) = (dataset.featureNames, dataset.targetNames)
            }
        }
        var outputs = Outputs()
        if let saveModel { outputs.add(try ModelFile(model).encoded(), to: saveModel) }
        try outputs.commit()
        print(
            json
                ? elasticNetJSON(solution, metrics, featureNames: featureNames, targetNames: targetNames).text
                : elasticNetReport(solution, metrics, shape: shape, featureNames: featureNames, targetNames: targetNames))
    }

    private func elasticNetJSON(
        _ solution: CoordinateDescent.Solution, _ metrics: RegressionMetrics, featureNames: [String], targetNames: [String]
    ) -> JSON {
        let reports = solution.targets, single = reports.count == 1
        func perTarget(_ value: (CoordinateDescent.TargetReport) -> JSON) -> JSON {
            single ? value(reports[0]) : .array(reports.map(value))
        }
        return .object(
            Reports.parameters(solution.parameters, fitIntercept: solution.fitIntercept) + [
                ("features", .strings(featureNames)), ("targets", .strings(targetNames)), ("weights", weights.map(JSON.string) ?? .null),
                ("metrics", .object([("train", Reports.metrics(metrics)), ("test", .null)])),
                ("method", .string("coordinateDescent")), ("updates", .string(solution.method.rawValue)),
                (
                    "penalty",
                    .object([
                        ("alpha", .number(solution.alpha)), ("l1Ratio", .number(solution.l1Ratio)),
                        ("penalize", .string(solution.penaltyUnits.rawValue)),
                    ])
                ),
                ("converged", .bool(solution.converged)),
                ("dualityGap", perTarget { .number($0.gap) }), ("gapTolerance", perTarget { .number($0.gapTolerance) }),
                ("objective", perTarget { .number($0.objective) }), ("sweeps", perTarget { .integer($0.sweeps) }),
                ("zeroCoefficients", perTarget { .integer($0.zeroCoefficients) }),
                ("activeSet", perTarget { .array($0.activeSet.map(JSON.integer)) }),
            ])
    }

    private func elasticNetReport(
        _ solution: CoordinateDescent.Solution, _ metrics: RegressionMetrics, shape: String, featureNames: [String], targetNames: [String]
    ) -> String {
        let p = featureNames.count, r = solution.l1Ratio
        let model = r == 1 ? "the lasso" : r == 0 ? "a ridge by coordinate descent" : "the elastic net"
        let penalty =
            r == 1 ? "A·‖β‖₁" : r == 0 ? "A/2·‖β‖²" : "A·(R·‖β‖₁ + (1 − R)/2·‖β‖²), R = \(Format.number(r))"
        let units =
            solution.penaltyUnits == .original
            ? "β in the data's units (scikit-learn's ElasticNet)"
            : "β of the columns divided by their standard deviations (glmnet's standardize = TRUE)"
        var lines = [
            "Data: \(data.file), \(shape)\(weights.map { ", weighted by \($0)" } ?? "")",
            "Coordinate descent (\(solution.method.rawValue) updates) for \(model): ‖y − Xβ − b‖²/(2n) + \(penalty), A = \(Format.number(solution.alpha)), \(units)",
        ]
        for (o, report) in solution.targets.enumerated() {
            let name = solution.targets.count > 1 ? "\(targetNames[o]): " : ""
            lines.append(
                "\(name)"
                    + (report.converged
                        ? "certified: duality gap \(Format.number(report.gap, digits: 2)) ≤ \(Format.number(report.gapTolerance, digits: 2))"
                        : "NOT converged: duality gap \(Format.number(report.gap, digits: 2)) > \(Format.number(report.gapTolerance, digits: 2))")
                    + " after \(Format.count(report.sweeps, "sweep")) (the objective is within the gap of its minimum); "
                    + "\(report.zeroCoefficients) of \(p) coefficients are exactly zero")
        }
        lines.append("")
        lines += Reports.largestParameterTables(
            featureNames: featureNames, targetNames: targetNames, fitIntercept: solution.fitIntercept,
            columns: [("estimate", solution.parameters)])
        lines.append("")
        lines.append("Errors on the rows solved:")
        lines.append(Reports.metricsTable(train: metrics, test: nil))
        lines.append("(No standard errors: a lasso's estimates have no closed-form covariance, as in statsmodels' fit_regularized.)")
        if let saveModel, saveModel != "-" { lines.append("Model written to \(saveModel)") }
        return lines.joined(separator: "\n")
    }
}
