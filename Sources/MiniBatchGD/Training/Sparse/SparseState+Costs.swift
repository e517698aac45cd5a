// The whole-data passes of the sparse descent: the cost at given parameters (each epoch's, a
// validation's, a comparison's) and, for the certified stop, the cost's gradient beside it.
extension SparseState {
    /// ½Σωᵢ‖rᵢ‖² over every row at `parameters` (original units); Σωᵢℓ(rᵢ) with another loss's `residualMap`.
    static func halfSquares<Element: BLASScalar>(
        _ data: SparseRowsView<Element>, rowWeights: UnsafePointer<Double>?, at parameters: Parameters,
        residualMap: SparseResidualMap = .squared
    ) -> Double {
        parameters.coefficients.elements.withUnsafeBufferPointer { w in
            parameters.intercept.withUnsafeBufferPointer { b in
                halfSquares(
                    data, rowWeights: rowWeights, coefficients: w.baseAddress!, scale: 1, intercept: b.baseAddress!, range: 0..<data.rows,
                    residualMap: residualMap)
            }
        }
    }

    /// ½Σωᵢ‖rᵢ‖² over the rows `range` at β = `coefficients` and `intercept` (original units),
    /// with those rows' share of the cost's gradient in descent coordinates written to `gradient`
    /// (p·k coefficients, row-major, then k intercepts): (1/n)·Σωᵢrᵢ·xᵢⱼ/sⱼ for θⱼ = sⱼβⱼ, and
    /// (1/n)·Σωᵢrᵢ for the intercepts (zero without one), n all the rows. One pass over the
    /// nonzeros, the certified stop's.
    static func halfSquaresAndGradient<Element: BLASScalar>(
        _ data: SparseRowsView<Element>, rowWeights: UnsafePointer<Double>?, coefficients w: UnsafePointer<Double>,
        intercept b: UnsafePointer<Double>, range: Range<Int>, inverseScale: UnsafePointer<Double>, fitIntercept: Bool, features p: Int,
        into gradient: UnsafeMutablePointer<Double>
    ) -> Double {
        let k = data.k, n = Double(data.rows)
        gradient.update(repeating: 0, count: p * k + k)
        var total = 0.0
        for i in range {
            let start = data.rowStarts[i], end = data.rowStarts[i + 1]
            let weight = rowWeights?[i] ?? 1
            for o in 0..<k {
                let r = data.dot(from: start, to: end, w, outputs: k, output: o) + b[o] - Double(data.targets[i * k + o])
                total += weight * r * r
                let share = weight * r / n
                for position in start..<end {
                    let j = Int(data.columns[position])
                    gradient[j * k + o] += share * Double(data.values[position]) * inverseScale[j]
                }
                if fitIntercept { gradient[p * k + o] += share }
            }
        }
        return 0.5 * total
    }

    /// ½Σωᵢ‖rᵢ‖² over the rows `range` at β = scale·coefficients and `intercept` (Σωᵢℓ(rᵢ) with
    /// another loss's `residualMap`).
    static func halfSquares<Element: BLASScalar>(
        _ data: SparseRowsView<Element>, rowWeights: UnsafePointer<Double>?, coefficients: UnsafePointer<Double>, scale: Double,
        intercept: UnsafePointer<Double>, range: Range<Int>, residualMap: SparseResidualMap
    ) -> Double {
        let k = data.k
        var total = 0.0
        for i in range {
            let start = data.rowStarts[i], end = data.rowStarts[i + 1]
            for o in 0..<k {
                let dot = data.dot(from: start, to: end, coefficients, outputs: k, output: o)
                let r = scale * dot + intercept[o] - Double(data.targets[i * k + o])
                total += residualMap.doubledCost(r, weight: rowWeights?[i] ?? 1)
            }
        }
        return 0.5 * total
    }
}
