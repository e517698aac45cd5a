import ArgumentParser
import Foundation
import MiniBatchGD

extension Solve {
    /// What the exact losses share before their solvers on dense rows (sparse ones go to
    /// ``runSparseExactLoss()``): the options that mean nothing beside them refused, one process,
    /// dense rows loaded (encoded when asked).
    /// - Parameters:
    ///   - loss: the `--loss` value, for the messages.
    ///   - solver: how it is solved, for the messages ("by Newton's method").
    func loadForExactLoss(_ loss: String, solvedBy solver: String) throws -> (
        status: Status, dataset: CommandData, encoding: FeatureEncoding?
    ) {
        try checkExactLossOptions(loss, solvedBy: solver)
        let status = Status(quiet: json)
        let encoded = try status.during(Status.loading(data.file)) { try data.loadEncoded(weights: weights) }
        let dense: Dataset<Double>?
        switch encoded?.rows {
        case .sparse?: throw CLIError.badArgument("the encoded columns of \(data.file) are sparse: --loss \(loss) solves dense rows")
        case let .dense(rows)?: dense = rows
        case nil: dense = nil
        }
        let dataset = try status.during(Status.loading(data.file)) {
            try dense.map { try CommandData(encoded: $0, precision: data.resolvedPrecision()) } ?? CommandData(data, weights: weights)
        }
        return (status, dataset, encoded?.encoding)
    }

    /// Refuses the options that mean nothing beside an exact loss's solve, and more than one process.
    func checkExactLossOptions(_ loss: String, solvedBy solver: String) throws {
        let conflicts: [(Bool, String)] = [
            (l2 != 0, "--l2"), (l1Argument != nil, "--l1"), (ridge != nil, "--ridge"), (method != .auto, "--method"),
            (covariance != .nonrobust, "--covariance"),
            (confidence != LeastSquares.defaultConfidenceLevel, "--confidence"), (noRefine, "--no-refine"),
        ]
        for (given, option) in conflicts where given {
            throw CLIError.badArgument("--loss \(loss) is solved \(solver) alone, with no penalty or statistics; drop \(option)")
        }
        if Cluster.communicator != nil {
            throw CLIError.badArgument("--loss \(loss) runs in one process; run it with mbgd solve, not mbgd-mpi")
        }
    }

    /// What they share after, on dense rows: the report below, with the rows' errors and shape.
    func reportExactLoss(
        _ model: LinearRegression, dataset: CommandData, parameters: Parameters, fields: [(String, JSON)], lines: [String]
    ) throws {
        try reportExactLoss(
            model, parameters: parameters, featureNames: dataset.featureNames, targetNames: dataset.targetNames,
            metrics: dataset.evaluate(model, threads: threads),
            dataLine: "Data: \(data.file), \(dataset.rows) rows × \(Format.count(dataset.featureCount, "feature"))"
                + (weights.map { ", weighted by \($0)" } ?? ""),
            fields: fields, lines: lines)
    }

    /// What every exact loss's solve shares after its solver, dense or sparse: the model saved,
    /// then the JSON (the fit's shared keys, `dataFields` before the errors, then `fields`) or the
    /// text (`dataLine`, `lines`, the estimates, the errors).
    func reportExactLoss(
        _ model: LinearRegression, parameters: Parameters, featureNames: [String], targetNames: [String],
        metrics: RegressionMetrics, dataLine: String, dataFields: [(String, JSON)] = [], fields: [(String, JSON)],
        lines: [String]
    ) throws {
        var outputs = Outputs()
        if let saveModel { outputs.add(try ModelFile(model).encoded(), to: saveModel) }
        try outputs.commit()
        if json {
            print(
                JSON.object(
                    Reports.parameters(parameters, fitIntercept: data.fitIntercept) + [
                        ("features", .strings(featureNames)), ("targets", .strings(targetNames)),
                        ("weights", weights.map(JSON.string) ?? .null),
                    ] + dataFields + [("metrics", .object([("train", Reports.metrics(metrics)), ("test", .null)]))] + fields
                ).text)
            return
        }
        var text = [dataLine] + lines
        text.append("")
        text += Reports.largestParameterTables(
            featureNames: featureNames, targetNames: targetNames, fitIntercept: data.fitIntercept,
            columns: [("estimate", parameters)])
        text += ["", "Errors on the rows solved:", Reports.metricsTable(train: metrics, test: nil)]
        if let saveModel, saveModel != "-" { text.append("Model written to \(saveModel)") }
        print(text.joined(separator: "\n"))
    }
}
