import ArgumentParser
import Foundation
import MiniBatchGD

extension Solve {
    /// `--alphas` means something only beside `--ridge`, and the options of one least-squares
    /// solve and its statistics nothing beside it.
    func validateRidgePath() throws {
        guard ridge != nil else {
            if let alphas, !l1CrossValidated {
                throw ValidationError("--alphas \(alphas) lists the strengths a path tries: give --ridge loo, --ridge gcv or --l1 cv")
            }
            if let plot = plotOptions.plot, !l1CrossValidated {
                throw ValidationError(
                    "--plot \(plot) draws a path (its coefficients and criterion against alpha): give --ridge loo, --ridge gcv or --l1 cv, or use mbgd path"
                )
            }
            return
        }
        _ = try parsedAlphas()
        if ridge == .cv {
            // k-fold cross-validation by LSQR on sparse rows: errors by fold, no ridge tables or plots.
            let sparseConflicts: [(Bool, String, String)] = [
                (plotOptions.plot != nil, "--plot", "its plots are of the exact path of dense rows (--ridge loo or gcv, or mbgd path)"),
                (confidence != LeastSquares.defaultConfidenceLevel, "--confidence", "its LSQR solves give no standard errors or intervals"),
                (covariance != .nonrobust, "--covariance", "its LSQR solves give no covariance"),
            ]
            for (given, option, why) in sparseConflicts where given { throw ValidationError("--ridge cv: \(why); drop \(option)") }
        }
        let conflicts: [(Bool, String, String)] = [
            (l1Argument != nil, "--l1", "the path is of ridge solutions; --l1 fits the lasso or elastic net"),
            (l2 != 0, "--l2", "the path chooses the L2 strength itself (--alphas lists the ones to try)"),
            (l1Ratio != nil, "--l1-ratio", "the path is of ridge solutions, with no L1 part"),
            (method != .auto, "--method", "the path comes from one eigendecomposition (or SVD), not from --method's factorizations"),
            (
                covariance != .nonrobust, "--covariance",
                "the path's standard errors are the classical ridge sandwich (mbgd solve --l2 A --covariance hc3 gives a robust one at one alpha)"
            ),
            (noRefine, "--no-refine", "the path is not refined, so there is no refinement to skip"),
        ]
        for (given, option, why) in conflicts where given { throw ValidationError("--ridge: \(why); drop \(option)") }
    }

    /// The strengths of `--alphas a,b,…`, each positive and finite; nil for the default grid.
    func parsedAlphas() throws -> [Double]? {
        guard let alphas else { return nil }
        let texts = alphas.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return try texts.map { text in
            guard let value = Double(text) else {
                throw ValidationError("--alphas = '\(text)' is invalid: must be numbers separated by commas, e.g. --alphas 0.1,1,10")
            }
            guard value > 0, value.isFinite else {
                throw ValidationError(
                    "--alphas = \(text) is invalid: every alpha must be positive and finite\(value == 0 ? " (0 is least squares: mbgd solve without --ridge)" : "")"
                )
            }
            return value
        }
    }

    /// `mbgd solve FILE --ridge loo|gcv [--alphas a,b,…]`: the exact ridge path over the alphas,
    /// the strength each target's criterion chooses, and the ridge fit there.
    func runRidgePath(_ criterion: RidgePath.Criterion) throws {
        if Cluster.communicator != nil {
            throw CLIError.badArgument("--ridge: the path needs every row in one process; run it with mbgd solve, not mbgd-mpi")
        }
        if SparseInput.isSparse(data.file) {
            throw CLIError.badArgument(
                "--ridge: \(data.file) holds sparse rows, and the path needs the dense Gram matrix's eigendecomposition (or the dense design's SVD); "
                    + "give a dense file (CSV or .npy: mbgd convert writes one), or --l2 A for one ridge solved by LSQR")
        }
        let status = Status(quiet: json)
        var model = LinearRegression(fitIntercept: data.fitIntercept)
        let encoded = try status.during(Status.loading(data.file)) { try data.loadEncoded(weights: weights) }
        if let encoded, case .sparse = encoded.rows {
            throw CLIError.badArgument(
                "--ridge: the encoded rows are sparse (--hash-features, or many categorical levels), and the path needs dense ones; drop --hash-features or give --l2 A"
            )
        }
        model.featureEncoding = encoded?.encoding
        let dense: Dataset<Double>? = if let encoded, case let .dense(rows) = encoded.rows { rows } else { nil }
        let dataset = try status.during(Status.loading(data.file)) {
            try dense.map { try CommandData(encoded: $0, precision: data.resolvedPrecision()) } ?? CommandData(data, weights: weights)
        }
        let alphas = try parsedAlphas()
        let path = try status.during(
            "computing the ridge path of \(dataset.rows) rows × \(Format.count(dataset.featureCount, "feature")) over \(alphas?.count ?? RidgePath.defaultAlphaCount) alphas"
        ) {
            try model.fit(dataset.source, ridge: criterion, alphas: alphas, penaltyUnits: penalize ?? .original, threads: threads)
        }
        let metrics = try dataset.evaluate(model, threads: threads)
        // Each target's table at its own chosen alpha.
        let tables = try path.targets.enumerated().map { o, target in
            try path.statistics(at: target.choice(criterion).index, confidenceLevel: confidence)[o]
        }
        var outputs = Outputs()
        if let saveModel { outputs.add(try ModelFile(model).encoded(), to: saveModel) }
        let plots =
            plotOptions.plot.map { destination in
                PlotDestination(destination).add(
                    path.targets.indices.flatMap { Self.pathPlots(path, criterion, target: $0).plots() }, into: &outputs)
            } ?? []
        try outputs.commit()
        print(
            json
                ? ridgePathJSON(path, criterion, tables, metrics).text
                : ridgePathReport(path, criterion, tables, metrics, defaultGrid: alphas == nil, plots: plots))
    }

