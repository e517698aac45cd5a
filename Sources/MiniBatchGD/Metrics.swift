/// Error measures of predictions against targets.
///
/// The top-level figures average the per-output values with equal weight (scikit-learn's
/// "uniform average"); ``outputs`` holds each target's own.
public struct RegressionMetrics: Equatable, Sendable {
    /// One target's figures.
    public struct Output: Equatable, Sendable {
        /// mean((ŷ − y)²)
        public let meanSquaredError: Double
        /// √MSE
        public let rootMeanSquaredError: Double
        /// mean(|ŷ − y|)
        public let meanAbsoluteError: Double
        /// 1 − Σ(ŷ − y)² / Σ(y − ȳ)²; 1 for a constant target predicted exactly, 0 otherwise.
        public let r2: Double
    }

    /// Per target, in target order.
    public let outputs: [Output]

    /// The mean squared error, averaged over targets.
    public var meanSquaredError: Double { average(\.meanSquaredError) }
    /// The root mean squared error, averaged over targets.
    public var rootMeanSquaredError: Double { average(\.rootMeanSquaredError) }
    /// The mean absolute error, averaged over targets.
    public var meanAbsoluteError: Double { average(\.meanAbsoluteError) }
    /// The coefficient of determination R², averaged over targets.
    public var r2: Double { average(\.r2) }

    private func average(_ key: KeyPath<Output, Double>) -> Double {
        outputs.reduce(0) { $0 + $1[keyPath: key] } / Double(outputs.count)
    }

    /// Compares `predictions` with `targets` (both n×k, n ≥ 1).
    /// - Throws: ``MatrixError/dimensionMismatch(operation:argument:expected:actual:)`` for
    ///   different shapes; ``DataError/tooFewRows(argument:rows:minimum:)`` for no rows.
    public init(predictions: Matrix, targets: Matrix) throws {
        guard predictions.rows == targets.rows, predictions.columns == targets.columns else {
            throw MatrixError.dimensionMismatch(
                operation: "RegressionMetrics", argument: "predictions",
                expected: "\(targets.rows)×\(targets.columns)", actual: "\(predictions.rows)×\(predictions.columns)")
        }
        guard targets.rows >= 1 else { throw DataError.tooFewRows(argument: "targets", rows: 0, minimum: 1) }
        guard targets.columns >= 1 else {
            throw ArgumentError(argument: "targets", value: "\(targets.rows)×0", requirement: "needs at least one column")
        }
        let n = targets.rows, k = targets.columns
        outputs = (0..<k).map { o in
            var squared = 0.0, absolute = 0.0, mean = 0.0
            for i in 0..<n { mean += targets.elements[i * k + o] }
            mean /= Double(n)
            var total = 0.0
            for i in 0..<n {
                let y = targets.elements[i * k + o]
                let error = predictions.elements[i * k + o] - y
                squared += error * error
                absolute += abs(error)
                total += (y - mean) * (y - mean)
            }
            let mse = squared / Double(n)
            let r2 = total > 0 ? 1 - squared / total : (squared == 0 ? 1 : 0)
            return Output(meanSquaredError: mse, rootMeanSquaredError: mse.squareRoot(), meanAbsoluteError: absolute / Double(n), r2: r2)
        }
    }
}
