import ArgumentParser
import Foundation
import MiniBatchGD

/// The loss a command fits: least squares, Huber's with its threshold, the quantile (pinball)
/// loss at its quantile, or the epsilon-insensitive losses with their tube.
enum LossName: String, CaseIterable, ExpressibleByArgument {
    case squared, huber, quantile
    case epsilonInsensitive = "epsilon-insensitive"
    case squaredEpsilonInsensitive = "squared-epsilon-insensitive"
}

/// `--loss`, `--delta` and `--quantile`, shared by `fit` and `solve` (each has its own `--epsilon`:
/// see ``validateTube(epsilon:)``).
struct LossOptions: ParsableArguments {
    @Option(
        help:
            "The loss: squared (least squares, the default), huber (squares within --delta of the fit, absolute values beyond), quantile (the pinball loss at --quantile), epsilon-insensitive (max(0, |r| − ε), ε = --epsilon) or squared-epsilon-insensitive (max(0, |r| − ε)²/2). mbgd fit descends on quantile and epsilon-insensitive by subgradients (inverse-scaling 1/√t and averaged iterates unless --schedule, --decay-power or --no-average say otherwise)."
    )
    var loss: LossName = .squared
    @Option(
        parsing: .unconditional,
        help:
            "Huber's threshold δ, in the target's units (default: 1.35 × the robust scale of the least-squares residuals, 1.4826 × their median absolute deviation, as statsmodels' RLM starts)."
    )
    var delta: Double?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "The quantile τ in (0, 1) of --loss quantile (default: 0.5, the median: least absolute deviations), as quantreg's rq(tau = Q).",
            valueName: "Q"))
    var quantile: Double?
    var isHuber: Bool { loss == .huber }
    var isQuantile: Bool { loss == .quantile }
    /// Either epsilon-insensitive loss.
    var hasTube: Bool { loss == .epsilonInsensitive || loss == .squaredEpsilonInsensitive }
    /// A loss with kinks, which the descent follows by subgradients.
    var isSubgradient: Bool { loss == .quantile || loss == .epsilonInsensitive }
    /// τ: --quantile, or the median.
    var resolvedQuantile: Double { quantile ?? 0.5 }
    /// ε: the `--epsilon` given, or scikit-learn's 0.1.
    func resolvedEpsilon(_ epsilon: Double?) -> Double { epsilon ?? Self.defaultEpsilon }
    /// scikit-learn's `SGDRegressor(epsilon=0.1)`.
    static let defaultEpsilon = 0.1

    func validate() throws {
        if let quantile {
            guard isQuantile else {
                throw ValidationError("--quantile \(Format.number(quantile)) is the quantile loss's τ: give --loss quantile")
            }
            guard quantile.isFinite, quantile > 0, quantile < 1 else {
                throw ValidationError("--quantile = \(quantile) is invalid: must lie strictly between 0 and 1")
            }
        }
        if let delta {
            guard isHuber else { throw ValidationError("--delta \(Format.number(delta)) is Huber's threshold: give --loss huber") }
            guard delta.isFinite, delta > 0 else {
                throw ValidationError("--delta = \(delta) is invalid: must be a positive finite number")
            }
        }
    }

    /// Checks `--epsilon` as the tube's half-width (`fit` reads the optimizer's `--epsilon`,
    /// `solve` its own ``TubeOptions``).
    func validateTube(epsilon: Double?) throws {
        guard let epsilon else { return }
        guard hasTube else {
            throw ValidationError(
                "--epsilon \(Format.number(epsilon)) is the tube's half-width: give --loss epsilon-insensitive or squared-epsilon-insensitive"
            )
        }
        guard epsilon.isFinite, epsilon >= 0 else {
            throw ValidationError("--epsilon = \(epsilon) is invalid: must be a finite number ≥ 0")
        }
    }

    /// --delta, or 1.35 × the robust scale of the least-squares residuals of the rows' one target
    /// (of positive weight)
    /// (statsmodels' RLM starts from that scale: the median absolute deviation of OLS residuals).
    func resolvedDelta(_ data: CommandData, fitIntercept: Bool, threads: Int?) throws -> Double {
        if let delta { return delta }
        guard data.outputCount == 1 else {
            throw CLIError.badArgument("--loss huber with \(data.outputCount) targets: give --delta (one threshold for all of them)")
        }
        var leastSquares = LinearRegression(fitIntercept: fitIntercept)
        let solution = try data.solve(
            &leastSquares, method: .auto, ridge: 0, covariance: .nonrobust, confidenceLevel: LeastSquares.defaultConfidenceLevel,
            refine: false, threads: threads)
        let residuals = data.firstTargetResiduals(solution.parameters)
        // Rows of weight 0 are left out of the fit: out of the scale too.
        let kept = data.weights.map { weights in residuals.indices.filter { weights[$0] > 0 }.map { residuals[$0] } } ?? residuals
        return 1.35 * Self.robustScale(kept)
    }

    /// 1.4826 × the median absolute deviation from the median (the normal's σ when the values
    /// are normal), or the standard deviation when more than half the values are equal, or 1.
    static func robustScale(_ values: [Double]) -> Double {
        func median(_ sorted: [Double]) -> Double {
            let n = sorted.count
            return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
        }
        let center = median(values.sorted())
        let mad = 1.4826 * median(values.map { abs($0 - center) }.sorted())
        if mad > 0 { return mad }
        let mean = values.reduce(0, +) / Double(Swift.max(values.count, 1))
        let deviation = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(Swift.max(values.count, 1))).squareRoot()
        return deviation > 0 ? deviation : 1
    }
}
