/// The exact reference for Huber's loss (``HuberLoss``): the minimizer of
/// F(β, b) = (1/Σw)·Σwᵢ·ℓ_δ(yᵢ − b − xᵢβ) per target, by Newton's method on this piecewise
/// quadratic (semismooth Newton: the Hessian of the residuals within δ), each step's length
/// found exactly on its line, to the gradient's floating-point floor.
///
/// Once the residuals within δ (the inliers) are the optimum's, a Newton step lands on the
/// optimum exactly; the method is statsmodels' `RLM(y, X, M=HuberT(t=δ))` with the scale held at
/// 1 (its iteratively reweighted least squares reach the same point), and the tests hold it to
/// statsmodels' answers. The gradient's largest entry at the answer is reported as its
/// certificate, with the residuals beyond δ (the outliers) counted.
///
/// ```swift
/// let solution = try HuberRegression.solve(data, delta: 1.35)
/// print(solution.coefficients, solution.targets[0].outliers, solution.targets[0].gradientNorm)
/// ```
public enum HuberRegression {
    /// One target's Newton iterations and their certificate.
    public struct TargetReport: Sendable, Equatable {
        /// Newton steps taken.
        public let iterations: Int
        /// max |∂F/∂θ| at the answer, over the coefficients and the intercept.
        public let gradientNorm: Double
        /// Whether the gradient reached its floor (the rounding of its own sums); false after
        /// the iteration limit.
        public let converged: Bool
        /// Rows whose residual lies beyond δ at the answer (charged δ·|r|).
        public let outliers: Int
        /// F at the answer.
        public let objective: Double
        /// Conjugate-gradient steps over all the Newton steps (0 when each was solved by Cholesky).
        public let innerIterations: Int
    }

    /// The answer and how it was reached.
    public struct Solution: Sendable, Equatable {
        /// Coefficients (p×k) and intercepts (k), in the data's units.
        public let parameters: Parameters
        /// δ.
        public let delta: Double
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

    /// Solves Huber's problem with threshold `delta` on every target of `data`.
    /// - Parameters:
    ///   - data: the rows (their own weights, if any, weigh the losses).
    ///   - delta: δ > 0, in the targets' units.
    ///   - fitIntercept: fit an intercept per target.
    ///   - weights: one weight per row, finite and ≥ 0; nil for the source's own.
    /// - Throws: ``ArgumentError`` for δ not positive and finite, weights of the wrong count or
    ///   sign, or rows spread over processes; ``DataError/tooFewRows(argument:rows:minimum:)``
    ///   without rows; ``MatrixError/nonFinite(argument:row:column:value:)`` for a value that is
    ///   not finite; ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)`` when the
    ///   rows' copy does not fit in memory.
    /// - Complexity: O(n·p²) per Newton step; a handful of steps once the outliers are found.
    public static func solve<Source: RowSource>(
        _ data: Source, delta: Double, fitIntercept: Bool = true, weights: [Double]? = nil
    ) throws -> Solution {
        guard delta.isFinite, delta > 0 else {
            throw ArgumentError(argument: "delta", value: "\(delta)", requirement: "must be a positive finite number")
        }
        let (parameters, results) = try PiecewiseQuadraticNewton.solve(
            data, loss: HuberLoss(delta: delta), fitIntercept: fitIntercept, weights: weights, iterationLimit: iterationLimit,
            what: "Huber regression")
        return Solution(
            parameters: parameters, delta: delta,
            targets: results.map {
                TargetReport(
                    iterations: $0.iterations, gradientNorm: $0.gradientNorm, converged: $0.converged, outliers: $0.flatRows,
                    objective: $0.objective, innerIterations: $0.innerIterations)
            }, system: .cholesky)
    }
}
