/// Iterative refinement of a closed-form solution in original units, with the residuals and
/// the gradient Aᵀr accumulated in double-double precision (about 106 bits) from the data as
/// given.
///
/// Every method solves the centred, equilibrated problem in Double, so its answer carries the
/// rounding of Z and of the factorization: about κ²·ε for the normal equations and κ·ε plus a
/// κ²·ε·‖r‖ term for QR. Refinement computes r = y − c − X·W and g = Aᵀ·r (A = [1, X], rows
/// weighted by wᵢ) exactly enough and solves the correction (AᵀA)·δ = g with the factor already made (R with RᵀR = ZᵀZ, the
/// corrected semi-normal equations of Björck), repeating while the correction shrinks. The
/// corrections contract by about κ²·ε each step, so they converge wherever the factorization
/// was accepted with κ² well below 1/ε, and the last one estimates the remaining error.
///
/// Double-double, not `Float80`: with the 64-bit significand of `Float80` the gradient's own
/// rounding left a floor of 12.8 correct digits on the nearly collinear accuracy design (κ ≈ 6e6);
/// with 106 bits every accuracy design comes out as the Double nearest its exact rational
/// solution. It is also portable (no `Float80` on arm64).
struct Refinement {
    /// The refined parameters.
    var parameters: Parameters
    /// |last correction| + ε·|estimate| per coefficient (p×k) and intercept.
    var errorBounds: Matrix
    var interceptErrorBounds: [Double]
    /// Corrections applied (the largest over the targets).
    var iterations: Int
    /// A correction came out NaN or infinite before any was applied: the parameters are the
    /// start's and there is no error estimate.
    var failed = false

    static let maximumIterations = 10

    /// - Parameter gramFactor: upper-triangular R (p×p, row-major) with RᵀR = ZᵀZ.
    init(data: Rows, design: Design, start: Parameters, gramFactor: [Double]) throws {
        let p = design.p, k = design.k
        var coefficients = start.coefficients, intercept = start.intercept
        errorBounds = .zeros(p, k)
        interceptErrorBounds = Array(repeating: 0, count: k)
        iterations = 0
        var gradient = [Double](repeating: 0, count: p + 1)
        for o in 0..<k {
            var w = (0..<p).map { coefficients.elements[$0 * k + o] }
            var c = intercept[o]
            var previous = Double.infinity, applied = 0
            var lastCorrection = [Double](repeating: 0, count: p + 1)
            for _ in 1...Self.maximumIterations {
                Self.weightedGradient(data: data, design: design, target: o, coefficients: w, intercept: c, into: &gradient)
                // u = M⁻ᵀ·g with A = [1, Z]·M, M = [[1, x̄ᵀ], [0, S]]: u₀ = g₀, u_z = (g_W − x̄·g₀)/s.
                var correction = (0..<p).map { j in (gradient[1 + j] - design.featureMean[j] * gradient[0]) / design.columnNorm[j] }
                try gramFactor.withUnsafeBufferPointer { r in
                    try correction.withUnsafeMutableBufferPointer { b in
                        try LAPACK.choleskySolve(n: p, nrhs: 1, factor: r.baseAddress!, lda: p, b: b.baseAddress!, ldb: 1)
                    }
                }
                // δW = δγ_z/s; δc = δγ₀ − x̄ᵀδW with δγ₀ = g₀/Σw (Z's columns are centred).
                let deltaW = (0..<p).map { correction[$0] / design.columnNorm[$0] }
                var deltaC = 0.0
                if design.fitIntercept {
                    deltaC = gradient[0] / design.weightTotal
                    for j in 0..<p { deltaC -= design.featureMean[j] * deltaW[j] }
                }
                let size = max(abs(deltaC), deltaW.map(abs).max() ?? 0)
                let scale = max(abs(c), w.map(abs).max() ?? 0)
                // A correction that does not shrink is rounding noise: stop. One that grows means the
                // previous one did not help (the corrections diverge): take it back.
                if !size.isFinite || size >= previous {
                    if !size.isFinite, applied == 0 { failed = true }
                    if !size.isFinite || size > previous, applied > 0 {
                        for j in 0..<p { w[j] -= lastCorrection[1 + j] }
                        c -= lastCorrection[0]
                        applied -= 1
                    }
                    break
                }
                for j in 0..<p { w[j] += deltaW[j] }
                c += deltaC
                lastCorrection = [deltaC] + deltaW
                previous = size
                applied += 1
                if size <= Double.ulpOfOne * scale { break }
            }
            iterations = max(iterations, applied)
            for j in 0..<p {
                coefficients.elements[j * k + o] = w[j]
                errorBounds.elements[j * k + o] = abs(lastCorrection[1 + j]) + Double.ulpOfOne * abs(w[j])
            }
            intercept[o] = c
            interceptErrorBounds[o] = design.fitIntercept ? abs(lastCorrection[0]) + Double.ulpOfOne * abs(c) : 0
        }
        parameters = Parameters(unchecked: coefficients, intercept)
    }

