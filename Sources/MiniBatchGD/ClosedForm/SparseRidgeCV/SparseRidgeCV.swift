import Foundation

/// Ridge on sparse rows with its strength chosen by k-fold cross-validation: for every α of a
/// grid, LSQR's solution warm-started from the α before, on each fold's training rows and on
/// every row, scored by the held-out mean squared error of each fold.
///
/// Ridge here is scikit-learn's `Ridge`, as in ``RidgePath``: Σwᵢ(yᵢ − b − xᵢᵀβ)² + α·‖β‖² per
/// target (α·‖Sβ‖² in standardized units), the intercept never penalized. A dense p×p Gram matrix
/// (17.8 GB for 47 236 text features) is never formed, so the exact leave-one-out of
/// ``RidgePath`` is out of reach; k-fold cross-validation is scikit-learn's `RidgeCV(cv=k)` and
/// glmnet's `cv.glmnet(alpha = 0)` with scikit-learn's α. The grid runs from the largest α down,
/// each solve started from the one before (at a large α the answer is near zero; each next α
/// moves it a little), and each solve's coefficients carry LSQR's certified error bound
/// (``LSQR/Solution/parameterErrorBound``).
///
/// ```swift
/// let text = try SparseDataset<Double>.load(libsvm: "reviews.svm")
/// let cv = try SparseRidgeCV(text, folds: .seeded(count: 5, seed: 1))
/// let choice = cv.targets[0].choice
/// print(choice.alpha, choice.oneStandardErrorAlpha, cv.chosenParameters.coefficients)
/// ```
public struct SparseRidgeCV: Sendable {
    /// The strengths, largest first (the warm starts' order).
    public let alphas: [Double]
    /// Whether an unpenalized intercept was fitted.
    public let fitIntercept: Bool
    /// The units the penalty measures the coefficients in.
    public let penaltyUnits: LeastSquares.PenaltyUnits
    /// The fold of each row, 0-based.
    public let foldOfRow: [Int]
    /// The number of folds K.
    public let foldCount: Int
    /// The ridge solution per α on every row, in the data's units.
    public let parameters: [Parameters]
    /// Per α, LSQR's certified bound on the distance of the coefficients on every row from the
    /// exact ridge solution (the largest over the targets).
    public let errorBounds: [Double]
    /// Per α, LSQR's iterations on every row (summed over the targets): the warm starts' effect.
    public let iterations: [Int]
    /// Each target's cross-validation (every target is scored and chosen on its own).
    public let targets: [Target]
    /// Rows read.
    public let rows: Int
    /// Σw (the row count without weights): glmnet's λ is α over it.
    public let weightTotal: Double
    /// The features' names.
    public let featureNames: [String]
    /// The targets' names.
    public let targetNames: [String]

    /// One target's held-out errors and choice.
    public struct Target: Sendable, Equatable {
        /// The held-out mean squared error per α (outer) and fold (inner): Σwᵢrᵢ²/Σwᵢ over the
        /// fold's rows, the ridge fitted on the other folds.
        public let foldErrors: [[Double]]
        /// The mean of each α's fold errors (unweighted, as scikit-learn and glmnet average them).
        public let scores: [Double]
        /// Each mean's standard error: the folds' sample standard deviation over √K.
        public let standardErrors: [Double]
        /// The α of the smallest mean error and the one-standard-error choice (the largest α
        /// within a standard error of it, glmnet's `lambda.1se`).
        public let choice: ElasticNetCV.Choice
    }

    /// The parameters at each target's chosen α.
    public var chosenParameters: Parameters { parameters(at: targets.map(\.choice.index)) }

    /// The parameters at one α index per target.
    ///
    /// ```swift
    /// let sparsest = cv.parameters(at: cv.targets.map(\.choice.oneStandardErrorIndex))
    /// ```
    /// - Precondition: one valid index per target.
    public func parameters(at indices: [Int]) -> Parameters {
        precondition(indices.count == targets.count && indices.allSatisfy(alphas.indices.contains), "one alpha index per target")
        return Parameters.perTarget(of: parameters, at: indices)
    }

    /// glmnet's λ for a strength α: α/Σw.
    public func glmnetLambda(_ alpha: Double) -> Double { alpha / weightTotal }

