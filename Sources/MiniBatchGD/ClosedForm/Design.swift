import Foundation

/// A design prepared for the closed-form solve: column means, and the norms that equilibrate
/// the centred columns.
///
/// Every method works on Z = (X − 1·x̄ᵀ)·S⁻¹, the centred design with each column scaled to unit
/// Euclidean norm (no centring without an intercept). Centring removes the intercept from the
/// linear system (it is recovered as ȳ − x̄ᵀθ) and scaling makes the rank decision and the
/// condition estimate independent of the columns' units, so a column in micrometres next to
/// one in kilometres loses no digits.
struct Design {
    /// Rows over every process (``Rows/totalCount``); a pass over this process's rows runs to `data.count`.
    let n: Int
    let p: Int, k: Int
    let fitIntercept: Bool
    /// Row weights (weighted least squares); nil for ordinary least squares. Every row of Z and of
    /// the centred targets is multiplied by √wᵢ, and the means are weighted.
    let weights: [Double]?
    /// Σwᵢ (n without weights): what 1/n becomes in the intercept's variance and leverages.
    let weightTotal: Double
    /// Rows of positive weight (n without weights): the observations the statistics count.
    let observations: Int
    /// Σ log wᵢ over the rows of positive weight (0 without weights): the likelihood's weight term.
    let logWeightTotal: Double
    let featureMean: [Double]
    let targetMean: [Double]
    /// ‖column j of the centred X‖₂, or 1 for a column that is constant (zero after centring).
    let columnNorm: [Double]
    /// Diagonal penalty added to ZᵀZ: the ridge penalty expressed in Z's coordinates.
    let penaltyWeight: [Double]
    /// ZᵀZ + diag(penaltyWeight), full and symmetric (p×p).
    let gram: [Double]
    /// Zᵀt with t the centred targets (p×k).
    let moment: [Double]

    /// Everything from one blocked pass over the data (``Moments``): X is read once.
    init<Element: BLASScalar>(
        _ data: Rows<Element>, fitIntercept: Bool, ridge: Double, penaltyUnits: LeastSquares.PenaltyUnits, weights: [Double]? = nil,
        pool: WorkerPool? = nil
    ) {
        let p = data.featureCount, k = data.outputCount
        self.n = data.totalCount
        self.p = p
        self.k = k
        self.fitIntercept = fitIntercept
        self.weights = weights
        // With rows spread over processes: the totals over every rank, in one exchange.
        let totals = data.sum([
            weights.map { $0.reduce(0, +) } ?? Double(data.count), Double(weights.map { $0.count { $0 > 0 } } ?? data.count),
            weights.map { $0.reduce(0) { $1 > 0 ? $0 + log($1) : $0 } } ?? 0,
        ])
        let weightTotal = totals[0]
        self.weightTotal = weightTotal
        observations = Int(totals[1])
        logWeightTotal = totals[2]
        let moments = Moments(data, weights: weights, pool: pool)
        let featureMean = fitIntercept ? moments.featureMean : Array(repeating: 0, count: p)
        var scatter = moments.centredGram, cross = moments.centredCross
        if !fitIntercept {
            // About zero instead of about the means: add back n·x̄x̄ᵀ and n·x̄ȳᵀ (Σw for n when weighted).
            let n = weightTotal, mx = moments.featureMean, my = moments.targetMean
            for i in 0..<p {
                for j in 0..<p { scatter[i * p + j] += n * mx[i] * mx[j] }
                for o in 0..<k { cross[i * k + o] += n * mx[i] * my[o] }
            }
        }
        self.featureMean = featureMean
        targetMean = fitIntercept ? moments.targetMean : Array(repeating: 0, count: k)
        // A column whose spread is at rounding level of its mean is constant: leaving it at its
        // tiny norm would blow rounding noise up to a full-size column. With norm 1 it stays ≈ 0
        // and the solvers see the dependence.
        let norm = (0..<p).map { j -> Double in
            let value = scatter[j * p + j].squareRoot()
            let floor = 1e-12 * abs(featureMean[j]) * weightTotal.squareRoot()
            return value > floor && value > 0 ? value : 1
        }
        columnNorm = norm
        // Penalty λ·Σ (dⱼθⱼ)² with θⱼ = zⱼ-coefficient / normⱼ, where dⱼ = 1 in original units
        // and dⱼ = the column's standard deviation (as ``Standardizer`` computes it) in standardized units.
        let deviation = (0..<p).map { j in
            Standardizer.scale(
                standardDeviation: (moments.centredGram[j * p + j] / weightTotal).squareRoot(), mean: moments.featureMean[j])
        }
        let weight = (0..<p).map { j in
            let d = penaltyUnits == .standardized ? deviation[j] : 1
            return ridge * (d / norm[j]) * (d / norm[j])
        }
        penaltyWeight = weight
        var gram = scatter
        for i in 0..<p {
            for j in 0..<p { gram[i * p + j] /= norm[i] * norm[j] }
            gram[i * p + i] += weight[i]
        }
        self.gram = gram
        moment = (0..<p * k).map { cross[$0] / norm[$0 / k] }
    }

