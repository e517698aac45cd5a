/// Σw, means, centred Gram matrix XcᵀXc and centred cross products Xcᵀyc in one blocked pass:
/// the row statistics a fit computes once and shares (``Curvature`` and the closed form's
/// ``Design``), where p is small enough for a p×p matrix.
///
/// Each block is centred on its own means (in a scratch buffer that stays in cache), its
/// Gram matrix added by `dgemm`, and the blocks merged with the pairwise update of Chan, Golub
/// and LeVeque: C = C_a + C_b + (n_a·n_b / n)·δδᵀ with δ the difference of the block means.
/// That is as accurate as centring on the global means, without a first pass to find them.
/// With weights, the means are weighted, the centred rows are scaled by √wᵢ and the counts in
/// the merge are the blocks' total weights.
struct Moments {
    /// Σw over the rows (their count without weights); over every rank's rows when spread.
    var weightTotal: Double
    var featureMean: [Double]
    var targetMean: [Double]
    /// p×p, full and symmetric.
    var centredGram: [Double]
    /// p×k.
    var centredCross: [Double]

    /// Rows per chunk: eight blocks of about 2 MiB (63 544 rows at 32 features), set by the
    /// shape alone so that the chunks, and so the result, are the same on any thread count.
    static func chunkRows(features p: Int, outputs k: Int) -> Int { 8 * Swift.max(64, (1 << 18) / (p + k)) }

    /// - Parameter pool: the threads for the pass (nil: this one). Rows longer than a chunk are
    ///   cut into ``chunkRows(features:outputs:)``-row chunks (``RowChunks``), each a pass of its
    ///   own with OpenBLAS on one thread, merged in chunk order by the same pairwise update: the
    ///   same bits whatever the thread count, OpenBLAS's included.
    init<Element: BLASScalar>(_ rows: Rows<Element>, weights: [Double]? = nil, pool: WorkerPool? = nil) {
        let chunks = RowChunks(rows: rows.count, chunkRows: Self.chunkRows(features: rows.featureCount, outputs: rows.outputCount))
        func reduce() -> Moments {
            chunks.reduce(on: pool) {
                Self.pass(rows, weights: weights, start: $0.lowerBound, count: $0.count)
            } merge: {
                $0.merge($1)
            }
        }
        // OpenBLAS on one thread even for a single chunk: its threaded dgemm rounds differently
        // with its thread count, and the moments must not (found by a test run beside others).
        self = BLASThreads.singleThreaded(reduce)
        if let sharing = rows.sharing { merge(over: sharing.communicator) }
    }

    /// The moments of the same rows weighted by c·w instead of w (c > 0): the means stay, the
    /// sums scale.
    func scaled(by c: Double) -> Moments {
        guard c != 1 else { return self }
        return Moments(
            weightTotal: c * weightTotal, featureMean: featureMean, targetMean: targetMean, centredGram: centredGram.map { c * $0 },
            centredCross: centredCross.map { c * $0 })
    }

    /// Adds the moments of other rows into these, by Chan's pairwise update.
    mutating func merge(_ part: Moments) {
        let weight = weightTotal, other = part.weightTotal
        guard other > 0 else { return }
        guard weight > 0 else {
            self = part
            return
        }
        let p = featureMean.count, k = targetMean.count
        let total = weight + other, factor = weight * other / total, share = other / total
        let dx = (0..<p).map { part.featureMean[$0] - featureMean[$0] }, dy = (0..<k).map { part.targetMean[$0] - targetMean[$0] }
        for i in 0..<p {
            for j in 0..<p { centredGram[i * p + j] += part.centredGram[i * p + j] + factor * dx[i] * dx[j] }
            for o in 0..<k { centredCross[i * k + o] += part.centredCross[i * k + o] + factor * dx[i] * dy[o] }
        }
        for j in 0..<p { featureMean[j] += share * dx[j] }
        for o in 0..<k { targetMean[o] += share * dy[o] }
        weightTotal = total
    }

