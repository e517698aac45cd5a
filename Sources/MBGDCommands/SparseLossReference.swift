import Foundation
import MiniBatchGD

/// A loss other than squares on sparse rows, and its exact optimum on the sparse rows
/// themselves: Newton's method for Huber's and the squared epsilon-insensitive loss, the
/// interior point for the two linear programs.
struct SparseLossReference: Sendable {
    let name: LossName
    let loss: any Loss
    /// The loss's parameter, by its JSON name ("delta", "epsilon", "quantile").
    let parameter: (name: String, value: Double)
    /// The `"loss"` object.
    var lossJSON: JSON { .object([("name", .string(name.rawValue)), (parameter.name, .number(parameter.value))]) }
    let lossLine: String
    /// The exact column's heading in the coefficient table.
    let label: String

    /// Resolves the loss's parameter (δ from LSQR's residuals when not given), before any descent;
    /// notes a slow exact solve ahead on stderr unless `quiet` (`--json`).
    init<Element: BLASScalar>(
        _ options: LossOptions, epsilon given: Double?, train: SparseDataset<Element>, fitIntercept: Bool, file: String, status: Status,
        quiet: Bool
    ) throws {
        name = options.loss
        let epsilon = options.resolvedEpsilon(given), tau = options.resolvedQuantile
        switch options.loss {
        case .huber:
            let delta =
                try options.delta
                ?? status.during("choosing δ from LSQR's residuals") {
                    try Self.defaultDelta(train, fitIntercept: fitIntercept)
                }
            loss = HuberLoss(delta: delta)
            parameter = ("delta", delta)
            lossLine =
                "  loss: Huber's, squares within δ = \(Format.number(delta)) of the fit and absolute values beyond"
                + (options.delta == nil ? " (δ = 1.35 × the least-squares residuals' robust scale)" : "")
            label = "exact (Newton)"
        case .squaredEpsilonInsensitive:
            loss = SquaredEpsilonInsensitiveLoss(epsilon: epsilon)
            parameter = ("epsilon", epsilon)
            lossLine = "  loss: squared epsilon-insensitive, max(0, |r| − ε)²/2 with ε = \(Format.number(epsilon))"
            label = "exact (Newton)"
        default:
            if options.isQuantile {
                loss = QuantileLoss(quantile: tau)
                parameter = ("quantile", tau)
                lossLine = "  loss: quantile (pinball) at τ = \(Format.number(tau)) (descended by subgradients)"
            } else {
                loss = EpsilonInsensitiveLoss(epsilon: epsilon)
                parameter = ("epsilon", epsilon)
                lossLine =
                    "  loss: epsilon-insensitive, max(0, |r| − ε) with ε = \(Format.number(epsilon)) (descended by subgradients)"
            }
            label = "exact (LP)"
            Self.noteConjugateGradients(options, rows: train, quiet: quiet)
        }
    }

    /// Past ``QuantileRegression/sparseGramColumnLimit`` columns holding a value (empty ones are
    /// left out) the linear programs' interior point solves each step by conjugate gradients: said
    /// before it starts, since on a file of RCV1's size (200,000 × 47,236) it had not finished
    /// after 7 minutes.
    static func noteConjugateGradients<Element: BLASScalar>(_ options: LossOptions, rows: SparseDataset<Element>, quiet: Bool) {
        let limit = QuantileRegression.sparseGramColumnLimit
        guard !quiet, rows.featureCount > limit else { return }
        var used = [Bool](repeating: false, count: rows.featureCount), columns = 0
        for j in rows.columnIndices where !used[Int(j)] {
            used[Int(j)] = true
            columns += 1
        }
        guard columns > limit else { return }
        Terminal.writeError(
            "\(Cluster.tool): note: --loss \(options.loss.rawValue) on \(columns) columns is solved exactly by an interior point whose steps run conjugate gradients (past \(limit) columns the normal equations are not formed): on large files that takes many minutes (Ctrl-C stops it); --loss huber is solved by Newton's method far sooner\n"
        )
    }

