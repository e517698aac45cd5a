/// How a row's residual is charged: the cost a descent minimizes is Σωᵢ·ℓ(rᵢ) over the rows
/// and targets (divided by Σω under the mean reduction), with rᵢ = prediction − target.
///
/// ``SquaredLoss`` (ℓ = r²/2, least squares) is the default and the fast path: fused kernels,
/// the exact closed form as the reference, the certified stop. The package's other losses
/// (``HuberLoss``, ``EpsilonInsensitiveLoss``, ``SquaredEpsilonInsensitiveLoss``, ``QuantileLoss``)
/// have fused kernels of their own, ℓ′ applied to each residual inside the pass over the rows. A
/// loss of your own type trains through a generic kernel that calls ``value(_:)`` and
/// ``derivative(_:)`` once per residual. A loss's curvature bounds set the automatic step size
/// and, when the lower one is positive, allow the certificate.
///
/// ```swift
/// /// Least squares at twice the scale: the same minimizer.
/// struct DoubledSquares: Loss {
///     func value(_ r: Double) -> Double { r * r }
///     func derivative(_ r: Double) -> Double { 2 * r }
///     var curvature: ClosedRange<Double> { 2...2 }
///     var quadraticScale: Double? { 2 }
/// }
/// var configuration = GradientDescent()
/// configuration.loss = DoubledSquares()
/// ```
public protocol Loss: Sendable, Equatable {
    /// ℓ(r) for one residual r = prediction − target.
    func value(_ residual: Double) -> Double
    /// dℓ/dr at r (a subgradient where ℓ has a kink).
    func derivative(_ residual: Double) -> Double
    /// Bounds on ℓ''(r) over every r: the upper one scales the curvature behind the automatic step
    /// size; a positive lower one makes the cost strongly convex, so a fit can certify its
    /// distance to the optimum.
    var curvature: ClosedRange<Double> { get }
    /// c when ℓ(r) = c·r²/2 exactly: the minimizer is then least squares' (with the L2 penalty's
    /// strength divided by c), which ``LinearRegression/fitAndCompare(_:using:method:progress:)``
    /// solves in closed form; nil for any other loss.
    var quadraticScale: Double? { get }
    /// Whether ℓ has a derivative everywhere (true by default). A loss with kinks (absolute
    /// values) trains by subgradients: its automatic step is least squares' times the target's
    /// spread, since a subgradient's size does not grow with the residual.
    var isSmooth: Bool { get }
    /// Checks the loss's own values (``GradientDescent/validate()`` calls it).
    /// - Throws: ``ArgumentError`` naming the value, e.g. `loss.delta`.
    func validate() throws
}

/// ℓ(r) = r²/2: least squares, the fitted conditional mean.
public struct SquaredLoss: Loss {
    /// The squared loss.
    public init() {}
    /// r²/2.
    @inline(__always)
    public func value(_ residual: Double) -> Double { 0.5 * residual * residual }
    /// r.
    @inline(__always)
    public func derivative(_ residual: Double) -> Double { residual }
    /// 1...1.
    public var curvature: ClosedRange<Double> { 1...1 }
    /// 1.
    public var quadraticScale: Double? { 1 }
}

extension Loss {
    /// Nothing to check.
    public func validate() throws {}

    /// True: a derivative everywhere.
    public var isSmooth: Bool { true }

    /// Whether `other` is the same loss (same type, equal values).
    func isEqual(to other: any Loss) -> Bool { (other as? Self) == self }
}

/// A loss in a configuration: compared by type and value, so ``GradientDescent`` stays `Equatable`.
struct LossChoice: Equatable, Sendable {
    var loss: any Loss
    /// The squared loss, which the fused kernels and the closed form serve directly.
    var isSquared: Bool { loss is SquaredLoss }
    static func == (a: LossChoice, b: LossChoice) -> Bool { a.loss.isEqual(to: b.loss) }
}
