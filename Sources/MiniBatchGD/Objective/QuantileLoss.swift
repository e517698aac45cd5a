/// The quantile (pinball) loss at τ: with u = target − prediction = −r, ℓ = τ·u above the fit
/// and (1 − τ)·|u| below, whose minimizer is the conditional τ-quantile (τ = ½: least absolute
/// deviations, half the absolute residual).
///
/// The loss is piecewise linear, so a descent on it is a subgradient method: a decaying rate
/// (``LearningRateSchedule/inverseScaling(power:)`` at power ½) with averaged iterates
/// (``Averaging/fromStart``), no certificate. The exact reference is ``QuantileRegression``
/// (a linear program); ``LinearRegression/fitAndCompareQuantile(_:using:progress:)-(Source,_,_)`` compares a
/// descent with it by objective.
///
/// ```swift
/// var config = GradientDescent(averaging: .fromStart, schedule: .inverseScaling(power: 0.5))
/// config.loss = QuantileLoss(quantile: 0.9)
/// var model = LinearRegression()
/// let comparison = try model.fitAndCompareQuantile(data, using: config)
/// print(comparison.costRelativeDifference)
/// ```
public struct QuantileLoss: Loss {
    /// τ in (0, 1).
    public var quantile: Double

    /// The pinball loss at `quantile` (default ½, the median).
    public init(quantile: Double = 0.5) { self.quantile = quantile }

    /// (1 − τ)·r for a prediction above the target (r > 0), −τ·r below.
    @inline(__always)
    public func value(_ residual: Double) -> Double { residual > 0 ? (1 - quantile) * residual : -quantile * residual }

    /// 1 − τ above the target, −τ below, 0 at it (a subgradient: any value in [−τ, 1 − τ]).
    @inline(__always)
    public func derivative(_ residual: Double) -> Double { residual > 0 ? 1 - quantile : residual < 0 ? -quantile : 0 }

    /// 0...1: ℓ'' is 0 except at 0, where ℓ has none (see ``EpsilonInsensitiveLoss/curvature``).
    public var curvature: ClosedRange<Double> { 0...1 }

    /// Not a multiple of r²/2.
    public var quadraticScale: Double? { nil }

    /// False: a kink at 0.
    public var isSmooth: Bool { false }

    /// τ must lie strictly between 0 and 1.
    public func validate() throws {
        guard quantile.isFinite, quantile > 0, quantile < 1 else {
            throw ArgumentError(argument: "loss.quantile", value: "\(quantile)", requirement: "must lie strictly between 0 and 1")
        }
    }
}
