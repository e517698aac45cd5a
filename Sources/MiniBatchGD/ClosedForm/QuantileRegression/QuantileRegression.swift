/// The exact reference for the quantile (pinball) loss: the minimizer of
/// Σwᵢ·ρ_τ(yᵢ − b − xᵢβ), ρ_τ(u) = u·(τ − 1[u < 0]), per target, solved as a linear program.
///
/// The problem is the LP minimize τ·Σwᵢuᵢ + (1 − τ)·Σwᵢvᵢ subject to Xβ + u − v = y, u, v ≥ 0,
/// whose dual is maximize Σwᵢyᵢaᵢ − (1 − τ)·Σwᵢyᵢ subject to Σwᵢx̃ᵢaᵢ = (1 − τ)·Σwᵢx̃ᵢ,
/// 0 ≤ aᵢ ≤ 1 (x̃ᵢ the row with a 1 for the intercept). It is solved by the Frisch–Newton
/// primal-dual interior-point method on that dual with Mehrotra's predictor-corrector steps
/// (Portnoy & Koenker 1997; R's `quantreg::rq(method = "fn")`): each step solves one p×p system
/// Σqᵢx̃ᵢx̃ᵢᵀ·Δ = g by Cholesky, the matrix formed by BLAS on blocks of rows. The answer is then
/// polished onto a vertex of the LP (p of its residuals exactly zero), kept when its objective
/// is no larger, and its own dual is checked. The certificate is the duality gap: the objective
/// at the answer minus the best dual objective found, which no answer can go below.
///
/// ```swift
/// let solution = try QuantileRegression.solve(data, quantile: 0.9)
/// print(solution.coefficients, solution.targets[0].dualityGap, solution.targets[0].zeroResiduals)
/// ```
public enum QuantileRegression {
    /// One target's iterations and their certificate.
    ///
    /// ```swift
    /// let report = try QuantileRegression.solve(data, quantile: 0.25).targets[0]
    /// assert(report.converged && report.dualObjective <= report.objective)
    /// ```
    public struct TargetReport: Sendable, Equatable {
        /// Interior-point (Newton) steps taken.
        public let iterations: Int
        /// Σwᵢ·ρ_τ(rᵢ) at the answer: the primal objective.
        public let objective: Double
        /// The largest dual objective found (the interior point's or the vertex's): no
        /// coefficients give an objective below it.
        public let dualObjective: Double
        /// (objective − dualObjective) / |objective| (0 when both are 0): how far the answer's
        /// objective can be above the optimum, relatively.
        public let dualityGap: Double
        /// Whether ``dualityGap`` is at most ``QuantileRegression/gapTolerance``.
        public let converged: Bool
        /// Rows (of positive weight) whose residual is zero to rounding: at least the number of
        /// coefficients and intercept at a vertex of the LP.
        public let zeroResiduals: Int
        /// Whether the answer is a vertex whose dual satisfies the optimality conditions.
        public let isVertex: Bool
        /// Conjugate-gradient steps over all the interior point's solves (0 by Cholesky).
        public let innerIterations: Int
    }

    /// The answer and how it was reached.
    ///
    /// ```swift
    /// let solution = try QuantileRegression.solve(data, quantile: 0.9)
    /// print(solution.quantile, solution.coefficients, solution.intercept)
    /// ```
    public struct Solution: Sendable, Equatable {
        /// Coefficients (p×k) and intercepts (k), in the data's units.
        public let parameters: Parameters
        /// τ.
        public let quantile: Double
        /// One report per target.
        public let targets: [TargetReport]
        /// How each step's normal equations were solved: by Cholesky (dense rows, and sparse
        /// ones up to 4096 columns), or by conjugate gradients beyond.
        public let system: NewtonSystem
        /// p×k coefficients.
        public var coefficients: Matrix<Double> { parameters.coefficients }
        /// k intercepts (zeros without one).
        public var intercept: [Double] { parameters.intercept }
    }

    /// Interior-point steps allowed per target (quantreg's `rq.fit.fnb` allows 50; Mehrotra's
    /// steps need about 20 to 30 for the gap to reach rounding).
    public static let iterationLimit = 100

