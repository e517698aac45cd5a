/// A gradient-descent fit set beside the exact solution of the same problem: the closed form's
/// (``ReferenceComparison``) or, for sparse rows, LSQR's (``SparseComparison``).
public struct DescentComparison<Reference: Sendable>: Sendable {
    /// The gradient-descent run.
    public let run: TrainingRun
    /// Parameters found by gradient descent, in original units.
    public let gradientDescent: Parameters
    /// The exact solution of the same objective (same rows, weights, intercept and penalty).
    public let reference: Reference
    /// ‖θ_GD − θ_ref‖ / ‖θ_ref‖ over intercepts and coefficients together (absolute when θ_ref = 0).
    public let parameterRelativeDifference: Double
    /// The objective (reduced cost plus penalty) at the descent's parameters, on the training rows.
    public let gradientDescentCost: Double
    /// The objective at the exact solution.
    public let referenceCost: Double
    /// (J_GD − J_ref) / J_ref: how far above the optimum gradient descent stopped (absolute when J_ref = 0).
    public var costRelativeDifference: Double {
        referenceCost > 0 ? (gradientDescentCost - referenceCost) / referenceCost : gradientDescentCost - referenceCost
    }
}

/// A descent beside the closed form of ``LeastSquares``.
public typealias ReferenceComparison = DescentComparison<LeastSquares.Solution>

/// A descent on sparse rows beside ``LSQR``'s solution.
public typealias SparseComparison = DescentComparison<LSQR.Solution>

/// A descent with an ``ElasticNetPenalty`` beside the exact lasso or elastic net of
/// ``CoordinateDescent``.
public typealias ElasticNetComparison = DescentComparison<CoordinateDescent.Solution>

/// A descent with a ``HuberLoss`` beside the exact answer of ``HuberRegression``.
public typealias HuberComparison = DescentComparison<HuberRegression.Solution>
