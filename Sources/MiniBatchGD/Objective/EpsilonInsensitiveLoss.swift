/// The epsilon-insensitive loss of support vector regression: ℓ(r) = max(0, |r| − ε), nothing
/// for residuals within ε of the fit and their excess beyond (scikit-learn's `SGDRegressor`
/// `loss="epsilon_insensitive"`).
///
/// ε is in the target's units. The loss is piecewise linear, so the cost has no curvature to
/// set a step size by and no strong convexity to certify a stop by: a descent on it is a
/// subgradient method, which converges with a decaying rate (``LearningRateSchedule/inverseScaling(power:)``
/// at power ½) and averaged iterates (``Averaging/fromStart``). The exact reference is
/// ``EpsilonInsensitiveRegression`` (a linear program);
/// ``LinearRegression/fitAndCompareEpsilonInsensitive(_:using:progress:)-(Source,_,_)`` compares a descent
/// with it by objective, since the optimum's coefficients need not be unique.
///
/// ```swift
/// var config = GradientDescent(averaging: .fromStart, schedule: .inverseScaling(power: 0.5))
/// config.loss = EpsilonInsensitiveLoss(epsilon: 0.1)
/// var model = LinearRegression()
/// let comparison = try model.fitAndCompareEpsilonInsensitive(data, using: config)
/// print(comparison.costRelativeDifference)
/// ```
public struct EpsilonInsensitiveLoss: Loss {
    /// ε ≥ 0, the half-width of the tube within which residuals cost nothing (ε = 0: least
    /// absolute deviations).
    public var epsilon: Double

    /// The epsilon-insensitive loss with tube half-width `epsilon` (default 0.1, scikit-learn's).
    public init(epsilon: Double = 0.1) { self.epsilon = epsilon }

    /// max(0, |r| − ε).
    @inline(__always)
    public func value(_ residual: Double) -> Double { Swift.max(abs(residual) - epsilon, 0) }

    /// sign(r) beyond ε, 0 within it (0 at ±ε, a subgradient).
    @inline(__always)
    public func derivative(_ residual: Double) -> Double { residual > epsilon ? 1 : residual < -epsilon ? -1 : 0 }

    /// 0...1: ℓ'' is 0 except at ±ε, where ℓ has none. The upper 1 gives the automatic step least
    /// squares' scale (times the target's spread, since a subgradient's size does not grow with
    /// the residual); the lower 0 allows no certificate.
    public var curvature: ClosedRange<Double> { 0...1 }

    /// Not a multiple of r²/2.
    public var quadraticScale: Double? { nil }

    /// False: a kink at ±ε.
    public var isSmooth: Bool { false }

    /// ε must be finite and ≥ 0.
    public func validate() throws {
        guard epsilon.isFinite, epsilon >= 0 else {
            throw ArgumentError(argument: "loss.epsilon", value: "\(epsilon)", requirement: "must be a finite number ≥ 0")
        }
    }
}
