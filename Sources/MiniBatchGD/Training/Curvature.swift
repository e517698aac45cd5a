import Foundation

/// The curvature of the least-squares cost in the coordinates descent runs in, which sets the
/// step sizes that converge and predicts how fast.
///
/// The Hessian of the mean cost ½·mean(r²) (+ λ/2·‖W‖²) is H = (1/n)·ÃᵀÃ (+ λ on the
/// coefficients), with Ã the design in descent coordinates: standardized features (when
/// standardizing) and a column of ones for the intercept. It is the same for every output.
/// With row weights ωᵢ in the cost (½·mean(ωr²)) it is (1/n)·ÃᵀΩÃ and a row's curvature ωᵢ‖ãᵢ‖².
/// - ``smoothness`` L = λmax(H): full-batch descent is stable below η = 2/L.
/// - ``strongConvexity`` μ = the smallest non-zero eigenvalue of H (directions of zero
///   curvature carry no gradient and are never moved): linear convergence at 1 − η·μ per step.
/// - ``largestRowCurvature`` max ωᵢ‖ãᵢ‖²: the curvature one row alone can have, which bounds the
///   stable step of stochastic descent (a single row's Hessian is ãᵢãᵢᵀ, not H).
/// - ``meanSquareRowCurvature`` R², the least R² with E[ωᵢ²‖ãᵢ‖²·ãᵢãᵢᵀ] ≼ R²·H: the same bound in
///   mean square (Bach and Moulines, 2013), where one heavy row weighs by its share of the rows,
///   not alone. Between the mean and the largest row curvature; heavy-tailed rows put the
///   largest far above it, and it does not grow with the number of rows as the largest does.
public struct Curvature: Equatable, Sendable {
    /// L, the largest eigenvalue of H.
    public let smoothness: Double
    /// μ, the smallest non-zero eigenvalue of H, when it was cheap to compute (p ≤ ``exactLimit``).
    public let strongConvexity: Double?
    /// max over rows of ωᵢ‖ãᵢ‖².
    public let largestRowCurvature: Double
    /// R² = λmax(H^(−½)·(1/n)Σωᵢ²‖ãᵢ‖²ãᵢãᵢᵀ·H^(−½)) on the directions H curves (unpenalized), when
    /// it was cheap to compute (p ≤ ``exactLimit``) and could matter: it is nil where a lower bound
    /// on it already puts 4R² above ``largestRowCurvature`` (rows without heavy tails). At most
    /// ``largestRowCurvature``.
    public let meanSquareRowCurvature: Double?
    /// Exact eigenvalues of the Gram matrix (true), or power iteration for L alone (false).
    public let isExact: Bool
    /// The smallest eigenvalue of H over every direction, zero curvature included, when exact:
    /// the μ of an objective whose proximal step (L1's) moves coefficients along directions the
    /// rows do not curve, which ``strongConvexity`` leaves out.
    let leastEigenvalue: Double?

    /// Up to this many features the p×p Hessian is formed in one pass over X and its
    /// eigenvalues computed; above it, L comes from power iteration and μ is unknown.
    public static let exactLimit = 512

    /// κ = L/μ, the condition number of H (the square of the design's), when μ is known.
    public var conditionNumber: Double? { strongConvexity.map { smoothness / $0 } }

    /// The row curvature the batch smoothness uses: 4R², the constant step 1/(4R²) with which
    /// averaged single-row SGD on least squares converges at rate O(1/n) (Bach and Moulines,
    /// 2013; their bound holds for steps below 1/R² and grows without limit as the step nears
    /// it), or the largest row's curvature when that is smaller or R² unknown.
    public var rowCurvature: Double { Swift.min(4 * (meanSquareRowCurvature ?? .infinity), largestRowCurvature) }

