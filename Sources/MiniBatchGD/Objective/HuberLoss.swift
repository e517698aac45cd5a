/// Huber's loss with threshold δ: ℓ(r) = r²/2 for |r| ≤ δ and δ·|r| − δ²/2 beyond, squares for
/// small residuals and absolute values for large ones, so that a few wild targets pull the fit
/// far less than under least squares.
///
/// δ is in the target's units (a fixed scale: statsmodels' `RLM` with `HuberT(t=δ)` and the
/// scale held at 1, not scikit-learn's `HuberRegressor`, which estimates a scale beside it).
/// The exact reference is ``HuberRegression``; ``LinearRegression/fitAndCompareHuber(_:using:progress:)-(Source,_,_)``
/// compares a descent with it.
///
/// ```swift
/// var config = GradientDescent(batchSize: .full, epochs: 3000, optimizer: .nesterov())
/// config.loss = HuberLoss(delta: 1.35)
/// var model = LinearRegression()
/// let comparison = try model.fitAndCompareHuber(data, using: config)
/// print(comparison.parameterRelativeDifference, comparison.reference.targets[0].outliers)
/// ```
public struct HuberLoss: Loss {
    /// δ > 0, where the squares give way to absolute values.
    public var delta: Double

    /// Huber's loss with threshold `delta`.
    public init(delta: Double = 1.35) { self.delta = delta }

    /// r²/2 within δ, δ·|r| − δ²/2 beyond.
    @inline(__always)
    public func value(_ residual: Double) -> Double {
        let size = abs(residual)
        return size <= delta ? 0.5 * residual * residual : delta * (size - 0.5 * delta)
    }

    /// r clamped to [−δ, δ].
    @inline(__always)
    public func derivative(_ residual: Double) -> Double { Swift.min(Swift.max(residual, -delta), delta) }

    /// 0...1: no positive lower bound (beyond δ the loss is linear), so no certificate.
    public var curvature: ClosedRange<Double> { 0...1 }

    /// Not a multiple of r²/2.
    public var quadraticScale: Double? { nil }

    /// δ must be positive and finite (δ = 0 has no gradient: nothing would be learned).
    public func validate() throws {
        guard delta.isFinite, delta > 0 else {
            throw ArgumentError(argument: "loss.delta", value: "\(delta)", requirement: "must be a positive finite number")
        }
    }
}
