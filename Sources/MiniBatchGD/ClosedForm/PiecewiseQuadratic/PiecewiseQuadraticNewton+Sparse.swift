/// How a Newton step's system H·s = −∇F is solved.
///
/// ```swift
/// let solution = try HuberRegression.solve(sparseRows, delta: 1.35)
/// print(solution.system)  // .cholesky up to 4096 columns, .conjugateGradient beyond
/// ```
public enum NewtonSystem: String, Sendable, Equatable {
    /// H formed (from the rows' outer products: Σnnzᵢ² on sparse rows) and factored by Cholesky.
    case cholesky
    /// Conjugate gradients on H·v = (1/Σw)·X̃ᵀD(X̃v), H never formed: two passes over the rows'
    /// entries per inner step, memory O(n + d).
    case conjugateGradient = "conjugate-gradient"
}

extension PiecewiseQuadraticNewton {
    /// Columns (features, and the intercept) up to which sparse rows' Newton system is formed
    /// and factored: its Cholesky costs d³/3 a step (about 2·10¹⁰ at 4096) and its two d×d
    /// matrices 268 MB there. Beyond, or when those matrices do not fit the memory budget, each
    /// step is solved by conjugate gradients.
    static let gramColumnLimit = 4096

    /// Solves every target of sparse rows; `what` names the problem in errors; `forcing` a
    /// system overrides the choice by size (for tests of both on small problems).
    static func solve<Element: BLASScalar, L: PiecewiseQuadraticLoss>(
        _ data: SparseDataset<Element>, loss: L, fitIntercept: Bool, weights: [Double]?, iterationLimit: Int, what: String,
        forcing forced: NewtonSystem? = nil
    ) throws -> (parameters: Parameters, targets: [TargetResult], system: NewtonSystem) {
        let n = data.rows, p = data.featureCount, k = data.outputCount
        guard n > 0 else { throw DataError.tooFewRows(argument: "data", rows: 0, minimum: 1) }
        let w = weights ?? data.weights ?? [Double](repeating: 1, count: n)
        guard w.count == n, w.allSatisfy({ $0.isFinite && $0 >= 0 }), w.contains(where: { $0 > 0 }) else {
            throw ArgumentError(
                argument: "weights", value: "\(w.count) values", requirement: "must be \(n) finite values ≥ 0, at least one positive")
        }
        let d = fitIntercept ? p + 1 : p
        let entries = data.nonzeros + (fitIntercept ? n : 0)
        // The entries' copy as Double (and their Int32 columns: half a Double each), the targets,
        // the residuals and the line's products.
        try MemoryBudget.require(
            MemoryBudget.doubles(entries + entries / 2 + 1 + n * (k + 3) + 8 * d), for: "\(what)'s copy of \(n) sparse rows")
        let formsGram = d <= gramColumnLimit && (try? MemoryBudget.require(MemoryBudget.doubles(2 * d, d), for: "")) != nil
        var starts = [Int](repeating: 0, count: n + 1)
        var indices = [Int32](repeating: 0, count: entries), values = [Double](repeating: 0, count: entries)
        var y = [Double](repeating: 0, count: n * k)
        var next = 0
        for i in 0..<n {
            starts[i] = next
            for e in data.rowStarts[i]..<data.rowStarts[i + 1] {
                indices[next] = data.columnIndices[e]
                values[next] = Double(data.values[e])
                next += 1
            }
            if fitIntercept {
                indices[next] = Int32(p)
                values[next] = 1
                next += 1
            }
            for o in 0..<k { y[i * k + o] = Double(data.targets[i, o]) }
        }
        starts[n] = next
        let rows = SparseNewtonRows(starts: starts, indices: indices, values: values, rows: n, columns: d)
        let system: NewtonSystem = forced ?? (formsGram ? .cholesky : .conjugateGradient)
        let (parameters, targets) = try solveTargets(
            rows, targets: y, outputs: k, features: p, fitIntercept: fitIntercept, weights: w, loss: loss,
            iterationLimit: iterationLimit, system: system)
        return (parameters, targets, system)
    }
}

/// Preconditioned conjugate gradients on (X̃ᵀDX̃ + ρI)·s = g, X̃ᵀDX̃ never formed: each inner
/// step one pass over the rows of positive weight dᵢ, preconditioned by the matrix's diagonal
/// (Jacobi). Shared by the sparse Newton of the piecewise quadratic losses and the sparse
/// interior point of the linear programs. The Newton adds ρ = 10⁻¹²·max(tr X̃ᵀDX̃, 1), the
/// whisker its Cholesky route adds when H is singular: conjugate gradients cannot tell, and it
/// changes the step only, never the problem (the iteration stops on F's own gradient). The
/// interior point adds none: its weights span many decades near the optimum, where a whisker
/// of the trace would swamp the small eigenvalues its steps depend on.
struct ConjugateGradient {
    /// The relative residual ‖(H + ρI)s + ∇F‖ / ‖∇F‖ at which a Newton step's solve stops.
    static let relativeTolerance = 1e-10
    /// Inner steps allowed per solve.
    static let iterationLimit = 1000

