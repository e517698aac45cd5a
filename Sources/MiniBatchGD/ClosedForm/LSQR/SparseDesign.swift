/// The design LSQR iterates on, for sparse rows, without ever forming a dense or a p×p matrix:
///
///     Ā = [ W^½·(X − 1·x̄ᵀ)·S⁻¹ ]      b̄ = [ W^½·(y − ȳ) ]
///         [ diag(√(λ·dⱼ))·S⁻¹   ]          [ 0           ]
///
/// X is the CSR rows; centring on the weighted means x̄ (with an intercept) is applied as a rank-one
/// correction, never stored; S = diag(sⱼ) scales each column of Ā, its ridge row included, to unit
/// norm (Jacobi preconditioning: LSQR's iterations depend on the scaled design's condition); the
/// ridge rows penalize λ·dⱼ·βⱼ² with βⱼ = xⱼ/sⱼ, dⱼ = 1 in original units or the column's variance in
/// standardized units. Minimizing ‖Ā·x − b̄‖ is the weighted ridge problem of ``LeastSquares``.
///
/// Over the ranks of a job (``communicator`` set) `data` is this rank's rows and Ā's first n rows
/// are theirs: the column sums, the targets' means and Āᵀu are summed over the ranks, and the norm
/// of a vector of Ā's rows counts every rank's part and the ridge rows (held alike by all) once.
struct SparseDesign<Element: BLASScalar> {
    let data: SparseDataset<Element>
    /// The ranks sharing the rows; nil for rows held whole.
    let communicator: (any Communicator)?
    /// This rank's rows (all of them in one process), and the width.
    let n: Int, p: Int
    /// The weighted column means x̄ (zeros without an intercept).
    let featureMean: [Double]
    /// √wᵢ (nil without weights).
    let rootWeights: [Double]?
    /// sⱼ: the norms of Ā's columns before scaling, √(‖centred weighted column‖² + λ·dⱼ) (1 for a
    /// column that is all zero or constant, without a penalty).
    let columnScale: [Double]
    /// The columns' weighted standard deviations as ``Standardizer`` scales them (1 for a
    /// constant column): the standardized penalty's units, and the sparse descent's scales.
    let deviations: [Double]
    /// √(λ·dⱼ)/sⱼ per column; empty without a penalty.
    let ridgeDiagonal: [Double]
    /// Σw.
    let weightTotal: Double

    /// Rows of Ā: n, plus p ridge rows when penalized.
    var operatorRows: Int { n + (ridgeDiagonal.isEmpty ? 0 : p) }

    init(
        _ data: SparseDataset<Element>, fitIntercept: Bool, ridge: Double, penaltyUnits: LeastSquares.PenaltyUnits,
        communicator: (any Communicator)? = nil
    ) {
        let n = data.rows, p = data.featureCount, weights = data.weights
        var total = weights?.reduce(0, +) ?? Double(n)
        // Σwᵢxᵢⱼ, Σwᵢxᵢⱼ² and the weight of the rows holding an entry, over the entries.
        var sums = [Double](repeating: 0, count: p), squares = [Double](repeating: 0, count: p)
        var present = [Double](repeating: 0, count: p)
        Self.addColumnSums(data, sums: &sums, squares: &squares, present: &present)
        if let communicator {
            let summed = communicator.sum(sums + squares + present + [total])
            sums = Array(summed[0..<p])
            squares = Array(summed[p..<2 * p])
            present = Array(summed[2 * p..<3 * p])
            total = summed[3 * p]
        }
        let mean = sums.map { $0 / total }
        // Σw(x − x̄)² in a second pass (the one-pass Σwx² − (Σwx)²/Σw cancels to noise for a
        // constant column): the entries' deviations, plus the zeros' x̄² each.
        var deviationSquares = [Double](repeating: 0, count: p)
        Self.addDeviationSquares(data, mean: mean, into: &deviationSquares)
        if let communicator { deviationSquares = communicator.sum(deviationSquares) }
        for j in 0..<p { deviationSquares[j] += Swift.max(0, total - present[j]) * mean[j] * mean[j] }
        // Σw(x − c)² about the mean, or about 0 (the squares themselves).
        func centred(_ j: Int, aboutMean: Bool) -> Double { aboutMean ? deviationSquares[j] : squares[j] }
        let deviations = Self.deviations(deviationSquares: deviationSquares, mean: mean, total: total)
        // λ·dⱼ, the penalty's weight on each column (zeros without one).
        let penaltyWeights = (0..<p).map { j in ridge > 0 ? ridge * (penaltyUnits == .standardized ? deviations[j] * deviations[j] : 1) : 0
        }
        let scale = (0..<p).map { j -> Double in
            let norm = centred(j, aboutMean: fitIntercept).squareRoot()
            // At rounding level of the column's size, the column is constant (or empty).
            let data = norm > 1e-12 * (squares[j].squareRoot() + Double.leastNormalMagnitude) ? norm : 0
            // The norm of the whole column of Ā, its ridge row included: a rare column (a small
            // norm) under a ridge would otherwise have a ridge entry far above 1, and LSQR's
            // iterations grow with the scaled design's condition (thousands on text rows).
            let augmented = (data * data + penaltyWeights[j]).squareRoot()
            return augmented > 0 ? augmented : 1
        }
        self.data = data
        self.communicator = communicator
        self.n = n
        self.p = p
        weightTotal = total
        rootWeights = weights.map { $0.map { $0.squareRoot() } }
        featureMean = fitIntercept ? mean : [Double](repeating: 0, count: p)
        columnScale = scale
        self.deviations = deviations
        ridgeDiagonal = ridge > 0 ? (0..<p).map { j in penaltyWeights[j].squareRoot() / scale[j] } : []
    }

