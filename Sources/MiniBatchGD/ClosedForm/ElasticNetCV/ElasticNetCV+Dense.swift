extension ElasticNetCV {
    /// The cross-validation of dense rows (arguments checked, OpenBLAS on one thread).
    static func dense<Element: BLASScalar>(
        _ rows: Rows<Element>, fold: [Int], foldCount K: Int, weights: [Double]?, settings: Settings, method: CoordinateDescent.Method,
        featureNames: [String], targetNames: [String], pool: WorkerPool
    ) throws -> ElasticNetCV {
        let p = rows.featureCount, k = rows.outputCount
        let members = Self.members(fold, count: K)
        let useGram = method == .covariance || (method == .auto && p < 500)
        let full: ElasticNetProblem, problem: (Int) throws -> ElasticNetProblem
        if useGram {
            let q = p + k
            try MemoryBudget.require(
                MemoryBudget.doubles(K + 2 + pool.threads, q, q), for: "the Gram matrices of \(K) folds of \(p) features")
            let largest = members.map(\.count).max() ?? 0
            try MemoryBudget.require(
                MemoryBudget.doubles(pool.threads, largest, q), for: "\(pool.threads) copies of a fold's \(largest) rows")
            let parts = pool.map(chunks: K) { f in Self.foldMoments(rows, members: members[f], weights: weights) }
            full = ElasticNetProblem.gram(
                augmented: Self.merged(parts, leaving: nil), p: p, fitIntercept: settings.fitIntercept, featureNames: featureNames,
                targetNames: targetNames, rows: rows, weights: weights)
            problem = { f in
                ElasticNetProblem.gram(
                    augmented: Self.merged(parts, leaving: f), p: p, fitIntercept: settings.fitIntercept, featureNames: featureNames,
                    targetNames: targetNames, rows: rows, weights: Self.weights(weights, rows: rows.count, without: members[f]))
            }
        } else {
            full = try ElasticNetProblem.columns(
                rows, weights: weights, fitIntercept: settings.fitIntercept, featureNames: featureNames, targetNames: targetNames)
            problem = { f in
                try Self.trainingColumns(
                    rows, fold: fold, held: f, weights: weights, fitIntercept: settings.fitIntercept, featureNames: featureNames,
                    targetNames: targetNames)
            }
        }
        let (grid, run) = try Self.run(full: full, foldCount: K, settings: settings, pool: pool, problem: problem) { f, path in
            Self.heldOutErrors(rows, members: members[f], weights: weights, path: path)
        }
        return ElasticNetCV(
            grid: grid, run: run, fold: fold, foldCount: K, settings: settings, method: full.method,
            weightTotal: weights?.reduce(0, +) ?? Double(rows.count), featureNames: featureNames, targetNames: targetNames)
    }

    /// The rows of each fold, increasing.
    static func members(_ fold: [Int], count: Int) -> [[Int]] {
        var members = [[Int]](repeating: [], count: count)
        for (i, f) in fold.enumerated() { members[f].append(i) }
        return members
    }

    /// The weights (ones without) with the rows of `held` set to 0: the training rows' weights.
    static func weights(_ weights: [Double]?, rows n: Int, without held: [Int]) -> [Double] {
        var training = weights ?? [Double](repeating: 1, count: n)
        for i in held { training[i] = 0 }
        return training
    }

    /// The centred moments of one fold's rows with their targets as p + k more features (so the
    /// targets' own squares merge with the rest): the rows copied into one buffer, one pass.
    static func foldMoments<Element: BLASScalar>(_ rows: Rows<Element>, members: [Int], weights: [Double]?) -> Moments {
        let p = rows.featureCount, k = rows.outputCount, q = p + k, n = members.count
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(1, n * q))
        defer { buffer.deallocate() }
        for (r, i) in members.enumerated() {
            Element.widen(rows.x + i * rows.xStride, count: p, into: buffer + r * q)
            Element.widen(rows.y + i * rows.yStride, count: k, into: buffer + r * q + p)
        }
        let view = Rows<Double>(count: n, featureCount: q, outputCount: k, x: buffer, xStride: q, y: buffer + p, yStride: q)
        return Moments(view, weights: weights.map { w in members.map { w[$0] } }, pool: nil)
    }

    /// The folds' moments merged in fold order, fold `leaving` left out (nil: every fold).
    static func merged(_ parts: [Moments], leaving held: Int?) -> Moments {
        let q = parts[0].featureMean.count, k = parts[0].targetMean.count
        var total = Moments(
            weightTotal: 0, featureMean: [Double](repeating: 0, count: q), targetMean: [Double](repeating: 0, count: k),
            centredGram: [Double](repeating: 0, count: q * q), centredCross: [Double](repeating: 0, count: q * k))
        for (f, part) in parts.enumerated() where f != held { total.merge(part) }
        return total
    }

    /// Fold `held`'s training rows by columns (naive updates on a wide dense design).
    static func trainingColumns<Element: BLASScalar>(
        _ rows: Rows<Element>, fold: [Int], held: Int, weights: [Double]?, fitIntercept: Bool, featureNames: [String],
        targetNames: [String]
    ) throws -> ElasticNetProblem {
        let p = rows.featureCount, k = rows.outputCount
        let training = fold.indices.filter { fold[$0] != held }, n = training.count
        let design = try SparseColumns(rows: n, columns: p) { visit in
            for (r, i) in training.enumerated() {
                let row = rows.x + i * rows.xStride
                for j in 0..<p where row[j] != 0 { visit(r, j, Double(row[j])) }
            }
        }
        var targets = [Double](repeating: 0, count: n * k)
        for (r, i) in training.enumerated() { for o in 0..<k { targets[o * n + r] = Double(rows.y[i * rows.yStride + o]) } }
        let trainingWeights = weights.map { w in training.map { w[$0] } }
        let zeroed = Self.weights(weights, rows: rows.count, without: fold.indices.filter { fold[$0] == held })
        let total = zeroed.reduce(0, +)
        return ElasticNetProblem.columns(
            design, targets: targets, weights: trainingWeights, fitIntercept: fitIntercept, featureNames: featureNames,
            targetNames: targetNames,
            residualSquares: { ElasticNetProblem.denseResidualSquares(rows, weights: zeroed, total: total, parameters: $0) })
    }

    /// Σwᵢ(yᵢ − b − xᵢβ)²/Σwᵢ over the rows `members`, per α and target (α-major): the rows
    /// copied in blocks, every α's predictions by one matrix product per block.
    static func heldOutErrors<Element: BLASScalar>(_ rows: Rows<Element>, members: [Int], weights: [Double]?, path: GridDescent)
        -> [Double]
    {
        let p = rows.featureCount, k = rows.outputCount, width = path.intercepts.count, m = width / k
        let c = coefficientColumns(path, p: p, k: k)
        let block = Swift.max(1, Swift.min(members.count, (1 << 18) / Swift.max(p, width)))
        let z = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(1, block * p))
        let predictions = UnsafeMutablePointer<Double>.allocate(capacity: block * width)
        defer {
            z.deallocate()
            predictions.deallocate()
        }
        var sums = [Double](repeating: 0, count: width), total = 0.0, start = 0
        while start < members.count {
            let count = Swift.min(block, members.count - start)
            for r in 0..<count { Element.widen(rows.x + members[start + r] * rows.xStride, count: p, into: z + r * p) }
            if p > 0 {
                c.withUnsafeBufferPointer {
                    BLAS.gemm(
                        transposeA: false, transposeB: false, m: count, n: width, k: p, alpha: 1, a: z, lda: p, b: $0.baseAddress!,
                        ldb: width, beta: 0, c: predictions, ldc: width)
                }
            } else {
                predictions.update(repeating: 0, count: count * width)
            }
            for r in 0..<count {
                let i = members[start + r], w = weights?[i] ?? 1
                guard w > 0 else { continue }
                total += w
                let y = rows.y + i * rows.yStride, prediction = predictions + r * width
                for a in 0..<m {
                    for o in 0..<k {
                        let residual = Double(y[o]) - path.intercepts[a * k + o] - prediction[a * k + o]
                        sums[a * k + o] += w * residual * residual
                    }
                }
            }
            start += count
        }
        return sums.map { $0 / total }
    }

    /// A path's coefficients as one p × (α-count·k) matrix: column a·k + o is α a's target o.
    static func coefficientColumns(_ path: GridDescent, p: Int, k: Int) -> [Double] {
        let width = path.intercepts.count, m = width / k
        var c = [Double](repeating: 0, count: p * width)
        for a in 0..<m { for j in 0..<p { for o in 0..<k { c[j * width + a * k + o] = path.coefficients[a * p * k + j * k + o] } } }
        return c
    }
}

