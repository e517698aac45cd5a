extension SparseRidgeCV {
    /// One set of rows' solutions down the grid.
    struct Path {
        var parameters: [Parameters] = []
        var errorBounds: [Double] = []
        var iterations: [Int] = []

        /// The coefficients and intercepts as the held-out errors read them (α-major).
        var descent: GridDescent {
            GridDescent(
                coefficients: parameters.flatMap(\.coefficients.elements), intercepts: parameters.flatMap(\.intercept),
                gaps: [Double](repeating: 0, count: parameters.count * (parameters.first?.intercept.count ?? 0)),
                converged: [Bool](repeating: true, count: parameters.first?.intercept.count ?? 0))
        }
    }

    /// LSQR at every α of `grid` (largest first), each started from the solution before.
    static func path<Element: BLASScalar>(
        _ data: SparseDataset<Element>, grid: [Double], fitIntercept: Bool, penaltyUnits: LeastSquares.PenaltyUnits, tolerance: Double
    ) throws -> Path {
        var path = Path(), start: Parameters?
        for alpha in grid {
            let solution = try LSQR.solve(
                data, fitIntercept: fitIntercept, ridge: alpha, penaltyUnits: penaltyUnits, tolerance: tolerance, start: start)
            path.parameters.append(solution.parameters)
            path.errorBounds.append(solution.parameterErrorBound ?? .infinity)
            path.iterations.append(solution.targets.reduce(0) { $0 + $1.iterations })
            start = solution.parameters
        }
        return path
    }

    /// The largest eigenvalue of X̃ᵀWX̃ (X̃ the columns centred on their weighted means with an
    /// intercept, X itself without), or of D⁻¹X̃ᵀWX̃D⁻¹ (D the columns' deviations) in
    /// standardized units, as ``RidgePath`` decomposes it: by 50 steps of power iteration from a
    /// fixed start, through LSQR's operator (never forming the Gram matrix): the default grid's
    /// scale, to a few digits.
    static func largestEigenvalue<Element: BLASScalar>(
        _ data: SparseDataset<Element>, fitIntercept: Bool, penaltyUnits: LeastSquares.PenaltyUnits
    ) -> Double {
        let design = SparseDesign(data, fitIntercept: fitIntercept, ridge: 0, penaltyUnits: .original)
        let p = design.p
        guard p > 0 else { return 0 }
        // Ā = W^½·X̃·S⁻¹, so X̃ᵀWX̃·x = S·Āᵀ·Ā·(S·x); standardized, each S·D⁻¹.
        let factor = (0..<p).map { design.columnScale[$0] / (penaltyUnits == .standardized ? design.deviations[$0] : 1) }
        var x = (0..<p).map { 1 + Double($0 % 7) / 7 }, scaled = x, scratch = x, transposed = x
        var product = [Double](repeating: 0, count: design.operatorRows), value = 0.0
        for _ in 0..<50 {
            let norm = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0, norm.isFinite else { return 0 }
            for j in 0..<p { scaled[j] = x[j] / norm * factor[j] }
            design.apply(scaled, into: &product, scratch: &scratch)
            design.applyTransposed(product, into: &transposed)
            for j in 0..<p { x[j] = transposed[j] * factor[j] }
            value = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
        }
        return value
    }
}
