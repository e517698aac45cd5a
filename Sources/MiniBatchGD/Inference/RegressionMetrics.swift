/// Error measures of predictions against targets.
///
/// The top-level figures average the per-output values with equal weight (scikit-learn's
/// "uniform average"); ``outputs`` holds each target's own. With row weights every mean is
/// weighted (Σwᵢ·eᵢ/Σw, and ȳ in R² too), as scikit-learn's `sample_weight` makes them.
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
    /// - Parameters:
    ///   - predictions: n×k predictions.
    ///   - targets: n×k targets.
    ///   - weights: n row weights (finite, ≥ 0, not all zero), or nil.
    /// - Throws: ``MatrixError/dimensionMismatch(operation:argument:expected:actual:)`` for
    ///   different shapes; ``DataError/tooFewRows(argument:rows:minimum:)`` for no rows;
    ///   ``ArgumentError`` for bad weights.
    public init(predictions: Matrix<Double>, targets: Matrix<Double>, weights: [Double]? = nil) throws {
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
        if let weights { try validateRowWeights(weights, rows: n) }
        let weightTotal = weights.map { $0.reduce(0, +) } ?? Double(n)
        outputs = (0..<k).map { o in
            var squared = 0.0, absolute = 0.0, mean = 0.0
            for i in 0..<n { mean += (weights?[i] ?? 1) * targets.elements[i * k + o] }
            mean /= weightTotal
            var total = 0.0
            for i in 0..<n {
                let w = weights?[i] ?? 1, y = targets.elements[i * k + o]
                let error = predictions.elements[i * k + o] - y
                squared += w * error * error
                absolute += w * abs(error)
                total += w * (y - mean) * (y - mean)
            }
            let mse = squared / weightTotal
            let r2 = total > 0 ? 1 - squared / total : (squared == 0 ? 1 : 0)
            return Output(meanSquaredError: mse, rootMeanSquaredError: mse.squareRoot(), meanAbsoluteError: absolute / weightTotal, r2: r2)
        }
    }
}

extension RegressionMetrics {
    /// Rows per chunk of the threaded passes, set by the shape alone: those of the statistics'
    /// residual pass, which reads the rows the same way (eight blocks of 2¹⁶ values at most).
    static func chunkRows(features p: Int, outputs k: Int) -> Int { ResidualPass.chunkRows(features: p, outputs: k) }

    /// The metrics of `parameters` on `rows`, in blocks of rows through a small scratch (the
    /// predictions are never held whole): the targets' means first, then the errors, weighted by
    /// `weights` when given (as the initializer from matrices weighs them). Rows spread over
    /// processes give every rank the metrics of all rows.
    ///
    /// Both passes cut the rows into fixed chunks (``chunkRows(features:outputs:)``) run on
    /// `threads` threads, with OpenBLAS on one thread in each, and add the chunks' sums in chunk
    /// order: the same bits whatever the thread count.
    /// - Throws: ``ModelError/predictionOverflow(row:output:)`` for a prediction that overflows
    ///   (the first one over all ranks, its row counted among all rows).
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    init<Element: BLASScalar>(rows: Rows<Element>, parameters: Parameters, weights: [Double]? = nil, threads: Int = 1) throws {
        let n = rows.count, p = rows.featureCount, k = rows.outputCount
        let chunks = RowChunks(rows: n, chunkRows: Self.chunkRows(features: p, outputs: k))
        let pool = WorkerPool(threads: Swift.min(threads, chunks.count))
        // Σω and Σω·y per target, a chunk at a time.
        let local = chunks.reduce(on: pool) { range in
            var sums = [Double](repeating: 0, count: 1 + k)
            for i in range {
                let weight = weights?[i] ?? 1
                sums[0] += weight
                for o in 0..<k { sums[1 + o] += weight * rows.target(i, o) }
            }
            return sums
        } merge: { sums, part in
            for index in sums.indices { sums[index] += part[index] }
        }
        let means = rows.sum(local)
        let total = means[0], mean = means.dropFirst().map { $0 / total }
        let found = BLASThreads.singleThreaded {
            chunks.reduce(on: pool) { range in
                Self.errors(rows, range, parameters: parameters, mean: mean, weights: weights)
            } merge: {
                found, part in
                // Sums past the first overflow are never read.
                guard found.overflow == nil else { return }
                if let overflow = part.overflow {
                    found.overflow = overflow
                } else {
                    for index in found.sums.indices { found.sums[index] += part.sums[index] }
                }
            }
        }
        let errors = found.sums
        // The first overflow as row·k + output, counted among all rows.
        let overflow = found.overflow.map { ((rows.sharing?.firstRow ?? 0) + $0.row) * k + $0.output }
        // Every rank learns of the first overflow on any rank (the largest of n·k − index).
        let entries = Double(rows.totalCount * k)
        let firstOverflow = entries - rows.maximum(overflow.map { entries - Double($0) } ?? 0)
        if firstOverflow < entries {
            throw ModelError.predictionOverflow(row: Int(firstOverflow) / k, output: Int(firstOverflow) % k)
        }
        let sums = rows.sum(errors)
        outputs = (0..<k).map { o in
            let squared = sums[o], absolute = sums[k + o], spread = sums[2 * k + o]
            let mse = squared / total
            let r2 = spread > 0 ? 1 - squared / spread : (squared == 0 ? 1 : 0)
            return Output(meanSquaredError: mse, rootMeanSquaredError: mse.squareRoot(), meanAbsoluteError: absolute / total, r2: r2)
        }
    }

