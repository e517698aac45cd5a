import Foundation

/// The exact reference for sparse rows: least squares (weighted, with ridge) by LSQR, Paige and
/// Saunders' (1982) Golub–Kahan bidiagonalization on X itself, never forming XᵀX.
///
/// Where a dense p×p Gram matrix would not fit (47 236 text features make 17.8 GB), LSQR reads
/// the nonzeros twice an iteration. Its columns are centred implicitly (a rank-one correction)
/// and scaled to unit norm, so the iterations depend on the scaled design's condition only.
/// Each answer says how close it is: the gradient of the objective at the answer, computed
/// afresh, and with a ridge a certified bound on the coefficients' error (the ridge bounds the
/// Hessian's smallest eigenvalue from below).
///
/// ```swift
/// let data = try SparseDataset<Double>(rows: [[0: 1, 2: 3], [1: 2], [0: -1, 1: 1]], targets: [1, 2, 0])
/// let solution = try LSQR.solve(data, ridge: 0.1)
/// print(solution.parameters.coefficients, solution.parameterErrorBound ?? .nan)
/// ```
public enum LSQR {
    /// Why the iterations stopped.
    public enum Stop: String, Sendable, Equatable {
        /// ‖Āᵀr̄‖ ≤ tolerance·‖Ā‖·‖r̄‖: the least-squares optimum (the usual end).
        case leastSquares
        /// ‖r̄‖ ≤ tolerance·(‖b̄‖ + ‖Ā‖·‖x‖): the rows are fitted exactly (a consistent system).
        case consistent
        /// The gradient at the start is zero (from zero: the targets, or every feature's product
        /// with them, vanish): the start is the answer, without iterating.
        case zeroData
        /// The iteration limit came first; the answer is the last iterate, its gradient reported.
        case iterationLimit
    }

    /// One target's solve.
    public struct TargetReport: Sendable, Equatable {
        /// Iterations run (two passes over the nonzeros each).
        public let iterations: Int
        /// Why they stopped.
        public let stop: Stop
        /// ‖∇J‖ at the answer in the scaled coordinates LSQR runs in, J = ½‖Ā·x − b̄‖², recomputed
        /// from the answer (not LSQR's running estimate).
        public let gradientNorm: Double
        /// ``gradientNorm`` over ‖Ā‖·‖r̄‖, LSQR's own scale-free measure of optimality.
        public let relativeGradient: Double
        /// A certified bound on ‖β − β*‖₂ (original units, coefficients): the gradient over the
        /// ridge's lower bound on the Hessian's smallest eigenvalue; nil without a ridge, where
        /// no such bound is known (``conditionEstimate`` then says how far to trust the answer).
        public let parameterErrorBound: Double?
        /// LSQR's estimate of the scaled design's condition number.
        public let conditionEstimate: Double
        /// Σwᵢ·rᵢ² at the answer.
        public let residualSumOfSquares: Double
    }

    /// The answer and how it was reached.
    public struct Solution: Sendable {
        /// Coefficients (p×k) and intercepts (k), original units.
        public let parameters: Parameters
        /// Whether an intercept was fitted.
        public let fitIntercept: Bool
        /// λ on the sum of squares, as ``LeastSquares``'s `ridge`.
        public let ridge: Double
        /// The units the penalty measures the coefficients in.
        public let penaltyUnits: LeastSquares.PenaltyUnits
        /// One report per target.
        public let targets: [TargetReport]
        /// One name per feature.
        public let featureNames: [String]
        /// One name per target.
        public let targetNames: [String]

        /// The largest certified error bound over the targets; nil unless every target has one.
        public var parameterErrorBound: Double? {
            let bounds = targets.compactMap(\.parameterErrorBound)
            return bounds.count == targets.count ? bounds.max() : nil
        }
    }

    /// The default tolerance: LSQR's `atol` and `btol`.
    public static let defaultTolerance = 1e-10

