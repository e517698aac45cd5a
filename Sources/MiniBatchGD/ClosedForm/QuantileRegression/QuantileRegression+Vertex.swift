import Foundation

/// The interior point's last step: the vertex its answer lies near, made exact, and the dual
/// point that certifies it (with what clipping that dual into its box costs the bound).
extension QuantileRegression {
    /// The vertex through the d rows with the smallest residuals (θ in `work.vertex`), when it
    /// exists and its objective is no larger than `objective` (to rounding); with its dual objective when its
    /// dual, solved from X̃ₕᵀaₕ = −Σ over the other rows of ψ_τ(rᵢ)x̃ᵢ, lies within [τ − 1, τ].
    static func polish<Design: InteriorPointDesign>(_ x: Design, tau: Double, work: Workspace, objective current: Double)
        throws -> (objective: Double, dualObjective: Double?)?
    {
        let m = work.m, d = work.d, residual = work.residual, square = x.square
        // Per target, not per step: the sort's allocation is outside the iterations.
        let basis = Array((0..<m).sorted { (abs(residual[$0]), $0) < (abs(residual[$1]), $1) }.prefix(d))
        for (row, i) in basis.enumerated() {
            x.copyRow(i, into: square + row * d)
            work.vertex[row] = work.target[i]
        }
        guard try LAPACK.luSolve(n: d, nrhs: 1, a: square, lda: d, pivots: work.pivots, b: work.vertex, ldb: 1),
            (0..<d).allSatisfy({ work.vertex[$0].isFinite })
        else { return nil }
        let found = objective(x, theta: work.vertex, tau: tau, work: work)
        // No worse to the rounding of the sums (m terms): an interior point within 1e-12 of the
        // optimum can be below the vertex's rounded objective by an ulp.
        guard found <= current * (1 + Double(m) * Double.ulpOfOne) else { return nil }
        // The dual at the vertex: ψ_τ(rᵢ) = τ − 1[rᵢ < 0] off the basis, solved on it.
        let psi = work.v
        for i in 0..<m { psi[i] = residual[i] < 0 ? tau - 1 : tau }
        for i in basis { psi[i] = 0 }
        x.multiplyTransposed(psi, into: work.rhs)
        for j in 0..<d { work.rhs[j] = -work.rhs[j] }
        // X̃ₕᵀ, transposed into the square system (its LU factors are of X̃ₕ, not X̃ₕᵀ).
        for (row, i) in basis.enumerated() {
            x.copyRow(i, into: work.dy)
            for j in 0..<d { square[j * d + row] = work.dy[j] }
        }
        guard try LAPACK.luSolve(n: d, nrhs: 1, a: square, lda: d, pivots: work.pivots, b: work.rhs, ldb: 1) else {
            return (found, nil)
        }
        // Values a rounding outside [τ − 1, τ] are clipped into it, and what that costs the
        // bound is charged to it (``clippingCharge(movedTimesTarget:largestMove:objective:tau:)``).
        let slack = 1e-9
        var movedTimesTarget = 0.0, largestMove = 0.0
        for (row, i) in basis.enumerated() {
            let value = work.rhs[row]
            guard value >= tau - 1 - slack, value <= tau + slack else { return (found, nil) }
            psi[i] = Swift.min(Swift.max(value, tau - 1), tau)
            let moved = abs(psi[i] - value)
            movedTimesTarget += moved * abs(work.target[i])
            largestMove = Swift.max(largestMove, moved)
        }
        // Σỹᵢψᵢ: the dual objective ỹᵀa − (1 − τ)Σỹ at a = ψ + 1 − τ.
        var bound = 0.0
        for i in 0..<m { bound += work.target[i] * psi[i] }
        let charge = clippingCharge(movedTimesTarget: movedTimesTarget, largestMove: largestMove, objective: found, tau: tau)
        return (found, bound - charge)
    }

    /// What moving a vertex's dual ψ by δᵢ on its basis rows (clipping them into [τ − 1, τ]) can
    /// cost its bound Σỹᵢψᵢ. The move leaves Xᵀψ = Σδᵢx̃ᵢ rather than 0, so at the optimum θ* the
    /// bound holds only less Σδᵢ·x̃ᵢθ*, at most Σ|δᵢ|(|ỹᵢ| + |r̃ᵢ*|) as x̃ᵢθ* = ỹᵢ − r̃ᵢ*; and
    /// Σ|r̃ᵢ*| ≤ F*/min(τ, 1 − τ) ≤ `objective`/min(τ, 1 − τ), as ρ_τ(r) ≥ min(τ, 1 − τ)|r| and
    /// `objective` (any point's) is at least the optimum's F*.
    /// - Parameters:
    ///   - movedTimesTarget: Σ|δᵢ||ỹᵢ| over the basis.
    ///   - largestMove: max |δᵢ|.
    static func clippingCharge(movedTimesTarget: Double, largestMove: Double, objective: Double, tau: Double) -> Double {
        movedTimesTarget + largestMove * objective / Swift.min(tau, 1 - tau)
    }
}
