extension LinearRegression {
    /// Error measures of the model's predictions on any ``RowSource``, weighted by its
    /// ``RowSource/weights`` when it has them: the errors in Double over the rows in place, in
    /// blocks (`Float` rows widened a block at a time), in two passes (the targets' means, then
    /// the errors). Rows spread over processes: each rank reads its share, the sums are exchanged,
    /// and every rank gets the metrics of all rows.
    /// - Parameters:
    ///   - data: rows of the model's width and outputs.
    ///   - threads: the threads the passes share (nil: ``Cores/available`` in one process, one per
    ///     rank for rows spread over processes); the rows are cut into chunks by their shape
    ///     alone, so the metrics are the same bits on any count.
    /// - Throws: ``ModelError`` for an unfitted model or other shapes,
    ///   ``ModelError/predictionOverflow(row:output:)`` for a prediction that overflows,
    ///   ``ArgumentError`` for a thread count outside 1...1024.
    /// - Complexity: O(n · p · k), two passes over the rows.
    public func evaluate<Source: RowSource>(_ data: Source, threads: Int? = nil) throws -> RegressionMetrics {
        guard let parameters else { throw ModelError.notFitted }
        try validateThreadCount(threads)
        guard data.featureCount == parameters.featureCount else {
            throw ModelError.featureCountMismatch(expected: parameters.featureCount, actual: data.featureCount)
        }
        guard data.outputCount == parameters.outputCount else {
            throw ModelError.outputCountMismatch(expected: parameters.outputCount, actual: data.outputCount)
        }
        return try data.withRows { rows in
            try rows.checkShape(of: data)
            return try RegressionMetrics(rows: rows, parameters: parameters, weights: data.weights, threads: rows.threads(threads))
        }
    }
}