    /// Cross-validates the ridge path of sparse rows.
    ///
    /// ```swift
    /// let cv = try SparseRidgeCV(data, folds: .seeded(count: 10, seed: 7), alphas: [0.1, 1, 10, 100])
    /// ```
    /// - Parameters:
    ///   - data: the rows (their weights, when they carry some, weigh the squares and the errors).
    ///   - folds: how the rows are split (``ElasticNetCV/Folds``); 5 seeded folds by default.
    ///   - alphas: the strengths, each finite and > 0, in any order (solved largest first); nil for
    ///     ``RidgePath/defaultAlphaCount`` values log-spaced from 10⁻⁶ to 10 times the largest
    ///     eigenvalue of X̃ᵀWX̃ (estimated by power iteration), as ``RidgePath``'s default grid.
    ///   - fitIntercept: fit an unpenalized intercept per target.
    ///   - penaltyUnits: penalize the coefficients in the data's units or in standardized units.
    ///   - tolerance: LSQR's `atol` = `btol` for every solve.
    ///   - threads: threads for the folds, each fold's path on one; nil: ``Cores/available``.
    /// - Throws: ``ArgumentError`` for a bad grid, folds, tolerance or thread count; ``DataError``
    ///   for fewer than 2 rows or values whose squares leave Double's range;
    ///   ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)`` when the paths'
    ///   coefficients would not fit in memory.
    /// - Complexity: (K + 1)·α-count LSQR solves, each O(nonzeros + n + p) per iteration, fewer
    ///   iterations with warm starts; memory O((1 + threads)·α-count·p·k).
    public init<Element: BLASScalar>(
        _ data: SparseDataset<Element>, folds: ElasticNetCV.Folds = .seeded(count: ElasticNetCV.Folds.defaultCount, seed: 0),
        alphas: [Double]? = nil, fitIntercept: Bool = true, penaltyUnits: LeastSquares.PenaltyUnits = .original,
        tolerance: Double = LSQR.defaultTolerance, threads: Int? = nil
    ) throws {
        try validateThreadCount(threads)
        if let alphas { try RidgePath.checkAlphas(alphas) }
        guard tolerance > 0, tolerance < 1 else {
            throw ArgumentError(argument: "tolerance", value: "\(tolerance)", requirement: "must lie strictly between 0 and 1")
        }
        guard data.rows >= 2 else { throw DataError.tooFewRows(argument: "data", rows: data.rows, minimum: 2) }
        let fold = try folds.assignment(rows: data.rows)
        let K = (fold.max() ?? 0) + 1
        try ElasticNetCV.checkFolds(fold, count: K, weights: data.weights)
        try data.checkRepresentableScale()
        let grid = try
            (alphas
            ?? RidgePath.defaultAlphas(
                largestEigenvalue: Self.largestEigenvalue(data, fitIntercept: fitIntercept, penaltyUnits: penaltyUnits)))
            .sorted(by: >)
        let pool = WorkerPool(threads: threads ?? Cores.available)
        let m = grid.count, p = data.featureCount, k = data.outputCount
        try MemoryBudget.require(
            MemoryBudget.doubles(1 + 3 * pool.threads, m, p, k),
            for: "the coefficients of \(1 + pool.threads) ridge paths of \(m) alphas and their held-out copies")
        let members = ElasticNetCV.members(fold, count: K)
        // A fold's task keeps only its held-out errors (its path is freed when they are known), so
        // at most one path per thread and the one on every row are alive: the budget above.
        let results = pool.map(chunks: K + 1) { task -> Result<(Path, [Double]), any Error> in
            Result {
                if task == K {
                    return (
                        try Self.path(data, grid: grid, fitIntercept: fitIntercept, penaltyUnits: penaltyUnits, tolerance: tolerance), []
                    )
                }
                let training = try ElasticNetCV.training(data, fold: fold, held: task)
                let path = try Self.path(training, grid: grid, fitIntercept: fitIntercept, penaltyUnits: penaltyUnits, tolerance: tolerance)
                return (Path(), ElasticNetCV.heldOutErrors(data, members: members[task], path: path.descent))
            }
        }
        var foldErrors: [[Double]] = []
        for result in results.dropLast() { foldErrors.append(try result.get().1) }
        let full = try results[K].get().0
        self.alphas = grid
        self.fitIntercept = fitIntercept
        self.penaltyUnits = penaltyUnits
        foldOfRow = fold
        foldCount = K
        parameters = full.parameters
        errorBounds = full.errorBounds
        iterations = full.iterations
        targets = (0..<k).map { o in
            let errors = (0..<m).map { a in (0..<K).map { foldErrors[$0][a * k + o] } }
            let (scores, standardErrors) = ElasticNetCV.summarize(foldErrors: errors)
            return Target(
                foldErrors: errors, scores: scores, standardErrors: standardErrors,
                choice: ElasticNetCV.Target.choose(alphas: grid, scores: scores, errors: standardErrors))
        }
        rows = data.rows
        weightTotal = data.weights?.reduce(0, +) ?? Double(data.rows)
        featureNames = data.featureNames
        targetNames = data.targetNames
    }
}