    /// The expected smoothness of the mean cost over a batch of `b` of the `n` rows, drawn
    /// without replacement (Gower et al., 2019, "SGD: General Analysis and Improved Rates"):
    /// L(b) = n(b − 1)/(b(n − 1))·L + (n − b)/(b(n − 1))·R², which is L for the full batch and
    /// ``rowCurvature`` for single rows. With the rows in mean square (``meanSquareRowCurvature``)
    /// rather than the largest row, the bound holds in expectation over the batches
    /// (E[H_B²] ≼ L(b)·H for a batch's Hessian H_B, up to the factor 4 of the averaged step), and
    /// a few heavy rows no longer set every batch's step.
    public func batchSmoothness(batchRows b: Int, rows n: Int) -> Double {
        guard n > 1, b < n else { return smoothness }
        let nd = Double(n), bd = Double(b)
        return nd * (bd - 1) / (bd * (nd - 1)) * smoothness + (nd - bd) / (bd * (nd - 1)) * Swift.max(rowCurvature, smoothness)
    }

    init(
        smoothness: Double, strongConvexity: Double?, largestRowCurvature: Double, meanSquareRowCurvature: Double? = nil, isExact: Bool,
        leastEigenvalue: Double? = nil
    ) {
        self.smoothness = smoothness
        self.strongConvexity = strongConvexity
        self.leastEigenvalue = leastEigenvalue
        self.largestRowCurvature = largestRowCurvature
        self.meanSquareRowCurvature = meanSquareRowCurvature
        self.isExact = isExact
    }

    /// Measures the curvature of `data` in descent coordinates.
    /// - Parameters:
    ///   - standardizer: the map to descent coordinates, or nil for original units.
    ///   - penalty: λ in mean-cost units, added to the coefficients' curvature.
    ///   - rowWeights: ωᵢ, the rows' weights in the cost, or nil for 1.
    /// - Throws: ``LinearAlgebraError`` if the eigenvalue solver fails.
    /// - Complexity: O(n·p²) up to ``exactLimit`` features (one pass over X), else O(n·p) per
    ///   power iteration (at most 60 iterations of two passes).
    init<Element: BLASScalar>(
        _ data: Dataset<Element>, standardizer: Standardizer?, fitIntercept: Bool, penalty: Double, rowWeights: [Double]? = nil
    ) throws {
        self = try data.withRows {
            try Curvature($0, standardizer: standardizer, fitIntercept: fitIntercept, penalty: penalty, rowWeights: rowWeights)
        }
    }

