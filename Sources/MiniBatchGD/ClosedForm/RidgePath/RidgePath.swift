/// The exact ridge path: for every strength α of a grid, the ridge solution, its effective
/// degrees of freedom, its exact leave-one-out error and its generalized cross-validation (GCV)
/// score, all from one factorization, and the α each criterion chooses.
///
/// Ridge here is scikit-learn's `Ridge`: for each target it minimizes
///
///     Σᵢ wᵢ·(yᵢ − b − xᵢᵀβ)² + α·‖β‖²
///
/// with α in the data's units, the intercept b never penalized, w the row weights (1 without).
/// glmnet states the same problem on the mean of the squares, (1/(2N))·Σwᵢ(…)² + (λ/2)·‖β‖² with
/// its weights scaled to sum to N, so its λ is α/Σw (α/n without weights), with
/// `standardize = FALSE`. With ``LeastSquares/PenaltyUnits/standardized`` the penalty is
/// α·Σⱼ(sⱼβⱼ)², sⱼ the columns' standard deviations (weighted, about their means, as
/// ``Standardizer`` takes them): glmnet's default `standardize = TRUE`, and what gradient descent
/// with ``GradientDescent/standardize`` penalizes; the solutions stay in the data's units.
///
/// The centred, weighted Gram matrix G = X̃ᵀWX̃ (X̃ the columns less their weighted means; X
/// itself without an intercept) is eigendecomposed once, G = V·diag(λ)·Vᵀ (`dsyevd`), or, when
/// there are fewer rows than features, the centred design √W·X̃ = U·diag(s)·Vᵀ is (`dgesdd`,
/// λ = s²). Then for each α:
///
/// - β(α) = V·diag(1/(λⱼ + α))·Vᵀ·X̃ᵀWỹ and b(α) = ȳ − x̄ᵀβ(α): O(p²) per α;
/// - the effective degrees of freedom tr H(α) = Σⱼ λⱼ/(λⱼ + α) (+ 1 for the intercept);
/// - the hat matrix's diagonal hᵢᵢ(α) = wᵢ·Σⱼ (x̃ᵢᵀvⱼ)²/(λⱼ + α) (+ wᵢ/Σw for the intercept),
///   from the rows projected once onto V, and the residuals rᵢ(α): O(n·p) per α, done for every
///   α at once as matrix products over blocks of rows, in one pass;
/// - the leave-one-out error yᵢ − ŷ₋ᵢ = rᵢ/(1 − hᵢᵢ), exactly (the fit without row i, not an
///   approximation), scored as scikit-learn's `RidgeCV` scores it: the mean over the n rows of
///   wᵢ·(yᵢ − ŷ₋ᵢ)² (its `cv_results_` are these terms, its `best_score_` minus their smallest
///   mean);
/// - GCV(α) = (1/m)·Σwᵢrᵢ² / (1 − tr H/m)², m the rows of positive weight: leave-one-out with
///   every hᵢᵢ replaced by their mean (Golub, Heath and Wahba, 1979).
///
/// Each score comes with its standard error, sd/√count of its per-row terms (for GCV, wᵢrᵢ²
/// over the same denominator), for the one-standard-error choice (``Choice/oneStandardErrorAlpha``).
/// The whole costs O(n·p² + p³) once and O(n·p) per α; the rows are read twice (their moments,
/// then the scores), never copied (but for the SVD of a design with fewer rows than features).
///
/// ```swift
/// let path = try RidgePath(data)                    // 100 alphas over the spectrum
/// let chosen = path.targets[0].choice(.loo)
/// print(chosen.alpha, chosen.score, chosen.oneStandardErrorAlpha)
/// let beta = path.parameters[chosen.index].coefficients  // the ridge solution at that alpha
///
/// let grid = try RidgePath(data, alphas: [0.1, 1, 10], keepLeaveOneOutErrors: true)
/// grid.targets[0].leaveOneOutSquaredErrors![2]       // RidgeCV's cv_results_[:, 2]
/// ```
public struct RidgePath: Sendable {
    /// The strengths α, in the order given (the default grid ascending).
    public let alphas: [Double]
    /// Whether an unpenalized intercept was fitted.
    public let fitIntercept: Bool
    /// The units the penalty measures the coefficients in.
    public let penaltyUnits: LeastSquares.PenaltyUnits
    /// Which factorization gave the spectrum.
    public let decomposition: Decomposition
    /// The eigenvalues λ of the centred, weighted Gram matrix X̃ᵀWX̃, largest first: p of them, or
    /// n (the squared singular values of the centred design) when there are fewer rows than features.
    public let spectrum: [Double]
    /// tr H(α) per α: Σⱼ λⱼ/(λⱼ + α), plus 1 for the intercept (the hat matrix's trace, which GCV uses).
    public let effectiveDegreesOfFreedom: [Double]
    /// The ridge solution per α, in the data's units: p×k coefficients and k intercepts.
    public let parameters: [Parameters]
    /// The scores of each target (the targets are fitted and scored separately, as
    /// scikit-learn's `RidgeCV(alpha_per_target=True)`).
    public let targets: [Target]
    /// Rows read (zero-weight rows included: scikit-learn's mean counts them).
    public let rows: Int
    /// Rows of positive weight (all rows without weights): GCV's m.
    public let observations: Int
    /// Σw (the row count without weights): glmnet's λ is α over it.
    public let weightTotal: Double
    /// The features' names, in the coefficients' row order.
    public let featureNames: [String]
    /// The targets' names, in ``targets``' order.
    public let targetNames: [String]
    /// The factorization, kept for the covariance of any α's solution (``statistics(at:confidenceLevel:)``).
    let factors: Spectrum

