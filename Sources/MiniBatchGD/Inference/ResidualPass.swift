import Foundation

/// What one pass over the residuals gives: the residual and total sums of squares, the
/// Durbin–Watson sums and, for a robust covariance, the sandwich's middle in Z's coordinates
/// (centred, equilibrated; the intercept first).
///
/// Residuals are eᵢ = tᵢ − zᵢᵀθ with t the centred targets (both times √wᵢ when weighted);
/// leverages hᵢ = wᵢ/Σw + zᵢᵀ(ZᵀZ)⁻¹zᵢ (no first term without an intercept). Rows are read in
/// blocks, as the moments pass reads them.
struct ResidualPass {
    /// Σ (eᵢ − eᵢ₋₁)², Σ eᵢ² and Σ tᵢ² per target.
    var successiveDifferences: [Double]
    var squares: [Double]
    var totals: [Double]
    /// Per target, Σ ωᵢ·uᵢuᵢᵀ with uᵢ = (1, zᵢ) (or zᵢ without an intercept), q×q; empty for
    /// the nonrobust covariance.
    var meats: [[Double]]

    /// Rows per chunk: eight blocks (7 928 rows at 32 features), set by the shape alone.
    static func chunkRows(features p: Int, outputs k: Int) -> Int { 8 * Swift.max(64, (1 << 16) / (p + k)) }

    /// - Parameters:
    ///   - inverseGram: (ZᵀZ)⁻¹ for the leverages and the robust middle; without it, only the
    ///     sums are computed.
    ///   - pool: the threads for the pass (nil: this one). The rows are cut into fixed chunks
    ///     (``chunkRows(features:outputs:)``), each a pass of its own with OpenBLAS on one thread,
    ///     added in chunk order with the Durbin–Watson terms that span two chunks: the same bits
    ///     whatever the thread count, OpenBLAS's included.
    init<Element: BLASScalar>(
        data: Rows<Element>, design: Design, zCoefficients: [Double], inverseGram: [Double]?, type: LeastSquares.CovarianceType,
        pool: WorkerPool? = nil
    ) {
        let n = data.count, chunks = RowChunks(rows: n, chunkRows: Self.chunkRows(features: design.p, outputs: design.k))
        typealias Part = (pass: ResidualPass, first: [Double], last: [Double], rows: Int)
        func reduce() -> Part {
            chunks.reduce(on: pool) { range in
                Self.pass(
                    data: data, design: design, zCoefficients: zCoefficients, inverseGram: inverseGram, type: type, start: range.lowerBound,
                    count: range.count)
            } merge: { (sum: inout Part, part: Part) in
                for o in 0..<sum.pass.squares.count {
                    // The term between this chunk's first residual and the last one before it.
                    if sum.rows > 0, part.rows > 0 {
                        sum.pass.successiveDifferences[o] += (part.first[o] - sum.last[o]) * (part.first[o] - sum.last[o])
                    }
                    sum.pass.successiveDifferences[o] += part.pass.successiveDifferences[o]
                    sum.pass.squares[o] += part.pass.squares[o]
                    sum.pass.totals[o] += part.pass.totals[o]
                }
                for o in sum.pass.meats.indices { for i in sum.pass.meats[o].indices { sum.pass.meats[o][i] += part.pass.meats[o][i] } }
                if sum.rows == 0 { sum.first = part.first }
                if part.rows > 0 { sum.last = part.last }
                sum.rows += part.rows
            }
        }
        let (pass, first, last, _) = BLASThreads.singleThreaded(reduce)
        self = pass
        if let sharing = data.sharing { merge(over: sharing.communicator, rows: n, first: first, last: last) }
    }