    /// Measures the curvature of the rows `data` in descent coordinates (see the data set's
    /// initializer); the moments pass runs on `threads` threads when the rows make several chunks
    /// (the same bits on any count).
    /// With a `loss` whose second derivative lies in [lo, hi] (nil: the squared loss, 1), the
    /// cost's Hessian lies between lo·H and hi·H (plus the penalty): L and the row curvatures are
    /// the design's times hi, and μ is (lo/hi) times the penalized hi·H's (a lower bound, since
    /// lo·H + λ ≽ (lo/hi)·(hi·H + λ)), or unknown when lo is 0.
    /// `moments`, when the caller has them, are those of `data` with weights `rowWeights` (the
    /// plan's one statistics pass): the Gram matrix is then not read from the rows again.
    init<Element: BLASScalar>(
        _ data: Rows<Element>, standardizer: Standardizer?, fitIntercept: Bool, penalty: Double, rowWeights: [Double]?,
        moments known: Moments? = nil, loss: ClosedRange<Double>? = nil, threads: Int = 1
    ) throws {
        if let loss, loss != 1...1 {
            let scaled = (rowWeights ?? [Double](repeating: 1, count: data.count)).map { $0 * loss.upperBound }
            let upper = try Curvature(
                data, standardizer: standardizer, fitIntercept: fitIntercept, penalty: penalty, rowWeights: scaled,
                moments: known?.scaled(by: loss.upperBound), threads: threads)
            self.init(
                smoothness: upper.smoothness,
                strongConvexity: loss.lowerBound > 0 ? upper.strongConvexity.map { $0 * loss.lowerBound / loss.upperBound } : nil,
                largestRowCurvature: upper.largestRowCurvature, meanSquareRowCurvature: upper.meanSquareRowCurvature,
                isExact: upper.isExact,
                leastEigenvalue: loss.lowerBound > 0 ? upper.leastEigenvalue.map { $0 * loss.lowerBound / loss.upperBound } : nil)
            return
        }
        let p = data.featureCount
        let centre = standardizer?.mean ?? Array(repeating: 0, count: p)
        let scale = standardizer?.scale ?? Array(repeating: 1, count: p)
        let intercept = fitIntercept ? 1.0 : 0.0
        // max ωᵢ‖ãᵢ‖², one pass; ωᵢ²‖ãᵢ‖², the weights of the mean-square moments below.
        var largest = 0.0
        let exact = p <= Self.exactLimit
        var squareWeights = [Double](repeating: 0, count: exact ? data.count : 0)
        data.forEachBlock { first, count, x, ldx, _, _ in
            for r in 0..<count {
                let row = x + r * ldx, i = first + r
                var sum = intercept
                for j in 0..<p {
                    let z = (Double(row[j]) - centre[j]) / scale[j]
                    sum += z * z
                }
                let weight = rowWeights?[i] ?? 1
                largest = Swift.max(largest, weight * sum)
                if exact { squareWeights[i] = weight * weight * sum }
            }
        }
        // Rows spread over processes: every total below is over all ranks (n too).
        largest = data.maximum(largest)
        let n = data.totalCount
        if exact {
            let pool = WorkerPool(threads: data.count > Moments.chunkRows(features: p, outputs: data.outputCount) ? threads : 1)
            let moments = known ?? Moments(data, weights: rowWeights, pool: pool)
            let mass = data.sum(rowWeights?.reduce(0, +) ?? Double(data.count)) / Double(n)
            let unpenalized = Self.designGram(moments, mass: mass, centre: centre, scale: scale, rows: n, fitIntercept: fitIntercept)
            let squareMass = data.sum(squareWeights.reduce(0, +)) / Double(n)
            try self.init(
                gram: unpenalized, features: p, fitIntercept: fitIntercept, penalty: penalty, largestRowCurvature: largest, mass: mass,
                squareMass: squareMass
            ) {
                // The mean-square moments: the same Gram matrix with weights ωᵢ²‖ãᵢ‖².
                let squareMoments = Moments(data, weights: squareWeights, pool: pool)
                return Self.designGram(squareMoments, mass: squareMass, centre: centre, scale: scale, rows: n, fitIntercept: fitIntercept)
            }
        } else {
            let top = Self.powerIteration(
                data, centre: centre, scale: scale, fitIntercept: fitIntercept, penalty: penalty, rowWeights: rowWeights)
            self.init(smoothness: top, strongConvexity: nil, largestRowCurvature: largest, isExact: false)
        }
    }

    /// The curvature from H's unpenalized Gram matrix (1/n)·ÃᵀΩÃ (q×q, the intercept first), in
    /// whatever way the rows gave it (dense moments, or sparse rows' products).
    /// - Parameters:
    ///   - mass: Σωᵢ/n; `squareMass`: Σωᵢ²‖ãᵢ‖²/n.
    ///   - fourthGram: the same Gram matrix with weights ωᵢ²‖ãᵢ‖², a second pass over the rows
    ///     made only when the mean-square row curvature can matter.
    init(
        gram unpenalized: [Double], features p: Int, fitIntercept: Bool, penalty: Double, largestRowCurvature largest: Double,
        mass: Double, squareMass: Double, fourthGram: () throws -> [Double]
    ) throws {
        let q = p + (fitIntercept ? 1 : 0)
        var hessian = unpenalized
        for j in 0..<p { hessian[(j + q - p) * q + j + q - p] += penalty }
        var eigenvalues = [Double](repeating: 0, count: q)
        try hessian.withUnsafeMutableBufferPointer { h in
            try eigenvalues.withUnsafeMutableBufferPointer { w in
                try LAPACK.symmetricEigenvalues(n: q, a: h.baseAddress!, lda: q, into: w.baseAddress!)
            }
        }
        let top = Swift.max(eigenvalues[q - 1], .leastNormalMagnitude)
        // Zero curvature (a constant or duplicated column) carries no gradient: skip it.
        let smallest = eigenvalues.first { $0 > 1e-10 * top }
        // R² ≥ L (M ≽ H², Jensen) and, with an intercept, ≥ M₀₀/H₀₀ = Σω²‖ã‖²/Σω: where four
        // times that bound already covers the largest row, 4R² cannot set the step and the
        // second moments pass is skipped (the same decision on every rank: both are totals).
        let lowerBound = Swift.max(top - penalty, fitIntercept && mass > 0 ? squareMass / mass : 0)
        let meanSquare = largest > 4 * lowerBound ? try Self.relativeTop(fourthGram(), to: unpenalized, size: q) : nil
        self.init(
            smoothness: top, strongConvexity: smallest, largestRowCurvature: largest,
            meanSquareRowCurvature: meanSquare.map { Swift.min($0, largest) }, isExact: true,
            leastEigenvalue: Swift.max(eigenvalues[0], 0))
    }

