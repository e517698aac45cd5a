/// A linear regression model y ≈ xᵀW + c, fitted by gradient descent or in closed form.
///
/// ```swift
/// var model = LinearRegression()
/// let run = try model.fit(data.train, using: GradientDescent())   // automatic step size, standardized
/// let adam = try model.fit(data.train, using: GradientDescent(optimizer: .adam(), schedule: .cosine))
/// let metrics = try model.evaluate(data.test)
/// ```
public struct LinearRegression: Sendable {
    /// Fit an intercept c (default). Without it the model is y ≈ xᵀW.
    public var fitIntercept: Bool
    /// The fitted coefficients and intercepts in original units, or nil before fitting.
    public private(set) var parameters: Parameters?
    /// The standardization used by the last gradient-descent fit, if any (informational: the
    /// parameters are already in original units).
    public private(set) var standardizer: Standardizer?
    /// Feature names of the data the model was fitted on.
    public private(set) var featureNames: [String] = []
    /// Target names of the data the model was fitted on.
    public private(set) var targetNames: [String] = []
    /// The covariance and residual variance of the last closed-form fit, for
    /// ``predictionIntervals(_:level:)-(Matrix<Double>,_)``; nil after gradient descent.
    public internal(set) var inference: PredictionInference?
    /// The element type of the rows the model was last fitted on (`float32` for a
    /// `Dataset<Float>`: mixed precision, the arithmetic in Double), or nil when unknown (a model
    /// made from parameters, or read from a file that does not say).
    public internal(set) var trainingPrecision: Precision?

    /// An unfitted model.
    public init(fitIntercept: Bool = true) {
        self.fitIntercept = fitIntercept
    }

    /// A model with known parameters, e.g. loaded from a file.
    /// - Throws: ``MatrixError/nonFinite(argument:row:column:value:)`` for a NaN or infinite
    ///   parameter, ``DataError/nameCountMismatch(argument:names:columns:)`` for a name list of the wrong length.
    public init(parameters: Parameters, fitIntercept: Bool = true, featureNames: [String]? = nil, targetNames: [String]? = nil) throws {
        self.fitIntercept = fitIntercept
        self.parameters = parameters
        self.featureNames = featureNames ?? Dataset<Double>.defaultFeatureNames(parameters.featureCount)
        self.targetNames = targetNames ?? Dataset<Double>.defaultTargetNames(parameters.outputCount)
        guard self.featureNames.count == parameters.featureCount else {
            throw DataError.nameCountMismatch(argument: "featureNames", names: self.featureNames.count, columns: parameters.featureCount)
        }
        guard self.targetNames.count == parameters.outputCount else {
            throw DataError.nameCountMismatch(argument: "targetNames", names: self.targetNames.count, columns: parameters.outputCount)
        }
        try parameters.coefficients.validateFinite(argument: "coefficients")
        try Matrix(column: parameters.intercept).validateFinite(argument: "intercept")
    }

    /// p×k coefficients in original units (an empty matrix before fitting).
    public var coefficients: Matrix<Double> { parameters?.coefficients ?? Matrix<Double>.zeros(0, 0) }
    /// k intercepts in original units (empty before fitting).
    public var intercept: [Double] { parameters?.intercept ?? [] }

