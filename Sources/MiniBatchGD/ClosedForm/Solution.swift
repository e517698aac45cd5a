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
        /// Goodness of fit, the covariance and the F test: the fit's figures (each estimate's are in
        /// ``coefficientTables``).
        public let statistics: Statistics
        /// One ``CoefficientTable`` per target, in target order: each estimate with its standard
        /// error, test, interval and refinement error bound, the intercept as the first row, as
        /// statsmodels' `summary()` shows them. The one place these figures are kept, so that an
        /// estimate and its uncertainty are read together.
        public let coefficientTables: [CoefficientTable]
        /// Corrections applied by iterative refinement (0 when it did not run or the first
        /// correction did not help).
        public let refinementIterations: Int
        /// The features' names, in the coefficients' row order (the data's `featureNames`).
        public let featureNames: [String]
        /// The targets' names, in the coefficients' column order (the data's `targetNames`).
        public let targetNames: [String]

        /// p×k coefficients in original units.
        public var coefficients: Matrix<Double> { parameters.coefficients }
        /// k intercepts in original units.
        public var intercept: [Double] { parameters.intercept }
        /// The first target's ``CoefficientTable`` (the only one in a fit of one target).
        public var coefficientTable: CoefficientTable { coefficientTables[0] }
    }

    /// What a statsmodels or R user expects of the fit as a whole, one entry per target, named as
    /// statsmodels names them. The figures of each estimate (statsmodels' `bse`, `tvalues`,
    /// `pvalues`, `conf_int()`) are in ``LeastSquares/Solution/coefficientTables``.
    ///
    /// Uncertainty figures assume independent errors, of constant variance for the ``CovarianceType/nonrobust``
    /// covariance. Where they are not defined they are `nil`: with no residual degrees of freedom
    /// (an exact fit of n = p + 1 rows) or for a rank-deficient design without a ridge. A ratio
    /// with a zero denominator is NaN (printed `n/a`, `null`), never ±∞.
    ///
    /// ## Under a ridge
    ///
    /// With a penalty α·‖D·β‖² (``LeastSquares/Solution/ridge``) the estimate is
    /// β̂ = (X̃ᵀWX̃ + αD²)⁻¹X̃ᵀWỹ, X̃ the centred design, and its covariance *given α* is the sandwich
    ///
    ///     Cov(β̂) = σ²·(X̃ᵀWX̃ + αD²)⁻¹·X̃ᵀWX̃·(X̃ᵀWX̃ + αD²)⁻¹
    ///
    /// with σ² = Σwᵢrᵢ²/(n − tr H) on the ridge residuals, tr H = tr((X̃ᵀWX̃ + αD²)⁻¹X̃ᵀWX̃) + 1 (the
    /// intercept's column counts 1) the effective degrees of freedom
    /// (``effectiveDegreesOfFreedom``), n the rows of positive weight. The intercept
    /// b̂ = ȳ − x̄ᵀβ̂ (weighted means) has Var(b̂) = σ²/Σw + x̄ᵀCov(β̂)x̄ and Cov(b̂, β̂) = −x̄ᵀCov(β̂):
    /// ȳ = Σwᵢyᵢ/Σw is uncorrelated with β̂, because Cov(ȳ, X̃ᵀWy) = σ²·X̃ᵀW·1/Σw = 0 for columns
    /// centred on the weighted means. The t tests and intervals use Student's t on
    /// n − tr H degrees of freedom (``residualDegreesOfFreedom``, not a whole number). Everything
    /// is conditional on α, as if it had been fixed before seeing the data (choosing it by
    /// cross-validation makes the intervals too narrow), and a ridge's estimate is biased toward 0:
    /// an interval covers the shrunken target E[β̂] = (X̃ᵀWX̃ + αD²)⁻¹X̃ᵀWX̃·β, not β itself. There is
    /// no F test (``fStatistics`` is nil), and the AIC and BIC count tr H parameters. The HC
    /// covariances use the same bread, (X̃ᵀWX̃ + αD²)⁻¹, and the ridge hat matrix's leverages.
    public struct Statistics: Sendable {
        /// Rows used (rows of zero weight are left out).
        public let observations: Int
        /// Residual degrees of freedom n − rank − (1 with an intercept), the unpenalized count
        /// (under a ridge the tests use ``residualDegreesOfFreedom``).
        public let degreesOfFreedom: Int
        /// tr H, the hat matrix's trace with the intercept's 1: rank + 1 (rank without an
        /// intercept) for least squares, less under a ridge (the effective number of parameters).
        public let effectiveDegreesOfFreedom: Double
        /// n − tr H: the degrees of freedom of σ² and of the t tests (``degreesOfFreedom`` without a ridge).
        public let residualDegreesOfFreedom: Double
        /// Whether the fit was penalized (a ridge): its figures are conditional on the penalty.
        public let isPenalized: Bool
        /// Σ residual² per target (weighted: Σ wᵢ·eᵢ²).
        public let residualSumOfSquares: [Double]
        /// Coefficient of determination per target: 1 − RSS/TSS, TSS about the (weighted) mean
        /// with an intercept and about zero without (as R and statsmodels report). NaN for a
        /// target with TSS = 0.
        public let rSquared: [Double]
        /// 1 − (1 − R²)·(n − i)/df per target, with i = 1 for an intercept (NaN where R² is); df
        /// is ``residualDegreesOfFreedom``.
        public let adjustedRSquared: [Double]?
        /// √(RSS/df) per target, df = ``residualDegreesOfFreedom``.
        public let residualStandardDeviation: [Double]?
        /// How ``covariances`` and everything built on it were computed.
        public let covarianceType: LeastSquares.CovarianceType
        /// The covariance of the estimates per target, q×q with q = p + 1 (the intercept first)
        /// or p without an intercept; statsmodels' `cov_params()`.
        public let covariances: [Matrix<Double>]?
        /// The level of the coefficient tables' confidence intervals, e.g. 0.95.
        public let confidenceLevel: Double
        /// The F statistic of the hypothesis that every coefficient (not the intercept) is 0, per
        /// target: the Wald statistic over p with the chosen covariance (with the nonrobust one,
        /// (explained SS/p)/(RSS/df), R's and statsmodels' `fvalue`); nil under a ridge.
        public let fStatistics: [Double]?
        /// P(F(p, df) > F) per target.
        public let fPValues: [Double]?
        /// The Gaussian log-likelihood at the estimates per target, −n/2·(log 2π + log(RSS/n) + 1)
        /// (+ ½Σ log wᵢ when weighted); NaN for an exact fit (RSS = 0).
        public let logLikelihood: [Double]
        /// −2·logLikelihood + 2·(parameters counted with the intercept: ``effectiveDegreesOfFreedom``).
        public let aic: [Double]
        /// −2·logLikelihood + log(n)·(parameters counted with the intercept: ``effectiveDegreesOfFreedom``).
        public let bic: [Double]
        /// Σ(eᵢ − eᵢ₋₁)² / Σeᵢ² of the (weighted) residuals in row order: near 2 without serial
        /// correlation. NaN for an exact fit.
        public let durbinWatson: [Double]
    }
}

