import ArgumentParser
import Foundation
import MiniBatchGD

extension Solve {
    /// Whether `--l1 cv` asks for the strength to be cross-validated.
    var l1CrossValidated: Bool { l1Argument == "cv" }

    /// `--l1 A`'s strength, nil for `cv` or none.
    var l1: Double? { l1Argument.flatMap { $0 == "cv" ? nil : Double($0) } }

    /// `--folds`, `--fold-column` and `--seed` mean something only beside `--l1 cv`, and the
    /// options of one least-squares solve nothing beside it.
    func validateElasticNetCV() throws {
        guard l1CrossValidated else {
            let ridgeCV = ridge == .cv
            for (given, option) in [(folds != nil, "--folds"), (foldColumn != nil, "--fold-column"), (seed != nil, "--seed")]
            where given && !(ridgeCV && option != "--fold-column") {
                throw ValidationError(
                    "\(option) splits the rows for cross-validation: give --l1 cv\(ridgeCV ? " (--ridge cv takes seeded folds only: give --folds K and --seed S)" : " or --ridge cv")"
                )
            }
            if ridgeCV, let folds, folds < 2 {
                throw ValidationError("--folds = \(folds) is invalid: must be at least 2 (one fold held out, the others fitted)")
            }
            return
        }
        _ = try parsedAlphas()
        if let folds, folds < 2 {
            throw ValidationError("--folds = \(folds) is invalid: must be at least 2 (one fold held out, the others fitted)")
        }
        if let l1Ratio, !(l1Ratio >= 0 && l1Ratio <= 1) {
            throw ValidationError("--l1-ratio = \(l1Ratio) is invalid: must lie in [0, 1] (1: the lasso, 0: a ridge)")
        }
        if l1Ratio == 0, alphas == nil {
            throw ValidationError(
                "--l1 cv --l1-ratio 0 is a ridge, which zeroes no coefficient at any alpha, so no grid descends from alpha_max: give --alphas (or use --ridge loo)"
            )
        }
        let conflicts: [(Bool, String, String)] = [
            (l2 != 0, "--l2", "the L2 part of the elastic net is --l1's, (1 − R)/2·A·‖β‖²: set it with --l1-ratio R"),
            (penalize != nil, "--penalize", "the path penalizes the coefficients in the data's units (scikit-learn's LassoCV)"),
            (method != .auto, "--method", "the elastic net is solved by coordinate descent, not a factorization"),
            (covariance != .nonrobust, "--covariance", "the lasso's estimates have no closed-form covariance"),
            (confidence != LeastSquares.defaultConfidenceLevel, "--confidence", "the lasso's estimates have no closed-form intervals"),
            (noRefine, "--no-refine", "coordinate descent stops on a certified duality gap, with no refinement to skip"),
            (
                seed != nil && foldColumn != nil, "--seed",
                "--fold-column's folds come from the column, not from a random shuffle"
            ),
        ]
        for (given, option, why) in conflicts where given { throw ValidationError("--l1 cv: \(why); drop \(option)") }
    }

    /// The folds `--folds`, `--fold-column` and `--seed` ask for, given the fold column's values.
    func requestedFolds(column values: [Double]?) -> ElasticNetCV.Folds {
        guard let values else { return .seeded(count: folds ?? ElasticNetCV.Folds.defaultCount, seed: seed ?? 0) }
        return folds.map { .groups(values, count: $0) } ?? .labels(values)
    }

    /// The library's fold errors spelled with the options that made the folds.
    func namingFoldOptions<Result>(_ body: () throws -> Result) throws -> Result {
        do { return try body() } catch let error as ArgumentError where ["count", "labels", "groups", "folds"].contains(error.argument) {
            let options =
                foldColumn.map { column in "--fold-column \(column)" + (folds.map { " --folds \($0)" } ?? "") }
                ?? "--folds \(folds ?? ElasticNetCV.Folds.defaultCount)"
            let value = error.argument == "count" ? "" : " (\(error.value))"
            throw CLIError.badArgument("\(options)\(value) is invalid: \(error.requirement)")
        }
    }