    /// Σω·e², Σω·|e| and Σω·(y − ȳ)² per target (k each, in that order) over rows `range`, e the
    /// prediction's error; or the first prediction that is not finite (its row and output).
    private static func errors<Element: BLASScalar>(
        _ rows: Rows<Element>, _ range: Range<Int>, parameters: Parameters, mean: [Double], weights: [Double]?
    ) -> (sums: [Double], overflow: (row: Int, output: Int)?) {
        let p = rows.featureCount, k = rows.outputCount
        var sums = [Double](repeating: 0, count: 3 * k)
        guard !range.isEmpty else { return (sums, nil) }
        // 2¹⁶ predictions a block; Float rows also widen X a block at a time, so 2¹⁶ values of X too.
        // Rows read from columns are gathered into the scratch too, in the blocks rows of their
        // type with a stride are read in (the same products, so the same bits).
        let inPlace = Element.isReadInPlaceAsDouble && !rows.isColumnar
        let blockRows = Swift.max(1, Swift.min(range.count, (1 << 16) / Swift.max(k, Element.isReadInPlaceAsDouble ? 1 : p + k)))
        var predictions = [Double](repeating: 0, count: blockRows * k)
        // Float rows are widened a block at a time for BLAS (Double rows are read in place).
        var widened = [Double](repeating: 0, count: inPlace ? 0 : blockRows * p)
        var start = range.lowerBound
        while start < range.upperBound {
            let count = Swift.min(blockRows, range.upperBound - start)
            predictions.withUnsafeMutableBufferPointer { h in
                for i in 0..<count { for o in 0..<k { h[i * k + o] = parameters.intercept[o] } }
                parameters.coefficients.withUnsafePointer { w in
                    widened.withUnsafeMutableBufferPointer { scratch in
                        rows.withDoubleFeatures(from: start, rows: count, scratch: scratch.baseAddress ?? h.baseAddress!) { x, ldx in
                            BLAS.gemm(
                                transposeA: false, transposeB: false, m: count, n: k, k: p, alpha: 1, a: x, lda: ldx, b: w, ldb: k, beta: 1,
                                c: h.baseAddress!, ldc: k)
                        }
                    }
                }
            }
            for i in 0..<count {
                for o in 0..<k {
                    let prediction = predictions[i * k + o]
                    guard prediction.isFinite else { return (sums, (start + i, o)) }
                    let y = rows.target(start + i, o), error = prediction - y
                    let weight = weights?[start + i] ?? 1
                    sums[o] += weight * error * error
                    sums[k + o] += weight * abs(error)
                    sums[2 * k + o] += weight * (y - mean[o]) * (y - mean[o])
                }
            }
            start += count
        }
        return (sums, nil)
    }
}