    /// g = Aᵀ·diag(w)·(y − c − X·W) for one target, rounded at the end: g₀ = Σ wᵢrᵢ (the
    /// intercept's row; 0 without an intercept) and gⱼ₊₁ = Σ wᵢxᵢⱼrᵢ.
    ///
    /// Both the residual and the sums are Ogita, Rump and Oishi's Dot2 (2005): every product split
    /// exactly into its rounded value and error by a fused multiply-add, every addition by TwoSum,
    /// the errors summed apart. The result is as accurate as if computed in twice the precision
    /// (about 106 bits); the loop over the columns has no branch.
    static func weightedGradient(
        data: Rows, design: Design, target o: Int, coefficients w: [Double], intercept c: Double, into gradient: inout [Double]
    ) {
        let n = data.count, p = design.p
        // Raw buffers: arrays touched in the loop would pay bounds and uniqueness checks per element.
        let high = UnsafeMutablePointer<Double>.allocate(capacity: p + 1), low = UnsafeMutablePointer<Double>.allocate(capacity: p + 1)
        high.initialize(repeating: 0, count: p + 1)
        low.initialize(repeating: 0, count: p + 1)
        defer {
            high.deallocate()
            low.deallocate()
        }
        let x = data.x, ldx = data.xStride, y = data.y, ldy = data.yStride
        w.withUnsafeBufferPointer { w in
            for i in 0..<n {
                let weight = design.weights?[i] ?? 1
                if weight == 0 { continue }
                let row = x + i * ldx
                // r = y − c − Σ xⱼwⱼ as an unevaluated sum rh + rl.
                var (sum, error) = twoSum(y[i * ldy + o], -c)
                for j in 0..<p {
                    let product = -row[j] * w[j]
                    let productError = (-product).addingProduct(-row[j], w[j])
                    let (t, e) = twoSum(sum, product)
                    sum = t
                    error += e + productError
                }
                var (rh, rl) = fastTwoSum(sum, error)
                if weight != 1 {
                    let product = rh * weight
                    rl = (-product).addingProduct(rh, weight) + rl * weight
                    rh = product
                }
                let (t0, e0) = twoSum(high[0], rh)
                high[0] = t0
                low[0] += e0 + rl
                for j in 0..<p {
                    let product = row[j] * rh
                    let productError = (-product).addingProduct(row[j], rh) + row[j] * rl
                    let (t, e) = twoSum(high[1 + j], product)
                    high[1 + j] = t
                    low[1 + j] += e + productError
                }
            }
        }
        if let sharing = data.sharing {
            // Every rank's unevaluated sums, added in rank order with the same TwoSum: still
            // double-double, and the same bits on every rank.
            let parts = sharing.communicator.gather(
                Array(UnsafeBufferPointer(start: high, count: p + 1)) + Array(UnsafeBufferPointer(start: low, count: p + 1)))
            for j in 0...p {
                var sum = 0.0, error = 0.0
                for part in parts {
                    let (t, e) = twoSum(sum, part[j])
                    sum = t
                    error += e + part[p + 1 + j]
                }
                high[j] = sum
                low[j] = error
            }
        }
        for j in 0...p { gradient[j] = high[j] + low[j] }
        if !design.fitIntercept { gradient[0] = 0 }
    }

    /// s + e = a + b exactly (Knuth's TwoSum, no branch).
    @inline(__always)
    static func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b, v = s - a
        return (s, (a - (s - v)) + (b - v))
    }

    /// s + e = a + b exactly when |a| ≥ |b| or a = 0 (Dekker's FastTwoSum).
    @inline(__always)
    static func fastTwoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b
        return (s, b - (s - a))
    }
}