    /// `mbgd solve FILE --l1 cv [--l1-ratio R] [--alphas …] [--folds K | --fold-column COL] [--seed S]`:
    /// the lasso or elastic-net path cross-validated over folds, the best and one-standard-error
    /// alphas, and the refit at the best on every row.
    func runElasticNetCV() throws {
        if Cluster.communicator != nil {
            throw CLIError.badArgument("--l1 cv: coordinate descent runs in one process; run it with mbgd solve, not mbgd-mpi")
        }
        let status = Status(quiet: json)
        var model = LinearRegression(fitIntercept: data.fitIntercept)
        let ratio = l1Ratio ?? 1, alphas = try parsedAlphas()
        let cv: ElasticNetCV, metrics: RegressionMetrics, shape: String
        func validating(_ rows: Int, _ features: Int) -> String {
            "cross-validating the path of \(rows) rows × \(Format.count(features, "feature")) over \(alphas?.count ?? CoordinateDescent.defaultPathCount) alphas"
        }
        func sparse(_ rows: SparseDataset<Double>) throws {
            if let foldColumn {
                throw CLIError.badArgument(
                    "--fold-column \(foldColumn): \(data.file) \(SparseInput.described(data.file, encoded: !SparseInput.isSparse(data.file))), whose columns have no names to pick the folds from; give --folds K (seeded folds)"
                )
            }
        }
        if SparseInput.isSparse(data.file) {
            try SparseInput.check(data, weights: weights)
            let rows = try SparseInput.rows(data, encoded: nil, status: status, as: Double.self)
            try sparse(rows)
            cv = try status.during(validating(rows.rows, rows.featureCount)) {
                try namingFoldOptions {
                    try model.fit(rows, crossValidating: requestedFolds(column: nil), l1Ratio: ratio, alphas: alphas, threads: threads)
                }
            }
            metrics = try model.evaluate(rows)
            shape = SparseInput.shape(rows)
        } else {
            if foldColumn != nil, data.encoding.isActive {
                throw CLIError.badArgument(
                    "--fold-column: the folds are read from the file's numeric columns; drop --categorical and --hash-features, or give --folds K"
                )
            }
            let encoded = try status.during(Status.loading(data.file)) { try data.loadEncoded(weights: weights) }
            model.featureEncoding = encoded?.encoding
            if let encoded, case let .sparse(rows) = encoded.rows {
                cv = try status.during(validating(rows.rows, rows.featureCount)) {
                    try namingFoldOptions {
                        try model.fit(rows, crossValidating: requestedFolds(column: nil), l1Ratio: ratio, alphas: alphas, threads: threads)
                    }
                }
                metrics = try model.evaluate(rows)
                shape = SparseInput.shape(rows)
            } else if let foldColumn {
                let (rows, labels) = try status.during(Status.loading(data.file)) { try loadWithFoldColumn(foldColumn) }
                cv = try status.during(validating(rows.rows, rows.featureCount)) {
                    try namingFoldOptions {
                        try model.fit(
                            rows, crossValidating: requestedFolds(column: labels), l1Ratio: ratio, alphas: alphas, threads: threads)
                    }
                }
                metrics = try model.evaluate(rows, threads: threads)
                shape = "\(rows.rows) rows × \(Format.count(rows.featureCount, "feature"))"
            } else {
                let dense: Dataset<Double>? = if let encoded, case let .dense(rows) = encoded.rows { rows } else { nil }
                let dataset = try status.during(Status.loading(data.file)) {
                    try dense.map { try CommandData(encoded: $0, precision: data.resolvedPrecision()) }
                        ?? CommandData(data, weights: weights)
                }
                cv = try status.during(validating(dataset.rows, dataset.featureCount)) {
                    try namingFoldOptions {
                        try model.fit(
                            dataset.source, crossValidating: requestedFolds(column: nil), l1Ratio: ratio, alphas: alphas, threads: threads)
                    }
                }
                metrics = try dataset.evaluate(model, threads: threads)
                shape = "\(dataset.rows) rows × \(Format.count(dataset.featureCount, "feature"))"
            }
        }
        var outputs = Outputs()
        if let saveModel { outputs.add(try ModelFile(model).encoded(), to: saveModel) }
        let plots =
            plotOptions.plot.map { destination in
                PlotDestination(destination).add(
                    cv.targets.indices.flatMap { Self.crossValidationPlots(cv, target: $0).plots() }, into: &outputs)
            } ?? []
        try outputs.commit()
        print(
            json
                ? elasticNetCVJSON(cv, metrics).text
                : elasticNetCVReport(cv, metrics, shape: shape, defaultGrid: alphas == nil, plots: plots))
    }

