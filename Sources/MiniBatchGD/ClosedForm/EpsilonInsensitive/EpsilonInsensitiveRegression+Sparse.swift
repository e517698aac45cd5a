extension EpsilonInsensitiveRegression {
    /// Solves epsilon-insensitive regression with tube half-width `epsilon` on every target of
    /// sparse rows: the same median regression of the rows doubled at y ± ε as the dense
    /// ``solve(_:epsilon:fitIntercept:weights:)-(Source,_,_,_)``, by
    /// ``QuantileRegression``'s interior point on the sparse rows themselves (Cholesky of the
    /// normal equations formed from the rows' products up to 4096 columns, conjugate gradients
    /// beyond; ``Solution/system`` says which), certified by the same duality gap.
    ///
    /// ```swift
    /// let rows = try SparseDataset<Double>.load(libsvm: "text.svm")
    /// let solution = try EpsilonInsensitiveRegression.solve(rows, epsilon: 0.1)
    /// print(solution.system, solution.targets[0].dualityGap)
    /// ```
    /// - Parameters:
    ///   - data: the sparse rows (their own weights, if any, weigh the losses).
    ///   - epsilon: ε ≥ 0, in the targets' units.
    ///   - fitIntercept: fit an intercept per target.
    ///   - weights: one weight per row, finite and ≥ 0; nil for the rows' own.
    /// - Throws: ``ArgumentError`` for ε negative or not finite, and what the sparse
    ///   ``QuantileRegression/solve(_:quantile:fitIntercept:weights:)-(SparseDataset<Element>,_,_,_)``
    ///   throws.
    /// - Complexity: that of quantile regression on 2n sparse rows.
    public static func solve<Element: BLASScalar>(
        _ data: SparseDataset<Element>, epsilon: Double, fitIntercept: Bool = true, weights: [Double]? = nil
    ) throws -> Solution {
        try solve(
            data, epsilon: epsilon, fitIntercept: fitIntercept, weights: weights,
            gramColumnLimit: QuantileRegression.sparseGramColumnLimit)
    }

    /// The sparse solve, Cholesky used up to `gramColumnLimit` columns (tests force either route).
    static func solve<Element: BLASScalar>(
        _ data: SparseDataset<Element>, epsilon: Double, fitIntercept: Bool, weights: [Double]?, gramColumnLimit: Int
    ) throws -> Solution {
        guard epsilon.isFinite, epsilon >= 0 else {
            throw ArgumentError(argument: "epsilon", value: "\(epsilon)", requirement: "must be a finite number ≥ 0")
        }
        let n = data.rows
        guard n > 0 else { throw DataError.tooFewRows(argument: "data", rows: 0, minimum: 1) }
        let w = weights ?? data.weights
        if let w, w.count != n {
            throw ArgumentError(argument: "weights", value: "\(w.count) values", requirement: "must be \(n) finite values ≥ 0")
        }
        // As the dense solve: each row twice at its own weight, or, with ε = 0, the median
        // regression of the rows themselves.
        let shifts = epsilon > 0 ? [-epsilon, epsilon] : [0]
        let rows = try SparseProgramRows(
            data, fitIntercept: fitIntercept, weights: w, shifts: shifts, what: "epsilon-insensitive regression's doubled")
        let median = try QuantileRegression.solve(rows, tau: 0.5, gramColumnLimit: gramColumnLimit)
        let parameters = median.parameters
        return Self.solution(median, epsilon: epsilon, rows: n, weights: w, copies: shifts.count) { i, o in
            var prediction = parameters.intercept[o]
            for e in data.rowStarts[i]..<data.rowStarts[i + 1] {
                prediction += Double(data.values[e]) * parameters.coefficients[Int(data.columnIndices[e]), o]
            }
            return Double(data.targets[i, o]) - epsilon + epsilon - prediction
        }
    }
}
