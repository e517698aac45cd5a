extension CoordinateDescent {
    /// The duality gap of scikit-learn's `enet_coordinate_descent` at the coefficients β, divided
    /// by Σw (so in the units of the objective), in a form that does not cancel.
    ///
    /// With l₁ = A·R > 0 (formulation A), g = the correlations minus l₂·D²β (l₂ = A(1 − R)), and
    /// the dual point θ = s·r scaled to feasibility, s = min(1, l₁ / maxⱼ |gⱼ|/dⱼ):
    ///
    ///     primal − dual = ½(1 − s)²·(‖r‖²_Ω + l₂‖Dβ‖²) + Σⱼ (l₁·dⱼ|βⱼ| − s·βⱼ·gⱼ),
    ///
    /// equal to scikit-learn's P − D = ½(‖r‖² + l₂‖Dβ‖²) + l₁‖Dβ‖₁ + ½s²(‖r‖² + l₂‖Dβ‖²) − s·rᵀΩy
    /// since rᵀΩy = ‖r‖²_Ω + βᵀ(g + l₂D²β). Each term of the sum is nonnegative (s·|gⱼ| ≤ l₁dⱼ), so
    /// no cancellation: at the optimum s = 1 and every term vanishes. With l₁ = 0 and l₂ > 0
    /// (formulation B), the gap is ‖D⁻¹g‖²/(2·l₂), equal to scikit-learn's
    /// ‖r‖² + ½l₂‖β‖² − rᵀy + ‖Xᵀr‖²/(2l₂) by the same identity.
    /// - Parameters:
    ///   - coefficients: β, p values.
    ///   - correlations: x̃ⱼᵀΩr at β, p values.
    ///   - scale: dⱼ, the penalty's units (ones in original units).
    ///   - l1: A·R.
    ///   - l2: A·(1 − R).
    ///   - residualSquares: ‖r‖²_Ω = Σωᵢrᵢ², asked for only when s < 1.
    /// - Returns: the gap, 0 when rounding takes it below.
    static func dualityGap(
        coefficients beta: UnsafePointer<Double>, correlations: UnsafePointer<Double>, scale d: UnsafePointer<Double>, count p: Int,
        l1: Double, l2: Double, residualSquares: () -> Double
    ) -> Double {
        if l1 == 0 {
            var sum = 0.0
            for j in 0..<p {
                let g = (correlations[j] - l2 * d[j] * d[j] * beta[j]) / d[j]
                sum += g * g
            }
            return sum / (2 * l2)
        }
        var dualNorm = 0.0, penaltySquares = 0.0
        for j in 0..<p {
            dualNorm = Swift.max(dualNorm, abs(correlations[j] - l2 * d[j] * d[j] * beta[j]) / d[j])
            penaltySquares += d[j] * d[j] * beta[j] * beta[j]
        }
        let s = dualNorm > l1 ? l1 / dualNorm : 1
        var gap = 0.0
        for j in 0..<p where beta[j] != 0 {
            let g = correlations[j] - l2 * d[j] * d[j] * beta[j]
            gap += l1 * d[j] * abs(beta[j]) - s * beta[j] * g
        }
        if s < 1 { gap += 0.5 * (1 - s) * (1 - s) * (residualSquares() + l2 * penaltySquares) }
        return Swift.max(0, gap)
    }
}