    /// How the spectrum was found.
    public enum Decomposition: String, Sendable, Equatable, CaseIterable {
        /// The eigendecomposition of the p×p centred, weighted Gram matrix (`dsyevd`): at least as
        /// many rows as features.
        case eigen
        /// The thin SVD of the n×p centred, weighted design (`dgesdd`): fewer rows than features.
        case svd
    }

    /// The number of alphas of the default grid.
    public static let defaultAlphaCount = 100
    /// The default grid's smallest α over the spectrum's largest λ: every direction whose
    /// eigenvalue is at least 10⁻⁴·λ_max keeps 99 % of its least-squares coefficient.
    public static let defaultSmallestRatio = 1e-6
    /// The default grid's largest α over λ_max: every direction is shrunk to at most 1/11.
    public static let defaultLargestRatio = 10.0

    /// The ridge path of `data` over `alphas` (nil: ``defaultAlphas(largestEigenvalue:)``).
    ///
    /// ```swift
    /// let path = try RidgePath(try Dataset<Double>.load(csv: "houses.csv"), alphas: [0.01, 0.1, 1, 10, 100])
    /// let gcv = path.targets[0].choice(.gcv)
    /// ```
    /// - Parameters:
    ///   - data: the rows; every target is fitted and scored on its own.
    ///   - alphas: the strengths, each finite and > 0, in any order; nil for 100 values
    ///     log-spaced from 10⁻⁶ to 10 times the largest eigenvalue of X̃ᵀWX̃.
    ///   - fitIntercept: fit an unpenalized intercept per target.
    ///   - penaltyUnits: penalize the coefficients in the data's units (scikit-learn's `Ridge`,
    ///     the default) or in standardized units (glmnet's default; the eigenvalues, and so the
    ///     default grid, are then those of the standardized Gram matrix).
    ///   - weights: one weight per row, finite and ≥ 0 (scikit-learn's `sample_weight`); nil
    ///     takes the source's ``RowSource/weights``, if any.
    ///   - keepLeaveOneOutErrors: keep every row's term wᵢ·(yᵢ − ŷ₋ᵢ)² per α and target
    ///     (``Target/leaveOneOutSquaredErrors``, n values per α): scikit-learn's
    ///     `store_cv_results=True`.
    ///   - threads: threads for the passes over the rows, in fixed chunks merged in order: the
    ///     same bits on any count; nil: ``Cores/available``.
    /// - Throws: ``ArgumentError`` for a bad grid, weights or thread count, fewer than 2 rows of
    ///   positive weight, rows spread over processes, or (with the default grid) features that
    ///   are all constant; ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)`` when
    ///   the factorization or the kept errors would not fit in memory;
    ///   ``LinearAlgebraError/noConvergence(routine:info:)`` if LAPACK fails.
    /// - Complexity: O(n·p² + p³ + α-count·(n·p + p²)) with k = 1 targets; memory O(p² +
    ///   α-count·p·k), plus n·p for the SVD with fewer rows than features.
    public init<Source: RowSource>(
        _ data: Source, alphas: [Double]? = nil, fitIntercept: Bool = true, penaltyUnits: LeastSquares.PenaltyUnits = .original,
        weights: [Double]? = nil, keepLeaveOneOutErrors: Bool = false, threads: Int? = nil
    ) throws {
        try validateThreadCount(threads)
        if let alphas { try Self.checkAlphas(alphas) }
        guard weights == nil || data.weights == nil else {
            throw ArgumentError(
                argument: "weights", value: "\(weights!.count) weights",
                requirement: "must be nil for a data set that carries its own weights")
        }
        let chosenWeights = weights ?? data.weights
        if let chosenWeights { try validateRowWeights(chosenWeights, rows: data.rows) }
        self = try data.withRows { rows in
            try rows.checkShape(of: data)
            guard rows.sharing == nil else {
                throw ArgumentError(
                    argument: "data", value: "rows spread over processes",
                    requirement: "a ridge path needs every row in one process: load the rows in one")
            }
            return try RidgePath(
                rows, alphas: alphas, fitIntercept: fitIntercept, penaltyUnits: penaltyUnits, weights: chosenWeights,
                keepLeaveOneOutErrors: keepLeaveOneOutErrors,
                featureNames: data.featureNames, targetNames: data.targetNames, threads: rows.threads(threads))
        }
    }

