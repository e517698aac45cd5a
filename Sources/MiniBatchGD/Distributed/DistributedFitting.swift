extension LeastSquares {
    /// ``solve(_:method:fitIntercept:ridge:penaltyUnits:rankTolerance:weights:covariance:confidenceLevel:refine:threads:)-(Dataset<Element>,_,_,_,_,_,_,_,_,_,_)``
    /// for rows spread over processes, every rank calling it together and receiving the same
    /// solution: each rank reads its share once (moments for `cholesky`, a triangular factor for
    /// `qr`), the ranks' parts are merged (a sum of the moments; the factors stacked in rank order
    /// and factored again), and refinement and statistics sum their passes over the shares.
    /// `svd` needs every row in one process: it is refused, and `auto` stops at `qr`.
    /// - Throws: as the solve of a ``Dataset``; ``ArgumentError`` for `svd`.
    /// - Complexity: O(n·p²/K) on each rank, plus O(K·p²) to merge QR factors.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public static func solve<Element: BLASScalar>(
        _ data: DistributedDataset<Element>, method: Method = .auto, fitIntercept: Bool = true, ridge: Double = 0,
        penaltyUnits: PenaltyUnits = .original, rankTolerance: Double? = nil, covariance: CovarianceType = .nonrobust,
        confidenceLevel: Double = 0.95, refine: Bool = true
    ) throws -> Solution {
        try checkArguments(ridge: ridge, rankTolerance: rankTolerance, confidenceLevel: confidenceLevel)
        if method == .svd {
            throw ArgumentError(
                argument: "method", value: "svd",
                requirement: "needs every row in one process; rows spread over processes are solved by qr or cholesky")
        }
        return try solve(
            source: data, method: method, fitIntercept: fitIntercept, ridge: ridge, penaltyUnits: penaltyUnits,
            rankTolerance: rankTolerance, weights: data.weights, covariance: covariance, confidenceLevel: confidenceLevel, refine: refine)
    }
}

extension LinearRegression {
    /// Trains by gradient descent on rows spread over processes, every rank calling it together:
    /// synchronous data-parallel descent. Each batch of the whole data is every rank's share of
    /// it (each rank cuts its rows into as many batches); each rank adds the gradient of its share,
    /// one exchange sums them, and every rank applies the same update, so the parameters stay the
    /// same bits on every rank (``DistributedDataset/identicalOnAllRanks(_:)`` checks it).
    ///
    /// Standardization, the curvature behind the automatic step size, epoch costs and the
    /// certificate are computed over all ranks' rows, so a full-batch fit equals the fit of one
    /// process to rounding. Mini-batches differ from one process's (another cut and shuffle of
    /// the rows). Each rank shuffles blocks of its own rows, as a fit on a mapped file does, with
    /// its own seed; a validation part is the file's last rows, spread over the ranks.
    /// - Throws: as ``fit(_:using:progress:)-(MappedDataset<Element>,_,_)``, on every rank alike.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    @discardableResult
    public mutating func fit<Element: BLASScalar>(
        _ data: DistributedDataset<Element>, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> TrainingRun {
        try fitReturningTrainingRows(data, using: configuration, progress: progress).outcome.run
    }

    /// Fits in closed form on rows spread over processes (see
    /// ``LeastSquares/solve(_:method:fitIntercept:ridge:penaltyUnits:rankTolerance:covariance:confidenceLevel:refine:)``).
    /// - Throws: what that solve throws.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    @discardableResult
    public mutating func fit<Element: BLASScalar>(
        _ data: DistributedDataset<Element>, method: LeastSquares.Method, ridge: Double = 0,
        covariance: LeastSquares.CovarianceType = .nonrobust, confidenceLevel: Double = 0.95, refine: Bool = true
    ) throws -> LeastSquares.Solution {
        let solution = try LeastSquares.solve(
            data, method: method, fitIntercept: fitIntercept, ridge: ridge, covariance: covariance,
            confidenceLevel: confidenceLevel, refine: refine)
        adopt(solution, featureNames: data.featureNames, targetNames: data.targetNames, precision: Element.precision)
        return solution
    }

    /// ``fitAndCompare(_:using:method:progress:)-(Dataset<Element>,_,_,_)`` on rows spread over processes:
    /// the descent of ``fit(_:using:progress:)-(DistributedDataset<Element>,_,_)``, then the closed form of
    /// the same rows, both over every rank.
    /// - Throws: what the fit or the solve throws.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public mutating func fitAndCompare<Element: BLASScalar>(
        _ data: DistributedDataset<Element>, using configuration: GradientDescent, method: LeastSquares.Method = .auto,
        progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> ReferenceComparison {
        let (outcome, train) = try fitReturningTrainingRows(data, using: configuration, progress: progress)
        return try Self.compare(outcome, train: train, configuration: configuration, method: method, fitIntercept: fitIntercept)
    }

    /// Error measures of the model's predictions on rows spread over processes: each rank reads its
    /// share, the sums are exchanged, every rank gets the metrics of all rows (weighted by the
    /// weight column, if any).
    /// - Parameters:
    ///   - data: rows of the model's width and outputs, spread over the ranks.
    ///   - threads: the threads each rank's passes share (nil: one, as ranks usually share a
    ///     machine's cores); the metrics are the same bits on any count.
    /// - Throws: as ``evaluate(_:threads:)-(MappedDataset<Element>,_)``.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public func evaluate<Element: BLASScalar>(_ data: DistributedDataset<Element>, threads: Int? = nil) throws -> RegressionMetrics {
        guard let parameters else { throw ModelError.notFitted }
        try validateThreadCount(threads)
        guard data.featureCount == parameters.featureCount else {
            throw ModelError.featureCountMismatch(expected: parameters.featureCount, actual: data.featureCount)
        }
        guard data.outputCount == parameters.outputCount else {
            throw ModelError.outputCountMismatch(expected: parameters.outputCount, actual: data.outputCount)
        }
        return try data.withRows {
            try RegressionMetrics(rows: $0, parameters: parameters, weights: data.weights, threads: threads ?? 1)
        }
    }
}
