import ArgumentParser
import Foundation
import MiniBatchGD

struct Solve: ParsableCommand, ThreadedCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "The closed-form least-squares fit alone, with the statistics statsmodels and R report: standard errors, t and p values, confidence intervals, F test, log-likelihood, AIC, BIC, Durbin–Watson.",
        discussion: """
            The report is laid out like R's summary.lm; --json uses statsmodels' names. --covariance hc0…hc3 \
            replaces the standard errors, tests and intervals by heteroscedasticity-consistent ones (tests on \
            the normal distribution, as statsmodels). --weights fits weighted least squares (statsmodels' WLS): \
            a row's weight is the inverse of its error variance, and a row of weight 0 is left out.

            A FILE of - (or /dev/stdin, or a FIFO) is CSV (or a .npy written to it) read once as a stream, in bounded memory: windows of \
            1 MiB of parsed values (131,072 numbers over the columns used, in rows) are accumulated by tall-skinny QR \
            (R's biglm). The report is the file's, less what needs a second pass over the rows (refinement's error \
            bounds, the train metrics); Durbin–Watson is accumulated from consecutive rows' differences. Options \
            that need the rows again (--method svd, --l2, --l1, --ridge, --loss huber, --covariance hc0…hc3, \
            --categorical, --hash-features, --plot) are refused beside a stream. libsvm rows piped in take \
            --n-features p (their width) and are accumulated dense, when the (p+2)² factors fit in memory.

            Examples:
              mbgd solve data.csv --target y
              cat data.csv | mbgd solve - --target y
              mbgd solve data.csv --method svd --json
              mbgd solve data.csv --covariance hc3 --confidence 0.99
              mbgd solve data.csv --target y --weights w
              mbgd solve data.csv --l2 10
              mbgd solve data.csv --l1 0.1 --l1-ratio 0.5
              mbgd solve data.csv --ridge loo
              mbgd solve data.csv --ridge gcv --alphas 0.1,1,10,100
              mbgd solve data.csv --loss quantile --quantile 0.9
              mbgd solve data.csv --l1 cv --folds 10 --seed 1
              mbgd solve data.csv --l1 cv --l1-ratio 0.5 --fold-column site
              mbgd solve data.csv --ridge loo --plot plots
              mbgd solve data.csv --save-model model.json && mbgd predict --model model.json new.csv --intervals 0.95
            """)

    @OptionGroup var data: DataOptions
    @Option(help: "\(ArgumentNames.list(LeastSquares.Method.self, glosses: [.auto: "Cholesky when well conditioned, else QR, else SVD"])).")
    var method: LeastSquares.Method = .auto
    @Option(
        name: .customLong("l2"), parsing: .unconditional,
        help:
            "Ridge penalty A ≥ 0, as scikit-learn's Ridge(alpha=A): minimizes ‖y − Xβ − b‖² + A·‖β‖² (original units, the intercept never penalized); standard errors, tests and intervals are then conditional on A, on n − tr H degrees of freedom."
    )
    var l2 = 0.0
    @Option(
        name: .customLong("l1"), parsing: .unconditional,
        help: ArgumentHelp(
            "Lasso / elastic-net strength A > 0, as scikit-learn's ElasticNet(alpha=A): minimizes ‖y − Xβ − b‖²/(2n) + A·(R‖β‖₁ + (1 − R)/2·‖β‖²), solved exactly by coordinate descent to a certified duality gap; or cv: choose A by k-fold cross-validation over a path (scikit-learn's LassoCV and ElasticNetCV, glmnet's cv.glmnet).",
            valueName: "A|cv"))
    var l1Argument: String?
    @Option(
        name: .customLong("l1-ratio"), parsing: .unconditional, help: "R in [0, 1], the L1 share of --l1's penalty (default: 1, the lasso)."
    )
    var l1Ratio: Double?
    @Option(
        help:
            "The coefficients' units --l1 and --ridge penalize: original (scikit-learn's convention, the default) or standardized (glmnet's: the coefficients of the columns divided by their standard deviations)."
    )
    var penalize: LeastSquares.PenaltyUnits?
    @Option(
        help:
            "Choose the ridge strength over a path of alphas in scikit-learn's Ridge convention, ‖y − Xβ − b‖² + α‖β‖²: by loo (exact leave-one-out, as scikit-learn's RidgeCV) or gcv (generalized cross-validation), from one eigendecomposition of dense rows; or, for sparse rows, by cv (k-fold cross-validation, --folds and --seed, each solve by LSQR warm-started from the last)."
    )
    var ridge: RidgeCriterion?
    @Option(
        parsing: .unconditional,
        help:
            "The alphas --ridge or --l1 cv tries, comma-separated (default for --ridge: 100 log-spaced from 1e-6 to 10 times the centred Gram matrix's largest eigenvalue; for --l1 cv: 100 from alpha_max, where every coefficient is zero, down to 1e-3 of it, as LassoCV)."
    )
    var alphas: String?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "The folds of --l1 cv (default: 5, as LassoCV): seeded random folds of sizes that differ by at most one; beside --fold-column, the column's values are groups dealt into K folds (scikit-learn's GroupKFold).",
            valueName: "K"))
    var folds: Int?
    @Option(
        help: ArgumentHelp(
            "A CSV column (or .npy index) of fold labels for --l1 cv, left out of the features: each distinct value is one fold (glmnet's foldid, scikit-learn's PredefinedSplit); with --folds K, groups kept together in K folds.",
            valueName: "column"))
    var foldColumn: String?
    @Option(
        parsing: .unconditional,
        help: "The seed of --l1 cv's random folds (default: 0): the same folds on every machine.")
    var seed: UInt64?
    @OptionGroup var lossOptions: LossOptions
    @OptionGroup var tube: TubeOptions
    @Option(help: "Covariance of the estimates: \(ArgumentNames.list(LeastSquares.CovarianceType.self)).")
    var covariance: LeastSquares.CovarianceType = .nonrobust
    @Option(parsing: .unconditional, help: "Level of the confidence intervals, in (0, 1).")
    var confidence = LeastSquares.defaultConfidenceLevel
    @OptionGroup var rowWeights: WeightOptions
    @Flag(
        name: .customLong("no-refine"),
        help: "Skip iterative refinement (on by default: the answer refined in double-double precision, with error bounds).")
    var noRefine = false
    @OptionGroup var threadCount: ThreadOptions<Solve>
    @Option(help: "Write the model with its covariance (for predict --intervals) to this path ('-': stdout).")
    var saveModel: String?
    @OptionGroup var plotOptions: PlotOptions<Solve>
    @Flag(help: "Print one JSON object on stdout and nothing else.") var json = false

    static let threadsHelp =
        "Threads for the moments and refinement passes and for OpenBLAS (default: the cores this process may use; 1 per rank under mbgd-mpi). The refined coefficients are the same bits whatever the count; the statistics agree to rounding (OpenBLAS splits its sums by its thread count)."

    var weights: String? { rowWeights.weights }
    var threads: Int? { threadCount.threads }

    func validate() throws {
        try lossOptions.validateTube(epsilon: tube.epsilon)
        if json, let saveModel, isStandardOutput(saveModel) {
            throw ValidationError("--save-model \(saveModel) and --json would both write to stdout")
        }
        try threadCount.validateForOpenBLAS()
        try validateStream()
        try validateRidgePath()
        try validateElasticNet()
        try validatingArguments {
            guard confidence > 0, confidence < 1 else {
                throw ArgumentError(argument: "confidenceLevel", value: "\(confidence)", requirement: "must lie strictly between 0 and 1")
            }
        }
    }

    func run() throws {
        threadCount.setOpenBLAS()
        if isStream { return try runStream() }
        if lossOptions.isHuber { return try runHuber() }
        if lossOptions.isQuantile { return try runQuantile() }
        if lossOptions.loss == .epsilonInsensitive { return try runEpsilonInsensitive() }
        if lossOptions.loss == .squaredEpsilonInsensitive { return try runSquaredEpsilonInsensitive() }
        if let ridge { return try ridge.pathCriterion.map(runRidgePath) ?? runSparseRidgeCV() }
        if l1CrossValidated { return try runElasticNetCV() }
        if let l1 { return try runElasticNet(alpha: l1) }
        if SparseInput.isSparse(data.file) { return try runSparse() }
        var model = LinearRegression(fitIntercept: data.fitIntercept)
        // A float64 C-order .npy is solved in place: never copied, whatever its size.
        let status = Status(quiet: json)
        let encoded = try status.during(Status.loading(data.file)) { try data.loadEncoded(weights: weights) }
        if let encoded, case let .sparse(rows) = encoded.rows { return try runSparse(encoded: rows, encoding: encoded.encoding) }
        let dense: Dataset<Double>? = if let encoded, case let .dense(rows) = encoded.rows { rows } else { nil }
        model.featureEncoding = encoded?.encoding
        let dataset = try status.during(Status.loading(data.file)) {
            try dense.map { try CommandData(encoded: $0, precision: data.resolvedPrecision()) } ?? CommandData(data, weights: weights)
        }
        let solution = try status.during("solving \(dataset.rows) rows × \(Format.count(dataset.featureCount, "feature")) in closed form") {
            try dataset.solve(
                &model, method: method, ridge: l2, covariance: covariance, confidenceLevel: confidence, refine: !noRefine,
                threads: threads)
        }
        let metrics = try dataset.evaluate(model, threads: threads)
        let distributed = dataset.distributedSummary(solution.parameters)
        var outputs = Outputs()
        if let saveModel { outputs.add(try ModelFile(model).encoded(), to: saveModel) }
        try outputs.commit()
        // Rounded to float32 here (not a float32 file read as it is): the report says so, and
        // how far that moved the solution, where solving the float64 values again is cheap.
        let rounded = dataset.precision == .float32 && (try? NPYReader.precision(path: data.file)) != .float32
        let roundingCost =
            rounded ? try float64Difference(solution, rows: dataset.rows, columns: dataset.featureCount, encoded: dense) : nil
        print(
            json
                ? jsonReport(dataset, solution, metrics, distributed, float64Difference: roundingCost).text
                : humanReport(dataset, solution, distributed, roundedToFloat32: rounded, float64Difference: roundingCost))
    }

    /// The relative difference between `solution` and the solve of the same file's float64
    /// values, when the data hold at most 2²⁴ values (128 MiB as float64: a second solve
    /// of that size takes a fraction of a second) and the solve runs in one process.
    private func float64Difference(_ solution: LeastSquares.Solution, rows: Int, columns: Int, encoded: Dataset<Double>?) throws -> Double?
    {
        guard rows.multipliedReportingOverflow(by: columns + 1).partialValue <= 1 << 24, rows * (columns + 1) > 0,
            Cluster.communicator == nil
        else { return nil }
        var options = data
        options.elementType.precision = .given(.float64)
        var model = LinearRegression(fitIntercept: data.fitIntercept)
        let exact = try (encoded.map { try CommandData(encoded: $0, precision: .float64) } ?? CommandData(options, weights: weights)).solve(
            &model, method: method, ridge: l2, covariance: covariance, confidenceLevel: confidence, refine: !noRefine, threads: threads)
        // ‖β₃₂ − β₆₄‖/‖β₆₄‖ over the intercepts and coefficients, as fit's gap is measured.
        let found = solution.parameters.intercept + solution.parameters.coefficients.elements
        let reference = exact.parameters.intercept + exact.parameters.coefficients.elements
        let difference = zip(found, reference).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let size = reference.reduce(0) { $0 + $1 * $1 }
        return size > 0 ? (difference / size).squareRoot() : difference.squareRoot()
    }

    /// `stream`: the keys a stream's report adds (read once, which statistics are absent).
    func jsonReport(
        _ dataset: some SolvedRows, _ solution: LeastSquares.Solution, _ metrics: RegressionMetrics?, _ distributed: DistributedSummary?,
        float64Difference: Double?, stream: [(String, JSON)] = []
    )
        -> JSON
    {
        let s = solution.statistics
        let single = dataset.outputCount == 1
        // The coefficient tables' columns in the report's shape: the features' rows per target
        // (a list of lists with several targets), the intercept's row apart, one per target.
        let tables = solution.coefficientTables
        func perTarget(_ values: [Double]?) -> JSON {
            guard let values else { return .null }
            return single ? .number(values[0]) : .numbers(values)
        }
        func errorBounds() -> (features: JSON, intercept: JSON) {
            guard tables.allSatisfy({ $0.errorBounds != nil }) else { return (.null, .null) }
            let features = tables.map { $0.rows.filter { !$0.isIntercept }.compactMap(\.errorBound) }
            let intercepts = tables.compactMap { $0.intercept?.errorBound }
            return (
                single ? .numbers(features[0]) : .array(features.map(JSON.numbers)),
                intercepts.count == tables.count ? perTarget(intercepts) : .null
            )
        }
        let bounds = errorBounds()
        return .object(
            Reports.parameters(solution.parameters, fitIntercept: solution.fitIntercept) + [
                ("features", .strings(dataset.featureNames)),
                ("targets", .strings(dataset.targetNames)),
                ("weights", weights.map(JSON.string) ?? .null),
                ("metrics", .object([("train", Reports.metrics(metrics)), ("test", .null)])),
                ("method", .string(solution.method.rawValue)),
                ("fallbackReasons", .strings(solution.fallbackReasons)),
                ("float64RelativeDifference", float64Difference.map(JSON.number) ?? .null),
                ("rank", .integer(solution.rank)),
                ("conditionNumber", .number(solution.conditionNumber)),
                ("refinementIterations", .integer(solution.refinementIterations)),
                ("errorBounds", bounds.features),
                ("interceptErrorBound", bounds.intercept),
                ("covarianceType", .string(s.covarianceType.statsmodelsName)),
                ("observations", .integer(s.observations)),
                ("ridgeAlpha", l2 > 0 ? .number(l2) : .null),
            ] + Reports.coefficientStatistics(tables) + [
                ("residualStandardDeviation", perTarget(s.residualStandardDeviation)),
                ("degreesOfFreedom", s.isPenalized ? .number(s.residualDegreesOfFreedom) : .integer(s.degreesOfFreedom)),
                ("effectiveDegreesOfFreedom", .number(s.effectiveDegreesOfFreedom)),
                ("r2", perTarget(s.rSquared)),
                ("adjustedR2", perTarget(s.adjustedRSquared)),
                ("fStatistic", perTarget(s.fStatistics)),
                ("fPValue", perTarget(s.fPValues)),
                ("logLikelihood", perTarget(s.logLikelihood)),
                ("aic", perTarget(s.aic)),
                ("bic", perTarget(s.bic)),
                ("durbinWatson", perTarget(s.durbinWatson)),
            ] + (distributed.map { [("distributed", $0.json)] } ?? []) + stream)
    }

    /// Laid out like R's `summary.lm`: estimates with their tests and intervals, significance
    /// codes, then the fit's summary lines.
    /// `source` names the rows (the file by default), `notes` follow the first line (a stream's),
    /// `notRefined` says why the estimates were not refined when they were not.
    func humanReport(
        _ dataset: some SolvedRows, _ solution: LeastSquares.Solution, _ distributed: DistributedSummary?, roundedToFloat32: Bool,
        float64Difference: Double?, source: String? = nil, notes: [String] = [],
        notRefined: String = "refinement needs a full-rank fit without ridge"
    ) -> String {
        let s = solution.statistics
        let robust = s.covarianceType != .nonrobust
        var lines =
            [
                "Closed-form least squares on \(source ?? data.file): \(dataset.rows) rows, \(Format.count(dataset.featureCount, "feature"))"
                    + (weights.map { ", weighted by \($0)" } ?? "")
                    + (l2 > 0 ? ", ridge α = \(Format.number(l2)) (scikit-learn's Ridge: ‖y − Xβ − b‖² + α·‖β‖²)" : "")
            ] + notes
        if roundedToFloat32 {
            lines.append(
                "Values rounded to float32 (--precision float32): about 7 significant digits each; the accuracy below is the solve's, on the rounded values"
            )
            if let float64Difference {
                lines.append(
                    "  the solution of the float64 values differs by \(Format.number(float64Difference, digits: 2)) (relative): what the rounding cost"
                )
            }
        }
        lines.append(
            "Method \(solution.method.rawValue)\(solution.requestedMethod == .auto ? " (chosen by auto)" : ""), rank \(solution.rank) of \(dataset.featureCount), "
                + "condition number \(Format.number(solution.conditionNumber, digits: 3)) (centred, equilibrated design)")
        for reason in solution.fallbackReasons { lines.append("  passed over: \(reason)") }
        if solution.coefficientTable.errorBounds != nil {
            // The worst relative forward error over all estimates, as correct digits. An estimate
            // no larger than its own bound (an intercept that is 0 in exact arithmetic, computed
            // as 1e-31) has no correct digits to count: it is said to be zero within its bound.
            var worst = 0.0
            var zeros: [String] = []
            let k = dataset.outputCount, tables = solution.coefficientTables, offset = solution.fitIntercept ? 1 : 0
            func name(_ feature: String, _ o: Int) -> String { k > 1 ? "\(feature) (\(dataset.targetNames[o]))" : feature }
            func bounded(_ name: String, _ row: CoefficientTable.Row) -> (String, Double, Double)? {
                row.errorBound.map { (name, $0, row.estimate) }
            }
            // Feature by feature (each target's in turn), then the intercepts.
            let named =
                (0..<dataset.featureCount).flatMap { j in
                    (0..<k).compactMap { o in bounded(name(dataset.featureNames[j], o), tables[o].rows[offset + j]) }
                }
                + tables.enumerated().compactMap { o, table in table.intercept.flatMap { bounded(name("(Intercept)", o), $0) } }
            for (estimate, bound, value) in named {
                if bound >= abs(value) {
                    zeros.append("\(estimate) ±\(Format.number(bound, digits: 2))")
                } else {
                    worst = max(worst, bound / abs(value))
                }
            }
            let digits = Format.number(min(16, -log10(max(worst, 1e-17))), digits: 3)
            lines.append(
                "Refined in double-double precision (\(Format.count(solution.refinementIterations, "correction"))): "
                    + (named.count > zeros.count
                        ? "every\(zeros.isEmpty ? "" : " other") estimate within \(Format.number(worst, digits: 2)) relative (about \(digits) correct digits)"
                        : "")
                    + (zeros.isEmpty
                        ? "" : (named.count > zeros.count ? "; " : "") + "zero within its bound: " + zeros.joined(separator: ", "))
            )
        } else if !noRefine {
            lines.append("Not refined (\(notRefined))")
        }
        if robust { lines.append("Covariance \(s.covarianceType.statsmodelsName) (heteroscedasticity-consistent; z tests)") }
        let level = Format.number(100 * s.confidenceLevel, digits: 4)
        var anyStars = false
        for o in 0..<dataset.outputCount {
            lines.append("")
            if dataset.outputCount > 1 { lines.append("Target \(dataset.targetNames[o]):") }
            let estimates = Reports.estimatesTable(solution.coefficientTables[o], featureNames: dataset.featureNames)
            anyStars = anyStars || estimates.stars
            lines.append(estimates.text)
            lines.append(
                "Residual standard error: \(Format.optional(s.residualStandardDeviation?[o])) on \(Reports.degrees(s.residualDegreesOfFreedom)) degrees of freedom"
                    + (s.isPenalized ? " (n − tr H, tr H = \(Format.number(s.effectiveDegreesOfFreedom, digits: 5)))" : ""))
            lines.append(
                "Multiple R-squared: \(Format.number(s.rSquared[o], digits: 6)),  Adjusted R-squared: \(Format.optional(s.adjustedRSquared?[o]))"
            )
            if let f = s.fStatistics?[o], let fp = s.fPValues?[o] {
                lines.append(
                    "F-statistic: \(Format.number(f, digits: 6)) on \(solution.rank) and \(s.degreesOfFreedom) DF,  p-value: \(Self.pValue(fp))"
                )
            }
            lines.append(
                "Log-likelihood: \(Format.number(s.logLikelihood[o], digits: 8)),  AIC: \(Format.number(s.aic[o], digits: 8)),  BIC: \(Format.number(s.bic[o], digits: 8)),  Durbin-Watson: \(Format.number(s.durbinWatson[o], digits: 4))"
            )
        }
        if anyStars { lines.append(Reports.significanceLegend) }
        lines.append("Intervals at \(level) %\(robust ? " from the normal distribution" : " from Student's t").")
        if let note = solution.coefficientTable.penaltyNote { lines.append(note) }
        if solution.coefficientTable.standardErrors == nil {
            lines.append("(standard errors need full rank and residual degrees of freedom)")
        }
        let undefinedT = solution.coefficientTables.contains { $0.rows.contains { $0.tValue?.isNaN == true } }
        if undefinedT { lines.append("(a t value is n/a where its standard error is 0: the fit is exact)") }
        if s.rSquared.contains(where: \.isNaN) { lines.append("(R² is n/a for a constant target: there is no variance to explain)") }
        if let distributed { lines.append(distributed.line) }
        if let saveModel, saveModel != "-" {
            lines.append(
                "Model written to \(saveModel)\(PredictionInference(solution.statistics) == nil ? " (without a covariance: no prediction intervals\(l2 > 0 ? ", which need a fit without ridge" : ""))" : "")"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// R's significance codes.
    static func significance(_ p: Double) -> String {
        guard !p.isNaN else { return "" }
        return p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : p < 0.1 ? "." : ""
    }

    /// Three significant digits; the bound and `n/a` as the library's ``PValue`` says them.
    static func pValue(_ p: Double) -> String {
        let value = PValue(p)
        return p.isNaN || value.isUpperBound ? value.description : Format.number(p, digits: 3)
    }
}

extension Solve: PlottingCommand {
    static var plotted: String {
        "with --ridge loo|gcv or --l1 cv: the coefficient paths and the criterion against alpha (cross-validation's with its error bars), the chosen alphas marked"
    }
    static var plotFile: String? { nil }
}