    /// glmnet's two plots of target `o`'s path: its coefficients and the criterion, with the best
    /// and one-standard-error alphas marked; with several targets, the files are named by the
    /// target (`coefficient-paths-y2.svg`: ``PathPlotData/fileSuffixes(targetNames:)``).
    static func pathPlots(_ path: RidgePath, _ criterion: RidgePath.Criterion, target o: Int = 0) -> PathPlotData {
        let choice = path.targets[o].choice(criterion), k = path.targets.count
        let name = (criterion == .loo ? "LOO MSE" : "GCV") + (k > 1 ? " of \(path.targetNames[o])" : "")
        let penalty = k > 1 ? "Ridge (\(path.targetNames[o]))" : "Ridge"
        return PathPlotData(
            alphas: path.alphas,
            coefficients: path.featureNames.indices.map { j in path.parameters.map { $0.coefficients.elements[j * k + o] } },
            featureNames: path.featureNames, penaltyName: penalty,
            criterion: (name, path.targets[o].scores(criterion), path.targets[o].standardErrors(criterion)), chosen: choice.index,
            oneStandardError: choice.oneStandardErrorIndex,
            fileSuffix: PathPlotData.fileSuffixes(targetNames: path.targetNames)[o])
    }

    private func ridgePathJSON(
        _ path: RidgePath, _ criterion: RidgePath.Criterion, _ tables: [CoefficientTable], _ metrics: RegressionMetrics
    )
        -> JSON
    {
        let choices = path.targets.map { $0.choice(criterion) }, single = choices.count == 1
        func perTarget(_ value: (Int) -> JSON) -> JSON { single ? value(0) : .array(choices.indices.map(value)) }
        return .object(
            Reports.parameters(path.chosenParameters(criterion), fitIntercept: path.fitIntercept)
                + [("covarianceType", .string("nonrobust")), ("observations", .integer(path.observations))]
                + Reports.coefficientStatistics(tables) + [
                    (
                        "residualStandardDeviation",
                        perTarget { o in
                            .number((path.targets[o].residualSumOfSquares[choices[o].index] / tables[o].degreesOfFreedom).squareRoot())
                        }
                    ),
                    ("degreesOfFreedom", perTarget { .number(tables[$0].degreesOfFreedom) }),
                ] + [
                    ("features", .strings(path.featureNames)), ("targets", .strings(path.targetNames)),
                    ("weights", weights.map(JSON.string) ?? .null),
                    ("metrics", .object([("train", Reports.metrics(metrics)), ("test", .null)])),
                    ("method", .string("ridgePath")), ("decomposition", .string(path.decomposition.rawValue)),
                    (
                        "regularization",
                        .object([
                            ("penalty", .string("l2")), ("criterion", .string(criterion.rawValue)),
                            ("penalize", .string(path.penaltyUnits.rawValue)),
                            ("alpha", perTarget { .number(choices[$0].alpha) }),
                            ("glmnetLambda", perTarget { .number(path.glmnetLambda(choices[$0].alpha)) }),
                            ("score", perTarget { .number(choices[$0].score) }),
                            ("standardError", perTarget { .number(choices[$0].standardError) }),
                            ("alpha1se", perTarget { .number(choices[$0].oneStandardErrorAlpha) }),
                            ("alphas", .numbers(path.alphas)),
                            ("scores", perTarget { .numbers(path.targets[$0].scores(criterion)) }),
                            ("standardErrors", perTarget { .numbers(path.targets[$0].standardErrors(criterion)) }),
                            ("effectiveDegreesOfFreedom", .numbers(path.effectiveDegreesOfFreedom)),
                        ])
                    ),
                ])
    }

