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

    /// Rows per chunk: eight blocks (7 928 rows at 32 features), set by the shape alone.
    static func chunkRows(features p: Int, outputs k: Int) -> Int { 8 * Swift.max(64, (1 << 16) / (p + k)) }

    /// - Parameters:
    ///   - inverseGram: (ZᵀZ)⁻¹ for the leverages and the robust middle; without it, only the
    ///     sums are computed.
    ///   - pool: the threads for the pass (nil: this one). The rows are cut into fixed chunks
    ///     (``chunkRows(features:outputs:)``), each a pass of its own with OpenBLAS on one thread,
    ///     added in chunk order with the Durbin–Watson terms that span two chunks: the same bits
    ///     whatever the thread count, OpenBLAS's included.
    init<Element: BLASScalar>(
        data: Rows<Element>, design: Design, zCoefficients: [Double], inverseGram: [Double]?, type: LeastSquares.CovarianceType,
        pool: WorkerPool? = nil
    ) {
        let n = data.count, chunkRows = Self.chunkRows(features: design.p, outputs: design.k)
        let chunks = Swift.max(1, (n + chunkRows - 1) / chunkRows)
        let parts = BLASThreads.singleThreaded {
            (pool ?? WorkerPool(threads: 1)).map(chunks: chunks) { chunk in
                let start = chunk * chunkRows
                return Self.pass(
                    data: data, design: design, zCoefficients: zCoefficients, inverseGram: inverseGram, type: type, start: start,
                    count: Swift.max(0, Swift.min(chunkRows, n - start)))
            }
        }
        self = parts[0].pass
        var first = parts[0].first, last = parts[0].last, seen = parts[0].rows
        for part in parts.dropFirst() {
            let (next, rows) = (part.pass, part.rows)
            for o in 0..<squares.count {
                // The term between this chunk's first residual and the last one before it.
                if seen > 0, rows > 0 { successiveDifferences[o] += (part.first[o] - last[o]) * (part.first[o] - last[o]) }
                successiveDifferences[o] += next.successiveDifferences[o]
                squares[o] += next.squares[o]
                totals[o] += next.totals[o]
            }
            for o in meats.indices { for i in meats[o].indices { meats[o][i] += next.meats[o][i] } }
            if seen == 0 { first = part.first }
            if rows > 0 { last = part.last }
            seen += rows
        }
        if let sharing = data.sharing { merge(over: sharing.communicator, rows: n, first: first, last: last) }
    }

    /// The sums of rows `start..<start + count`, their first and last residuals per target, and
    /// their count.
    private static func pass<Element: BLASScalar>(
        data: Rows<Element>, design: Design, zCoefficients: [Double], inverseGram: [Double]?, type: LeastSquares.CovarianceType,
        start first: Int,
        count n: Int
    ) -> (pass: ResidualPass, first: [Double], last: [Double], rows: Int) {
        var result = ResidualPass(k: design.k)
        let p = design.p, k = design.k
        let offset = design.interceptColumns, q = p + offset
        let robust = type != .nonrobust && inverseGram != nil, leverage = robust && (type == .hc2 || type == .hc3)
        let blockRows = Swift.min(n, Swift.max(64, (1 << 16) / (p + k)))
        var z = [Double](repeating: 0, count: blockRows * p), t = [Double](repeating: 0, count: blockRows * k)
        var projected = [Double](repeating: 0, count: leverage ? blockRows * p : 0)
        var scaled = [Double](repeating: 0, count: robust ? blockRows * q : 0)
        var h = [Double](repeating: 0, count: blockRows)
        result.meats = robust ? Array(repeating: Array(repeating: 0, count: q * q), count: k) : []
        var previous = [Double](repeating: 0, count: k), firstResiduals = [Double](repeating: 0, count: k)
        var start = 0
        while start < n {
            let count = Swift.min(blockRows, n - start)
            z.withUnsafeMutableBufferPointer { zb in
                t.withUnsafeMutableBufferPointer { tb in
                    design.fillBlock(data, start: first + start, count: count, z: zb.baseAddress!, t: tb.baseAddress!)
                    for i in 0..<count * k { result.totals[i % k] += tb[i] * tb[i] }
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
                    if start + i > 0 {
                        result.successiveDifferences[o] += (e - previous[o]) * (e - previous[o])
                    } else {
                        firstResiduals[o] = e
                    }
                    result.squares[o] += e * e
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
                    let row = first + start + i
                    var value = offset == 1 ? design.rootWeight(row) * design.rootWeight(row) / design.weightTotal : 0
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
                        if offset == 1 { scaled[i * q] = root * design.rootWeight(first + start + i) }
                        for j in 0..<p { scaled[i * q + offset + j] = root * z[i * p + j] }
                    }
                    scaled.withUnsafeBufferPointer { s in
                        result.meats[o].withUnsafeMutableBufferPointer { m in
                            BLAS.gemm(
                                transposeA: true, transposeB: false, m: q, n: q, k: count, alpha: 1, a: s.baseAddress!, lda: q,
                                b: s.baseAddress!, ldb: q, beta: 1, c: m.baseAddress!, ldc: q)
                        }
                    }
                }
            }
            start += count
        }
        return (result, firstResiduals, previous, n)
    }

    /// Zero sums for `k` targets.
    private init(k: Int) {
        successiveDifferences = Array(repeating: 0, count: k)
        squares = Array(repeating: 0, count: k)
        totals = Array(repeating: 0, count: k)
        meats = []
    }

    /// Sums every rank's pass, adding the Durbin–Watson terms that span two ranks: the first
    /// residual of each rank with rows against the last residual of the rank with rows before it.
    private mutating func merge(over communicator: any Communicator, rows: Int, first: [Double], last: [Double]) {
        let k = squares.count
        let sums = communicator.sum(successiveDifferences + squares + totals + meats.flatMap { $0 })
        successiveDifferences = Array(sums[0..<k])
        squares = Array(sums[k..<2 * k])
        totals = Array(sums[2 * k..<3 * k])
        let q2 = meats.first?.count ?? 0
        meats = meats.indices.map { Array(sums[(3 * k + $0 * q2)..<(3 * k + ($0 + 1) * q2)]) }
        var previous: [Double]?
        for part in communicator.gather([rows > 0 ? 1 : 0] + first + last) where part[0] == 1 {
            if let previous { for o in 0..<k { successiveDifferences[o] += (part[1 + o] - previous[o]) * (part[1 + o] - previous[o]) } }
            previous = Array(part[(1 + k)...])
        }
    }
}

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

/// The covariance of the estimates and what follows from it: standard errors, test statistics,
/// p-values, intervals and the F test, for a full-rank unpenalized fit with residual degrees of
/// freedom.
struct Inference {
    var covariances: [Matrix<Double>] = []
    var standardErrors: Matrix<Double>
    var interceptStandardErrors: [Double]?
    var tValues: Matrix<Double>
    var interceptTValues: [Double]?
    var pValues: Matrix<Double>
    var interceptPValues: [Double]?
    var confidenceIntervals: LeastSquares.Bounds<Matrix<Double>>
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
        // From the tail, −q((1 − level)/2): (1 + level)/2 rounds to 1 (an infinite quantile) for
        // levels within 1.1e-16 of 1, the tail probability never does.
        let tail = (1 - level) / 2
        let quantile = type == .nonrobust ? -(student?.quantile(tail) ?? .nan) : -StandardNormal().quantile(tail)

        standardErrors = .zeros(p, k)
        tValues = .zeros(p, k)
        pValues = .zeros(p, k)
        var lower = Matrix<Double>.zeros(p, k), upper = Matrix<Double>.zeros(p, k)
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