    /// The relative duality gap at or below which an answer counts as converged.
    public static let gapTolerance = 1e-9

    /// Solves quantile regression at quantile `quantile` on every target of `data`.
    ///
    /// ```swift
    /// let median = try QuantileRegression.solve(data, quantile: 0.5)  // least absolute deviations
    /// print(median.intercept[0], median.targets[0].objective)
    /// ```
    /// - Parameters:
    ///   - data: the rows (their own weights, if any, weigh the losses).
    ///   - quantile: τ in (0, 1).
    ///   - fitIntercept: fit an intercept per target.
    ///   - weights: one weight per row, finite and ≥ 0; nil for the source's own. A row of weight
    ///     0 is left out.
    /// - Throws: ``ArgumentError`` for τ outside (0, 1), weights of the wrong count or sign,
    ///   linearly dependent columns, or rows spread over processes;
    ///   ``DataError/tooFewRows(argument:rows:minimum:)`` with fewer rows of positive weight than
    ///   coefficients (and intercept); ``MatrixError/nonFinite(argument:row:column:value:)`` for
    ///   a value that is not finite; ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)``
    ///   when the rows' copy does not fit in memory.
    /// - Complexity: O(n·p²) per interior-point step, 20 to 30 steps.
    public static func solve<Source: RowSource>(
        _ data: Source, quantile: Double, fitIntercept: Bool = true, weights: [Double]? = nil
    ) throws -> Solution {
        let tau = quantile
        guard tau.isFinite, tau > 0, tau < 1 else {
            throw ArgumentError(argument: "quantile", value: "\(tau)", requirement: "must lie strictly between 0 and 1")
        }
        let n = data.rows, p = data.featureCount, k = data.outputCount
        let d = fitIntercept ? p + 1 : p
        let w = weights ?? data.weights ?? [Double](repeating: 1, count: n)
        guard w.count == n, w.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw ArgumentError(argument: "weights", value: "\(w.count) values", requirement: "must be \(n) finite values ≥ 0")
        }
        // Rows of weight 0 add nothing to the LP: they are left out of its copy.
        let kept = w.indices.filter { w[$0] > 0 }
        let m = kept.count
        guard m >= Swift.max(d, 1) else { throw DataError.tooFewRows(argument: "data", rows: m, minimum: Swift.max(d, 1)) }
        guard d > 0 else {
            throw ArgumentError(argument: "data", value: "no features and no intercept", requirement: "must have a column to fit")
        }
        try BLAS.checkDimensions("quantile regression", m, d)
        // The weighted rows' copy and the interior point's 12 vectors of m values.
        try MemoryBudget.require(MemoryBudget.doubles(m, d + k + Workspace.vectors), for: "quantile regression's copy of \(m) rows")
        // wᵢρ_τ(r) = ρ_τ(wᵢr) for wᵢ > 0: the weighted problem is the unweighted one on the rows
        // wᵢx̃ᵢ, wᵢyᵢ, row-major with the weighted 1 of the intercept last.
        var x = [Double](repeating: 0, count: m * d), y = [Double](repeating: 0, count: m * k)
        let position = [Int](unsafeUninitializedCapacity: n) { buffer, count in
            for i in 0..<n { buffer[i] = -1 }
            for (row, i) in kept.enumerated() { buffer[i] = row }
            count = n
        }
        // Rows of weight 0 are checked too, and left out (position −1).
        try data.forEachFiniteRow { i, features, targets in
            let row = position[i]
            guard row >= 0 else { return }
            for j in 0..<p { x[row * d + j] = w[i] * features[j] }
            if fitIntercept { x[row * d + p] = w[i] }
            for o in 0..<k { y[row * k + o] = w[i] * targets[o] }
        }
        var coefficients = [Double](repeating: 0, count: p * k), intercept = [Double](repeating: 0, count: k)
        var reports: [TargetReport] = []
        let work = Workspace(m: m, d: d)
        // OpenBLAS on one thread: its sums split by its thread count, and the answer must not.
        try BLASThreads.singleThreaded {
            try x.withUnsafeBufferPointer { xs in
                for o in 0..<k {
                    for i in 0..<m { work.target[i] = y[i * k + o] }
                    let report = try solveTarget(DenseInteriorPointDesign(xs.baseAddress!, work), tau: tau, work: work)
                    for j in 0..<p { coefficients[j * k + o] = work.theta[j] }
                    if fitIntercept { intercept[o] = work.theta[p] }
                    reports.append(report)
                }
            }
        }
        return Solution(
            parameters: Parameters(unchecked: Matrix(uncheckedRows: p, columns: k, elements: coefficients), intercept), quantile: tau,
            targets: reports, system: .cholesky)
    }
}