    private var residual, preconditioned, search, product, diagonal, rightHandSide: [Double]

    init(columns d: Int) {
        residual = [Double](repeating: 0, count: d)
        preconditioned = residual
        search = residual
        product = residual
        diagonal = residual
        rightHandSide = residual
    }

    /// `direction` ← the Newton step of a piecewise quadratic loss, H·v = (1/Σw)·Σ over the
    /// rows with ℓ'' = 1 of wᵢx̃ᵢ(x̃ᵢ·v); returns the inner steps taken.
    mutating func solve<Rows: NewtonRows, L: PiecewiseQuadraticLoss>(
        _ x: Rows, gradient: [Double], w: [Double], total: Double, r: [Double], loss: L, into direction: inout [Double]
    ) throws -> Int {
        for j in 0..<x.columns { rightHandSide[j] = -gradient[j] }
        // Passed by value: the core only reads it, so nothing is copied.
        return try solve(
            x, rightHandSide: rightHandSide, tolerance: Self.relativeTolerance, relativeRidge: 1e-12,
            rowWeight: { i in w[i] != 0 && loss.secondDerivative(r[i]) > 0 ? w[i] / total : 0 }, into: &direction)
    }

    /// `direction` ← (X̃ᵀDX̃ + ρI)⁻¹·`rightHandSide` to the relative residual `tolerance`, dᵢ =
    /// `rowWeight(i)` (rows of weight 0 skipped), ρ = `relativeRidge`·max(tr X̃ᵀDX̃, 1); returns
    /// the inner steps taken. Throws
    /// `CancellationError` when the calling task is cancelled (checked every 16 steps, each a
    /// pass over the rows).
    mutating func solve<Rows: NewtonRows>(
        _ x: Rows, rightHandSide b: [Double], tolerance: Double, relativeRidge: Double, rowWeight: (Int) -> Double,
        into direction: inout [Double]
    ) throws -> Int {
        let n = x.rows, d = x.columns
        for j in 0..<d { diagonal[j] = 0 }
        for i in 0..<n {
            let weight = rowWeight(i)
            if weight != 0 { x.addSquares(i, scaled: weight, into: &diagonal) }
        }
        let ridge = relativeRidge * Swift.max(diagonal.reduce(0, +), 1)
        for j in 0..<d {
            diagonal[j] += ridge
            // A column without entries (never with a ridge): its step is 0 whatever it is divided by.
            if diagonal[j] == 0 { diagonal[j] = 1 }
            direction[j] = 0
            residual[j] = b[j]
            preconditioned[j] = residual[j] / diagonal[j]
            search[j] = preconditioned[j]
        }
        func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        let target = tolerance * norm(b)
        var rho = zip(residual, preconditioned).reduce(0) { $0 + $1.0 * $1.1 }
        var steps = 0
        while steps < Self.iterationLimit, norm(residual) > target {
            if steps & 15 == 15, Cancellation.isRequested { throw CancellationError() }
            // product ← (X̃ᵀDX̃ + ρI)·search, by one pass over the rows of positive weight.
            for j in 0..<d { product[j] = ridge * search[j] }
            for i in 0..<n {
                let weight = rowWeight(i)
                if weight != 0 { _ = x.add(i, scaled: weight * x.dot(i, search), into: &product) }
            }
            let curvature = zip(search, product).reduce(0) { $0 + $1.0 * $1.1 }
            guard curvature > 0, rho > 0 else { break }
            let alpha = rho / curvature
            for j in 0..<d {
                direction[j] += alpha * search[j]
                residual[j] -= alpha * product[j]
                preconditioned[j] = residual[j] / diagonal[j]
            }
            let next = zip(residual, preconditioned).reduce(0) { $0 + $1.0 * $1.1 }
            let beta = next / rho
            rho = next
            for j in 0..<d { search[j] = preconditioned[j] + beta * search[j] }
            steps += 1
        }
        // No step at all (a zero right-hand side is caught before): Jacobi's step.
        if steps == 0 { for j in 0..<d { direction[j] = b[j] / diagonal[j] } }
        return steps
    }
}