    /// The moments of rows `start..<start + count`, one block at a time.
    private static func pass<Element: BLASScalar>(_ rows: Rows<Element>, weights: [Double]?, start: Int, count n: Int) -> Moments {
        let p = rows.featureCount, k = rows.outputCount
        let blockRows = Swift.min(n, Swift.max(64, (1 << 18) / (p + k)))
        // Raw scratch: arrays captured by the loop's closures would pay an exclusivity check per access.
        let z = UnsafeMutablePointer<Double>.allocate(capacity: blockRows * p)
        let t = UnsafeMutablePointer<Double>.allocate(capacity: blockRows * k)
        let meanX = UnsafeMutablePointer<Double>.allocate(capacity: p), meanY = UnsafeMutablePointer<Double>.allocate(capacity: k)
        let blockX = UnsafeMutablePointer<Double>.allocate(capacity: p), blockY = UnsafeMutablePointer<Double>.allocate(capacity: k)
        let dx = UnsafeMutablePointer<Double>.allocate(capacity: p), dy = UnsafeMutablePointer<Double>.allocate(capacity: k)
        let g = UnsafeMutablePointer<Double>.allocate(capacity: p * p), c = UnsafeMutablePointer<Double>.allocate(capacity: p * k)
        let ones = UnsafeMutablePointer<Double>.allocate(capacity: blockRows)
        ones.initialize(repeating: 1, count: blockRows)
        // The block's weights (ones without weights): means are Xᵀw/Σw.
        let blockWeights = UnsafeMutablePointer<Double>.allocate(capacity: blockRows)
        blockWeights.initialize(repeating: 1, count: blockRows)
        defer { for pointer in [z, t, meanX, meanY, blockX, blockY, dx, dy, g, c, ones, blockWeights] { pointer.deallocate() } }
        meanX.initialize(repeating: 0, count: p)
        meanY.initialize(repeating: 0, count: k)
        g.initialize(repeating: 0, count: p * p)
        c.initialize(repeating: 0, count: p * k)
        var seen = 0, seenWeight = 0.0
        while seen < n {
            let count = Swift.min(blockRows, n - seen)
            var blockWeight = Double(count)
            if let weights {
                blockWeight = 0
                for i in 0..<count {
                    blockWeights[i] = weights[start + seen + i]
                    blockWeight += weights[start + seen + i]
                }
                // Rows of zero weight add nothing (and their mean would be 0/0).
                if blockWeight == 0 {
                    seen += count
                    continue
                }
            }
            // Block means (Xᵀw/Σw) and centring (copy, then −1·meanᵀ) by BLAS: streaming, vectorized.
            // The block is copied (widened to Double from Float rows) first, so its means read the copy.
            rows.copyFeatures(from: start + seen, rows: count, into: z)
            rows.copyTargets(from: start + seen, rows: count, into: t)
            BLAS.gemv(transpose: true, m: count, n: p, alpha: 1 / blockWeight, a: z, lda: p, x: blockWeights, beta: 0, y: blockX)
            BLAS.gemv(transpose: true, m: count, n: k, alpha: 1 / blockWeight, a: t, lda: k, x: blockWeights, beta: 0, y: blockY)
            BLAS.ger(m: count, n: p, alpha: -1, x: ones, y: blockX, a: z, lda: p)
            BLAS.ger(m: count, n: k, alpha: -1, x: ones, y: blockY, a: t, lda: k)
            if weights != nil {
                for i in 0..<count {
                    let root = blockWeights[i].squareRoot()
                    for j in 0..<p { z[i * p + j] *= root }
                    for o in 0..<k { t[i * k + o] *= root }
                }
            }
            // ZᵀZ by dgemm, not dsyrk: twice the flops, yet faster with this OpenBLAS
            // (1M×32: 51 against 65 ms, measured 2026-11-29); only the upper half is kept.
            BLAS.gemm(
                transposeA: true, transposeB: false, m: p, n: p, k: count, alpha: 1, a: z, lda: p,
                b: z, ldb: p, beta: 1, c: g, ldc: p)
            BLAS.gemm(
                transposeA: true, transposeB: false, m: p, n: k, k: count, alpha: 1, a: z, lda: p,
                b: t, ldb: k, beta: 1, c: c, ldc: k)
            // Merge the block into the running moments.
            let total = seenWeight + blockWeight
            let factor = seenWeight * blockWeight / total, share = blockWeight / total
            for j in 0..<p { dx[j] = blockX[j] - meanX[j] }
            for o in 0..<k { dy[o] = blockY[o] - meanY[o] }
            if seenWeight > 0 {
                for i in 0..<p {
                    for j in i..<p { g[i * p + j] += factor * dx[i] * dx[j] }
                    for o in 0..<k { c[i * k + o] += factor * dx[i] * dy[o] }
                }
            }
            for j in 0..<p { meanX[j] += share * dx[j] }
            for o in 0..<k { meanY[o] += share * dy[o] }
            seen += count
            seenWeight = total
        }
        for i in 0..<p { for j in 0..<i { g[i * p + j] = g[j * p + i] } }
        return Moments(
            weightTotal: seenWeight, featureMean: Array(UnsafeBufferPointer(start: meanX, count: p)),
            targetMean: Array(UnsafeBufferPointer(start: meanY, count: k)),
            centredGram: Array(UnsafeBufferPointer(start: g, count: p * p)),
            centredCross: Array(UnsafeBufferPointer(start: c, count: p * k)))
    }

    init(weightTotal: Double, featureMean: [Double], targetMean: [Double], centredGram: [Double], centredCross: [Double]) {
        self.weightTotal = weightTotal
        self.featureMean = featureMean
        self.targetMean = targetMean
        self.centredGram = centredGram
        self.centredCross = centredCross
    }

    /// Turns this rank's moments (of rows weighing `weight` in all) into those of every rank's
    /// rows, with the same pairwise update as the blocks: C = Σ Cᵣ + Σ Wᵣ·δᵣδᵣᵀ, δᵣ the rank's
    /// means less the global ones. Two exchanges, O(p² + p·k) each; no second pass over the rows.
    private mutating func merge(over communicator: any Communicator) {
        let weight = weightTotal, p = featureMean.count, k = targetMean.count
        let sums = communicator.sum([weight] + featureMean.map { weight * $0 } + targetMean.map { weight * $0 })
        let total = sums[0]
        let globalX = (0..<p).map { total > 0 ? sums[1 + $0] / total : 0 }
        let globalY = (0..<k).map { total > 0 ? sums[1 + p + $0] / total : 0 }
        let dx = (0..<p).map { featureMean[$0] - globalX[$0] }, dy = (0..<k).map { targetMean[$0] - globalY[$0] }
        var local = centredGram + centredCross
        if weight > 0 {
            for i in 0..<p {
                for j in 0..<p { local[i * p + j] += weight * dx[i] * dx[j] }
                for o in 0..<k { local[p * p + i * k + o] += weight * dx[i] * dy[o] }
            }
        }
        let merged = communicator.sum(local)
        weightTotal = total
        featureMean = globalX
        targetMean = globalY
        centredGram = Array(merged[0..<p * p])
        centredCross = Array(merged[(p * p)...])
    }
}
