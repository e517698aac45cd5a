/// The least-squares objective of a linear model: hypothesis, cost and gradient, on BLAS.
///
/// With X the n×p features, Y the n×k targets and θ = (W, c):
/// - hypothesis h = X·W + 1·cᵀ;
/// - cost J = ½·‖h − Y‖², summed, or divided by n for ``Reduction/mean``;
/// - gradient ∂J/∂W = Xᵀ(h − Y) and ∂J/∂c = 1ᵀ(h − Y), scaled the same way.
///
/// The allocating functions return new matrices; the `into:` variants write into storage the
/// caller owns and allocate nothing, for use in loops.
public enum Objective {
    /// The predictions X·W + c for every row of `features`.
    /// - Throws: ``MatrixError/dimensionMismatch(operation:argument:expected:actual:)`` when
    ///   the feature count differs from the parameters'.
    /// - Complexity: O(n·p·k), one `dgemv` (k = 1) or `dgemm`.
    public static func hypothesis(_ features: MatrixView<Double>, _ parameters: Parameters) throws -> Matrix<Double> {
        var output = Matrix<Double>.zeros(features.rows, parameters.outputCount)
        try hypothesis(features, parameters, into: &output)
        return output
    }

    /// The hypothesis written into `output` (n×k), without allocating.
    public static func hypothesis(_ features: MatrixView<Double>, _ parameters: Parameters, into output: inout Matrix<Double>) throws {
        try checkFeatures("hypothesis", features, parameters)
        try checkShape("hypothesis", "output", output, rows: features.rows, columns: parameters.outputCount)
        guard features.rows > 0 else { return }
        run(features, nil, parameters, &output)
    }

    /// The cost ½·‖X·W + c − Y‖², reduced by `reduction`, summed over outputs; with row weights
    /// wᵢ, ½·Σwᵢ‖rᵢ‖², divided by Σwᵢ for ``Reduction/mean`` (a row of weight w counts as w rows).
    /// - Parameters:
    ///   - features: n×p features.
    ///   - targets: n×k targets.
    ///   - parameters: the coefficients and intercepts.
    ///   - reduction: summed, or divided by n (by Σw with weights).
    ///   - weights: one weight per row (finite, ≥ 0, not all zero), or nil.
    /// - Throws: ``MatrixError/dimensionMismatch(operation:argument:expected:actual:)`` for shapes
    ///   that do not fit; ``DataError/tooFewRows(argument:rows:minimum:)`` for no rows;
    ///   ``ArgumentError`` for bad weights.
    /// - Complexity: O(n·p·k); allocates one n×k residual.
    public static func cost(
        features: MatrixView<Double>, targets: MatrixView<Double>, parameters: Parameters,
        reduction: Reduction = .mean, weights: [Double]? = nil
    ) throws -> Double {
        let n = features.rows, k = parameters.outputCount
        try checkFeatures("cost", features, parameters)
        try checkShape("cost", "targets", targets.base, rows: n, columns: k, actualRows: targets.rows)
        guard n > 0 else { throw DataError.tooFewRows(argument: "features", rows: 0, minimum: 1) }
        var residual = Matrix<Double>.zeros(n, k)
        run(features, targets, parameters, &residual)
        guard let weights else {
            return reduction.scale(rows: n) * residual.withUnsafePointer { LinearKernel.halfSquaredNorm(n * k, $0) }
        }
        try validateRowWeights(weights, rows: n)
        let halfSquares = residual.withUnsafePointer { r in
            weights.withUnsafeBufferPointer { w in LinearKernel.weightedHalfSquaredNorm(rows: n, k: k, r, rowWeights: w.baseAddress!) }
        }
        return reduction == .mean ? halfSquares / weights.reduce(0, +) : halfSquares
    }

    /// The gradient of the cost with respect to the
    /// coefficients and intercepts (the intercept gradient is computed even for a model that
    /// has none; ignore it there).
    /// - Complexity: O(n·p·k); two BLAS calls.
    public static func gradient(
        features: MatrixView<Double>, targets: MatrixView<Double>, parameters: Parameters,
        reduction: Reduction = .mean
    ) throws -> Parameters {
        var residual = Matrix<Double>.zeros(features.rows, parameters.outputCount)
        var gradient = Parameters.zeros(features: parameters.featureCount, outputs: parameters.outputCount)
        _ = try self.gradient(
            features: features, targets: targets, parameters: parameters, reduction: reduction,
            into: &gradient, residual: &residual)
        return gradient
    }

