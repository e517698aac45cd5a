/// The exact reference for the lasso and the elastic net: cyclic coordinate descent stopped on a
/// duality gap, the gap returned as the answer's certificate.
///
/// ``solve(_:alpha:l1Ratio:fitIntercept:penaltyUnits:weights:start:tolerance:maximumSweeps:method:threads:)``
/// minimizes scikit-learn's `ElasticNet(alpha=A, l1_ratio=R)` objective per target,
///
///     F(β, b) = (1/(2·Σw))·Σwᵢ(yᵢ − b − xᵢβ)² + A·(R·‖Dβ‖₁ + (1 − R)/2·‖Dβ‖²),
///
/// over the coefficients β in the data's own units and an intercept b that is never penalized.
/// D is the identity (``LeastSquares/PenaltyUnits/original``, scikit-learn's convention) or the
/// diagonal of the columns' weighted standard deviations (``LeastSquares/PenaltyUnits/standardized``,
/// glmnet's `standardize = TRUE`: the penalty of the coefficients of columns divided by their
/// deviations, divisor Σw, a constant column counting 1), which is the same answer as
/// scikit-learn's on the columns X/σ with the coefficients divided by σ back. Row weights act as
/// scikit-learn's `sample_weight`: only their ratios matter (scikit-learn rescales them to sum
/// to n, which leaves F unchanged), so `weights` 2·w give the answer of w.
///
/// How it runs (Friedman, Hastie and Tibshirani 2010, "Regularization paths for generalized
/// linear models via coordinate descent"): a full sweep over every coordinate, then sweeps over
/// the nonzero coefficients alone (the active set) until they settle, then a full sweep again to
/// let in any coordinate whose optimality condition fails, and so on. After every full sweep the
/// duality gap is computed, and the descent stops when it is at most `tolerance` times
/// (1/Σw)·Σwᵢ(yᵢ − ȳ)², the scale scikit-learn's `tol·‖y‖²` has. The gap is the one of scikit-learn's
/// `enet_coordinate_descent`: the dual point is the residual scaled to feasibility,
/// θ = s·r with s = min(1, A·R / maxⱼ |x̃ⱼᵀΩr − A(1 − R)dⱼ²βⱼ| / dⱼ) (Ω the weights over Σw, x̃ⱼ
/// the centred column), and for R = 0 its formulation B; all divided by Σw, in the units of F.
/// Since F(β) − F(β*) ≤ gap, the gap certifies the answer's objective without knowing the optimum.
/// It is computed in a form algebraically equal to primal − dual that does not cancel,
/// ½(1 − s)²(‖r‖² + A(1−R)‖Dβ‖²) + Σⱼ (A·R·dⱼ|βⱼ| − s·βⱼ·gⱼ), so it can fall to far below the
/// objective's own rounding.
///
/// Two ways of updating a coordinate (``Method``): with the p×p weighted Gram matrix of the
/// centred columns (glmnet's covariance updates: a coordinate costs O(p), for dense rows with a
/// moderate p) or with the residuals (naive updates: a coordinate costs its column's nonzeros,
/// for sparse rows and wide dense ones). Sparse rows are centred implicitly (the residual is kept
/// as a vector plus a shared offset) and never densified.
///
/// ```swift
/// let data = try Dataset<Double>(features: [[1, 0], [2, 1], [3, 1], [4, 3]], targets: [1, 2, 2, 4])
/// let lasso = try CoordinateDescent.solve(data, alpha: 0.1)               // Lasso(alpha=0.1)
/// let net = try CoordinateDescent.solve(data, alpha: 0.1, l1Ratio: 0.5)   // ElasticNet(alpha=0.1, l1_ratio=0.5)
/// print(lasso.coefficients, lasso.intercept, lasso.targets[0].gap, lasso.targets[0].zeroCoefficients)
/// ```
public enum CoordinateDescent {
    /// How a coordinate's update is computed.
    public enum Method: String, Sendable, Equatable, CaseIterable {
        /// ``covariance`` for dense rows of fewer than 500 features (glmnet's own rule), else
        /// ``naive``; always ``naive`` for sparse rows.
        case auto
        /// Covariance updates: the weighted Gram matrix of the centred columns is formed once
        /// (one blocked pass over the rows, O(n·p²)), after which a coordinate's update costs O(p)
        /// and a duality gap O(p). Dense rows only; needs p² numbers of memory.
        case covariance
        /// Naive updates: the columns are copied once in compressed sparse columns (only the
        /// nonzero values), and a coordinate's update reads and changes the residuals on its
        /// column's nonzeros; a duality gap costs a pass over every nonzero.
        case naive
    }

    /// The default `tolerance`: the gap relative to (1/Σw)·Σwᵢ(yᵢ − ȳ)².
    public static let defaultTolerance = 1e-12

    /// The default `maximumSweeps`.
    public static let defaultMaximumSweeps = 100_000

    /// One target's descent and its certificate.
    public struct TargetReport: Sendable, Equatable {
        /// The duality gap at the answer, in the units of the objective F: F(answer) − F(optimum)
        /// is at most this (rounding that would take it below zero reports 0).
        public let gap: Double
        /// The gap the descent had to reach: `tolerance`·(1/Σw)·Σwᵢ(yᵢ − ȳ)².
        public let gapTolerance: Double
        /// F at the answer, its squares recomputed from the rows.
        public let objective: Double
        /// Passes over the coordinates: full sweeps, and sweeps over the active set only.
        public let sweeps: Int
        /// Whether the gap reached ``gapTolerance``; false when `maximumSweeps` came first (the
        /// answer is then the last iterate, its gap reported).
        public let converged: Bool
        /// The coefficients that are not zero, 0-based and increasing.
        public let activeSet: [Int]
        /// The coefficients that are exactly zero.
        public let zeroCoefficients: Int
    }

    /// The answer and how it was reached.
    public struct Solution: Sendable, Equatable {
        /// Coefficients (p×k) and intercepts (k), in the data's units.
        public let parameters: Parameters
        /// A, the penalty's strength.
        public let alpha: Double
        /// R, the L1 share of the penalty.
        public let l1Ratio: Double
        /// Whether an intercept was fitted.
        public let fitIntercept: Bool
        /// The units the penalty measures the coefficients in.
        public let penaltyUnits: LeastSquares.PenaltyUnits
        /// How the coordinates were updated (never ``Method/auto``).
        public let method: Method
        /// One report per target.
        public let targets: [TargetReport]
        /// One name per feature.
        public let featureNames: [String]
        /// One name per target.
        public let targetNames: [String]

        /// p×k coefficients.
        public var coefficients: Matrix<Double> { parameters.coefficients }
        /// k intercepts (zeros without one).
        public var intercept: [Double] { parameters.intercept }
        /// Whether every target's gap reached its tolerance.
        public var converged: Bool { targets.allSatisfy(\.converged) }
        /// The largest gap over the targets.
        public var gap: Double { targets.map(\.gap).max() ?? 0 }
        /// Exactly zero coefficients over every target.
        public var zeroCoefficients: Int { targets.reduce(0) { $0 + $1.zeroCoefficients } }
    }
}
