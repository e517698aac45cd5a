/// K-fold cross-validation of the lasso and elastic-net path: scikit-learn's `LassoCV` and
/// `ElasticNetCV`, glmnet's `cv.glmnet`, every solution exact to a certified duality gap.
///
/// The penalty is scikit-learn's `ElasticNet(alpha=A, l1_ratio=R)` (see ``CoordinateDescent``).
/// The grid descends from α_max of all the rows
/// (``CoordinateDescent/alphaMax(_:l1Ratio:fitIntercept:penaltyUnits:weights:method:threads:)``)
/// to `smallestRatio` times it, `count` values evenly spaced in logarithm (`LassoCV(alphas=100,
/// eps=1e-3)`), or is the `alphas` given, sorted largest first. Then for each fold:
///
/// - the path is solved on the other folds' rows, from α_max down, each α started from the
///   last (warm starts), to the gap tolerance;
/// - each α's held-out error is the weighted mean squared error on the fold's rows,
///   Σwᵢ(yᵢ − b − xᵢβ)²/Σwᵢ (scikit-learn's `np.average(residues**2, weights=sw_test)`; the
///   plain mean without weights).
///
/// Per α, the mean of the K fold errors (unweighted, as `LassoCV`'s `mse_path_.mean(axis=1)`)
/// and its standard error, the folds' standard deviation (divisor K − 1) over √K (glmnet's
/// `cvsd`; glmnet weights the folds by their weight, which agrees for folds of equal weight).
/// The smallest mean gives ``Choice/alpha`` (`alpha_`, glmnet's `lambda.min`); the largest α
/// within one standard error of it ``Choice/oneStandardErrorAlpha`` (`lambda.1se`). The path is
/// solved once more on every row, over the same grid: ``parameters`` holds its solution at every
/// α (what a plot of the coefficient paths draws), so the refit at the chosen α is
/// ``chosenParameters``.
///
/// With dense rows of fewer than 500 features (covariance updates), each fold's Gram matrix is
/// not formed from its training rows: each fold's own centred moments are computed once (one
/// pass over the rows in all, the cost of one Gram matrix), and a fold's training moments are
/// the other folds' merged by the pairwise update of Chan, Golub and LeVeque — sums of
/// nonnegative parts, not the full Gram matrix less the fold's, which would cancel digits when
/// a fold's rows sit far from the rest. The held-out errors are read from the fold's rows by
/// one matrix product per block of rows for every α at once. Sparse rows, and wide dense ones,
/// are copied by columns per fold (naive updates), as scikit-learn slices them.
///
/// Each target is cross-validated, chosen and refitted on its own (on the grid of every target's
/// α_max, the largest); the folds run in parallel, each on one thread with the same arithmetic,
/// so the answer has the same bits on any thread count.
///
/// ```swift
/// // scikit-learn: LassoCV(cv=PredefinedSplit(labels), tol=1e-12).fit(X, y)
/// let cv = try ElasticNetCV(data, folds: .labels(labels))
/// let choice = cv.targets[0].choice
/// print(choice.alpha, choice.oneStandardErrorAlpha, cv.targets[0].scores[choice.index])
/// let beta = cv.chosenParameters.coefficients          // LassoCV's coef_
/// ```
public struct ElasticNetCV: Sendable {
    /// The grid, largest first (scikit-learn's `alphas_`).
    public let alphas: [Double]
    /// R, the L1 share of the penalty.
    public let l1Ratio: Double
    /// Whether an unpenalized intercept was fitted.
    public let fitIntercept: Bool
    /// How the coordinates were updated (never ``CoordinateDescent/Method/auto``).
    public let method: CoordinateDescent.Method
    /// The fold of every row, 0-based.
    public let foldOfRow: [Int]
    /// The number of folds, K.
    public let foldCount: Int
    /// The solution at every α of the path fitted to every row (scikit-learn's `enet_path` on
    /// all the data): p×k coefficients and k intercepts each.
    public let parameters: [Parameters]
    /// Each target's errors and choice.
    public let targets: [Target]
    /// Rows read.
    public let rows: Int
    /// Σw (the row count without weights).
    public let weightTotal: Double
    /// The features' names, in the coefficients' row order.
    public let featureNames: [String]
    /// The targets' names, in ``targets``' order.
    public let targetNames: [String]

    /// The rows in each fold.
    public var foldSizes: [Int] {
        var sizes = [Int](repeating: 0, count: foldCount)
        for f in foldOfRow { sizes[f] += 1 }
        return sizes
    }

    /// Whether every solution, in every fold and on every row, reached its gap tolerance.
    public var converged: Bool { targets.allSatisfy(\.converged) }

    /// The refit at each target's best α (scikit-learn's `coef_` and `intercept_`).
    public var chosenParameters: Parameters { parameters(at: targets.map(\.choice.index)) }

    /// The refit at each target's one-standard-error α.
    public var oneStandardErrorParameters: Parameters { parameters(at: targets.map(\.choice.oneStandardErrorIndex)) }

