extension LinearRegression {
    /// Fits by gradient descent on sparse rows (see ``SparseDataset``): each update touches the
    /// batch's columns only.
    ///
    /// Plain SGD (`optimizer` `.sgd`) with the configuration's batch size, rate (automatic:
    /// 1/L(b), L by power iteration on the rows), schedule, reduction, L2 penalty (applied as one
    /// scale of all coefficients), row weights, warm start, held-out part, averaging and plateau
    /// stop. Standardizing divides each column by its standard deviation without centring it. The
    /// run's notes say what a dense fit would have done otherwise (no certified stop).
    /// - Parameters:
    ///   - data: the sparse rows (their weights, when they carry some, weigh the cost).
    ///   - configuration: batch size, epochs, learning rate and the rest; `optimizer` `.sgd`.
    ///   - progress: called after every epoch (on the calling thread).
    /// - Throws: ``ArgumentError`` for another update rule, loss or penalty, and as
    ///   ``fit(_:using:progress:)-(Source,_,_)`` otherwise.
    @discardableResult
    public mutating func fit<Element: BLASScalar>(
        _ data: SparseDataset<Element>, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> TrainingRun {
        try fitSparse(data, using: configuration, progress: progress).outcome.run
    }

    /// Fits sparse rows by gradient descent, solves the same problem by ``LSQR`` and measures the
    /// gap: the reference minimizes what the descent minimizes (the training rows, their weights,
    /// the intercept, and the L2 penalty as ``LeastSquares``'s ridge λ·Σw under the mean reduction,
    /// λ under the sum, in standardized units when standardizing).
    /// - Parameters:
    ///   - data: the sparse rows.
    ///   - configuration: as for the descent alone.
    ///   - tolerance: LSQR's tolerance.
    ///   - progress: called after every epoch.
    /// - Throws: as ``fit(_:using:progress:)-(SparseDataset<Element>,_,_)`` and ``LSQR/solve(_:fitIntercept:ridge:penaltyUnits:tolerance:iterationLimit:start:)``.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public mutating func fitAndCompare<Element: BLASScalar>(
        _ data: SparseDataset<Element>, using configuration: GradientDescent, tolerance: Double = LSQR.defaultTolerance,
        progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> SparseComparison {
        let (outcome, train) = try fitSparse(data, using: configuration, progress: progress)
        let lambda = configuration.l2Penalty
        let totalWeight = train.weights?.reduce(0, +) ?? Double(train.rows)
        let reference: LSQR.Solution
        do {
            reference = try LSQR.solve(
                train, fitIntercept: fitIntercept, ridge: configuration.reduction == .mean ? lambda * totalWeight : lambda,
                penaltyUnits: configuration.standardize ? .standardized : .original, tolerance: tolerance)
        } catch is CancellationError {
            // Cancelled after the descent ended: said as a fit's cancellation is.
            throw TrainingError.cancelled(epochsCompleted: outcome.run.history.epochsRun)
        }
        let scale = outcome.standardizer?.scale
        func objective(_ parameters: Parameters) -> Double {
            // The descent's own pass, specialized (a loop here would convert each value through
            // BinaryFloatingPoint's generic initializer).
            let halfSquares = train.withView { view in
                withOptionalPointer(train.weights) { SparseState.halfSquares(view, rowWeights: $0, at: parameters) }
            }
            // ½Σwr² over Σw (mean) or ½Σwr² (sum), as the descent's cost with ω = w·n/Σw.
            let cost = halfSquares / (configuration.reduction == .mean ? totalWeight : 1)
            return cost + Self.halfPenalty(parameters, lambda: lambda, scale: scale)
        }
        return SparseComparison(
            run: outcome.run, gradientDescent: outcome.parameters, reference: reference,
            parameterRelativeDifference: Self.relativeDifference(outcome.parameters, from: reference.parameters),
            gradientDescentCost: objective(outcome.parameters), referenceCost: objective(reference.parameters))
    }

    /// Fits sparse rows exactly, by ``LSQR``: the model takes its parameters (as
    /// ``fit(_:method:ridge:weights:covariance:confidenceLevel:refine:threads:)``
    /// does for dense rows, without the covariance LSQR never forms).
    /// - Throws: as ``LSQR/solve(_:fitIntercept:ridge:penaltyUnits:tolerance:iterationLimit:start:)``.
    @discardableResult
    public mutating func fit<Element: BLASScalar>(
        _ data: SparseDataset<Element>, ridge: Double = 0, penaltyUnits: LeastSquares.PenaltyUnits = .original,
        tolerance: Double = LSQR.defaultTolerance
    ) throws -> LSQR.Solution {
        let solution = try LSQR.solve(data, fitIntercept: fitIntercept, ridge: ridge, penaltyUnits: penaltyUnits, tolerance: tolerance)
        adopt(solution.parameters, featureNames: data.featureNames, targetNames: data.targetNames, precision: Element.precision)
        return solution
    }

    /// Predictions for sparse rows, n×k.
    ///
    /// Each row's products are summed in its own order after the intercept, so the rows are
    /// shared among ``Cores/available`` threads in chunks with the same bits on any count.
    /// - Throws: ``ModelError`` before a fit or for rows of another width.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public func predict<Element: BLASScalar>(_ data: SparseDataset<Element>) throws -> Matrix<Double> {
        guard let parameters else { throw ModelError.notFitted }
        guard data.featureCount == parameters.featureCount else {
            throw ModelError.featureCountMismatch(expected: parameters.featureCount, actual: data.featureCount)
        }
        let n = data.rows, k = parameters.outputCount
        let chunks = RowChunks(rows: n, chunkRows: Self.sparsePredictionChunkRows)
        let threads = data.values.count >= Self.sparsePredictionParallelEntries ? Swift.min(Cores.available, chunks.count) : 1
        let predictions = [Double](unsafeUninitializedCapacity: n * k) { output, count in
            data.withView { view in
                parameters.coefficients.elements.withUnsafeBufferPointer { coefficients in
                    parameters.intercept.withUnsafeBufferPointer { intercept in
                        let pointers = UncheckedSendable((view, coefficients.baseAddress, intercept.baseAddress!, output.baseAddress))
                        let part = { (chunk: Int) in
                            let (view, coefficients, intercept, output) = pointers.value
                            Self.predictRows(
                                chunks.range(chunk), outputs: k, rowStarts: view.rowStarts, columns: view.columns, values: view.values,
                                coefficients: coefficients, intercept: intercept, into: output)
                        }
                        if threads > 1 {
                            _ = WorkerPool(threads: threads).map(chunks: chunks.count, part)
                        } else {
                            for chunk in 0..<chunks.count { part(chunk) }
                        }
                    }
                }
            }
            count = n * k
        }
        return Matrix(uncheckedRows: n, columns: k, elements: predictions)
    }

