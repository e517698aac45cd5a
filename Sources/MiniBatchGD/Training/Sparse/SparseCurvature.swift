/// The curvature of the cost over sparse rows in their descent coordinates (each column divided
/// by its scale, never centred, the intercept a column of ones), for the automatic rate and the
/// certified stop, as the dense ``Curvature``: up to ``Curvature/exactLimit`` features, the
/// exact eigenvalues of the q×q Gram matrix built from the rows' products of nonzeros (L, μ and
/// the mean-square row curvature); above it, L by power iteration on the sparse rows (two passes
/// over the nonzeros an iteration) and μ unknown (no certificate). Rows spread over ranks
/// (`fold`, `data` this rank's share) are summed in the one-process order.
enum SparseCurvature {
    /// - Parameter rowWeights: of every rank's rows.
    static func measure<Element: BLASScalar>(
        _ data: SparseDataset<Element>, scale: [Double], fitIntercept: Bool, penalty: Double, rowWeights: [Double]?,
        fold: RowFold? = nil
    ) throws -> Curvature {
        let fold = fold ?? .single(rows: data.rows)
        let n = fold.rows, p = data.featureCount, here = data.rows
        let mass = (rowWeights?.reduce(0, +) ?? Double(n)) / Double(n)
        let rowWeights = fold.local(rowWeights, rowsHere: here)
        let intercept = fitIntercept ? 1.0 : 0.0
        let exact = p <= Curvature.exactLimit
        // max ωᵢ‖ãᵢ‖²; and ωᵢ²‖ãᵢ‖², the weights of the mean-square Gram matrix.
        var largest = 0.0
        var squareWeights = [Double](repeating: 0, count: exact ? here : 0)
        for i in 0..<here {
            var sum = intercept
            for position in data.rowStarts[i]..<data.rowStarts[i + 1] {
                let z = Double(data.values[position]) / scale[Int(data.columnIndices[position])]
                sum += z * z
            }
            let weight = rowWeights?[i] ?? 1
            largest = Swift.max(largest, weight * sum)
            if exact { squareWeights[i] = weight * weight * sum }
        }
        largest = fold.maximum(largest)
        if exact {
            var squareSum = [0.0]
            fold(&squareSum) { $0[0] = squareWeights.reduce($0[0], +) }
            let squareMass = squareSum[0] / Double(n)
            return try Curvature(
                gram: designGram(data, scale: scale, fitIntercept: fitIntercept, rowWeights: rowWeights, fold: fold), features: p,
                fitIntercept: fitIntercept, penalty: penalty, largestRowCurvature: largest, mass: mass, squareMass: squareMass
            ) { designGram(data, scale: scale, fitIntercept: fitIntercept, rowWeights: squareWeights, fold: fold) }
        }
        return Curvature(
            smoothness: powerIteration(
                data, scale: scale, fitIntercept: fitIntercept, penalty: penalty, rowWeights: rowWeights, fold: fold),
            strongConvexity: nil, largestRowCurvature: largest, isExact: false)
    }

    /// (1/n)·ÃᵀΩÃ (q×q, the intercept first, ã = (1, x/s)): per row, the products of its
    /// nonzeros, O(Σ nnzᵢ²) and no pass over the zeros.
    /// - Parameter rowWeights: of this rank's rows.
    static func designGram<Element: BLASScalar>(
        _ data: SparseDataset<Element>, scale: [Double], fitIntercept: Bool, rowWeights: [Double]?, fold: RowFold
    ) -> [Double] {
        let n = fold.rows, p = data.featureCount, shift = fitIntercept ? 1 : 0, q = p + shift
        var gram = [Double](repeating: 0, count: q * q)
        fold(&gram) { addGram(data, scale: scale, fitIntercept: fitIntercept, rowWeights: rowWeights, rows: n, into: &$0) }
        // Filled on and above the diagonal: mirrored below.
        for row in 0..<q {
            for column in (row + 1)..<q { gram[column * q + row] = gram[row * q + column] }
        }
        return gram
    }

    /// Adds this rank's rows' (1/n)·ωᵢ·ãᵢãᵢᵀ on and above the diagonal, row by row.
    private static func addGram<Element: BLASScalar>(
        _ data: SparseDataset<Element>, scale: [Double], fitIntercept: Bool, rowWeights: [Double]?, rows n: Int, into gram: inout [Double]
    ) {
        let p = data.featureCount, shift = fitIntercept ? 1 : 0, q = p + shift
        var z = [Double](repeating: 0, count: 0), columns = [Int](repeating: 0, count: 0)
        for i in 0..<data.rows {
            let range = data.rowStarts[i]..<data.rowStarts[i + 1]
            let weight = (rowWeights?[i] ?? 1) / Double(n)
            z.removeAll(keepingCapacity: true)
            columns.removeAll(keepingCapacity: true)
            for position in range {
                let j = Int(data.columnIndices[position])
                columns.append(j + shift)
                z.append(Double(data.values[position]) / scale[j])
            }
            if fitIntercept {
                gram[0] += weight
                for (a, column) in columns.enumerated() { gram[column] += weight * z[a] }
            }
            for (a, row) in columns.enumerated() {
                let scaled = weight * z[a]
                for (b, column) in columns.enumerated() where column >= row { gram[row * q + column] += scaled * z[b] }
            }
        }
    }

    /// λmax(H) by power iteration on v ↦ (1/n)·Σωᵢ·ãᵢ(ãᵢᵀv) + λ·(coefficients, 0), raised by the
    /// stopping margin (power iteration approaches from below).
    static func powerIteration<Element: BLASScalar>(
        _ data: SparseDataset<Element>, scale: [Double], fitIntercept: Bool, penalty: Double, rowWeights: [Double]?, fold: RowFold
    ) -> Double {
        let n = fold.rows, p = data.featureCount
        let intercept = fitIntercept ? 1.0 : 0.0
        var vector = [Double](repeating: 1, count: p + 1), product = [Double](repeating: 0, count: p + 1)
        if !fitIntercept { vector[p] = 0 }
        var estimate = 0.0
        for _ in 0..<60 {
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for j in 0...p { vector[j] /= norm }
            for j in 0...p { product[j] = 0 }
            fold(&product) { product in
                for i in 0..<data.rows {
                    let range = data.rowStarts[i]..<data.rowStarts[i + 1]
                    var dot = intercept * vector[p]
                    for position in range {
                        let j = Int(data.columnIndices[position])
                        dot += Double(data.values[position]) / scale[j] * vector[j]
                    }
                    let weighted = (rowWeights?[i] ?? 1) * dot / Double(n)
                    for position in range {
                        let j = Int(data.columnIndices[position])
                        product[j] += weighted * Double(data.values[position]) / scale[j]
                    }
                    product[p] += intercept * weighted
                }
            }
            var rayleigh = 0.0
            for j in 0..<p { product[j] += penalty * vector[j] }
            for j in 0...p { rayleigh += product[j] * vector[j] }
            swap(&vector, &product)
            let previous = estimate
            estimate = rayleigh
            if abs(estimate - previous) <= 1e-4 * estimate { break }
        }
        return estimate * (1 + 1e-4)
    }
}
