/// A·(R·‖W‖₁ + (1 − R)/2·‖W‖²) on the coefficients in the data's units: scikit-learn's
/// `ElasticNet(alpha=A, l1_ratio=R)` penalty (the lasso's for R = 1), whatever coordinates the
/// descent runs in.
///
/// The L2 part's gradient joins every batch's; the L1 part is applied by a proximal step after
/// every update (soft-thresholding: FOBOS, Duchi and Singer 2009), which sets coefficients to
/// exactly zero. When the descent standardizes, it descends on θⱼ = sⱼ·Wⱼ, so the penalty it applies
/// is A·(R·Σ|θⱼ|/sⱼ + (1 − R)/2·Σ(θⱼ/sⱼ)²): each coordinate thresholded by its own A·R/sⱼ (see
/// ``Penalty/inDescentCoordinates(scales:outputs:)``). A full-batch descent is then proximal
/// gradient descent (ISTA), which converges to the exact optimum, zeros included, and
/// ``LinearRegression/fitAndCompareElasticNet(_:using:progress:)-(Source,_,_)`` checks it against the exact one
/// (``CoordinateDescent``). Averaged steps (the mini-batch default; the iterates as each step
/// ends, after its soft-threshold, on dense and sparse rows alike) have few exact zeros: an
/// average of iterates is zero only where every iterate was.
///
/// `l1Method` chooses how the L1 part is applied by a stochastic descent: ``L1Method/proximal``
/// (the default) soft-thresholds every coefficient after every update; ``L1Method/cumulative`` is
/// Tsuruoka, Tsujii and Ananiadou (2009)'s cumulative penalty, as scikit-learn's `SGDRegressor`
/// applies its L1 part: each coefficient is pulled toward zero by the total penalty u every step
/// has earned so far less the total q it has been pulled already, so a pull a clip at zero
/// could not apply is carried over, and the noisy steps of small batches leave more exact zeros.
///
/// Each update rule takes the proximal step in its own metric, so that its fixed point is this
/// penalty's optimum: AdaGrad, RMSprop and Adam threshold each coordinate by η·A·R·qᵢ with
/// qᵢ = 1/(√v̂ᵢ + ε) their own factor on η in the step just taken (composite mirror descent,
/// Duchi, Hazan & Singer 2011; Adam's v̂ bias-corrected), and momentum and Nesterov by
/// η·A·R/(1 − μ), the length of their step at a fixed point, where the velocity is g/(1 − μ)
/// (with the plain η·A·R they would settle on the lasso of strength (1 − μ)·A). AdamW is
/// refused: its decoupled decay shrinks outside this objective. On sparse rows the lasso's
/// thresholds are applied lazily under the plain rule and AdaGrad, RMSprop and Adam (their
/// untouched slots keep their qᵢ), the elastic net's under the plain rule only.
///
/// ```swift
/// var config = GradientDescent(batchSize: .full, epochs: 20000, learningRate: .fixed(0.5), optimizer: .adagrad())
/// config.penalty = ElasticNetPenalty(alpha: 0.1)      // AdaGrad's proximal steps to Lasso(alpha=0.1)
/// ```
///
/// With `penaltyUnits: .standardized` the penalty is on sⱼ·Wⱼ, the coefficients in the units
/// of standardized columns (glmnet's default, `standardize = TRUE`), sⱼ the columns' standard
/// deviations on the rows trained on: exactly the coordinates a standardizing descent runs in,
/// so it needs ``GradientDescent/standardize``.
///
/// ```swift
/// var config = GradientDescent(batchSize: .full, epochs: 5000)
/// config.penalty = ElasticNetPenalty(alpha: 0.1, l1Ratio: 1)      // Lasso(alpha=0.1)
/// var model = LinearRegression()
/// try model.fit(data, using: config)
/// ```
public struct ElasticNetPenalty: Penalty {
    /// A > 0.
    public var alpha: Double
    /// R in (0, 1] (R = 0 is a ridge: use ``L2Penalty``, which the closed form solves).
    public var l1Ratio: Double
    /// The coefficients' units the penalty is stated on: the data's (scikit-learn's) or
    /// standardized (glmnet's).
    public var penaltyUnits: LeastSquares.PenaltyUnits
    /// Per coefficient (p·k, row-major), the factor dᵢ its coordinate is multiplied by before
    /// the penalty: 1/sⱼ for the data's units in a standardizing descent's coordinates, sⱼ for
    /// standardized units on coefficients in the data's units; nil for 1.
    private(set) var factors: [Double]?
    /// How a descent applies the L1 part: soft-thresholding after each update (the default), or
    /// Tsuruoka et al.'s cumulative penalty.
    public var l1Method: L1Method

