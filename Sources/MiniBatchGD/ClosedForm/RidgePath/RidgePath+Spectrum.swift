extension RidgePath {
    /// The one factorization of a path: the eigenvalues λ (largest first, clamped at 0) and
    /// eigenvectors of X̃ᵀWX̃, the projected cross products Vᵀ·X̃ᵀWỹ (r×k), and the means the
    /// rows are centred on.
    ///
    /// In standardized units the penalty is α·‖Sβ‖², S the columns' standard deviations: the
    /// factorization is of S⁻¹X̃ᵀWX̃S⁻¹ = U·diag(λ)·Uᵀ, and `vectors` holds V = S⁻¹U, so that
    /// β(α) = V·diag(1/(λ + α))·Vᵀ·X̃ᵀWỹ and the rows' projections X̃V keep their form in either unit.
    struct Spectrum {
        let decomposition: Decomposition
        let p: Int, k: Int, r: Int
        let fitIntercept: Bool
        let values: [Double]
        /// p×r, row-major, column j for λⱼ (S⁻¹ times the eigenvectors in standardized units).
        let vectors: [Double]
        /// r×k.
        let projectedCross: [Double]
        /// The weighted means (zeros without an intercept).
        let featureMean: [Double]
        let targetMean: [Double]
        let weightTotal: Double

        init<Element: BLASScalar>(
            _ data: Rows<Element>, fitIntercept: Bool, penaltyUnits: LeastSquares.PenaltyUnits, weights: [Double]?, pool: WorkerPool
        ) throws {
            let n = data.count, p = data.featureCount, k = data.outputCount
            self.p = p
            self.k = k
            self.fitIntercept = fitIntercept
            if n >= p {
                try MemoryBudget.require(MemoryBudget.doubles(4 * p + k, p + k), for: "the ridge path of \(p) features")
                let moments = Moments(data, weights: weights, pool: pool)
                var gram = moments.centredGram, cross = moments.centredCross
                let total = moments.weightTotal
                let scale = Self.scales(
                    penaltyUnits, centredSquares: (0..<p).map { moments.centredGram[$0 * p + $0] }, total: total, mean: moments.featureMean)
                if !fitIntercept {
                    // About zero instead of about the means: add back Σw·x̄x̄ᵀ and Σw·x̄ȳᵀ.
                    let mx = moments.featureMean, my = moments.targetMean
                    for i in 0..<p {
                        for j in 0..<p { gram[i * p + j] += total * mx[i] * mx[j] }
                        for o in 0..<k { cross[i * k + o] += total * mx[i] * my[o] }
                    }
                }
                for i in 0..<p {
                    for j in 0..<p { gram[i * p + j] /= scale[i] * scale[j] }
                    for o in 0..<k { cross[i * k + o] /= scale[i] }
                }
                var ascending = [Double](repeating: 0, count: p)
                if p > 0 {
                    try gram.withUnsafeMutableBufferPointer { a in
                        try ascending.withUnsafeMutableBufferPointer { w in
                            try LAPACK.symmetricEigensystemDivideAndConquer(n: p, a: a.baseAddress!, lda: p, into: w.baseAddress!)
                        }
                    }
                }
                // Largest first; a rounding-level negative eigenvalue of a singular Gram is 0.
                var vectors = [Double](repeating: 0, count: p * p)
                for j in 0..<p { for i in 0..<p { vectors[i * p + j] = gram[i * p + (p - 1 - j)] } }
                decomposition = .eigen
                r = p
                values = ascending.reversed().map { Swift.max(0, $0) }
                projectedCross = Self.project(cross, vectors: vectors, p: p, r: p, k: k)
                self.vectors = Self.unscaled(vectors, scale, r: p)
                featureMean = fitIntercept ? moments.featureMean : Array(repeating: 0, count: p)
                targetMean = fitIntercept ? moments.targetMean : Array(repeating: 0, count: k)
                weightTotal = total
            } else {
                // Fewer rows than features: the thin SVD of the n×p centred design, never its p×p Gram.
                try MemoryBudget.require(
                    MemoryBudget.doubles(3 * p + n + k + 2, n), for: "the SVD of \(n) rows × \(p) features for the ridge path")
                let w = weights ?? [Double](repeating: 1, count: n)
                let total = w.reduce(0, +)
                var design = [Double](repeating: 0, count: n * p), targets = [Double](repeating: 0, count: n * k)
                design.withUnsafeMutableBufferPointer { data.copyFeatures(from: 0, rows: n, into: $0.baseAddress!) }
                targets.withUnsafeMutableBufferPointer { data.copyTargets(from: 0, rows: n, into: $0.baseAddress!) }
                // The weighted means, and the columns' spreads about them (whether or not an
                // intercept is fitted: the standard deviations are the Standardizer's).
                var mx = [Double](repeating: 0, count: p), my = [Double](repeating: 0, count: k)
                for i in 0..<n {
                    for j in 0..<p { mx[j] += w[i] * design[i * p + j] }
                    for o in 0..<k { my[o] += w[i] * targets[i * k + o] }
                }
                mx = mx.map { $0 / total }
                my = my.map { $0 / total }
                var centredSquares = [Double](repeating: 0, count: p)
                for i in 0..<n {
                    for j in 0..<p {
                        let d = design[i * p + j] - mx[j]
                        centredSquares[j] += w[i] * d * d
                    }
                }
                let scale = Self.scales(penaltyUnits, centredSquares: centredSquares, total: total, mean: mx)
                if !fitIntercept {
                    mx = [Double](repeating: 0, count: p)
                    my = [Double](repeating: 0, count: k)
                }
                for i in 0..<n {
                    let root = w[i].squareRoot()
                    for j in 0..<p { design[i * p + j] = root * (design[i * p + j] - mx[j]) / scale[j] }
                    for o in 0..<k { targets[i * k + o] = root * (targets[i * k + o] - my[o]) }
                }
                var cross = [Double](repeating: 0, count: p * k)
                design.withUnsafeBufferPointer { a in
                    targets.withUnsafeBufferPointer { t in
                        cross.withUnsafeMutableBufferPointer { c in
                            BLAS.gemm(
                                transposeA: true, transposeB: false, m: p, n: k, k: n, alpha: 1, a: a.baseAddress!, lda: p,
                                b: t.baseAddress!, ldb: k, beta: 0, c: c.baseAddress!, ldc: k)
                        }
                    }
                }
                var singular = [Double](repeating: 0, count: n), u = [Double](repeating: 0, count: n * n)
                var vt = [Double](repeating: 0, count: n * p)
                try design.withUnsafeMutableBufferPointer { a in
                    try singular.withUnsafeMutableBufferPointer { s in
                        try u.withUnsafeMutableBufferPointer { u in
                            try vt.withUnsafeMutableBufferPointer { vt in
                                try LAPACK.singularValueDecomposition(
                                    m: n, n: p, a: a.baseAddress!, lda: p, s: s.baseAddress!, u: u.baseAddress!, ldu: n,
                                    vt: vt.baseAddress!, ldvt: p)
                            }
                        }
                    }
                }
                var vectors = [Double](repeating: 0, count: p * n)
                for j in 0..<n { for i in 0..<p { vectors[i * n + j] = vt[j * p + i] } }
                decomposition = .svd
                r = n
                values = singular.map { $0 * $0 }
                projectedCross = Self.project(cross, vectors: vectors, p: p, r: n, k: k)
                self.vectors = Self.unscaled(vectors, scale, r: n)
                featureMean = mx
                targetMean = my
                weightTotal = total
            }
        }

        /// The columns' scales S: 1 in original units; in standardized units the standard
        /// deviations about the weighted means, as ``Standardizer`` takes them (1 for a constant column).
        private static func scales(_ units: LeastSquares.PenaltyUnits, centredSquares: [Double], total: Double, mean: [Double]) -> [Double]
        {
            guard units == .standardized else { return [Double](repeating: 1, count: centredSquares.count) }
            return centredSquares.indices.map { j in
                Standardizer.scale(standardDeviation: (Swift.max(0, centredSquares[j]) / total).squareRoot(), mean: mean[j])
            }
        }

        /// S⁻¹·U for U p×r: the eigenvectors of the standardized problem in the data's units.
        private static func unscaled(_ vectors: [Double], _ scale: [Double], r: Int) -> [Double] {
            var result = vectors
            for i in scale.indices where scale[i] != 1 { for j in 0..<r { result[i * r + j] /= scale[i] } }
            return result
        }

        /// Vᵀ·C for C p×k.
        private static func project(_ cross: [Double], vectors: [Double], p: Int, r: Int, k: Int) -> [Double] {
            var result = [Double](repeating: 0, count: r * k)
            for i in 0..<p {
                for j in 0..<r {
                    let v = vectors[i * r + j]
                    for o in 0..<k { result[j * k + o] += v * cross[i * k + o] }
                }
            }
            return result
        }

        /// β(α) = V·diag(1/(λ + α))·Vᵀ·X̃ᵀWỹ and b(α) = ȳ − x̄ᵀβ(α).
        func parameters(alpha: Double) -> Parameters {
            var scaled = projectedCross
            for j in 0..<r { for o in 0..<k { scaled[j * k + o] /= values[j] + alpha } }
            var coefficients = Matrix<Double>.zeros(p, k)
            var intercept = targetMean
            for i in 0..<p {
                for o in 0..<k {
                    var sum = 0.0
                    for j in 0..<r { sum += vectors[i * r + j] * scaled[j * k + o] }
                    coefficients.elements[i * k + o] = sum
                    intercept[o] -= featureMean[i] * sum
                }
            }
            return Parameters(unchecked: coefficients, fitIntercept ? intercept : Array(repeating: 0, count: k))
        }
    }
}