    /// The path on rows in this process (arguments checked).
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    init<Element: BLASScalar>(
        _ data: Rows<Element>, alphas given: [Double]?, fitIntercept: Bool, penaltyUnits: LeastSquares.PenaltyUnits, weights: [Double]?,
        keepLeaveOneOutErrors: Bool,
        featureNames: [String], targetNames: [String], threads: Int
    ) throws {
        let n = data.count, p = data.featureCount, k = data.outputCount
        try BLAS.checkDimensions("the ridge path", n, p, k, given?.count ?? Self.defaultAlphaCount)
        let observations = weights.map { $0.count { $0 > 0 } } ?? n
        guard observations >= 2 else {
            throw ArgumentError(
                argument: "data", value: "\(observations) row\(observations == 1 ? "" : "s") of positive weight",
                requirement: "needs at least 2: leaving one out must leave a row to fit")
        }
        let pool = WorkerPool(threads: n * (p + k) >= 1 << 18 ? threads : 1)
        try data.checkRepresentableScale(featureNames: featureNames, targetNames: targetNames, weights: weights, pool: pool)
        // OpenBLAS on one thread for the factorization and the blocks' products: its sums are cut
        // by its own thread count, process-wide and changed by other work, and the path's bits
        // must not depend on it (the pool's chunks are what run in parallel).
        let spectrum = try BLASThreads.singleThreaded {
            try Spectrum(data, fitIntercept: fitIntercept, penaltyUnits: penaltyUnits, weights: weights, pool: pool)
        }
        let alphas = try given ?? Self.defaultAlphas(largestEigenvalue: spectrum.values.first ?? 0)
        let m = alphas.count
        if keepLeaveOneOutErrors {
            try MemoryBudget.require(MemoryBudget.doubles(n, m, k), for: "the leave-one-out errors of \(n) rows × \(m) alphas")
        }
        let scores = BLASThreads.singleThreaded {
            ScorePass(data, spectrum: spectrum, alphas: alphas, weights: weights, keepErrors: keepLeaveOneOutErrors, pool: pool)
        }
        self.alphas = alphas
        self.fitIntercept = fitIntercept
        self.penaltyUnits = penaltyUnits
        decomposition = spectrum.decomposition
        self.spectrum = spectrum.values
        let intercept = fitIntercept ? 1.0 : 0
        let degrees = alphas.map { alpha in intercept + spectrum.values.reduce(0) { $0 + $1 / ($1 + alpha) } }
        effectiveDegreesOfFreedom = degrees
        parameters = alphas.map { spectrum.parameters(alpha: $0) }
        let mCount = Double(observations)
        targets = (0..<k).map { o in
            var gcv = [Double](), gcvError = [Double]()
            for a in 0..<m {
                // GCV's terms are wᵢrᵢ² over (1 − tr H/m)²: their mean and spread scale alike.
                let shrink = 1 - degrees[a] / mCount
                let factor = shrink > 0 ? 1 / (shrink * shrink) : .infinity
                let raw = scores.residuals[a * k + o]
                gcv.append(raw.mean * factor)
                gcvError.append(raw.standardError * factor)
            }
            return Target(
                leaveOneOut: (0..<m).map { scores.leaveOneOut[$0 * k + o].mean },
                leaveOneOutStandardError: (0..<m).map { scores.leaveOneOut[$0 * k + o].standardError },
                gcv: gcv, gcvStandardError: gcvError,
                residualSumOfSquares: (0..<m).map { scores.residuals[$0 * k + o].sum }, totalSumOfSquares: scores.totals[o],
                alphas: alphas,
                leaveOneOutSquaredErrors: scores.errors.map { errors in
                    (0..<m).map { a in Array(errors[(a * k + o) * n..<(a * k + o + 1) * n]) }
                }
            )
        }
        rows = n
        self.observations = observations
        weightTotal = spectrum.weightTotal
        self.featureNames = featureNames
        self.targetNames = targetNames
        factors = spectrum
    }

    /// The parameters at one α index per target: column o of the coefficients and intercept o
    /// from ``parameters``[`indices[o]`] (each target's own choice).
    ///
    /// ```swift
    /// let model = path.parameters(at: path.targets.map { $0.choice(.loo).index })
    /// ```
    /// - Precondition: one valid index per target.
    public func parameters(at indices: [Int]) -> Parameters {
        precondition(indices.count == targets.count && indices.allSatisfy(alphas.indices.contains), "one alpha index per target")
        return Parameters.perTarget(of: parameters, at: indices)
    }

    /// The parameters at the α `criterion` chooses for each target.
    ///
    /// ```swift
    /// let parameters = try RidgePath(data).chosenParameters(.gcv)
    /// ```
    public func chosenParameters(_ criterion: Criterion) -> Parameters {
        parameters(at: targets.map { $0.choice(criterion).index })
    }

    /// glmnet's λ for a strength α of this path: α/Σw (α/n without weights), with its
    /// `standardize = FALSE` in original units and `TRUE` in standardized units.
    public func glmnetLambda(_ alpha: Double) -> Double { alpha / weightTotal }
}
