extension QuantileRegression {
    /// Solves quantile regression at quantile `quantile` on every target of sparse rows: the same
    /// linear program, interior point, vertex and duality gap as the dense
    /// ``solve(_:quantile:fitIntercept:weights:)-(Source,_,_,_)`` (the intercept a column of
    /// ones), on the rows themselves: each step's normal equations X̃ᵀQX̃ formed from the rows'
    /// products (Σnnzᵢ², not n·p²) and factored by Cholesky up to 4096 columns, and beyond solved
    /// by conjugate gradients that never form them (``Solution/system`` says which; no vertex is
    /// then sought). The certificate is the same duality gap, from the answer's objective and a
    /// dual point made exactly feasible first, so inexact inner solves cannot make it wrong. A
    /// column with no non-zero entry is left out (its coefficient is 0).
    ///
    /// ```swift
    /// let rows = try SparseDataset<Double>.load(libsvm: "text.svm")
    /// let median = try QuantileRegression.solve(rows, quantile: 0.5)
    /// print(median.system, median.targets[0].dualityGap, median.targets[0].innerIterations)
    /// ```
    /// - Parameters:
    ///   - data: the sparse rows (their own weights, if any, weigh the losses).
    ///   - quantile: τ in (0, 1).
    ///   - fitIntercept: fit an intercept per target.
    ///   - weights: one weight per row, finite and ≥ 0; nil for the rows' own. A row of weight 0
    ///     is left out.
    /// - Throws: ``ArgumentError`` for τ outside (0, 1), weights of the wrong count or sign, or
    ///   linearly dependent columns (found up to 4096 columns);
    ///   ``DataError/tooFewRows(argument:rows:minimum:)`` with fewer rows of positive weight than
    ///   coefficients (and intercept); ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)``
    ///   when the entries' copy does not fit in memory.
    /// - Complexity: per interior-point step Σnnzᵢ² + d³/3 by Cholesky, or O(nnz) per inner
    ///   step of conjugate gradients (memory O(nnz + n + d)); 20 to 30 steps.
    public static func solve<Element: BLASScalar>(
        _ data: SparseDataset<Element>, quantile: Double, fitIntercept: Bool = true, weights: [Double]? = nil
    ) throws -> Solution {
        try solve(data, quantile: quantile, fitIntercept: fitIntercept, weights: weights, gramColumnLimit: sparseGramColumnLimit)
    }

    /// Columns up to which sparse rows' normal equations are formed and factored (those of the
    /// sparse Newton: d³/3 a step and two d×d matrices, 268 MB at 4096).
    package static let sparseGramColumnLimit = PiecewiseQuadraticNewton.gramColumnLimit

    /// The sparse solve, Cholesky used up to `gramColumnLimit` columns (tests force either route).
    static func solve<Element: BLASScalar>(
        _ data: SparseDataset<Element>, quantile tau: Double, fitIntercept: Bool, weights: [Double]?, gramColumnLimit: Int
    ) throws -> Solution {
        guard tau.isFinite, tau > 0, tau < 1 else {
            throw ArgumentError(argument: "quantile", value: "\(tau)", requirement: "must lie strictly between 0 and 1")
        }
        let rows = try SparseProgramRows(
            data, fitIntercept: fitIntercept, weights: weights, shifts: [0], what: "quantile regression")
        return try solve(rows, tau: tau, gramColumnLimit: gramColumnLimit)
    }

    /// The interior point on every target of `rows`.
    static func solve(_ rows: SparseProgramRows, tau: Double, gramColumnLimit: Int) throws -> Solution {
        let m = rows.design.rows, d = rows.design.columns, p = rows.features, k = rows.outputs
        let formsGram =
            d <= gramColumnLimit && (try? MemoryBudget.require(MemoryBudget.doubles(2 * d, d), for: "normal equations")) != nil
        let system: NewtonSystem = formsGram ? .cholesky : .conjugateGradient
        var coefficients = [Double](repeating: 0, count: p * k), intercept = [Double](repeating: 0, count: k)
        var reports: [TargetReport] = []
        let work = Workspace(m: m, d: d, squareMatrices: false)
        try BLASThreads.singleThreaded {
            for o in 0..<k {
                for i in 0..<m { work.target[i] = rows.targets[i * k + o] }
                // A design per target: its conjugate-gradient count is the target's.
                let design = SparseInteriorPointDesign(rows.design, work, system: system)
                reports.append(try solveTarget(design, tau: tau, work: work))
                for (compact, feature) in rows.columns.enumerated() {
                    if feature < p { coefficients[feature * k + o] = work.theta[compact] } else { intercept[o] = work.theta[compact] }
                }
            }
        }
        return Solution(
            parameters: Parameters(unchecked: Matrix(uncheckedRows: p, columns: k, elements: coefficients), intercept), quantile: tau,
            targets: reports, system: system)
    }
}

