extension RidgePath {
    /// Each target's coefficient table at ``alphas``[`index`]: the ridge solution there with
    /// standard errors, t tests and confidence intervals conditional on that α.
    ///
    /// From the path's eigendecomposition X̃ᵀWX̃ = V·diag(λ)·Vᵀ the ridge sandwich is
    ///
    ///     Cov(β̂) = σ²·(X̃ᵀWX̃ + αI)⁻¹·X̃ᵀWX̃·(X̃ᵀWX̃ + αI)⁻¹ = σ²·V·diag(λⱼ/(λⱼ + α)²)·Vᵀ
    ///
    /// with σ² = Σwᵢrᵢ²/(m − tr H) (m the rows of positive weight, tr H
    /// ``effectiveDegreesOfFreedom``[`index`], the intercept's 1 included) and the intercept
    /// b̂ = ȳ − x̄ᵀβ̂ taking Var(b̂) = σ²/Σw + x̄ᵀCov(β̂)x̄, Cov(b̂, β̂) = −x̄ᵀCov(β̂) (ȳ is uncorrelated
    /// with β̂: the columns are centred on the weighted means). The t tests and intervals use
    /// Student's t on m − tr H degrees of freedom. As for ``LeastSquares/Statistics`` under a
    /// ridge: the figures are conditional on α (an α chosen by leave-one-out or GCV on the same
    /// rows makes them somewhat optimistic), and the intervals cover the shrunken coefficients
    /// E[β̂], not β. The same figures as `LeastSquares.solve(data, ridge: alpha)`'s tables, from
    /// the path's own factorization.
    ///
    /// ```swift
    /// let path = try RidgePath(data)
    /// let chosen = path.targets[0].choice(.loo)
    /// let table = try path.statistics(at: chosen.index)[0]
    /// print(table)                     // coef, std err, t, P>|t|, interval; then the ridge's note
    /// print(table.degreesOfFreedom)    // n − tr H
    /// ```
    /// - Parameters:
    ///   - index: an index of ``alphas``.
    ///   - confidenceLevel: the intervals' level, in (0, 1).
    /// - Returns: one table per target, the intercept's row first when fitted.
    /// - Throws: ``ArgumentError`` for an index outside ``alphas`` or a level outside (0, 1).
    /// - Complexity: O(p²·r) for the covariance (r = min(n, p)), O(p·k) for the rest.
    public func statistics(at index: Int, confidenceLevel: Double = LeastSquares.defaultConfidenceLevel) throws -> [CoefficientTable] {
        guard alphas.indices.contains(index) else {
            throw ArgumentError(argument: "index", value: "\(index)", requirement: "must be an index of the path's \(alphas.count) alphas")
        }
        guard confidenceLevel > 0, confidenceLevel < 1 else {
            throw ArgumentError(argument: "confidenceLevel", value: "\(confidenceLevel)", requirement: "must lie strictly between 0 and 1")
        }
        let alpha = alphas[index], p = factors.p, r = factors.r, k = targets.count
        let offset = fitIntercept ? 1 : 0, q = p + offset
        // V·diag(λ/(λ + α)²)·Vᵀ, the covariance over σ², as (V·diag(λ/(λ + α)²))·Vᵀ: one product,
        // OpenBLAS on one thread (the same bits whatever its process-wide count).
        var shape = [Double](repeating: 0, count: p * p)
        let shrink = factors.values.map { $0 / (($0 + alpha) * ($0 + alpha)) }
        var scaled = factors.vectors
        for i in 0..<p { for l in 0..<r { scaled[i * r + l] *= shrink[l] } }
        if p > 0, r > 0 {
            BLASThreads.singleThreaded {
                scaled.withUnsafeBufferPointer { a in
                    factors.vectors.withUnsafeBufferPointer { v in
                        shape.withUnsafeMutableBufferPointer { c in
                            BLAS.gemm(
                                transposeA: false, transposeB: true, m: p, n: p, k: r, alpha: 1, a: a.baseAddress!, lda: r,
                                b: v.baseAddress!, ldb: r, beta: 0, c: c.baseAddress!, ldc: p)
                        }
                    }
                }
            }
        }
        // The intercept's row and column: −shape·x̄ and x̄ᵀ·shape·x̄ (over σ²).
        let mean = factors.featureMean
        let mixed = (0..<p).map { i in -(0..<p).reduce(0) { $0 + shape[i * p + $1] * mean[$1] } }
        let meanTerm = -(0..<p).reduce(0) { $0 + mean[$1] * mixed[$1] }
        let residualDegrees = Double(observations) - effectiveDegreesOfFreedom[index]
        let parameters = self.parameters[index]
        return (0..<k).map { o in
            let variance = targets[o].residualSumOfSquares[index] / residualDegrees
            var covariance = Matrix<Double>.zeros(q, q)
            for i in 0..<p { for j in 0..<p { covariance.elements[(offset + i) * q + offset + j] = variance * shape[i * p + j] } }
            if fitIntercept {
                covariance.elements[0] = variance * (1 / weightTotal + meanTerm)
                for j in 0..<p {
                    covariance.elements[offset + j] = variance * mixed[j]
                    covariance.elements[(offset + j) * q] = variance * mixed[j]
                }
            }
            let figures = EstimateFigures.list(
                target: o, parameters: parameters, fitIntercept: fitIntercept, covariance: covariance,
                degreesOfFreedom: residualDegrees, level: confidenceLevel)
            let rows = (0..<q).map { i in
                CoefficientTable.Row(
                    name: i < offset ? CoefficientTable.interceptName : featureNames[i - offset], isIntercept: i < offset,
                    estimate: i < offset ? parameters.intercept[o] : parameters.coefficients.elements[(i - offset) * k + o],
                    standardError: figures[i].standardError, tValue: figures[i].tValue, pValue: PValue(figures[i].pValue),
                    confidenceInterval: figures[i].confidenceInterval, errorBound: nil)
            }
            return CoefficientTable(
                target: targetNames[o], rows: rows, covarianceType: .nonrobust, confidenceLevel: confidenceLevel,
                degreesOfFreedom: residualDegrees, penalty: alpha)
        }
    }
}
