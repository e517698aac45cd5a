/// The exact reference for Huber's loss (``HuberLoss``): the minimizer of
/// F(β, b) = (1/Σw)·Σwᵢ·ℓ_δ(yᵢ − b − xᵢβ) per target, by Newton's method on this piecewise
/// quadratic (semismooth Newton: the Hessian of the residuals within δ), each step's length
/// found exactly on its line, to the gradient's floating-point floor.
///
/// Once the residuals within δ (the inliers) are the optimum's, a Newton step lands on the
/// optimum exactly; the method is statsmodels' `RLM(y, X, M=HuberT(t=δ))` with the scale held at
/// 1 (its iteratively reweighted least squares reach the same point), and the tests hold it to
/// statsmodels' answers. The gradient's largest entry at the answer is reported as its
/// certificate, with the residuals beyond δ (the outliers) counted.
///
/// ```swift
/// let solution = try HuberRegression.solve(data, delta: 1.35)
/// print(solution.coefficients, solution.targets[0].outliers, solution.targets[0].gradientNorm)
/// ```
public enum HuberRegression {
    /// One target's Newton iterations and their certificate.
    public struct TargetReport: Sendable, Equatable {
        /// Newton steps taken.
        public let iterations: Int
        /// max |∂F/∂θ| at the answer, over the coefficients and the intercept.
        public let gradientNorm: Double
        /// Whether the gradient reached its floor (the rounding of its own sums); false after
        /// the iteration limit.
        public let converged: Bool
        /// Rows whose residual lies beyond δ at the answer (charged δ·|r|).
        public let outliers: Int
        /// F at the answer.
        public let objective: Double
    }

    /// The answer and how it was reached.
    public struct Solution: Sendable, Equatable {
        /// Coefficients (p×k) and intercepts (k), in the data's units.
        public let parameters: Parameters
        /// δ.
        public let delta: Double
        /// One report per target.
        public let targets: [TargetReport]
        /// p×k coefficients.
        public var coefficients: Matrix<Double> { parameters.coefficients }
        /// k intercepts (zeros without one).
        public var intercept: [Double] { parameters.intercept }
    }

    /// Newton steps allowed per target.
    public static let iterationLimit = 200

    /// Solves Huber's problem with threshold `delta` on every target of `data`.
    /// - Parameters:
    ///   - data: the rows (their own weights, if any, weigh the losses).
    ///   - delta: δ > 0, in the targets' units.
    ///   - fitIntercept: fit an intercept per target.
    ///   - weights: one weight per row, finite and ≥ 0; nil for the source's own.
    /// - Throws: ``ArgumentError`` for δ not positive and finite, weights of the wrong count or
    ///   sign, or rows spread over processes; ``DataError/tooFewRows(argument:rows:minimum:)``
    ///   without rows; ``MatrixError/nonFinite(argument:row:column:value:)`` for a value that is
    ///   not finite; ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)`` when the
    ///   rows' copy does not fit in memory.
    /// - Complexity: O(n·p²) per Newton step; a handful of steps once the outliers are found.
    public static func solve<Source: RowSource>(
        _ data: Source, delta: Double, fitIntercept: Bool = true, weights: [Double]? = nil
    ) throws -> Solution {
        guard delta.isFinite, delta > 0 else {
            throw ArgumentError(argument: "delta", value: "\(delta)", requirement: "must be a positive finite number")
        }
        guard data.rows > 0 else { throw DataError.tooFewRows(argument: "data", rows: 0, minimum: 1) }
        let n = data.rows, p = data.featureCount, k = data.outputCount
        let w = weights ?? data.weights ?? [Double](repeating: 1, count: n)
        guard w.count == n, w.allSatisfy({ $0.isFinite && $0 >= 0 }), w.contains(where: { $0 > 0 }) else {
            throw ArgumentError(
                argument: "weights", value: "\(w.count) values", requirement: "must be \(n) finite values ≥ 0, at least one positive")
        }
        // The rows' copy, then the Newton system (d² twice: the Hessian and its factor).
        try MemoryBudget.require(MemoryBudget.doubles(n, p + 1 + k), for: "Huber regression's copy of \(n) rows")
        try MemoryBudget.require(MemoryBudget.doubles(2 * (p + 1), p + 1), for: "Huber regression's Newton system of \(p) features")
        // The rows as Double, row-major, with a column of ones for the intercept.
        let d = fitIntercept ? p + 1 : p
        var x = [Double](repeating: 0, count: n * d), y = [Double](repeating: 0, count: n * k)
        try data.withRows { rows in
            guard rows.sharing == nil else {
                throw ArgumentError(argument: "data", value: "rows spread over processes", requirement: "must be in one process")
            }
            let scratchX = Buffer<Double>(repeating: 0, count: Source.Element.isReadInPlaceAsDouble ? 0 : n * p)
            let scratchY = Buffer<Double>(repeating: 0, count: Source.Element.isReadInPlaceAsDouble ? 0 : n * k)
            try rows.withDoubleRows(from: 0, rows: n, scratchX: scratchX.base, scratchY: scratchY.base) { rx, ldx, ry, ldy in
                for i in 0..<n {
                    for j in 0..<p {
                        let value = rx[i * ldx + j]
                        guard value.isFinite else { throw MatrixError.nonFinite(argument: "features", row: i, column: j, value: value) }
                        x[i * d + j] = value
                    }
                    if fitIntercept { x[i * d + p] = 1 }
                    for o in 0..<k {
                        let value = ry[i * ldy + o]
                        guard value.isFinite else { throw MatrixError.nonFinite(argument: "targets", row: i, column: o, value: value) }
                        y[i * k + o] = value
                    }
                }
            }
        }
        var coefficients = [Double](repeating: 0, count: p * k), intercept = [Double](repeating: 0, count: k)
        var reports: [TargetReport] = []
        for o in 0..<k {
            let target = (0..<n).map { y[$0 * k + o] }
            let (z, report) = try newton(x: x, y: target, w: w, rows: n, columns: d, delta: delta)
            for j in 0..<p { coefficients[j * k + o] = z[j] }
            if fitIntercept { intercept[o] = z[p] }
            reports.append(report)
        }
        return Solution(
            parameters: Parameters(unchecked: Matrix(uncheckedRows: p, columns: k, elements: coefficients), intercept), delta: delta,
            targets: reports)
    }

