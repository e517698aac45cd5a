/// The three factorizations behind ``LeastSquares/solve(_:method:fitIntercept:ridge:penaltyUnits:rankTolerance:weights:covariance:confidenceLevel:refine:threads:)``.
///
/// `cholesky` and `qr` return a failure (a ``LinearAlgebraError``) instead of throwing when Z is
/// rank-deficient to their working precision, so that `auto` can fall back and an explicit
/// request can throw it.
struct Solver<Element: BLASScalar> {
    let data: Rows<Element>
    let design: Design
    let tolerance: Double
    /// The threads for QR's pass over the rows (nil: this one).
    var pool: WorkerPool? = nil

    private var p: Int { design.p }
    private var k: Int { design.k }

    /// Rank is at most n − 1 with an intercept: fewer rows than unknowns cannot have full rank
    /// unless the penalty supplies the missing equations.
    private var tooFewRows: Bool { !design.isPenalized && design.observations - design.interceptColumns < p }

    private func rankFailure(_ method: String, rank: Int, condition: Double) -> Result<Factorization, LinearAlgebraError> {
        .failure(.rankDeficient(method: method, rank: rank, columns: p, conditionEstimate: condition))
    }

    /// - Parameter maximumGramCondition: reject (for `auto`) a Gram matrix whose estimated
    ///   condition number is above this; an explicit request only rejects numerical singularity.
    func cholesky(maximumGramCondition: Double? = nil) -> Result<Factorization, LinearAlgebraError> {
        if tooFewRows { return rankFailure("cholesky", rank: design.observations - design.interceptColumns, condition: .infinity) }
        var gram = design.gram, moment = design.moment
        let oneNorm = gram.withUnsafeBufferPointer { LAPACK.symmetricOneNorm(n: p, a: $0.baseAddress!, lda: p) }
        do {
            try gram.withUnsafeMutableBufferPointer { try LAPACK.choleskyFactor(n: p, a: $0.baseAddress!, lda: p) }
        } catch LinearAlgebraError.notPositiveDefinite(_, let order) {
            return rankFailure("cholesky", rank: order - 1, condition: .infinity)
        } catch {
            return .failure(Self.linearAlgebraError(error))
        }
        do {
            let reciprocal = try gram.withUnsafeBufferPointer {
                try LAPACK.choleskyReciprocalCondition(n: p, factor: $0.baseAddress!, lda: p, oneNorm: oneNorm)
            }
            let condition = reciprocal > 0 ? (1 / reciprocal).squareRoot() : .infinity
            // κ(ZᵀZ) = κ(Z)²: singular to working precision once it nears 1/ε.
            if reciprocal < tolerance * Double(p) {
                return rankFailure("cholesky", rank: p - 1, condition: condition)
            }
            if let limit = maximumGramCondition, reciprocal < 1 / limit {
                return .failure(.conditionAboveLimit(method: "cholesky", conditionEstimate: condition, limit: limit.squareRoot()))
            }
            try gram.withUnsafeBufferPointer { g in
                try moment.withUnsafeMutableBufferPointer {
                    try LAPACK.choleskySolve(n: p, nrhs: k, factor: g.baseAddress!, lda: p, b: $0.baseAddress!, ldb: k)
                }
            }
            let inverse = try inverseFromFactor(gram)
            return .success(
                Factorization(
                    method: .cholesky, zCoefficients: moment, rank: p, conditionNumber: condition,
                    singularValues: nil, inverseGram: inverse, gramFactor: design.isPenalized ? nil : gram))
        } catch {
            return .failure(Self.linearAlgebraError(error))
        }
    }