extension QuantileRegression {
    /// Every vector the iterations use, allocated once per solve: the steps allocate nothing.
    final class Workspace {
        /// The m-vectors below.
        static let vectors = 12
        /// Rows per block of the p×p products.
        static let blockRows = 256
        let m: Int, d: Int
        private let storage: UnsafeMutablePointer<Double>
        let pivots: UnsafeMutablePointer<Int32>
        /// ỹ; the dual a (in [0, 1]), 1 − a, its bounds' multipliers z and w, the Newton
        /// weights q, the primal step Δa and the multipliers' Δz, Δw, the corrector's ξ, a
        /// scratch vector, the residuals.
        let target, a, s, z, w, q, dx, dz, dw, xi, v, residual: UnsafeMutablePointer<Double>
        /// Blocks of √qᵢ·x̃ᵢ (blockRows × d).
        let block: UnsafeMutablePointer<Double>
        /// Σqᵢx̃ᵢx̃ᵢᵀ, its factor, and the vertex's square system (d × d each).
        let gram, factor, square: UnsafeMutablePointer<Double>
        /// The dual's y (β = −y), its step, a right-hand side, the answer θ (coefficients, then
        /// the intercept), the vertex's θ, and the primal residual b − X̃ᵀa (d each).
        let dual, dy, rhs, theta, vertex, infeasibility: UnsafeMutablePointer<Double>

        /// `squareMatrices` false leaves out the block and the three d×d matrices (the sparse rows'
        /// designs keep their own, or none).
        init(m: Int, d: Int, squareMatrices: Bool = true) {
            self.m = m
            self.d = d
            let blockCount = squareMatrices ? Swift.min(m, Self.blockRows) * d : 0, squares = squareMatrices ? d * d : 0
            let total = Self.vectors * m + blockCount + 3 * squares + 6 * d
            storage = .allocate(capacity: total)
            storage.initialize(repeating: 0, count: total)
            pivots = .allocate(capacity: d)
            var next = storage
            func take(_ count: Int) -> UnsafeMutablePointer<Double> {
                defer { next += count }
                return next
            }
            (target, a, s, z, w, q) = (take(m), take(m), take(m), take(m), take(m), take(m))
            (dx, dz, dw, xi, v, residual) = (take(m), take(m), take(m), take(m), take(m), take(m))
            block = take(blockCount)
            (gram, factor, square) = (take(squares), take(squares), take(squares))
            (dual, dy, rhs, theta, vertex, infeasibility) = (take(d), take(d), take(d), take(d), take(d), take(d))
        }

        deinit {
            storage.deallocate()
            pivots.deallocate()
        }

        /// gram ← Σqᵢx̃ᵢx̃ᵢᵀ over blocks of rows (q nil: all 1), by dgemm on √qᵢ·x̃ᵢ (dgemm, not
        /// dsyrk, as ``Moments`` forms its Gram matrix).
        func formGram(_ x: UnsafePointer<Double>, weighted: Bool) {
            var start = 0
            while start < m {
                let count = Swift.min(Self.blockRows, m - start)
                for i in 0..<count {
                    let scale = weighted ? q[start + i].squareRoot() : 1
                    for j in 0..<d { block[i * d + j] = scale * x[(start + i) * d + j] }
                }
                BLAS.gemm(
                    transposeA: true, transposeB: false, m: d, n: d, k: count, alpha: 1, a: block, lda: d, b: block, ldb: d,
                    beta: start == 0 ? 0 : 1, c: gram, ldc: d)
                start += count
            }
        }

