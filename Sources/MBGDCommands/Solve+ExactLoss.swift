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

    /// What they share after: the model saved, then the JSON (the fit's shared keys, then
    /// `fields`) or the text (the data line, `lines`, the estimates, the errors).
    func reportExactLoss(
        _ model: LinearRegression, dataset: CommandData, parameters: Parameters, fields: [(String, JSON)], lines: [String]
    ) throws {
        let metrics = try dataset.evaluate(model, threads: threads)
        var outputs = Outputs()
        if let saveModel { outputs.add(try ModelFile(model).encoded(), to: saveModel) }
        try outputs.commit()
        if json {
            print(
                JSON.object(
                    Reports.parameters(parameters, fitIntercept: data.fitIntercept) + [
                        ("features", .strings(dataset.featureNames)), ("targets", .strings(dataset.targetNames)),
                        ("weights", weights.map(JSON.string) ?? .null),
                        ("metrics", .object([("train", Reports.metrics(metrics)), ("test", .null)])),
                    ] + fields
                ).text)
            return
        }
        var text = [
            "Data: \(data.file), \(dataset.rows) rows × \(Format.count(dataset.featureCount, "feature"))"
                + (weights.map { ", weighted by \($0)" } ?? "")
        ]
        text += lines
        text.append("")
        text += Reports.largestParameterTables(
            featureNames: dataset.featureNames, targetNames: dataset.targetNames, fitIntercept: data.fitIntercept,
            columns: [("estimate", parameters)])
        text += ["", "Errors on the rows solved:", Reports.metricsTable(train: metrics, test: nil)]
        if let saveModel, saveModel != "-" { text.append("Model written to \(saveModel)") }
        print(text.joined(separator: "\n"))
    }
}
