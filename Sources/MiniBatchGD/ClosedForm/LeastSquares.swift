/// The closed-form least-squares solve: the exact minimizer that gradient descent approaches.
///
/// Minimizes ‖Y − X·W − 1·cᵀ‖² + λ·‖D·W‖² (λ = `ridge`, D = identity or the features'
/// standard deviations, the intercept never penalized) by one of four methods, all on the
/// centred, column-equilibrated design Z (see ``Method``).
public enum LeastSquares {
    /// How the linear system is solved.
    public enum Method: String, Sendable, CaseIterable, Equatable {
        /// Cholesky when it succeeds and the design is well conditioned (estimated κ(Z)² ≤ 10⁴,
        /// so at most about two digits fewer than QR); else QR when Z has full rank; else SVD.
        /// ``Solution/fallbackReasons`` says why a method was passed over.
        case auto
        /// Normal equations ZᵀZ·θ = Zᵀy: one blocked pass over the data (never holding Z whole),
        /// then `dposv`-style `dpotrf` + `dpotrs`. Fastest; loses digits as κ(Z)².
        case cholesky
        /// Householder QR of [Z t] by blocks of rows (`dgeqrt` on the R so far stacked over each
        /// block), reading the data once without a copy, the moments pass's chunks factored on
        /// every thread and their R merged in order. Loses digits as κ(Z) only.
        case qr
        /// Rank-revealing SVD of Z (`dgelsd`): singular values below `rankTolerance × σ₁` count
        /// as zero, and the minimum-norm solution (in Z's coordinates) is returned.
        case svd
    }

    /// The units in which the ridge penalty measures the coefficients.
    public enum PenaltyUnits: String, Sendable, Equatable, CaseIterable {
        /// λ·‖W‖²: the coefficients as reported.
        case original
        /// λ·‖σ ⊙ W‖², σ the features' standard deviations: the penalty of a model fitted on
        /// standardized features (what gradient descent with `standardize` penalizes).
        case standardized
    }

    /// The level of the confidence intervals when none is asked for: 95 %, as statsmodels' and R's.
    public static let defaultConfidenceLevel = 0.95

    /// Solves the least-squares problem for any ``RowSource``.
    ///
    /// `cholesky` and `qr` (and `auto` when it stays with them) read the rows in blocks and never
    /// copy them, so a mapped file larger than memory can be solved; `svd` copies the design and
    /// is refused when it does not fit. Rows spread over processes are solved by every rank
    /// together, each receiving the same solution: each rank reads its share once (moments for
    /// `cholesky`, a triangular factor for `qr`), the ranks' parts are merged (a sum of the
    /// moments; the factors stacked in rank order and factored again), and refinement and
    /// statistics sum their passes over the shares. `svd` needs every row in one process: it is
    /// refused there, and `auto` stops at `qr`.
    /// - Parameters:
    ///   - data: the rows to fit; every target column is solved at once.
    ///   - method: ``Method/auto`` unless you need a specific factorization.
    ///   - fitIntercept: fit an unpenalized intercept per target.
    ///   - ridge: λ ≥ 0, the L2 penalty weight (0: ordinary least squares).
    ///   - penaltyUnits: how the penalty measures the coefficients.
    ///   - rankTolerance: relative threshold under which a singular value (SVD) or the
    ///     reciprocal condition of R (QR) counts as rank loss; default max(n, p)·ε.
    ///   - weights: one weight per row for weighted least squares (statsmodels' WLS: the
    ///     residuals' variances are σ²/wᵢ), finite and ≥ 0; a row of weight 0 is left out.
    ///     Nil takes the source's ``RowSource/weights``, if any (rows spread over processes take
    ///     only those: the file's weight column).
    ///   - covariance: how the covariance of the estimates, and the standard errors, tests and
    ///     intervals built on it, are computed (see ``CovarianceType``).
    ///   - confidenceLevel: the level of the intervals (``CoefficientTable/confidenceIntervals``), in (0, 1).
    ///   - refine: refine the solution in extended precision and estimate its error
    ///     (``CoefficientTable/Row/errorBound``); full-rank unpenalized fits only.
    ///   - threads: threads for the passes over the rows (the moments, QR's factorization,
    ///     refinement, the residuals of the statistics), in fixed chunks added in order with OpenBLAS on one thread inside
    ///     each: the same bits on any count, 1 to 1024; nil: ``Cores/available`` (one per rank for
    ///     rows spread over processes, which usually share a machine's cores). OpenBLAS keeps
    ///     its own setting (``BLASThreads``) for the factorization.
    /// - Throws: ``LinearAlgebraError/rankDeficient(method:rank:columns:conditionEstimate:)`` when
    ///   `cholesky` or `qr` meets dependent columns; ``ArgumentError``
    ///   for a bad `ridge`, `rankTolerance`, `weights` or `confidenceLevel`; ``LinearAlgebraError/lapackFailure(routine:info:)``
    ///   if LAPACK itself fails.
    /// - Complexity: O(n·p² + p³) for every method; `cholesky` and `qr` read the data in blocks,
    ///   `svd` copies it once. Spread over K processes: O(n·p²/K) on each rank, plus O(K·p²) to
    ///   merge QR factors.
    public static func solve<Source: RowSource>(
        _ data: Source, method: Method = .auto, fitIntercept: Bool = true, ridge: Double = 0,
        penaltyUnits: PenaltyUnits = .original, rankTolerance: Double? = nil, weights: [Double]? = nil,
        covariance: CovarianceType = .nonrobust, confidenceLevel: Double = defaultConfidenceLevel, refine: Bool = true, threads: Int? = nil
    ) throws -> Solution {
        try checkArguments(ridge: ridge, rankTolerance: rankTolerance, confidenceLevel: confidenceLevel, threads: threads)
        return try data.withRows { rows in
            try rows.checkShape(of: data)
            let weights = try weightsToUse(weights, of: data, sharing: rows.sharing)
            return try solve(
                rows, featureNames: data.featureNames, targetNames: data.targetNames, method: method, fitIntercept: fitIntercept,
                ridge: ridge, penaltyUnits: penaltyUnits, rankTolerance: rankTolerance, weights: weights, covariance: covariance,
                confidenceLevel: confidenceLevel, refine: refine, threads: rows.threads(threads))
        }
    }

