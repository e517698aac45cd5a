import Foundation

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
        /// Estimated forward error of each coefficient (p×k) after iterative refinement: the size
        /// of the last correction plus one rounding; nil when not refined (ridge, rank-deficient,
        /// or `refine: false`).
        public let errorBounds: Matrix?
        /// Estimated forward error of each intercept; nil when not refined or without intercept.
        public let interceptErrorBounds: [Double]?
        /// Corrections applied by iterative refinement (0 when it did not run or the first
        /// correction did not help).
        public let refinementIterations: Int

        /// p×k coefficients in original units.
        public var coefficients: Matrix { parameters.coefficients }
        /// k intercepts in original units.
        public var intercept: [Double] { parameters.intercept }
    }

    /// What a statsmodels or R user expects beside the coefficients, one entry per target, named
    /// as statsmodels names them.
    ///
    /// Uncertainty figures assume independent errors, of constant variance for the ``CovarianceType/nonrobust``
    /// covariance. Where they are not defined they are `nil`: with no residual degrees of freedom
    /// (an exact fit of n = p + 1 rows), for a rank-deficient design, or for a penalized (ridge)
    /// fit, whose estimates are biased. A ratio with a zero denominator is NaN (printed `n/a`,
    /// `null`), never ±∞.
    public struct Statistics: Sendable {
        /// Rows used (rows of zero weight are left out).
        public let observations: Int
        /// Residual degrees of freedom n − rank − (1 with an intercept).
        public let degreesOfFreedom: Int
        /// Σ residual² per target (weighted: Σ wᵢ·eᵢ²).
        public let residualSumOfSquares: [Double]
        /// Coefficient of determination per target: 1 − RSS/TSS, TSS about the (weighted) mean
        /// with an intercept and about zero without (as R and statsmodels report). NaN for a
        /// target with TSS = 0.
        public let rSquared: [Double]
        /// 1 − (1 − R²)·(n − i)/df per target, with i = 1 for an intercept (NaN where R² is).
        public let adjustedRSquared: [Double]?
        /// √(RSS/df) per target.
        public let residualStandardDeviation: [Double]?
        /// How ``covariances`` and everything built on it were computed.
        public let covarianceType: LeastSquares.CovarianceType
        /// The covariance of the estimates per target, q×q with q = p + 1 (the intercept first)
        /// or p without an intercept; statsmodels' `cov_params()`.
        public let covariances: [Matrix]?
        /// Standard errors of the coefficients (p×k).
        public let standardErrors: Matrix?
        /// Standard errors of the intercepts.
        public let interceptStandardErrors: [Double]?
        /// Coefficient / standard error (p×k): Student t for the nonrobust covariance, a z
        /// statistic for the HC ones. NaN where the standard error is 0 (an exact fit).
        public let tValues: Matrix?
        /// Intercept / standard error; NaN where the standard error is 0.
        public let interceptTValues: [Double]?
        /// Two-sided p-values of the coefficients (p×k), from Student's t with
        /// ``degreesOfFreedom`` (nonrobust) or the normal distribution (HC).
        public let pValues: Matrix?
        /// Two-sided p-values of the intercepts.
        public let interceptPValues: [Double]?
        /// The level of the confidence intervals, e.g. 0.95.
        public let confidenceLevel: Double
        /// Confidence intervals of the coefficients: estimate ∓ quantile·standard error (p×k each).
        public let confidenceIntervals: LeastSquares.Bounds<Matrix>?
        /// Confidence intervals of the intercepts.
        public let interceptConfidenceIntervals: LeastSquares.Bounds<[Double]>?
        /// The F statistic of the hypothesis that every coefficient (not the intercept) is 0, per
        /// target: the Wald statistic over p with the chosen covariance (with the nonrobust one,
        /// (explained SS/p)/(RSS/df), R's and statsmodels' `fvalue`).
        public let fStatistics: [Double]?
        /// P(F(p, df) > F) per target.
        public let fPValues: [Double]?
        /// The Gaussian log-likelihood at the estimates per target, −n/2·(log 2π + log(RSS/n) + 1)
        /// (+ ½Σ log wᵢ when weighted); NaN for an exact fit (RSS = 0).
        public let logLikelihood: [Double]
        /// −2·logLikelihood + 2·(parameters counted with the intercept).
        public let aic: [Double]
        /// −2·logLikelihood + log(n)·(parameters counted with the intercept).
        public let bic: [Double]
        /// Σ(eᵢ − eᵢ₋₁)² / Σeᵢ² of the (weighted) residuals in row order: near 2 without serial
        /// correlation. NaN for an exact fit.
        public let durbinWatson: [Double]
    }
}

