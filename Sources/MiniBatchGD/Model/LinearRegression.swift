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
    /// How raw CSV columns (text ones included) became the features, or nil when the features
    /// are the file's own columns; saved with the model, so that ``predict(csv:unknownLevels:)``
    /// takes raw rows. Set it to the ``EncodedCSV/encoding`` the training rows were made with.
    public var featureEncoding: FeatureEncoding?

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
    package mutating func adopt(_ solution: LeastSquares.Solution, featureNames: [String], targetNames: [String], precision: Precision) {
        parameters = solution.parameters
        trainingPrecision = precision
        standardizer = nil
        inference = PredictionInference(solution.statistics)
        self.featureNames = featureNames
        self.targetNames = targetNames
    }

    /// Takes an exact fit's parameters that carry no covariance (LSQR's, for sparse rows) and the data's names.
    mutating func adopt(_ fitted: Parameters, featureNames: [String], targetNames: [String], precision: Precision) {
        parameters = fitted
        trainingPrecision = precision
        standardizer = nil
        inference = nil
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

}
