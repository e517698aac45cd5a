extension SquaredEpsilonInsensitiveRegression {
    /// Solves the squared epsilon-insensitive problem with tube half-width `epsilon` on every
    /// target of sparse rows: the dense ``solve(_:epsilon:fitIntercept:weights:)-(Source,_,_,_)``'s problem and
    /// Newton iteration, each Hessian formed from the rows' outer products up to 4096 columns and
    /// solved by conjugate gradients without forming it beyond (``Solution/system``).
    ///
    /// ```swift
    /// let rows = try SparseDataset<Double>.load(libsvm: "text.svm")
    /// let solution = try SquaredEpsilonInsensitiveRegression.solve(rows, epsilon: 0.1)
    /// print(solution.targets[0].objective, solution.targets[0].insideTube)
    /// ```
    /// - Parameters:
    ///   - data: the sparse rows (their own weights, if any, weigh the losses).
    ///   - epsilon: ε ≥ 0, in the targets' units (0: least squares).
    ///   - fitIntercept: fit an intercept per target.
    ///   - weights: one weight per row, finite and ≥ 0; nil for the rows' own.
    /// - Throws: ``ArgumentError`` for ε negative or not finite, or weights of the wrong count or
    ///   sign; ``DataError/tooFewRows(argument:rows:minimum:)`` without rows;
    ///   ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)`` when the entries' copy
    ///   does not fit in memory.
    /// - Complexity: as Huber regression's on sparse rows: Σnnzᵢ² + d³/3 per Newton step by
    ///   Cholesky, O(nnz) per inner step by conjugate gradients.
    public static func solve<Element: BLASScalar>(
        _ data: SparseDataset<Element>, epsilon: Double, fitIntercept: Bool = true, weights: [Double]? = nil
    ) throws -> Solution {
        try solve(data, epsilon: epsilon, fitIntercept: fitIntercept, weights: weights, forcing: nil)
    }

    /// The sparse solve, its Newton system forced when `forced` is given.
    static func solve<Element: BLASScalar>(
        _ data: SparseDataset<Element>, epsilon: Double, fitIntercept: Bool, weights: [Double]?, forcing forced: NewtonSystem?
    ) throws -> Solution {
        guard epsilon.isFinite, epsilon >= 0 else {
            throw ArgumentError(argument: "epsilon", value: "\(epsilon)", requirement: "must be a finite number ≥ 0")
        }
        let (parameters, results, system) = try PiecewiseQuadraticNewton.solve(
            data, loss: SquaredEpsilonInsensitiveLoss(epsilon: epsilon), fitIntercept: fitIntercept, weights: weights,
            iterationLimit: iterationLimit, what: "squared epsilon-insensitive regression", forcing: forced)
        return Solution(
            parameters: parameters, epsilon: epsilon,
            targets: results.map {
                TargetReport(
                    iterations: $0.iterations, gradientNorm: $0.gradientNorm, converged: $0.converged, insideTube: $0.flatRows,
                    objective: $0.objective, innerIterations: $0.innerIterations)
            }, system: system)
    }
}
