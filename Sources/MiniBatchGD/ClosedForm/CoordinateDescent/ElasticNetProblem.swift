/// Rows prepared once for coordinate descent at any penalty: the updates' state (a Gram matrix
/// or the columns), the means that recover the intercept, and the deviations that measure a
/// standardized penalty. A path solves every alpha on one preparation.
///
/// It may hold pointers into rows handed out by ``RowSource/withRows(_:)`` (to recompute the
/// objective from the rows): use it only inside that call.
struct ElasticNetProblem {
    let updates: any CoordinateUpdates
    let method: CoordinateDescent.Method
    let p: Int, k: Int
    let fitIntercept: Bool
    /// x̄ (zeros without an intercept).
    let featureMean: [Double]
    /// ȳ (zeros without an intercept).
    let targetMean: [Double]
    /// The columns' weighted standard deviations (divisor Σw, about the weighted means, 1 for a
    /// constant column): dⱼ of a standardized penalty.
    let deviation: [Double]
    let featureNames: [String], targetNames: [String]
    /// Σωᵢ(yᵢ − b − xᵢβ)² per target, from the rows themselves.
    let residualSquares: (Parameters) -> [Double]

    /// The penalty's dⱼ in `units`.
    func scale(_ units: LeastSquares.PenaltyUnits) -> [Double] {
        units == .standardized ? deviation : Array(repeating: 1, count: p)
    }

    /// The smallest alpha whose answer is all zeros, over every target: maxⱼ |x̃ⱼᵀΩỹ| / (R·dⱼ),
    /// the columns held at zero left out; 0 when the targets are constant or orthogonal to every
    /// column. Rounded up by the ulps it takes for the descent's own threshold (A·R)·dⱼ to reach
    /// every |x̃ⱼᵀΩỹ| as computed, so that it gives all zeros in floating point too.
    func alphaMax(l1Ratio: Double, penaltyUnits: LeastSquares.PenaltyUnits) -> Double {
        let d = scale(penaltyUnits), zero = [Double](repeating: 0, count: p)
        var correlations = [Double](repeating: 0, count: p * k), largest = 0.0
        for o in 0..<k {
            zero.withUnsafeBufferPointer { zero in
                correlations.withUnsafeMutableBufferPointer {
                    updates.begin(target: o, coefficients: zero.baseAddress!)
                    updates.correlations(coefficients: zero.baseAddress!, into: $0.baseAddress! + o * p)
                }
            }
            for j in 0..<p where updates.curvature[j] > 0 { largest = Swift.max(largest, abs(correlations[o * p + j]) / d[j]) }
        }
        var alpha = largest / l1Ratio
        while alpha > 0,
            (0..<p * k).contains(where: { updates.curvature[$0 % p] > 0 && abs(correlations[$0]) > alpha * l1Ratio * d[$0 % p] })
        {
            alpha = alpha.nextUp
        }
        return alpha
    }

    /// The answer at one penalty from `start` (p×k, row-major; zeros when nil).
    func solve(
        alpha: Double, l1Ratio: Double, penaltyUnits: LeastSquares.PenaltyUnits, start: [Double]?, tolerance: Double, maximumSweeps: Int
    ) -> CoordinateDescent.Solution {
        let d = scale(penaltyUnits), l1 = alpha * l1Ratio, l2 = alpha * (1 - l1Ratio)
        var coefficients = start ?? [Double](repeating: 0, count: p * k)
        var outcomes: [CoordinateDescent.Outcome] = []
        let beta = UnsafeMutablePointer<Double>.allocate(capacity: p), work = UnsafeMutablePointer<Double>.allocate(capacity: 2 * p)
        let active = UnsafeMutablePointer<Int>.allocate(capacity: p)
        defer {
            beta.deallocate()
            work.deallocate()
            active.deallocate()
        }
        for o in 0..<k {
            for j in 0..<p { beta[j] = coefficients[j * k + o] }
            let outcome = d.withUnsafeBufferPointer {
                CoordinateDescent.descend(
                    updates, target: o, beta: beta, scale: $0.baseAddress!, l1: l1, l2: l2, tolerance: tolerance,
                    maximumSweeps: maximumSweeps, work: work, active: active)
            }
            for j in 0..<p { coefficients[j * k + o] = beta[j] }
            outcomes.append(outcome)
        }
        var intercept = targetMean
        for o in 0..<k { for j in 0..<p { intercept[o] -= featureMean[j] * coefficients[j * k + o] } }
        if !fitIntercept { intercept = Array(repeating: 0, count: k) }
        let parameters = Parameters(unchecked: Matrix(uncheckedRows: p, columns: k, elements: coefficients), intercept)
        let squares = residualSquares(parameters)
        let reports = (0..<k).map { o in
            var l1Norm = 0.0, l2Norm = 0.0, activeSet: [Int] = []
            for j in 0..<p where coefficients[j * k + o] != 0 {
                let b = d[j] * coefficients[j * k + o]
                l1Norm += abs(b)
                l2Norm += b * b
                activeSet.append(j)
            }
            return CoordinateDescent.TargetReport(
                gap: outcomes[o].gap, gapTolerance: outcomes[o].gapTolerance, objective: 0.5 * squares[o] + l1 * l1Norm + 0.5 * l2 * l2Norm,
                sweeps: outcomes[o].sweeps, converged: outcomes[o].converged, activeSet: activeSet, zeroCoefficients: p - activeSet.count)
        }
        return CoordinateDescent.Solution(
            parameters: parameters, alpha: alpha, l1Ratio: l1Ratio, fitIntercept: fitIntercept, penaltyUnits: penaltyUnits, method: method,
            targets: reports, featureNames: featureNames, targetNames: targetNames)
    }
}

