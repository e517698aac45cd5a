import Foundation

/// What a closed-form fit keeps so that its predictions can carry intervals: the covariance of
/// the estimates, the residual variance and the degrees of freedom. Saved in model files
/// (version 3) by `mbgd solve --save-model`; gradient-descent fits have none.
public struct PredictionInference: Codable, Equatable, Sendable {
    /// Per target, the covariance of (intercept, coefficients), q×q with the intercept first
    /// (q = p + 1), or of the coefficients alone without an intercept; row-major.
    public var covariances: [[Double]]
    /// σ² = RSS/df per target.
    public var residualVariances: [Double]
    /// Residual degrees of freedom of the fit.
    public var degreesOfFreedom: Int
    /// How the covariance was computed; HC covariances take normal quantiles, as statsmodels.
    public var covarianceType: LeastSquares.CovarianceType

    /// The inference of a solution, or nil when its statistics have no covariance (rank-deficient,
    /// no residual degrees of freedom) or come from a ridge (conditional on its strength, on
    /// degrees of freedom that are not whole).
    public init?(_ statistics: LeastSquares.Statistics) {
        guard !statistics.isPenalized, let covariances = statistics.covariances, let deviations = statistics.residualStandardDeviation
        else { return nil }
        self.covariances = covariances.map(\.elements)
        residualVariances = deviations.map { $0 * $0 }
        degreesOfFreedom = statistics.degreesOfFreedom
        covarianceType = statistics.covarianceType
    }

    /// Checks the shapes against a model of `q` unknowns (coefficients and intercept) and `k` targets.
    func validate(unknowns q: Int, targets k: Int) throws {
        guard covariances.count == k, covariances.allSatisfy({ $0.count == q * q }), residualVariances.count == k else {
            throw ModelError.inconsistentFile(reason: "the inference needs one \(q)×\(q) covariance and one residual variance per target")
        }
        guard degreesOfFreedom >= 1 else {
            throw ModelError.inconsistentFile(reason: "the inference's degrees of freedom must be at least 1")
        }
        guard (covariances.joined() + residualVariances).allSatisfy({ $0.isFinite }), residualVariances.allSatisfy({ $0 >= 0 }) else {
            throw ModelError.inconsistentFile(reason: "the inference holds a number that is not finite")
        }
        // A covariance is symmetric and positive semi-definite; one edited by hand (a negative
        // variance, a lost symmetry) would give intervals that mean nothing.
        for (target, c) in covariances.enumerated() {
            let which = k > 1 ? " of target \(target + 1)" : ""
            let scale = (0..<q).map { c[$0 * q + $0] }.max() ?? 0
            for a in 0..<q {
                guard c[a * q + a] >= 0 else {
                    throw ModelError.inconsistentFile(reason: "the covariance\(which) has a negative variance at row \(a + 1)")
                }
                for b in (a + 1)..<q where abs(c[a * q + b] - c[b * q + a]) > 1e-12 * scale {
                    throw ModelError.inconsistentFile(reason: "the covariance\(which) is not symmetric at row \(a + 1), column \(b + 1)")
                }
            }
            var copy = c, eigenvalues = [Double](repeating: 0, count: q)
            try copy.withUnsafeMutableBufferPointer { a in
                try eigenvalues.withUnsafeMutableBufferPointer {
                    try LAPACK.symmetricEigenvalues(n: q, a: a.baseAddress!, lda: q, into: $0.baseAddress!)
                }
            }
            // Rounding leaves eigenvalues of a semi-definite matrix a little below 0, never by more.
            guard eigenvalues.first.map({ $0 >= -1e-10 * Swift.max(eigenvalues.last!, 0) }) ?? true else {
                throw ModelError.inconsistentFile(
                    reason: "the covariance\(which) is not positive semi-definite (an eigenvalue of \(eigenvalues[0]))")
            }
        }
    }
}

/// Predictions with their uncertainty, each n×k, named as statsmodels' `summary_frame` names them.
public struct PredictionIntervals: Sendable {
    /// The predictions (`mean`).
    public let mean: Matrix<Double>
    /// Standard error of the predicted mean, √(x̃ᵀ·Cov·x̃) with x̃ = (1, x) (`mean_se`).
    public let meanStandardError: Matrix<Double>
    /// The confidence interval of the mean (`mean_ci_lower`, `mean_ci_upper`).
    public let meanLower: Matrix<Double>
    /// See ``meanLower``.
    public let meanUpper: Matrix<Double>
    /// The prediction interval of a new observation, with variance mean_se² + σ² (`obs_ci_lower`,
    /// `obs_ci_upper`); a new observation counts with weight 1 in a weighted fit.
    public let observationLower: Matrix<Double>
    /// See ``observationLower``.
    public let observationUpper: Matrix<Double>
    /// The level, e.g. 0.95.
    public let level: Double
}

