extension LinearRegression {
    /// Fits in closed form (see ``LeastSquares``) on any ``RowSource``, replacing the parameters.
    ///
    /// Rows spread over processes are solved by every rank together, each receiving the same
    /// solution (see ``LeastSquares/solve(_:method:fitIntercept:ridge:penaltyUnits:rankTolerance:weights:covariance:confidenceLevel:refine:threads:)``).
    /// - Parameters:
    ///   - data: the rows to fit.
    ///   - method: the factorization (``LeastSquares/Method/auto`` unless you need one).
    ///   - ridge: λ ≥ 0, the L2 penalty weight.
    ///   - weights: one weight per row for weighted least squares; nil for the source's own
    ///     ``RowSource/weights`` (ordinary least squares when it has none).
    ///   - covariance: how the statistics' covariance is computed.
    ///   - confidenceLevel: the level of the confidence intervals.
    ///   - refine: refine the solution in double-double precision (see ``CoefficientTable/Row/errorBound``).
    ///   - threads: threads for the passes over the rows (the same bits on any count); nil:
    ///     ``Cores/available`` in one process, one per rank for rows spread over processes.
    /// - Throws: what ``LeastSquares/solve(_:method:fitIntercept:ridge:penaltyUnits:rankTolerance:weights:covariance:confidenceLevel:refine:threads:)`` throws.
    @discardableResult
    public mutating func fit<Source: RowSource>(
        _ data: Source, method: LeastSquares.Method, ridge: Double = 0, weights: [Double]? = nil,
        covariance: LeastSquares.CovarianceType = .nonrobust, confidenceLevel: Double = LeastSquares.defaultConfidenceLevel,
        refine: Bool = true, threads: Int? = nil
    ) throws -> LeastSquares.Solution {
        let solution = try LeastSquares.solve(
            data, method: method, fitIntercept: fitIntercept, ridge: ridge, weights: weights, covariance: covariance,
            confidenceLevel: confidenceLevel, refine: refine, threads: threads)
        adopt(solution, featureNames: data.featureNames, targetNames: data.targetNames, precision: Source.Element.precision)
        return solution
    }
}
