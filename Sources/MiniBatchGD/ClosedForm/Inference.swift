extension LeastSquares {
    /// How the covariance of the estimates is computed, as statsmodels' `cov_type` names it.
    ///
    /// The heteroscedasticity-consistent (HC) estimators replace σ²·(XᵀX)⁻¹ by the sandwich
    /// (XᵀX)⁻¹·Xᵀ·diag(ωᵢ)·X·(XᵀX)⁻¹ with ωᵢ built from the residuals eᵢ and leverages hᵢ.
    /// Their tests and intervals use the normal distribution, as statsmodels does by default for
    /// them (`use_t=False`); the classical covariance uses Student's t with the residual degrees
    /// of freedom.
    public enum CovarianceType: String, Sendable, CaseIterable, Equatable, Codable {
        /// σ²·(XᵀX)⁻¹: independent errors of constant variance.
        case nonrobust
        /// White's estimator, ωᵢ = eᵢ².
        case hc0
        /// HC0 scaled by n/(n − p), p counting the intercept.
        case hc1
        /// ωᵢ = eᵢ²/(1 − hᵢ).
        case hc2
        /// ωᵢ = eᵢ²/(1 − hᵢ)²: the jackknife-like choice for small samples.
        case hc3

        /// The name statsmodels reports (`HC3`, `nonrobust`).
        public var statsmodelsName: String { self == .nonrobust ? "nonrobust" : rawValue.uppercased() }
    }

    /// A pair of bounds: a confidence interval for each estimate.
    public struct Bounds<Values: Sendable>: Sendable {
        /// The lower ends.
        public let lower: Values
        /// The upper ends.
        public let upper: Values
    }
}

/// What one pass over the residuals gives: the residual and total sums of squares, the
/// Durbin–Watson sums and, for a robust covariance, the sandwich's middle in Z's coordinates
/// (centred, equilibrated; the intercept first).
///
/// Residuals are eᵢ = tᵢ − zᵢᵀθ with t the centred targets (both times √wᵢ when weighted);
/// leverages hᵢ = wᵢ/Σw + zᵢᵀ(ZᵀZ)⁻¹zᵢ (no first term without an intercept). Rows are read in
/// blocks, as the moments pass reads them.
struct ResidualPass {
    /// Σ (eᵢ − eᵢ₋₁)², Σ eᵢ² and Σ tᵢ² per target.
    var successiveDifferences: [Double]
    var squares: [Double]
    var totals: [Double]
    /// Per target, Σ ωᵢ·uᵢuᵢᵀ with uᵢ = (1, zᵢ) (or zᵢ without an intercept), q×q; empty for
    /// the nonrobust covariance.
    var meats: [[Double]]

