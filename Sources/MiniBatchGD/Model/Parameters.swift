/// The parameters θ of a linear model: a p×k coefficient matrix and k intercepts.
///
/// One column per output, so a single model can fit several targets at once. The same shape
/// holds a gradient.
public struct Parameters: Equatable, Sendable {
    /// p×k coefficients, one row per feature, one column per output.
    public var coefficients: Matrix<Double>
    /// k intercepts (zero for a model without intercept).
    public var intercept: [Double]

    /// - Throws: ``MatrixError/dimensionMismatch(operation:argument:expected:actual:)`` when
    ///   `intercept.count` differs from the number of coefficient columns.
    public init(coefficients: Matrix<Double>, intercept: [Double]) throws {
        guard intercept.count == coefficients.columns else {
            throw MatrixError.dimensionMismatch(
                operation: "Parameters", argument: "intercept",
                expected: "\(coefficients.columns) values", actual: "\(intercept.count)")
        }
        self.coefficients = coefficients
        self.intercept = intercept
    }

    /// All-zero parameters for `features` features and `outputs` outputs.
    public static func zeros(features: Int, outputs: Int) -> Parameters {
        Parameters(unchecked: .zeros(features, outputs), Array(repeating: 0, count: outputs))
    }

    init(unchecked coefficients: Matrix<Double>, _ intercept: [Double]) {
        self.coefficients = coefficients
        self.intercept = intercept
    }

    /// Number of features p.
    public var featureCount: Int { coefficients.rows }
    /// Number of outputs k.
    public var outputCount: Int { coefficients.columns }

    /// Intercepts followed by the coefficients, output by output: the vector that relative
    /// differences between two fits are measured on.
    var stacked: [Double] {
        var values = intercept
        values.append(contentsOf: coefficients.elements)
        return values
    }

    var isFinite: Bool { intercept.allSatisfy(\.isFinite) && coefficients.elements.allSatisfy(\.isFinite) }
}

/// How per-sample gradients and costs of a batch are combined.
public enum Reduction: String, Sendable, CaseIterable {
    /// Average over the batch: cost ½·mean(r²), gradient Xᵀr / b. The step size then does not
    /// depend on the batch size, so one learning rate serves a whole sweep. The default.
    case mean
    /// Sum over the batch: cost ½·Σr², gradient Xᵀr, as in the seed article. The largest
    /// stable learning rate shrinks as the batch grows.
    case sum

    /// The factor that turns a sum over `rows` samples into this reduction.
    func scale(rows: Int) -> Double { self == .mean ? 1 / Double(rows) : 1 }
}