    /// `weights` given beside a data set, or the data set's own (not both), validated. Rows spread
    /// over processes take their weights from the file's weight column, checked when it was read.
    private static func weightsToUse<Source: RowSource>(_ weights: [Double]?, of data: Source, sharing: Sharing?) throws -> [Double]? {
        guard weights == nil || data.weights == nil else {
            throw ArgumentError(
                argument: "weights", value: "\(weights!.count) weights",
                requirement: "must be nil for a data set that carries its own weights")
        }
        if sharing != nil {
            guard weights == nil else {
                throw ArgumentError(
                    argument: "weights", value: "\(weights!.count) weights",
                    requirement: "must be nil for rows spread over processes: give the file's weight column when opening them")
            }
            return data.weights
        }
        let chosen = weights ?? data.weights
        if let chosen { try validateRowWeights(chosen, rows: data.rows) }
        return chosen
    }

    /// The SVD factors the whole design at once: rows spread over processes cannot reach it.
    private static let svdAcrossProcesses = ArgumentError(
        argument: "method", value: "svd",
        requirement: "needs every row in one process; rows spread over processes are solved by qr or cholesky")

    package static func checkArguments(ridge: Double, rankTolerance: Double?, confidenceLevel: Double, threads: Int? = nil) throws {
        try validateThreadCount(threads)
        guard ridge.isFinite, ridge >= 0 else {
            throw ArgumentError(argument: "ridge", value: "\(ridge)", requirement: "must be zero or positive")
        }
        guard confidenceLevel > 0, confidenceLevel < 1 else {
            throw ArgumentError(argument: "confidenceLevel", value: "\(confidenceLevel)", requirement: "must lie strictly between 0 and 1")
        }
        if let rankTolerance, !(rankTolerance.isFinite && rankTolerance > 0 && rankTolerance < 1) {
            throw ArgumentError(argument: "rankTolerance", value: "\(rankTolerance)", requirement: "must lie in (0, 1)")
        }
    }

