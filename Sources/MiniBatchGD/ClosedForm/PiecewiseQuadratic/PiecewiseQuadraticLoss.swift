/// A loss whose second derivative is 0 or 1 piece by piece (Huber's, the squared
/// epsilon-insensitive), with ℓ' odd: what ``PiecewiseQuadraticNewton`` minimizes exactly.
protocol PiecewiseQuadraticLoss: Loss {
    /// ℓ''(r): 1 where ℓ is r²/2 up to a shift, 0 where it is linear or flat (either side at a
    /// joint: the Newton step is the same to first order).
    func secondDerivative(_ residual: Double) -> Double
}

extension HuberLoss: PiecewiseQuadraticLoss {
    /// 1 within δ, 0 beyond.
    @inline(__always)
    func secondDerivative(_ residual: Double) -> Double { abs(residual) <= delta ? 1 : 0 }
}

extension SquaredEpsilonInsensitiveLoss: PiecewiseQuadraticLoss {
    /// 1 beyond ε, 0 within.
    @inline(__always)
    func secondDerivative(_ residual: Double) -> Double { abs(residual) > epsilon ? 1 : 0 }
}