    /// - Parameter inverseGram: (ZᵀZ)⁻¹ for the leverages and the robust middle; without it,
    ///   only the sums are computed.
    init(data: Dataset, design: Design, zCoefficients: [Double], inverseGram: [Double]?, type: LeastSquares.CovarianceType) {
        let n = design.n, p = design.p, k = design.k
        let offset = design.interceptColumns, q = p + offset
        let robust = type != .nonrobust && inverseGram != nil, leverage = robust && (type == .hc2 || type == .hc3)
        let blockRows = Swift.min(n, Swift.max(64, (1 << 16) / (p + k)))
        var z = [Double](repeating: 0, count: blockRows * p), t = [Double](repeating: 0, count: blockRows * k)
        var projected = [Double](repeating: 0, count: leverage ? blockRows * p : 0)
        var scaled = [Double](repeating: 0, count: robust ? blockRows * q : 0)
        var h = [Double](repeating: 0, count: blockRows)
        successiveDifferences = Array(repeating: 0, count: k)
        squares = Array(repeating: 0, count: k)
        totals = Array(repeating: 0, count: k)
        meats = robust ? Array(repeating: Array(repeating: 0, count: q * q), count: k) : []
        var previous = [Double](repeating: 0, count: k)
        var start = 0
        while start < n {
            let count = Swift.min(blockRows, n - start)
            z.withUnsafeMutableBufferPointer { zb in
                t.withUnsafeMutableBufferPointer { tb in
                    design.fillBlock(data, start: start, count: count, z: zb.baseAddress!, t: tb.baseAddress!)
                    for i in 0..<count * k { totals[i % k] += tb[i] * tb[i] }
                    // E = T − Z·Θ, in place of T.
                    zCoefficients.withUnsafeBufferPointer { theta in
                        BLAS.gemm(
                            transposeA: false, transposeB: false, m: count, n: k, k: p, alpha: -1, a: zb.baseAddress!, lda: p,
                            b: theta.baseAddress!, ldb: k, beta: 1, c: tb.baseAddress!, ldc: k)
                    }
                }
            }
            for o in 0..<k {
                for i in 0..<count {
                    let e = t[i * k + o]
                    if start + i > 0 { successiveDifferences[o] += (e - previous[o]) * (e - previous[o]) }
                    squares[o] += e * e
                    previous[o] = e
                }
            }
            if leverage {
                z.withUnsafeBufferPointer { zb in
                    inverseGram!.withUnsafeBufferPointer { g in
                        projected.withUnsafeMutableBufferPointer { out in
                            BLAS.gemm(
                                transposeA: false, transposeB: false, m: count, n: p, k: p, alpha: 1, a: zb.baseAddress!, lda: p,
                                b: g.baseAddress!, ldb: p, beta: 0, c: out.baseAddress!, ldc: p)
                        }
                    }
                }
                for i in 0..<count {
                    var value = offset == 1 ? design.rootWeight(start + i) * design.rootWeight(start + i) / design.weightTotal : 0
                    for j in 0..<p { value += projected[i * p + j] * z[i * p + j] }
                    h[i] = value
                }
            }
            if robust {
                for o in 0..<k {
                    for i in 0..<count {
                        let e = t[i * k + o]
                        let weight: Double =
                            switch type {
                            case .hc2: e * e / (1 - h[i])
                            case .hc3: e * e / ((1 - h[i]) * (1 - h[i]))
                            default: e * e
                            }
                        let root = weight.squareRoot()
                        if offset == 1 { scaled[i * q] = root * design.rootWeight(start + i) }
                        for j in 0..<p { scaled[i * q + offset + j] = root * z[i * p + j] }
                    }
                    scaled.withUnsafeBufferPointer { s in
                        meats[o].withUnsafeMutableBufferPointer { m in
                            BLAS.gemm(
                                transposeA: true, transposeB: false, m: q, n: q, k: count, alpha: 1, a: s.baseAddress!, lda: q,
                                b: s.baseAddress!, ldb: q, beta: 1, c: m.baseAddress!, ldc: q)
                        }
                    }
                }
            }
            start += count
        }
    }
}

extension Design {
    /// The covariance of (intercept, coefficients) in original units (q×q, the intercept first
    /// when fitted) from its counterpart in Z's coordinates: θ = S·W and c′ = c + x̄ᵀW, so
    /// Cov(W) = S⁻¹·Cov(θ)·S⁻¹ and the intercept rows follow from c = c′ − (x̄/s)ᵀθ. O(q²).
    func originalCovariance(_ zCovariance: [Double]) -> Matrix {
        let offset = interceptColumns, q = p + offset
        let u = (0..<p).map { featureMean[$0] / columnNorm[$0] }
        var result = Matrix.zeros(q, q)
        for i in 0..<p {
            for j in 0..<p {
                result.elements[(offset + i) * q + offset + j] =
                    zCovariance[(offset + i) * q + offset + j] / (columnNorm[i] * columnNorm[j])
            }
        }
        guard fitIntercept else { return result }
        var variance = zCovariance[0]
        for j in 0..<p {
            var mixed = zCovariance[offset + j]  // Cov(c′, θⱼ)
            for i in 0..<p { mixed -= u[i] * zCovariance[(offset + i) * q + offset + j] }
            // mixed = Cov(c, θⱼ); Cov(c, Wⱼ) = mixed / sⱼ.
            result.elements[offset + j] = mixed / columnNorm[j]
            result.elements[(offset + j) * q] = mixed / columnNorm[j]
            variance -= u[j] * (zCovariance[offset + j] + mixed)
        }
        result.elements[0] = variance
        return result
    }
}
