/// The rows X̃ the interior point reads (weighted, with the weighted 1 of the intercept last),
/// and how it solves its normal equations X̃ᵀQX̃·Δ = g (Q = `work.q`, diagonal, positive):
/// dense rows by BLAS and Cholesky (``QuantileRegression/DenseInteriorPointDesign``), sparse
/// rows from their products by Cholesky or by conjugate gradients
/// (``QuantileRegression/SparseInteriorPointDesign``). One interior point runs on every kind.
protocol InteriorPointDesign: AnyObject {
    /// out (m) ← X̃·v (v: d).
    func multiply(_ v: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>)
    /// out (d) ← X̃ᵀ·u (u: m).
    func multiplyTransposed(_ u: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>)
    /// Readies the solves with X̃ᵀX̃; false when its columns are linearly dependent.
    func prepareUnweighted() throws -> Bool
    /// Readies the solves with X̃ᵀQX̃; false when it is singular to rounding. `relativeGap` (the
    /// interior point's current one, 0 for the tightest) sets an inexact solve's tolerance.
    func prepareWeighted(relativeGap: Double) throws -> Bool
    /// `work.dy` ← the readied system's inverse times `work.rhs`.
    func solve() throws
    /// Whether the solves are inexact (conjugate gradients): the steps then carry the primal
    /// residual, and the final dual point is made feasible before it bounds anything.
    var isInexact: Bool { get }
    /// Σⱼ|x̃ᵢⱼθⱼ|: the size of row i's product, for rounding tests.
    func absoluteProducts(_ i: Int, _ theta: UnsafePointer<Double>) -> Double
    /// Whether the d×d vertex system can be formed (``square`` holds it).
    var formsVertex: Bool { get }
    /// d×d scratch for the vertex (valid when ``formsVertex``).
    var square: UnsafeMutablePointer<Double> { get }
    /// Row i written dense into `out` (d values).
    func copyRow(_ i: Int, into out: UnsafeMutablePointer<Double>)
    /// Conjugate-gradient steps taken so far (0 by Cholesky).
    var innerIterations: Int { get }
}

extension QuantileRegression {
    /// Dense row-major rows (m×d): products by BLAS, X̃ᵀQX̃ by dgemm on blocks of rows, Cholesky.
    final class DenseInteriorPointDesign: InteriorPointDesign {
        let x: UnsafePointer<Double>
        let work: Workspace

        init(_ x: UnsafePointer<Double>, _ work: Workspace) {
            self.x = x
            self.work = work
        }

        var isInexact: Bool { false }
        var formsVertex: Bool { true }
        var innerIterations: Int { 0 }
        var square: UnsafeMutablePointer<Double> { work.square }

        func multiply(_ v: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
            BLAS.gemv(transpose: false, m: work.m, n: work.d, alpha: 1, a: x, lda: work.d, x: v, beta: 0, y: out)
        }

        func multiplyTransposed(_ u: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
            BLAS.gemv(transpose: true, m: work.m, n: work.d, alpha: 1, a: x, lda: work.d, x: u, beta: 0, y: out)
        }

        func prepareUnweighted() throws -> Bool {
            work.formGram(x, weighted: false)
            return try work.hasIndependentColumns() && work.factorGram()
        }

        func prepareWeighted(relativeGap: Double) throws -> Bool {
            work.formGram(x, weighted: true)
            return try work.factorGram()
        }

        func solve() throws { try work.solveFactored() }

        func absoluteProducts(_ i: Int, _ theta: UnsafePointer<Double>) -> Double {
            let d = work.d
            var size = 0.0
            for j in 0..<d { size += abs(x[i * d + j] * theta[j]) }
            return size
        }

        func copyRow(_ i: Int, into out: UnsafeMutablePointer<Double>) { out.update(from: x + i * work.d, count: work.d) }
    }

    /// Times the restoration of the dual's feasibility is repeated (each an inexact solve
    /// shrinking the residual by its tolerance; two reach rounding).
    static let restorationLimit = 3

    /// The dual objective at the interior point's a made feasible, a lower bound on the optimum
    /// however inexact the steps were. ψ = a − (1 − τ) lies in [τ − 1, τ]; it must also satisfy
    /// X̃ᵀψ = 0, which inexact steps leave off by g. ψ is moved by −QX̃δ, (X̃ᵀQX̃)δ = g, until g is
    /// at rounding (Q small where ψ is near its bounds, so they are barely moved). Then for every
    /// θ, Σρ_τ(rᵢ) ≥ Σψᵢrᵢ − e·Σ|rᵢ| = ỹᵀψ − gᵀθ − e·Σ|rᵢ| (e how far ψ strays outside its box),
    /// and at an optimum Σ|rᵢ| ≤ F/min(τ, 1 − τ), F the objective at the answer: the bound charges
    /// both, the rounding-level g at the answer's θ.
    static func feasibleDualObjective<Design: InteriorPointDesign>(_ x: Design, tau: Double, objective: Double, work: Workspace)
        throws -> Double
    {
        let m = work.m, d = work.d, psi = work.xi, g = work.rhs, q = work.q, b = work.vertex
        for i in 0..<m { psi[i] = work.a[i] - (1 - tau) }
        // The constraint's scale, ‖X̃ᵀ1‖ = ‖b‖/(1 − τ).
        var scale = 0.0
        for j in 0..<d { scale += b[j] * b[j] }
        scale = scale.squareRoot() / (1 - tau)
        var residualNorm = 0.0
        for attempt in 0...restorationLimit {
            x.multiplyTransposed(psi, into: g)
            residualNorm = 0
            for j in 0..<d { residualNorm += g[j] * g[j] }
            residualNorm = residualNorm.squareRoot()
            guard residualNorm > 1e-14 * scale, attempt < restorationLimit, try x.prepareWeighted(relativeGap: 0) else { break }
            try x.solve()
            x.multiply(work.dy, into: work.v)
            for i in 0..<m { psi[i] -= q[i] * work.v[i] }
        }
        var bound = 0.0, excess = 0.0, thetaNorm = 0.0
        for i in 0..<m {
            bound += work.target[i] * psi[i]
            excess = Swift.max(excess, psi[i] - tau, tau - 1 - psi[i])
        }
        for j in 0..<d { thetaNorm += work.theta[j] * work.theta[j] }
        return bound - excess * objective / Swift.min(tau, 1 - tau) - residualNorm * thetaNorm.squareRoot()
    }
}
