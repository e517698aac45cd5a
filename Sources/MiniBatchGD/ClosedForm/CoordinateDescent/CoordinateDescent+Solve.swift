extension CoordinateDescent {
    /// Solves the elastic net (the lasso for `l1Ratio` 1) on dense rows, per target, to a
    /// certified duality gap.
    ///
    /// ```swift
    /// // scikit-learn: ElasticNet(alpha=0.05, l1_ratio=0.7).fit(X, y, sample_weight=w)
    /// let solution = try CoordinateDescent.solve(data, alpha: 0.05, l1Ratio: 0.7, weights: w)
    /// let report = solution.targets[0]
    /// print(solution.coefficients, solution.intercept)
    /// print("gap \(report.gap) ≤ \(report.gapTolerance) after \(report.sweeps) sweeps;",
    ///       "\(report.zeroCoefficients) of \(data.featureCount) coefficients are exactly zero")
    /// ```
    /// - Parameters:
    ///   - data: the rows; every target column is solved, each on its own.
    ///   - alpha: A > 0, the penalty's strength (scikit-learn's `alpha`, glmnet's `lambda`).
    ///     A = 0 is ordinary least squares, which ``LeastSquares`` solves exactly.
    ///   - l1Ratio: R in [0, 1], the L1 share (scikit-learn's `l1_ratio`, glmnet's `alpha`):
    ///     1 the lasso, 0 a ridge A/2·‖Dβ‖² (the same answer as ``LeastSquares`` with
    ///     `ridge` A·Σw).
    ///   - fitIntercept: fit an unpenalized intercept per target (the columns are centred on
    ///     their weighted means).
    ///   - penaltyUnits: ``LeastSquares/PenaltyUnits/original`` (scikit-learn) or
    ///     ``LeastSquares/PenaltyUnits/standardized`` (glmnet's `standardize = TRUE`).
    ///   - weights: one weight per row, finite and ≥ 0, as scikit-learn's `sample_weight` (only
    ///     their ratios matter); nil takes the source's own, if any.
    ///   - start: p×k coefficients to start from (a warm start), nil for zeros.
    ///   - tolerance: in (0, 1): stop when the gap is at most this times (1/Σw)·Σwᵢ(yᵢ − ȳ)²
    ///     (scikit-learn's `tol`, which it multiplies by ‖y‖²; its default is 1e-4).
    ///   - maximumSweeps: at least 1: passes over the coordinates (full, or over the active set)
    ///     per target, after which the last iterate is returned with ``TargetReport/converged``
    ///     false and its gap (not an error: the gap still says how far it is).
    ///   - method: how a coordinate is updated (see ``Method``).
    ///   - threads: threads for the Gram matrix's pass over the rows (the same bits on any count,
    ///     1 to 1024); nil: ``Cores/available``.
    /// - Throws: ``ArgumentError`` for an argument out of range, weights beside a source that has
    ///   its own, a `start` of the wrong shape or not finite, or rows spread over processes;
    ///   ``DataError/tooFewRows(argument:rows:minimum:)`` for a source without rows;
    ///   ``MatrixError/nonFinite(argument:row:column:value:)`` naming the first value that is not
    ///   finite; ``DataError/scaleOutOfRange(argument:column:largest:)`` for values whose squares
    ///   leave `Double`'s range; ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)``
    ///   when the Gram matrix or the columns' copy does not fit in memory.
    /// - Complexity: covariance: O(n·p²) once, then O(p) per coordinate updated and per gap;
    ///   naive: O(nonzeros) per full sweep and per gap.
    public static func solve<Source: RowSource>(
        _ data: Source, alpha: Double, l1Ratio: Double = 1, fitIntercept: Bool = true, penaltyUnits: LeastSquares.PenaltyUnits = .original,
        weights: [Double]? = nil, start: Matrix<Double>? = nil, tolerance: Double = defaultTolerance,
        maximumSweeps: Int = defaultMaximumSweeps, method: Method = .auto, threads: Int? = nil
    ) throws -> Solution {
        try checkPenalty(alpha: alpha, l1Ratio: l1Ratio)
        try checkStop(tolerance: tolerance, maximumSweeps: maximumSweeps)
        let start = try checkStart(start, features: data.featureCount, outputs: data.outputCount)
        return try withProblem(data, fitIntercept: fitIntercept, weights: weights, method: method, threads: threads) {
            $0.solve(
                alpha: alpha, l1Ratio: l1Ratio, penaltyUnits: penaltyUnits, start: start, tolerance: tolerance,
                maximumSweeps: maximumSweeps)
        }
    }

    /// Solves the elastic net on sparse rows, by naive updates on their columns (a transposed
    /// copy of the nonzeros, never a dense one), centred implicitly for the intercept; the rows'
    /// own weights, if any, weigh the squares.
    ///
    /// ```swift
    /// let data = try SparseDataset<Double>(rows: [[0: 1, 2: 3], [1: 2], [0: -1, 1: 1], [2: 1]], targets: [1, 2, 0, 1])
    /// let solution = try CoordinateDescent.solve(data, alpha: 0.01, l1Ratio: 0.9)
    /// print(solution.coefficients, solution.targets[0].activeSet)
    /// ```
    /// - Parameters: as ``solve(_:alpha:l1Ratio:fitIntercept:penaltyUnits:weights:start:tolerance:maximumSweeps:method:threads:)``.
    /// - Throws: as that method.
    /// - Complexity: O(nonzeros) per full sweep and per gap; O(nonzeros + n·k + p) memory.
    public static func solve<Element: BLASScalar>(
        _ data: SparseDataset<Element>, alpha: Double, l1Ratio: Double = 1, fitIntercept: Bool = true,
        penaltyUnits: LeastSquares.PenaltyUnits = .original, start: Matrix<Double>? = nil, tolerance: Double = defaultTolerance,
        maximumSweeps: Int = defaultMaximumSweeps
    ) throws -> Solution {
        try checkPenalty(alpha: alpha, l1Ratio: l1Ratio)
        try checkStop(tolerance: tolerance, maximumSweeps: maximumSweeps)
        let start = try checkStart(start, features: data.featureCount, outputs: data.outputCount)
        let problem = try sparseProblem(data, fitIntercept: fitIntercept)
        return problem.solve(
            alpha: alpha, l1Ratio: l1Ratio, penaltyUnits: penaltyUnits, start: start, tolerance: tolerance, maximumSweeps: maximumSweeps)
    }

    /// `body` with dense rows prepared for `method`, their weights checked.
    static func withProblem<Source: RowSource, Result>(
        _ data: Source, fitIntercept: Bool, weights: [Double]?, method: Method, threads: Int?, _ body: (ElasticNetProblem) throws -> Result
    ) throws -> Result {
        try validateThreadCount(threads)
        if weights != nil, data.weights != nil {
            throw ArgumentError(
                argument: "weights", value: "\(weights!.count) weights",
                requirement: "must be nil for a data set that carries its own weights")
        }
        return try data.withRows { rows in
            try rows.checkShape(of: data)
            guard rows.sharing == nil else {
                throw ArgumentError(
                    argument: "data", value: "rows spread over processes",
                    requirement: "must be in one process: coordinate descent reads every row on each sweep")
            }
            guard rows.count >= 1 else { throw DataError.tooFewRows(argument: "data", rows: rows.count, minimum: 1) }
            let weights = weights ?? data.weights
            if let weights { try validateRowWeights(weights, rows: rows.count) }
            try checkFinite(rows)
            try rows.checkRepresentableScale(featureNames: data.featureNames, targetNames: data.targetNames, weights: weights)
            let useGram = method == .covariance || (method == .auto && rows.featureCount < 500)
            // The Gram matrix's products with OpenBLAS on one thread: its sums are cut by its own
            // process-wide thread count, and the answer's bits must not depend on it.
            let problem =
                useGram
                ? try BLASThreads.singleThreaded {
                    try ElasticNetProblem.gram(
                        rows, weights: weights, fitIntercept: fitIntercept, featureNames: data.featureNames, targetNames: data.targetNames,
                        pool: rows.count * (rows.featureCount + rows.outputCount) >= 1 << 18
                            ? WorkerPool(threads: rows.threads(threads)) : nil)
                }
                : try ElasticNetProblem.columns(
                    rows, weights: weights, fitIntercept: fitIntercept, featureNames: data.featureNames, targetNames: data.targetNames)
            return try body(problem)
        }
    }

    /// Sparse rows prepared for naive updates, checked as LSQR checks them.
    // Specialized, with what it calls (the check, the columns, the residuals' closure): each
    // value's conversion to Double was a generic call otherwise (a sixth of an `mbgd fit --l1`).
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    static func sparseProblem<Element: BLASScalar>(_ data: SparseDataset<Element>, fitIntercept: Bool) throws -> ElasticNetProblem {
        try data.checkRepresentableScale()
        return try ElasticNetProblem.columns(data, fitIntercept: fitIntercept)
    }

    /// A > 0 and finite; R in [0, 1].
    static func checkPenalty(alpha: Double, l1Ratio: Double) throws {
        guard alpha.isFinite, alpha > 0 else {
            throw ArgumentError(
                argument: "alpha", value: "\(alpha)",
                requirement: alpha == 0
                    ? "must be positive: alpha 0 is ordinary least squares, which LeastSquares.solve solves exactly"
                    : "must be a positive finite number")
        }
        guard l1Ratio >= 0, l1Ratio <= 1 else {
            throw ArgumentError(
                argument: "l1Ratio", value: "\(l1Ratio)", requirement: "must lie in [0, 1] (1: the lasso, 0: a ridge)")
        }
    }

    static func checkStop(tolerance: Double, maximumSweeps: Int) throws {
        guard tolerance > 0, tolerance < 1 else {
            throw ArgumentError(argument: "tolerance", value: "\(tolerance)", requirement: "must lie strictly between 0 and 1")
        }
        guard maximumSweeps >= 1 else {
            throw ArgumentError(argument: "maximumSweeps", value: "\(maximumSweeps)", requirement: "must be at least 1")
        }
    }

    /// `start` as p×k row-major values, checked.
    static func checkStart(_ start: Matrix<Double>?, features p: Int, outputs k: Int) throws -> [Double]? {
        guard let start else { return nil }
        guard start.rows == p, start.columns == k else {
            throw ArgumentError(
                argument: "start", value: "\(start.rows)×\(start.columns)",
                requirement: "must be \(p)×\(k): one coefficient per feature and target")
        }
        if let bad = start.elements.firstIndex(where: { !$0.isFinite }) {
            throw ArgumentError(
                argument: "start", value: "\(start.elements[bad]) (feature \(bad / k + 1), target \(bad % k + 1))",
                requirement: "must be finite")
        }
        return start.elements
    }

    /// Every feature and target finite: a custom ``RowSource`` promises it, but a NaN would
    /// otherwise come out as NaN coefficients with a gap of 0.
    static func checkFinite<Element: BLASScalar>(_ rows: Rows<Element>) throws {
        for i in 0..<rows.count {
            let x = rows.x + i * rows.xStride, y = rows.y + i * rows.yStride
            for j in 0..<rows.featureCount where !Double(x[j]).isFinite {
                throw MatrixError.nonFinite(argument: "features", row: i, column: j, value: Double(x[j]))
            }
            for o in 0..<rows.outputCount where !Double(y[o]).isFinite {
                throw MatrixError.nonFinite(argument: "targets", row: i, column: o, value: Double(y[o]))
            }
        }
    }
}