    /// glmnet's two plots of target `o`'s cross-validated path (`plot(fit)` and `plot(cv.fit)`):
    /// the coefficients refitted on every row against alpha, and the mean held-out error with
    /// ±1 standard error bars, the best and 1-SE alphas marked on both; with several targets the
    /// files are named by the target, as the ridge path's are.
    static func crossValidationPlots(_ cv: ElasticNetCV, target o: Int = 0) -> PathPlotData {
        let target = cv.targets[o], k = cv.targets.count, ratio = cv.l1Ratio
        let model = ratio == 1 ? "Lasso" : ratio == 0 ? "Ridge (coordinate descent)" : "Elastic net (l1_ratio \(Format.number(ratio)))"
        let suffix = k > 1 ? " (\(cv.targetNames[o]))" : ""
        return PathPlotData(
            alphas: cv.alphas,
            coefficients: cv.featureNames.indices.map { j in cv.parameters.map { $0.coefficients.elements[j * k + o] } },
            featureNames: cv.featureNames, penaltyName: model + suffix,
            criterion: ("CV MSE" + (k > 1 ? " of \(cv.targetNames[o])" : ""), target.scores, target.standardErrors),
            chosen: target.choice.index, oneStandardError: target.choice.oneStandardErrorIndex,
            fileSuffix: PathPlotData.fileSuffixes(targetNames: cv.targetNames)[o])
    }