    /// (1/n)·ÃᵀΩÃ (q×q, the intercept first) from ω-weighted moments of X:
    /// Σωᵢ(xᵢ − c)(xᵢ − c)ᵀ = C + Σω·(x̄ − c)(x̄ − c)ᵀ, C the centred Gram matrix and x̄ the means.
    static func designGram(_ moments: Moments, mass: Double, centre: [Double], scale: [Double], rows n: Int, fitIntercept: Bool) -> [Double]
    {
        let p = centre.count, q = p + (fitIntercept ? 1 : 0), shift = fitIntercept ? 1 : 0
        var gram = [Double](repeating: 0, count: q * q)
        let offset = (0..<p).map { (moments.featureMean[$0] - centre[$0]) / scale[$0] }
        if fitIntercept {
            gram[0] = mass
            for j in 0..<p {
                gram[j + 1] = mass * offset[j]
                gram[(j + 1) * q] = mass * offset[j]
            }
        }
        for i in 0..<p {
            for j in 0..<p {
                gram[(i + shift) * q + j + shift] =
                    moments.centredGram[i * p + j] / (Double(n) * scale[i] * scale[j]) + mass * offset[i] * offset[j]
            }
        }
        return gram
    }

    /// λmax(H^(−½)·M·H^(−½)) over the directions where H (q×q, symmetric) curves, or nil when H
    /// curves nowhere.
    static func relativeTop(_ m: [Double], to h: [Double], size q: Int) throws -> Double? {
        var vectors = h, values = [Double](repeating: 0, count: q)
        try vectors.withUnsafeMutableBufferPointer { a in
            try values.withUnsafeMutableBufferPointer {
                try LAPACK.symmetricEigensystem(n: q, a: a.baseAddress!, lda: q, into: $0.baseAddress!)
            }
        }
        let top = values[q - 1]
        guard top > 0 else { return nil }
        let kept = (0..<q).filter { values[$0] > 1e-10 * top }
        let r = kept.count
        // S = V·Λ^(−½) on the kept directions; B = SᵀMS.
        var s = [Double](repeating: 0, count: q * r)
        for (column, j) in kept.enumerated() {
            let factor = 1 / values[j].squareRoot()
            for i in 0..<q { s[i * r + column] = vectors[i * q + j] * factor }
        }
        // MS (q×r), then Sᵀ(MS): O(q³), not O(q⁴).
        var ms = [Double](repeating: 0, count: q * r)
        for i in 0..<q {
            for j in 0..<q where m[i * q + j] != 0 {
                let value = m[i * q + j]
                for c in 0..<r { ms[i * r + c] += value * s[j * r + c] }
            }
        }
        var b = [Double](repeating: 0, count: r * r)
        for i in 0..<q {
            for a in 0..<r where s[i * r + a] != 0 {
                let value = s[i * r + a]
                for c in 0..<r { b[a * r + c] += value * ms[i * r + c] }
            }
        }
        // Symmetric in exact arithmetic: average away the rounding before the eigensolver.
        for a in 0..<r {
            for c in (a + 1)..<r {
                b[a * r + c] = 0.5 * (b[a * r + c] + b[c * r + a])
                b[c * r + a] = b[a * r + c]
            }
        }
        var eigenvalues = [Double](repeating: 0, count: r)
        try b.withUnsafeMutableBufferPointer { a in
            try eigenvalues.withUnsafeMutableBufferPointer {
                try LAPACK.symmetricEigenvalues(n: r, a: a.baseAddress!, lda: r, into: $0.baseAddress!)
            }
        }
        return eigenvalues[r - 1]
    }

