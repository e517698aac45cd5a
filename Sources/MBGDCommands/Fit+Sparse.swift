import Foundation
import MiniBatchGD

extension Fit {
    /// `mbgd fit FILE.svm` (or `FILE.npz --targets y.npy`): gradient descent on sparse rows (each update touching the batch's
    /// columns), set beside LSQR's exact solution of the same problem.
    /// `encoded`: rows made sparse by `--hash-features` (or `--categorical` with many levels),
    /// whose `encoding` the saved model keeps.
    func runSparse(encoded: SparseDataset<Double>? = nil, encoding: FeatureEncoding? = nil) throws {
        if encoded == nil { try SparseInput.check(data, weights: weights, acrossRanks: true) }
        try checkSparseRanks()
        if plot != nil {
            throw CLIError.badArgument(
                "\(data.file) \(SparseInput.described(data.file, encoded: encoded != nil)): the plots draw dense rows; drop --plot"
            )
        }
        switch try data.resolvedPrecision() {
        case .float32: try runSparse(as: Float.self, encoded: encoded, encoding: encoding)
        case .float64: try runSparse(as: Double.self, encoded: encoded, encoding: encoding)
        }
    }

    private func runSparse<Element: BLASScalar>(
        as element: Element.Type, encoded: SparseDataset<Double>?, encoding: FeatureEncoding?
    ) throws {
        if let communicator = Cluster.communicator { return try runSparse(as: Element.self, over: communicator) }
        let status = Status(quiet: json)
        let all = try SparseInput.rows(data, encoded: encoded, status: status, as: Element.self)
        var train = all
        var test: SparseDataset<Element>?
        if let testFraction { (train, test) = try all.split(testFraction: testFraction, shuffleSeed: noShuffle ? nil : seed) }
        if lossOptions.loss != .squared { return try runSparseLoss(all: all, train: train, test: test, encoding: encoding) }
        if l1Given { return try runSparseElasticNet(all: all, train: train, test: test, encoding: encoding) }
        let config = gradientDescent, rows = train
        let (model, comparison, trainMetrics, testMetrics) = try fitSparseBesideReference(
            config, train: train, test: test, encoding: encoding, run: { $0.run },
            { model, progress in try model.fitAndCompare(rows, using: config, progress: progress) })
        printSparseDescent(
            model: model, comparison: comparison, metrics: (trainMetrics, testMetrics),
            data: (
                SparseInput.shape(all) + (test.map { " (\(train.rows) train, \($0.rows) test)" } ?? ""), SparseInput.json(all),
                all.targetNames
            ), distributed: nil)
    }

    /// The report of a sparse descent beside LSQR: `data`, the rows' shape, their `"sparse"`
    /// object and their targets' names; `distributed`, the ranks under `mbgd-mpi`.
    func printSparseDescent(
        model: LinearRegression, comparison: SparseComparison, metrics: (train: RegressionMetrics, test: RegressionMetrics?),
        data rows: (shape: String, json: JSON, targetNames: [String]), distributed: DistributedSummary?
    ) {
        let run = comparison.run, history = run.history, (trainMetrics, testMetrics) = metrics
        let verdict = RunReport.verdict(gap: comparison.parameterRelativeDifference, run: run)
        if json {
            print(
                Self.report(
                    model: model, weights: nil, run: run, train: trainMetrics, test: testMetrics,
                    reference: (
                        comparison.reference.parameters, [("method", .string("lsqr")), ("lsqr", SparseInput.json(comparison.reference))]
                    ),
                    gaps: (comparison.parameterRelativeDifference, comparison.costRelativeDifference), verdict: verdict,
                    extra: distributed.map { [("distributed", $0.json)] } ?? [], beforeMetrics: [("sparse", rows.json)]
                ).text)
            return
        }
        let config2 = run.configuration
        var lines = [
            "Data: \(data.file), \(rows.shape)"
                + "; target\(rows.targetNames.count > 1 ? "s" : ""): \(rows.targetNames.joined(separator: ", "))"
        ]
        lines += Self.descentLines(
            run, title: "Gradient descent on sparse rows", scaling: config2.standardize ? ", scaled by the columns' deviations" : "")
        lines.append(
            "  final training cost \(Format.number(history.finalCost ?? history.epochCosts.last ?? .nan)) (½·\(config2.reduction.rawValue) of squared residuals)"
                + Self.runningCostNote(history))
        lines.append("")
        lines += Reports.largestParameterTables(
            featureNames: model.featureNames, targetNames: model.targetNames, fitIntercept: model.fitIntercept,
            columns: [("gradient descent", model.parameters!), ("LSQR", comparison.reference.parameters)])
        lines.append(SparseInput.line(comparison.reference))
        lines.append(
            "Gap: parameters differ by \(Format.number(comparison.parameterRelativeDifference, digits: 3)) (relative); "
                + "the descent's cost is \(Format.number(comparison.costRelativeDifference, digits: 3)) above the optimum (relative)")
        lines.append("Verdict: " + verdict)
        if let distributed { lines.append(distributed.line) }
        lines.append("")
        lines.append("Errors of the gradient-descent model:")
        lines.append(Reports.metricsTable(train: trainMetrics, test: testMetrics))
        if let path = saveModel { lines.append("\nModel written to \(path)") }
        print(lines.joined(separator: "\n"))
    }
}

extension Fit {
    /// A sparse fit's common steps around `body` (a descent beside its exact reference): the
    /// fit with progress and the interrupt's handling, the encoding kept with the model, the
    /// run's notes on stderr, the metrics of the training and test rows, the model saved.
    func fitSparseBesideReference<Element: BLASScalar, Comparison: Sendable>(
        _ config: GradientDescent, train: SparseDataset<Element>, test: SparseDataset<Element>?, encoding: FeatureEncoding?,
        run: @escaping @Sendable (Comparison) -> TrainingRun,
        _ body: @escaping @Sendable (inout LinearRegression, (@Sendable (EpochReport) -> Void)?) throws -> Comparison
    ) throws -> (model: LinearRegression, comparison: Comparison, train: RegressionMetrics, test: RegressionMetrics?) {
        var (model, comparison) = try fitAndCompare(config, body) { run($0).history.epochsRun }
        model.featureEncoding = encoding
        for note in run(comparison).notes { Terminal.writeError("\(Cluster.tool): note: \(note)\n") }
        let trainMetrics = try model.evaluate(train)
        let testMetrics = try test.map { try model.evaluate($0) }
        var outputs = Outputs()
        if let path = saveModel { outputs.add(try ModelFile(model).encoded(), to: path) }
        try outputs.commit()
        return (model, comparison, trainMetrics, testMetrics)
    }
}
