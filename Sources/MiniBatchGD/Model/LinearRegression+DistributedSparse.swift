extension LinearRegression {
    /// Fits sparse rows spread over the ranks of a job exactly, by ``LSQR`` over the ranks: the
    /// model takes the parameters, the same bits on every rank.
    ///
    /// ```swift
    /// let data = try DistributedSparseDataset<Double>.load(libsvm: "text.svm", communicator: world)
    /// var model = LinearRegression()
    /// let solution = try model.fit(data, ridge: 1)
    /// let metrics = try data.evaluate(model)          // over every rank's rows
    /// ```
    /// - Throws: as ``LSQR/solve(_:fitIntercept:ridge:penaltyUnits:tolerance:iterationLimit:)``.
    @discardableResult
    public mutating func fit<Element: BLASScalar>(
        _ data: DistributedSparseDataset<Element>, ridge: Double = 0, penaltyUnits: LeastSquares.PenaltyUnits = .original,
        tolerance: Double = LSQR.defaultTolerance
    ) throws -> LSQR.Solution {
        let solution = try LSQR.solve(data, fitIntercept: fitIntercept, ridge: ridge, penaltyUnits: penaltyUnits, tolerance: tolerance)
        adopt(solution.parameters, featureNames: data.featureNames, targetNames: data.targetNames, precision: Element.precision)
        return solution
    }
}

extension LinearRegression {
    /// Fits sparse rows spread over the ranks of a job by gradient descent, and compares the
    /// result with ``LSQR``'s exact solution over the ranks, as
    /// ``fitAndCompare(_:using:tolerance:progress:)-(SparseDataset<Element>,_,_,_)`` does in one process.
    ///
    /// Each rank keeps its share of the rows. Every rank follows the one-process fit's order of
    /// the rows (the same seed, the same shuffles); for each batch, each rank sends the batch's
    /// rows it holds, every rank receives them all (one exchange a batch) and takes the
    /// one-process step on them. The sums over every row (the scales, the curvature, each
    /// epoch's cost) go along the ranks in rank order, each rank going on where the one before
    /// stopped. So the parameters and the history are the one-process fit's bits on any number of
    /// ranks; the reference is LSQR's over the ranks. Every rank also keeps 8 + 8k bytes a row
    /// (where its entries start, its targets), and 8 more with weights, to lay out any batch.
    /// Every rank holds the whole state alike, so a checkpoint (rank 0 reads and writes it) is
    /// the one-process fit's: it resumes on any number of ranks, or in one process.
    /// Rows of weight 0 are left out, as in one process.
    /// - Throws: ``ArgumentError`` for a validation fraction (held-out rows are not split over
    ///   the ranks yet); otherwise as the one-process fit.
    public mutating func fitAndCompare<Element: BLASScalar>(
        _ data: DistributedSparseDataset<Element>, using configuration: GradientDescent, tolerance: Double = LSQR.defaultTolerance,
        progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> SparseComparison {
        let start = try warmStart(configuration, features: data.featureCount, outputs: data.outputCount)
        try SparseTrainer.check(configuration)
        if configuration.earlyStopping?.validationFraction != nil {
            throw ArgumentError(
                argument: "earlyStopping.validationFraction", value: "\(configuration.earlyStopping!.validationFraction!)",
                requirement: "must be nil for sparse rows spread over ranks (the held-out rows are not split over the ranks yet)")
        }
        // Rows of weight 0 are left out, as one process leaves them: each rank drops its own, so
        // the rows kept are, in rank order, the one process's.
        var data = data
        if data.communicator.maximum(data.local.weights?.contains(0) == true ? 1 : 0) > 0 {
            let weights = data.local.weights ?? []
            data = try DistributedSparseDataset(
                local: try data.local.gathering(weights.indices.filter { weights[$0] > 0 }), featureCount: data.featureCount,
                communicator: data.communicator)
        }
        let ranks = SparseRanks(data)
        try data.communicator.agree { try data.local.checkRepresentableScale() }
        let outcome = try BLASThreads.singleThreaded {
            try SparseTrainer(configuration: configuration, fitIntercept: fitIntercept, progress: progress)
                .fit(data.local, validation: nil, start: start, ranks: ranks)
        }
        adopt(outcome, featureNames: data.featureNames, targetNames: data.targetNames, precision: Element.precision)
        let lambda = configuration.l2Penalty
        let totalWeight = ranks.weights?.reduce(0, +) ?? Double(ranks.rows)
        let reference = try LSQR.solve(
            data, fitIntercept: fitIntercept, ridge: configuration.reduction == .mean ? lambda * totalWeight : lambda,
            penaltyUnits: configuration.standardize ? .standardized : .original, tolerance: tolerance)
        let scale = outcome.standardizer?.scale
        func objective(_ parameters: Parameters) -> Double {
            let halfSquares = withOptionalPointer(ranks.weights) {
                ranks.halfSquares(at: parameters, rowWeights: $0, chunkRows: ranks.rows, residualMap: .squared)
            }
            return halfSquares / (configuration.reduction == .mean ? totalWeight : 1)
                + Self.halfPenalty(parameters, lambda: lambda, scale: scale)
        }
        return SparseComparison(
            run: outcome.run, gradientDescent: outcome.parameters, reference: reference,
            parameterRelativeDifference: Self.relativeDifference(outcome.parameters, from: reference.parameters),
            gradientDescentCost: objective(outcome.parameters), referenceCost: objective(reference.parameters))
    }
}
