import Foundation

extension CoordinateDescent {
    /// Solutions down a decreasing sequence of alphas, each started from the one before (warm
    /// starts), as scikit-learn's `enet_path` and glmnet compute them.
    public struct Path: Sendable, Equatable {
        /// The alphas, largest first.
        public let alphas: [Double]
        /// One solution per alpha, in the same order.
        public let solutions: [Solution]

        /// The p×k coefficients at each alpha.
        public var coefficients: [Matrix<Double>] { solutions.map(\.coefficients) }
        /// Whether every solution reached its gap tolerance.
        public var converged: Bool { solutions.allSatisfy(\.converged) }
    }

    /// The default number of alphas on a path: scikit-learn's and glmnet's 100.
    public static let defaultPathCount = 100

    /// The default ratio of a path's smallest alpha to its largest: scikit-learn's `eps`, 1e-3.
    public static let defaultSmallestRatio = 1e-3

    /// The smallest alpha whose answer is all zeros: maxⱼ |x̃ⱼᵀΩ(y − ȳ)| / (R·dⱼ), the largest
    /// correlation of a centred column with the centred targets over Σw (scikit-learn's
    /// `max|Xᵀ(y − ȳ)|/(n·l1_ratio)` with weights), over every target; constant columns left out.
    ///
    /// ```swift
    /// let top = try CoordinateDescent.alphaMax(data, l1Ratio: 0.5)
    /// let zeros = try CoordinateDescent.solve(data, alpha: top, l1Ratio: 0.5)            // all zero
    /// let first = try CoordinateDescent.solve(data, alpha: 0.999 * top, l1Ratio: 0.5)    // one nonzero
    /// ```
    /// - Parameters: as ``solve(_:alpha:l1Ratio:fitIntercept:penaltyUnits:weights:start:tolerance:maximumSweeps:method:threads:)``;
    ///   `l1Ratio` must be positive (a ridge zeroes no coefficient at any alpha).
    /// - Returns: 0 when the targets are constant or orthogonal to every column.
    /// - Throws: as that method.
    public static func alphaMax<Source: RowSource>(
        _ data: Source, l1Ratio: Double = 1, fitIntercept: Bool = true, penaltyUnits: LeastSquares.PenaltyUnits = .original,
        weights: [Double]? = nil, method: Method = .auto, threads: Int? = nil
    ) throws -> Double {
        try checkPathRatio(l1Ratio)
        return try withProblem(data, fitIntercept: fitIntercept, weights: weights, method: method, threads: threads) {
            $0.alphaMax(l1Ratio: l1Ratio, penaltyUnits: penaltyUnits)
        }
    }

    /// ``alphaMax(_:l1Ratio:fitIntercept:penaltyUnits:weights:method:threads:)`` of sparse rows.
    ///
    /// ```swift
    /// let top = try CoordinateDescent.alphaMax(sparseData)
    /// ```
    /// - Parameters: as ``solve(_:alpha:l1Ratio:fitIntercept:penaltyUnits:start:tolerance:maximumSweeps:)``; `l1Ratio` > 0.
    /// - Returns: 0 when the targets are constant or orthogonal to every column.
    /// - Throws: as that method.
    public static func alphaMax<Element: BLASScalar>(
        _ data: SparseDataset<Element>, l1Ratio: Double = 1, fitIntercept: Bool = true, penaltyUnits: LeastSquares.PenaltyUnits = .original
    ) throws -> Double {
        try checkPathRatio(l1Ratio)
        return try sparseProblem(data, fitIntercept: fitIntercept).alphaMax(l1Ratio: l1Ratio, penaltyUnits: penaltyUnits)
    }