extension ElasticNetProblem {
    /// Dense rows by covariance updates: the weighted moments in one blocked pass (``Moments``),
    /// over Σw.
    static func gram<Element: BLASScalar>(
        _ rows: Rows<Element>, weights: [Double]?, fitIntercept: Bool, featureNames: [String], targetNames: [String], pool: WorkerPool?
    ) throws -> ElasticNetProblem {
        let p = rows.featureCount, k = rows.outputCount
        try MemoryBudget.require(MemoryBudget.doubles(2 * p + k, p), for: "coordinate descent's Gram matrix of \(p) features")
        let moments = Moments(rows, weights: weights, pool: pool)
        let total = moments.weightTotal
        var scatter = moments.centredGram, cross = moments.centredCross
        if !fitIntercept {
            // About zero instead of about the means: add back Σw·x̄x̄ᵀ and Σw·x̄ȳᵀ.
            let mx = moments.featureMean, my = moments.targetMean
            for i in 0..<p {
                for j in 0..<p { scatter[i * p + j] += total * mx[i] * mx[j] }
                for o in 0..<k { cross[i * k + o] += total * mx[i] * my[o] }
            }
        }
        let gram = scatter.map { $0 / total }
        let targetMean = fitIntercept ? moments.targetMean : Array(repeating: 0, count: k)
        var targetSquares = [Double](repeating: 0, count: k)
        for i in 0..<rows.count {
            let w = weights?[i] ?? 1, row = rows.y + i * rows.yStride
            for o in 0..<k {
                let t = Double(row[o]) - targetMean[o]
                targetSquares[o] += w * t * t
            }
        }
        let curvature = (0..<p).map { j in
            isHeldAtZero(squares: gram[j * p + j], mean: moments.featureMean[j], fitIntercept: fitIntercept) ? 0 : gram[j * p + j]
        }
        let updates = GramUpdates(
            gram: gram, cross: cross.map { $0 / total }, curvature: curvature, targetSquares: targetSquares.map { $0 / total })
        return ElasticNetProblem(
            updates: updates, method: .covariance, p: p, k: k, fitIntercept: fitIntercept,
            featureMean: fitIntercept ? moments.featureMean : Array(repeating: 0, count: p), targetMean: targetMean,
            deviation: (0..<p).map { deviation(squares: moments.centredGram[$0 * p + $0] / total, mean: moments.featureMean[$0]) },
            featureNames: featureNames, targetNames: targetNames,
            residualSquares: { denseResidualSquares(rows, weights: weights, total: total, parameters: $0) })
    }

    /// Dense rows by naive updates, on a copy of their nonzero values by columns.
    static func columns<Element: BLASScalar>(
        _ rows: Rows<Element>, weights: [Double]?, fitIntercept: Bool, featureNames: [String], targetNames: [String]
    ) throws -> ElasticNetProblem {
        let n = rows.count, k = rows.outputCount
        var targets = [Double](repeating: 0, count: n * k)
        for i in 0..<n { for o in 0..<k { targets[o * n + i] = Double(rows.y[i * rows.yStride + o]) } }
        let total = weights?.reduce(0, +) ?? Double(n)
        return columns(
            try SparseColumns(rows), targets: targets, weights: weights, fitIntercept: fitIntercept, featureNames: featureNames,
            targetNames: targetNames, residualSquares: { denseResidualSquares(rows, weights: weights, total: total, parameters: $0) })
    }

    /// Sparse rows by naive updates, on their transpose.
    static func columns<Element: BLASScalar>(_ data: SparseDataset<Element>, fitIntercept: Bool) throws -> ElasticNetProblem {
        let n = data.rows, k = data.outputCount
        var targets = [Double](repeating: 0, count: n * k)
        for i in 0..<n { for o in 0..<k { targets[o * n + i] = Double(data.targets[i, o]) } }
        let total = data.weights?.reduce(0, +) ?? Double(n)
        return columns(
            try SparseColumns(data), targets: targets, weights: data.weights, fitIntercept: fitIntercept, featureNames: data.featureNames,
            targetNames: data.targetNames, residualSquares: { sparseResidualSquares(data, total: total, parameters: $0) })
    }