    /// Writes the gradient into `gradient` and the residual h − Y into `residual` (n×k), and
    /// returns the cost, without allocating.
    /// - Throws: ``MatrixError/dimensionMismatch(operation:argument:expected:actual:)`` for any
    ///   shape that does not fit; ``DataError/tooFewRows(argument:rows:minimum:)`` for no rows.
    @discardableResult
    public static func gradient(
        features: MatrixView<Double>, targets: MatrixView<Double>, parameters: Parameters, reduction: Reduction,
        into gradient: inout Parameters, residual: inout Matrix<Double>
    ) throws -> Double {
        let n = features.rows, p = parameters.featureCount, k = parameters.outputCount
        try checkFeatures("gradient", features, parameters)
        try checkShape("gradient", "targets", targets.base, rows: n, columns: k, actualRows: targets.rows)
        try checkShape("gradient", "residual", residual, rows: n, columns: k)
        try checkShape("gradient", "gradient.coefficients", gradient.coefficients, rows: p, columns: k)
        guard gradient.intercept.count == k else {
            throw MatrixError.dimensionMismatch(
                operation: "gradient", argument: "gradient.intercept",
                expected: "\(k) values", actual: "\(gradient.intercept.count)")
        }
        guard n > 0 else { throw DataError.tooFewRows(argument: "features", rows: 0, minimum: 1) }
        run(features, targets, parameters, &residual)
        let scale = reduction.scale(rows: n)
        residual.withUnsafePointer { r in
            features.withUnsafePointer { x in
                gradient.coefficients.withUnsafeMutablePointer { g in
                    gradient.intercept.withUnsafeMutableBufferPointer { gc in
                        LinearKernel.gradient(
                            rows: n, p: p, k: k, x: x, residual: r, alpha: scale, beta: 0,
                            weightGradient: g, offsetGradient: gc.baseAddress!)
                    }
                }
            }
        }
        return scale * residual.withUnsafePointer { LinearKernel.halfSquaredNorm(n * k, $0) }
    }

    private static func run(
        _ features: MatrixView<Double>, _ targets: MatrixView<Double>?, _ parameters: Parameters, _ output: inout Matrix<Double>
    ) {
        let n = features.rows, p = parameters.featureCount, k = parameters.outputCount
        features.withUnsafePointer { x in
            parameters.coefficients.withUnsafePointer { w in
                parameters.intercept.withUnsafeBufferPointer { c in
                    output.withUnsafeMutablePointer { r in
                        if let targets {
                            targets.withUnsafePointer { y in
                                LinearKernel.residual(rows: n, p: p, k: k, x: x, y: y, coefficients: w, intercept: c.baseAddress!, into: r)
                            }
                        } else {
                            LinearKernel.residual(rows: n, p: p, k: k, x: x, y: nil, coefficients: w, intercept: c.baseAddress!, into: r)
                        }
                    }
                }
            }
        }
    }

    private static func checkFeatures<Element: BLASScalar>(_ operation: String, _ features: MatrixView<Element>, _ parameters: Parameters)
        throws
    {
        try BLAS.checkDimensions(operation, features.rows, features.columns, parameters.outputCount)
        guard parameters.featureCount >= 1, parameters.outputCount >= 1 else {
            throw MatrixError.dimensionMismatch(
                operation: operation, argument: "parameters.coefficients", expected: "at least 1×1",
                actual: "\(parameters.featureCount)×\(parameters.outputCount)")
        }
        guard features.columns == parameters.featureCount else {
            throw MatrixError.dimensionMismatch(
                operation: operation, argument: "features",
                expected: "\(parameters.featureCount) columns (one per coefficient row)",
                actual: "\(features.columns)")
        }
    }

    private static func checkShape(
        _ operation: String, _ argument: String, _ matrix: Matrix<Double>, rows: Int, columns: Int,
        actualRows: Int? = nil
    ) throws {
        let actualRows = actualRows ?? matrix.rows
        guard actualRows == rows, matrix.columns == columns else {
            throw MatrixError.dimensionMismatch(
                operation: operation, argument: argument, expected: "\(rows)×\(columns)",
                actual: "\(actualRows)×\(matrix.columns)")
        }
    }
}

