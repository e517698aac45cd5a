extension LinearRegression {
    /// Fits ridge on sparse rows with the strength k-fold cross-validation chooses (see
    /// ``SparseRidgeCV``), replacing the parameters: each target takes the solution on every row
    /// at its own best α.
    ///
    /// ```swift
    /// var model = LinearRegression()
    /// let cv = try model.fit(text, ridgeCrossValidating: .seeded(count: 5, seed: 0))
    /// print("alpha", cv.targets[0].choice.alpha)
    /// ```
    /// - Parameters: as ``SparseRidgeCV/init(_:folds:alphas:fitIntercept:penaltyUnits:tolerance:threads:)``,
    ///   the intercept as this model's ``fitIntercept``.
    /// - Returns: the whole cross-validation, every α's errors and solution.
    /// - Throws: what that initializer throws; the model is unchanged then.
    @discardableResult
    public mutating func fit<Element: BLASScalar>(
        _ data: SparseDataset<Element>, ridgeCrossValidating folds: ElasticNetCV.Folds, alphas: [Double]? = nil,
        penaltyUnits: LeastSquares.PenaltyUnits = .original, threads: Int? = nil
    ) throws -> SparseRidgeCV {
        let cv = try SparseRidgeCV(
            data, folds: folds, alphas: alphas, fitIntercept: fitIntercept, penaltyUnits: penaltyUnits, threads: threads)
        adopt(cv.chosenParameters, featureNames: data.featureNames, targetNames: data.targetNames, precision: Element.precision)
        return cv
    }
}
