/// The exact reference for the epsilon-insensitive loss (``EpsilonInsensitiveLoss``): the
/// minimizer of Σwᵢ·max(0, |yᵢ − b − xᵢβ| − ε) per target, solved as a linear program.
///
/// max(0, |u| − ε) = ½|u − ε| + ½|u + ε| − ε, so the problem is median regression
/// (``QuantileRegression`` at τ = ½) on the rows doubled, once with target y − ε and once with
/// y + ε, each at its weight, less the constant ε·Σw: the same Frisch–Newton interior point,
/// vertex and duality gap certify it (ε = 0, least absolute deviations, is the median regression of
/// the rows themselves, its objective doubled). The rows on the tube's edge (|r| = ε) are that LP's zero
/// residuals. The optimum's coefficients need not be unique (the LP can have a face of optima);
/// its objective is, so comparisons use the objective.
///
/// ```swift
/// let solution = try EpsilonInsensitiveRegression.solve(data, epsilon: 0.5)
/// print(solution.coefficients, solution.targets[0].dualityGap, solution.targets[0].edgeResiduals)
/// ```
public enum EpsilonInsensitiveRegression {
    /// One target's iterations and their certificate.
    ///
    /// ```swift
    /// let report = try EpsilonInsensitiveRegression.solve(data, epsilon: 0.5).targets[0]
    /// assert(report.converged && report.dualObjective <= report.objective)
    /// ```
    public struct TargetReport: Sendable, Equatable {
        /// Interior-point (Newton) steps taken.
        public let iterations: Int
        /// Σwᵢ·max(0, |rᵢ| − ε) at the answer: the primal objective (a sum, as
        /// ``QuantileRegression``'s).
        public let objective: Double
        /// The largest dual objective found, less ε·Σw: no coefficients give an objective below it.
        public let dualObjective: Double
        /// (objective − dualObjective) / objective, the objective no smaller than the rounding of
        /// the doubled problem's sums (0 when the gap is 0).
        public let dualityGap: Double
        /// Whether ``dualityGap`` is at most ``QuantileRegression/gapTolerance``.
        public let converged: Bool
        /// Rows (of positive weight) whose residual lies on the tube's edge, |r| = ε, to rounding.
        public let edgeResiduals: Int
        /// Whether the answer is a vertex of the LP whose dual satisfies the optimality conditions.
        public let isVertex: Bool
        /// Conjugate-gradient steps over all the interior point's solves (0 by Cholesky).
        public let innerIterations: Int
    }

    /// The answer and how it was reached.
    ///
    /// ```swift
    /// let solution = try EpsilonInsensitiveRegression.solve(data, epsilon: 0.5)
    /// print(solution.epsilon, solution.intercept)
    /// ```
    public struct Solution: Sendable, Equatable {
        /// Coefficients (p×k) and intercepts (k), in the data's units.
        public let parameters: Parameters
        /// ε.
        public let epsilon: Double
        /// One report per target.
        public let targets: [TargetReport]
        /// How each step's normal equations were solved (``QuantileRegression/Solution/system``).
        public let system: NewtonSystem
        /// p×k coefficients.
        public var coefficients: Matrix<Double> { parameters.coefficients }
        /// k intercepts (zeros without one).
        public var intercept: [Double] { parameters.intercept }
    }