/// A linear program's rows from sparse data: each kept copy of each row of positive weight,
/// scaled by its weight (wᵢρ(r) = ρ(wᵢr)), the intercept's weighted 1 last, and only the columns
/// that hold a non-zero value (a column of zeros adds nothing and leaves its coefficient free).
struct SparseProgramRows {
    let design: SparseNewtonRows
    /// m×k weighted targets, row-major.
    let targets: [Double]
    /// The original column of each compact one (p for the intercept).
    let columns: [Int]
    let features: Int, outputs: Int

    /// `shifts`: each row is written once per shift, its targets shifted by it, copy after copy
    /// (the doubled rows of the epsilon-insensitive LP, y − ε then y + ε); `what` names the
    /// problem in errors.
    init<Element: BLASScalar>(_ data: SparseDataset<Element>, fitIntercept: Bool, weights: [Double]?, shifts: [Double], what: String)
        throws
    {
        let n = data.rows, p = data.featureCount, k = data.outputCount
        let w = weights ?? data.weights ?? [Double](repeating: 1, count: n)
        guard w.count == n, w.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw ArgumentError(argument: "weights", value: "\(w.count) values", requirement: "must be \(n) finite values ≥ 0")
        }
        let kept = w.indices.filter { w[$0] > 0 }
        // The columns holding a non-zero value in a kept row, numbered in order.
        var compact = [Int32](repeating: -1, count: p)
        var nonzeros = 0
        for i in kept {
            for e in data.rowStarts[i]..<data.rowStarts[i + 1] where data.values[e] != 0 {
                compact[Int(data.columnIndices[e])] = 0
                nonzeros += 1
            }
        }
        var columns: [Int] = []
        for j in 0..<p where compact[j] == 0 {
            compact[j] = Int32(columns.count)
            columns.append(j)
        }
        if fitIntercept { columns.append(p) }
        let d = columns.count, m = kept.count * shifts.count
        guard m >= Swift.max(d, 1) else { throw DataError.tooFewRows(argument: "data", rows: m, minimum: Swift.max(d, 1)) }
        guard d > 0 else {
            throw ArgumentError(argument: "data", value: "no non-zero feature and no intercept", requirement: "must have a column to fit")
        }
        let entries = shifts.count * (nonzeros + (fitIntercept ? kept.count : 0))
        // The entries (a Double and half of one for the Int32 column each), the targets and the
        // interior point's m-vectors and d-vectors.
        try MemoryBudget.require(
            MemoryBudget.doubles(entries + entries / 2 + m * (k + QuantileRegression.Workspace.vectors) + 10 * d + 1),
            for: "\(what)'s copy of \(m) sparse rows")
        var starts = [Int](repeating: 0, count: m + 1)
        var indices = [Int32](repeating: 0, count: entries), values = [Double](repeating: 0, count: entries)
        var y = [Double](repeating: 0, count: m * k)
        var next = 0, row = 0
        for shift in shifts {
            for i in kept {
                let weight = w[i]
                starts[row] = next
                for e in data.rowStarts[i]..<data.rowStarts[i + 1] where data.values[e] != 0 {
                    indices[next] = compact[Int(data.columnIndices[e])]
                    values[next] = weight * Double(data.values[e])
                    next += 1
                }
                if fitIntercept {
                    indices[next] = Int32(d - 1)
                    values[next] = weight
                    next += 1
                }
                for o in 0..<k { y[row * k + o] = weight * (Double(data.targets[i, o]) + shift) }
                row += 1
            }
        }
        starts[m] = next
        design = SparseNewtonRows(starts: starts, indices: indices, values: values, rows: m, columns: d)
        targets = y
        self.columns = columns
        features = p
        outputs = k
    }
}