    private func ridgePathReport(
        _ path: RidgePath, _ criterion: RidgePath.Criterion, _ tables: [CoefficientTable], _ metrics: RegressionMetrics, defaultGrid: Bool,
        plots: [String]
    ) -> String {
        let p = path.featureNames.count, lowest = path.alphas.min()!, highest = path.alphas.max()!
        let scaled = path.penaltyUnits == .standardized ? ", standardized" : ""
        let factorization =
            path.decomposition == .eigen
            ? "one eigendecomposition of the centred\(scaled) Gram matrix"
            : "one SVD of the centred\(scaled) design (fewer rows than features)"
        var lines = [
            "Ridge path on \(data.file): \(path.rows) rows, \(Format.count(p, "feature"))" + (weights.map { ", weighted by \($0)" } ?? ""),
            "\(Format.count(path.alphas.count, "alpha")) from \(Format.number(lowest, digits: 4)) to \(Format.number(highest, digits: 4))"
                + (defaultGrid ? " (1e-6 to 10 times the Gram matrix's largest eigenvalue)" : "") + ", \(factorization)",
            path.penaltyUnits == .original
                ? "α as scikit-learn's Ridge: ‖y − Xβ − b‖² + α·‖β‖² (glmnet's λ = α/\(weights == nil ? "n" : "Σw") with standardize = FALSE)"
                : "α on the standardized coefficients: ‖y − Xβ − b‖² + α·‖Sβ‖², S the columns' standard deviations (glmnet's λ = α/\(weights == nil ? "n" : "Σw") with standardize = TRUE)",
            criterion == .loo
                ? "Criterion: exact leave-one-out, the mean of \(weights == nil ? "" : "wᵢ·")(yᵢ − ŷ₋ᵢ)² (scikit-learn's RidgeCV; the score is minus its best_score_)"
                : "Criterion: generalized cross-validation, (1/m)·Σ\(weights == nil ? "" : "wᵢ")rᵢ² / (1 − tr H/m)²",
        ]
        for (o, target) in path.targets.enumerated() {
            let choice = target.choice(criterion), scores = target.scores(criterion), errors = target.standardErrors(criterion)
            lines.append("")
            if path.targets.count > 1 { lines.append("Target \(path.targetNames[o]):") }
            var table = Table(["", "alpha", "glmnet lambda", criterion == .loo ? "LOO MSE" : "GCV", "std. error", "df = tr H"])
            for (name, index) in [("best", choice.index), ("1-SE", choice.oneStandardErrorIndex)] {
                table.add([
                    name, Format.number(path.alphas[index]), Format.number(path.glmnetLambda(path.alphas[index])),
                    Format.number(scores[index]),
                    Format.number(errors[index], digits: 3), Format.number(path.effectiveDegreesOfFreedom[index], digits: 5),
                ])
            }
            lines.append(table.render())
            if let warning = Reports.gridEdgeWarning(best: choice.alpha, alphas: path.alphas) { lines.append(warning) }
            lines += Reports.chosenCoefficients(
                path.parameters, best: choice.index, oneStandardError: choice.oneStandardErrorIndex, target: o,
                targetNames: path.targetNames, featureNames: path.featureNames, fitIntercept: path.fitIntercept, units: "original units")
            let estimates = Reports.estimatesTable(tables[o], featureNames: path.featureNames)
            lines.append("At the best alpha, conditional on it (the ridge sandwich; t on n − tr H degrees of freedom):")
            lines.append(estimates.text)
            if estimates.stars { lines.append(Reports.significanceLegend) }
            lines.append("Intervals at \(Format.number(100 * confidence, digits: 4)) % from Student's t.")
            if let note = tables[o].penaltyNote { lines.append(note) }
        }
        lines += Reports.chosenFooter(metrics: metrics, explanation: Reports.oneStandardErrorNote, saveModel: saveModel, plots: plots)
        return lines.joined(separator: "\n")
    }
}