    /// The rows with `--fold-column`'s column taken out of the features, and its values.
    private func loadWithFoldColumn(_ column: String) throws -> (Dataset<Double>, [Double]) {
        if data.targets.contains(column) { throw CLIError.badArgument("--fold-column \(column) is a target: name another column") }
        if weights == column { throw CLIError.badArgument("--fold-column \(column) is the --weights column: name another column") }
        if let features = data.features, features.contains(column) {
            throw CLIError.badArgument(
                "--fold-column \(column) is one of --features: the fold labels are not a feature; drop it from --features")
        }
        let all = try Dataset<Double>.load(
            path: data.file, targets: data.targets, features: data.features.map { $0 + [column] }, weights: weights)
        // .npy columns are named x1, x2, … and may also be given by 0-based index.
        let npyName =
            (try? DataFileFormat.of(path: data.file)) == .npy ? Int(column).flatMap { $0 >= 0 ? "x\($0 + 1)" : nil } : nil
        let named: (String) -> Bool = { $0 == column || $0 == npyName }
        guard let index = all.featureNames.firstIndex(where: named) else {
            if all.targetNames.contains(where: named) {
                throw CLIError.badArgument(
                    "--fold-column \(column) is the target (the last column when no --target is named): name the target with --target")
            }
            throw FileError.unknownColumn(path: data.file, name: column, available: all.featureNames + all.targetNames)
        }
        let n = all.rows, p = all.featureCount
        let kept = (0..<p).filter { $0 != index }
        guard !kept.isEmpty else { throw CLIError.badArgument("--fold-column \(column) is the only feature: the fit needs another") }
        var features = [Double](repeating: 0, count: n * kept.count), labels = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for (c, j) in kept.enumerated() { features[i * kept.count + c] = all.features.elements[i * p + j] }
            labels[i] = all.features.elements[i * p + index]
        }
        let rows = try Dataset(
            features: Matrix(rows: n, columns: kept.count, elements: features), targets: all.targets,
            featureNames: kept.map { all.featureNames[$0] }, targetNames: all.targetNames, weights: all.weights)
        return (rows, labels)
    }

    /// The folds in words, for the report.
    private func foldsDescription(_ cv: ElasticNetCV) -> String {
        let sizes = cv.foldSizes, low = sizes.min()!, high = sizes.max()!
        let rows = low == high ? "\(low) rows each" : "\(low) to \(high) rows"
        guard let foldColumn else { return "\(cv.foldCount) folds of \(rows), shuffled by seed \(seed ?? 0)" }
        return folds == nil
            ? "\(cv.foldCount) folds of \(rows), one per value of \(foldColumn) (glmnet's foldid, scikit-learn's PredefinedSplit)"
            : "\(cv.foldCount) folds of \(rows), \(foldColumn)'s groups kept together (scikit-learn's GroupKFold)"
    }

    private func elasticNetCVJSON(_ cv: ElasticNetCV, _ metrics: RegressionMetrics) -> JSON {
        let targets = cv.targets, single = targets.count == 1
        func perTarget(_ value: (ElasticNetCV.Target) -> JSON) -> JSON { single ? value(targets[0]) : .array(targets.map(value)) }
        return .object(
            Reports.parameters(cv.chosenParameters, fitIntercept: cv.fitIntercept) + [
                ("features", .strings(cv.featureNames)), ("targets", .strings(cv.targetNames)),
                ("weights", weights.map(JSON.string) ?? .null),
                ("metrics", .object([("train", Reports.metrics(metrics)), ("test", .null)])),
                ("method", .string("coordinateDescentCV")), ("updates", .string(cv.method.rawValue)),
                ("converged", .bool(cv.converged)),
                (
                    "regularization",
                    .object(
                        [
                            ("penalty", .string(cv.l1Ratio == 1 ? "l1" : "elasticnet")), ("l1Ratio", .number(cv.l1Ratio)),
                            ("criterion", .string("cv")), ("folds", .integer(cv.foldCount)),
                        ]
                            + Reports.crossValidationKeys(
                                alphas: cv.alphas, glmnetLambda: cv.glmnetLambda, choices: targets.map(\.choice),
                                scores: targets.map(\.scores),
                                standardErrors: targets.map(\.standardErrors), foldErrors: targets.map(\.foldErrors)) + [
                                ("nonzeroCoefficients", perTarget { .array($0.nonzeroCoefficients.map(JSON.integer)) })
                            ])
                ),
            ])
    }

    private func elasticNetCVReport(_ cv: ElasticNetCV, _ metrics: RegressionMetrics, shape: String, defaultGrid: Bool, plots: [String])
        -> String
    {
        let r = cv.l1Ratio, lowest = cv.alphas.min()!, highest = cv.alphas.max()!
        let model = r == 1 ? "lasso" : r == 0 ? "ridge (by coordinate descent)" : "elastic net"
        let penalty = r == 1 ? "α·‖β‖₁" : r == 0 ? "α/2·‖β‖²" : "α·(R·‖β‖₁ + (1 − R)/2·‖β‖²), R = \(Format.number(r))"
        let unit = weights == nil ? "n" : "Σw"
        var lines = [
            "Cross-validated \(model) on \(data.file): \(shape)" + (weights.map { ", weighted by \($0)" } ?? ""),
            "\(Format.count(cv.alphas.count, "alpha")) from \(Format.number(highest, digits: 4)) down to \(Format.number(lowest, digits: 4))"
                + (defaultGrid ? " (alpha_max, where every coefficient is zero, to 1e-3 of it, as LassoCV)" : "")
                + ", coordinate descent with warm starts (\(cv.method.rawValue) updates)",
            "α as scikit-learn's ElasticNet: ‖y − Xβ − b‖²/(2\(unit)) + \(penalty) (glmnet's λ = α with standardize = FALSE)",
            "Folds: \(foldsDescription(cv)); the score is the held-out mean squared error averaged over the folds (LassoCV's mse_path_), its standard error sd/√\(cv.foldCount) (glmnet's cvsd)",
        ]
        for (o, target) in cv.targets.enumerated() {
            let choice = target.choice
            lines.append("")
            if cv.targets.count > 1 { lines.append("Target \(cv.targetNames[o]):") }
            var table = Table(["", "alpha", "glmnet lambda", "CV MSE", "std. error", "nonzero"])
            for (name, index) in [("best", choice.index), ("1-SE", choice.oneStandardErrorIndex)] {
                table.add([
                    name, Format.number(cv.alphas[index]), Format.number(cv.glmnetLambda(cv.alphas[index])),
                    Format.number(target.scores[index]),
                    Format.number(target.standardErrors[index], digits: 3), "\(target.nonzeroCoefficients[index])",
                ])
            }
            lines.append(table.render())
            if let warning = Reports.gridEdgeWarning(best: choice.alpha, alphas: cv.alphas, largestCounts: !defaultGrid) {
                lines.append(warning)
            }
            if !target.converged {
                lines.append(
                    "  NOT converged: a solution stopped at the sweep limit above its gap tolerance; its errors are of the last iterate")
            }
            lines += Reports.chosenCoefficients(
                cv.parameters, best: choice.index, oneStandardError: choice.oneStandardErrorIndex, target: o, targetNames: cv.targetNames,
                featureNames: cv.featureNames, fitIntercept: cv.fitIntercept, units: "original units, refitted on every row")
        }
        lines += Reports.chosenFooter(metrics: metrics, explanation: Reports.oneStandardErrorNote, saveModel: saveModel, plots: plots)
        return lines.joined(separator: "\n")
    }
}
