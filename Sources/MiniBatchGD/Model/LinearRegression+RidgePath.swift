extension LinearRegression {
    /// Fits ridge with the strength chosen from a path (see ``RidgePath``), replacing the
    /// parameters: each target takes the ridge solution at the α that `criterion` scores best
    /// (scikit-learn's `RidgeCV(alpha_per_target=True)` for ``RidgePath/Criterion/loo``).
    ///
    /// ```swift
    /// var model = LinearRegression()
    /// let path = try model.fit(data, ridge: .loo)           // 100 alphas over the spectrum
    /// print("alpha", path.targets[0].choice(.loo).alpha)
    /// let predictions = try model.predict(data.features)
    /// ```
    /// - Parameters:
    ///   - data: the rows to fit.
    ///   - criterion: what chooses α.
    ///   - alphas: the grid, each finite and > 0; nil for the default grid
    ///     (``RidgePath/defaultAlphas(largestEigenvalue:)``).
    ///   - penaltyUnits: penalize the coefficients in the data's units (scikit-learn's `Ridge`) or
    ///     in standardized units (glmnet's default).
    ///   - weights: one weight per row; nil for the source's own ``RowSource/weights``.
    ///   - threads: threads for the passes over the rows; nil: ``Cores/available``.
    /// - Returns: the whole path, every α's scores and solution.
    /// - Throws: what ``RidgePath/init(_:alphas:fitIntercept:penaltyUnits:weights:keepLeaveOneOutErrors:threads:)``
    ///   throws; the model is unchanged then.
    @discardableResult
    public mutating func fit<Source: RowSource>(
        _ data: Source, ridge criterion: RidgePath.Criterion, alphas: [Double]? = nil,
        penaltyUnits: LeastSquares.PenaltyUnits = .original, weights: [Double]? = nil, threads: Int? = nil
    ) throws -> RidgePath {
        let path = try RidgePath(
            data, alphas: alphas, fitIntercept: fitIntercept, penaltyUnits: penaltyUnits, weights: weights, threads: threads)
        adopt(
            path.chosenParameters(criterion), featureNames: data.featureNames, targetNames: data.targetNames,
            precision: Source.Element.precision)
        return path
    }
}