extension ElasticNetProblem {
    /// Covariance updates from moments of the features and targets side by side (p + k columns,
    /// the targets last, as ``ElasticNetCV/foldMoments(_:members:weights:)`` forms them): the
    /// Gram matrix, the cross products and the targets' squares are blocks of one matrix.
    /// `weights` (nil: ones) pick the rows whose squares ``residualSquares`` sums.
    static func gram<Element: BLASScalar>(
        augmented moments: Moments, p: Int, fitIntercept: Bool, featureNames: [String], targetNames: [String], rows: Rows<Element>,
        weights: [Double]?
    ) -> ElasticNetProblem {
        let q = moments.featureMean.count, k = q - p, total = moments.weightTotal, mean = moments.featureMean
        var scatter = moments.centredGram
        if !fitIntercept {
            // About zero instead of about the means: add back Σw·m·mᵀ.
            for i in 0..<q { for j in 0..<q { scatter[i * q + j] += total * mean[i] * mean[j] } }
        }
        var gram = [Double](repeating: 0, count: p * p), cross = [Double](repeating: 0, count: p * k)
        for i in 0..<p {
            for j in 0..<p { gram[i * p + j] = scatter[i * q + j] / total }
            for o in 0..<k { cross[i * k + o] = scatter[i * q + p + o] / total }
        }
        let targetSquares = (0..<k).map { scatter[(p + $0) * q + p + $0] / total }
        let curvature = (0..<p).map { j in
            isHeldAtZero(squares: gram[j * p + j], mean: mean[j], fitIntercept: fitIntercept) ? 0 : gram[j * p + j]
        }
        let updates = GramUpdates(gram: gram, cross: cross, curvature: curvature, targetSquares: targetSquares)
        let weightTotal = weights?.reduce(0, +) ?? Double(rows.count)
        return ElasticNetProblem(
            updates: updates, method: .covariance, p: p, k: k, fitIntercept: fitIntercept,
            featureMean: fitIntercept ? Array(mean[0..<p]) : Array(repeating: 0, count: p),
            targetMean: fitIntercept ? Array(mean[p...]) : Array(repeating: 0, count: k),
            deviation: (0..<p).map {
                Standardizer.scale(standardDeviation: (moments.centredGram[$0 * q + $0] / total).squareRoot(), mean: mean[$0])
            },
            featureNames: featureNames, targetNames: targetNames,
            residualSquares: { denseResidualSquares(rows, weights: weights, total: weightTotal, parameters: $0) })
    }
}