    /// The solutions down a path of alphas on dense rows, every one from the last (warm starts)
    /// on rows prepared once (one Gram matrix, or one copy by columns).
    ///
    /// Without `alphas`, `count` alphas spaced evenly in logarithm from
    /// ``alphaMax(_:l1Ratio:fitIntercept:penaltyUnits:weights:method:threads:)`` down to
    /// `smallestRatio` times it (scikit-learn's `np.geomspace(alpha_max, eps·alpha_max, n_alphas)`).
    ///
    /// ```swift
    /// // scikit-learn: enet_path(X − X̄, y − ȳ, l1_ratio=0.8, alphas=8, eps=1e-2)
    /// let path = try CoordinateDescent.path(data, l1Ratio: 0.8, count: 8, smallestRatio: 1e-2)
    /// for (alpha, solution) in zip(path.alphas, path.solutions) {
    ///     print(alpha, solution.targets[0].activeSet)
    /// }
    /// ```
    /// - Parameters:
    ///   - data: the rows; every target column is solved, each on its own.
    ///   - l1Ratio: R in [0, 1], the L1 share; the grid needs R > 0.
    ///   - alphas: the alphas to solve (each > 0, sorted largest first, as scikit-learn sorts
    ///     them), or nil for the grid; `l1Ratio` 0 needs them.
    ///   - count: the grid's alphas, at least 1.
    ///   - smallestRatio: the grid's smallest alpha over its largest, in (0, 1].
    ///   - fitIntercept: fit an unpenalized intercept per target.
    ///   - penaltyUnits: the units the penalty measures the coefficients in.
    ///   - weights: one weight per row (scikit-learn's `sample_weight`), or nil for the source's own.
    ///   - tolerance: the gap tolerance of each solution, relative to (1/Σw)·Σwᵢ(yᵢ − ȳ)².
    ///   - maximumSweeps: the sweep limit of each solution.
    ///   - method: how a coordinate is updated (see ``Method``).
    ///   - threads: threads for the Gram matrix's pass over the rows; nil: ``Cores/available``.
    /// - Throws: as that method; ``ArgumentError`` for a bad grid, or for no `alphas` when the
    ///   grid's top is 0 (targets constant or orthogonal to every column: every alpha gives zeros).
    public static func path<Source: RowSource>(
        _ data: Source, l1Ratio: Double = 1, alphas: [Double]? = nil, count: Int = defaultPathCount,
        smallestRatio: Double = defaultSmallestRatio, fitIntercept: Bool = true, penaltyUnits: LeastSquares.PenaltyUnits = .original,
        weights: [Double]? = nil, tolerance: Double = defaultTolerance, maximumSweeps: Int = defaultMaximumSweeps,
        method: Method = .auto, threads: Int? = nil
    ) throws -> Path {
        try checkPathArguments(l1Ratio: l1Ratio, alphas: alphas, count: count, smallestRatio: smallestRatio)
        try checkStop(tolerance: tolerance, maximumSweeps: maximumSweeps)
        return try withProblem(data, fitIntercept: fitIntercept, weights: weights, method: method, threads: threads) {
            try descendPath(
                $0, l1Ratio: l1Ratio, alphas: alphas, count: count, smallestRatio: smallestRatio, penaltyUnits: penaltyUnits,
                tolerance: tolerance, maximumSweeps: maximumSweeps)
        }
    }

    /// ``path(_:l1Ratio:alphas:count:smallestRatio:fitIntercept:penaltyUnits:weights:tolerance:maximumSweeps:method:threads:)``
    /// on sparse rows.
    ///
    /// ```swift
    /// let path = try CoordinateDescent.path(sparseData, count: 20)
    /// print(path.solutions.map { $0.targets[0].activeSet.count })   // 0, 1, …
    /// ```
    /// - Parameters: as that method.
    /// - Throws: as that method.
    public static func path<Element: BLASScalar>(
        _ data: SparseDataset<Element>, l1Ratio: Double = 1, alphas: [Double]? = nil, count: Int = defaultPathCount,
        smallestRatio: Double = defaultSmallestRatio, fitIntercept: Bool = true, penaltyUnits: LeastSquares.PenaltyUnits = .original,
        tolerance: Double = defaultTolerance, maximumSweeps: Int = defaultMaximumSweeps
    ) throws -> Path {
        try checkPathArguments(l1Ratio: l1Ratio, alphas: alphas, count: count, smallestRatio: smallestRatio)
        try checkStop(tolerance: tolerance, maximumSweeps: maximumSweeps)
        return try descendPath(
            try sparseProblem(data, fitIntercept: fitIntercept), l1Ratio: l1Ratio, alphas: alphas, count: count,
            smallestRatio: smallestRatio, penaltyUnits: penaltyUnits, tolerance: tolerance, maximumSweeps: maximumSweeps)
    }

