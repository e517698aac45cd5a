/// What a descent adds to the cost for the coefficients W (never the intercepts), in the
/// coordinates it descends in (standardized units when standardizing).
///
/// ``L2Penalty`` (λ/2·‖W‖², ridge) is the fast path: its gradient is added inside the batch loop,
/// and the closed form solves it exactly. Another penalty is applied through this protocol: its
/// smooth part's gradient added to every batch's, its non-smooth part by a proximal step after
/// every update (as for L1's soft-thresholding, which gives exact zeros).
public protocol Penalty: Sendable, Equatable {
    /// P(W) over `coefficients`.
    func value(_ coefficients: UnsafeBufferPointer<Double>) -> Double
    /// Adds `scale`·∇P_smooth(W) to `gradient` (the first `count` values: the coefficients).
    func addGradient(of coefficients: UnsafePointer<Double>, count: Int, scale: Double, into gradient: UnsafeMutablePointer<Double>)
    /// Replaces W by prox_{step·P_nonsmooth}(W), after an update of step size `step`; nothing for
    /// a smooth penalty.
    func proximalStep(_ coefficients: UnsafeMutablePointer<Double>, count: Int, step: Double)
    /// Whether P is differentiable everywhere (no proximal part): only then is a gradient-based
    /// certificate of the distance to the optimum valid.
    var isSmooth: Bool { get }
    /// Whether ``shortestSubgradient(at:count:scale:gradient:)`` knows the objective's shortest
    /// subgradient, which the certified stop bounds the distance to the optimum with: true for a
    /// smooth penalty (its gradient is its only subgradient) and for ``ElasticNetPenalty``; a fit
    /// with a penalty that does not gives no certificate.
    var knowsShortestSubgradient: Bool { get }
    /// Turns `gradient`, the gradient of the objective's smooth part at `coefficients` (the data's
    /// and the penalty's smooth part's, the penalty's scaled by `scale`), into the objective's
    /// shortest subgradient there. Nothing for a smooth penalty.
    func shortestSubgradient(at coefficients: UnsafePointer<Double>, count: Int, scale: Double, gradient: UnsafeMutablePointer<Double>)
    /// The most curvature P adds to a coefficient's direction (λ for λ/2·‖W‖²; 0 for L1): what
    /// the step size must allow for.
    var curvature: Double { get }
    /// The least curvature P adds to a coefficient's direction: what a certified stop may count
    /// on. ``curvature`` unless a penalty says otherwise (it adds the same to every direction).
    var leastCurvature: Double { get }
    /// λ when P = λ/2·‖W‖² exactly, the ridge the closed form solves; nil otherwise.
    var ridge: Double? { get }
    /// The penalty as the descent applies it to θ = s ⊙ W (θⱼₒ = sⱼ·Wⱼₒ, k outputs a feature,
    /// row-major), `scales` the columns' sⱼ when it standardizes, nil when it does not. A penalty
    /// stated in the descent's own coordinates returns itself (the default); one stated on W,
    /// as ``ElasticNetPenalty``, returns its form on θ.
    func inDescentCoordinates(scales: [Double]?, outputs k: Int) -> any Penalty
    /// Checks the penalty's own values (``GradientDescent/validate()`` calls it).
    /// - Throws: ``ArgumentError`` naming the value, e.g. `penalty.alpha`.
    func validate() throws
}

extension Penalty {
    /// No proximal part.
    public func proximalStep(_ coefficients: UnsafeMutablePointer<Double>, count: Int, step: Double) {}
    /// Smooth unless a penalty says otherwise.
    public var isSmooth: Bool { true }
    /// The same curvature in every direction.
    public var leastCurvature: Double { curvature }
    /// Known for a smooth penalty only, unless a penalty says otherwise.
    public var knowsShortestSubgradient: Bool { isSmooth }
    /// The gradient itself: a smooth penalty's only subgradient.
    public func shortestSubgradient(
        at coefficients: UnsafePointer<Double>, count: Int, scale: Double, gradient: UnsafeMutablePointer<Double>
    ) {}
    /// Not solved in closed form unless a penalty says so.
    public var ridge: Double? { nil }
    /// Nothing to check.
    public func validate() throws {}
    /// The penalty itself: stated in the descent's coordinates.
    public func inDescentCoordinates(scales: [Double]?, outputs k: Int) -> any Penalty { self }

    /// Whether `other` is the same penalty (same type, equal values).
    func isEqual(to other: any Penalty) -> Bool { (other as? Self) == self }
}

/// λ/2·‖W‖²: ridge regression (weight decay coupled to the gradient). λ = 0 is no penalty.
public struct L2Penalty: Penalty {
    /// λ ≥ 0.
    public var strength: Double
    /// λ/2·‖W‖² with λ = `strength`.
    public init(strength: Double) { self.strength = strength }
    /// λ/2·Σ W².
    public func value(_ coefficients: UnsafeBufferPointer<Double>) -> Double {
        var squares = 0.0
        for w in coefficients { squares += w * w }
        return 0.5 * strength * squares
    }
    /// g += scale·λ·W.
    @inline(__always)
    public func addGradient(of coefficients: UnsafePointer<Double>, count: Int, scale: Double, into gradient: UnsafeMutablePointer<Double>)
    {
        let lambda = scale * strength
        for i in 0..<count { gradient[i] += lambda * coefficients[i] }
    }
    /// λ.
    public var curvature: Double { strength }
    /// λ.
    public var ridge: Double? { strength }
}

/// A penalty in a configuration: compared by type and value, so ``GradientDescent`` stays `Equatable`.
struct PenaltyChoice: Equatable, Sendable {
    var penalty: any Penalty
    /// λ of an L2 penalty (the fast path), 0 for another penalty.
    var l2Strength: Double { (penalty as? L2Penalty)?.strength ?? 0 }
    /// The penalty when it is not L2 (applied through the protocol), else nil.
    var other: (any Penalty)? { penalty is L2Penalty ? nil : penalty }
    static func == (a: PenaltyChoice, b: PenaltyChoice) -> Bool { a.penalty.isEqual(to: b.penalty) }
}