    /// Trains by gradient descent, replacing the parameters.
    ///
    /// A data set with ``Dataset/weights`` is fitted by weighted least squares: the cost is
    /// ½Σwᵢ‖rᵢ‖², divided by Σw under the mean reduction (a row of weight w counts as w rows),
    /// and rows of weight 0 are left out.
    /// - Parameters:
    ///   - data: the training rows.
    ///   - configuration: batch size, epochs, learning rate and the rest.
    ///   - progress: called after every epoch (on the calling thread), e.g. to show progress.
    /// - Returns: the run's history and shape.
    /// - Throws: ``TrainingError`` for a bad configuration, divergence or cancellation;
    ///   ``DataError`` for a bad validation fraction. The model is unchanged when it throws.
    /// - Complexity: O(epochs · n · p · k); scratch memory O(batch · (p + k) + p·k), plus the
    ///   row permutation when shuffling. X is never copied (unless a validation part is held out).
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    @discardableResult
    public mutating func fit<Element: BLASScalar>(
        _ data: Dataset<Element>, using configuration: GradientDescent,
        progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> TrainingRun {
        try fitReturningTrainingRows(data, using: configuration, progress: progress).outcome.run
    }

    mutating func fitReturningTrainingRows<Element: BLASScalar>(
        _ data: Dataset<Element>, using configuration: GradientDescent,
        progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> (outcome: Trainer.Outcome, train: Dataset<Element>) {
        let start = try warmStart(configuration, features: data.featureCount, outputs: data.outputCount)
        // The held-out rows are split off before training: the trainer sees two data sets. Rows of
        // weight 0 are left out first, so neither part is made of them alone.
        try configuration.validate()
        if let weights = data.weights { try validateRowWeights(weights, rows: data.rows) }
        let data = try data.droppingZeroWeightRows()
        var train = data
        var validation: Dataset<Element>?
        if let fraction = configuration.earlyStopping?.validationFraction {
            let split = try data.split(testFraction: fraction, shuffleSeed: configuration.shuffle.seed)
            train = split.train
            validation = split.test
        }
        let outcome = try Trainer(configuration: configuration, fitIntercept: fitIntercept, progress: progress)
            .fit(train, validation: validation, start: start)
        adopt(outcome, featureNames: data.featureNames, targetNames: data.targetNames, precision: Element.precision)
        return (outcome, train)
    }

    /// Trains by gradient descent on the rows of a mapped `.npy` file, read in place: no row is
    /// copied into a matrix, so a file larger than memory can be trained on.
    ///
    /// Rows are shuffled one by one, as the same values in a ``Dataset`` are, giving the same fit.
    /// On a file larger than 1 GiB or than half the memory available, shuffling single rows would
    /// read the disk at random, page by page: the fit shuffles blocks of about 1 MiB of the file
    /// instead (at most a 256th of the rows; ``Shuffle/blocks(seed:rows:)``, said in the run's
    /// notes), each read in order. A validation part
    /// (``EarlyStopping/validationFraction``) is the file's last rows.
    /// - Throws: as ``fit(_:using:progress:)-(Dataset<Element>,_,_)``.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    @discardableResult
    public mutating func fit<Element: BLASScalar>(
        _ data: MappedDataset<Element>, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> TrainingRun {
        try fitReturningTrainingRows(data, using: configuration, progress: progress).outcome.run
    }

    /// The descent of rows read in place (a mapped file, or a share of rows spread over
    /// processes): every-epoch shuffling becomes block shuffling, and a validation part is the
    /// file's last rows, both said in the run's notes.
    mutating func fitReturningTrainingRows<Source: InPlaceRows>(
        _ data: Source, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> (outcome: Trainer.Outcome, train: Source) {
        let start = try warmStart(configuration, features: data.featureCount, outputs: data.outputCount)
        try configuration.validate()
        var config = configuration, notes: [String] = []
        if case let .everyEpoch(seed) = configuration.shuffle, configuration.batchSize.resolved(for: data.rows) < data.rows,
            data.shufflesInBlocks
        {
            config.shuffle = .blocks(seed: seed, rows: data.shuffleBlockRows)
            if data.shuffleBlockRows > 1 { notes.append(Source.blockShuffleNote(blockRows: data.shuffleBlockRows)) }
        }
        var train = data, validation: Source?
        if let fraction = configuration.earlyStopping?.validationFraction {
            (train, validation) = try data.split(testFraction: fraction)
            notes.append(Source.heldOutNote(rows: validation!.rows))
        }
        // Rows of weight 0 stay (read in place, they add nothing); the part trained on must weigh something.
        for part in [train] + (validation.map { [$0] } ?? []) where part.weights != nil && part.totalWeight == 0 {
            throw ArgumentError(
                argument: "weights", value: "all zero in the \(part.rows) rows of a part", requirement: "must leave at least one row")
        }
        var outcome = try Trainer(configuration: config, fitIntercept: fitIntercept, progress: progress)
            .fit(train, validation: validation, start: start)
        outcome.run.notes = notes + outcome.run.notes
        adopt(outcome, featureNames: data.featureNames, targetNames: data.targetNames, precision: Source.Element.precision)
        return (outcome, train)
    }

    /// The parameters a fit starts from: the current ones with ``GradientDescent/warmStart``, else nil (zeros).
    func warmStart(_ configuration: GradientDescent, features: Int, outputs: Int) throws -> Parameters? {
        guard configuration.warmStart else { return nil }
        guard let current = parameters else { throw ModelError.notFitted }
        guard current.featureCount == features, current.outputCount == outputs else {
            throw TrainingError.warmStartMismatch(
                expectedFeatures: features, expectedOutputs: outputs, features: current.featureCount, outputs: current.outputCount)
        }
        return current
    }

    /// Takes a closed-form fit's parameters and covariance (for prediction intervals) and the data's names.
    mutating func adopt(_ solution: LeastSquares.Solution, featureNames: [String], targetNames: [String], precision: Precision) {
        parameters = solution.parameters
        trainingPrecision = precision
        standardizer = nil
        inference = PredictionInference(solution.statistics)
        self.featureNames = featureNames
        self.targetNames = targetNames
    }

    /// Takes a gradient-descent fit's parameters (original units) and the data's names.
    mutating func adopt(_ outcome: Trainer.Outcome, featureNames: [String], targetNames: [String], precision: Precision) {
        parameters = outcome.parameters
        trainingPrecision = precision
        standardizer = outcome.standardizer
        inference = nil
        self.featureNames = featureNames
        self.targetNames = targetNames
    }

    /// Fits in closed form (see ``LeastSquares``), replacing the parameters.
    /// - Parameters:
    ///   - data: the rows to fit.
    ///   - method: the factorization (``LeastSquares/Method/auto`` unless you need one).
    ///   - ridge: λ ≥ 0, the L2 penalty weight.
    ///   - weights: one weight per row for weighted least squares; nil for the data set's own
    ///     ``Dataset/weights`` (ordinary least squares when it has none).
    ///   - covariance: how the statistics' covariance is computed.
    ///   - confidenceLevel: the level of the confidence intervals.
    ///   - refine: refine the solution in double-double precision (see ``LeastSquares/Solution/errorBounds``).
    ///   - threads: threads for the moments and refinement passes (the same bits on any count); nil: ``Cores/available``.
    /// - Throws: what ``LeastSquares/solve(_:method:fitIntercept:ridge:penaltyUnits:rankTolerance:weights:covariance:confidenceLevel:refine:threads:)-(Dataset<Element>,_,_,_,_,_,_,_,_,_,_)`` throws.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    @discardableResult
    public mutating func fit<Element: BLASScalar>(
        _ data: Dataset<Element>, method: LeastSquares.Method, ridge: Double = 0, weights: [Double]? = nil,
        covariance: LeastSquares.CovarianceType = .nonrobust, confidenceLevel: Double = 0.95, refine: Bool = true, threads: Int? = nil
    ) throws -> LeastSquares.Solution {
        let solution = try LeastSquares.solve(
            data, method: method, fitIntercept: fitIntercept, ridge: ridge, weights: weights, covariance: covariance,
            confidenceLevel: confidenceLevel, refine: refine, threads: threads)
        adopt(solution, featureNames: data.featureNames, targetNames: data.targetNames, precision: Element.precision)
        return solution
    }

    /// Fits in closed form on the rows of a mapped `.npy` file, read in place (see
    /// ``LeastSquares/solve(_:method:fitIntercept:ridge:penaltyUnits:rankTolerance:weights:covariance:confidenceLevel:refine:threads:)-(MappedDataset<Element>,_,_,_,_,_,_,_,_,_,_)``).
    /// - Throws: what that solve throws.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    @discardableResult
    public mutating func fit<Element: BLASScalar>(
        _ data: MappedDataset<Element>, method: LeastSquares.Method, ridge: Double = 0,
        covariance: LeastSquares.CovarianceType = .nonrobust, confidenceLevel: Double = 0.95, refine: Bool = true, threads: Int? = nil
    ) throws -> LeastSquares.Solution {
        let solution = try LeastSquares.solve(
            data, method: method, fitIntercept: fitIntercept, ridge: ridge, covariance: covariance,
            confidenceLevel: confidenceLevel, refine: refine, threads: threads)
        adopt(solution, featureNames: data.featureNames, targetNames: data.targetNames, precision: Element.precision)
        return solution
    }

    /// Predictions for each row of `features` (n×k).
    /// - Throws: ``ModelError/notFitted``, ``ModelError/featureCountMismatch(expected:actual:)``,
    ///   ``MatrixError/nonFinite(argument:row:column:value:)`` for a NaN or infinite feature,
    ///   ``ModelError/predictionOverflow(row:output:)`` when a prediction overflows Double.
    /// - Complexity: O(n · p · k).
    public func predict(_ features: Matrix<Double>) throws -> Matrix<Double> {
        guard let parameters else { throw ModelError.notFitted }
        guard features.columns == parameters.featureCount else {
            throw ModelError.featureCountMismatch(expected: parameters.featureCount, actual: features.columns)
        }
        try features.validateFinite(argument: "features")
        return try Self.checkedForOverflow(Objective.hypothesis(features, parameters))
    }

    /// Predictions for each row of `Float` features (n×k), in `Double`: each feature is widened
    /// (exactly) as it is read, a block of rows at a time, so the predictions equal those for the
    /// same values as `Matrix<Double>` and no n×p `Double` copy is made.
    /// - Throws: as ``predict(_:)-(Matrix<Double>)``.
    /// - Complexity: O(n · p · k); O(p · k + n · k) memory besides the blocks.
    // Disfavoured so that a matrix of literals, `predict(Matrix(rows: [[1, 2]]))`, still means
    // `Double` instead of being ambiguous.
    @_disfavoredOverload
    public func predict(_ features: Matrix<Float>) throws -> Matrix<Double> {
        guard let parameters else { throw ModelError.notFitted }
        let p = parameters.featureCount, k = parameters.outputCount
        guard features.columns == p else { throw ModelError.featureCountMismatch(expected: p, actual: features.columns) }
        try features.validateFinite(argument: "features")
        let n = features.rows
        var predictions = try Matrix<Double>(rows: n, columns: k)
        // 2¹⁶ widened values a block: in cache beside its rows, and at least one row.
        let blockRows = Swift.max(1, Swift.min(n, (1 << 16) / Swift.max(1, p)))
        var wide = try Matrix<Double>(rows: blockRows, columns: p)
        var start = 0
        while start < n {
            let count = Swift.min(blockRows, n - start)
            for index in 0..<count * p { wide.elements[index] = Double(features.elements[start * p + index]) }
            let part = try Objective.hypothesis(MatrixView(unchecked: wide, rows: 0..<count), parameters)
            for index in 0..<count * k { predictions.elements[start * k + index] = part.elements[index] }
            start += count
        }
        return try Self.checkedForOverflow(predictions)
    }

    /// `predictions`, or ``ModelError/predictionOverflow(row:output:)`` at the first that is not
    /// finite: finite coefficients and features can still overflow in their products or sums.
    private static func checkedForOverflow(_ predictions: Matrix<Double>) throws -> Matrix<Double> {
        if let index = predictions.elements.firstIndex(where: { !$0.isFinite }) {
            throw ModelError.predictionOverflow(row: index / predictions.columns, output: index % predictions.columns)
        }
        return predictions
    }

    /// The prediction for one sample of a one-target model: `model.predict([1200, 3])`.
    /// - Throws: what ``predict(_:)-(Matrix<Double>)`` throws, and ``ModelError/severalOutputs(outputs:)``
    ///   for a model with several targets.
    public func predict(_ row: [Double]) throws -> Double {
        try predict([row])[0]
    }

    /// Predictions for several samples of a one-target model, one value per row.
    /// - Throws: as ``predict(_:)-([Double])``, and ``MatrixError/raggedRows(row:expected:actual:)``.
    public func predict(_ rows: [[Double]]) throws -> [Double] {
        guard let parameters else { throw ModelError.notFitted }
        guard parameters.outputCount == 1 else { throw ModelError.severalOutputs(outputs: parameters.outputCount) }
        if rows.isEmpty { return [] }
        if let wrong = rows.first(where: { $0.count != parameters.featureCount }) {
            throw ModelError.featureCountMismatch(expected: parameters.featureCount, actual: wrong.count)
        }
        return try predict(Matrix(rows: rows)).elements
    }

    /// Error measures of the model's predictions on the rows of a mapped file, read in place in
    /// blocks (two passes: the targets' means, then the errors), weighted by its
    /// ``MappedDataset/weights`` when it has them.
    /// - Parameters:
    ///   - data: rows of the model's width and outputs.
    ///   - threads: the threads the passes share (nil: ``Cores/available``); the rows are cut
    ///     into chunks by their shape alone, so the metrics are the same bits on any count.
    /// - Throws: ``ModelError`` for an unfitted model or other shapes,
    ///   ``ModelError/predictionOverflow(row:output:)`` for a prediction that overflows,
    ///   ``ArgumentError`` for a thread count outside 1...1024.
    /// - Complexity: O(n · p · k), two passes over the rows.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public func evaluate<Element: BLASScalar>(_ data: MappedDataset<Element>, threads: Int? = nil) throws -> RegressionMetrics {
        guard let parameters else { throw ModelError.notFitted }
        try validateThreadCount(threads)
        guard data.featureCount == parameters.featureCount else {
            throw ModelError.featureCountMismatch(expected: parameters.featureCount, actual: data.featureCount)
        }
        guard data.outputCount == parameters.outputCount else {
            throw ModelError.outputCountMismatch(expected: parameters.outputCount, actual: data.outputCount)
        }
        return try data.withRows {
            try RegressionMetrics(rows: $0, parameters: parameters, weights: data.weights, threads: threads ?? Cores.available)
        }
    }

    /// Error measures of the model's predictions on `data`, weighted by its ``Dataset/weights``
    /// when it has them: the errors in Double over the rows in place, in blocks (`Float` rows
    /// widened a block at a time).
    /// - Parameters:
    ///   - data: rows of the model's width and outputs.
    ///   - threads: as for ``evaluate(_:threads:)-(MappedDataset<Element>,_)``.
    /// - Throws: as ``evaluate(_:threads:)-(MappedDataset<Element>,_)``.
    /// - Complexity: O(n · p · k), two passes over the rows.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public func evaluate<Element: BLASScalar>(_ data: Dataset<Element>, threads: Int? = nil) throws -> RegressionMetrics {
        guard let parameters else { throw ModelError.notFitted }
        try validateThreadCount(threads)
        guard data.featureCount == parameters.featureCount else {
            throw ModelError.featureCountMismatch(expected: parameters.featureCount, actual: data.featureCount)
        }
        guard data.outputCount == parameters.outputCount else {
            throw ModelError.outputCountMismatch(expected: parameters.outputCount, actual: data.outputCount)
        }
        return try data.withRows {
            try RegressionMetrics(rows: $0, parameters: parameters, weights: data.weights, threads: threads ?? Cores.available)
        }
    }
}
