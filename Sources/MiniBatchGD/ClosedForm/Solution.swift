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
        public let covariances: [Matrix<Double>]?
        /// The level of the coefficient tables' confidence intervals, e.g. 0.95.
        public let confidenceLevel: Double
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
        let parametersCounted = Double(factorization.rank + design.interceptColumns)
        observations = n
        degreesOfFreedom = df
        residualSumOfSquares = rss
        rSquared = r2
        self.covarianceType = covarianceType
        self.confidenceLevel = confidenceLevel
        let half = Double(n) / 2
        // Weighted: + ½Σ log wᵢ over the rows used, as statsmodels' WLS.
        let logWeights = design.logWeightTotal
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
        estimates = inference?.estimates
        fStatistics = inference?.fStatistics
        fPValues = inference?.fPValues
    }
}
