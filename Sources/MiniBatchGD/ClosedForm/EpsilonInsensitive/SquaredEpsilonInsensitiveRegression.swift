/// The exact reference for the squared epsilon-insensitive loss
/// (``SquaredEpsilonInsensitiveLoss``): the minimizer of
/// F(β, b) = (1/Σw)·Σwᵢ·max(0, |yᵢ − b − xᵢβ| − ε)²/2 per target, by semismooth Newton on this
/// piecewise quadratic (the Hessian of the residuals beyond ε), each step's length found exactly
/// on its line, to the gradient's floating-point floor (as ``HuberRegression``).
///
/// The minimizer need not be unique: when the residuals beyond ε at the optimum do not span the
/// columns (many rows inside the tube), a set of coefficients gives the same F. The optimum's
/// value is unique, so comparisons use the objective; a whisker of ridge enters only the Newton
/// step's system when the Hessian is singular, never the problem. The gradient's largest entry
/// is the certificate, with the rows inside the tube counted.
///
/// ```swift
/// let solution = try SquaredEpsilonInsensitiveRegression.solve(data, epsilon: 0.5)
/// print(solution.coefficients, solution.targets[0].objective, solution.targets[0].insideTube)
/// ```
public enum SquaredEpsilonInsensitiveRegression {
    /// One target's Newton iterations and their certificate.
    ///
    /// ```swift
    /// let report = try SquaredEpsilonInsensitiveRegression.solve(data, epsilon: 0.5).targets[0]
    /// assert(report.converged)
    /// ```
    public struct TargetReport: Sendable, Equatable {
        /// Newton steps taken.
        public let iterations: Int
        /// max |∂F/∂θ| at the answer, over the coefficients and the intercept.
        public let gradientNorm: Double
        /// Whether the gradient reached its floor (the rounding of its own sums); false after
        /// the iteration limit.
        public let converged: Bool
        /// Rows of positive weight whose residual lies within ε at the answer (charged nothing).
        public let insideTube: Int
        /// F at the answer (the mean loss).
        public let objective: Double
        /// Conjugate-gradient steps over all the Newton steps (0 when each was solved by Cholesky).
        public let innerIterations: Int
    }

    /// The answer and how it was reached.
    ///
    /// ```swift
    /// let solution = try SquaredEpsilonInsensitiveRegression.solve(data, epsilon: 0.5)
    /// print(solution.epsilon, solution.intercept)
    /// ```
    public struct Solution: Sendable, Equatable {
        /// Coefficients (p×k) and intercepts (k), in the data's units.
        public let parameters: Parameters
        /// ε.
        public let epsilon: Double
        /// One report per target.
        public let targets: [TargetReport]
        /// How each Newton step was solved: by Cholesky of the formed Hessian (dense rows, and
        /// sparse ones up to 4096 columns), or by conjugate gradients beyond.
        public let system: NewtonSystem
        /// p×k coefficients.
        public var coefficients: Matrix<Double> { parameters.coefficients }
        /// k intercepts (zeros without one).
        public var intercept: [Double] { parameters.intercept }
    }

    /// Newton steps allowed per target.
    public static let iterationLimit = 200

    /// Solves the squared epsilon-insensitive problem with tube half-width `epsilon` on every
    /// target of `data`.
    ///
    /// ```swift
    /// let solution = try SquaredEpsilonInsensitiveRegression.solve(data, epsilon: 0.1, fitIntercept: false)
    /// ```
    /// - Parameters:
    ///   - data: the rows (their own weights, if any, weigh the losses).
    ///   - epsilon: ε ≥ 0, in the targets' units (0: least squares).
    ///   - fitIntercept: fit an intercept per target.
    ///   - weights: one weight per row, finite and ≥ 0; nil for the source's own.
    /// - Throws: ``ArgumentError`` for ε negative or not finite, weights of the wrong count or
    ///   sign, or rows spread over processes; ``DataError/tooFewRows(argument:rows:minimum:)``
    ///   without rows; ``MatrixError/nonFinite(argument:row:column:value:)`` for a value that is
    ///   not finite; ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)`` when the
    ///   rows' copy does not fit in memory.
    /// - Complexity: O(n·p²) per Newton step; a handful of steps once the rows beyond ε are found.
    public static func solve<Source: RowSource>(
        _ data: Source, epsilon: Double, fitIntercept: Bool = true, weights: [Double]? = nil
    ) throws -> Solution {
        guard epsilon.isFinite, epsilon >= 0 else {
            throw ArgumentError(argument: "epsilon", value: "\(epsilon)", requirement: "must be a finite number ≥ 0")
        }
        let (parameters, results) = try PiecewiseQuadraticNewton.solve(
            data, loss: SquaredEpsilonInsensitiveLoss(epsilon: epsilon), fitIntercept: fitIntercept, weights: weights,
            iterationLimit: iterationLimit, what: "squared epsilon-insensitive regression")
        return Solution(
            parameters: parameters, epsilon: epsilon,
            targets: results.map {
                TargetReport(
                    iterations: $0.iterations, gradientNorm: $0.gradientNorm, converged: $0.converged, insideTube: $0.flatRows,
                    objective: $0.objective, innerIterations: $0.innerIterations)
            }, system: .cholesky)
    }
}
