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
    /// |last correction| + ε·|estimate| per target, one per parameter: the intercept first (when
    /// fitted), then the coefficients, as the coefficient tables' rows.
    var errorBounds: [[Double]] = []
    /// Corrections applied (the largest over the targets).
    var iterations: Int
    /// A correction came out NaN or infinite before any was applied: the parameters are the
    /// start's and there is no error estimate.
    var failed = false

    static let maximumIterations = 10

    /// - Parameters:
    ///   - gramFactor: upper-triangular R (p×p, row-major) with RᵀR = ZᵀZ.
    ///   - pool: the threads for the gradient passes (nil: this one; the same bits on any count).
    init<Element: BLASScalar>(data: Rows<Element>, design: Design, start: Parameters, gramFactor: [Double], pool: WorkerPool? = nil) throws
    {
        let pass = RefinementGradient(data: data, design: design, pool: pool ?? WorkerPool(threads: 1))
        let p = design.p, k = design.k
        var coefficients = start.coefficients, intercept = start.intercept
        iterations = 0
        var gradient = [Double](repeating: 0, count: p + 1)
        for o in 0..<k {
            var w = (0..<p).map { coefficients.elements[$0 * k + o] }
            var c = intercept[o]
            var previous = Double.infinity, applied = 0
            var lastCorrection = [Double](repeating: 0, count: p + 1)
            for _ in 1...Self.maximumIterations {
                pass.gradient(target: o, coefficients: w, intercept: c, fitIntercept: design.fitIntercept, into: &gradient)
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
            for j in 0..<p { coefficients.elements[j * k + o] = w[j] }
            intercept[o] = c
            errorBounds.append(
                (design.fitIntercept ? [abs(lastCorrection[0]) + Double.ulpOfOne * abs(c)] : [])
                    + (0..<p).map { abs(lastCorrection[1 + $0]) + Double.ulpOfOne * abs(w[$0]) })
        }
        parameters = Parameters(unchecked: coefficients, intercept)
    }

    /// s + e = a + b exactly (Knuth's TwoSum, no branch).
    @inline(__always)
    static func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b, v = s - a
        return (s, (a - (s - v)) + (b - v))
    }
}
