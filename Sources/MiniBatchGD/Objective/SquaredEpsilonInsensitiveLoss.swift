/// The squared epsilon-insensitive loss: ℓ(r) = max(0, |r| − ε)²/2, nothing within ε of the fit
/// and half the squared excess beyond.
///
/// The factor ½ makes ℓ'(r) the excess itself, as least squares' r²/2 gives r; scikit-learn's
/// `SGDRegressor(loss="squared_epsilon_insensitive")` charges max(0, |r| − ε)² without it (its
/// gradient is 2× ours), which has the same minimizer without a penalty and the same one as ours
/// at twice its `alpha` with one. ε is in the target's units. The loss is smooth (C¹, piecewise
/// quadratic) with ℓ'' in [0, 1], so the automatic step size applies, as for ``HuberLoss``; its
/// lower curvature 0 allows no certificate. The exact reference is
/// ``SquaredEpsilonInsensitiveRegression`` (Newton's method);
/// ``LinearRegression/fitAndCompareSquaredEpsilonInsensitive(_:using:progress:)-(Source,_,_)`` compares a
/// descent with it.
///
/// ```swift
/// var config = GradientDescent(batchSize: .full, epochs: 3000, optimizer: .nesterov())
/// config.loss = SquaredEpsilonInsensitiveLoss(epsilon: 0.5)
/// var model = LinearRegression()
/// let comparison = try model.fitAndCompareSquaredEpsilonInsensitive(data, using: config)
/// print(comparison.costRelativeDifference)
/// ```
public struct SquaredEpsilonInsensitiveLoss: Loss {
    /// ε ≥ 0, the half-width of the tube within which residuals cost nothing (ε = 0: least squares).
    public var epsilon: Double

    /// The squared epsilon-insensitive loss with tube half-width `epsilon` (default 0.1,
    /// scikit-learn's).
    public init(epsilon: Double = 0.1) { self.epsilon = epsilon }

    /// max(0, |r| − ε)²/2.
    @inline(__always)
    public func value(_ residual: Double) -> Double {
        let excess = Swift.max(abs(residual) - epsilon, 0)
        return 0.5 * excess * excess
    }

    /// The excess beyond the tube, signed: r − ε above it, r + ε below, 0 within.
    @inline(__always)
    public func derivative(_ residual: Double) -> Double {
        residual > epsilon ? residual - epsilon : residual < -epsilon ? residual + epsilon : 0
    }

    /// 0...1: 1 beyond the tube, 0 within, so no certificate.
    public var curvature: ClosedRange<Double> { 0...1 }

    /// Not a multiple of r²/2 (unless ε = 0, which is not special-cased).
    public var quadraticScale: Double? { nil }

    /// ε must be finite and ≥ 0.
    public func validate() throws {
        guard epsilon.isFinite, epsilon >= 0 else {
            throw ArgumentError(argument: "loss.epsilon", value: "\(epsilon)", requirement: "must be a finite number ≥ 0")
        }
    }
}
