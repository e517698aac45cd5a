extension LinearRegression {
    /// Fits epsilon-insensitive regression exactly (see ``EpsilonInsensitiveRegression``) on any
    /// ``RowSource``, replacing the parameters.
    ///
    /// ```swift
    /// var model = LinearRegression()
    /// let solution = try model.fit(data, epsilonInsensitive: 0.5)
    /// print(solution.targets[0].dualityGap, solution.targets[0].edgeResiduals)
    /// ```
    /// - Parameters:
    ///   - data: the rows to fit (their own weights, if any, weigh the losses).
    ///   - epsilon: ε ≥ 0, the tube's half-width in the targets' units.
    /// - Throws: what ``EpsilonInsensitiveRegression/solve(_:epsilon:fitIntercept:weights:)-(Source,_,_,_)``
    ///   throws; the model is unchanged then.
    @discardableResult
    public mutating func fit<Source: RowSource>(_ data: Source, epsilonInsensitive epsilon: Double) throws
        -> EpsilonInsensitiveRegression.Solution
    {
        let solution = try EpsilonInsensitiveRegression.solve(data, epsilon: epsilon, fitIntercept: fitIntercept)
        adopt(solution.parameters, featureNames: data.featureNames, targetNames: data.targetNames, precision: Source.Element.precision)
        return solution
    }

    /// Fits squared epsilon-insensitive regression exactly (see
    /// ``SquaredEpsilonInsensitiveRegression``) on any ``RowSource``, replacing the parameters.
    ///
    /// ```swift
    /// var model = LinearRegression()
    /// let solution = try model.fit(data, squaredEpsilonInsensitive: 0.5)
    /// print(solution.targets[0].objective, solution.targets[0].insideTube)
    /// ```
    /// - Parameters:
    ///   - data: the rows to fit (their own weights, if any, weigh the losses).
    ///   - epsilon: ε ≥ 0, the tube's half-width in the targets' units.
    /// - Throws: what ``SquaredEpsilonInsensitiveRegression/solve(_:epsilon:fitIntercept:weights:)-(Source,_,_,_)``
    ///   throws; the model is unchanged then.
    @discardableResult
    public mutating func fit<Source: RowSource>(_ data: Source, squaredEpsilonInsensitive epsilon: Double) throws
        -> SquaredEpsilonInsensitiveRegression.Solution
    {
        let solution = try SquaredEpsilonInsensitiveRegression.solve(data, epsilon: epsilon, fitIntercept: fitIntercept)
        adopt(solution.parameters, featureNames: data.featureNames, targetNames: data.targetNames, precision: Source.Element.precision)
        return solution
    }
}