    /// How a descent applies the L1 part after each update.
    ///
    /// ```swift
    /// var config = GradientDescent(batchSize: .fixed(1), epochs: 20)
    /// config.penalty = ElasticNetPenalty(alpha: 0.01, l1Method: .cumulative)
    /// ```
    public enum L1Method: String, Sendable, Equatable, CaseIterable {
        /// The proximal step (FOBOS, Duchi and Singer 2009): θᵢ ← sign(θᵢ)·max(0, |θᵢ| − η·A·R·dᵢ)
        /// after every update; a full-batch descent is then ISTA, which reaches the exact optimum.
        /// `--l1-method prox` in the tool.
        case proximal = "prox"
        /// Tsuruoka, Tsujii and Ananiadou (2009)'s cumulative penalty (scikit-learn's SGD): with
        /// u = Σ η·A·R the penalty every step has earned and qᵢ what coefficient i has been pulled
        /// so far, after each update θᵢ > 0 becomes max(0, θᵢ − (u·dᵢ + qᵢ)) and θᵢ < 0 becomes
        /// min(0, θᵢ + (u·dᵢ − qᵢ)), and qᵢ adds the change. With an L2 part, u·dᵢ and qᵢ shrink
        /// with the coefficient at each update's L2 shrink, so the rule applied lazily on sparse
        /// rows is the one applied to every coefficient on dense rows. `--l1-method cumulative`.
        case cumulative
    }

    /// scikit-learn's `ElasticNet(alpha: alpha, l1_ratio: l1Ratio)` penalty, or glmnet's with
    /// `penaltyUnits: .standardized`; `l1Method` how a descent applies its L1 part.
    public init(
        alpha: Double, l1Ratio: Double = 1, penaltyUnits: LeastSquares.PenaltyUnits = .original, l1Method: L1Method = .proximal
    ) {
        self.alpha = alpha
        self.l1Ratio = l1Ratio
        self.penaltyUnits = penaltyUnits
        self.l1Method = l1Method
    }

    @inline(__always)
    private func factor(_ i: Int) -> Double { factors?[i] ?? 1 }

    /// A·(R·Σdᵢ|θᵢ| + (1 − R)/2·Σ(dᵢθᵢ)²).
    public func value(_ coefficients: UnsafeBufferPointer<Double>) -> Double {
        var absolute = 0.0, squares = 0.0
        for i in coefficients.indices {
            let w = factor(i) * coefficients[i]
            absolute += abs(w)
            squares += w * w
        }
        return alpha * (l1Ratio * absolute + 0.5 * (1 - l1Ratio) * squares)
    }

    /// g += scale·A·(1 − R)·dᵢ²·θᵢ.
    public func addGradient(of coefficients: UnsafePointer<Double>, count: Int, scale: Double, into gradient: UnsafeMutablePointer<Double>)
    {
        let lambda = scale * alpha * (1 - l1Ratio)
        guard lambda != 0 else { return }
        for i in 0..<count {
            let d = factor(i)
            gradient[i] += lambda * d * d * coefficients[i]
        }
    }