        /// Whether X̃ᵀX̃ (in `gram`) is positive definite with its equilibrated condition below
        /// 1/(64ε): rounding lets Cholesky pass duplicated columns, and the interior point's
        /// systems would then be singular at every step.
        func hasIndependentColumns() throws -> Bool { try Self.hasIndependentColumns(gram: gram, factor: factor, d: d) }

        /// Whether the d×d `gram` (its upper triangle read) has independent columns, `factor`
        /// its scratch.
        static func hasIndependentColumns(gram: UnsafePointer<Double>, factor: UnsafeMutablePointer<Double>, d: Int) throws -> Bool {
            for i in 0..<d {
                for j in 0..<d {
                    let scale = (gram[i * d + i] * gram[j * d + j]).squareRoot()
                    factor[i * d + j] = scale > 0 ? gram[i * d + j] / scale : (i == j ? 0 : gram[i * d + j])
                }
            }
            let norm = LAPACK.symmetricOneNorm(n: d, a: factor, lda: d)
            do {
                try LAPACK.choleskyFactor(n: d, a: factor, lda: d)
            } catch LinearAlgebraError.notPositiveDefinite {
                return false
            }
            return try LAPACK.choleskyReciprocalCondition(n: d, factor: factor, lda: d, oneNorm: norm) > 64 * Double.ulpOfOne
        }

        /// factor ← the Cholesky factor of gram; false when gram is not positive definite to
        /// rounding.
        func factorGram() throws -> Bool {
            factor.update(from: gram, count: d * d)
            do {
                try LAPACK.choleskyFactor(n: d, a: factor, lda: d)
            } catch LinearAlgebraError.notPositiveDefinite {
                return false
            }
            return true
        }

        /// dy ← gram⁻¹·rhs by the factor.
        func solveFactored() throws {
            dy.update(from: rhs, count: d)
            try LAPACK.choleskySolve(n: d, nrhs: 1, factor: factor, lda: d, b: dy, ldb: 1)
        }
    }

    /// The largest step t ≤ 1/0.9995 with value + t·step ≥ 0 everywhere (a step into the bound
    /// stops short of it by the factor the caller applies).
    @inline(__always)
    private static func longestStep(_ value: UnsafeMutablePointer<Double>, _ step: UnsafeMutablePointer<Double>, sign: Double, _ m: Int)
        -> Double
    {
        var t = 1e20
        for i in 0..<m where sign * step[i] < 0 { t = Swift.min(t, -value[i] / (sign * step[i])) }
        return t
    }

    /// Σρ_τ(ỹᵢ − x̃ᵢθ), the residuals left in `work.residual`.
    static func objective<Design: InteriorPointDesign>(
        _ x: Design, theta: UnsafeMutablePointer<Double>, tau: Double, work: Workspace
    ) -> Double {
        let m = work.m
        x.multiply(theta, into: work.residual)
        var sum = 0.0
        for i in 0..<m {
            let r = work.target[i] - work.residual[i]
            work.residual[i] = r
            sum += r * (r < 0 ? tau - 1 : tau)
        }
        return sum
    }