    /// glmnet's λ for an α of this path: the same number. glmnet's objective,
    /// (1/(2·Σw))·Σwᵢ(…)² + λ·((1 − a)/2·‖β‖² + a·‖β‖₁) with `standardize = FALSE`, is
    /// scikit-learn's with its `alpha` = λ and `l1_ratio` = a.
    public func glmnetLambda(_ alpha: Double) -> Double { alpha }

    /// The parameters at one α index per target: column o from ``parameters``[`indices[o]`].
    ///
    /// ```swift
    /// let sparsest = cv.parameters(at: [0])   // α_max: every coefficient zero
    /// ```
    /// - Precondition: one valid index per target.
    public func parameters(at indices: [Int]) -> Parameters {
        precondition(indices.count == targets.count && indices.allSatisfy(alphas.indices.contains), "one alpha index per target")
        return Parameters.perTarget(of: parameters, at: indices)
    }

    /// Cross-validates the path on dense rows.
    ///
    /// ```swift
    /// let cv = try ElasticNetCV(data, folds: .seeded(count: 10, seed: 42), l1Ratio: 0.5)
    /// print(cv.targets[0].choice.alpha, cv.chosenParameters.coefficients)
    /// ```
    /// - Parameters:
    ///   - data: the rows; every target is cross-validated on its own.
    ///   - folds: how the rows are split (``Folds``); 5 seeded folds by default.
    ///   - l1Ratio: R in [0, 1], the L1 share; the grid needs R > 0 (give `alphas` for a ridge).
    ///   - alphas: the grid, each > 0 (sorted largest first), or nil for `count` values from α_max.
    ///   - count: the grid's alphas, at least 1.
    ///   - smallestRatio: the grid's smallest α over its largest, in (0, 1].
    ///   - fitIntercept: fit an unpenalized intercept per target.
    ///   - weights: one weight per row (scikit-learn's `sample_weight`), or nil for the source's own.
    ///   - tolerance: every solution's gap tolerance, relative to (1/Σw)·Σwᵢ(yᵢ − ȳ)² of its rows.
    ///   - maximumSweeps: every solution's sweep limit.
    ///   - method: how a coordinate is updated (see ``CoordinateDescent/Method``).
    ///   - threads: threads for the folds, each fold on one; nil: ``Cores/available``.
    /// - Throws: ``ArgumentError`` for a bad grid, folds (fewer than 2, an empty fold, one of
    ///   weight 0, or one leaving no row of positive weight to fit), weights or thread count, and
    ///   for no `alphas` when α_max is 0; what
    ///   ``CoordinateDescent/solve(_:alpha:l1Ratio:fitIntercept:penaltyUnits:weights:start:tolerance:maximumSweeps:method:threads:)``
    ///   throws for the rows.
    /// - Complexity: covariance: O(n·p²) once, O(K²·p²) to merge, then the K + 1 paths at O(p)
    ///   per coordinate update, and O(n·p·α-count) for the held-out errors.
    public init<Source: RowSource>(
        _ data: Source, folds: Folds = .seeded(count: Folds.defaultCount, seed: 0), l1Ratio: Double = 1, alphas: [Double]? = nil,
        count: Int = CoordinateDescent.defaultPathCount, smallestRatio: Double = CoordinateDescent.defaultSmallestRatio,
        fitIntercept: Bool = true, weights: [Double]? = nil, tolerance: Double = CoordinateDescent.defaultTolerance,
        maximumSweeps: Int = CoordinateDescent.defaultMaximumSweeps, method: CoordinateDescent.Method = .auto, threads: Int? = nil
    ) throws {
        try CoordinateDescent.checkPathArguments(l1Ratio: l1Ratio, alphas: alphas, count: count, smallestRatio: smallestRatio)
        try CoordinateDescent.checkStop(tolerance: tolerance, maximumSweeps: maximumSweeps)
        try validateThreadCount(threads)
        if weights != nil, data.weights != nil {
            throw ArgumentError(
                argument: "weights", value: "\(weights!.count) weights",
                requirement: "must be nil for a data set that carries its own weights"
            )
        }
        let settings = Settings(
            l1Ratio: l1Ratio, alphas: alphas.map { $0.sorted(by: >) }, count: count, smallestRatio: smallestRatio,
            fitIntercept: fitIntercept, tolerance: tolerance, maximumSweeps: maximumSweeps)
        self = try data.withRows { rows in
            try rows.checkShape(of: data)
            guard rows.sharing == nil else {
                throw ArgumentError(
                    argument: "data", value: "rows spread over processes",
                    requirement: "must be in one process: coordinate descent reads every row on each sweep")
            }
            guard rows.count >= 2 else { throw DataError.tooFewRows(argument: "data", rows: rows.count, minimum: 2) }
            let weights = weights ?? data.weights
            if let weights { try validateRowWeights(weights, rows: rows.count) }
            let fold = try folds.assignment(rows: rows.count)
            let foldCount = (fold.max() ?? 0) + 1
            try Self.checkFolds(fold, count: foldCount, weights: weights)
            try CoordinateDescent.checkFinite(rows)
            try rows.checkRepresentableScale(featureNames: data.featureNames, targetNames: data.targetNames, weights: weights)
            return try BLASThreads.singleThreaded {
                try Self.dense(
                    rows, fold: fold, foldCount: foldCount, weights: weights, settings: settings, method: method,
                    featureNames: data.featureNames, targetNames: data.targetNames, pool: WorkerPool(threads: rows.threads(threads)))
            }
        }
    }

