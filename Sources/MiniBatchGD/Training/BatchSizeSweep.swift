/// Training throughput and final cost for a list of batch sizes on one data set.
///
/// Every batch size trains from zero with the same configuration; with
/// ``LearningRate/automatic`` each size gets the step size its own curvature allows. Throughput counts only the batch updates, not the per-epoch cost evaluation, and is
/// the median over the epochs, which damps the noise of a shared machine.
public enum BatchSizeSweep {
    /// One batch size's figures.
    public struct Result: Sendable {
        /// Rows per batch (the row count for ``BatchSize/full``).
        public let batchSize: Int
        /// The learning rate used (given, or chosen for this batch size).
        public let learningRate: Double
        /// Median training rows per second over the epochs.
        public let samplesPerSecond: Double
        /// Median seconds of one epoch's batch updates.
        public let secondsPerEpoch: Double
        /// Training cost after the last epoch.
        public let finalCost: Double
        /// Epochs run.
        public let epochs: Int
    }

    /// Trains once per batch size and measures it.
    /// - Parameters:
    ///   - data: the training rows.
    ///   - batchSizes: the sizes to sweep, in order.
    ///   - configuration: everything but the batch size (which each run replaces).
    ///   - fitIntercept: whether the model fits an intercept.
    /// - Throws: what ``LinearRegression/fit(_:using:progress:)`` throws, e.g. divergence for a rate that is too large.
    public static func run(_ data: Dataset, batchSizes: [BatchSize], configuration: GradientDescent,
                           fitIntercept: Bool = true) throws -> [Result] {
        try batchSizes.map { size in
            final class Seconds: @unchecked Sendable { var values: [Double] = [] }
            let seconds = Seconds()
            var config = configuration
            config.batchSize = size
            var model = LinearRegression(fitIntercept: fitIntercept)
            let run = try model.fit(data, using: config) { seconds.values.append($0.trainingSeconds) }
            let median = seconds.values.sorted()[seconds.values.count / 2]
            return Result(batchSize: run.batchRows, learningRate: run.learningRateChoice.learningRate, samplesPerSecond: Double(run.trainingRows) / median,
                          secondsPerEpoch: median, finalCost: run.history.epochCosts.last!, epochs: run.history.epochsRun)
        }
    }
}