    /// Rows a chunk of sparse prediction holds.
    static let sparsePredictionChunkRows = 8192
    /// Entries below which sparse rows are predicted on the calling thread alone.
    static let sparsePredictionParallelEntries = 1 << 18

    /// The predictions of `rows` into `output` (row-major, `outputs` a row): each the intercept
    /// plus the row's products in entry order.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    private static func predictRows<Element: BLASScalar>(
        _ rows: Range<Int>, outputs k: Int, rowStarts: UnsafePointer<Int>, columns: EntryPointer<Int32>,
        values: EntryPointer<Element>, coefficients: UnsafePointer<Double>?, intercept: UnsafePointer<Double>,
        into output: UnsafeMutablePointer<Double>?
    ) {
        guard let output else { return }
        for i in rows {
            let start = rowStarts[i], end = rowStarts[i + 1]
            for o in 0..<k {
                var sum = intercept[o]
                if start < end, let coefficients {
                    if k == 1 {
                        for position in start..<end { sum += Double(values[position]) * coefficients[Int(columns[position])] }
                    } else {
                        for position in start..<end { sum += Double(values[position]) * coefficients[Int(columns[position]) * k + o] }
                    }
                }
                output[i * k + o] = sum
            }
        }
    }

    /// Mean squared and absolute errors and R² of this model's predictions of sparse rows
    /// (weighted by their weights), as ``evaluate(_:threads:)`` for dense rows.
    /// - Throws: ``ModelError`` before a fit or for rows of another width.
    public func evaluate<Element: BLASScalar>(_ data: SparseDataset<Element>) throws -> RegressionMetrics {
        try RegressionMetrics(
            predictions: predict(data),
            targets: Matrix(uncheckedRows: data.rows, columns: data.outputCount, elements: data.targets.elements.map { Double($0) }),
            weights: data.weights)
    }

    /// The sparse descent and the rows it trained on: rows of weight 0 left out (as a dense fit
    /// leaves them), then a held-out part split off by a seeded shuffle.
    mutating func fitSparse<Element: BLASScalar>(
        _ data: SparseDataset<Element>, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)?
    ) throws -> (outcome: Trainer.Outcome, train: SparseDataset<Element>) {
        let start = try warmStart(configuration, features: data.featureCount, outputs: data.outputCount)
        try SparseTrainer.check(configuration)
        var data = data
        if let weights = data.weights, weights.contains(0) { data = try data.gathering(weights.indices.filter { weights[$0] > 0 }) }
        var train = data
        var validation: SparseDataset<Element>?
        if let fraction = configuration.earlyStopping?.validationFraction {
            (train, validation) = try data.split(testFraction: fraction, shuffleSeed: configuration.shuffle.seed)
        }
        // OpenBLAS on one thread, as for dense rows: the curvature's eigenvalues round with its
        // thread count, which other work in the process may change (and the fit uses its own).
        let outcome = try BLASThreads.singleThreaded {
            try SparseTrainer(configuration: configuration, fitIntercept: fitIntercept, progress: progress)
                .fit(train, validation: validation, start: start)
        }
        adopt(outcome, featureNames: data.featureNames, targetNames: data.targetNames, precision: Element.precision)
        return (outcome, train)
    }
}
