import Foundation

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

extension LeastSquares.Bounds: Equatable where Values: Equatable {}

extension Design {
    /// The covariance of (intercept, coefficients) in original units (q×q, the intercept first
    /// when fitted) from its counterpart in Z's coordinates: θ = S·W and c′ = c + x̄ᵀW, so
    /// Cov(W) = S⁻¹·Cov(θ)·S⁻¹ and the intercept rows follow from c = c′ − (x̄/s)ᵀθ. O(q²).
    func originalCovariance(_ zCovariance: [Double]) -> Matrix<Double> {
        let offset = interceptColumns, q = p + offset
        let u = (0..<p).map { featureMean[$0] / columnNorm[$0] }
        var result = Matrix<Double>.zeros(q, q)
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

/// One parameter's standard error, test and interval: what a ``CoefficientTable/Row`` shows
/// beside the estimate.
struct EstimateFigures {
    var standardError: Double
    var tValue: Double
    var pValue: Double
    var confidenceInterval: LeastSquares.Bounds<Double>

    /// Target `o`'s figures from the covariance of (intercept, coefficients) in original units
    /// (q×q, the intercept first when fitted): t tests and intervals on Student's t with
    /// `degreesOfFreedom` (which need not be whole: n − tr H under a ridge), or on the normal
    /// distribution when it is nil (the HC covariances).
    static func list(
        target o: Int, parameters: Parameters, fitIntercept: Bool, covariance: Matrix<Double>, degreesOfFreedom: Double?, level: Double
    ) -> [EstimateFigures] {
        let student = degreesOfFreedom.flatMap { try? StudentT(degreesOfFreedom: $0) }
        let twoSided: (Double) -> Double = {
            degreesOfFreedom == nil ? StandardNormal().twoSidedPValue($0) : student?.twoSidedPValue($0) ?? .nan
        }
        // From the tail, −q((1 − level)/2): (1 + level)/2 rounds to 1 (an infinite quantile) for
        // levels within 1.1e-16 of 1, the tail probability never does.
        let tail = (1 - level) / 2
        let quantile = degreesOfFreedom == nil ? -StandardNormal().quantile(tail) : -(student?.quantile(tail) ?? .nan)
        let offset = fitIntercept ? 1 : 0, k = parameters.intercept.count, q = covariance.rows
        // Parameter i of q: the intercept (i < offset) or coefficient i − offset.
        return (0..<q).map { i in
            let estimate = i < offset ? parameters.intercept[o] : parameters.coefficients.elements[(i - offset) * k + o]
            let error = covariance.elements[i * q + i].squareRoot()
            let t = error > 0 ? estimate / error : .nan
            return EstimateFigures(
                standardError: error, tValue: t, pValue: twoSided(t),
                confidenceInterval: LeastSquares.Bounds(lower: estimate - quantile * error, upper: estimate + quantile * error))
        }
    }
}

/// The covariance of the estimates and what follows from it: standard errors, test statistics,
/// p-values, intervals and the F test, for a full-rank fit with residual degrees of freedom, or
/// a ridge fit (its covariance conditional on the penalty, and no F test).
struct Inference {
    var covariances: [Matrix<Double>] = []
    /// Per target, one entry per parameter in the covariance's order: the intercept first (when
    /// fitted), then the features.
    var estimates: [[EstimateFigures]] = []
    var fStatistics: [Double] = []
    var fPValues: [Double] = []

    /// - Parameters:
    ///   - inverseGram: the bread of the robust sandwiches, (ZᵀZ + P)⁻¹ (P the ridge's diagonal, 0 without).
    ///   - classical: what σ² multiplies for the nonrobust covariance of θ: (ZᵀZ)⁻¹, or under a
    ///     ridge the sandwich (ZᵀZ + P)⁻¹·ZᵀZ·(ZᵀZ + P)⁻¹.
    ///   - degreesOfFreedom: the t tests' (n − p − 1, or n − tr H under a ridge).
    ///   - fTest: whether to compute the F test (not under a ridge: its estimates are biased).
    init(
        pass: ResidualPass, design: Design, parameters: Parameters, zCoefficients: [Double], inverseGram: [Double], classical: [Double],
        variance: [Double], degreesOfFreedom df: Double, type: LeastSquares.CovarianceType, level: Double, fTest: Bool
    ) {
        let n = design.observations, p = design.p, k = design.k, offset = design.interceptColumns, q = p + offset
        let total = design.weightTotal
        // Student t with df for the classical covariance; the normal distribution for HC, as statsmodels.
        let testDegrees: Double? = type == .nonrobust ? df : nil

        for o in 0..<k {
            // Cov in Z's coordinates, the intercept (c′) first: A·M·A with A = diag(1/n, (ZᵀZ)⁻¹)
            // (robust) or σ²·A (nonrobust).
            var zCovariance = [Double](repeating: 0, count: q * q)
            if type == .nonrobust {
                if offset == 1 { zCovariance[0] = variance[o] / total }
                for i in 0..<p { for j in 0..<p { zCovariance[(offset + i) * q + offset + j] = variance[o] * classical[i * p + j] } }
            } else {
                let meat = pass.meats[o]
                let scale = type == .hc1 ? Double(n) / df : 1
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
            estimates.append(
                EstimateFigures.list(
                    target: o, parameters: parameters, fitIntercept: offset == 1, covariance: covariance, degreesOfFreedom: testDegrees,
                    level: level))
            guard fTest else { continue }
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
            fPValues.append((try? FisherF(numerator: Double(p), denominator: df))?.survival(f) ?? .nan)
        }
    }
}