    /// The sums of rows `start..<start + count`, their first and last residuals per target, and
    /// their count.
    private static func pass<Element: BLASScalar>(
        data: Rows<Element>, design: Design, zCoefficients: [Double], inverseGram: [Double]?, type: LeastSquares.CovarianceType,
        start first: Int,
        count n: Int
    ) -> (pass: ResidualPass, first: [Double], last: [Double], rows: Int) {
        var result = ResidualPass(k: design.k)
        let p = design.p, k = design.k
        let offset = design.interceptColumns, q = p + offset
        let robust = type != .nonrobust && inverseGram != nil, leverage = robust && (type == .hc2 || type == .hc3)
        let blockRows = Swift.min(n, Swift.max(64, (1 << 16) / (p + k)))
        var z = [Double](repeating: 0, count: blockRows * p), t = [Double](repeating: 0, count: blockRows * k)
        var projected = [Double](repeating: 0, count: leverage ? blockRows * p : 0)
        var scaled = [Double](repeating: 0, count: robust ? blockRows * q : 0)
        var h = [Double](repeating: 0, count: blockRows)
        result.meats = robust ? Array(repeating: Array(repeating: 0, count: q * q), count: k) : []
        var previous = [Double](repeating: 0, count: k), firstResiduals = [Double](repeating: 0, count: k)
        var start = 0
        while start < n {
            let count = Swift.min(blockRows, n - start)
            z.withUnsafeMutableBufferPointer { zb in
                t.withUnsafeMutableBufferPointer { tb in
                    design.fillBlock(data, start: first + start, count: count, z: zb.baseAddress!, t: tb.baseAddress!)
                    for i in 0..<count * k { result.totals[i % k] += tb[i] * tb[i] }
                    // E = T − Z·Θ, in place of T.
                    zCoefficients.withUnsafeBufferPointer { theta in
                        BLAS.gemm(
                            transposeA: false, transposeB: false, m: count, n: k, k: p, alpha: -1, a: zb.baseAddress!, lda: p,
                            b: theta.baseAddress!, ldb: k, beta: 1, c: tb.baseAddress!, ldc: k)
                    }
                }
            }
            for o in 0..<k {
                for i in 0..<count {
                    let e = t[i * k + o]
                    if start + i > 0 {
                        result.successiveDifferences[o] += (e - previous[o]) * (e - previous[o])
                    } else {
                        firstResiduals[o] = e
                    }
                    result.squares[o] += e * e
                    previous[o] = e
                }
            }
            if leverage {
                z.withUnsafeBufferPointer { zb in
                    inverseGram!.withUnsafeBufferPointer { g in
                        projected.withUnsafeMutableBufferPointer { out in
                            BLAS.gemm(
                                transposeA: false, transposeB: false, m: count, n: p, k: p, alpha: 1, a: zb.baseAddress!, lda: p,
                                b: g.baseAddress!, ldb: p, beta: 0, c: out.baseAddress!, ldc: p)
                        }
                    }
                }
                for i in 0..<count {
                    let row = first + start + i
                    var value = offset == 1 ? design.rootWeight(row) * design.rootWeight(row) / design.weightTotal : 0
                    for j in 0..<p { value += projected[i * p + j] * z[i * p + j] }
                    h[i] = value
                }
            }
            if robust {
                for o in 0..<k {
                    for i in 0..<count {
                        let e = t[i * k + o]
                        let weight: Double =
                            switch type {
                            case .hc2: e * e / (1 - h[i])
                            case .hc3: e * e / ((1 - h[i]) * (1 - h[i]))
                            default: e * e
                            }
                        let root = weight.squareRoot()
                        if offset == 1 { scaled[i * q] = root * design.rootWeight(first + start + i) }
                        for j in 0..<p { scaled[i * q + offset + j] = root * z[i * p + j] }
                    }
                    scaled.withUnsafeBufferPointer { s in
                        result.meats[o].withUnsafeMutableBufferPointer { m in
                            BLAS.gemm(
                                transposeA: true, transposeB: false, m: q, n: q, k: count, alpha: 1, a: s.baseAddress!, lda: q,
                                b: s.baseAddress!, ldb: q, beta: 1, c: m.baseAddress!, ldc: q)
                        }
                    }
                }
            }
            start += count
        }
        return (result, firstResiduals, previous, n)
    }

    /// Zero sums for `k` targets.
    private init(k: Int) {
        successiveDifferences = Array(repeating: 0, count: k)
        squares = Array(repeating: 0, count: k)
        totals = Array(repeating: 0, count: k)
        meats = []
    }

    /// Sums every rank's pass, adding the Durbin–Watson terms that span two ranks: the first
    /// residual of each rank with rows against the last residual of the rank with rows before it.
    private mutating func merge(over communicator: any Communicator, rows: Int, first: [Double], last: [Double]) {
        let k = squares.count
        let sums = communicator.sum(successiveDifferences + squares + totals + meats.flatMap { $0 })
        successiveDifferences = Array(sums[0..<k])
        squares = Array(sums[k..<2 * k])
        totals = Array(sums[2 * k..<3 * k])
        let q2 = meats.first?.count ?? 0
        meats = meats.indices.map { Array(sums[(3 * k + $0 * q2)..<(3 * k + ($0 + 1) * q2)]) }
        var previous: [Double]?
        for part in communicator.gather([rows > 0 ? 1 : 0] + first + last) where part[0] == 1 {
            if let previous { for o in 0..<k { successiveDifferences[o] += (part[1 + o] - previous[o]) * (part[1 + o] - previous[o]) } }
            previous = Array(part[(1 + k)...])
        }
    }
}
