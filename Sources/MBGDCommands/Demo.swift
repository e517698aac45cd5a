import ArgumentParser
import Foundation
import MiniBatchGD

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay the seed article's experiment on built-in data, set it beside the exact solution, then do it right.",
        discussion: """
            The article fits y from x on 8000 draws of a 2-D normal (mean [5, 6], covariance \
            [[1, .95], [.95, 1.2]]), 7200 training and 800 test rows, with a summed gradient, no \
            shuffling, learning rate 0.001, batches of 32 and 3 epochs.

            Examples:
              mbgd demo
              mbgd demo --seed 7 --plot plots/
              mbgd demo --json
            """)

    @Option(parsing: .unconditional, help: "Seed of the built-in data.") var seed: UInt64 = 0
    @OptionGroup var plotOptions: PlotOptions<Demo>
    var plot: String? { plotOptions.plot }
    @Flag(help: "Print one JSON object on stdout and nothing else.") var json = false

    static let sweepSizes: [BatchSize] = [1, 8, 32, 128, 512, 2048, .full]

    func run() throws {
        let data = try Dataset<Double>.seedArticle(seed: seed)
        var article = LinearRegression()
        let articleRun = try article.fit(data.train, using: .seedArticle)
        let articleTest = try article.evaluate(data.test)
        let exact = try LeastSquares.solve(data.train, method: .auto)
        var model = LinearRegression()
        // Every default: standardized, shuffled, step size from the curvature, averaging, certified stop.
        let corrected = GradientDescent(shuffle: .everyEpoch(seed: 1))
        let comparison = try model.fitAndCompare(data.train, using: corrected)
        let correctedTest = try model.evaluate(data.test)
        var sweep = GradientDescent(epochs: 5, averaging: .none, earlyStopping: nil, recordsBatchCosts: false)
        sweep.shuffle = .everyEpoch(seed: 1)
        let throughput = try BatchSizeSweep.run(data.train, batchSizes: Self.sweepSizes, configuration: sweep)
        let gap = relativeGap(article.parameters!, exact.parameters)

        var plots: [String] = []
        var outputs = Outputs()
        if let plot {
            let articleOptimum = try Objective.cost(
                features: data.train.features, targets: data.train.targets, parameters: exact.parameters,
                reduction: GradientDescent.seedArticle.reduction)
            var panels = try Reports.plots(
                history: articleRun.history, model: article, data: data.test, dataLabel: "test", optimum: articleOptimum)
            // Cost above the exact optimum, so convergence shows as a falling line on a log scale;
            // the epoch axis as in the other plots (logarithmic for a long run).
            let long = Reports.logTimeAxis(epochs: max(3, comparison.run.history.epochCosts.count))
            var costs = SVGPlot(
                title: "How far above the exact optimum each run's cost is", xLabel: long ? "epoch (log scale)" : "epoch",
                yLabel: "training cost − optimum, ½·mean squared residuals (log)", xLog: long, yLog: true)
            let optimum = comparison.referenceCost
            let articleExcess = try (1...3).map { epochs -> (Double, Double) in
                var m = LinearRegression()
                var c = GradientDescent.seedArticle
                c.epochs = epochs
                try m.fit(data.train, using: c)
                let cost = try Objective.cost(features: data.train.features, targets: data.train.targets, parameters: m.parameters!)
                return (Double(epochs), cost - optimum)
            }
            costs.series = [
                .init(name: "article (sum, lr 0.001, in order)", points: articleExcess, markers: true),
                .init(
                    name: "defaults (mean, standardized, shuffled, automatic rate, averaged)",
                    points: comparison.run.history.epochCosts.enumerated().map { (Double($0 + 1), $1 - optimum) }, markers: true),
            ]
            panels.append(("article-vs-corrected.svg", [costs]))
            var speed = SVGPlot(
                title: "Training throughput against batch size (seed data)", xLabel: "batch size (log)",
                yLabel: "samples per second (log)", xLog: true, yLog: true)
            speed.series = [
                .init(
                    name: "one epoch, mean gradient, shuffled", points: throughput.map { (Double($0.batchSize), $0.samplesPerSecond) },
                    markers: true)
            ]
            panels.append(("throughput.svg", [speed]))
            plots = PlotDestination(plot).add(panels, into: &outputs)
        }
        try outputs.commit()

        if json {
            let report = JSON.object(
                Reports.parameters(article.parameters!, fitIntercept: true) + [
                    ("features", .strings(data.train.featureNames)),
                    (
                        "metrics",
                        .object([("train", Reports.metrics(try article.evaluate(data.train))), ("test", Reports.metrics(articleTest))])
                    ),
                    (
                        "closedForm",
                        .object(
                            Reports.parameters(exact.parameters, fitIntercept: true) + [
                                ("method", .string(exact.method.rawValue)), ("relativeDifference", .number(gap)),
                            ])
                    ),
                    (
                        "corrected",
                        .object(
                            Reports.parameters(model.parameters!, fitIntercept: true) + [
                                ("relativeDifference", .number(comparison.parameterRelativeDifference)),
                                ("metrics", .object([("test", Reports.metrics(correctedTest))])),
                            ])
                    ),
                    (
                        "throughput",
                        .array(
                            throughput.map {
                                .object([("batchSize", .integer($0.batchSize)), ("samplesPerSecond", .number($0.samplesPerSecond))])
                            })
                    ),
                    ("openblas", .object([("core", .string(BLASThreads.coreName)), ("threads", .integer(BLASThreads.current))])),
                ])
            print(report.text)
            return
        }
        let p = { (value: Double) in Format.number(value, digits: 6) }
        print(
            """
            The seed article's data: \(data.train.rows) training and \(data.test.rows) test rows (seed \(seed)); \
            in the population y = 1.25 + 0.95·x.

            1. The article's configuration: summed gradient, rows in order, learning rate 0.001, batches of 32, 3 epochs
               bias \(p(article.intercept[0]))   coefficient \(p(article.coefficients[0, 0]))   test MAE \(p(articleTest.meanAbsoluteError))
               (the article reported bias 0.818, coefficient 1.046, test MAE 0.437 on its own sample)

            2. The exact least-squares solution (\(exact.method.rawValue), condition number of the design \(Format.number(exact.conditionNumber, digits: 3))):
               bias \(p(exact.intercept[0])) ± \(p(exact.coefficientTable.intercept!.standardError!))   \
            coefficient \(p(exact.coefficients[0, 0])) ± \(p(exact.coefficientTable.rows[1].standardError!))   R² \(Format.number(exact.statistics.rSquared[0], digits: 4))
               The article's parameters are \(Format.number(gap, digits: 3)) away (relative): 3 epochs at that rate have not converged.

            3. Mini-batch descent done right, every option at its default: mean gradient, standardized, shuffled,
               step size \(Format.number(comparison.run.learningRateChoice.learningRate, digits: 3)) from the curvature (1/L(32), L = \(Format.number(comparison.run.learningRateChoice.curvature?.smoothness ?? .nan, digits: 3))), \
            averaged from epoch \(comparison.run.history.averagingStartEpoch.map(String.init) ?? "–"), \(RunReport.epochs(comparison.run.history.epochsRun)) (stopped: \(RunReport.stopReason(comparison.run)))
               bias \(p(model.intercept[0]))   coefficient \(p(model.coefficients[0, 0]))   test MAE \(p(correctedTest.meanAbsoluteError))
               \(Format.number(comparison.parameterRelativeDifference, digits: 3)) from the exact solution (relative); \
            cost \(Format.number(comparison.costRelativeDifference, digits: 3)) above the optimum

            4. Throughput of one training epoch (median of 5; OpenBLAS \(BLASThreads.coreName), up to \(BLASThreads.current) threads)
            """)
        var table = Table(["batch size", "learning rate", "samples/s", "ms per epoch", "cost after 5 epochs"])
        for result in throughput {
            table.add([
                String(result.batchSize), Format.number(result.learningRate, digits: 3), Format.rate(result.samplesPerSecond),
                String(format: "%.3f", 1000 * result.secondsPerEpoch),
                Format.number(result.finalCost, digits: 6),
            ])
        }
        print(table.render(indent: "   "))
        print(
            "   The exact optimum's cost is \(Format.number(comparison.referenceCost, digits: 6)). Small batches take many noisy steps per epoch,"
        )
        print("   the full batch one exact step; each size takes the step its own curvature allows, 1/L(b).")
        if !plots.isEmpty { print("\nPlots: \(plots.joined(separator: ", "))") }
    }

    private func relativeGap(_ a: Parameters, _ b: Parameters) -> Double {
        let x = [a.intercept[0], a.coefficients[0, 0]], y = [b.intercept[0], b.coefficients[0, 0]]
        let difference = zip(x, y).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        return difference / y.map { $0 * $0 }.reduce(0, +).squareRoot()
    }
}

extension Demo: PlottingCommand {
    static var plotted: String { "the article's run, the article against the defaults, throughput" }
    static var plotFile: String? { nil }
}
