// The sparse descent's whole-data passes over rows spread over ranks, each summed as one
// process sums it (``SparseSharedWork``'s chunks of rows, each chunk's part added in chunk
// order), the running sums handed along the ranks in rank order.
extension SparseRanks {
    /// ½Σωᵢ‖rᵢ‖² (Σωᵢℓ(rᵢ) with another loss) over every rank's rows at β = scale·`coefficients`
    /// and `intercept`, in chunks of `chunkRows` rows (every row in one: `rows`).
    /// - Parameter rowWeights: ω of every rank's rows.
    func halfSquares(
        coefficients: UnsafePointer<Double>, scale: Double, intercept: UnsafePointer<Double>, rowWeights: UnsafePointer<Double>?,
        chunkRows: Int, residualMap: SparseResidualMap
    ) -> Double {
        let first = firstRow, k = local.outputCount
        // The closed chunks' ½-sums added in order, and the open chunk's sum.
        var sums = [0.0, 0.0]
        local.withView { view in
            fold(&sums) { sums in
                for row in 0..<view.rows {
                    let i = first + row
                    if i > 0, i % chunkRows == 0 {
                        sums[0] += 0.5 * sums[1]
                        sums[1] = 0
                    }
                    let start = view.rowStarts[row], end = view.rowStarts[row + 1]
                    for o in 0..<k {
                        let r =
                            scale * view.dot(from: start, to: end, coefficients, outputs: k, output: o) + intercept[o]
                            - Double(view.targets[row * k + o])
                        sums[1] += residualMap.doubledCost(r, weight: rowWeights?[i] ?? 1)
                    }
                }
            }
        }
        return sums[0] + 0.5 * sums[1]
    }

    /// ½Σωᵢ‖rᵢ‖² over every rank's rows at `parameters` (original units).
    func halfSquares(at parameters: Parameters, rowWeights: UnsafePointer<Double>?, chunkRows: Int, residualMap: SparseResidualMap)
        -> Double
    {
        parameters.coefficients.elements.withUnsafeBufferPointer { w in
            parameters.intercept.withUnsafeBufferPointer { b in
                halfSquares(
                    coefficients: w.baseAddress!, scale: 1, intercept: b.baseAddress!, rowWeights: rowWeights, chunkRows: chunkRows,
                    residualMap: residualMap)
            }
        }
    }

    /// ½Σωᵢ‖rᵢ‖² over every rank's rows at `parameters` and the cost's gradient in descent
    /// coordinates into `gradient`, as ``SparseSharedWork/halfSquaresAndGradient(at:inverseScale:fitIntercept:into:)``:
    /// each chunk's part of the gradient summed from zero, the parts added in chunk order.
    func halfSquaresAndGradient(
        at parameters: Parameters, inverseScale: UnsafePointer<Double>, fitIntercept: Bool, rowWeights: UnsafePointer<Double>?,
        chunkRows: Int, into gradient: UnsafeMutablePointer<Double>
    ) -> Double {
        let first = firstRow, k = local.outputCount, p = local.featureCount, size = (p + 1) * k, n = Double(rows)
        // [closed chunks' ½-sums, open chunk's sum, closed chunks' gradient (size), open chunk's (size)].
        var sums = [Double](repeating: 0, count: 2 + 2 * size)
        /// Adds the open chunk `chunk` to the closed ones (the first copied: 0 + (−0) would be +0).
        func close(_ sums: UnsafeMutablePointer<Double>, chunk: Int) {
            sums[0] += 0.5 * sums[1]
            sums[1] = 0
            for a in 0..<size {
                sums[2 + a] = chunk == 0 ? sums[2 + size + a] : sums[2 + a] + sums[2 + size + a]
                sums[2 + size + a] = 0
            }
        }
        parameters.coefficients.elements.withUnsafeBufferPointer { w in
            parameters.intercept.withUnsafeBufferPointer { b in
                local.withView { view in
                    fold(&sums) { sums in
                        sums.withUnsafeMutableBufferPointer { sums in
                            let part = sums.baseAddress! + 2 + size
                            for row in 0..<view.rows {
                                let i = first + row
                                if i > 0, i % chunkRows == 0 { close(sums.baseAddress!, chunk: i / chunkRows - 1) }
                                let start = view.rowStarts[row], end = view.rowStarts[row + 1]
                                let weight = rowWeights?[i] ?? 1
                                for o in 0..<k {
                                    let r =
                                        view.dot(from: start, to: end, w.baseAddress!, outputs: k, output: o) + b[o]
                                        - Double(view.targets[row * k + o])
                                    sums[1] += weight * r * r
                                    let share = weight * r / n
                                    for position in start..<end {
                                        let j = Int(view.columns[position])
                                        part[j * k + o] += share * Double(view.values[position]) * inverseScale[j]
                                    }
                                    if fitIntercept { part[p * k + o] += share }
                                }
                            }
                        }
                    }
                }
            }
        }
        sums.withUnsafeMutableBufferPointer { close($0.baseAddress!, chunk: (rows - 1) / chunkRows) }
        gradient.update(from: Array(sums[2..<2 + size]), count: size)
        return sums[0]
    }
}

extension SparseRanks {
    /// The columns' standard deviations over every rank's rows, weighted and about their means,
    /// summed as ``SparseDesign`` sums them in one process (its two passes, row by row).
    func deviations() -> [Double] {
        let p = local.featureCount, total = weights?.reduce(0, +) ?? Double(rows)
        // Σwx, Σwx² and the weight present, a column each.
        var sums = [Double](repeating: 0, count: 3 * p)
        fold(&sums) { sums in
            var (s, q, w) = (Array(sums[0..<p]), Array(sums[p..<2 * p]), Array(sums[2 * p..<3 * p]))
            SparseDesign<Element>.addColumnSums(local, sums: &s, squares: &q, present: &w)
            sums = s + q + w
        }
        let mean = sums[0..<p].map { $0 / total }
        var deviationSquares = [Double](repeating: 0, count: p)
        fold(&deviationSquares) { SparseDesign<Element>.addDeviationSquares(local, mean: mean, into: &$0) }
        for j in 0..<p { deviationSquares[j] += Swift.max(0, total - sums[2 * p + j]) * mean[j] * mean[j] }
        return SparseDesign<Element>.deviations(deviationSquares: deviationSquares, mean: mean, total: total)
    }
}
