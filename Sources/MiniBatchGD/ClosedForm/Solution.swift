extension LeastSquares {
    /// The result of a closed-form solve.
    public struct Solution: Sendable {
        /// Coefficients (p×k) and intercepts (k) in original units.
        public let parameters: Parameters
        /// Whether an intercept was fitted (``intercept`` is all zeros otherwise).
        public let fitIntercept: Bool
        /// The method asked for.
        public let requestedMethod: Method
        /// The method that produced the solution (differs from the request only under `auto`).
        public let method: Method
        /// Why `auto` passed over earlier methods, one line each; empty when it did not.
        public let fallbackReasons: [String]
        /// Numerical rank of the centred, equilibrated design (p when full rank).
        public let rank: Int
        /// Condition number of the centred, equilibrated design Z in the 2-norm: exact σ₁/σₚ for
        /// `svd`, a LAPACK 1-norm estimate (`dpocon` or `dtrcon`) for `cholesky` and `qr`;
        /// infinite when Z is singular. Includes the ridge rows when penalized.
        public let conditionNumber: Double
        /// Singular values of Z, largest first (`svd` only).
        public let singularValues: [Double]?
        /// The ridge weight λ (0 for ordinary least squares).
        public let ridge: Double
        /// The units the penalty measured.
        public let penaltyUnits: PenaltyUnits
        /// Goodness of fit and uncertainty of the estimates.
        public let statistics: Statistics

        /// p×k coefficients in original units.
        public var coefficients: Matrix { parameters.coefficients }
        /// k intercepts in original units.
        public var intercept: [Double] { parameters.intercept }
    }

    /// What a statsmodels or R user expects beside the coefficients, one entry per target.
    ///
    /// Uncertainty figures assume independent errors of constant variance. Where they are not
    /// defined they are `nil`, never NaN: with no residual degrees of freedom (an exact fit of
    /// n = p + 1 rows), for a rank-deficient design, or for a penalized (ridge) fit, whose
    /// estimates are biased.
    public struct Statistics: Sendable {
        /// Residual degrees of freedom n − rank − (1 with an intercept).
        public let degreesOfFreedom: Int
        /// Σ residual² per target.
        public let residualSumOfSquares: [Double]
        /// Coefficient of determination per target: 1 − RSS/TSS, TSS about the mean with an
        /// intercept and about zero without (as R reports). NaN where it is undefined: a target
        /// with TSS = 0 (constant, with an intercept), as statsmodels reports it.
        public let rSquared: [Double]
        /// 1 − (1 − R²)·(n − i)/df per target, with i = 1 for an intercept (NaN where R² is).
        public let adjustedRSquared: [Double]?
        /// √(RSS/df) per target.
        public let residualStandardDeviation: [Double]?
        /// Standard errors of the coefficients (p×k).
        public let standardErrors: Matrix?
        /// Standard errors of the intercepts.
        public let interceptStandardErrors: [Double]?
        /// Coefficient / standard error (p×k); NaN where the standard error is 0 (an exact fit),
        /// where the ratio is undefined.
        public let tValues: Matrix?
        /// Intercept / standard error; NaN where the standard error is 0.
        public let interceptTValues: [Double]?
    }
}

extension LeastSquares.Statistics {
    init(data: Dataset, design: Design, parameters: Parameters, factorization: Factorization) {
        let n = design.n, p = design.p, k = design.k
        var rss = [Double](repeating: 0, count: k)
        let blockRows = Swift.min(n, 4096)
        var scratch = [Double](repeating: 0, count: blockRows * k)
        data.features.withUnsafePointer { x in
            data.targets.withUnsafePointer { y in
                parameters.coefficients.withUnsafePointer { w in
                    parameters.intercept.withUnsafeBufferPointer { c in
                        scratch.withUnsafeMutableBufferPointer { r in
                            rss.withUnsafeMutableBufferPointer { sums in
                                LinearKernel.halfSquaredResiduals(
                                    rows: n, p: p, k: k, x: x, y: y, weights: w, offset: c.baseAddress!,
                                    scratch: r.baseAddress!, scratchRows: blockRows, into: sums.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        rss = rss.map { 2 * $0 }
        var tss = [Double](repeating: 0, count: k)
        for i in 0..<n {
            for o in 0..<k {
                let d = data.targets.elements[i * k + o] - design.targetMean[o]
                tss[o] += d * d
            }
        }
        let df = n - factorization.rank - design.interceptColumns
        let r2 = (0..<k).map { o in tss[o] > 0 ? 1 - rss[o] / tss[o] : .nan }
        degreesOfFreedom = df
        residualSumOfSquares = rss
        rSquared = r2
        guard df > 0 else {
            adjustedRSquared = nil
            residualStandardDeviation = nil
            standardErrors = nil
            interceptStandardErrors = nil
            tValues = nil
            interceptTValues = nil
            return
        }
        let variance = rss.map { $0 / Double(df) }
        adjustedRSquared = r2.map { 1 - (1 - $0) * Double(n - design.interceptColumns) / Double(df) }
        residualStandardDeviation = variance.map { $0.squareRoot() }
        guard let inverse = factorization.inverseGram else {
            standardErrors = nil
            interceptStandardErrors = nil
            tValues = nil
            interceptTValues = nil
            return
        }
        // Cov(W) = σ²·(XcᵀXc)⁻¹ with (XcᵀXc)⁻¹ = S⁻¹(ZᵀZ)⁻¹S⁻¹; Var(c) = σ²·(1/n + x̄ᵀ(XcᵀXc)⁻¹x̄).
        let norm = design.columnNorm, mean = design.featureMean
        var errors = Matrix.zeros(p, k)
        var t = Matrix.zeros(p, k)
        for j in 0..<p {
            for o in 0..<k {
                let se = (variance[o] * inverse[j * p + j]).squareRoot() / norm[j]
                errors.elements[j * k + o] = se
                t.elements[j * k + o] = Self.ratio(parameters.coefficients.elements[j * k + o], se)
            }
        }
        standardErrors = errors
        tValues = t
        if design.fitIntercept {
            var quadratic = 0.0
            for i in 0..<p { for j in 0..<p { quadratic += mean[i] / norm[i] * inverse[i * p + j] * mean[j] / norm[j] } }
            let interceptErrors = variance.map { ($0 * (1 / Double(n) + quadratic)).squareRoot() }
            interceptStandardErrors = interceptErrors
            interceptTValues = (0..<k).map { Self.ratio(parameters.intercept[$0], interceptErrors[$0]) }
        } else {
            interceptStandardErrors = nil
            interceptTValues = nil
        }
    }

    /// estimate / standard error; undefined (NaN, shown as n/a and null) for a zero error, never ±∞.
    private static func ratio(_ estimate: Double, _ error: Double) -> Double {
        error > 0 ? estimate / error : .nan
    }
}