extension LeastSquares.Statistics {
    init(
        data: Dataset, design: Design, parameters: Parameters, factorization: Factorization,
        covarianceType: LeastSquares.CovarianceType, confidenceLevel: Double
    ) {
        let n = design.observations, k = design.k
        let pass = ResidualPass(
            data: data, design: design, zCoefficients: factorization.zCoefficients, inverseGram: factorization.inverseGram,
            type: covarianceType)
        let rss = pass.squares, tss = pass.totals
        let df = n - factorization.rank - design.interceptColumns
        let r2 = (0..<k).map { o in tss[o] > 0 ? 1 - rss[o] / tss[o] : .nan }
        let parametersCounted = Double(factorization.rank + design.interceptColumns)
        observations = n
        degreesOfFreedom = df
        residualSumOfSquares = rss
        rSquared = r2
        self.covarianceType = covarianceType
        self.confidenceLevel = confidenceLevel
        let half = Double(n) / 2
        // Weighted: + ½Σ log wᵢ over the rows used, as statsmodels' WLS.
        let logWeights = design.weights.map { $0.reduce(0) { $1 > 0 ? $0 + log($1) : $0 } } ?? 0
        let likelihood = rss.map { $0 > 0 ? -half * (log(2 * Double.pi) + log($0 / Double(n)) + 1) + 0.5 * logWeights : .nan }
        logLikelihood = likelihood
        aic = likelihood.map { -2 * $0 + 2 * parametersCounted }
        bic = likelihood.map { -2 * $0 + log(Double(n)) * parametersCounted }

        var inference: Inference?
        if df > 0, let inverse = factorization.inverseGram {
            inference = Inference(
                pass: pass, design: design, parameters: parameters, zCoefficients: factorization.zCoefficients, inverseGram: inverse,
                variance: rss.map { $0 / Double(df) }, degreesOfFreedom: df, type: covarianceType, level: confidenceLevel)
        }
        if df > 0 {
            adjustedRSquared = r2.map { 1 - (1 - $0) * Double(n - design.interceptColumns) / Double(df) }
            residualStandardDeviation = rss.map { ($0 / Double(df)).squareRoot() }
        } else {
            adjustedRSquared = nil
            residualStandardDeviation = nil
        }
        durbinWatson = (0..<k).map { pass.squares[$0] > 0 ? pass.successiveDifferences[$0] / pass.squares[$0] : .nan }
        covariances = inference?.covariances
        standardErrors = inference?.standardErrors
        interceptStandardErrors = inference?.interceptStandardErrors
        tValues = inference?.tValues
        interceptTValues = inference?.interceptTValues
        pValues = inference?.pValues
        interceptPValues = inference?.interceptPValues
        confidenceIntervals = inference?.confidenceIntervals
        interceptConfidenceIntervals = inference?.interceptConfidenceIntervals
        fStatistics = inference?.fStatistics
        fPValues = inference?.fPValues
    }
}

/// The covariance of the estimates and what follows from it: standard errors, test statistics,
/// p-values, intervals and the F test, for a full-rank unpenalized fit with residual degrees of
/// freedom.
struct Inference {
    var covariances: [Matrix] = []
    var standardErrors: Matrix
    var interceptStandardErrors: [Double]?
    var tValues: Matrix
    var interceptTValues: [Double]?
    var pValues: Matrix
    var interceptPValues: [Double]?
    var confidenceIntervals: LeastSquares.Bounds<Matrix>
    var interceptConfidenceIntervals: LeastSquares.Bounds<[Double]>?
    var fStatistics: [Double] = []
    var fPValues: [Double] = []