extension Objective {
    /// The cost of `parameters` on `data`'s rows (½Σwᵢ‖rᵢ‖², over Σw under the mean reduction),
    /// in blocks through a small scratch: for rows that are never held as a matrix.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    static func cost<Element: BLASScalar>(_ data: Rows<Element>, weights: [Double]?, parameters: Parameters, reduction: Reduction) -> Double
    {
        let n = data.count, p = data.featureCount, k = data.outputCount
        let scratchRows = Swift.max(1, Swift.min(n, 4096))
        let scratch = Buffer<Double>(repeating: 0, count: scratchRows * k), sums = Buffer<Double>(repeating: 0, count: k)
        // Float rows are widened, and columns gathered, a block at a time (Double rows with a
        // stride are read in place).
        let wide = Element.isReadInPlaceAsDouble && !data.isColumnar ? 0 : scratchRows
        let wideX = Buffer<Double>(repeating: 0, count: wide * p), wideY = Buffer<Double>(repeating: 0, count: wide * k)
        parameters.coefficients.withUnsafePointer { w in
            parameters.intercept.withUnsafeBufferPointer { c in
                withOptionalPointer(weights) { omega in
                    var start = 0
                    repeat {
                        let count = wide == 0 ? n : Swift.min(wide, n - start)
                        data.withDoubleRows(from: start, rows: count, scratchX: wideX.base, scratchY: wideY.base) { x, ldx, y, ldy in
                            LinearKernel.halfSquaredResiduals(
                                rows: count, p: p, k: k, x: x, ldx: ldx, y: y, ldy: ldy, coefficients: w, intercept: c.baseAddress!,
                                rowWeights: omega.map { $0 + start }, scratch: scratch.base, scratchRows: scratchRows, into: sums.base)
                        }
                        start += count
                    } while start < n
                }
            }
        }
        var halfSquares = 0.0
        for o in 0..<k { halfSquares += sums.base[o] }
        // Rows spread over processes: the sums over every rank.
        halfSquares = data.sum(halfSquares)
        guard let weights else { return reduction.scale(rows: data.totalCount) * halfSquares }
        return reduction == .mean ? halfSquares / data.sum(weights.reduce(0, +)) : halfSquares
    }

    /// ``hypothesis(_:_:)`` over a whole matrix.
    public static func hypothesis(_ features: Matrix<Double>, _ parameters: Parameters) throws -> Matrix<Double> {
        try hypothesis(features.view, parameters)
    }

    /// ``cost(features:targets:parameters:reduction:weights:)`` over whole matrices.
    public static func cost(
        features: Matrix<Double>, targets: Matrix<Double>, parameters: Parameters, reduction: Reduction = .mean, weights: [Double]? = nil
    ) throws -> Double {
        try cost(features: features.view, targets: targets.view, parameters: parameters, reduction: reduction, weights: weights)
    }

    /// The cost of `parameters` on `data`, weighted by its ``Dataset/weights`` when it has them.
    /// - Throws: as ``cost(features:targets:parameters:reduction:weights:)-(Matrix<Double>,_,_,_,_)``.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public static func cost<Element: BLASScalar>(_ data: Dataset<Element>, parameters: Parameters, reduction: Reduction = .mean) throws
        -> Double
    {
        if let data = data as? Dataset<Double> {
            return try cost(
                features: data.features, targets: data.targets, parameters: parameters, reduction: reduction, weights: data.weights)
        }
        // Float rows: the same checks, then the cost in Double over the rows read in place.
        try checkFeatures("cost", data.features.view, parameters)
        guard data.outputCount == parameters.outputCount else {
            throw MatrixError.dimensionMismatch(
                operation: "cost", argument: "targets", expected: "\(parameters.outputCount) columns (one per output)",
                actual: "\(data.outputCount)")
        }
        return data.withRows { cost($0, weights: data.weights, parameters: parameters, reduction: reduction) }
    }

    /// ``gradient(features:targets:parameters:reduction:)`` over whole matrices.
    public static func gradient(features: Matrix<Double>, targets: Matrix<Double>, parameters: Parameters, reduction: Reduction = .mean)
        throws
        -> Parameters
    {
        try gradient(features: features.view, targets: targets.view, parameters: parameters, reduction: reduction)
    }
}
