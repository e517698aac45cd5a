extension LinearRegression {
    /// Fits sparse rows spread over the ranks of a job exactly, by ``LSQR`` over the ranks: the
    /// model takes the parameters, the same bits on every rank.
    ///
    /// ```swift
    /// let data = try DistributedSparseDataset<Double>.load(libsvm: "text.svm", communicator: world)
    /// var model = LinearRegression()
    /// let solution = try model.fit(data, ridge: 1)
    /// let metrics = try data.evaluate(model)          // over every rank's rows
    /// ```
    /// - Throws: as ``LSQR/solve(_:fitIntercept:ridge:penaltyUnits:tolerance:iterationLimit:)``.
    @discardableResult
    public mutating func fit<Element: BLASScalar>(
        _ data: DistributedSparseDataset<Element>, ridge: Double = 0, penaltyUnits: LeastSquares.PenaltyUnits = .original,
        tolerance: Double = LSQR.defaultTolerance
    ) throws -> LSQR.Solution {
        let solution = try LSQR.solve(data, fitIntercept: fitIntercept, ridge: ridge, penaltyUnits: penaltyUnits, tolerance: tolerance)
        adopt(solution.parameters, featureNames: data.featureNames, targetNames: data.targetNames, precision: Element.precision)
        return solution
    }
}