    var interceptColumns: Int { fitIntercept ? 1 : 0 }
    var isPenalized: Bool { penaltyWeight.contains { $0 > 0 } }

    /// √wᵢ for row i (1 without weights).
    func rootWeight(_ i: Int) -> Double { weights.map { $0[i].squareRoot() } ?? 1 }

    /// Writes rows `start..<start+count` of Z and of the centred targets into `z` and `t` (each
    /// row times √wᵢ when weighted).
    func fillBlock<Element: BLASScalar>(
        _ data: Rows<Element>, start: Int, count: Int, z: UnsafeMutablePointer<Double>, t: UnsafeMutablePointer<Double>
    ) {
        let inverse = columnNorm.map { 1 / $0 }
        let x = data.x, ldx = data.xStride, y = data.y, ldy = data.yStride
        featureMean.withUnsafeBufferPointer { mean in
            inverse.withUnsafeBufferPointer { scale in
                for i in 0..<count {
                    let row = x + (start + i) * ldx, out = z + i * p, root = rootWeight(start + i)
                    for j in 0..<p { out[j] = root * (Double(row[j]) - mean[j]) * scale[j] }
                }
            }
        }
        for i in 0..<count {
            let row = y + (start + i) * ldy, root = rootWeight(start + i)
            for o in 0..<k { t[i * k + o] = root * (Double(row[o]) - targetMean[o]) }
        }
    }

    /// Writes rows `start..<start+count` of [Z t] column by column into `buffer`, as
    /// ``TallSkinnyQR/add(count:fill:)`` takes them: element (i, j) at `buffer[j * leading + i]`,
    /// the centred targets in columns p..<p+k, each row times √wᵢ when weighted. The same values
    /// as ``fillBlock(_:start:count:z:t:)``, without a row-major copy between.
    func fillColumns<Element: BLASScalar>(
        _ data: Rows<Element>, start: Int, count: Int, into buffer: UnsafeMutablePointer<Double>, leading: Int
    ) {
        let inverse = columnNorm.map { 1 / $0 }, p = self.p, k = self.k
        let x = data.x, ldx = data.xStride, y = data.y, ldy = data.yStride
        featureMean.withUnsafeBufferPointer { mean in
            inverse.withUnsafeBufferPointer { scale in
                targetMean.withUnsafeBufferPointer { targetMean in
                    for i in 0..<count {
                        let row = x + (start + i) * ldx, target = y + (start + i) * ldy, root = rootWeight(start + i)
                        for j in 0..<p { buffer[j * leading + i] = root * (Double(row[j]) - mean[j]) * scale[j] }
                        for o in 0..<k { buffer[(p + o) * leading + i] = root * (Double(target[o]) - targetMean[o]) }
                    }
                }
            }
        }
    }

    /// Z (n×p) with the ridge rows √wⱼ·eⱼ appended, and the centred targets padded with zeros
    /// to `max(rows, p)` rows, as `dgelsd` wants them (the SVD's copy).
    func augmentedSystem<Element: BLASScalar>(_ data: Rows<Element>) -> (a: [Double], rows: Int, b: [Double]) {
        let n = data.count, rows = n + (isPenalized ? p : 0)
        let bRows = Swift.max(rows, p)
        var a = [Double](repeating: 0, count: rows * p)
        var b = [Double](repeating: 0, count: bRows * k)
        a.withUnsafeMutableBufferPointer { z in
            b.withUnsafeMutableBufferPointer { t in fillBlock(data, start: 0, count: n, z: z.baseAddress!, t: t.baseAddress!) }
        }
        if isPenalized { for j in 0..<p { a[(n + j) * p + j] = penaltyWeight[j].squareRoot() } }
        return (a, rows, b)
    }

