import Foundation

/// A design prepared for the closed-form solve: column means, and the norms that equilibrate
/// the centred columns.
///
/// Every method works on Z = (X − 1·x̄ᵀ)·S⁻¹, the centred design with each column scaled to unit
/// Euclidean norm (no centring without an intercept). Centring removes the intercept from the
/// linear system (it is recovered as ȳ − x̄ᵀθ) and scaling makes the rank decision and the
/// condition estimate independent of the columns' units, so a column in micrometres next to
/// one in kilometres loses no digits.
struct Design {
    /// Rows over every process (``Rows/totalCount``); a pass over this process's rows runs to `data.count`.
    let n: Int
    let p: Int, k: Int
    let fitIntercept: Bool
    /// Row weights (weighted least squares); nil for ordinary least squares. Every row of Z and of
    /// the centred targets is multiplied by √wᵢ, and the means are weighted.
    let weights: [Double]?
    /// Σwᵢ (n without weights): what 1/n becomes in the intercept's variance and leverages.
    let weightTotal: Double
    /// Rows of positive weight (n without weights): the observations the statistics count.
    let observations: Int
    /// Σ log wᵢ over the rows of positive weight (0 without weights): the likelihood's weight term.
    let logWeightTotal: Double
    let featureMean: [Double]
    let targetMean: [Double]
    /// ‖column j of the centred X‖₂, or 1 for a column that is constant (zero after centring).
    let columnNorm: [Double]
    /// Diagonal penalty added to ZᵀZ: the ridge penalty expressed in Z's coordinates.
    let penaltyWeight: [Double]
    /// ZᵀZ + diag(penaltyWeight), full and symmetric (p×p).
    let gram: [Double]
    /// ZᵀZ's own diagonal (1 but for constant columns): `gram` less the penalty, kept because
    /// subtracting a penalty far larger than it would lose its digits.
    let unpenalizedDiagonal: [Double]
    /// Zᵀt with t the centred targets (p×k).
    let moment: [Double]

    /// Everything from one blocked pass over the data (``Moments``): X is read once, or not at
    /// all when the caller has the rows' `moments` (with the same `weights`) already.
    init<Element: BLASScalar>(
        _ data: Rows<Element>, fitIntercept: Bool, ridge: Double, penaltyUnits: LeastSquares.PenaltyUnits, weights: [Double]? = nil,
        moments known: Moments? = nil, pool: WorkerPool? = nil
    ) {
        let p = data.featureCount, k = data.outputCount
        self.n = data.totalCount
        self.p = p
        self.k = k
        self.fitIntercept = fitIntercept
        self.weights = weights
        // With rows spread over processes: the totals over every rank, in one exchange.
        let totals = data.sum([
            weights.map { $0.reduce(0, +) } ?? Double(data.count), Double(weights.map { $0.count { $0 > 0 } } ?? data.count),
            weights.map { $0.reduce(0) { $1 > 0 ? $0 + log($1) : $0 } } ?? 0,
        ])
        let weightTotal = totals[0]
        self.weightTotal = weightTotal
        observations = Int(totals[1])
        logWeightTotal = totals[2]
        let moments = known ?? Moments(data, weights: weights, pool: pool)
        let featureMean = fitIntercept ? moments.featureMean : Array(repeating: 0, count: p)
        var scatter = moments.centredGram, cross = moments.centredCross
        if !fitIntercept {
            // About zero instead of about the means: add back n·x̄x̄ᵀ and n·x̄ȳᵀ (Σw for n when weighted).
            let n = weightTotal, mx = moments.featureMean, my = moments.targetMean
            for i in 0..<p {
                for j in 0..<p { scatter[i * p + j] += n * mx[i] * mx[j] }
                for o in 0..<k { cross[i * k + o] += n * mx[i] * my[o] }
            }
        }
        self.featureMean = featureMean
        targetMean = fitIntercept ? moments.targetMean : Array(repeating: 0, count: k)
        // A column whose spread is at rounding level of its mean is constant: leaving it at its
        // tiny norm would blow rounding noise up to a full-size column. With norm 1 it stays ≈ 0
        // and the solvers see the dependence.
        let norm = (0..<p).map { j -> Double in
            let value = scatter[j * p + j].squareRoot()
            let floor = 1e-12 * abs(featureMean[j]) * weightTotal.squareRoot()
            return value > floor && value > 0 ? value : 1
        }
        columnNorm = norm
        // Penalty λ·Σ (dⱼθⱼ)² with θⱼ = zⱼ-coefficient / normⱼ, where dⱼ = 1 in original units
        // and dⱼ = the column's standard deviation (as ``Standardizer`` computes it) in standardized units.
        let deviation = (0..<p).map { j in
            Standardizer.scale(
                standardDeviation: (moments.centredGram[j * p + j] / weightTotal).squareRoot(), mean: moments.featureMean[j])
        }
        let weight = (0..<p).map { j in
            let d = penaltyUnits == .standardized ? deviation[j] : 1
            return ridge * (d / norm[j]) * (d / norm[j])
        }
        penaltyWeight = weight
        var gram = scatter
        for i in 0..<p { for j in 0..<p { gram[i * p + j] /= norm[i] * norm[j] } }
        unpenalizedDiagonal = (0..<p).map { gram[$0 * p + $0] }
        for i in 0..<p { gram[i * p + i] += weight[i] }
        self.gram = gram
        moment = (0..<p * k).map { cross[$0] / norm[$0 / k] }
    }

    var interceptColumns: Int { fitIntercept ? 1 : 0 }
    var isPenalized: Bool { penaltyWeight.contains { $0 > 0 } }