    /// Naive updates on `design`, with `targets` n×k by columns (not centred).
    static func columns(
        _ design: SparseColumns, targets: [Double], weights: [Double]?, fitIntercept: Bool, featureNames: [String], targetNames: [String],
        residualSquares: @escaping (Parameters) -> [Double]
    ) -> ElasticNetProblem {
        let n = design.rows, p = design.columns, k = targets.count / Swift.max(1, n)
        let total = weights?.reduce(0, +) ?? Double(n)
        let omega = weights.map { $0.map { $0 / total } } ?? Array(repeating: 1 / Double(n), count: n)
        let moments = design.moments(omega: omega)
        var centred = targets, targetMean = [Double](repeating: 0, count: k), targetSquares = targetMean
        for o in 0..<k {
            if fitIntercept {
                for i in 0..<n { targetMean[o] += omega[i] * targets[o * n + i] }
                for i in 0..<n { centred[o * n + i] -= targetMean[o] }
            }
            for i in 0..<n { targetSquares[o] += omega[i] * centred[o * n + i] * centred[o * n + i] }
        }
        let curvature = (0..<p).map { j in
            let squares = fitIntercept ? moments.aboutMean[j] : moments.aboutZero[j]
            return isHeldAtZero(squares: squares, mean: moments.mean[j], fitIntercept: fitIntercept) ? 0 : squares
        }
        let featureMean = fitIntercept ? moments.mean : Array(repeating: 0, count: p)
        let updates = ColumnUpdates(
            columns: design, omega: omega, mean: featureMean, targets: centred, curvature: curvature, targetSquares: targetSquares)
        return ElasticNetProblem(
            updates: updates, method: .naive, p: p, k: k, fitIntercept: fitIntercept, featureMean: featureMean, targetMean: targetMean,
            deviation: (0..<p).map { deviation(squares: moments.aboutMean[$0], mean: moments.mean[$0]) }, featureNames: featureNames,
            targetNames: targetNames, residualSquares: residualSquares)
    }

    /// A column's standardized unit: its deviation, or 1 for a constant column (``Standardizer``'s rule).
    private static func deviation(squares: Double, mean: Double) -> Double {
        Standardizer.scale(standardDeviation: squares.squareRoot(), mean: mean)
    }

    /// Σωᵢ(yᵢ − b − xᵢβ)² per target over dense rows: blocks of rows widened to Double and their
    /// residuals Y − b − X·B by one product each, since a path asks for this at every alpha (a
    /// row-by-row loop left to the generic element type cost a 100k × 200 path a minute). OpenBLAS
    /// on one thread, so the sum has the same bits whatever its process-wide count.
    static func denseResidualSquares<Element: BLASScalar>(
        _ rows: Rows<Element>, weights: [Double]?, total: Double, parameters: Parameters
    ) -> [Double] {
        let n = rows.count, p = rows.featureCount, k = rows.outputCount, block = Swift.min(n, 256)
        var squares = [Double](repeating: 0, count: k)
        guard n > 0, k > 0 else { return squares }
        let x = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(1, block * p))
        let r = UnsafeMutablePointer<Double>.allocate(capacity: block * k)
        defer {
            x.deallocate()
            r.deallocate()
        }
        BLASThreads.singleThreaded {
            parameters.coefficients.elements.withUnsafeBufferPointer { beta in
                var start = 0
                while start < n {
                    let count = Swift.min(block, n - start)
                    rows.copyTargets(from: start, rows: count, into: r)
                    for i in 0..<count { for o in 0..<k { r[i * k + o] -= parameters.intercept[o] } }
                    if p > 0 {
                        rows.copyFeatures(from: start, rows: count, into: x)
                        BLAS.gemm(
                            transposeA: false, transposeB: false, m: count, n: k, k: p, alpha: -1, a: x, lda: p,
                            b: beta.baseAddress!, ldb: k, beta: 1, c: r, ldc: k)
                    }
                    for i in 0..<count {
                        let w = weights?[start + i] ?? 1
                        guard w > 0 else { continue }
                        for o in 0..<k { squares[o] += w * r[i * k + o] * r[i * k + o] }
                    }
                    start += count
                }
            }
        }
        return squares.map { $0 / total }
    }

    /// Σωᵢ(yᵢ − b − xᵢβ)² per target over sparse rows.
    private static func sparseResidualSquares<Element: BLASScalar>(_ data: SparseDataset<Element>, total: Double, parameters: Parameters)
        -> [Double]
    {
        let k = data.outputCount, beta = parameters.coefficients.elements
        var squares = [Double](repeating: 0, count: k)
        for i in 0..<data.rows {
            let w = data.weights?[i] ?? 1
            guard w > 0 else { continue }
            for o in 0..<k {
                var r = Double(data.targets[i, o]) - parameters.intercept[o]
                for position in data.rowStarts[i]..<data.rowStarts[i + 1] {
                    r -= Double(data.values[position]) * beta[Int(data.columnIndices[position]) * k + o]
                }
                squares[o] += w * r * r
            }
        }
        return squares.map { $0 / total }
    }
}
