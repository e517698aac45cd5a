import Foundation
import MiniBatchGD

/// Pieces of output shared by the subcommands.
enum Reports {
    /// `intercept` (number, null without intercept, an array for several targets) and
    /// `coefficients` (feature order; one array per target when there are several).
    static func parameters(_ parameters: Parameters, fitIntercept: Bool) -> [(String, JSON)] {
        let k = parameters.outputCount
        let intercept: JSON = !fitIntercept ? .null : (k == 1 ? .number(parameters.intercept[0]) : .numbers(parameters.intercept))
        let coefficients: JSON =
            k == 1
            ? .numbers(parameters.coefficients.column(0))
            : .array((0..<k).map { .numbers(parameters.coefficients.column($0)) })
        return [("intercept", intercept), ("coefficients", coefficients)]
    }

    static func metrics(_ metrics: RegressionMetrics?) -> JSON {
        guard let metrics else { return .null }
        return .object([
            ("mse", .number(metrics.meanSquaredError)), ("rmse", .number(metrics.rootMeanSquaredError)),
            ("mae", .number(metrics.meanAbsoluteError)), ("r2", .number(metrics.r2)),
        ])
    }

    /// A table of intercept and coefficients, one row per labelled parameter set, for one target.
    static func parameterTable(features: [String], target: Int, fitIntercept: Bool, rows: [(String, Parameters)]) -> String {
        var table = Table([""] + (fitIntercept ? ["intercept"] : []) + features)
        for (label, parameters) in rows {
            table.add(
                [label] + (fitIntercept ? [Format.number(parameters.intercept[target])] : [])
                    + parameters.coefficients.column(target).map { Format.number($0) })
        }
        return table.render()
    }

    static func metricsTable(train: RegressionMetrics, test: RegressionMetrics?) -> String {
        var table = Table(["", "MSE", "RMSE", "MAE", "R²"])
        for (label, m) in [("train", train), ("test", test)] {
            guard let m else { continue }
            table.add(
                [label] + [m.meanSquaredError, m.rootMeanSquaredError, m.meanAbsoluteError, m.r2].map { Format.number($0, digits: 5) })
        }
        return table.render()
    }

    /// Cost per batch and per epoch (log scale), and the fit on `data` (a line for one feature,
    /// predicted against actual otherwise). Returns the files written.
    static func plots(folder: String, history: History, model: LinearRegression, data: Dataset, dataLabel: String) throws -> [String] {
        try preparePlotFolder(folder)
        var written: [String] = []
        if !history.batchCosts.isEmpty {
            var plot = SVGPlot(title: "Cost of each batch", xLabel: "batch update", yLabel: "cost (log scale)", yLog: true)
            plot.series = [.init(name: "batch cost", points: history.batchCosts.enumerated().map { (Double($0 + 1), $1) })]
            try plot.write(to: folder + "/cost-per-batch.svg")
            written.append(folder + "/cost-per-batch.svg")
        }
        var epochs = SVGPlot(title: "Cost after each epoch", xLabel: "epoch", yLabel: "cost (log scale)", yLog: true)
        epochs.series = [.init(name: "training cost", points: history.epochCosts.enumerated().map { (Double($0 + 1), $1) }, markers: true)]
        if !history.validationCosts.isEmpty {
            epochs.series.append(
                .init(name: "validation cost", points: history.validationCosts.enumerated().map { (Double($0 + 1), $1) }, markers: true))
        }
        try epochs.write(to: folder + "/cost-per-epoch.svg")
        written.append(folder + "/cost-per-epoch.svg")

        let predictions = try model.predict(data.features)
        if data.featureCount == 1, data.outputCount == 1 {
            var plot = SVGPlot(title: "Fitted line on the \(dataLabel) data", xLabel: data.featureNames[0], yLabel: data.targetNames[0])
            let xs = data.features.elements
            plot.series = [
                .init(name: "\(dataLabel) data", points: zip(xs, data.targets.elements).map { ($0, $1) }, line: false, markers: true)
            ]
            let ends = [xs.min()!, xs.max()!]
            let line = try model.predict(Matrix(column: ends))
            plot.series.append(.init(name: "fitted line", points: [(ends[0], line[0, 0]), (ends[1], line[1, 0])]))
            try plot.write(to: folder + "/fit.svg")
            written.append(folder + "/fit.svg")
        } else {
            var plot = SVGPlot(title: "Predicted against actual (\(dataLabel) data)", xLabel: "actual", yLabel: "predicted", diagonal: true)
            plot.series = (0..<data.outputCount).map { o in
                .init(
                    name: data.targetNames[o], points: (0..<data.rows).map { (data.targets[$0, o], predictions[$0, o]) }, line: false,
                    markers: true)
            }
            try plot.write(to: folder + "/predicted-vs-actual.svg")
            written.append(folder + "/predicted-vs-actual.svg")
        }
        return written
    }
}
