/// The spread of per-example gradients around their mean, the quantity behind the critical
/// batch size of McCandlish et al. (2018, "An Empirical Model of Large-Batch Training").
///
/// With gᵢ the gradient of ½‖rᵢ‖² for row i alone and G their mean, both in the coordinates
/// descent runs in (standardized features when standardizing, the intercept as a coordinate),
/// the simple noise scale is B_simple = tr(Σ)/‖G‖², Σ the covariance of the gᵢ (divisor n).
/// For least squares gᵢ = ãᵢ ⊗ rᵢ, so ‖gᵢ‖² = ‖ãᵢ‖²·‖rᵢ‖² and one pass over the rows gives it
/// exactly: tr(Σ) = mean ‖gᵢ‖² − ‖G‖². With row weights, gᵢ = wᵢ·ãᵢ ⊗ rᵢ (B_simple does not
/// change when every weight is scaled alike).
public struct GradientNoise: Equatable, Sendable {
    /// ‖G‖², the squared norm of the mean gradient.
    public let meanGradientSquaredNorm: Double
    /// tr(Σ), the total variance of the per-example gradients.
    public let traceCovariance: Double

    /// B_simple = tr(Σ)/‖G‖² (infinite at the optimum, where G = 0).
    public var simple: Double { meanGradientSquaredNorm > 0 ? traceCovariance / meanGradientSquaredNorm : .infinity }

    /// Measures the noise at `parameters`, a flat vector in descent coordinates (p×k coefficients
    /// row-major, then k intercepts).
    /// - Complexity: O(n·p·k), one pass over the rows.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public init<Element: BLASScalar>(_ data: Dataset<Element>, standardizer: Standardizer?, fitIntercept: Bool, parameters: [Double]) {
        self = data.withRows {
            GradientNoise($0, weights: data.weights, standardizer: standardizer, fitIntercept: fitIntercept, parameters: parameters)
        }
    }

    /// The noise over `data`'s rows, weighted by `weights` when given.
    init<Element: BLASScalar>(
        _ data: Rows<Element>, weights: [Double]?, standardizer: Standardizer?, fitIntercept: Bool, parameters: [Double]
    ) {
        let n = data.count, p = data.featureCount, k = data.outputCount
        let centre = standardizer?.mean ?? Array(repeating: 0, count: p)
        let inverse = standardizer?.scale.map { 1 / $0 } ?? Array(repeating: 1, count: p)
        var mean = [Double](repeating: 0, count: p * k + k)
        var squares = 0.0
        var z = [Double](repeating: 0, count: p), r = [Double](repeating: 0, count: k)
        data.forEachBlock { first, count, x, ldx, y, ldy in
            for row in 0..<count {
                var rowNorm = fitIntercept ? 1.0 : 0.0
                for j in 0..<p {
                    z[j] = (Double(x[row * ldx + j]) - centre[j]) * inverse[j]
                    rowNorm += z[j] * z[j]
                }
                var residualNorm = 0.0
                let weight = weights?[first + row] ?? 1
                for o in 0..<k {
                    var h = fitIntercept ? parameters[p * k + o] : 0
                    for j in 0..<p { h += z[j] * parameters[j * k + o] }
                    r[o] = weight * (h - Double(y[row * ldy + o]))
                    residualNorm += r[o] * r[o]
                    if fitIntercept { mean[p * k + o] += r[o] }
                }
                for j in 0..<p { for o in 0..<k { mean[j * k + o] += z[j] * r[o] } }
                squares += rowNorm * residualNorm
            }
        }
        self.init(mean: mean, squares: squares, rows: n)
    }

    /// The noise over sparse rows in their descent coordinates (each column divided by `scale`,
    /// never centred), weighted by `weights` when given; one pass over the nonzeros.
    init<Element: BLASScalar>(
        sparse data: SparseRowsView<Element>, features p: Int, weights: UnsafePointer<Double>?, scale: [Double], fitIntercept: Bool,
        parameters: [Double]
    ) {
        let n = data.rows, k = data.k
        var mean = [Double](repeating: 0, count: p * k + k), r = [Double](repeating: 0, count: k)
        var squares = 0.0
        for i in 0..<n {
            let range = data.rowStarts[i]..<data.rowStarts[i + 1]
            var rowNorm = fitIntercept ? 1.0 : 0.0
            for position in range {
                let z = Double(data.values[position]) / scale[Int(data.columns[position])]
                rowNorm += z * z
            }
            var residualNorm = 0.0
            let weight = weights?[i] ?? 1
            for o in 0..<k {
                var h = fitIntercept ? parameters[p * k + o] : 0
                for position in range {
                    let j = Int(data.columns[position])
                    h += Double(data.values[position]) / scale[j] * parameters[j * k + o]
                }
                r[o] = weight * (h - Double(data.targets[i * k + o]))
                residualNorm += r[o] * r[o]
                if fitIntercept { mean[p * k + o] += r[o] }
            }
            for position in range {
                let j = Int(data.columns[position]), z = Double(data.values[position]) / scale[j]
                for o in 0..<k { mean[j * k + o] += z * r[o] }
            }
            squares += rowNorm * residualNorm
        }
        self.init(mean: mean, squares: squares, rows: n)
    }

    /// From the summed per-row gradients and Σ‖gᵢ‖² over `n` rows.
    private init(mean: [Double], squares: Double, rows n: Int) {
        let count = Double(Swift.max(n, 1))
        var norm = 0.0
        for index in mean.indices { norm += (mean[index] / count) * (mean[index] / count) }
        meanGradientSquaredNorm = norm
        traceCovariance = Swift.max(squares / count - norm, 0)
    }

}
