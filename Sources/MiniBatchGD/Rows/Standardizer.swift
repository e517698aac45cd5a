/// Per-feature centring and scaling: z = (x − mean) / scale.
///
/// Fit it on training data only. A column with zero spread keeps scale 1, so it is centred
/// but never divided by zero.
public struct Standardizer: Equatable, Sendable {
    /// Column means of the data it was fitted on.
    public let mean: [Double]
    /// Column standard deviations (population, divisor n), or 1 for constant columns.
    public let scale: [Double]

    /// Fits means and standard deviations of the columns of `features` (two passes, for accuracy).
    /// - Parameters:
    ///   - features: the rows to fit on.
    ///   - weights: row weights for weighted means and deviations (divisor Σw), or nil.
    /// - Complexity: O(rows × columns).
    public init(fitting features: Matrix<Double>, weights: [Double]? = nil) {
        self = features.withUnsafePointer {
            Standardizer(fitting: $0, rows: features.rows, columns: features.columns, stride: features.columns, weights: weights)
        }
    }

    /// Fits the features of `data` (its targets with `targets`), weighted by `weights`: through
    /// the strides, or column by column for rows read from columns (each column's sums the same
    /// terms in the same order: the same bits).
    init<Element: BLASScalar>(fitting data: Rows<Element>, targets: Bool = false, weights: [Double]?) {
        if let columns = data.columns {
            self.init(fittingColumns: targets ? columns.targets : columns.features, rows: data.count, weights: weights)
        } else if targets {
            self.init(
                fitting: data.y, rows: data.count, columns: data.outputCount, stride: data.yStride, weights: weights, sharing: data.sharing)
        } else {
            self.init(
                fitting: data.x, rows: data.count, columns: data.featureCount, stride: data.xStride, weights: weights, sharing: data.sharing
            )
        }
    }

    /// The strided fit's two passes, a column at a time (columnar rows are never spread over processes).
    private init(fittingColumns columns: [ColumnTable.Values], rows: Int, weights: [Double]?) {
        let n = weights.map { $0.reduce(0, +) } ?? Double(rows)
        var mean = [Double](repeating: 0, count: columns.count), squares = mean
        for (j, column) in columns.enumerated() {
            var sum = 0.0
            for i in 0..<rows { sum += (weights?[i] ?? 1) * column.value(i) }
            mean[j] = sum / n
            var square = 0.0
            for i in 0..<rows {
                let d = column.value(i) - mean[j]
                square += (weights?[i] ?? 1) * d * d
            }
            squares[j] = square
        }
        let scale = (0..<columns.count).map { j in Self.scale(standardDeviation: (squares[j] / n).squareRoot(), mean: mean[j]) }
        self.init(mean: mean, scale: scale)
    }

    /// Fits `columns` columns of `rows` rows at `x` (row i at `x + i·stride`); with `sharing`,
    /// the columns of every rank's rows (two exchanges: the sums, then the squares).
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    init<Element: BLASScalar>(
        fitting x: UnsafePointer<Element>, rows: Int, columns p: Int, stride: Int, weights: [Double]?, sharing: Sharing? = nil
    ) {
        var mean = [Double](repeating: 0, count: p)
        var squares = [Double](repeating: 0, count: p)
        for i in 0..<rows {
            let w = weights?[i] ?? 1, row = x + i * stride
            for j in 0..<p { mean[j] += w * Double(row[j]) }
        }
        let local = [weights.map { $0.reduce(0, +) } ?? Double(rows)] + mean
        let sums = sharing?.communicator.sum(local) ?? local
        let n = sums[0]
        mean = (0..<p).map { sums[1 + $0] / n }
        for i in 0..<rows {
            let w = weights?[i] ?? 1, row = x + i * stride
            for j in 0..<p {
                let d = Double(row[j]) - mean[j]
                squares[j] += w * d * d
            }
        }
        if let sharing { squares = sharing.communicator.sum(squares) }
        let scale = (0..<p).map { j in Self.scale(standardDeviation: (squares[j] / n).squareRoot(), mean: mean[j]) }
        self.init(mean: mean, scale: scale)
    }

    /// The map to the coordinates gradient descent runs in: fitted on `data`'s features (weighted
    /// by its weights, as the closed form's standardized penalty measures them), with
    /// the means kept at zero for a model without intercept (centring would move the origin the
    /// model is forced through).
    static func forDescent<Element: BLASScalar>(_ data: Rows<Element>, weights: [Double]?, fitIntercept: Bool) -> Standardizer {
        let fitted = Standardizer(fitting: data, weights: weights)
        return fitIntercept ? fitted : Standardizer(mean: Array(repeating: 0, count: data.featureCount), scale: fitted.scale)
    }

    /// ``forDescent(_:weights:fitIntercept:)`` of a data set in memory.
    static func forDescent<Element: BLASScalar>(_ data: Dataset<Element>, fitIntercept: Bool) -> Standardizer {
        data.withRows { forDescent($0, weights: data.weights, fitIntercept: fitIntercept) }
    }

    /// The scale of a column: its standard deviation, or 1 when that is at rounding level of
    /// its mean (a constant column).
    static func scale(standardDeviation sd: Double, mean: Double) -> Double {
        sd > 1e-12 * max(abs(mean), Double.leastNormalMagnitude) ? sd : 1
    }

    /// A standardizer with given means and scales (all scales positive and finite).
    public init(mean: [Double], scale: [Double]) {
        self.mean = mean
        self.scale = scale
    }

    /// `features` standardized column by column.
    /// - Throws: ``MatrixError/dimensionMismatch(operation:argument:expected:actual:)`` when the column count differs.
    public func transform(_ features: Matrix<Double>) throws -> Matrix<Double> {
        guard features.columns == mean.count else {
            throw MatrixError.dimensionMismatch(
                operation: "Standardizer.transform", argument: "features",
                expected: "\(mean.count) columns", actual: "\(features.columns)")
        }
        var result = features
        let p = mean.count
        for i in 0..<features.rows {
            for j in 0..<p {
                let x: Double = features.elements[i * p + j]
                result.elements[i * p + j] = (x - mean[j]) / scale[j]
            }
        }
        return result
    }

    /// Maps a model fitted on standardized features back to original units:
    /// θⱼ = θˢⱼ / scaleⱼ and b = bˢ − Σⱼ meanⱼ·θⱼ.
    /// - Parameters:
    ///   - coefficients: p×k coefficients in standardized units.
    ///   - intercept: k intercepts in standardized units.
    func toOriginalUnits(coefficients: Matrix<Double>, intercept: [Double]) -> (coefficients: Matrix<Double>, intercept: [Double]) {
        var original = coefficients
        var bias = intercept
        let k = coefficients.columns
        for j in 0..<coefficients.rows {
            for o in 0..<k {
                let value = coefficients.elements[j * k + o] / scale[j]
                original.elements[j * k + o] = value
                bias[o] -= mean[j] * value
            }
        }
        return (original, bias)
    }

    /// The inverse of ``toOriginalUnits(coefficients:intercept:)``.
    func toStandardizedUnits(coefficients: Matrix<Double>, intercept: [Double]) -> (coefficients: Matrix<Double>, intercept: [Double]) {
        var scaled = coefficients
        var bias = intercept
        let k = coefficients.columns
        for j in 0..<coefficients.rows {
            for o in 0..<k {
                let value = coefficients.elements[j * k + o]
                scaled.elements[j * k + o] = value * scale[j]
                bias[o] += mean[j] * value
            }
        }
        return (scaled, bias)
    }
}
