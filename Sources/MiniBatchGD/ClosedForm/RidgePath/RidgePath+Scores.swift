extension RidgePath {
    /// The count, mean and sum of squared deviations of some per-row terms, merged by Chan,
    /// Golub and LeVeque's pairwise update; +∞ once a term is.
    struct Summary {
        var count = 0.0
        var average = 0.0
        var squares = 0.0
        var infinite = false

        /// The terms' sum (+∞ when one is).
        var sum: Double { infinite ? .infinity : average * count }
        /// The terms' mean (+∞ when one is).
        var mean: Double { infinite ? .infinity : count > 0 ? average : .nan }
        /// sd/√count, the sd over count − 1.
        var standardError: Double {
            infinite ? .infinity : count > 1 ? (squares / (count - 1)).squareRoot() / count.squareRoot() : .nan
        }

        mutating func merge(_ other: Summary) {
            infinite = infinite || other.infinite
            guard other.count > 0 else { return }
            guard count > 0 else {
                (count, average, squares) = (other.count, other.average, other.squares)
                return
            }
            let total = count + other.count, delta = other.average - average
            average += delta * other.count / total
            squares += other.squares + delta * delta * count * other.count / total
            count = total
        }
    }

    /// The scores of every α in one pass over the rows: each block of rows is centred,
    /// projected onto V, and its leverages and fitted values for all alphas come from two
    /// matrix products (the squared projections times 1/(λ + α), the projections times the
    /// projected cross products over λ + α); the per-row terms are then summarized per α and
    /// target. Chunks of a size fixed by the shape run on the pool and merge in order, OpenBLAS
    /// on one thread in each: the same bits on any thread count.
    struct ScorePass {
        /// Per α and target (index a·k + o): the terms wᵢ·(rᵢ/(1 − hᵢᵢ))² over every row.
        var leaveOneOut: [Summary]
        /// Per α and target: the terms wᵢ·rᵢ² over the rows of positive weight.
        var residuals: [Summary]
        /// wᵢ·(rᵢ/(1 − hᵢᵢ))² at `(a·k + o)·n + i`, when kept.
        var errors: [Double]?
        /// Per target, Σwᵢ·(yᵢ − ȳ)² (Σwᵢ·yᵢ² without an intercept): R²'s denominator.
        var totals: [Double]

        init<Element: BLASScalar>(
            _ data: Rows<Element>, spectrum: Spectrum, alphas: [Double], weights: [Double]?, keepErrors: Bool, pool: WorkerPool
        ) {
            let n = data.count, p = spectrum.p, k = spectrum.k, r = spectrum.r, m = alphas.count, width = m * k
            // D[j][a] = 1/(λⱼ + αₐ) and B[j][a·k + o] = cⱼₒ/(λⱼ + αₐ), c = Vᵀ·X̃ᵀWỹ.
            var inverse = [Double](repeating: 0, count: r * m), scaled = [Double](repeating: 0, count: r * width)
            for j in 0..<r {
                for a in 0..<m {
                    let d = 1 / (spectrum.values[j] + alphas[a])
                    inverse[j * m + a] = d
                    for o in 0..<k { scaled[j * width + a * k + o] = spectrum.projectedCross[j * k + o] * d }
                }
            }
            // Blocks of about 2 MiB of scratch; chunks of 16 blocks: both fixed by the shape.
            let blockRows = Swift.max(16, (1 << 18) / Swift.max(1, p + 2 * r + k + m + 2 * width))
            let chunks = RowChunks(rows: n, chunkRows: 16 * blockRows)
            let kept = keepErrors ? UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(1, n * width)) : nil
            defer { kept?.deallocate() }
            let intercept = spectrum.fitIntercept ? 1 / spectrum.weightTotal : 0
            let empty = (
                loo: [Summary](repeating: Summary(), count: width), residuals: [Summary](repeating: Summary(), count: width),
                totals: [Double](repeating: 0, count: k)
            )
            let result = BLASThreads.singleThreaded {
                chunks.reduce(on: pool) { range -> (loo: [Summary], residuals: [Summary], totals: [Double]) in
                    guard !range.isEmpty else { return empty }
                    return Self.chunk(
                        data, range: range, blockRows: blockRows, spectrum: spectrum, inverse: inverse, scaled: scaled, m: m,
                        weights: weights, intercept: intercept, kept: kept, n: n)
                } merge: { total, part in
                    for c in 0..<width {
                        total.loo[c].merge(part.loo[c])
                        total.residuals[c].merge(part.residuals[c])
                    }
                    for o in 0..<k { total.totals[o] += part.totals[o] }
                }
            }
            leaveOneOut = result.loo
            residuals = result.residuals
            totals = result.totals
            errors = kept.map { Array(UnsafeBufferPointer(start: $0, count: n * width)) }
        }

        /// The summaries of rows `range`, block by block.
        private static func chunk<Element: BLASScalar>(
            _ data: Rows<Element>, range: Range<Int>, blockRows: Int, spectrum: Spectrum, inverse: [Double], scaled: [Double], m: Int,
            weights: [Double]?, intercept: Double, kept: UnsafeMutablePointer<Double>?, n: Int
        ) -> (loo: [Summary], residuals: [Summary], totals: [Double]) {
            let p = spectrum.p, k = spectrum.k, r = spectrum.r, width = m * k
            let rowsInBlock = Swift.min(blockRows, range.count)
            // Raw scratch, allocated once per chunk.
            let z = UnsafeMutablePointer<Double>.allocate(capacity: rowsInBlock * Swift.max(p, 1))
            let t = UnsafeMutablePointer<Double>.allocate(capacity: rowsInBlock * k)
            let q = UnsafeMutablePointer<Double>.allocate(capacity: rowsInBlock * Swift.max(r, 1))
            let q2 = UnsafeMutablePointer<Double>.allocate(capacity: rowsInBlock * Swift.max(r, 1))
            let leverage = UnsafeMutablePointer<Double>.allocate(capacity: rowsInBlock * m)
            let fitted = UnsafeMutablePointer<Double>.allocate(capacity: rowsInBlock * width)
            let squares = UnsafeMutablePointer<Double>.allocate(capacity: rowsInBlock * width)
            let sums = UnsafeMutablePointer<Double>.allocate(capacity: 2 * width)
            let deviations = UnsafeMutablePointer<Double>.allocate(capacity: width)
            let factor = UnsafeMutablePointer<Double>.allocate(capacity: m)
            defer { for pointer in [z, t, q, q2, leverage, fitted, squares, sums, deviations, factor] { pointer.deallocate() } }
            var loo = [Summary](repeating: Summary(), count: width), residualSummaries = loo
            var totals = [Double](repeating: 0, count: k)
            spectrum.featureMean.withUnsafeBufferPointer { mx in
                spectrum.targetMean.withUnsafeBufferPointer { my in
                    spectrum.vectors.withUnsafeBufferPointer { v in
                        inverse.withUnsafeBufferPointer { d in
                            scaled.withUnsafeBufferPointer { b in
                                Self.withOptionalBuffer(weights) { w in
                                    var start = range.lowerBound
                                    while start < range.upperBound {
                                        let count = Swift.min(rowsInBlock, range.upperBound - start)
                                        data.copyFeatures(from: start, rows: count, into: z)
                                        data.copyTargets(from: start, rows: count, into: t)
                                        for i in 0..<count {
                                            for j in 0..<p { z[i * p + j] -= mx[j] }
                                            let weight = w?[start + i] ?? 1
                                            for o in 0..<k {
                                                t[i * k + o] -= my[o]
                                                totals[o] += weight * t[i * k + o] * t[i * k + o]
                                            }
                                        }
                                        let looSums = sums, residualSums = sums + width
                                        looSums.update(repeating: 0, count: 2 * width)
                                        var positive = 0
                                        if r > 0 {
                                            BLAS.gemm(
                                                transposeA: false, transposeB: false, m: count, n: r, k: p, alpha: 1, a: z, lda: p,
                                                b: v.baseAddress!, ldb: r, beta: 0, c: q, ldc: r)
                                        }
                                        if k == 1, r > 0 {
                                            // One target: the leverages, fitted values and terms in one fused pass.
                                            positive = VectorWidth.best.ridgeTerms(
                                                rows: count, r: r, m: m, projections: q, targets: t,
                                                weights: w.map { $0.baseAddress! + start },
                                                inverse: d.baseAddress!, scaled: b.baseAddress!, interceptLeverage: intercept,
                                                leaveOneOut: fitted, squares: squares, leaveOneOutSums: looSums, residualSums: residualSums)
                                        } else {
                                            positive = Self.terms(
                                                count: count, q: q, q2: q2, t: t, r: r, k: k, m: m, inverse: d, scaled: b, weights: w,
                                                start: start, intercept: intercept, leverage: leverage, fitted: fitted, squares: squares,
                                                factor: factor, looSums: looSums, residualSums: residualSums)
                                        }
                                        if let kept {
                                            for i in 0..<count { for c in 0..<width { kept[c * n + start + i] = fitted[i * width + c] } }
                                        }
                                        summarize(
                                            fitted, rows: count, counted: count, width: width, weights: nil, start: start, sums: looSums,
                                            deviations: deviations, into: &loo)
                                        summarize(
                                            squares, rows: count, counted: positive, width: width, weights: weights, start: start,
                                            sums: residualSums, deviations: deviations, into: &residualSummaries)
                                        start += count
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return (loo, residualSummaries, totals)
        }

        /// The terms of several targets (or of no projections) by two matrix products and a loop:
        /// the leverages q²·D, the fitted values q·B, then each row's terms and their block sums.
        /// Returns the rows of positive weight.
        private static func terms(
            count: Int, q: UnsafeMutablePointer<Double>, q2: UnsafeMutablePointer<Double>, t: UnsafeMutablePointer<Double>, r: Int, k: Int,
            m: Int, inverse d: UnsafeBufferPointer<Double>, scaled b: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?,
            start: Int, intercept: Double, leverage: UnsafeMutablePointer<Double>, fitted: UnsafeMutablePointer<Double>,
            squares: UnsafeMutablePointer<Double>, factor: UnsafeMutablePointer<Double>, looSums: UnsafeMutablePointer<Double>,
            residualSums: UnsafeMutablePointer<Double>
        ) -> Int {
            let width = m * k
            if r > 0 {
                for e in 0..<count * r { q2[e] = q[e] * q[e] }
                BLAS.gemm(
                    transposeA: false, transposeB: false, m: count, n: m, k: r, alpha: 1, a: q2, lda: r, b: d.baseAddress!, ldb: m, beta: 0,
                    c: leverage, ldc: m)
                BLAS.gemm(
                    transposeA: false, transposeB: false, m: count, n: width, k: r, alpha: 1, a: q, lda: r, b: b.baseAddress!, ldb: width,
                    beta: 0, c: fitted, ldc: width)
            } else {
                leverage.update(repeating: 0, count: count * m)
                fitted.update(repeating: 0, count: count * width)
            }
            // The terms, in place: `fitted` becomes wᵢ(rᵢ/(1 − hᵢᵢ))², `squares` wᵢrᵢ²; their block
            // sums on the way (a row of weight 0 adds 0 to both, and is not counted among the
            // residuals' rows). Branch-free inner loops, so they vectorize.
            var positive = 0
            for i in 0..<count {
                let w = weights?[start + i] ?? 1
                let row = fitted + i * width, square = squares + i * width
                guard w > 0 else {
                    row.update(repeating: 0, count: width)
                    square.update(repeating: 0, count: width)
                    continue
                }
                positive += 1
                let rowLeverage = leverage + i * m
                for a in 0..<m {
                    let denominator = 1 - w * (rowLeverage[a] + intercept)
                    factor[a] = denominator > 0 ? 1 / (denominator * denominator) : .infinity
                }
                for a in 0..<m {
                    for o in 0..<k {
                        let c = a * k + o, residual = t[i * k + o] - row[c], value = w * residual * residual
                        square[c] = value
                        row[c] = value * factor[a]
                        looSums[c] += row[c]
                        residualSums[c] += value
                    }
                }
            }
            return positive
        }

        /// `body` with the array's buffer, or nil.
        private static func withOptionalBuffer<Result>(_ array: [Double]?, _ body: (UnsafeBufferPointer<Double>?) -> Result) -> Result {
            guard let array else { return body(nil) }
            return array.withUnsafeBufferPointer { body($0) }
        }

        /// Merges the block's column summaries (count, mean, squared deviations) into `summaries`,
        /// over the `counted` rows of positive weight when `weights` are given, from the terms'
        /// block sums.
        private static func summarize(
            _ terms: UnsafeMutablePointer<Double>, rows: Int, counted: Int, width: Int, weights: [Double]?, start: Int,
            sums: UnsafeMutablePointer<Double>, deviations: UnsafeMutablePointer<Double>, into summaries: inout [Summary]
        ) {
            guard counted > 0 else { return }
            let count = Double(counted)
            for c in 0..<width { sums[c] /= count }
            deviations.update(repeating: 0, count: width)
            for i in 0..<rows where weights.map({ $0[start + i] > 0 }) ?? true {
                let row = terms + i * width
                for c in 0..<width {
                    let delta = row[c] - sums[c]
                    deviations[c] += delta * delta
                }
            }
            for c in 0..<width {
                let mean = sums[c]
                summaries[c].merge(
                    mean.isFinite ? Summary(count: count, average: mean, squares: deviations[c]) : Summary(count: count, infinite: true))
            }
        }
    }
}