    /// The solve itself, on rows wherever they live (arguments already checked, weights validated).
    /// A fit's reference solve hands over the `moments` of the rows (with these `weights`) that
    /// its descent computed, and says their scale is already checked (`checkedScale`): neither
    /// is read from the rows again.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    static func solve<Element: BLASScalar>(
        _ data: Rows<Element>, featureNames: [String], targetNames: [String], method: Method, fitIntercept: Bool, ridge: Double,
        penaltyUnits: PenaltyUnits, rankTolerance: Double?, weights: [Double]?, covariance: CovarianceType,
        confidenceLevel: Double, refine: Bool, threads: Int = 1, moments: Moments? = nil, checkedScale: Bool = false
    ) throws -> Solution {
        if method == .svd, data.sharing != nil { throw svdAcrossProcesses }
        // The p×p Gram matrix and its factor and inverse. Cholesky and QR read the design in
        // blocks; SVD copies it, which is checked when (and only if) it is reached.
        let p = data.featureCount + 1, k = data.outputCount
        try data.agreeing {
            try BLAS.checkDimensions("least squares", data.count, data.featureCount + 1, data.outputCount)
            try MemoryBudget.require(MemoryBudget.doubles(4 * p, p + k), for: "the closed form of \(data.featureCount) features")
        }
        // One pool for every pass over the rows, started only for rows worth sharing (2 MiB or
        // more); rows spread over processes: one thread each (ranks usually share a machine's cores).
        let pool = WorkerPool(
            threads: data.sharing == nil && data.count * (data.featureCount + data.outputCount) >= 1 << 18 ? threads : 1)
        if !checkedScale {
            try data.checkRepresentableScale(featureNames: featureNames, targetNames: targetNames, weights: weights, pool: pool)
        }
        func svd(_ solver: Solver<Element>, instead failure: LinearAlgebraError? = nil) throws -> Factorization {
            // Rows spread over processes: an explicit svd was refused above; auto keeps QR's failure.
            if data.sharing != nil { throw failure ?? svdAcrossProcesses }
            try MemoryBudget.require(
                MemoryBudget.doubles(4 * p + data.count + p, p + k), for: "the SVD of \(data.count) rows × \(data.featureCount) features")
            return try solver.svd()
        }
        let design = Design(
            data, fitIntercept: fitIntercept, ridge: ridge, penaltyUnits: penaltyUnits, weights: weights, moments: moments, pool: pool)
        // λ over a column's squared norm, or the Gram's diagonal plus it, beyond Double: LAPACK
        // would fail on an infinity (its own text on stdout).
        if design.isPenalized, !(0..<design.p).allSatisfy({ design.gram[$0 * design.p + $0].isFinite }) {
            throw ArgumentError(
                argument: "ridge", value: "\(ridge)",
                requirement: "must be smaller: the penalty overflows Double for this data (every coefficient would be 0)")
        }
        let tolerance = rankTolerance ?? Double(Swift.max(design.n, design.p)) * .ulpOfOne
        let solver = Solver(data: data, design: design, tolerance: tolerance, pool: pool)

        var reasons: [String] = []
        var factorization: Factorization
        switch method {
        case .cholesky:
            factorization = try solver.cholesky().get()
        case .qr:
            factorization = try solver.qr().get()
        case .svd:
            factorization = try svd(solver)
        case .auto:
            switch solver.cholesky(maximumGramCondition: 1e4) {
            case let .success(result):
                factorization = result
            case let .failure(reason):
                reasons.append("cholesky: \(reason)")
                switch solver.qr() {
                case let .success(result):
                    factorization = result
                case let .failure(reason):
                    reasons.append("qr: \(reason)")
                    factorization = try svd(solver, instead: reason)
                }
            }
        }
        var parameters = design.originalParameters(factorization.zCoefficients)
        var refinement: Refinement?
        if refine, let factor = factorization.gramFactor {
            let refined = try Refinement(data: data, design: design, start: parameters, gramFactor: factor, pool: pool)
            refinement = refined
            parameters = refined.parameters
            // The statistics' residuals from the refined coefficients, in Z's units (θ = S·W).
            factorization.zCoefficients = (0..<design.p * design.k).map {
                refined.parameters.coefficients.elements[$0] * design.columnNorm[$0 / design.k]
            }
        }
        var estimates: [[EstimateFigures]]?
        let statistics = Statistics(
            data: data, design: design, parameters: parameters, factorization: factorization, covarianceType: covariance,
            confidenceLevel: confidenceLevel, pool: pool, estimates: &estimates)
        let errorBounds = refinement?.failed == false ? refinement?.errorBounds : nil
        let tables = (0..<k).map {
            CoefficientTable(
                target: $0, parameters: parameters, fitIntercept: fitIntercept, statistics: statistics, estimates: estimates?[$0],
                errorBounds: errorBounds?[$0], featureNames: featureNames, targetNames: targetNames,
                penalty: design.isPenalized ? ridge : nil)
        }
        return Solution(
            parameters: parameters, fitIntercept: fitIntercept, requestedMethod: method, method: factorization.method,
            fallbackReasons: reasons, rank: factorization.rank, conditionNumber: factorization.conditionNumber,
            singularValues: factorization.singularValues, ridge: ridge, penaltyUnits: penaltyUnits, statistics: statistics,
            coefficientTables: tables,
            refinementIterations: refinement?.iterations ?? 0, featureNames: featureNames, targetNames: targetNames)
    }
}

/// What a factorization hands to the statistics: Z's coefficients and, when it has them,
/// (ZᵀZ)⁻¹ for the covariance of the estimates.
struct Factorization {
    let method: LeastSquares.Method
    var zCoefficients: [Double]
    let rank: Int
    let conditionNumber: Double
    let singularValues: [Double]?
    /// Full symmetric (ZᵀZ + P)⁻¹, p×p (P the ridge's diagonal in Z's coordinates, 0 without);
    /// nil for a rank-deficient fit.
    let inverseGram: [Double]?
    /// Upper-triangular R with RᵀR = ZᵀZ (row-major, the lower triangle ignored), for
    /// refinement; nil for a penalized or rank-deficient fit.
    let gramFactor: [Double]?
}