extension LeastSquares.Statistics {
    /// The statistics of a solve; `estimates` receives, per target, each parameter's standard
    /// error, test and interval for its coefficient table (the intercept first), nil where they
    /// are undefined.
    init<Element: BLASScalar>(
        data: Rows<Element>, design: Design, parameters: Parameters, factorization: Factorization,
        covarianceType: LeastSquares.CovarianceType, confidenceLevel: Double, pool: WorkerPool? = nil,
        estimates: inout [[EstimateFigures]]?
    ) {
        let n = design.observations, k = design.k
        let pass = ResidualPass(
            data: data, design: design, zCoefficients: factorization.zCoefficients, inverseGram: factorization.inverseGram,
            type: covarianceType, pool: pool)
        let rss = pass.squares, tss = pass.totals
        let df = n - factorization.rank - design.interceptColumns
        let r2 = (0..<k).map { o in tss[o] > 0 ? 1 - rss[o] / tss[o] : .nan }
        // Under a ridge: tr H = tr(A·ZᵀZ) and the sandwich A·ZᵀZ·A, A = (ZᵀZ + P)⁻¹, both from
        // ZᵀZ itself (not A − A·P·A, whose difference loses the digits a large penalty dwarfs).
        let penalized = design.isPenalized
        var classical = factorization.inverseGram, trace = Double(factorization.rank + design.interceptColumns)
        if penalized, let inverse = factorization.inverseGram {
            let p = design.p
            var gram = design.gram
            for j in 0..<p { gram[j * p + j] = design.unpenalizedDiagonal[j] }
            trace = Double(design.interceptColumns) + zip(inverse, gram).reduce(0) { $0 + $1.0 * $1.1 }
            classical = Self.sandwich(inverse, gram, p: p)
        }
        let residualDF = penalized ? Double(n) - trace : Double(df)
        observations = n
        degreesOfFreedom = df
        effectiveDegreesOfFreedom = trace
        residualDegreesOfFreedom = residualDF
        isPenalized = penalized
        residualSumOfSquares = rss
        rSquared = r2
        self.covarianceType = covarianceType
        self.confidenceLevel = confidenceLevel
        let half = Double(n) / 2
        // Weighted: + ½Σ log wᵢ over the rows used, as statsmodels' WLS.
        let logWeights = design.logWeightTotal
        let likelihood = rss.map { $0 > 0 ? -half * (log(2 * Double.pi) + log($0 / Double(n)) + 1) + 0.5 * logWeights : .nan }
        logLikelihood = likelihood
        aic = likelihood.map { -2 * $0 + 2 * trace }
        bic = likelihood.map { -2 * $0 + log(Double(n)) * trace }

        var inference: Inference?
        // Without a ridge n − p − 1 is a whole number; with one, n − tr H > 0 always (tr H < n),
        // but rounding may leave it at the noise floor: the test needs a degree of freedom's worth.
        if residualDF > (penalized ? 1e-9 * Double(n) : 0), let inverse = factorization.inverseGram, let classical {
            inference = Inference(
                pass: pass, design: design, parameters: parameters, zCoefficients: factorization.zCoefficients, inverseGram: inverse,
                classical: classical, variance: rss.map { $0 / residualDF }, degreesOfFreedom: residualDF, type: covarianceType,
                level: confidenceLevel, fTest: !penalized)
        }
        if residualDF > 0 {
            adjustedRSquared = r2.map { 1 - (1 - $0) * Double(n - design.interceptColumns) / residualDF }
            residualStandardDeviation = rss.map { ($0 / residualDF).squareRoot() }
        } else {
            adjustedRSquared = nil
            residualStandardDeviation = nil
        }
        durbinWatson = (0..<k).map { pass.squares[$0] > 0 ? pass.successiveDifferences[$0] / pass.squares[$0] : .nan }
        covariances = inference?.covariances
        estimates = inference?.estimates
        fStatistics = penalized ? nil : inference?.fStatistics
        fPValues = penalized ? nil : inference?.fPValues
    }

    /// A·G·A for symmetric p×p A and G (row-major), by two products.
    static func sandwich(_ a: [Double], _ g: [Double], p: Int) -> [Double] {
        guard p > 0 else { return [] }
        var left = [Double](repeating: 0, count: p * p), result = left
        a.withUnsafeBufferPointer { a in
            g.withUnsafeBufferPointer { g in
                left.withUnsafeMutableBufferPointer { l in
                    BLAS.gemm(
                        transposeA: false, transposeB: false, m: p, n: p, k: p, alpha: 1, a: a.baseAddress!, lda: p, b: g.baseAddress!,
                        ldb: p, beta: 0, c: l.baseAddress!, ldc: p)
                }
            }
            left.withUnsafeBufferPointer { l in
                result.withUnsafeMutableBufferPointer { r in
                    BLAS.gemm(
                        transposeA: false, transposeB: false, m: p, n: p, k: p, alpha: 1, a: l.baseAddress!, lda: p, b: a.baseAddress!,
                        ldb: p, beta: 0, c: r.baseAddress!, ldc: p)
                }
            }
        }
        return result
    }
}