    /// 1.35 × the robust scale of the least-squares residuals (LSQR's), as the dense fit's default.
    static func defaultDelta<Element: BLASScalar>(_ train: SparseDataset<Element>, fitIntercept: Bool) throws -> Double {
        guard train.outputCount == 1 else {
            throw CLIError.badArgument("--loss huber with \(train.outputCount) targets: give --delta (one threshold for all of them)")
        }
        var leastSquares = LinearRegression(fitIntercept: fitIntercept)
        try leastSquares.fit(train)
        let predictions = try leastSquares.predict(train)
        let residuals = (0..<train.rows).map { Double(train.targets[$0, 0]) - predictions[$0, 0] }
        return 1.35 * LossOptions.robustScale(residuals)
    }

    /// The descent beside the exact optimum, on `rows`.
    func fitAndCompare<Element: BLASScalar>(
        _ model: inout LinearRegression, _ rows: SparseDataset<Element>, using config: GradientDescent,
        progress: (@Sendable (EpochReport) -> Void)?
    ) throws -> SparseLossComparison {
        switch name {
        case .huber: return SparseLossComparison(try model.fitAndCompareHuber(rows, using: config, progress: progress), { .huber($0) })
        case .squaredEpsilonInsensitive:
            return SparseLossComparison(
                try model.fitAndCompareSquaredEpsilonInsensitive(rows, using: config, progress: progress), { .tube($0) })
        case .quantile:
            return SparseLossComparison(try model.fitAndCompareQuantile(rows, using: config, progress: progress), { .quantile($0) })
        default:
            return SparseLossComparison(
                try model.fitAndCompareEpsilonInsensitive(rows, using: config, progress: progress), { .epsilonInsensitive($0) })
        }
    }
}

/// A sparse descent beside its loss's exact optimum, whichever loss.
struct SparseLossComparison: Sendable {
    let run: TrainingRun
    let reference: SparseExactAnswer
    let parameterRelativeDifference: Double
    let costRelativeDifference: Double

    init<Reference>(_ comparison: DescentComparison<Reference>, _ wrap: (Reference) -> SparseExactAnswer) {
        run = comparison.run
        reference = wrap(comparison.reference)
        parameterRelativeDifference = comparison.parameterRelativeDifference
        costRelativeDifference = comparison.costRelativeDifference
    }
}

/// The exact optimum of one of the four losses, with its certificate.
enum SparseExactAnswer: Sendable {
    case huber(HuberRegression.Solution)
    case tube(SquaredEpsilonInsensitiveRegression.Solution)
    case quantile(QuantileRegression.Solution)
    case epsilonInsensitive(EpsilonInsensitiveRegression.Solution)

    var parameters: Parameters {
        switch self {
        case let .huber(solution): solution.parameters
        case let .tube(solution): solution.parameters
        case let .quantile(solution): solution.parameters
        case let .epsilonInsensitive(solution): solution.parameters
        }
    }