    /// One target (ỹ in `work.target`): the interior point, then the vertex; θ left in
    /// `work.theta`.
    static func solveTarget<Design: InteriorPointDesign>(_ x: Design, tau: Double, work: Workspace) throws -> TargetReport {
        let m = work.m, d = work.d
        let (target, a, s, z, w, q) = (work.target, work.a, work.s, work.z, work.w, work.q)
        let (dx, dz, dw, xi, v, dual, dy, rhs) = (work.dx, work.dz, work.dw, work.xi, work.v, work.dual, work.dy, work.rhs)
        var targetSum = 0.0, targetScale = 0.0
        for i in 0..<m {
            targetSum += target[i]
            targetScale += abs(target[i])
        }
        // The LP in lp_fnm's form: minimize cᵀa, c = −ỹ, subject to X̃ᵀa = b, 0 ≤ a ≤ 1, from
        // the feasible a = 1 − τ; its dual variable y starts at least squares' −β.
        for i in 0..<m {
            a[i] = 1 - tau
            s[i] = tau
            v[i] = -target[i]
        }
        x.multiplyTransposed(v, into: rhs)
        guard try x.prepareUnweighted() else {
            throw ArgumentError(
                argument: "data", value: "linearly dependent columns",
                requirement: "must have independent columns for quantile regression (remove duplicated or collinear ones)")
        }
        try x.solve()
        dual.update(from: dy, count: d)
        // b = X̃ᵀa, kept by every step (each Δa solves X̃ᵀΔa = 0; an inexact solve's steps carry
        // the residual b − X̃ᵀa back to zero instead).
        let b = work.vertex, infeasibility = work.infeasibility
        x.multiplyTransposed(a, into: b)
        // z − w = c − X̃y: the reduced costs split into their positive and negative parts, a
        // zero nudged off (Koenker's lp_fnm) so the Newton weights are defined.
        x.multiply(dual, into: v)
        for i in 0..<m {
            var r = -target[i] - v[i]
            if r == 0 { r = 0.001 }
            z[i] = Swift.max(r, 0)
            w[i] = z[i] - r
        }
        func gap() -> Double {
            var sum = 0.0
            for i in 0..<m { sum += -target[i] * a[i] + w[i] }
            for j in 0..<d { sum -= b[j] * dual[j] }
            return sum
        }
        /// The dual objective of quantile regression at a: ỹᵀa − (1 − τ)Σỹ.
        func dualObjective() -> Double {
            var sum = 0.0
            for i in 0..<m { sum += target[i] * a[i] }
            return sum - (1 - tau) * targetSum
        }
        let beta = 0.9995
        var iterations = 0
        // A gap within the tolerance that has stopped closing (not by 10× over 5 steps, where
        // Mehrotra's steps gain that in one): the rounding of the normal equations (formed from
        // sparse rows' products, on large or badly scaled rows) holds it there, and the vertex
        // and the certificate below take over.
        var stalledSteps = 0, stallReference = Double.infinity
        // Stop on a relative gap of 1e-12, or at the rounding of the gap's own sums, or on a stall.
        while iterations < iterationLimit {
            let current = gap()
            if current <= 1e-12 * abs(dualObjective()) || current <= 1e3 * Double.ulpOfOne * targetScale { break }
            let relativeGap = current / Swift.max(abs(dualObjective()), Double.leastNormalMagnitude)
            if relativeGap <= gapTolerance {
                if relativeGap <= stallReference / 10 {
                    (stallReference, stalledSteps) = (relativeGap, 0)
                } else {
                    stalledSteps += 1
                    if stalledSteps >= 5 { break }
                }
            }
            if x.isInexact {
                x.multiplyTransposed(a, into: infeasibility)
                for j in 0..<d { infeasibility[j] = b[j] - infeasibility[j] }
            }
            // The affine (predictor) step: Newton's on the complementarity conditions.
            for i in 0..<m {
                q[i] = 1 / (z[i] / a[i] + w[i] / s[i])
                xi[i] = z[i] - w[i]  // r, kept for the corrector
                v[i] = q[i] * xi[i]
            }
            guard try x.prepareWeighted(relativeGap: relativeGap) else {
                break
            }
            x.multiplyTransposed(v, into: rhs)
            if x.isInexact { for j in 0..<d { rhs[j] += infeasibility[j] } }
            try x.solve()
            x.multiply(dy, into: v)
            for i in 0..<m {
                dx[i] = q[i] * (v[i] - xi[i])
                dz[i] = -z[i] * (dx[i] / a[i] + 1)
                dw[i] = -w[i] * (-dx[i] / s[i] + 1)
            }
            var primalStep = Swift.min(beta * Swift.min(longestStep(a, dx, sign: 1, m), longestStep(s, dx, sign: -1, m)), 1)
            var dualStep = Swift.min(beta * Swift.min(longestStep(w, dw, sign: 1, m), longestStep(z, dz, sign: 1, m)), 1)
            if Swift.min(primalStep, dualStep) < 1 {
                // Mehrotra's corrector: centre by μ = (current complementarity)·(predicted / current)³/(2m).
                var mu = 0.0, predicted = 0.0
                for i in 0..<m {
                    mu += z[i] * a[i] + w[i] * s[i]
                    predicted +=
                        (z[i] + dualStep * dz[i]) * (a[i] + primalStep * dx[i]) + (w[i] + dualStep * dw[i]) * (s[i] - primalStep * dx[i])
                }
                mu = mu * (predicted / mu) * (predicted / mu) * (predicted / mu) / Double(2 * m)
                for i in 0..<m {
                    let dxdz = dx[i] * dz[i], dsdw = -dx[i] * dw[i]
                    let correction = mu * (1 / a[i] - 1 / s[i])
                    // v: the corrected right-hand side, before q.
                    v[i] = q[i] * (xi[i] + dxdz - dsdw - correction)
                    // dz and dw keep the products the corrector needs; xi becomes the term of Δa.
                    dz[i] = dxdz
                    dw[i] = dsdw
                    xi[i] = correction - xi[i] - dxdz + dsdw
                }
                x.multiplyTransposed(v, into: rhs)
                if x.isInexact { for j in 0..<d { rhs[j] += infeasibility[j] } }
                try x.solve()
                x.multiply(dy, into: v)
                for i in 0..<m {
                    let dxdz = dz[i], dsdw = dw[i]
                    dx[i] = q[i] * (v[i] + xi[i])
                    dz[i] = mu / a[i] - z[i] - z[i] / a[i] * dx[i] - dxdz
                    dw[i] = mu / s[i] - w[i] + w[i] / s[i] * dx[i] - dsdw
                }
                primalStep = Swift.min(beta * Swift.min(longestStep(a, dx, sign: 1, m), longestStep(s, dx, sign: -1, m)), 1)
                dualStep = Swift.min(beta * Swift.min(longestStep(w, dw, sign: 1, m), longestStep(z, dz, sign: 1, m)), 1)
            }
            for i in 0..<m {
                a[i] += primalStep * dx[i]
                s[i] -= primalStep * dx[i]
                w[i] += dualStep * dw[i]
                z[i] += dualStep * dz[i]
            }
            for j in 0..<d { dual[j] += dualStep * dy[j] }
            iterations += 1
        }
        // The interior point's answer, θ = −y, and its certificate.
        for j in 0..<d { work.theta[j] = -dual[j] }
        var best = objective(x, theta: work.theta, tau: tau, work: work)
        // Inexact steps leave X̃ᵀa off b: the dual point is made feasible before it bounds anything.
        var lowerBound = x.isInexact ? try feasibleDualObjective(x, tau: tau, objective: best, work: work) : dualObjective()
        // The vertex: the d rows nearest the fit made exact, kept when no worse.
        let vertex = x.formsVertex ? try polish(x, tau: tau, work: work, objective: best) : nil
        if let vertex {
            work.theta.update(from: work.vertex, count: d)
            best = vertex.objective
            if let bound = vertex.dualObjective { lowerBound = Swift.max(lowerBound, bound) }
        }
        _ = objective(x, theta: work.theta, tau: tau, work: work)
        var zeros = 0
        for i in 0..<m {
            // Zero to rounding: within a few ulps of the sum that computed it.
            let size = abs(target[i]) + x.absoluteProducts(i, work.theta)
            if abs(work.residual[i]) <= 64 * Double.ulpOfOne * size { zeros += 1 }
        }
        // A gap below zero is rounding: both sides equal at the optimum.
        let difference = Swift.max(best - lowerBound, 0)
        let relative = difference == 0 ? 0 : difference / Swift.max(abs(best), Double.leastNormalMagnitude)
        return TargetReport(
            iterations: iterations, objective: best, dualObjective: lowerBound, dualityGap: relative, converged: relative <= gapTolerance,
            zeroResiduals: zeros, isVertex: vertex?.dualObjective != nil, innerIterations: x.innerIterations)
    }
}
