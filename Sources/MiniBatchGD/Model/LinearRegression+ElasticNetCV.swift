extension LinearRegression {
    /// Fits the lasso or the elastic net at the strength k-fold cross-validation chooses (see
    /// ``ElasticNetCV``), replacing the parameters with the refit on every row at each target's
    /// best α: scikit-learn's `LassoCV` / `ElasticNetCV`.
    ///
    /// ```swift
    /// var model = LinearRegression()
    /// let cv = try model.fit(data, crossValidating: .seeded(count: 10, seed: 1))   // LassoCV(cv=10)
    /// print("alpha", cv.targets[0].choice.alpha, "1-SE", cv.targets[0].choice.oneStandardErrorAlpha)
    /// ```
    /// - Parameters:
    ///   - data: the rows to fit.
    ///   - folds: how the rows are split.
    ///   - l1Ratio: R in [0, 1], the L1 share (1: the lasso).
    ///   - alphas: the grid, or nil for 100 alphas from α_max down to 10⁻³ of it.
    ///   - weights: one weight per row; nil for the source's own ``RowSource/weights``.
    ///   - threads: threads for the folds; nil: ``Cores/available``.
    /// - Returns: the whole cross-validation: every α's errors, and the path on every row.
    /// - Throws: what ``ElasticNetCV/init(_:folds:l1Ratio:alphas:count:smallestRatio:fitIntercept:weights:tolerance:maximumSweeps:method:threads:)``
    ///   throws; the model is unchanged then.
    @discardableResult
    public mutating func fit<Source: RowSource>(
        _ data: Source, crossValidating folds: ElasticNetCV.Folds, l1Ratio: Double = 1, alphas: [Double]? = nil, weights: [Double]? = nil,
        threads: Int? = nil
    ) throws -> ElasticNetCV {
        let cv = try ElasticNetCV(
            data, folds: folds, l1Ratio: l1Ratio, alphas: alphas, fitIntercept: fitIntercept, weights: weights, threads: threads)
        adopt(cv.chosenParameters, featureNames: data.featureNames, targetNames: data.targetNames, precision: Source.Element.precision)
        return cv
    }

    /// ``fit(_:crossValidating:l1Ratio:alphas:weights:threads:)`` on sparse rows (their own
    /// weights, if any, weigh the squares).
    ///
    /// ```swift
    /// var model = LinearRegression()
    /// let cv = try model.fit(try SparseDataset<Double>.load(libsvm: "text.svm"), crossValidating: .seeded(count: 5, seed: 0))
    /// ```
    /// - Parameters: as that method.
    /// - Throws: as that method; the model is unchanged then.
    @discardableResult
    public mutating func fit<Element: BLASScalar>(
        _ data: SparseDataset<Element>, crossValidating folds: ElasticNetCV.Folds, l1Ratio: Double = 1, alphas: [Double]? = nil,
        threads: Int? = nil
    ) throws -> ElasticNetCV {
        let cv = try ElasticNetCV(data, folds: folds, l1Ratio: l1Ratio, alphas: alphas, fitIntercept: fitIntercept, threads: threads)
        adopt(cv.chosenParameters, featureNames: data.featureNames, targetNames: data.targetNames, precision: Element.precision)
        return cv
    }
}