    /// The `"reference"` object's fields after the parameters, as the dense fit's.
    var fields: [(String, JSON)] {
        switch self {
        case let .huber(solution):
            [
                ("method", .string("newton")), ("gradientNorm", .number(solution.targets.map(\.gradientNorm).max() ?? 0)),
                ("outliers", .integer(solution.targets.reduce(0) { $0 + $1.outliers })),
                ("newtonSystem", .string(solution.system.rawValue)),
                ("innerIterations", .integer(solution.targets.reduce(0) { $0 + $1.innerIterations })),
            ]
        case let .tube(solution):
            [
                ("method", .string("newton")), ("gradientNorm", .number(solution.targets.map(\.gradientNorm).max() ?? 0)),
                ("insideTube", .integer(solution.targets.reduce(0) { $0 + $1.insideTube })),
                ("newtonSystem", .string(solution.system.rawValue)),
                ("innerIterations", .integer(solution.targets.reduce(0) { $0 + $1.innerIterations })),
            ]
        case let .quantile(solution):
            [
                ("method", .string("interior-point")), ("dualityGap", .number(solution.targets.map(\.dualityGap).max() ?? 0)),
                ("zeroResiduals", .integer(solution.targets.reduce(0) { $0 + $1.zeroResiduals })),
                ("iterations", .integer(solution.targets.reduce(0) { $0 + $1.iterations })),
                ("newtonSystem", .string(solution.system.rawValue)),
                ("innerIterations", .integer(solution.targets.reduce(0) { $0 + $1.innerIterations })),
            ]
        case let .epsilonInsensitive(solution):
            [
                ("method", .string("interior-point")), ("dualityGap", .number(solution.targets.map(\.dualityGap).max() ?? 0)),
                ("edgeResiduals", .integer(solution.targets.reduce(0) { $0 + $1.edgeResiduals })),
                ("iterations", .integer(solution.targets.reduce(0) { $0 + $1.iterations })),
                ("newtonSystem", .string(solution.system.rawValue)),
                ("innerIterations", .integer(solution.targets.reduce(0) { $0 + $1.innerIterations })),
            ]
        }
    }

    /// One line per target: how the optimum was reached and its certificate.
    func lines(targetNames: [String], rows: Int) -> [String] {
        func prefix(_ o: Int, _ count: Int) -> String { "Exact answer\(count > 1 ? " for \(targetNames[o])" : ""): " }
        // Newton's steps, how each was solved, and its certificate: the same for both smooth losses.
        func newton(_ system: NewtonSystem, iterations: Int, inner: Int, gradientNorm: Double, converged: Bool) -> String {
            let how =
                system == .cholesky
                ? "the Hessian formed from the sparse rows' products, by Cholesky"
                : "each step by conjugate gradients (\(Format.count(inner, "inner step"))), the Hessian never formed"
            return "\(Format.count(iterations, "Newton step")) (\(how)), "
                + "gradient \(Format.number(gradientNorm, digits: 2))\(converged ? " at its floor" : ", NOT at its floor"); "
        }
        // The interior point's route on the sparse rows.
        func interior(_ system: NewtonSystem, inner: Int) -> String {
            system == .cholesky
                ? "a linear program by interior point on the sparse rows (normal equations formed from their products, by Cholesky), "
                : "a linear program by interior point on the sparse rows (normal equations by conjugate gradients, \(Format.count(inner, "inner step")), never formed), "
        }
        switch self {
        case let .huber(solution):
            return solution.targets.enumerated().map { o, report in
                prefix(o, solution.targets.count)
                    + newton(
                        solution.system, iterations: report.iterations, inner: report.innerIterations, gradientNorm: report.gradientNorm,
                        converged: report.converged)
                    + "\(report.outliers) of \(rows) residuals beyond δ"
            }
        case let .tube(solution):
            return solution.targets.enumerated().map { o, report in
                prefix(o, solution.targets.count)
                    + newton(
                        solution.system, iterations: report.iterations, inner: report.innerIterations, gradientNorm: report.gradientNorm,
                        converged: report.converged)
                    + "\(report.insideTube) of \(rows) residuals inside the tube"
            }
        case let .quantile(solution):
            return solution.targets.enumerated().map { o, report in
                prefix(o, solution.targets.count) + interior(solution.system, inner: report.innerIterations)
                    + "\(Format.count(report.iterations, "step")), duality gap \(Format.number(report.dualityGap, digits: 2)) (relative); "
                    + "\(report.zeroResiduals) of \(rows) residuals zero"
            }
        case let .epsilonInsensitive(solution):
            return solution.targets.enumerated().map { o, report in
                prefix(o, solution.targets.count) + interior(solution.system, inner: report.innerIterations)
                    + "\(Format.count(report.iterations, "step")), duality gap \(Format.number(report.dualityGap, digits: 2)) (relative); "
                    + "\(report.edgeResiduals) of \(rows) residuals on the tube's edge"
            }
        }
    }
}