    /// Householder QR of [Z t] by blocks of rows (``TallSkinnyQR``): X is read once and Z never
    /// held whole; R₁₁·θ = R₁₂ then gives the coefficients.
    ///
    /// The rows are cut into chunks set by the shape alone (the moments pass's,
    /// ``Moments/chunkRows(features:outputs:)``, or eight times the width for wide designs, so a
    /// chunk's rows outweigh its triangle), each factored on its own on the pool's threads with
    /// OpenBLAS on one thread, and the chunks' R stacked in chunk order: the same bits on any
    /// thread count. The chunks run a wave of one per thread at a time, each wave's triangles
    /// stacked before the next starts, so no more than one triangle per thread is held.
    func qr() -> Result<Factorization, LinearAlgebraError> {
        if tooFewRows { return rankFailure("qr", rank: design.observations - design.interceptColumns, condition: .infinity) }
        // This process's rows; with rows spread over processes, the ranks' factors merge below.
        let width = p + k, n = data.count
        do {
            let chunks = RowChunks(rows: n, chunkRows: Swift.max(Moments.chunkRows(features: p, outputs: k), 8 * width))
            // A rank without rows adds no triangle.
            let count = n > 0 ? chunks.count : 0
            let pool = self.pool ?? WorkerPool(threads: 1)
            // Only triangles are stacked here: a buffer of `width` rows is enough.
            var factor = TallSkinnyQR(width: width, blockRows: width)
            var first = 0
            while first < count {
                let wave = Swift.min(pool.threads, count - first), offset = first
                let triangles = BLASThreads.singleThreaded {
                    pool.map(chunks: wave) { index in
                        let rows = chunks.range(offset + index)
                        return Result { try triangle(start: rows.lowerBound, count: rows.count) }
                    }
                }
                for triangle in triangles { try factor.add(triangle: triangle.get()) }
                first += wave
            }
            if let sharing = data.sharing { try factor.merge(over: sharing.communicator) }
            if design.isPenalized {
                // The ridge rows √wⱼ·eⱼ with zero targets.
                let weights = design.penaltyWeight
                try factor.add(count: p) { buffer, leading in
                    for j in 0..<width { for i in 0..<p { buffer[j * leading + i] = i == j ? weights[j].squareRoot() : 0 } }
                }
            }
            let full = factor.upperTriangle
            var r = [Double](repeating: 0, count: p * p), coefficients = [Double](repeating: 0, count: p * k)
            for i in 0..<p {
                for j in i..<p { r[i * p + j] = full[i * width + j] }
                for o in 0..<k { coefficients[i * k + o] = full[i * width + p + o] }
            }
            if (0..<p).contains(where: { r[$0 * p + $0] == 0 }) { return rankFailure("qr", rank: p - 1, condition: .infinity) }
            let reciprocal = try r.withUnsafeBufferPointer { try LAPACK.triangularReciprocalCondition(n: p, a: $0.baseAddress!, lda: p) }
            let condition = reciprocal > 0 ? 1 / reciprocal : .infinity
            if reciprocal < tolerance { return rankFailure("qr", rank: p - 1, condition: condition) }
            _ = try r.withUnsafeBufferPointer { a in
                try coefficients.withUnsafeMutableBufferPointer { b in
                    try LAPACK.upperTriangularSolve(n: p, nrhs: k, a: a.baseAddress!, lda: p, b: b.baseAddress!, ldb: k)
                }
            }
            // RᵀR = ZᵀZ (+ the penalty), so R is the Cholesky factor of the Gram matrix.
            let inverse = try inverseFromFactor(r)
            return .success(
                Factorization(
                    method: .qr, zCoefficients: coefficients, rank: p, conditionNumber: condition,
                    singularValues: nil, inverseGram: inverse, gramFactor: design.isPenalized ? nil : r))
        } catch {
            return .failure(Self.linearAlgebraError(error))
        }
    }

    /// R of [Z t] over rows `start..<start + count` (row-major, as ``TallSkinnyQR/upperTriangle``
    /// gives it), the rows read in blocks straight into the factor's buffer.
    private func triangle(start: Int, count: Int) throws -> [Double] {
        let width = p + k
        // Blocks of about 1 MiB (some 4000 rows at 32 features), the chunk cut evenly: `dgeqrt`
        // applies each panel of a few columns to the rest of the block while both are in cache,
        // and fewer, taller blocks restack R less often (half this size was slower).
        let target = Swift.max(2 * width, (1 << 17) / width), blocks = Swift.max(1, (count + target - 1) / target)
        var factor = TallSkinnyQR(width: width, blockRows: Swift.max(1, (count + blocks - 1) / blocks))
        var offset = 0
        while offset < count {
            let rows = Swift.min(factor.blockRows, count - offset), first = start + offset
            try factor.add(count: rows) { buffer, leading in
                design.fillColumns(data, start: first, count: rows, into: buffer, leading: leading)
            }
            offset += rows
        }
        return factor.upperTriangle
    }

    func svd() throws -> Factorization {
        var (a, rows, b) = design.augmentedSystem(data)
        // The Gram matrix ZᵀZ (+ the penalty) for standard errors comes from the design's moments pass.
        let gram = design.gram
        var singular = [Double](repeating: 0, count: Swift.min(rows, p))
        let rank = try a.withUnsafeMutableBufferPointer { a in
            try b.withUnsafeMutableBufferPointer { b in
                try singular.withUnsafeMutableBufferPointer { s in
                    try LAPACK.svdLeastSquares(
                        m: rows, n: p, nrhs: k, a: a.baseAddress!, lda: p, b: b.baseAddress!, ldb: k,
                        singularValues: s.baseAddress!, rcond: tolerance)
                }
            }
        }
        let smallest = singular.count < p ? 0 : singular.last ?? 0
        let condition = smallest > 0 ? singular[0] / smallest : .infinity
        // A Gram matrix that is not numerically positive definite has no usable inverse: no standard errors.
        var inverse: [Double]?, factor: [Double]?
        var g = gram
        if rank == p, (try? g.withUnsafeMutableBufferPointer { try LAPACK.choleskyFactor(n: p, a: $0.baseAddress!, lda: p) }) != nil {
            inverse = try? inverseFromFactor(g)
            factor = design.isPenalized ? nil : g
        }
        return Factorization(
            method: .svd, zCoefficients: Array(b[0..<p * k]), rank: rank, conditionNumber: condition,
            singularValues: singular, inverseGram: inverse, gramFactor: factor)
    }

    /// The LAPACK wrappers throw only ``LinearAlgebraError``; anything else is reported as one.
    private static func linearAlgebraError(_ error: Error) -> LinearAlgebraError {
        (error as? LinearAlgebraError) ?? .lapackFailure(routine: String(describing: error), info: 0)
    }

    /// (UᵀU)⁻¹ as a full symmetric matrix, from the upper Cholesky factor U.
    private func inverseFromFactor(_ factor: [Double]) throws -> [Double] {
        var inverse = factor
        try inverse.withUnsafeMutableBufferPointer { try LAPACK.choleskyInverse(n: p, a: $0.baseAddress!, lda: p) }
        for i in 0..<p { for j in 0..<i { inverse[i * p + j] = inverse[j * p + i] } }
        return inverse
    }
}
