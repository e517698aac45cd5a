/// What coordinate descent reads and changes as it moves one coefficient: the correlations
/// gⱼ = x̃ⱼᵀΩr of the centred columns with the current residual r (Ω the row weights over Σw).
///
/// ``GramUpdates`` keeps them through the Gram matrix (glmnet's covariance updates);
/// ``ColumnUpdates`` through the residual itself (naive updates). Both are reference types that
/// own their scratch, so that a sweep allocates nothing.
protocol CoordinateUpdates: AnyObject {
    /// The coefficients per target, p.
    var p: Int { get }
    /// Σωᵢx̃ᵢⱼ² per column, or 0 for a column held at zero: constant with an intercept (centred,
    /// it is zero), all zero without one.
    var curvature: [Double] { get }
    /// Σωᵢỹᵢ² per target, ỹ the centred targets (the targets themselves without an intercept).
    var targetSquares: [Double] { get }
    /// Starts target `target` at `coefficients` (p values).
    func begin(target: Int, coefficients: UnsafePointer<Double>)
    /// gⱼ at the current coefficients.
    func correlation(_ j: Int) -> Double
    /// Coefficient j has moved by `delta`.
    func move(_ j: Int, by delta: Double)
    /// Every gⱼ into `output` (p values), recomputed afresh from `coefficients` (the current
    /// ones) where running updates could have drifted.
    func correlations(coefficients: UnsafePointer<Double>, into output: UnsafeMutablePointer<Double>)
    /// Σωᵢrᵢ² at the current `coefficients`.
    func residualSquares(coefficients: UnsafePointer<Double>) -> Double
}

/// Whether a column is held at zero: with an intercept, a column whose weighted deviation
/// √`squares` is at rounding level of its `mean` (constant, as ``Standardizer`` decides: centred,
/// it is zero, and its coefficient is not identified); without one, a column of zeros.
func isHeldAtZero(squares: Double, mean: Double, fitIntercept: Bool) -> Bool {
    guard fitIntercept else { return squares == 0 }
    return !(squares.squareRoot() > 1e-12 * Swift.max(abs(mean), Double.leastNormalMagnitude))
}