    /// Solves min Σwᵢ(yᵢ − xᵢᵀβ − c)² + λ·Σdⱼβⱼ² per target on sparse rows (dⱼ = 1 in original
    /// units, the column's variance in standardized units), never penalizing the intercept c.
    /// - Parameters:
    ///   - data: the rows (their weights, when they carry some, weigh the squares).
    ///   - fitIntercept: fit c (the columns are then centred, implicitly).
    ///   - ridge: λ ≥ 0.
    ///   - penaltyUnits: the units the penalty measures the coefficients in (dⱼ above).
    ///   - tolerance: LSQR's `atol` = `btol`, in (0, 1).
    ///   - iterationLimit: nil for 4·p + 100 (LSQR needs at most p in exact arithmetic).
    ///   - start: coefficients to start from (a warm start: the solution at a nearby ridge, as a
    ///     path passes them on), in the data's units; nil starts from zero. The answer is the same
    ///     optimum to the tolerance; a start near it needs fewer iterations.
    /// - Throws: ``ArgumentError`` for a ridge, tolerance, limit or start out of range; ``DataError``
    ///   for values whose squares leave Double's range; `CancellationError` when the calling
    ///   task is cancelled during the iterations.
    /// - Complexity: O(nonzeros + n + p) per iteration; O(n + p) memory besides the rows.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public static func solve<Element: BLASScalar>(
        _ data: SparseDataset<Element>, fitIntercept: Bool = true, ridge: Double = 0,
        penaltyUnits: LeastSquares.PenaltyUnits = .original, tolerance: Double = defaultTolerance, iterationLimit: Int? = nil,
        start: Parameters? = nil
    ) throws -> Solution {
        try solve(
            data, communicator: nil, fitIntercept: fitIntercept, ridge: ridge, penaltyUnits: penaltyUnits, tolerance: tolerance,
            iterationLimit: iterationLimit, start: start)
    }

    /// ``solve(_:fitIntercept:ridge:penaltyUnits:tolerance:iterationLimit:start:)`` on rows spread
    /// over the ranks of a job: each iteration multiplies this rank's rows by v, and sums Āᵀu
    /// (one p-vector) and two norms over the ranks; every rank runs the same iterations on the
    /// same sums, so every rank returns the same bits. The answer is the single-process one to
    /// rounding (the sums add in another order), reached in as many iterations give or take one.
    ///
    /// ```swift
    /// let data = try DistributedSparseDataset<Double>.load(libsvm: "text.svm", communicator: world)
    /// let solution = try LSQR.solve(data, ridge: 1e-3)
    /// ```
    /// - Throws: as the single-process solve, on every rank alike; a row check that fails on one
    ///   rank (a value whose square leaves Double's range) as ``DistributedError``.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public static func solve<Element: BLASScalar>(
        _ data: DistributedSparseDataset<Element>, fitIntercept: Bool = true, ridge: Double = 0,
        penaltyUnits: LeastSquares.PenaltyUnits = .original, tolerance: Double = defaultTolerance, iterationLimit: Int? = nil
    ) throws -> Solution {
        try solve(
            data.local, communicator: data.communicator, fitIntercept: fitIntercept, ridge: ridge, penaltyUnits: penaltyUnits,
            tolerance: tolerance, iterationLimit: iterationLimit, start: nil)
    }

    private static func solve<Element: BLASScalar>(
        _ data: SparseDataset<Element>, communicator: (any Communicator)?, fitIntercept: Bool, ridge: Double,
        penaltyUnits: LeastSquares.PenaltyUnits, tolerance: Double, iterationLimit: Int?, start: Parameters?
    ) throws -> Solution {
        guard ridge.isFinite, ridge >= 0 else {
            throw ArgumentError(argument: "ridge", value: "\(ridge)", requirement: "must be zero or positive")
        }
        guard tolerance > 0, tolerance < 1 else {
            throw ArgumentError(argument: "tolerance", value: "\(tolerance)", requirement: "must lie strictly between 0 and 1")
        }
        if let iterationLimit, iterationLimit < 1 {
            throw ArgumentError(argument: "iterationLimit", value: "\(iterationLimit)", requirement: "must be at least 1")
        }
        if let start {
            guard start.coefficients.rows == data.featureCount, start.coefficients.columns == data.outputCount,
                start.coefficients.elements.allSatisfy(\.isFinite)
            else {
                throw ArgumentError(
                    argument: "start", value: "\(start.coefficients.rows)×\(start.coefficients.columns) coefficients",
                    requirement:
                        "must be \(data.featureCount)×\(data.outputCount) finite coefficients, one row per feature and one column per target"
                )
            }
        }
        if let communicator {
            try communicator.agree { try data.checkRepresentableScale() }
        } else {
            try data.checkRepresentableScale()
        }
        let design = SparseDesign(data, fitIntercept: fitIntercept, ridge: ridge, penaltyUnits: penaltyUnits, communicator: communicator)
        let p = design.p, k = data.outputCount
        var coefficients = [Double](repeating: 0, count: p * k), intercepts = [Double](repeating: 0, count: k)
        var reports: [TargetReport] = []
        for o in 0..<k {
            let (b, targetMean) = design.rightHandSide(target: o, fitIntercept: fitIntercept)
            // The start in the scaled design's coordinates: x = S·β.
            let x0 = start.map { start in (0..<p).map { j in start.coefficients.elements[j * k + o] * design.columnScale[j] } }
            let (x, report) = try iterate(design, b: b, start: x0, tolerance: tolerance, limit: iterationLimit ?? 4 * p + 100)
            var shift = 0.0
            for j in 0..<p {
                let beta = x[j] / design.columnScale[j]
                coefficients[j * k + o] = beta
                shift += design.featureMean[j] * beta
            }
            intercepts[o] = fitIntercept ? targetMean - shift : 0
            reports.append(report)
        }
        return Solution(
            parameters: Parameters(unchecked: Matrix(uncheckedRows: p, columns: k, elements: coefficients), intercepts),
            fitIntercept: fitIntercept, ridge: ridge, penaltyUnits: penaltyUnits, targets: reports, featureNames: data.featureNames,
            targetNames: data.targetNames)
    }

    /// LSQR on Ā·x ≈ b̄ from x = 0 (the algorithm of Paige and Saunders' paper, without its
    /// damping: a ridge is rows of Ā), or from `start` by LSQR on the correction, Ā·δ ≈ b̄ − Ā·x₀;
    /// then the gradient and the bound recomputed from x.
    static func iterate<Element>(_ design: SparseDesign<Element>, b: [Double], start: [Double]? = nil, tolerance: Double, limit: Int)
        throws -> (x: [Double], report: TargetReport)
    {
        let m = design.operatorRows, p = design.p
        var scratch = [Double](repeating: 0, count: p), product = [Double](repeating: 0, count: m)
        var u = b, v = [Double](repeating: 0, count: p), x = [Double](repeating: 0, count: p)
        if let start {
            design.apply(start, into: &product, scratch: &scratch)
            for i in 0..<m { u[i] -= product[i] }
        }
        var transposed = [Double](repeating: 0, count: p)
        func norm(_ vector: [Double]) -> Double {
            // Scaled, so that no square overflows or vanishes.
            let largest = vector.reduce(0) { Swift.max($0, abs($1)) }
            guard largest > 0, largest.isFinite else { return largest }
            return largest * vector.reduce(0) { $0 + ($1 / largest) * ($1 / largest) }.squareRoot()
        }
        var beta = design.rowNorm(u, norm)
        if beta > 0 { for i in 0..<m { u[i] /= beta } }
        design.applyTransposed(u, into: &v)
        var alpha = norm(v)
        if alpha > 0 { for j in 0..<p { v[j] /= alpha } }
        var w = v
        let bNorm = beta
        var phiBar = beta, rhoBar = alpha
        var aNorm = 0.0, dNormSquared = 0.0, xNormSquared = 0.0, z = 0.0, cs2 = -1.0, sn2 = 0.0
        var xNorm = 0.0, rNorm = beta, conditionEstimate = 0.0
        var iterations = 0
        var stop = Stop.iterationLimit
        // Each factor tested alone: their product can underflow for tiny but valid data.
        if alpha == 0 || beta == 0 { stop = .zeroData }
        while stop == .iterationLimit, iterations < limit {
            // A long solve of a wide design still stops promptly when its task is cancelled.
            // (Over ranks, never: one rank's request alone would leave the others waiting.)
            if design.communicator == nil, iterations & 15 == 15, Cancellation.isRequested { throw CancellationError() }
            iterations += 1
            // Bidiagonalization: β·u = Ā·v − α·u, α·v = Āᵀ·u − β·v.
            design.apply(v, into: &product, scratch: &scratch)
            for i in 0..<m { u[i] = product[i] - alpha * u[i] }
            beta = design.rowNorm(u, norm)
            if beta > 0 {
                for i in 0..<m { u[i] /= beta }
                aNorm = (aNorm * aNorm + alpha * alpha + beta * beta).squareRoot()
                design.applyTransposed(u, into: &transposed)
                for j in 0..<p { v[j] = transposed[j] - beta * v[j] }
                alpha = norm(v)
                if alpha > 0 { for j in 0..<p { v[j] /= alpha } }
            }
            // The plane rotation that eliminates β from the bidiagonal.
            let rho = (rhoBar * rhoBar + beta * beta).squareRoot()
            let cs = rhoBar / rho, sn = beta / rho
            let theta = sn * alpha
            rhoBar = -cs * alpha
            let phi = cs * phiBar
            phiBar = sn * phiBar
            let tau = sn * phi
            let t1 = phi / rho, t2 = -theta / rho
            var dSquared = 0.0
            for j in 0..<p {
                let d = w[j] / rho
                dSquared += d * d
                x[j] += t1 * w[j]
                w[j] = v[j] + t2 * w[j]
            }
            dNormSquared += dSquared
            // ‖x‖ estimated from the rotations (Paige and Saunders, section 5.2).
            let delta = sn2 * rho, gammaBar = -cs2 * rho
            let rhs = phi - delta * z, zBar = rhs / gammaBar
            xNorm = (xNormSquared + zBar * zBar).squareRoot()
            let gamma = (gammaBar * gammaBar + theta * theta).squareRoot()
            cs2 = gammaBar / gamma
            sn2 = theta / gamma
            z = rhs / gamma
            xNormSquared += z * z
            conditionEstimate = aNorm * dNormSquared.squareRoot()
            rNorm = abs(phiBar)
            let arNorm = alpha * abs(tau)
            let test1 = rNorm / bNorm
            let test2 = arNorm / (aNorm * rNorm)
            let rtol = tolerance + tolerance * aNorm * xNorm / bNorm
            if test2 <= tolerance || 1 + test2 <= 1 {
                stop = .leastSquares
            } else if test1 <= rtol || 1 + test1 / (1 + aNorm * xNorm / bNorm) <= 1 {
                stop = .consistent
            }
        }
        if let start { for j in 0..<p { x[j] += start[j] } }
        // The gradient from x itself: Āᵀ(b̄ − Ā·x).
        design.apply(x, into: &product, scratch: &scratch)
        var residual = b
        for i in 0..<m { residual[i] -= product[i] }
        design.applyTransposed(residual, into: &transposed)
        let gradient = norm(transposed)
        let squares = design.rowSquares(residual)
        // With a ridge, ĀᵀĀ ⪰ diag(ρⱼ²) (ρ the ridge rows): σ²min ≥ min ρⱼ², so ‖x − x*‖ ≤ ‖g‖/min ρⱼ²;
        // β = S⁻¹x stretches it by at most max 1/sⱼ.
        let bound: Double? =
            design.ridgeDiagonal.isEmpty
            ? (stop == .zeroData ? 0 : nil)
            : {
                let floor = design.ridgeDiagonal.reduce(Double.infinity) { Swift.min($0, $1 * $1) }
                let stretch = design.columnScale.reduce(0) { Swift.max($0, 1 / $1) }
                return floor > 0 ? gradient / floor * stretch : nil
            }()
        let residualNorm = design.rowNorm(residual, norm)
        let report = TargetReport(
            iterations: iterations, stop: stop, gradientNorm: gradient,
            relativeGradient: aNorm * residualNorm > 0 ? gradient / (aNorm * residualNorm) : 0, parameterErrorBound: bound,
            conditionEstimate: conditionEstimate, residualSumOfSquares: squares)
        return (x, report)
    }
}
