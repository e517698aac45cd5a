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

    /// A table of intercept and coefficients for one target, one row per parameter (as
    /// statsmodels prints them, whatever the feature count) and one column per labelled
    /// parameter set.
    static func parameterTable(features: [String], target: Int, fitIntercept: Bool, columns: [(String, Parameters)]) -> String {
        var table = Table([""] + columns.map(\.0))
        if fitIntercept { table.add(["intercept"] + columns.map { Format.number($0.1.intercept[target]) }) }
        for (index, name) in features.enumerated() {
            table.add([name] + columns.map { Format.number($0.1.coefficients[index, target]) })
        }
        return table.render()
    }

    /// ``largestParameters(featureNames:target:fitIntercept:columns:limit:)`` for every target,
    /// each under its heading ("Coefficients for y2 (original units):" with several targets).
    static func largestParameterTables(
        featureNames: [String], targetNames: [String], fitIntercept: Bool, columns: [(String, Parameters)]
    ) -> [String] {
        targetNames.indices.flatMap { o in
            [
                "Coefficients\(targetNames.count > 1 ? " for \(targetNames[o])" : "") (original units):",
                largestParameters(featureNames: featureNames, target: o, fitIntercept: fitIntercept, columns: columns),
            ]
        }
    }

    /// The parameters' table for target `o`: the intercept, then the `limit` features largest in
    /// magnitude in the first column's parameters (all of them when there are no more), in
    /// feature order; says how many were left out.
    static func largestParameters(
        featureNames: [String], target o: Int, fitIntercept: Bool, columns: [(String, Parameters)], limit: Int = 20
    ) -> String {
        let first = columns[0].1, p = featureNames.count
        let byMagnitude = (0..<p).sorted { abs(first.coefficients[$0, o]) > abs(first.coefficients[$1, o]) }
        let kept = p <= limit ? Array(0..<p) : Array(byMagnitude.prefix(limit)).sorted()
        var table = Table([""] + columns.map(\.0))
        if fitIntercept { table.add(["intercept"] + columns.map { Format.number($0.1.intercept[o]) }) }
        for j in kept { table.add([featureNames[j]] + columns.map { Format.number($0.1.coefficients[j, o]) }) }
        let rest = p - kept.count
        return table.render() + (rest > 0 ? "\n  … \(rest) more, the smallest in magnitude (--json has them all)" : "")
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

    /// Epochs past which a run's time axis (epochs, and batch updates) is logarithmic. Descent
    /// moves most in its first epochs and then creeps: past 50 epochs a linear axis crushes the
    /// movement into one spike at the left, while a log axis gives each decade of epochs the
    /// same width. Up to 50 epochs a linear axis still shows each epoch apart. The rule is the
    /// count alone, so the same run always gets the same axis.
    static let logEpochAxisBeyond = 50

    /// Whether a run of `epochs` epochs is drawn on a logarithmic time axis.
    static func logTimeAxis(epochs: Int) -> Bool { epochs > logEpochAxisBeyond }

    /// Cost per batch (the raw band and its moving average) and per epoch (log scale), each with
    /// the closed-form optimum `optimum` (the same cost at the exact solution) as a dashed line,
    /// the epochs' relative gap to it on a log axis with decade ticks, and the fit on `data` (a
    /// line for one feature, predicted against actual otherwise): a file name and panels each.
    static func plots(
        history: History, model: LinearRegression, data: Dataset<Double>, dataLabel: String, optimum: Double?
    ) throws -> [(file: String, panels: [SVGPlot])] {
        var plots: [(file: String, panels: [SVGPlot])] = []
        func optimumLine(_ count: Int) -> [SVGPlot.Series] {
            guard let optimum, count > 0 else { return [] }
            return [.init(name: "closed-form optimum", points: [(1, optimum), (Double(count), optimum)], dashed: true, colorIndex: 2)]
        }
        let batches = history.batchCosts
        if !batches.isEmpty {
            // At least one epoch's batches per window (a two-hundredth of a long run), at most a
            // twentieth of the run.
            let perEpoch = max(1, batches.count / max(1, history.epochsRun))
            let window = max(1, min(max(perEpoch, batches.count / 200), batches.count / 20))
            let long = logTimeAxis(epochs: history.epochsRun)
            var plot = SVGPlot(
                title: "Cost of each batch", xLabel: long ? "batch update (log scale)" : "batch update", yLabel: "cost (log scale)",
                xLog: long, yLog: true)
            plot.series =
                [
                    .init(name: "batch cost", points: batches.enumerated().map { (Double($0 + 1), $1) }, opacity: 0.3, colorIndex: 0),
                    .init(name: "moving average of \(window) batches", points: movingAverage(batches, window: window), colorIndex: 0),
                ] + optimumLine(batches.count)
            plots.append(("cost-per-batch.svg", [plot]))
        }
        let epochCosts = history.epochCosts
        // A long run's epochs crowd the last decade of a log axis: a line alone, not a band of markers.
        let long = logTimeAxis(epochs: epochCosts.count)
        let epochLabel = long ? "epoch (log scale)" : "epoch"
        var epochs = SVGPlot(title: "Cost after each epoch", xLabel: epochLabel, yLabel: "cost (log scale)", xLog: long, yLog: true)
        epochs.series = [.init(name: "training cost", points: epochCosts.enumerated().map { (Double($0 + 1), $1) }, markers: !long)]
        if !history.validationCosts.isEmpty {
            epochs.series.append(
                .init(
                    name: "validation cost", points: history.validationCosts.enumerated().map { (Double($0 + 1), $1) }, markers: !long))
        }
        epochs.series += optimumLine(epochCosts.count)
        if let optimum, optimum > 0 {
            // Epochs at or below the optimum (rounding) have no place on a log axis and are left out.
            var gap = SVGPlot(
                title: "Relative gap to the closed-form optimum", xLabel: epochLabel, yLabel: "(J − J*) / J* (log scale)", xLog: long,
                yLog: true)
            gap.series = [
                .init(
                    name: "training cost's gap to the optimum",
                    points: epochCosts.enumerated().map { (Double($0 + 1), ($1 - optimum) / optimum) }, markers: !long)
            ]
            plots.append(("cost-per-epoch.svg", [epochs, gap]))
        } else {
            plots.append(("cost-per-epoch.svg", [epochs]))
        }

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
            plots.append(("fit.svg", [plot]))
        } else {
            var plot = SVGPlot(title: "Predicted against actual (\(dataLabel) data)", xLabel: "actual", yLabel: "predicted", diagonal: true)
            plot.series = (0..<data.outputCount).map { o in
                .init(
                    name: data.targetNames[o], points: (0..<data.rows).map { (data.targets[$0, o], predictions[$0, o]) }, line: false,
                    markers: true)
            }
            plots.append(("predicted-vs-actual.svg", [plot]))
        }
        return plots
    }

    /// The mean of each run of `window` consecutive values, placed at the run's last index (1-based).
    static func movingAverage(_ values: [Double], window: Int) -> [(x: Double, y: Double)] {
        guard window >= 1, values.count >= window else { return [] }
        var sum = values[0..<window].reduce(0, +)
        var points = [(x: Double(window), y: sum / Double(window))]
        for index in window..<values.count {
            sum += values[index] - values[index - window]
            points.append((Double(index + 1), sum / Double(window)))
        }
        return points
    }
}