    /// Solves epsilon-insensitive regression with tube half-width `epsilon` on every target of
    /// `data`.
    ///
    /// ```swift
    /// let solution = try EpsilonInsensitiveRegression.solve(data, epsilon: 0, fitIntercept: false)  // least absolute deviations
    /// ```
    /// - Parameters:
    ///   - data: the rows (their own weights, if any, weigh the losses).
    ///   - epsilon: ε ≥ 0, in the targets' units.
    ///   - fitIntercept: fit an intercept per target.
    ///   - weights: one weight per row, finite and ≥ 0; nil for the source's own. A row of weight
    ///     0 is left out.
    /// - Throws: ``ArgumentError`` for ε negative or not finite, and what
    ///   ``QuantileRegression/solve(_:quantile:fitIntercept:weights:)-(Source,_,_,_)`` throws (bad weights,
    ///   dependent columns, too few rows, values that are not finite, rows spread over processes,
    ///   too little memory for the doubled rows).
    /// - Complexity: that of quantile regression on 2n rows.
    public static func solve<Source: RowSource>(
        _ data: Source, epsilon: Double, fitIntercept: Bool = true, weights: [Double]? = nil
    ) throws -> Solution {
        guard epsilon.isFinite, epsilon >= 0 else {
            throw ArgumentError(argument: "epsilon", value: "\(epsilon)", requirement: "must be a finite number ≥ 0")
        }
        let n = data.rows, p = data.featureCount, k = data.outputCount
        guard n > 0 else { throw DataError.tooFewRows(argument: "data", rows: 0, minimum: 1) }
        let w = weights ?? data.weights
        if let w, w.count != n {
            throw ArgumentError(argument: "weights", value: "\(w.count) values", requirement: "must be \(n) finite values ≥ 0")
        }
        // ε = 0 is least absolute deviations, twice the median regression of the rows themselves
        // (doubled, each row's two copies would be equal and the LP's vertex degenerate).
        let copies = epsilon > 0 ? 2 : 1
        try MemoryBudget.require(
            MemoryBudget.doubles(copies * n, p + k), for: "epsilon-insensitive regression's doubled copy of \(n) rows")
        // The doubled rows: row i with target y − ε, row n + i with y + ε.
        var x = [Double](repeating: 0, count: copies * n * p), y = [Double](repeating: 0, count: copies * n * k)
        try data.forEachFiniteRow { i, features, targets in
            for j in 0..<p {
                x[i * p + j] = features[j]
                if copies == 2 { x[(n + i) * p + j] = features[j] }
            }
            for o in 0..<k {
                y[i * k + o] = targets[o] - epsilon
                if copies == 2 { y[(n + i) * k + o] = targets[o] + epsilon }
            }
        }
        let doubled = try Dataset(
            features: Matrix(uncheckedRows: copies * n, columns: p, elements: x),
            targets: Matrix(uncheckedRows: copies * n, columns: k, elements: y), weights: copies == 2 ? w.map { $0 + $0 } : w)
        let median = try QuantileRegression.solve(doubled, quantile: 0.5, fitIntercept: fitIntercept)
        let parameters = median.parameters
        return Self.solution(median, epsilon: epsilon, rows: n, weights: w, copies: copies) { i, o in
            // The residual as it was always summed: the stored y − ε, plus ε, less the prediction.
            var prediction = parameters.intercept[o]
            for j in 0..<p { prediction += x[i * p + j] * parameters.coefficients[j, o] }
            return y[i * k + o] + epsilon - prediction
        }
    }

    /// The epsilon-insensitive answer from the median regression of the rows doubled (`copies`
    /// 2) or not (ε = 0): the objective summed afresh from `residual(i, o)` of the n original
    /// rows, the median's dual bound shifted back.
    static func solution(
        _ median: QuantileRegression.Solution, epsilon: Double, rows n: Int, weights w: [Double]?, copies: Int,
        residual: (Int, Int) -> Double
    ) -> Solution {
        // The median problem charges ½ per unit: Σwᵢ(½|u − ε| + ½|u + ε|) = Σwᵢ·ℓ_ε(u) + ε·Σw,
        // and with ε = 0 and one copy, ½Σwᵢ|u|.
        let shift = epsilon * (w?.reduce(0, +) ?? Double(n)), factor = Double(3 - copies)
        var reports: [TargetReport] = []
        for (o, report) in median.targets.enumerated() {
            // The primal objective summed afresh (not by subtracting the shift, which would cancel).
            var objective = 0.0
            for i in 0..<n {
                let excess = abs(residual(i, o)) - epsilon
                if excess > 0 { objective += (w?[i] ?? 1) * excess }
            }
            let lower = factor * report.dualObjective - shift
            let gap = Swift.max(objective - lower, 0)
            // Relative to the objective, but never to less than the rounding of the doubled sums.
            let scale = Swift.max(
                objective, 64 * Double.ulpOfOne * (shift + factor * abs(report.objective)), Double.leastNormalMagnitude)
            let relative = gap == 0 ? 0 : gap / scale
            reports.append(
                TargetReport(
                    iterations: report.iterations, objective: objective, dualObjective: lower, dualityGap: relative,
                    converged: relative <= QuantileRegression.gapTolerance, edgeResiduals: report.zeroResiduals,
                    isVertex: report.isVertex, innerIterations: report.innerIterations))
        }
        return Solution(parameters: median.parameters, epsilon: epsilon, targets: reports, system: median.system)
    }
}
