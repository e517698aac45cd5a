import ArgumentParser
import Foundation
import MiniBatchGD

extension Solve {
    /// `mbgd solve FILE.svm --ridge cv [--folds K] [--seed S] [--alphas …]`: ridge on sparse rows
    /// with its strength chosen by k-fold cross-validation (``SparseRidgeCV``), the best and
    /// one-standard-error alphas, and the ridge on every row at the best.
    func runSparseRidgeCV() throws {
        if Cluster.communicator != nil {
            throw CLIError.badArgument("--ridge cv: the folds run in one process; run it with mbgd solve, not mbgd-mpi")
        }
        let status = Status(quiet: json)
        var model = LinearRegression(fitIntercept: data.fitIntercept)
        let rows: SparseDataset<Double>
        if SparseInput.isSparse(data.file) {
            try SparseInput.check(data, weights: weights)
            rows = try SparseInput.rows(data, encoded: nil, status: status, as: Double.self)
        } else {
            let encoded = try status.during(Status.loading(data.file)) { try data.loadEncoded(weights: weights) }
            guard let encoded, case let .sparse(sparse) = encoded.rows else {
                throw CLIError.badArgument(
                    "--ridge cv cross-validates sparse rows (libsvm, .npz, or columns made sparse by --hash-features); \(data.file) holds dense rows, "
                        + "for which --ridge loo gives the exact leave-one-out error (n folds) from one eigendecomposition")
            }
            model.featureEncoding = encoded.encoding
            rows = sparse
        }
        let alphas = try parsedAlphas()
        let cv = try status.during(
            "cross-validating the ridge of \(SparseInput.shape(rows)) over \(alphas?.count ?? RidgePath.defaultAlphaCount) alphas by LSQR"
        ) {
            try namingFoldOptions {
                try model.fit(
                    rows, ridgeCrossValidating: requestedFolds(column: nil), alphas: alphas, penaltyUnits: penalize ?? .original,
                    threads: threads)
            }
        }
        let metrics = try model.evaluate(rows)
        var outputs = Outputs()
        if let saveModel { outputs.add(try ModelFile(model).encoded(), to: saveModel) }
        try outputs.commit()
        print(json ? sparseRidgeJSON(cv, metrics, rows).text : sparseRidgeReport(cv, metrics, rows, defaultGrid: alphas == nil))
    }

    private func sparseRidgeJSON(_ cv: SparseRidgeCV, _ metrics: RegressionMetrics, _ rows: SparseDataset<Double>) -> JSON {
        let targets = cv.targets
        return .object(
            Reports.parameters(cv.chosenParameters, fitIntercept: cv.fitIntercept) + [
                ("features", .strings(cv.featureNames)), ("targets", .strings(cv.targetNames)),
                ("weights", weights.map(JSON.string) ?? .null), ("sparse", SparseInput.json(rows)),
                ("metrics", .object([("train", Reports.metrics(metrics)), ("test", .null)])),
                ("method", .string("lsqrCV")),
                (
                    "regularization",
                    .object(
                        [
                            ("penalty", .string("l2")), ("criterion", .string("cv")), ("penalize", .string(cv.penaltyUnits.rawValue)),
                            ("folds", .integer(cv.foldCount)),
                        ]
                            + Reports.crossValidationKeys(
                                alphas: cv.alphas, glmnetLambda: cv.glmnetLambda, choices: targets.map(\.choice),
                                scores: targets.map(\.scores),
                                standardErrors: targets.map(\.standardErrors), foldErrors: targets.map(\.foldErrors)) + [
                                ("errorBounds", .numbers(cv.errorBounds)), ("iterations", .array(cv.iterations.map(JSON.integer))),
                            ])
                ),
            ])
    }

    private func sparseRidgeReport(_ cv: SparseRidgeCV, _ metrics: RegressionMetrics, _ rows: SparseDataset<Double>, defaultGrid: Bool)
        -> String
    {
        let lowest = cv.alphas.min()!, highest = cv.alphas.max()!
        let sizes = (0..<cv.foldCount).map { f in cv.foldOfRow.count { $0 == f } }
        let unit = weights == nil ? "n" : "Σw"
        var lines = [
            "Cross-validated ridge on \(data.file): \(SparseInput.shape(rows))" + (weights.map { ", weighted by \($0)" } ?? ""),
            "\(Format.count(cv.alphas.count, "alpha")) from \(Format.number(highest, digits: 4)) down to \(Format.number(lowest, digits: 4))"
                + (defaultGrid ? " (10 to 1e-6 times the centred Gram matrix's largest eigenvalue, by power iteration)" : "")
                + ", each solved by LSQR from the last (\(cv.iterations.reduce(0, +)) iterations on every row)",
            cv.penaltyUnits == .original
                ? "α as scikit-learn's Ridge: ‖y − Xβ − b‖² + α·‖β‖² (glmnet's λ = α/\(unit) with standardize = FALSE)"
                : "α on the standardized coefficients: ‖y − Xβ − b‖² + α·‖Sβ‖², S the columns' standard deviations (glmnet's λ = α/\(unit) with standardize = TRUE)",
            "Folds: \(cv.foldCount) folds of \(sizes.min()!)\(sizes.min() == sizes.max() ? "" : " to \(sizes.max()!)") rows, shuffled by seed \(seed ?? 0); "
                + "the score is the held-out mean squared error averaged over the folds, its standard error sd/√\(cv.foldCount) (glmnet's cvsd)",
        ]
        for (o, target) in cv.targets.enumerated() {
            let choice = target.choice
            lines.append("")
            if cv.targets.count > 1 { lines.append("Target \(cv.targetNames[o]):") }
            var table = Table(["", "alpha", "glmnet lambda", "CV MSE", "std. error", "error bound"])
            for (name, index) in [("best", choice.index), ("1-SE", choice.oneStandardErrorIndex)] {
                table.add([
                    name, Format.number(cv.alphas[index]), Format.number(cv.glmnetLambda(cv.alphas[index])),
                    Format.number(target.scores[index]),
                    Format.number(target.standardErrors[index], digits: 3), Format.number(cv.errorBounds[index], digits: 2),
                ])
            }
            lines.append(table.render())
            if let warning = Reports.gridEdgeWarning(best: choice.alpha, alphas: cv.alphas) { lines.append(warning) }
            lines += Reports.chosenCoefficients(
                cv.parameters, best: choice.index, oneStandardError: choice.oneStandardErrorIndex, target: o, targetNames: cv.targetNames,
                featureNames: cv.featureNames, fitIntercept: cv.fitIntercept, units: "original units, refitted on every row")
        }
        lines += Reports.chosenFooter(
            metrics: metrics,
            explanation: "(error bound: LSQR's certified bound on the coefficients' distance from the exact ridge solution.)",
            saveModel: saveModel)
        return lines.joined(separator: "\n")
    }
}