    /// Maps coefficients of Z (p×k, row-major) back to original units with their intercepts.
    func originalParameters(_ zCoefficients: [Double]) -> Parameters {
        var coefficients = Matrix<Double>.zeros(p, k)
        var intercept = fitIntercept ? targetMean : Array(repeating: 0, count: k)
        for j in 0..<p {
            for o in 0..<k {
                let value = zCoefficients[j * k + o] / columnNorm[j]
                coefficients.elements[j * k + o] = value
                if fitIntercept { intercept[o] -= featureMean[j] * value }
            }
        }
        return Parameters(unchecked: coefficients, intercept)
    }
}

/// Means, centred Gram matrix XcᵀXc and centred cross products Xcᵀyc in one blocked pass.
///
/// Each block is centred on its own means (in a scratch buffer that stays in cache), its
/// Gram matrix added by `dgemm`, and the blocks merged with the pairwise update of Chan, Golub
/// and LeVeque: C = C_a + C_b + (n_a·n_b / n)·δδᵀ with δ the difference of the block means.
/// That is as accurate as centring on the global means, without a first pass to find them.
/// With weights, the means are weighted, the centred rows are scaled by √wᵢ and the counts in
/// the merge are the blocks' total weights.
struct Moments {
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
    ///   cut into ``chunkRows(features:outputs:)``-row chunks, each a pass of its own with
    ///   OpenBLAS on one thread, merged in chunk order by the same pairwise update: the same bits
    ///   whatever the thread count, OpenBLAS's included.
    init<Element: BLASScalar>(_ rows: Rows<Element>, weights: [Double]? = nil, pool: WorkerPool? = nil) {
        let n = rows.count, p = rows.featureCount, k = rows.outputCount
        let chunkRows = Self.chunkRows(features: p, outputs: k)
        var weight: Double
        if n <= chunkRows {
            (self, weight) = Self.pass(rows, weights: weights, start: 0, count: n)
        } else {
            let chunks = (n + chunkRows - 1) / chunkRows
            let parts = BLASThreads.singleThreaded {
                (pool ?? WorkerPool(threads: 1)).map(chunks: chunks) { chunk in
                    let start = chunk * chunkRows
                    return Self.pass(rows, weights: weights, start: start, count: Swift.min(chunkRows, n - start))
                }
            }
            (self, weight) = parts[0]
            for part in parts.dropFirst() { weight = merge(part.moments, weighing: part.weight, into: weight) }
        }
        if let sharing = rows.sharing { merge(over: sharing.communicator, weight: weight) }
    }

    /// Adds moments of rows weighing `other` in all into these (of rows weighing `weight`), by
    /// Chan's pairwise update; returns the total weight.
    private mutating func merge(_ part: Moments, weighing other: Double, into weight: Double) -> Double {
        guard other > 0 else { return weight }
        guard weight > 0 else {
            self = part
            return other
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
        return total
    }

    /// The moments of rows `start..<start + count` and their total weight, one block at a time.
    private static func pass<Element: BLASScalar>(_ rows: Rows<Element>, weights: [Double]?, start: Int, count n: Int) -> (
        moments: Moments, weight: Double
    ) {
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
        let moments = Moments(
            featureMean: Array(UnsafeBufferPointer(start: meanX, count: p)),
            targetMean: Array(UnsafeBufferPointer(start: meanY, count: k)),
            centredGram: Array(UnsafeBufferPointer(start: g, count: p * p)),
            centredCross: Array(UnsafeBufferPointer(start: c, count: p * k)))
        return (moments, seenWeight)
    }

    private init(featureMean: [Double], targetMean: [Double], centredGram: [Double], centredCross: [Double]) {
        self.featureMean = featureMean
        self.targetMean = targetMean
        self.centredGram = centredGram
        self.centredCross = centredCross
    }

    /// Turns this rank's moments (of rows weighing `weight` in all) into those of every rank's
    /// rows, with the same pairwise update as the blocks: C = Σ Cᵣ + Σ Wᵣ·δᵣδᵣᵀ, δᵣ the rank's
    /// means less the global ones. Two exchanges, O(p² + p·k) each; no second pass over the rows.
    private mutating func merge(over communicator: any Communicator, weight: Double) {
        let p = featureMean.count, k = targetMean.count
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
        featureMean = globalX
        targetMean = globalY
        centredGram = Array(merged[0..<p * p])
        centredCross = Array(merged[(p * p)...])
    }
}
