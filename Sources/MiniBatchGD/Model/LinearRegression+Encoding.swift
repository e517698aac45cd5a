extension LinearRegression {
    /// Predictions for the rows of a CSV file given raw: encoded by ``featureEncoding`` (text
    /// columns and all) when the model has one, else its features read by name.
    ///
    /// ```swift
    /// var model = LinearRegression()
    /// let cars = try FeatureEncoding.oneHot(csv: "cars.csv", categorical: ["city"], targets: ["y"])
    /// if case let .dense(data) = cars.rows { try model.fit(data, method: .auto) }
    /// model.featureEncoding = cars.encoding
    /// let predictions = try model.predict(csv: "new_cars.csv")   // n×1
    /// ```
    /// - Throws: ``ModelError/notFitted``, ``FileError``, ``EncodingError`` (an unseen level under
    ///   ``FeatureEncoding/UnknownLevels/error``, naming its column, level and line), and what
    ///   ``predict(_:)-(Matrix<Double>)`` throws.
    public func predict(csv path: String, unknownLevels: FeatureEncoding.UnknownLevels = .error) throws -> Matrix<Double> {
        guard parameters != nil else { throw ModelError.notFitted }
        guard let featureEncoding else { return try predict(CSVReader.readColumns(path: path, featureNames)) }
        switch try featureEncoding.encode(csv: path, targets: nil, unknownLevels: unknownLevels) {
        case let .dense(data): return try predict(data.features)
        case let .sparse(data): return try predict(data)
        }
    }
}