    /// Cross-validates the path on sparse rows (naive updates on each fold's columns, never
    /// densified); the rows' own weights, if any, weigh the squares and the held-out errors.
    ///
    /// ```swift
    /// let cv = try ElasticNetCV(try SparseDataset<Double>.load(libsvm: "text.svm"), folds: .seeded(count: 5, seed: 1))
    /// ```
    /// - Parameters: as ``init(_:folds:l1Ratio:alphas:count:smallestRatio:fitIntercept:weights:tolerance:maximumSweeps:method:threads:)``.
    /// - Throws: as that initializer.
    public init<Element: BLASScalar>(
        _ data: SparseDataset<Element>, folds: Folds = .seeded(count: Folds.defaultCount, seed: 0), l1Ratio: Double = 1,
        alphas: [Double]? = nil, count: Int = CoordinateDescent.defaultPathCount,
        smallestRatio: Double = CoordinateDescent.defaultSmallestRatio, fitIntercept: Bool = true,
        tolerance: Double = CoordinateDescent.defaultTolerance, maximumSweeps: Int = CoordinateDescent.defaultMaximumSweeps,
        threads: Int? = nil
    ) throws {
        try CoordinateDescent.checkPathArguments(l1Ratio: l1Ratio, alphas: alphas, count: count, smallestRatio: smallestRatio)
        try CoordinateDescent.checkStop(tolerance: tolerance, maximumSweeps: maximumSweeps)
        try validateThreadCount(threads)
        guard data.rows >= 2 else { throw DataError.tooFewRows(argument: "data", rows: data.rows, minimum: 2) }
        let fold = try folds.assignment(rows: data.rows)
        let foldCount = (fold.max() ?? 0) + 1
        try Self.checkFolds(fold, count: foldCount, weights: data.weights)
        try data.checkRepresentableScale()
        let settings = Settings(
            l1Ratio: l1Ratio, alphas: alphas.map { $0.sorted(by: >) }, count: count, smallestRatio: smallestRatio,
            fitIntercept: fitIntercept, tolerance: tolerance, maximumSweeps: maximumSweeps)
        self = try Self.sparse(
            data, fold: fold, foldCount: foldCount, settings: settings, pool: WorkerPool(threads: threads ?? Cores.available))
    }

    /// Per α, the mean of its K fold errors (unweighted) and that mean's standard error, the
    /// folds' sample standard deviation over √K (glmnet's `cvm` and `cvsd` for folds of equal weight).
    static func summarize(foldErrors: [[Double]]) -> (scores: [Double], standardErrors: [Double]) {
        let scores = foldErrors.map { $0.reduce(0, +) / Double($0.count) }
        let standardErrors = zip(foldErrors, scores).map { folds, mean in
            let K = Double(folds.count)
            return (folds.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (K - 1) / K).squareRoot()
        }
        return (scores, standardErrors)
    }

    /// Assembles the answer from the folds' held-out errors and the path on every row.
    init(
        grid: [Double], run: Run, fold: [Int], foldCount: Int, settings: Settings, method: CoordinateDescent.Method, weightTotal: Double,
        featureNames: [String], targetNames: [String]
    ) {
        let m = grid.count, p = featureNames.count, k = targetNames.count, K = foldCount
        alphas = grid
        l1Ratio = settings.l1Ratio
        fitIntercept = settings.fitIntercept
        self.method = method
        foldOfRow = fold
        self.foldCount = K
        parameters = (0..<m).map { a in
            Parameters(
                unchecked: Matrix(uncheckedRows: p, columns: k, elements: Array(run.full.coefficients[a * p * k..<(a + 1) * p * k])),
                Array(run.full.intercepts[a * k..<(a + 1) * k]))
        }
        targets = (0..<k).map { o in
            let errors = (0..<m).map { a in (0..<K).map { run.foldErrors[$0][a * k + o] } }
            let (scores, standardErrors) = Self.summarize(foldErrors: errors)
            return Target(
                foldErrors: errors, scores: scores, standardErrors: standardErrors,
                choice: Target.choose(alphas: grid, scores: scores, errors: standardErrors),
                nonzeroCoefficients: (0..<m).map { a in (0..<p).count { run.full.coefficients[a * p * k + $0 * k + o] != 0 } },
                dualityGaps: (0..<m).map { run.full.gaps[$0 * k + o] }, converged: run.converged[o])
        }
        rows = fold.count
        self.weightTotal = weightTotal
        self.featureNames = featureNames
        self.targetNames = targetNames
    }
}