    /// λmax(H) by power iteration on H·v = ÃᵀΩ(Ã·v)/n + λ·v, two passes over X per iteration,
    /// stopping when the estimate changes by less than 1e-4 (relative). Power iteration
    /// approaches λmax from below, so the result is raised by that margin.
    static func powerIteration<Element: BLASScalar>(
        _ data: Dataset<Element>, centre: [Double], scale: [Double], fitIntercept: Bool, penalty: Double, rowWeights: [Double]? = nil
    ) -> Double {
        data.withRows {
            powerIteration($0, centre: centre, scale: scale, fitIntercept: fitIntercept, penalty: penalty, rowWeights: rowWeights)
        }
    }

    static func powerIteration<Element: BLASScalar>(
        _ data: Rows<Element>, centre: [Double], scale: [Double], fitIntercept: Bool, penalty: Double, rowWeights: [Double]?
    ) -> Double {
        let n = data.count, p = data.featureCount, total = data.totalCount
        let gradient = BatchGradient(
            features: p, outputs: 1, fitIntercept: fitIntercept,
            standardizer: Standardizer(mean: centre, scale: scale), kernel: .blas,
            batchRows: n, evaluationLimit: n, rowsOf: Element.self)
        let block = Swift.min(gradient.blockRows, gradient.evaluationRows)
        let zeros = Buffer<Element>(repeating: 0, count: block)
        // Columnar rows: each block gathered here first (targets into a scratch the zeros do not need).
        let gatheredX = Buffer<Element>(repeating: 0, count: data.isColumnar ? block * p : 0)
        let gatheredY = Buffer<Element>(repeating: 0, count: data.isColumnar ? block * data.outputCount : 0)
        let vector = Buffer<Double>(repeating: 1, count: p + 1), product = Buffer<Double>(repeating: 0, count: p + 1)
        if !fitIntercept { vector.base[p] = 0 }
        var estimate = 0.0
        func powerIterationLoop(w: UnsafePointer<Double>?) {
            for _ in 0..<60 {
                var norm = 0.0
                for i in 0...p { norm += vector.base[i] * vector.base[i] }
                norm = norm.squareRoot()
                for i in 0...p { vector.base[i] /= norm }
                gradient.prepare(vector.base)
                var start = 0
                while start < n {
                    let count = Swift.min(block, n - start)
                    data.withBlock(from: start, rows: count, scratchX: gatheredX.base, scratchY: gatheredY.base) { x, ldx, _, _ in
                        _ = gradient.addRows(
                            x: x, ldx: ldx, y: zeros.base, ldy: 1, rowWeights: w.map { $0 + start }, count: count,
                            alpha: 1 / Double(total), into: product.base, accumulate: start > 0)
                    }
                    start += count
                }
                // A rank without rows adds nothing (addRows never ran); then every rank's part is summed.
                if n == 0 { product.base.update(repeating: 0, count: p + 1) }
                data.sum(product.base, count: p + 1)
                gradient.finish(product.base)
                var rayleigh = 0.0
                for j in 0..<p { product.base[j] += penalty * vector.base[j] }
                for i in 0...p { rayleigh += product.base[i] * vector.base[i] }
                vector.base.update(from: product.base, count: p + 1)
                let previous = estimate
                estimate = rayleigh
                if abs(estimate - previous) <= 1e-4 * estimate { break }
            }
        }
        withOptionalPointer(rowWeights) { w in powerIterationLoop(w: w) }
        return estimate * (1 + 1e-3)
    }
}
