extension LinearRegression {
    /// Fits the lasso or the elastic net exactly (see ``CoordinateDescent``) on any
    /// ``RowSource``, replacing the parameters: scikit-learn's `ElasticNet(alpha:l1_ratio:)`,
    /// certified by the duality gap the solution reports.
    ///
    /// ```swift
    /// var model = LinearRegression()
    /// let solution = try model.fit(data, l1: 0.1)               // Lasso(alpha=0.1)
    /// print(solution.targets[0].zeroCoefficients, "coefficients are exactly zero; gap", solution.gap)
    /// let predictions = try model.predict(data)
    /// ```
    /// - Parameters:
    ///   - data: the rows to fit.
    ///   - alpha: A > 0, the penalty's strength.
    ///   - l1Ratio: R in [0, 1], the L1 share (1: the lasso).
    ///   - penaltyUnits: the coefficients' units the penalty measures (scikit-learn's `.original`,
    ///     or glmnet's `.standardized`).
    ///   - weights: one weight per row; nil for the source's own ``RowSource/weights``.
    ///   - tolerance: the duality gap to reach, relative to (1/Σw)·Σwᵢ(yᵢ − ȳ)².
    ///   - threads: threads for the passes over the rows; nil: ``Cores/available``.
    /// - Throws: what ``CoordinateDescent/solve(_:alpha:l1Ratio:fitIntercept:penaltyUnits:weights:start:tolerance:maximumSweeps:method:threads:)``
    ///   throws; the model is unchanged then.
    @discardableResult
    public mutating func fit<Source: RowSource>(
        _ data: Source, l1 alpha: Double, l1Ratio: Double = 1, penaltyUnits: LeastSquares.PenaltyUnits = .original,
        weights: [Double]? = nil, tolerance: Double = CoordinateDescent.defaultTolerance, threads: Int? = nil
    ) throws -> CoordinateDescent.Solution {
        let solution = try CoordinateDescent.solve(
            data, alpha: alpha, l1Ratio: l1Ratio, fitIntercept: fitIntercept, penaltyUnits: penaltyUnits, weights: weights,
            tolerance: tolerance, threads: threads)
        adopt(solution.parameters, featureNames: data.featureNames, targetNames: data.targetNames, precision: Source.Element.precision)
        return solution
    }

    /// Fits the lasso or the elastic net exactly on sparse rows (naive coordinate updates on
    /// their columns, never densified), replacing the parameters; the rows' own weights, if any,
    /// weigh the squares.
    ///
    /// ```swift
    /// var model = LinearRegression()
    /// let solution = try model.fit(try SparseDataset<Double>.load(libsvm: "text.svm"), l1: 1e-3, l1Ratio: 0.5)
    /// print(solution.targets[0].activeSet.count, "coefficients are not zero")
    /// ```
    /// - Parameters: as ``fit(_:l1:l1Ratio:penaltyUnits:weights:tolerance:threads:)``.
    /// - Throws: what ``CoordinateDescent/solve(_:alpha:l1Ratio:fitIntercept:penaltyUnits:start:tolerance:maximumSweeps:)``
    ///   throws; the model is unchanged then.
    @discardableResult
    public mutating func fit<Element: BLASScalar>(
        _ data: SparseDataset<Element>, l1 alpha: Double, l1Ratio: Double = 1, penaltyUnits: LeastSquares.PenaltyUnits = .original,
        tolerance: Double = CoordinateDescent.defaultTolerance
    ) throws -> CoordinateDescent.Solution {
        let solution = try CoordinateDescent.solve(
            data, alpha: alpha, l1Ratio: l1Ratio, fitIntercept: fitIntercept, penaltyUnits: penaltyUnits, tolerance: tolerance)
        adopt(solution.parameters, featureNames: data.featureNames, targetNames: data.targetNames, precision: Element.precision)
        return solution
    }

    /// Fits Huber regression exactly (see ``HuberRegression``) on any ``RowSource``, replacing
    /// the parameters.
    ///
    /// ```swift
    /// var model = LinearRegression()
    /// let solution = try model.fit(data, huber: 1.35)
    /// print(solution.targets[0].outliers, "residuals beyond δ")
    /// ```
    /// - Parameters:
    ///   - data: the rows to fit (their own weights, if any, weigh the losses).
    ///   - delta: δ > 0, Huber's threshold in the targets' units.
    /// - Throws: what ``HuberRegression/solve(_:delta:fitIntercept:weights:)-(Source,_,_,_)`` throws; the model
    ///   is unchanged then.
    @discardableResult
    public mutating func fit<Source: RowSource>(_ data: Source, huber delta: Double) throws -> HuberRegression.Solution {
        let solution = try HuberRegression.solve(data, delta: delta, fitIntercept: fitIntercept)
        adopt(solution.parameters, featureNames: data.featureNames, targetNames: data.targetNames, precision: Source.Element.precision)
        return solution
    }

    /// Fits quantile regression exactly (see ``QuantileRegression``) on any ``RowSource``,
    /// replacing the parameters.
    ///
    /// ```swift
    /// var model = LinearRegression()
    /// let solution = try model.fit(data, quantile: 0.5)  // the conditional median
    /// print(solution.targets[0].dualityGap, solution.targets[0].zeroResiduals)
    /// ```
    /// - Parameters:
    ///   - data: the rows to fit (their own weights, if any, weigh the losses).
    ///   - quantile: τ in (0, 1).
    /// - Throws: what ``QuantileRegression/solve(_:quantile:fitIntercept:weights:)-(Source,_,_,_)`` throws; the
    ///   model is unchanged then.
    @discardableResult
    public mutating func fit<Source: RowSource>(_ data: Source, quantile: Double) throws -> QuantileRegression.Solution {
        let solution = try QuantileRegression.solve(data, quantile: quantile, fitIntercept: fitIntercept)
        adopt(solution.parameters, featureNames: data.featureNames, targetNames: data.targetNames, precision: Source.Element.precision)
        return solution
    }
}
