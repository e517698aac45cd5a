import ArgumentParser
import Foundation
import MiniBatchGD

/// `mbgd path FILE --penalty l2|l1|elasticnet`: the whole regularization path, one row per
/// alpha, and its plots.
struct Path: ParsableCommand, ThreadedCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "The whole regularization path: the ridge (exactly, from one eigendecomposition, with leave-one-out and GCV), the lasso or the elastic net (coordinate descent with warm starts), one row per alpha.",
        discussion: """
            Each row gives alpha, glmnet's lambda, the degrees of freedom (tr H for the ridge, the \
            nonzero coefficients for the lasso and elastic net) and R² on the rows fitted; for the ridge \
            also the exact leave-one-out MSE and GCV, and the alphas they choose. Alphas are \
            scikit-learn's: Ridge's ‖y − Xβ − b‖² + α‖β‖² for l2, ElasticNet's \
            ‖y − Xβ − b‖²/(2n) + α(R‖β‖₁ + (1 − R)/2‖β‖²) for l1 (R = 1) and elasticnet. The default \
            grid is 100 alphas: for l2 log-spaced from 1e-6 to 10 times the centred Gram matrix's largest \
            eigenvalue, for l1 and elasticnet from alpha_max (the smallest alpha giving all zeros) down \
            to 1e-3 times it, as scikit-learn's enet_path. --json gives every alpha's coefficients.

            Examples:
              mbgd path data.csv --target y --penalty l2
              mbgd path data.csv --penalty l1 --plot plots
              mbgd path data.csv --penalty elasticnet --l1-ratio 0.5 --alphas 1,0.1,0.01 --json
              mbgd path rows.svm --penalty l1
            """)

    /// The penalty a path is of.
    enum Penalty: String, ExpressibleByArgument, CaseIterable {
        case l2, l1, elasticnet
    }

    @OptionGroup var data: DataOptions
    @Option(
        help: ArgumentHelp(
            "The penalty: \(ArgumentNames.list(Penalty.self, glosses: [.l2: "the ridge", .l1: "the lasso", .elasticnet: "both, in the share --l1-ratio"])).",
            valueName: "l2|l1|elasticnet"))
    var penalty: Penalty
    @Option(
        name: .customLong("l1-ratio"), parsing: .unconditional,
        help: ArgumentHelp("R in (0, 1], the L1 share of --penalty elasticnet (default: 0.5, scikit-learn's ElasticNet's).", valueName: "R")
    )
    var l1Ratio: Double?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "The alphas, comma-separated, each positive and finite (default: the 100 of the discussion above).", valueName: "a,b,…"))
    var alphas: String?
    @OptionGroup var rowWeights: WeightOptions
    @OptionGroup var threadCount: ThreadOptions<Path>
    @OptionGroup var plotOptions: PlotOptions<Path>
    @Flag(help: "Print one JSON object on stdout and nothing else: the alphas, every alpha's coefficients and intercept, the columns.")
    var json = false

    static let threadsHelp =
        "Threads for the passes over the rows and for OpenBLAS (default: the cores this process may use); the path is the same bits whatever the count."

    var weights: String? { rowWeights.weights }
    var threads: Int? { threadCount.threads }

    func validate() throws {
        try threadCount.validateForOpenBLAS()
        if let l1Ratio {
            guard penalty == .elasticnet else {
                throw ValidationError(
                    "--l1-ratio \(Format.number(l1Ratio)) is the L1 share of --penalty elasticnet; --penalty \(penalty.rawValue) has \(penalty == .l1 ? "1" : "0")"
                )
            }
            guard l1Ratio > 0, l1Ratio <= 1 else {
                throw ValidationError(
                    "--l1-ratio = \(l1Ratio) is invalid: must lie in (0, 1] (1: the lasso; 0, a ridge, is --penalty l2, which the path solves exactly)"
                )
            }
        }
        _ = try parsedAlphas()
    }

    /// The alphas of `--alphas a,b,…`, each positive and finite; nil for the default grid.
    func parsedAlphas() throws -> [Double]? {
        guard let alphas else { return nil }
        return try alphas.split(separator: ",", omittingEmptySubsequences: false).map { part in
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let value = Double(text) else {
                throw ValidationError("--alphas = '\(text)' is invalid: must be numbers separated by commas, e.g. --alphas 0.1,1,10")
            }
            guard value > 0, value.isFinite else {
                throw ValidationError(
                    "--alphas = \(text) is invalid: every alpha must be positive and finite (0 is least squares: mbgd solve)")
            }
            return value
        }
    }

    /// One row of the path's table, and what `--json` lists per alpha.
    struct Row {
        var alpha: Double
        var lambda: Double
        /// tr H (ridge) or the nonzero coefficients (lasso, elastic net).
        var degrees: Double
        var r2: Double
        var leaveOneOut: Double?
        var gcv: Double?
        var parameters: Parameters
        /// Whether coordinate descent reached its gap tolerance (always, for the exact ridge).
        var converged = true
    }

    func run() throws {
        threadCount.setOpenBLAS()
        if Cluster.communicator != nil { throw CLIError.badArgument("mbgd path runs in one process; run it with mbgd, not mbgd-mpi") }
        let status = Status(quiet: json)
        let sparse = SparseInput.isSparse(data.file)
        if sparse {
            if penalty == .l2 {
                throw CLIError.badArgument(
                    "--penalty l2: \(data.file) is \(SparseInput.kind(data.file)), and the exact ridge path needs the dense Gram matrix's eigendecomposition; "
                        + "give a dense file (CSV or .npy: mbgd convert writes one), or --penalty l1 or elasticnet (coordinate descent takes sparse rows)"
                )
            }
            try SparseInput.check(data, weights: weights)
        }
        let encoded = sparse ? nil : try status.during(Status.loading(data.file)) { try data.loadEncoded(weights: weights) }
        let sparseEncoded: SparseDataset<Double>? = if let encoded, case let .sparse(rows) = encoded.rows { rows } else { nil }
        if sparseEncoded != nil, penalty == .l2 {
            throw CLIError.badArgument(
                "--penalty l2: the encoded rows are sparse (--hash-features, or many categorical levels), and the exact ridge path needs dense ones; drop --hash-features, or give --penalty l1 or elasticnet"
            )
        }
        let alphas = try parsedAlphas(), ratio = penalty == .elasticnet ? (l1Ratio ?? 0.5) : 1
        let fitIntercept = data.fitIntercept
        var rows: [Row], names: (features: [String], targets: [String]), shape: String
        var criterion: (name: String, scores: [Double], standardErrors: [Double])?
        var choices: (loo: RidgePath.Choice, gcv: RidgePath.Choice)?
        if sparse || sparseEncoded != nil {
            let rowsRead = try SparseInput.rows(data, encoded: sparseEncoded, status: status, as: Double.self)
            try Self.requireOneTarget(rowsRead.targetNames)
            names = (rowsRead.featureNames, rowsRead.targetNames)
            shape = SparseInput.shape(rowsRead)
            let path = try status.during(describe(rowsRead.rows, rowsRead.featureCount)) {
                try CoordinateDescent.path(rowsRead, l1Ratio: ratio, alphas: alphas, fitIntercept: fitIntercept)
            }
            rows = try path.solutions.map { try descentRow($0, names: names) { try $0.evaluate(rowsRead).r2 } }
        } else {
            let dense: Dataset<Double>? = if let encoded, case let .dense(rows) = encoded.rows { rows } else { nil }
            let dataset = try status.during(Status.loading(data.file)) {
                try dense.map { try CommandData(encoded: $0, precision: data.resolvedPrecision()) } ?? CommandData(data, weights: weights)
            }
            try Self.requireOneTarget(dataset.targetNames)
            names = (dataset.featureNames, dataset.targetNames)
            shape = "\(dataset.rows) rows × \(Format.count(dataset.featureCount, "feature"))"
            if penalty == .l2 {
                let path = try status.during(describe(dataset.rows, dataset.featureCount)) {
                    try RidgePath(dataset.source, alphas: alphas, fitIntercept: fitIntercept, threads: threads)
                }
                let target = path.targets[0]
                rows = path.alphas.indices.map { a in
                    Row(
                        alpha: path.alphas[a], lambda: path.glmnetLambda(path.alphas[a]), degrees: path.effectiveDegreesOfFreedom[a],
                        r2: target.rSquared[a], leaveOneOut: target.leaveOneOut[a], gcv: target.gcv[a], parameters: path.parameters[a])
                }
                choices = (target.choice(.loo), target.choice(.gcv))
                criterion = ("LOO MSE", target.leaveOneOut, target.leaveOneOutStandardError)
            } else {
                let path = try status.during(describe(dataset.rows, dataset.featureCount)) {
                    try CoordinateDescent.path(dataset.source, l1Ratio: ratio, alphas: alphas, fitIntercept: fitIntercept, threads: threads)
                }
                rows = try path.solutions.map { try descentRow($0, names: names) { try dataset.evaluate($0, threads: threads).r2 } }
            }
        }
        let plot = PathPlotData(
            alphas: rows.map(\.alpha),
            coefficients: names.features.indices.map { j in rows.map { $0.parameters.coefficients.elements[j] } },
            featureNames: names.features, penaltyName: penaltyName(ratio), criterion: criterion, chosen: choices?.loo.index,
            oneStandardError: choices?.loo.oneStandardErrorIndex)
        var outputs = Outputs()
        let plots = plotOptions.plot.map { PlotDestination($0).add(plot.plots(), into: &outputs) } ?? []
        try outputs.commit()
        print(
            json
                ? jsonReport(rows, names: names, ratio: ratio, choices: choices).text
                : humanReport(rows, shape: shape, ratio: ratio, choices: choices, defaultGrid: alphas == nil, plots: plots))
    }

    /// A lasso or elastic-net solution's row: its nonzero count, and R² (`r2` of its model).
    private func descentRow(
        _ solution: CoordinateDescent.Solution, names: (features: [String], targets: [String]), r2: (LinearRegression) throws -> Double
    ) throws -> Row {
        let model = try LinearRegression(
            parameters: solution.parameters, fitIntercept: data.fitIntercept, featureNames: names.features, targetNames: names.targets)
        return Row(
            alpha: solution.alpha, lambda: solution.alpha, degrees: Double(solution.coefficients.elements.count { $0 != 0 }),
            r2: try r2(model), leaveOneOut: nil, gcv: nil, parameters: solution.parameters, converged: solution.converged)
    }

    /// The table and plots are of one target: several would need one of each per target.
    static func requireOneTarget(_ names: [String]) throws {
        guard names.count == 1 else {
            throw CLIError.badArgument(
                "mbgd path draws the path of one target, and \(names.count) were given (\(names.joined(separator: ", "))): run it once per --target"
            )
        }
    }

    private func describe(_ rows: Int, _ features: Int) -> String {
        "computing the \(penalty == .l2 ? "ridge" : penalty == .l1 ? "lasso" : "elastic-net") path of \(rows) rows × \(Format.count(features, "feature"))"
    }

    /// "Ridge", "Lasso", "Elastic net (l1_ratio 0.5)".
    private func penaltyName(_ ratio: Double) -> String {
        switch penalty {
        case .l2: "Ridge"
        case .l1: "Lasso"
        case .elasticnet: "Elastic net (l1_ratio \(Format.number(ratio)))"
        }
    }

    private func jsonReport(
        _ rows: [Row], names: (features: [String], targets: [String]), ratio: Double,
        choices: (loo: RidgePath.Choice, gcv: RidgePath.Choice)?
    ) -> JSON {
        var fields: [(String, JSON)] = [
            ("features", .strings(names.features)), ("targets", .strings(names.targets)), ("weights", weights.map(JSON.string) ?? .null),
            ("penalty", .string(penalty.rawValue)), ("l1Ratio", penalty == .l2 ? .null : .number(ratio)),
            ("alphas", .numbers(rows.map(\.alpha))), ("glmnetLambdas", .numbers(rows.map(\.lambda))),
            ("coefficients", .array(rows.map { .numbers($0.parameters.coefficients.elements) })),
            ("intercepts", data.fitIntercept ? .numbers(rows.map { $0.parameters.intercept[0] }) : .null),
            (penalty == .l2 ? "effectiveDegreesOfFreedom" : "nonzeroCoefficients", .numbers(rows.map(\.degrees))),
            ("r2", .numbers(rows.map(\.r2))),
            ("converged", .array(rows.map { .bool($0.converged) })),
        ]
        if let choices {
            fields += [
                ("looScores", .numbers(rows.map { $0.leaveOneOut ?? .nan })), ("gcvScores", .numbers(rows.map { $0.gcv ?? .nan })),
                ("alphaLoo", .number(choices.loo.alpha)), ("alpha1seLoo", .number(choices.loo.oneStandardErrorAlpha)),
                ("alphaGcv", .number(choices.gcv.alpha)), ("alpha1seGcv", .number(choices.gcv.oneStandardErrorAlpha)),
            ]
        }
        return .object(fields)
    }

    private func humanReport(
        _ rows: [Row], shape: String, ratio: Double, choices: (loo: RidgePath.Choice, gcv: RidgePath.Choice)?, defaultGrid: Bool,
        plots: [String]
    ) -> String {
        let n = weights == nil ? "n" : "Σw"
        var lines = ["\(penaltyName(ratio)) path on \(data.file): \(shape)" + (weights.map { ", weighted by \($0)" } ?? "")]
        switch penalty {
        case .l2:
            lines.append("α as scikit-learn's Ridge: ‖y − Xβ − b‖² + α·‖β‖²; glmnet's λ = α/\(n) (standardize = FALSE)")
            lines.append(
                "\(Format.count(rows.count, "alpha"))\(defaultGrid ? " (1e-6 to 10 times the Gram matrix's largest eigenvalue)" : ""), exact, from one factorization; df = tr H"
            )
        case .l1, .elasticnet:
            let term = penalty == .l1 ? "α·‖β‖₁" : "α·(R·‖β‖₁ + (1 − R)/2·‖β‖²), R = \(Format.number(ratio))"
            lines.append("α as scikit-learn's ElasticNet: ‖y − Xβ − b‖²/(2\(n)) + \(term); glmnet's λ = α (standardize = FALSE)")
            lines.append(
                "\(Format.count(rows.count, "alpha"))\(defaultGrid ? " from alpha_max (all coefficients 0) down to 1e-3 times it" : ""), coordinate descent with warm starts; df = nonzero coefficients"
            )
        }
        lines.append("")
        var headers = ["alpha", "glmnet lambda", "df", "R²"]
        if choices != nil { headers += ["LOO MSE", "GCV", "chosen"] }
        var table = Table(headers)
        for (a, row) in rows.enumerated() {
            var cells = [
                Format.number(row.alpha, digits: 6), Format.number(row.lambda, digits: 6),
                penalty == .l2 ? Format.number(row.degrees, digits: 5) : String(Int(row.degrees)), Format.number(row.r2, digits: 6),
            ]
            if let choices {
                let marks = [(choices.loo.index, "LOO"), (choices.loo.oneStandardErrorIndex, "LOO 1-SE"), (choices.gcv.index, "GCV")]
                cells += [
                    Format.number(row.leaveOneOut ?? .nan, digits: 6), Format.number(row.gcv ?? .nan, digits: 6),
                    marks.filter { $0.0 == a }.map(\.1).joined(separator: ", "),
                ]
            }
            table.add(cells)
        }
        // The marks' column is blank on most rows: no trailing blanks.
        lines += table.render().split(separator: "\n").map { String($0.reversed().drop { $0 == " " }.reversed()) }
        if let choices {
            let ends = [rows.map(\.alpha).min()!, rows.map(\.alpha).max()!]
            for (name, choice) in [("LOO", choices.loo), ("GCV", choices.gcv)] where rows.count > 1 && ends.contains(choice.alpha) {
                lines.append(
                    "  \(name)'s best alpha is the grid's \(choice.alpha == ends[0] ? "smallest" : "largest"): the minimum may lie beyond it (widen --alphas)"
                )
            }
            lines.append(
                "Chosen: LOO α = \(Format.number(choices.loo.alpha, digits: 6)) (1-SE \(Format.number(choices.loo.oneStandardErrorAlpha, digits: 6))), GCV α = \(Format.number(choices.gcv.alpha, digits: 6)) (1-SE \(Format.number(choices.gcv.oneStandardErrorAlpha, digits: 6)))"
            )
        }
        let missed = rows.filter { !$0.converged }.map { Format.number($0.alpha, digits: 6) }
        if !missed.isEmpty {
            lines.append(
                "NOT converged (the duality gap above its tolerance after the sweep limit) at alpha \(missed.joined(separator: ", ")): those rows are approximate"
            )
        }
        if !plots.isEmpty { lines.append("Plots: \(plots.joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }
}

extension Path: PlottingCommand {
    static var plotted: String { "the coefficient paths against alpha and, for l2, the leave-one-out curve, the chosen alphas marked" }
    static var plotFile: String? { nil }
}
