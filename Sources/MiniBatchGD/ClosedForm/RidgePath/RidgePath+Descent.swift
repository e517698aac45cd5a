extension RidgePath {
    /// The one α for every target together: the grid's α of the smallest score averaged over the
    /// targets (scikit-learn's `RidgeCV()` with its default `alpha_per_target=False`; for one
    /// target, that target's ``Target/choice(_:)``). A descent fits every target with one
    /// penalty, so this is the α ``descentPenalty(alpha:reduction:)`` turns into its λ.
    ///
    /// ```swift
    /// let path = try RidgePath(data)
    /// let index = path.sharedChoice(.loo)
    /// print(path.alphas[index])
    /// ```
    /// - Returns: the index in ``alphas`` (the first, on a tie).
    public func sharedChoice(_ criterion: Criterion) -> Int {
        let scores = alphas.indices.map { a in targets.reduce(0.0) { $0 + $1.scores(criterion)[a] } / Double(targets.count) }
        var best = 0
        for a in scores.indices where scores[a] < scores[best] { best = a }
        return best
    }

    /// The ``GradientDescent/l2Penalty`` λ of the problem this path solves at strength α: the
    /// descent adds λ/2·‖β‖² to its reduced cost, ½·Σwᵢrᵢ²/Σw under ``Reduction/mean`` (so
    /// λ = α/Σw) and ½·Σwᵢrᵢ² under ``Reduction/sum`` (λ = α). The units match when the descent
    /// standardizes exactly when the path's ``penaltyUnits`` are standardized.
    ///
    /// ```swift
    /// let path = try RidgePath(data, penaltyUnits: .standardized)   // a standardizing descent's units
    /// var config = GradientDescent()
    /// config.l2Penalty = path.descentPenalty(alpha: path.alphas[path.sharedChoice(.loo)], reduction: config.reduction)
    /// ```
    public func descentPenalty(alpha: Double, reduction: Reduction) -> Double {
        reduction == .mean ? alpha / weightTotal : alpha
    }
}
