import Foundation
import MiniBatchGD

extension Solve {
    /// `mbgd solve FILE.svm` (or `FILE.npz --targets y.npy`): the exact solution of sparse rows by LSQR (the dense factorizations
    /// would need a p×p matrix), with its iterations, stop and distance to the optimum.
    /// `encoded`: rows made sparse by `--hash-features` (or `--categorical` with many levels),
    /// whose `encoding` the saved model keeps.
    func runSparse(encoded: SparseDataset<Double>? = nil, encoding: FeatureEncoding? = nil) throws {
        if encoded == nil { try SparseInput.check(data, weights: weights, acrossRanks: true) }
        let what = SparseInput.described(data.file, encoded: encoded != nil)
        if method != .auto {
            throw CLIError.badArgument(
                "\(data.file) \(what), solved by LSQR: --method chooses among the dense factorizations; drop it")
        }
        if noRefine {
            throw CLIError.badArgument(
                "\(data.file) \(what): LSQR has no refinement to skip (it iterates until the gradient is 1e-10 of ‖A‖·‖r‖); drop --no-refine"
            )
        }
        if confidence != LeastSquares.defaultConfidenceLevel {
            throw CLIError.badArgument("\(data.file) \(what): LSQR gives no standard errors, so no intervals; drop --confidence")
        }
        if covariance != .nonrobust {
            throw CLIError.badArgument(
                "\(data.file) \(what): LSQR gives no covariance of the estimates (it never forms the p×p matrix); drop --covariance"
            )
        }
        if let communicator = Cluster.communicator {
            switch try data.resolvedPrecision() {
            case .float32: try runSparse(as: Float.self, over: communicator)
            case .float64: try runSparse(as: Double.self, over: communicator)
            }
            return
        }
        switch try data.resolvedPrecision() {
        case .float32: try runSparse(as: Float.self, encoded: encoded, encoding: encoding)
        case .float64: try runSparse(as: Double.self, encoded: encoded, encoding: encoding)
        }
    }

    private func runSparse<Element: BLASScalar>(
        as element: Element.Type, encoded: SparseDataset<Double>?, encoding: FeatureEncoding?
    ) throws {
        let status = Status(quiet: json)
        let rows = try SparseInput.rows(data, encoded: encoded, status: status, as: Element.self)
        var model = LinearRegression(fitIntercept: data.fitIntercept)
        model.featureEncoding = encoding
        let solution = try status.during("solving \(rows.rows) sparse rows × \(Format.count(rows.featureCount, "feature")) by LSQR") {
            try model.fit(rows, ridge: l2)
        }
        let metrics = try model.evaluate(rows)
        var outputs = Outputs()
        if let saveModel { outputs.add(try ModelFile(model).encoded(), to: saveModel) }
        try outputs.commit()
        printLSQRReport(
            solution, fitIntercept: model.fitIntercept, metrics: metrics, featureNames: rows.featureNames, targetNames: rows.targetNames,
            shape: SparseInput.shape(rows), sparse: SparseInput.json(rows))
    }

    /// The sparse least-squares solve's report, `--json` or text: `mbgd solve` prints it, and
    /// `mbgd-mpi solve` with its ranks' line and `distributed` object added.
    func printLSQRReport(
        _ solution: LSQR.Solution, fitIntercept: Bool, metrics: RegressionMetrics, featureNames: [String], targetNames: [String],
        shape: String, sparse: JSON, distributed: DistributedSummary? = nil
    ) {
        if json {
            print(
                JSON.object(
                    Reports.parameters(solution.parameters, fitIntercept: fitIntercept) + [
                        ("features", .strings(featureNames)), ("targets", .strings(targetNames)),
                        ("method", .string("lsqr")), ("ridge", .number(l2)), ("sparse", sparse),
                        ("lsqr", SparseInput.json(solution)), ("metrics", Reports.metrics(metrics)),
                    ] + (distributed.map { [("distributed", $0.json)] } ?? [])
                ).text)
            return
        }
        var lines = ["Data: \(data.file), \(shape); target\(targetNames.count > 1 ? "s" : ""): \(targetNames.joined(separator: ", "))"]
        if let distributed { lines.append(distributed.line) }
        lines.append(SparseInput.line(solution))
        if l2 > 0 { lines.append("Ridge: λ = \(Format.number(l2)) on ‖coefficients‖² (original units; never on the intercept)") }
        lines.append("")
        lines += Reports.largestParameterTables(
            featureNames: featureNames, targetNames: targetNames, fitIntercept: fitIntercept, columns: [("LSQR", solution.parameters)])
        lines.append("")
        lines.append("Errors on the rows solved:")
        lines.append(Reports.metricsTable(train: metrics, test: nil))
        if let saveModel { lines.append("\nModel written to \(saveModel)") }
        print(lines.joined(separator: "\n"))
    }
}
