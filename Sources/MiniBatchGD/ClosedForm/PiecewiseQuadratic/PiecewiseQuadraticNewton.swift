/// Semismooth Newton on F(θ) = (1/Σw)·Σwᵢ·ℓ(yᵢ − x̃ᵢθ) for a ``PiecewiseQuadraticLoss``: the
/// Hessian of the rows where ℓ'' = 1, each step's length found exactly on its line, to the
/// gradient's floating-point floor. Shared by ``HuberRegression`` and
/// ``SquaredEpsilonInsensitiveRegression``.
///
/// Once the rows with ℓ'' = 1 are the optimum's, a Newton step lands on it exactly. Where those
/// rows leave the Hessian singular (too few of them: the minimizer is then not unique), a whisker
/// of ridge is added to the step's system only, so the method still minimizes F itself.
enum PiecewiseQuadraticNewton {
    /// One target's answer.
    struct TargetResult {
        /// θ: the coefficients, then the intercept when fitted.
        let theta: [Double]
        let iterations: Int
        /// max |∂F/∂θ| at the answer.
        let gradientNorm: Double
        let converged: Bool
        /// F at the answer.
        let objective: Double
        /// Rows of positive weight where ℓ'' = 0 at the answer (Huber's outliers, the tube's inside).
        let flatRows: Int
        /// Conjugate-gradient steps over all the Newton steps (0 by Cholesky).
        let innerIterations: Int
    }

    /// Solves every target of `data`; `what` names the problem in errors ("Huber regression").
    static func solve<Source: RowSource, L: PiecewiseQuadraticLoss>(
        _ data: Source, loss: L, fitIntercept: Bool, weights: [Double]?, iterationLimit: Int, what: String
    ) throws -> (parameters: Parameters, targets: [TargetResult]) {
        guard data.rows > 0 else { throw DataError.tooFewRows(argument: "data", rows: 0, minimum: 1) }
        let n = data.rows, p = data.featureCount, k = data.outputCount
        let w = weights ?? data.weights ?? [Double](repeating: 1, count: n)
        guard w.count == n, w.allSatisfy({ $0.isFinite && $0 >= 0 }), w.contains(where: { $0 > 0 }) else {
            throw ArgumentError(
                argument: "weights", value: "\(w.count) values", requirement: "must be \(n) finite values ≥ 0, at least one positive")
        }
        // The rows' copy, then the Newton system (d² twice: the Hessian and its factor).
        try MemoryBudget.require(MemoryBudget.doubles(n, p + 1 + k), for: "\(what)'s copy of \(n) rows")
        try MemoryBudget.require(MemoryBudget.doubles(2 * (p + 1), p + 1), for: "\(what)'s Newton system of \(p) features")
        // The rows as Double, row-major, with a column of ones for the intercept.
        let d = fitIntercept ? p + 1 : p
        var x = [Double](repeating: 0, count: n * d), y = [Double](repeating: 0, count: n * k)
        try data.forEachFiniteRow { i, features, targets in
            for j in 0..<p { x[i * d + j] = features[j] }
            if fitIntercept { x[i * d + p] = 1 }
            for o in 0..<k { y[i * k + o] = targets[o] }
        }
        return try solveTargets(
            DenseNewtonRows(x: x, rows: n, columns: d), targets: y, outputs: k, features: p, fitIntercept: fitIntercept, weights: w,
            loss: loss, iterationLimit: iterationLimit, system: .cholesky)
    }

    /// Each target of the n×k row-major `y` in turn, on `rows`.
    static func solveTargets<Rows: NewtonRows, L: PiecewiseQuadraticLoss>(
        _ rows: Rows, targets y: [Double], outputs k: Int, features p: Int, fitIntercept: Bool, weights w: [Double], loss: L,
        iterationLimit: Int, system: NewtonSystem
    ) throws -> (parameters: Parameters, targets: [TargetResult]) {
        let n = rows.rows
        var coefficients = [Double](repeating: 0, count: p * k), intercept = [Double](repeating: 0, count: k)
        var results: [TargetResult] = []
        for o in 0..<k {
            let target = (0..<n).map { y[$0 * k + o] }
            let result = try newton(rows, y: target, w: w, loss: loss, iterationLimit: iterationLimit, system: system)
            for j in 0..<p { coefficients[j * k + o] = result.theta[j] }
            if fitIntercept { intercept[o] = result.theta[p] }
            results.append(result)
        }
        return (Parameters(unchecked: Matrix(uncheckedRows: p, columns: k, elements: coefficients), intercept), results)
    }