    /// One target: semismooth Newton from zero with exact line searches.
    private static func newton(x: [Double], y: [Double], w: [Double], rows n: Int, columns d: Int, delta: Double) throws -> (
        [Double], TargetReport
    ) {
        let total = w.reduce(0, +)
        var z = [Double](repeating: 0, count: d), r = y
        var gradient = [Double](repeating: 0, count: d), hessian = [Double](repeating: 0, count: d * d)
        var direction = [Double](repeating: 0, count: d), along = [Double](repeating: 0, count: n)
        func residuals() { for i in 0..<n { r[i] = y[i] - dot(x, i * d, z, d) } }
        func psi(_ value: Double) -> Double { Swift.min(Swift.max(value, -delta), delta) }
        func objective() -> Double { (0..<n).reduce(0.0) { $0 + w[$1] * HuberLoss(delta: delta).value(r[$1]) } / total }
        var iterations = 0, converged = false, largest = 0.0
        while true {
            residuals()
            // ∇F = −(1/Σw)·Σwᵢψ(rᵢ)x̃ᵢ, and the floor its rounding puts under it.
            for j in 0..<d { gradient[j] = 0 }
            var floor = 0.0
            for i in 0..<n where w[i] != 0 {
                let share = w[i] * psi(r[i]) / total
                for j in 0..<d {
                    gradient[j] -= share * x[i * d + j]
                    floor += abs(share * x[i * d + j])
                }
            }
            largest = gradient.map(abs).max() ?? 0
            if largest <= 8 * Double.ulpOfOne * Swift.max(floor, Double.leastNormalMagnitude) * Double(n).squareRoot() {
                converged = true
                break
            }
            guard iterations < iterationLimit else { break }
            iterations += 1
            // H = (1/Σw)·Σ over the inliers wᵢx̃ᵢx̃ᵢᵀ (upper triangle), with a whisker of ridge when
            // too few inliers leave it singular.
            for index in 0..<d * d { hessian[index] = 0 }
            for i in 0..<n where w[i] != 0 && abs(r[i]) <= delta {
                let share = w[i] / total
                for a in 0..<d { for b in a..<d { hessian[a * d + b] += share * x[i * d + a] * x[i * d + b] } }
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
                    break
                } catch LinearAlgebraError.notPositiveDefinite {
                    ridge = ridge == 0 ? 1e-12 * Swift.max(trace, 1) : ridge * 100
                    for j in 0..<d { direction[j] = -gradient[j] }
                }
            }
            // The exact minimum along z + t·direction: F′(t) = −(1/Σw)·Σwᵢψ(rᵢ − t·aᵢ)·aᵢ rises
            // with t, so it is bisected between 0 and the first t where it is not negative.
            for i in 0..<n { along[i] = dot(x, i * d, direction, d) }
            func slope(_ t: Double) -> Double {
                var sum = 0.0
                for i in 0..<n where w[i] != 0 { sum -= w[i] * psi(r[i] - t * along[i]) * along[i] }
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
        let outliers = (0..<n).count { w[$0] != 0 && abs(r[$0]) > delta }
        return (
            z,
            TargetReport(iterations: iterations, gradientNorm: largest, converged: converged, outliers: outliers, objective: objective())
        )
    }

    @inline(__always)
    private static func dot(_ x: [Double], _ start: Int, _ z: [Double], _ d: Int) -> Double {
        var sum = 0.0
        for j in 0..<d { sum += x[start + j] * z[j] }
        return sum
    }
}