    /// √wᵢ for row i (1 without weights).
    func rootWeight(_ i: Int) -> Double { weights.map { $0[i].squareRoot() } ?? 1 }

    /// Writes rows `start..<start+count` of Z and of the centred targets into `z` and `t` (each
    /// row times √wᵢ when weighted).
    func fillBlock<Element: BLASScalar>(
        _ data: Rows<Element>, start: Int, count: Int, z: UnsafeMutablePointer<Double>, t: UnsafeMutablePointer<Double>
    ) {
        let inverse = columnNorm.map { 1 / $0 }
        // Rows read from columns are gathered into z and t first (exactly) and scaled there: the
        // same arithmetic on the same values as on rows with a stride.
        if data.isColumnar {
            data.copyFeatures(from: start, rows: count, into: z)
            data.copyTargets(from: start, rows: count, into: t)
        }
        let columnar = data.isColumnar, x = data.x, ldx = data.xStride, y = data.y, ldy = data.yStride
        featureMean.withUnsafeBufferPointer { mean in
            inverse.withUnsafeBufferPointer { scale in
                for i in 0..<count {
                    let out = z + i * p, root = rootWeight(start + i)
                    if columnar {
                        for j in 0..<p { out[j] = root * (out[j] - mean[j]) * scale[j] }
                    } else {
                        let row = x + (start + i) * ldx
                        for j in 0..<p { out[j] = root * (Double(row[j]) - mean[j]) * scale[j] }
                    }
                }
            }
        }
        for i in 0..<count {
            let root = rootWeight(start + i)
            if columnar {
                for o in 0..<k { t[i * k + o] = root * (t[i * k + o] - targetMean[o]) }
            } else {
                let row = y + (start + i) * ldy
                for o in 0..<k { t[i * k + o] = root * (Double(row[o]) - targetMean[o]) }
            }
        }
    }

    /// Writes rows `start..<start+count` of [Z t] column by column into `buffer`, as
    /// ``TallSkinnyQR/add(count:fill:)`` takes them: element (i, j) at `buffer[j * leading + i]`,
    /// the centred targets in columns p..<p+k, each row times √wᵢ when weighted. The same values
    /// as ``fillBlock(_:start:count:z:t:)``, without a row-major copy between.
    func fillColumns<Element: BLASScalar>(
        _ data: Rows<Element>, start: Int, count: Int, into buffer: UnsafeMutablePointer<Double>, leading: Int
    ) {
        let inverse = columnNorm.map { 1 / $0 }, p = self.p, k = self.k
        if let columns = data.columns {
            // Each column gathered (exactly) into its column of the buffer, then scaled there.
            for (j, column) in columns.features.enumerated() {
                for i in 0..<count { buffer[j * leading + i] = column.value(start + i) }
            }
            for (o, column) in columns.targets.enumerated() {
                for i in 0..<count { buffer[(p + o) * leading + i] = column.value(start + i) }
            }
            for i in 0..<count {
                let root = rootWeight(start + i)
                for j in 0..<p { buffer[j * leading + i] = root * (buffer[j * leading + i] - featureMean[j]) * inverse[j] }
                for o in 0..<k { buffer[(p + o) * leading + i] = root * (buffer[(p + o) * leading + i] - targetMean[o]) }
            }
            return
        }
        let x = data.x, ldx = data.xStride, y = data.y, ldy = data.yStride
        featureMean.withUnsafeBufferPointer { mean in
            inverse.withUnsafeBufferPointer { scale in
                targetMean.withUnsafeBufferPointer { targetMean in
                    for i in 0..<count {
                        let row = x + (start + i) * ldx, target = y + (start + i) * ldy, root = rootWeight(start + i)
                        for j in 0..<p { buffer[j * leading + i] = root * (Double(row[j]) - mean[j]) * scale[j] }
                        for o in 0..<k { buffer[(p + o) * leading + i] = root * (Double(target[o]) - targetMean[o]) }
                    }
                }
            }
        }
    }

    /// Z (n×p) with the ridge rows √wⱼ·eⱼ appended, and the centred targets padded with zeros
    /// to `max(rows, p)` rows, as `dgelsd` wants them (the SVD's copy).
    func augmentedSystem<Element: BLASScalar>(_ data: Rows<Element>) -> (a: [Double], rows: Int, b: [Double]) {
        let n = data.count, rows = n + (isPenalized ? p : 0)
        let bRows = Swift.max(rows, p)
        var a = [Double](repeating: 0, count: rows * p)
        var b = [Double](repeating: 0, count: bRows * k)
        a.withUnsafeMutableBufferPointer { z in
            b.withUnsafeMutableBufferPointer { t in fillBlock(data, start: 0, count: n, z: z.baseAddress!, t: t.baseAddress!) }
        }
        if isPenalized { for j in 0..<p { a[(n + j) * p + j] = penaltyWeight[j].squareRoot() } }
        return (a, rows, b)
    }

    /// Maps coefficients of Z (p×k, row-major) back to original units with their intercepts.
    func originalParameters(_ zCoefficients: [Double]) -> Parameters {
        var coefficients = Matrix<Double>.zeros(p, k)
        var intercept = fitIntercept ? targetMean : Array(repeating: 0, count: k)
        for j in 0..<p {
            for o in 0..<k {
                let value = zCoefficients[j * k + o] / columnNorm[j]
                coefficients.elements[j * k + o] = value
                if fitIntercept { intercept[o] -= featureMean[j] * value }
            }
        }
        return Parameters(unchecked: coefficients, intercept)
    }
}
