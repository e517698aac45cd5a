/// The curvature of the cost over sparse rows in their descent coordinates (each column divided
/// by its scale, never centred, the intercept a column of ones), for the automatic rate: L by
/// power iteration on the sparse rows (two passes over the nonzeros an iteration) and the largest
/// row's curvature ωᵢ(1 + ‖zᵢ‖²). μ is not computed (no p×p matrix), so no certificate.
enum SparseCurvature {
    static func measure<Element: BLASScalar>(
        _ data: SparseDataset<Element>, scale: [Double], fitIntercept: Bool, penalty: Double, rowWeights: [Double]?
    ) -> Curvature {
        let n = data.rows, p = data.featureCount
        let intercept = fitIntercept ? 1.0 : 0.0
        var largest = 0.0
        for i in 0..<n {
            var sum = intercept
            for position in data.rowStarts[i]..<data.rowStarts[i + 1] {
                let z = Double(data.values[position]) / scale[Int(data.columnIndices[position])]
                sum += z * z
            }
            largest = Swift.max(largest, (rowWeights?[i] ?? 1) * sum)
        }
        // v = (coefficients, intercept); H·v = (1/n)·Σωᵢ·ãᵢ(ãᵢᵀv) + λ·(coefficients, 0).
        var vector = [Double](repeating: 1, count: p + 1), product = [Double](repeating: 0, count: p + 1)
        if !fitIntercept { vector[p] = 0 }
        var estimate = 0.0
        for _ in 0..<60 {
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for j in 0...p { vector[j] /= norm }
            for j in 0...p { product[j] = 0 }
            for i in 0..<n {
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
            var rayleigh = 0.0
            for j in 0..<p { product[j] += penalty * vector[j] }
            for j in 0...p { rayleigh += product[j] * vector[j] }
            swap(&vector, &product)
            let previous = estimate
            estimate = rayleigh
            if abs(estimate - previous) <= 1e-4 * estimate { break }
        }
        return Curvature(smoothness: estimate, strongConvexity: nil, largestRowCurvature: largest, isExact: false)
    }
}