    /// b̄ for target `o`: √wᵢ·(yᵢ − ȳ) (ȳ the weighted mean with an intercept, else 0), then zeros.
    func rightHandSide(target o: Int, fitIntercept: Bool) -> (b: [Double], targetMean: Double) {
        var mean = 0.0
        if fitIntercept {
            for i in 0..<n { mean += (data.weights?[i] ?? 1) * Double(data.targets[i, o]) }
            if let communicator { mean = communicator.sum(mean) }
            mean /= weightTotal
        }
        var b = [Double](repeating: 0, count: operatorRows)
        for i in 0..<n { b[i] = (rootWeights?[i] ?? 1) * (Double(data.targets[i, o]) - mean) }
        return (b, mean)
    }

    /// out = Ā·v (`out` has ``operatorRows`` entries, `v` p; `scratch` p).
    func apply(_ v: [Double], into out: inout [Double], scratch t: inout [Double]) {
        var shift = 0.0
        for j in 0..<p {
            t[j] = v[j] / columnScale[j]
            shift += featureMean[j] * t[j]
        }
        for i in 0..<n {
            var sum = 0.0
            for position in data.rowStarts[i]..<data.rowStarts[i + 1] {
                sum += Double(data.values[position]) * t[Int(data.columnIndices[position])]
            }
            out[i] = (rootWeights?[i] ?? 1) * (sum - shift)
        }
        for j in ridgeDiagonal.indices { out[n + j] = ridgeDiagonal[j] * v[j] }
    }

    /// out = Āᵀ·u (`out` p, `u` ``operatorRows``).
    func applyTransposed(_ u: [Double], into out: inout [Double]) {
        for j in 0..<p { out[j] = 0 }
        var total = 0.0
        for i in 0..<n {
            let scaled = (rootWeights?[i] ?? 1) * u[i]
            total += scaled
            for position in data.rowStarts[i]..<data.rowStarts[i + 1] {
                out[Int(data.columnIndices[position])] += Double(data.values[position]) * scaled
            }
        }
        if let communicator {
            // Every rank's rows' part in one exchange: the p sums and Σ√w·u.
            let summed = communicator.sum(out + [total])
            for j in 0..<p { out[j] = summed[j] }
            total = summed[p]
        }
        for j in 0..<p { out[j] = (out[j] - featureMean[j] * total) / columnScale[j] }
        for j in ridgeDiagonal.indices { out[j] += ridgeDiagonal[j] * u[n + j] }
    }

    /// ‖u‖ for a vector of Ā's rows (this rank's n, then the ridge rows): `norm` itself for rows
    /// held whole; over ranks, scaled by the largest entry of any rank's part, each rank's rows'
    /// squares summed over the ranks, and the ridge rows' added once.
    func rowNorm(_ u: [Double], _ norm: ([Double]) -> Double) -> Double {
        guard let communicator else { return norm(u) }
        var largest = 0.0
        for value in u { largest = Swift.max(largest, abs(value)) }
        largest = communicator.maximum(largest)
        guard largest > 0, largest.isFinite else { return largest }
        var rowsPart = 0.0, ridgePart = 0.0
        for i in 0..<n { rowsPart += (u[i] / largest) * (u[i] / largest) }
        for i in n..<u.count { ridgePart += (u[i] / largest) * (u[i] / largest) }
        return largest * (communicator.sum(rowsPart) + ridgePart).squareRoot()
    }

    /// Σ uᵢ² over every rank's rows (the first n entries of `u` on each).
    func rowSquares(_ u: [Double]) -> Double {
        var squares = 0.0
        for i in 0..<n { squares += u[i] * u[i] }
        return communicator?.sum(squares) ?? squares
    }
}

extension SparseDesign {
    /// Adds Σwᵢxᵢⱼ, Σwᵢxᵢⱼ² and the weight of the rows holding an entry of each column, row by row.
    static func addColumnSums(
        _ data: SparseDataset<Element>, sums: inout [Double], squares: inout [Double], present: inout [Double]
    ) {
        let weights = data.weights
        for i in 0..<data.rows {
            let w = weights?[i] ?? 1
            for position in data.rowStarts[i]..<data.rowStarts[i + 1] {
                let j = Int(data.columnIndices[position]), x = Double(data.values[position])
                sums[j] += w * x
                squares[j] += w * x * x
                present[j] += w
            }
        }
    }

    /// Adds Σwᵢ(xᵢⱼ − x̄ⱼ)² over the entries, row by row (the zeros' x̄² are added apart).
    static func addDeviationSquares(_ data: SparseDataset<Element>, mean: [Double], into deviationSquares: inout [Double]) {
        let weights = data.weights
        for i in 0..<data.rows {
            let w = weights?[i] ?? 1
            for position in data.rowStarts[i]..<data.rowStarts[i + 1] {
                let j = Int(data.columnIndices[position]), d = Double(data.values[position]) - mean[j]
                deviationSquares[j] += w * d * d
            }
        }
    }

    /// The columns' standard deviations (weighted, about their means) from Σw(x − x̄)², zeros included.
    static func deviations(deviationSquares: [Double], mean: [Double], total: Double) -> [Double] {
        (0..<mean.count).map { j in Standardizer.scale(standardDeviation: (deviationSquares[j] / total).squareRoot(), mean: mean[j]) }
    }
}