    /// One target: semismooth Newton from zero with exact line searches. ψ(u) = ℓ'(u) of the
    /// residual u = y − x̃θ (ℓ' is odd, so the sign convention of r does not matter).
    private static func newton<Rows: NewtonRows, L: PiecewiseQuadraticLoss>(
        _ x: Rows, y: [Double], w: [Double], loss: L, iterationLimit: Int, system: NewtonSystem
    ) throws -> TargetResult {
        let n = x.rows, d = x.columns
        let total = w.reduce(0, +)
        var z = [Double](repeating: 0, count: d), r = y
        var gradient = [Double](repeating: 0, count: d)
        var hessian = [Double](repeating: 0, count: system == .cholesky ? d * d : 0)
        var conjugateGradient = system == .conjugateGradient ? ConjugateGradient(columns: d) : nil
        var innerIterations = 0
        var direction = [Double](repeating: 0, count: d), along = [Double](repeating: 0, count: n)
        func residuals() { for i in 0..<n { r[i] = y[i] - x.dot(i, z) } }
        func objective() -> Double { (0..<n).reduce(0.0) { $0 + w[$1] * loss.value(r[$1]) } / total }
        var iterations = 0, converged = false, largest = 0.0
        while true {
            residuals()
            // ∇F = −(1/Σw)·Σwᵢψ(rᵢ)x̃ᵢ, and the floor its rounding puts under it.
            for j in 0..<d { gradient[j] = 0 }
            var floor = 0.0
            for i in 0..<n where w[i] != 0 {
                floor += x.add(i, scaled: -(w[i] * loss.derivative(r[i]) / total), into: &gradient)
            }
            largest = gradient.map(abs).max() ?? 0
            if largest <= 8 * Double.ulpOfOne * Swift.max(floor, Double.leastNormalMagnitude) * Double(n).squareRoot() {
                converged = true
                break
            }
            guard iterations < iterationLimit else { break }
            iterations += 1
            if var solver = conjugateGradient {
                innerIterations += try solver.solve(x, gradient: gradient, w: w, total: total, r: r, loss: loss, into: &direction)
                conjugateGradient = solver
            } else {
                try choleskyDirection(x, gradient: gradient, w: w, total: total, r: r, loss: loss, hessian: &hessian, into: &direction)
            }
            // The exact minimum along z + t·direction: F′(t) = −(1/Σw)·Σwᵢψ(rᵢ − t·aᵢ)·aᵢ rises
            // with t, so it is bisected between 0 and the first t where it is not negative.
            for i in 0..<n { along[i] = x.dot(i, direction) }
            func slope(_ t: Double) -> Double {
                var sum = 0.0
                for i in 0..<n where w[i] != 0 { sum -= w[i] * loss.derivative(r[i] - t * along[i]) * along[i] }
                return sum / total
            }
            var high = 1.0
            while slope(high) < 0 && high < 1e12 { high *= 2 }
            var low = 0.0, step = high
            if slope(high) > 0 {
                for _ in 0..<100 {
                    let middle = 0.5 * (low + high)
                    guard middle > low, middle < high else { break }
                    if slope(middle) < 0 { low = middle } else { high = middle }
                }
                step = slope(1) == 0 || (low <= 1 && 1 <= high) ? 1 : 0.5 * (low + high)
            }
            let before = z
            for j in 0..<d { z[j] += step * direction[j] }
            if z == before { break }
        }
        residuals()
        let flat = (0..<n).count { w[$0] != 0 && loss.secondDerivative(r[$0]) == 0 }
        return TargetResult(
            theta: z, iterations: iterations, gradientNorm: largest, converged: converged, objective: objective(), flatRows: flat,
            innerIterations: innerIterations)
    }

    /// The Newton direction −H⁻¹∇F by Cholesky of H = (1/Σw)·Σ over the rows with ℓ'' = 1 of
    /// wᵢx̃ᵢx̃ᵢᵀ (upper triangle), with a whisker of ridge when too few of them leave it singular.
    private static func choleskyDirection<Rows: NewtonRows, L: PiecewiseQuadraticLoss>(
        _ x: Rows, gradient: [Double], w: [Double], total: Double, r: [Double], loss: L, hessian: inout [Double],
        into direction: inout [Double]
    ) throws {
        let d = x.columns
        for index in 0..<d * d { hessian[index] = 0 }
        for i in 0..<x.rows where w[i] != 0 && loss.secondDerivative(r[i]) > 0 {
            x.addOuterProduct(i, scaled: w[i] / total, into: &hessian)
        }
        for j in 0..<d { direction[j] = -gradient[j] }
        let trace = (0..<d).reduce(0.0) { $0 + hessian[$1 * d + $1] }
        var ridge = 0.0
        while true {
            var factor = hessian
            for j in 0..<d { factor[j * d + j] += ridge }
            do {
                try LAPACK.choleskyFactor(n: d, a: &factor, lda: d)
                try LAPACK.choleskySolve(n: d, nrhs: 1, factor: factor, lda: d, b: &direction, ldb: 1)
                return
            } catch LinearAlgebraError.notPositiveDefinite {
                ridge = ridge == 0 ? 1e-12 * Swift.max(trace, 1) : ridge * 100
                for j in 0..<d { direction[j] = -gradient[j] }
            }
        }
    }
}