    /// θᵢ ← sign(θᵢ)·max(0, |θᵢ| − step·A·R·dᵢ): the proximal step. (The cumulative method
    /// keeps state per coefficient, which the descent holds: ``L1Method/cumulative``.)
    public func proximalStep(_ coefficients: UnsafeMutablePointer<Double>, count: Int, step: Double) {
        let threshold = step * alpha * l1Ratio
        for i in 0..<count {
            let t = threshold * factor(i), w = coefficients[i]
            coefficients[i] = w > t ? w - t : w < -t ? w + t : 0
        }
    }

    /// A must be positive and finite and R in (0, 1]: a ratio above 1 would threshold away from
    /// zero, and R = 0 is a ridge (``L2Penalty``).
    public func validate() throws {
        guard alpha.isFinite, alpha > 0 else {
            throw ArgumentError(argument: "penalty.alpha", value: "\(alpha)", requirement: "must be a positive finite number")
        }
        guard l1Ratio > 0, l1Ratio <= 1 else {
            throw ArgumentError(
                argument: "penalty.l1Ratio", value: "\(l1Ratio)", requirement: "must lie in (0, 1] (R = 0 is a ridge: use L2Penalty)")
        }
    }

    /// False: the L1 part has no gradient at 0.
    public var isSmooth: Bool { false }

    /// Adds the L1 part's subgradient nearest −gᵢ, with t = scale·A·R·dᵢ: gᵢ + t·sign(θᵢ) off
    /// zero; at zero, where the subdifferential is [−t, t], gᵢ moved toward 0 by t (0 when
    /// |gᵢ| ≤ t, which is the coefficient's optimality condition). Zero exactly at the optimum.
    public func shortestSubgradient(
        at coefficients: UnsafePointer<Double>, count: Int, scale: Double, gradient: UnsafeMutablePointer<Double>
    ) {
        let threshold = scale * alpha * l1Ratio
        for i in 0..<count {
            let t = threshold * factor(i), w = coefficients[i], g = gradient[i]
            gradient[i] = w > 0 ? g + t : w < 0 ? g - t : g > t ? g - t : g < -t ? g + t : 0
        }
    }

    /// True: the L1 part's subdifferential is known everywhere.
    public var knowsShortestSubgradient: Bool { true }

    /// A·(1 − R)·maxᵢ dᵢ²: the most the L2 part adds to a direction's curvature (what the rate
    /// must allow for).
    public var curvature: Double {
        let largest = factors.map { $0.reduce(0) { Swift.max($0, $1 * $1) } } ?? 1
        return alpha * (1 - l1Ratio) * largest
    }

    /// A·(1 − R)·minᵢ dᵢ²: the least the L2 part adds to a direction's curvature (what a
    /// certified stop may count on).
    public var leastCurvature: Double {
        let least = factors.map { $0.reduce(Double.infinity) { Swift.min($0, $1 * $1) } } ?? 1
        return alpha * (1 - l1Ratio) * (least.isFinite ? least : 1)
    }

    /// The penalty on θ = s ⊙ W: each coefficient's factor 1/sⱼ in the data's units; in
    /// standardized units θ is the penalized coefficient itself (factor 1).
    public func inDescentCoordinates(scales: [Double]?, outputs k: Int) -> any Penalty {
        guard let scales, penaltyUnits == .original else { return self }
        var scaled = self
        scaled.factors = (0..<scales.count * k).map { 1 / scales[$0 / k] }
        return scaled
    }

    /// A standardized-units penalty as a function of the coefficients in the data's units: each
    /// coefficient's factor sⱼ (`scales`, the columns' standard deviations, one per feature).
    /// An original-units penalty is returned as it is.
    public func onDataUnits(scales: [Double], outputs k: Int) -> ElasticNetPenalty {
        guard penaltyUnits == .standardized else { return self }
        var scaled = self
        scaled.factors = (0..<scales.count * k).map { scales[$0 / k] }
        return scaled
    }
}
