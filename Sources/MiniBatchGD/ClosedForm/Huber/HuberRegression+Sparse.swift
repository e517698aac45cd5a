extension HuberRegression {
    /// Solves Huber's problem with threshold `delta` on every target of sparse rows: the same
    /// problem and Newton iteration as the dense ``solve(_:delta:fitIntercept:weights:)-(Source,_,_,_)`` (the
    /// intercept a column of ones), each Hessian formed from the rows' outer products (Σnnzᵢ²,
    /// not n·p²) up to 4096 columns, and solved by conjugate gradients without forming it
    /// beyond (``Solution/system`` says which). Both stop on the same certificate: the gradient
    /// at the floor of its own rounding.
    ///
    /// ```swift
    /// let rows = try SparseDataset<Double>.load(libsvm: "text.svm")
    /// let solution = try HuberRegression.solve(rows, delta: 1.35)
    /// print(solution.system, solution.targets[0].gradientNorm, solution.targets[0].outliers)
    /// ```
    /// - Parameters:
    ///   - data: the sparse rows (their own weights, if any, weigh the losses).
    ///   - delta: δ > 0, in the targets' units.
    ///   - fitIntercept: fit an intercept per target.
    ///   - weights: one weight per row, finite and ≥ 0; nil for the rows' own.
    /// - Throws: ``ArgumentError`` for δ not positive and finite or weights of the wrong count
    ///   or sign; ``DataError/tooFewRows(argument:rows:minimum:)`` without rows;
    ///   ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)`` when the entries' copy
    ///   does not fit in memory.
    /// - Complexity: Σnnzᵢ² + d³/3 per Newton step by Cholesky; by conjugate gradients
    ///   O(nnz) per inner step, memory O(nnz + d).
    public static func solve<Element: BLASScalar>(
        _ data: SparseDataset<Element>, delta: Double, fitIntercept: Bool = true, weights: [Double]? = nil
    ) throws -> Solution {
        try solve(data, delta: delta, fitIntercept: fitIntercept, weights: weights, forcing: nil)
    }

    /// The sparse solve, its Newton system forced when `forced` is given.
    static func solve<Element: BLASScalar>(
        _ data: SparseDataset<Element>, delta: Double, fitIntercept: Bool, weights: [Double]?, forcing forced: NewtonSystem?
    ) throws -> Solution {
        guard delta.isFinite, delta > 0 else {
            throw ArgumentError(argument: "delta", value: "\(delta)", requirement: "must be a positive finite number")
        }
        let (parameters, results, system) = try PiecewiseQuadraticNewton.solve(
            data, loss: HuberLoss(delta: delta), fitIntercept: fitIntercept, weights: weights, iterationLimit: iterationLimit,
            what: "Huber regression", forcing: forced)
        return Solution(
            parameters: parameters, delta: delta,
            targets: results.map {
                TargetReport(
                    iterations: $0.iterations, gradientNorm: $0.gradientNorm, converged: $0.converged, outliers: $0.flatRows,
                    objective: $0.objective, innerIterations: $0.innerIterations)
            }, system: system)
    }
}