extension LinearRegression {
    /// Predictions for each row of `features` with confidence intervals of the mean and
    /// prediction intervals of new observations, from the covariance of a closed-form fit
    /// (Student t with the fit's degrees of freedom; the normal distribution for HC covariances).
    /// - Parameters:
    ///   - features: n×p rows.
    ///   - level: the intervals' level, in (0, 1).
    /// - Throws: ``ModelError/noInference`` for a model without a covariance (gradient descent,
    ///   ridge, rank-deficient), what ``predict(_:)-(Matrix<Double>)`` throws, ``ArgumentError`` for a bad level.
    /// - Complexity: O(n · q²), q = p + 1.
    public func predictionIntervals(_ features: Matrix<Double>, level: Double = 0.95) throws -> PredictionIntervals {
        try intervals(features, level: level) { try predict(features) }
    }

    /// ``predictionIntervals(_:level:)-(Matrix<Double>,_)`` for `Float` features, each widened
    /// (exactly) as it is read: the intervals of the same values as `Matrix<Double>`.
    /// - Throws: as ``predictionIntervals(_:level:)-(Matrix<Double>,_)``.
    /// - Complexity: O(n · q²), q = p + 1.
    // Disfavoured, as `predict`'s Float overload, so that a matrix of literals still means Double.
    @_disfavoredOverload
    public func predictionIntervals(_ features: Matrix<Float>, level: Double = 0.95) throws -> PredictionIntervals {
        try intervals(features, level: level) { try predict(features) }
    }

    /// The intervals around `mean()`, the predictions for `features`.
    private func intervals<Element: BLASScalar>(
        _ features: Matrix<Element>, level: Double, mean predictions: () throws -> Matrix<Double>
    ) throws -> PredictionIntervals {
        guard level > 0, level < 1 else {
            throw ArgumentError(argument: "level", value: "\(level)", requirement: "must lie strictly between 0 and 1")
        }
        let mean = try predictions()
        guard let inference else { throw ModelError.noInference }
        let n = features.rows, p = features.columns, k = mean.columns
        let offset = fitIntercept ? 1 : 0, q = p + offset
        let robust = inference.covarianceType != .nonrobust
        // From the tail, −q((1 − level)/2): (1 + level)/2 rounds to 1 (an infinite quantile) for
        // levels within 1.1e-16 of 1, the tail probability never does.
        let tail = (1 - level) / 2
        let quantile =
            robust
            ? -StandardNormal().quantile(tail)
            : -(try StudentT(degreesOfFreedom: Double(inference.degreesOfFreedom)).quantile(tail))
        var standardError = Matrix<Double>.zeros(n, k)
        var meanLower = Matrix<Double>.zeros(n, k), meanUpper = Matrix<Double>.zeros(n, k)
        var observationLower = Matrix<Double>.zeros(n, k), observationUpper = Matrix<Double>.zeros(n, k)
        var row = [Double](repeating: 1, count: q)
        for i in 0..<n {
            // x̃ scaled by its largest entry, so that x̃ᵀCx̃ cannot overflow where the standard
            // error itself is a finite number (features near 1e160 squared would).
            for j in 0..<p { row[offset + j] = Double(features.elements[i * p + j]) }
            let size = row.reduce(0) { Swift.max($0, abs($1)) }
            let unit = size > 0 ? 1 / size : 1
            for o in 0..<k {
                let c = inference.covariances[o]
                var variance = 0.0
                for a in 0..<q {
                    var sum = 0.0
                    for b in 0..<q { sum += c[a * q + b] * (row[b] * unit) }
                    variance += row[a] * unit * sum
                }
                let se = max(variance, 0).squareRoot() * (size > 0 ? size : 1)
                let observationSE = hypot(se, inference.residualVariances[o].squareRoot())
                let center = mean.elements[i * k + o]
                standardError.elements[i * k + o] = se
                meanLower.elements[i * k + o] = center - quantile * se
                meanUpper.elements[i * k + o] = center + quantile * se
                observationLower.elements[i * k + o] = center - quantile * observationSE
                observationUpper.elements[i * k + o] = center + quantile * observationSE
                guard observationLower.elements[i * k + o].isFinite, observationUpper.elements[i * k + o].isFinite else {
                    throw ModelError.intervalOverflow(row: i, output: o)
                }
            }
        }
        return PredictionIntervals(
            mean: mean, meanStandardError: standardError, meanLower: meanLower, meanUpper: meanUpper,
            observationLower: observationLower, observationUpper: observationUpper, level: level)
    }
}
