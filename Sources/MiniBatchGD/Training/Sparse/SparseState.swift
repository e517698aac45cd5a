/// The parameters of a sparse descent: coefficients β = a·u (p×k, a one scale for all, so the L2
/// shrink is one multiplication) and the intercepts c, in original units.
///
/// Averaging (Polyak–Ruppert) stays lazy too: with A the running sum of the scale a over the
/// averaged steps, coefficient j adds uⱼ·(A − Aⱼ) to its sum only when a step touches it (Aⱼ the
/// A of its last flush) or the average is read, since between touches βⱼ = a·uⱼ moves with a alone.
struct SparseState {
    let p: Int, k: Int
    private(set) var u: [Double]
    private(set) var a = 1.0
    private(set) var c: [Double]
    /// Whether the steps are being averaged, and over how many so far.
    private(set) var averaging = false
    private(set) var averagedSteps = 0
    private var coefficientSums: [Double] = [], interceptSums: [Double] = []
    private var scaleSum = 0.0, flushedAt: [Double] = []

    /// Zero, or `start` (original units).
    init(features p: Int, outputs k: Int, start: Parameters?, fitIntercept: Bool) {
        self.p = p
        self.k = k
        u = start?.coefficients.elements ?? [Double](repeating: 0, count: p * k)
        c = fitIntercept ? start?.intercept ?? [Double](repeating: 0, count: k) : [Double](repeating: 0, count: k)
    }

    /// β and c, original units (c zero without an intercept).
    func parameters(fitIntercept: Bool) -> Parameters {
        Parameters(
            unchecked: Matrix(uncheckedRows: p, columns: k, elements: u.map { a * $0 }),
            fitIntercept ? c : [Double](repeating: 0, count: k))
    }

    /// Averages the current iterate and every step's from now on (their mean replaces the last
    /// iterate), as the dense rules' averaging does.
    mutating func startAveraging() {
        averaging = true
        averagedSteps = 1
        coefficientSums = [Double](repeating: 0, count: p * k)
        interceptSums = c
        // The current iterate a·u, flushed into the sums lazily as every other step's.
        scaleSum = a
        flushedAt = [Double](repeating: 0, count: p)
    }

    /// The mean of the averaged steps' parameters (flushing every coefficient's sum), or nil
    /// before averaging has seen a step.
    mutating func averagedParameters(fitIntercept: Bool) -> Parameters? {
        guard averaging, averagedSteps > 0 else { return nil }
        for j in 0..<p { flush(j) }
        let count = Double(averagedSteps)
        return Parameters(
            unchecked: Matrix(uncheckedRows: p, columns: k, elements: coefficientSums.map { $0 / count }),
            fitIntercept ? interceptSums.map { $0 / count } : [Double](repeating: 0, count: k))
    }

    /// Adds coefficient j's share of the averaged steps since its last flush.
    @inline(__always)
    private mutating func flush(_ j: Int) {
        let span = scaleSum - flushedAt[j]
        guard span != 0 else { return }
        for o in 0..<k { coefficientSums[j * k + o] += u[j * k + o] * span }
        flushedAt[j] = scaleSum
    }

    /// ½Σωᵢ‖rᵢ‖² over every row of `data` at the current parameters, r = a·xᵀu + c − y.
    func halfSquares<Element: BLASScalar>(_ data: SparseDataset<Element>, rowWeights: [Double]?) -> Double {
        Self.halfSquares(data, rowWeights: rowWeights, outputs: k) { position, o in
            a * u[position * k + o]
        } intercept: {
            c[$0]
        }
    }

    /// ½Σωᵢ‖rᵢ‖² over every row of `data` at `parameters` (original units).
    static func halfSquares<Element: BLASScalar>(_ data: SparseDataset<Element>, rowWeights: [Double]?, at parameters: Parameters)
        -> Double
    {
        let k = parameters.outputCount
        return halfSquares(data, rowWeights: rowWeights, outputs: k) { j, o in
            parameters.coefficients.elements[j * k + o]
        } intercept: {
            parameters.intercept[$0]
        }
    }

    private static func halfSquares<Element: BLASScalar>(
        _ data: SparseDataset<Element>, rowWeights: [Double]?, outputs k: Int, coefficient: (Int, Int) -> Double,
        intercept: (Int) -> Double
    ) -> Double {
        var total = 0.0
        for i in 0..<data.rows {
            let range = data.rowStarts[i]..<data.rowStarts[i + 1]
            for o in 0..<k {
                var dot = 0.0
                for position in range { dot += Double(data.values[position]) * coefficient(Int(data.columnIndices[position]), o) }
                let r = dot + intercept(o) - Double(data.targets[i, o])
                total += (rowWeights?[i] ?? 1) * r * r
            }
        }
        return 0.5 * total
    }

    /// One update on the rows `rows` (positions in the data): the residuals at the current
    /// parameters first, then θ ← (1 − η·λ′)·θ − η·α·Σωᵢrᵢz̃ᵢ in descent coordinates, which for
    /// β = θ/s is a shrink of a and, per entry, uⱼ −= η·α·ωᵢrᵢ·xᵢⱼ/(sⱼ²·a). α is 1/b under the
    /// mean reduction, 1 under the sum; λ′ the batch's share of the penalty, as the dense step's.
    /// Returns the batch's cost α·½Σωᵢ‖rᵢ‖².
    mutating func step<Element: BLASScalar>(
        _ data: SparseDataset<Element>, rows: ArraySlice<Int>, rate: Double, penalty: Double, reduction: Reduction,
        inverseSquares: [Double], rowWeights: [Double]?, fitIntercept: Bool, residuals: inout [Double]
    ) -> Double {
        let b = rows.count, k = self.k
        let alpha = reduction == .mean ? 1 / Double(b) : 1
        var halfSquares = 0.0
        var slot = 0
        for i in rows {
            let range = data.rowStarts[i]..<data.rowStarts[i + 1]
            let weight = rowWeights?[i] ?? 1
            for o in 0..<k {
                var dot = 0.0
                for position in range { dot += Double(data.values[position]) * u[Int(data.columnIndices[position]) * k + o] }
                let r = a * dot + c[o] - Double(data.targets[i, o])
                halfSquares += weight * r * r
                residuals[slot] = weight * r
                slot += 1
            }
        }
        if penalty > 0 {
            a *= 1 - rate * (reduction == .mean ? penalty : penalty * Double(b))
            if a == 0 {
                // The shrink took every coefficient to zero exactly.
                if averaging { for j in 0..<p { flush(j) } }
                for j in u.indices { u[j] = 0 }
                a = 1
            }
        }
        let factor = rate * alpha / a
        slot = 0
        for i in rows {
            let range = data.rowStarts[i]..<data.rowStarts[i + 1]
            for o in 0..<k {
                let g = factor * residuals[slot]
                for position in range {
                    let j = Int(data.columnIndices[position])
                    if averaging { flush(j) }
                    u[j * k + o] -= g * Double(data.values[position]) * inverseSquares[j]
                }
                if fitIntercept { c[o] -= rate * alpha * residuals[slot] }
                slot += 1
            }
        }
        if averaging {
            // The step's iterate a·u joins every coefficient's sum through A.
            scaleSum += a
            for o in 0..<k { interceptSums[o] += c[o] }
            averagedSteps += 1
        }
        // A scale near the bottom of Double's range: folded into u before it loses digits.
        if abs(a) < 0x1p-500 {
            if averaging { for j in 0..<p { flush(j) } }
            for j in u.indices { u[j] *= a }
            a = 1
        }
        return alpha * 0.5 * halfSquares
    }
}