    init(
        pass: ResidualPass, design: Design, parameters: Parameters, zCoefficients: [Double], inverseGram: [Double], variance: [Double],
        degreesOfFreedom df: Int, type: LeastSquares.CovarianceType, level: Double
    ) {
        let n = design.observations, p = design.p, k = design.k, offset = design.interceptColumns, q = p + offset
        let total = design.weightTotal
        // Student t with df for the classical covariance; the normal distribution for HC, as statsmodels.
        let student = try? StudentT(degreesOfFreedom: Double(df))
        let twoSided: (Double) -> Double = {
            type == .nonrobust ? student?.twoSidedPValue($0) ?? .nan : StandardNormal().twoSidedPValue($0)
        }
        let quantile =
            type == .nonrobust ? student?.quantile((1 + level) / 2) ?? .nan : StandardNormal().quantile((1 + level) / 2)

        standardErrors = .zeros(p, k)
        tValues = .zeros(p, k)
        pValues = .zeros(p, k)
        var lower = Matrix.zeros(p, k), upper = Matrix.zeros(p, k)
        var interceptErrors: [Double] = [], interceptT: [Double] = [], interceptP: [Double] = []
        var interceptLower: [Double] = [], interceptUpper: [Double] = []
        for o in 0..<k {
            // Cov in Z's coordinates, the intercept (c′) first: A·M·A with A = diag(1/n, (ZᵀZ)⁻¹)
            // (robust) or σ²·A (nonrobust).
            var zCovariance = [Double](repeating: 0, count: q * q)
            if type == .nonrobust {
                if offset == 1 { zCovariance[0] = variance[o] / total }
                for i in 0..<p { for j in 0..<p { zCovariance[(offset + i) * q + offset + j] = variance[o] * inverseGram[i * p + j] } }
            } else {
                let meat = pass.meats[o]
                let scale = type == .hc1 ? Double(n) / Double(df) : 1
                // (ZᵀZ)⁻¹·M_zz·(ZᵀZ)⁻¹ by two products.
                var middle = [Double](repeating: 0, count: p * p)
                for i in 0..<p { for j in 0..<p { middle[i * p + j] = meat[(offset + i) * q + offset + j] } }
                var left = [Double](repeating: 0, count: p * p), sandwich = [Double](repeating: 0, count: p * p)
                inverseGram.withUnsafeBufferPointer { g in
                    middle.withUnsafeBufferPointer { m in
                        left.withUnsafeMutableBufferPointer { l in
                            BLAS.gemm(
                                transposeA: false, transposeB: false, m: p, n: p, k: p, alpha: 1, a: g.baseAddress!, lda: p,
                                b: m.baseAddress!, ldb: p, beta: 0, c: l.baseAddress!, ldc: p)
                        }
                    }
                    left.withUnsafeBufferPointer { l in
                        sandwich.withUnsafeMutableBufferPointer { s in
                            BLAS.gemm(
                                transposeA: false, transposeB: false, m: p, n: p, k: p, alpha: scale, a: l.baseAddress!, lda: p,
                                b: g.baseAddress!, ldb: p, beta: 0, c: s.baseAddress!, ldc: p)
                        }
                    }
                }
                for i in 0..<p { for j in 0..<p { zCovariance[(offset + i) * q + offset + j] = sandwich[i * p + j] } }
                if offset == 1 {
                    let nn = total
                    zCovariance[0] = scale * meat[0] / (nn * nn)
                    for j in 0..<p {
                        var value = 0.0
                        for i in 0..<p { value += inverseGram[j * p + i] * meat[offset + i] }
                        zCovariance[offset + j] = scale * value / nn
                        zCovariance[(offset + j) * q] = scale * value / nn
                    }
                }
            }
            let covariance = design.originalCovariance(zCovariance)
            covariances.append(covariance)
            for j in 0..<p {
                let estimate = parameters.coefficients.elements[j * k + o]
                let error = covariance.elements[(offset + j) * q + offset + j].squareRoot()
                let t = error > 0 ? estimate / error : .nan
                standardErrors.elements[j * k + o] = error
                tValues.elements[j * k + o] = t
                pValues.elements[j * k + o] = twoSided(t)
                lower.elements[j * k + o] = estimate - quantile * error
                upper.elements[j * k + o] = estimate + quantile * error
            }
            if offset == 1 {
                let estimate = parameters.intercept[o], error = covariance.elements[0].squareRoot()
                let t = error > 0 ? estimate / error : .nan
                interceptErrors.append(error)
                interceptT.append(t)
                interceptP.append(twoSided(t))
                interceptLower.append(estimate - quantile * error)
                interceptUpper.append(estimate + quantile * error)
            }
            // Wald statistic of θ = 0 over p, in Z's coordinates (better conditioned than in
            // original units): θᵀ·Cov(θ)⁻¹·θ.
            let theta = (0..<p).map { zCoefficients[$0 * k + o] }
            var wald = Double.nan
            if type == .nonrobust {
                var quadratic = 0.0
                for i in 0..<p { for j in 0..<p { quadratic += theta[i] * design.gram[i * p + j] * theta[j] } }
                wald = quadratic / variance[o]
            } else {
                var factor = (0..<p * p).map { zCovariance[(offset + $0 / p) * q + offset + $0 % p] }
                var solution = theta
                // A robust covariance that is not positive definite (all residuals 0) has no Wald statistic.
                let solved: Bool = factor.withUnsafeMutableBufferPointer { f in
                    solution.withUnsafeMutableBufferPointer { b in
                        do {
                            try LAPACK.choleskyFactor(n: p, a: f.baseAddress!, lda: p)
                            try LAPACK.choleskySolve(n: p, nrhs: 1, factor: f.baseAddress!, lda: p, b: b.baseAddress!, ldb: 1)
                            return true
                        } catch {
                            return false
                        }
                    }
                }
                if solved { wald = zip(theta, solution).map(*).reduce(0, +) }
            }
            let f = wald / Double(p)
            fStatistics.append(f)
            fPValues.append((try? FisherF(numerator: Double(p), denominator: Double(df)))?.survival(f) ?? .nan)
        }
        confidenceIntervals = LeastSquares.Bounds(lower: lower, upper: upper)
        if offset == 1 {
            interceptStandardErrors = interceptErrors
            interceptTValues = interceptT
            interceptPValues = interceptP
            interceptConfidenceIntervals = LeastSquares.Bounds(lower: interceptLower, upper: interceptUpper)
        }
    }
}