    /// The path on prepared rows.
    private static func descendPath(
        _ problem: ElasticNetProblem, l1Ratio: Double, alphas: [Double]?, count: Int, smallestRatio: Double,
        penaltyUnits: LeastSquares.PenaltyUnits, tolerance: Double, maximumSweeps: Int
    ) throws -> Path {
        let grid: [Double]
        if let alphas {
            grid = alphas.sorted(by: >)
        } else {
            let top = problem.alphaMax(l1Ratio: l1Ratio, penaltyUnits: penaltyUnits)
            guard top > 0 else {
                throw ArgumentError(
                    argument: "alphas", value: "nil",
                    requirement:
                        "must be given: alpha_max is 0 for these rows (the targets are constant or orthogonal to every column), so every alpha gives zeros and no grid descends from it"
                )
            }
            grid = logarithmicGrid(from: top, ratio: smallestRatio, count: count)
        }
        var solutions: [Solution] = [], start: [Double]? = nil
        for alpha in grid {
            let solution = problem.solve(
                alpha: alpha, l1Ratio: l1Ratio, penaltyUnits: penaltyUnits, start: start, tolerance: tolerance, maximumSweeps: maximumSweeps
            )
            start = solution.coefficients.elements
            solutions.append(solution)
        }
        return Path(alphas: grid, solutions: solutions)
    }

    /// `count` values from `top` down to `ratio`·`top`, evenly spaced in logarithm, the ends exact.
    static func logarithmicGrid(from top: Double, ratio: Double, count: Int) -> [Double] {
        guard count > 1 else { return [top] }
        let step = log(ratio) / Double(count - 1)
        return (0..<count).map { i in i == 0 ? top : i == count - 1 ? top * ratio : top * exp(step * Double(i)) }
    }

    private static func checkPathRatio(_ l1Ratio: Double) throws {
        guard l1Ratio > 0, l1Ratio <= 1 else {
            throw ArgumentError(
                argument: "l1Ratio", value: "\(l1Ratio)",
                requirement: l1Ratio == 0
                    ? "must be positive here: a ridge (l1Ratio 0) zeroes no coefficient at any alpha, so it has no alpha_max"
                    : "must lie in (0, 1]")
        }
    }

    static func checkPathArguments(l1Ratio: Double, alphas: [Double]?, count: Int, smallestRatio: Double) throws {
        if let alphas {
            guard l1Ratio >= 0, l1Ratio <= 1 else {
                throw ArgumentError(argument: "l1Ratio", value: "\(l1Ratio)", requirement: "must lie in [0, 1] (1: the lasso, 0: a ridge)")
            }
            guard !alphas.isEmpty else { throw ArgumentError(argument: "alphas", value: "[]", requirement: "must hold at least one alpha") }
            for alpha in alphas { try checkPenalty(alpha: alpha, l1Ratio: l1Ratio) }
            return
        }
        try checkPathRatio(l1Ratio)
        guard count >= 1 else { throw ArgumentError(argument: "count", value: "\(count)", requirement: "must be at least 1") }
        guard smallestRatio > 0, smallestRatio <= 1 else {
            throw ArgumentError(argument: "smallestRatio", value: "\(smallestRatio)", requirement: "must lie in (0, 1]")
        }
    }
}
