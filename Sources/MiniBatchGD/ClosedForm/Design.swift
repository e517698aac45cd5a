/// A design prepared for the closed-form solve: column means, and the norms that equilibrate
/// the centred columns.
///
/// Every method works on Z = (X − 1·x̄ᵀ)·S⁻¹, the centred design with each column scaled to unit
/// Euclidean norm (no centring without an intercept). Centring removes the intercept from the
/// linear system (it is recovered as ȳ − x̄ᵀθ) and scaling makes the rank decision and the
/// condition estimate independent of the columns' units, so a column in micrometres next to
/// one in kilometres loses no digits.
struct Design {
    let n: Int, p: Int, k: Int
    let fitIntercept: Bool
    let featureMean: [Double]
    let targetMean: [Double]
    /// ‖column j of the centred X‖₂, or 1 for a column that is identically zero after centring.
    let columnNorm: [Double]
    /// Diagonal penalty added to ZᵀZ: the ridge penalty expressed in Z's coordinates.
    let penaltyWeight: [Double]

    init(_ data: Dataset, fitIntercept: Bool, ridge: Double, penaltyUnits: LeastSquares.PenaltyUnits) {
        n = data.rows; p = data.featureCount; k = data.outputCount
        self.fitIntercept = fitIntercept
        let x = data.features.elements, y = data.targets.elements
        var featureMean = [Double](repeating: 0, count: p)
        var targetMean = [Double](repeating: 0, count: k)
        if fitIntercept {
            for i in 0 ..< n {
                for j in 0 ..< p { featureMean[j] += x[i * p + j] }
                for o in 0 ..< k { targetMean[o] += y[i * k + o] }
            }
            for j in 0 ..< p { featureMean[j] /= Double(n) }
            for o in 0 ..< k { targetMean[o] /= Double(n) }
        }
        // Scaled sum of squares (as in LAPACK's dnrm2) so huge or tiny columns neither overflow nor underflow.
        var norm = [Double](repeating: 0, count: p)
        for j in 0 ..< p {
            var scale = 0.0, sum = 1.0
            for i in 0 ..< n {
                let value = abs(x[i * p + j] - featureMean[j])
                guard value > 0 else { continue }
                if scale < value {
                    sum = 1 + sum * (scale / value) * (scale / value)
                    scale = value
                } else {
                    sum += (value / scale) * (value / scale)
                }
            }
            norm[j] = scale == 0 ? 1 : scale * sum.squareRoot()
        }
        self.featureMean = featureMean
        self.targetMean = targetMean
        self.columnNorm = norm
        // Penalty λ·Σ (dⱼθⱼ)² with θⱼ = zⱼ-coefficient / normⱼ, where dⱼ = 1 in original units
        // and dⱼ = the column's standard deviation in standardized units.
        let standardizer = penaltyUnits == .standardized ? Standardizer(fitting: data.features) : nil
        penaltyWeight = (0 ..< p).map { j in
            let d = standardizer?.scale[j] ?? 1
            return ridge * (d / norm[j]) * (d / norm[j])
        }
    }

    var interceptColumns: Int { fitIntercept ? 1 : 0 }
    var isPenalized: Bool { penaltyWeight.contains { $0 > 0 } }

    /// Writes rows `start..<start+count` of Z and of the centred targets into `z` and `t`.
    func fillBlock(_ data: Dataset, start: Int, count: Int, z: UnsafeMutablePointer<Double>, t: UnsafeMutablePointer<Double>) {
        data.features.elements.withUnsafeBufferPointer { x in
            for i in 0 ..< count {
                let row = (start + i) * p
                for j in 0 ..< p { z[i * p + j] = (x[row + j] - featureMean[j]) / columnNorm[j] }
            }
        }
        data.targets.elements.withUnsafeBufferPointer { y in
            for i in 0 ..< count {
                let row = (start + i) * k
                for o in 0 ..< k { t[i * k + o] = y[row + o] - targetMean[o] }
            }
        }
    }

    /// Z (n×p) with the ridge rows √wⱼ·eⱼ appended, and the centred targets padded with zeros
    /// to `max(rows, p)` rows, as `dgels` and `dgelsd` want them.
    func augmentedSystem(_ data: Dataset) -> (a: [Double], rows: Int, b: [Double], bRows: Int) {
        let rows = n + (isPenalized ? p : 0)
        let bRows = Swift.max(rows, p)
        var a = [Double](repeating: 0, count: rows * p)
        var b = [Double](repeating: 0, count: bRows * k)
        a.withUnsafeMutableBufferPointer { z in
            b.withUnsafeMutableBufferPointer { t in fillBlock(data, start: 0, count: n, z: z.baseAddress!, t: t.baseAddress!) }
        }
        if isPenalized { for j in 0 ..< p { a[(n + j) * p + j] = penaltyWeight[j].squareRoot() } }
        return (a, rows, b, bRows)
    }

    /// ZᵀZ + diag(w) (upper triangle) and Zᵀt, in one blocked pass that never holds Z whole.
    func normalEquations(_ data: Dataset) -> (gram: [Double], moment: [Double]) {
        var gram = [Double](repeating: 0, count: p * p)
        var moment = [Double](repeating: 0, count: p * k)
        let blockRows = Swift.min(n, Swift.max(256, (1 << 18) / Swift.max(p + k, 1)))
        var z = [Double](repeating: 0, count: blockRows * p)
        var t = [Double](repeating: 0, count: blockRows * k)
        z.withUnsafeMutableBufferPointer { z in
            t.withUnsafeMutableBufferPointer { t in
                gram.withUnsafeMutableBufferPointer { g in
                    moment.withUnsafeMutableBufferPointer { m in
                        var start = 0
                        while start < n {
                            let count = Swift.min(blockRows, n - start)
                            fillBlock(data, start: start, count: count, z: z.baseAddress!, t: t.baseAddress!)
                            BLAS.syrkTransposed(n: p, k: count, alpha: 1, a: z.baseAddress!, lda: p, beta: 1, c: g.baseAddress!, ldc: p)
                            BLAS.gemm(transposeA: true, transposeB: false, m: p, n: k, k: count, alpha: 1, a: z.baseAddress!, lda: p,
                                      b: t.baseAddress!, ldb: k, beta: 1, c: m.baseAddress!, ldc: k)
                            start += count
                        }
                    }
                }
            }
        }
        for j in 0 ..< p { gram[j * p + j] += penaltyWeight[j] }
        return (gram, moment)
    }

    /// Maps coefficients of Z (p×k, row-major) back to original units with their intercepts.
    func originalParameters(_ zCoefficients: [Double]) -> Parameters {
        var coefficients = Matrix.zeros(p, k)
        var intercept = fitIntercept ? targetMean : Array(repeating: 0, count: k)
        for j in 0 ..< p {
            for o in 0 ..< k {
                let value = zCoefficients[j * k + o] / columnNorm[j]
                coefficients.elements[j * k + o] = value
                if fitIntercept { intercept[o] -= featureMean[j] * value }
            }
        }
        return Parameters(unchecked: coefficients, intercept)
    }
}
