/// Raw views of a ``SparseDataset``'s arrays, valid inside ``SparseDataset/withView(_:)``: what
/// the descent's loops read, with no array bounds or uniqueness checks per entry. The indices
/// and values may lie at any alignment (a mapped `.npz`), so they are read by unaligned loads.
struct SparseRowsView<Element: BLASScalar> {
    let rows: Int, k: Int
    let rowStarts: UnsafePointer<Int>
    let columns: EntryPointer<Int32>
    let values: EntryPointer<Element>
    /// n×k, row-major.
    let targets: UnsafePointer<Element>
}

extension SparseDataset {
    /// `body` with raw views of the rows.
    func withView<Result>(_ body: (SparseRowsView<Element>) throws -> Result) rethrows -> Result {
        try rowStarts.withUnsafeBufferPointer { starts in
            try columnIndices.withPointer { columns in
                try values.withPointer { values in
                    try targets.withUnsafePointer { targets in
                        try body(
                            SparseRowsView(
                                rows: rows, k: outputCount, rowStarts: starts.baseAddress!, columns: columns, values: values,
                                targets: targets))
                    }
                }
            }
        }
    }
}

/// The parameters of a sparse descent: coefficients β = a·u (p×k, a one scale for all, so the L2
/// shrink is one multiplication) and the intercepts c, in original units; owned buffers, so the
/// loops write through raw pointers.
///
/// Averaging (Polyak–Ruppert) stays lazy too: with A the running sum of the scale a over the
/// averaged steps, coefficient j adds uⱼ·(A − Aⱼ) to its sum only when a step touches it (Aⱼ the
/// A of its last flush) or the average is read, since between touches βⱼ = a·uⱼ moves with a alone.
struct SparseState {
    let p: Int, k: Int
    let u: Buffer<Double>
    private let c: Buffer<Double>
    private(set) var a = 1.0
    /// Whether the steps are being averaged, and over how many so far.
    private(set) var averaging = false
    private(set) var averagedSteps = 0
    private let coefficientSums: Buffer<Double>, interceptSums: Buffer<Double>, flushedAt: Buffer<Double>
    private var scaleSum = 0.0

    /// How a residual is charged (the squared loss, or another).
    let residualMap: SparseResidualMap
    /// An elastic net's L1 part, applied lazily (nil: none).
    private var softThreshold: LazySoftThreshold?

    /// Zero, or `start` (original units); `residualMap`: the loss descended on.
    init(
        features p: Int, outputs k: Int, start: Parameters?, fitIntercept: Bool, residualMap: SparseResidualMap = .squared,
        softThreshold: LazySoftThreshold? = nil
    ) {
        self.p = p
        self.k = k
        self.residualMap = residualMap
        self.softThreshold = softThreshold
        u = Buffer(repeating: 0, count: p * k)
        c = Buffer(repeating: 0, count: k)
        if let start {
            u.base.update(from: start.coefficients.elements, count: p * k)
            if fitIntercept { c.base.update(from: start.intercept, count: k) }
        }
        coefficientSums = Buffer(repeating: 0, count: p * k)
        interceptSums = Buffer(repeating: 0, count: k)
        flushedAt = Buffer(repeating: 0, count: p)
    }

    /// β and c, original units (c zero without an intercept).
    func parameters(fitIntercept: Bool) -> Parameters {
        softThreshold?.catchUpAll(u.base, features: p)
        return Parameters(
            unchecked: Matrix(uncheckedRows: p, columns: k, elements: (0..<p * k).map { a * u.base[$0] }),
            fitIntercept ? Array(UnsafeBufferPointer(start: c.base, count: k)) : [Double](repeating: 0, count: k))
    }

    /// Averages the current iterate and every step's from now on (their mean replaces the last
    /// iterate), as the dense rules' averaging does.
    mutating func startAveraging() {
        averaging = true
        averagedSteps = 1
        coefficientSums.base.update(repeating: 0, count: p * k)
        interceptSums.base.update(from: c.base, count: k)
        // The current iterate a·u, flushed into the sums lazily as every other step's.
        scaleSum = a
        flushedAt.base.update(repeating: 0, count: p)
    }

    /// Moves the iterate to the average so far and averages afresh from there (a rate halving's
    /// restart, as the dense rules' ``UpdateRule/restartAveraging(_:)``).
    mutating func restartAveraging() {
        guard let average = averagedParameters(fitIntercept: true) else { return }
        u.base.update(from: average.coefficients.elements, count: p * k)
        c.base.update(from: average.intercept, count: k)
        a = 1
        startAveraging()
    }

    /// The mean of the averaged steps' parameters (flushing every coefficient's sum), or nil
    /// before averaging has begun.
    func averagedParameters(fitIntercept: Bool) -> Parameters? {
        guard averaging, averagedSteps > 0 else { return nil }
        for j in 0..<p { flush(j) }
        let count = Double(averagedSteps)
        return Parameters(
            unchecked: Matrix(uncheckedRows: p, columns: k, elements: (0..<p * k).map { coefficientSums.base[$0] / count }),
            fitIntercept ? (0..<k).map { interceptSums.base[$0] / count } : [Double](repeating: 0, count: k))
    }

    /// Adds coefficient j's share of the averaged steps since its last flush.
    @inline(__always)
    private func flush(_ j: Int) {
        let span = scaleSum - flushedAt.base[j]
        guard span != 0 else { return }
        for o in 0..<k { coefficientSums.base[j * k + o] += u.base[j * k + o] * span }
        flushedAt.base[j] = scaleSum
    }

    /// ½Σωᵢ‖rᵢ‖² over every row at the current parameters, r = a·xᵀu + c − y (Σωᵢℓ(rᵢ) with another loss).
    func halfSquares<Element: BLASScalar>(_ data: SparseRowsView<Element>, rowWeights: UnsafePointer<Double>?) -> Double {
        softThreshold?.catchUpAll(u.base, features: p)
        return Self.halfSquares(
            data, rowWeights: rowWeights, coefficients: u.base, scale: a, intercept: c.base, range: 0..<data.rows, residualMap: residualMap)
    }

    /// ½Σωᵢ‖rᵢ‖² over every row at the current parameters, on `shared`'s threads.
    func halfSquares<Element: BLASScalar>(_ shared: SparseSharedWork<Element>) -> Double {
        softThreshold?.catchUpAll(u.base, features: p)
        return shared.halfSquares(coefficients: u.base, scale: a, intercept: c.base)
    }

    /// One update on the rows `rows[0..<count]` (positions in the data): the residuals at the
    /// current parameters first (into `residuals`), then θ ← (1 − η·λ′)·θ − η·α·Σωᵢrᵢz̃ᵢ in descent
    /// coordinates, which for β = θ/s is a shrink of a and, per entry, uⱼ −= η·α·ωᵢrᵢ·xᵢⱼ/(sⱼ²·a).
    /// α is 1/b under the mean reduction, 1 under the sum; λ′ the batch's share of the penalty, as
    /// the dense step's; then, with an L1 part, the proximal step's soft-threshold by `threshold`
    /// (on β) at the batch's columns, the others' deferred (``LazySoftThreshold``). Returns the
    /// batch's cost α·½Σωᵢ‖rᵢ‖².
    ///
    /// With `shared` (a batch with many nonzeros), the residuals are computed by chunks of the
    /// batch and the coefficients updated by ranges of columns on the pool's threads: each
    /// residual and each coefficient's updates (in row order) are what one thread computes, and
    /// the cost is summed by chunks fixed by the batch's size, so the bits do not depend on the
    /// thread count.
    mutating func step<Element: BLASScalar>(
        _ data: SparseRowsView<Element>, rows: UnsafePointer<Int>, count b: Int, rate: Double, penalty: Double, threshold: Double = 0,
        reduction: Reduction, inverseSquares: UnsafePointer<Double>?, rowWeights: UnsafePointer<Double>?, fitIntercept: Bool,
        residuals: UnsafeMutablePointer<Double>, shared: SparseSharedWork<Element>? = nil
    ) -> Double {
        let k = self.k, c = self.c.base
        let alpha = reduction == .mean ? 1 / Double(b) : 1
        // A small batch stays on this thread, and never copies the state (each copy retains its buffers).
        let sharing = shared?.shares(batchRows: b) == true
        // The batch's columns at the current β first: the thresholds of the steps that skipped
        // them, applied on this thread inside the residuals' pass (each column as a row first reads it).
        if softThreshold != nil, sharing { catchUp(data, rows: rows, count: b) }
        let halfSquares =
            sharing
            ? shared!.batchResiduals(self, rows: rows, count: b, residuals: residuals)
            : batchResiduals(data, rows: rows, range: 0..<b, rowWeights: rowWeights, into: residuals, catchingUp: softThreshold)
        if penalty > 0 { shrink(by: 1 - rate * (reduction == .mean ? penalty : penalty * Double(b))) }
        let factor = rate * alpha / a
        if softThreshold != nil { softThreshold!.add(threshold: threshold, scale: a) }
        if sharing {
            shared!.scatter(self, rows: rows, count: b, factor: factor, inverseSquares: inverseSquares, residuals: residuals)
        } else if let softThreshold, b == 1, !averaging {
            // One row's columns are distinct: each is thresholded right after its update, in the same pass.
            scatterThresholding(
                data, row: rows[0], factor: factor, inverseSquares: inverseSquares, residuals: residuals, softThreshold: softThreshold)
        } else {
            scatter(data, rows: rows, count: b, factor: factor, inverseSquares: inverseSquares, residuals: residuals, part: WholeRow())
        }
        if softThreshold != nil, sharing || b > 1 || averaging { catchUp(data, rows: rows, count: b) }
        if fitIntercept {
            for t in 0..<b {
                for o in 0..<k { c[o] -= rate * alpha * residuals[t * k + o] }
            }
        }
        finishStep()
        return alpha * 0.5 * halfSquares
    }

    /// Applies the deferred soft-thresholds to the batch's columns (each once: a second catch-up has nothing pending).
    private func catchUp<Element: BLASScalar>(_ data: SparseRowsView<Element>, rows: UnsafePointer<Int>, count b: Int) {
        guard let softThreshold else { return }
        for t in 0..<b {
            let i = rows[t]
            for position in data.rowStarts[i]..<data.rowStarts[i + 1] { softThreshold.catchUp(Int(data.columns[position]), u.base) }
        }
    }

    /// ½Σωᵢ‖rᵢ‖² of the batch's rows `rows[range]` at the current parameters, with ωᵢrᵢ written
    /// to `residuals` (k a row, at the rows' positions in the batch); with another loss, its
    /// Σ2ωᵢℓ(rᵢ) (so half of it is the cost, as for squares) and ωᵢℓ′(rᵢ). With `softThreshold`,
    /// each column's deferred thresholds are applied as a row first reads it (one thread only).
    @inline(__always)
    func batchResiduals<Element: BLASScalar>(
        _ data: SparseRowsView<Element>, rows: UnsafePointer<Int>, range: Range<Int>, rowWeights: UnsafePointer<Double>?,
        into residuals: UnsafeMutablePointer<Double>, catchingUp softThreshold: LazySoftThreshold? = nil
    ) -> Double {
        if let softThreshold {
            return batchResiduals(data, rows: rows, range: range, rowWeights: rowWeights, into: residuals, visit: softThreshold)
        }
        return batchResiduals(data, rows: rows, range: range, rowWeights: rowWeights, into: residuals, visit: NoColumnVisit())
    }

    @inline(__always)
    private func batchResiduals<Element: BLASScalar, Visit: ColumnVisit>(
        _ data: SparseRowsView<Element>, rows: UnsafePointer<Int>, range: Range<Int>, rowWeights: UnsafePointer<Double>?,
        into residuals: UnsafeMutablePointer<Double>, visit: Visit
    ) -> Double {
        let k = self.k, u = self.u.base, c = self.c.base
        var halfSquares = 0.0
        for t in range {
            let i = rows[t], start = data.rowStarts[i], end = data.rowStarts[i + 1]
            let weight = rowWeights?[i] ?? 1
            for o in 0..<k {
                let r =
                    a * data.dot(from: start, to: end, u, outputs: k, output: o, visiting: visit) + c[o] - Double(data.targets[i * k + o])
                halfSquares += residualMap.doubledCost(r, weight: weight)
                residuals[t * k + o] = residualMap.weightedDerivative(r, weight: weight)
            }
        }
        return halfSquares
    }

    /// The plain step's change to u at the batch's entries that `part` keeps:
    /// uⱼ −= factor·ωᵢrᵢ·xᵢⱼ/sⱼ², row by row (an averaged coefficient's sum caught up first);
    /// `inverseSquares` nil when every sⱼ is 1 (no gather of ones for every entry).
    @inline(__always)
    func scatter<Element: BLASScalar, Part: RowPart>(
        _ data: SparseRowsView<Element>, rows: UnsafePointer<Int>, count b: Int, factor: Double, inverseSquares: UnsafePointer<Double>?,
        residuals: UnsafePointer<Double>, part: Part
    ) {
        if averaging {
            for t in 0..<b {
                let i = rows[t], entries = part.positions(data, from: data.rowStarts[i], to: data.rowStarts[i + 1])
                for position in entries { flush(Int(data.columns[position])) }
            }
        }
        if let inverseSquares {
            scatter(
                data, rows: rows, count: b, factor: factor, scales: ColumnFactorTable(base: inverseSquares), residuals: residuals,
                part: part)
        } else {
            scatter(data, rows: rows, count: b, factor: factor, scales: UnitColumnFactors(), residuals: residuals, part: part)
        }
    }

    @inline(__always)
    private func scatter<Element: BLASScalar, Part: RowPart, Scales: ColumnFactors>(
        _ data: SparseRowsView<Element>, rows: UnsafePointer<Int>, count b: Int, factor: Double, scales: Scales,
        residuals: UnsafePointer<Double>, part: Part
    ) {
        let k = self.k, u = self.u.base
        for t in 0..<b {
            let i = rows[t], entries = part.positions(data, from: data.rowStarts[i], to: data.rowStarts[i + 1])
            if k == 1 {
                let g = factor * residuals[t]
                for position in entries {
                    let j = Int(data.columns[position])
                    u[j] -= g * Double(data.values[position]) * scales[j]
                }
                continue
            }
            for o in 0..<k {
                let g = factor * residuals[t * k + o]
                for position in entries {
                    let j = Int(data.columns[position])
                    u[j * k + o] -= g * Double(data.values[position]) * scales[j]
                }
            }
        }
    }

    /// AdamW's decoupled decay θ ← (1 − η·decay)·θ, a shrink of the scale.
    private mutating func applyDecay(rate: Double, decay: Double) {
        if decay > 0 { shrink(by: 1 - rate * decay) }
    }

    /// β ← factor·β, as the scale a.
    private mutating func shrink(by factor: Double) {
        a *= factor
        if a == 0 {
            // The shrink took every coefficient to zero exactly.
            if averaging { for j in 0..<p { flush(j) } }
            let (coefficients, features) = (u.base, p)
            softThreshold?.settle(coefficients, features: features, scale: 0)
            u.base.update(repeating: 0, count: p * k)
            a = 1
        }
    }

    /// A step's end: its iterate joins the average, and a scale near the bottom of Double's
    /// range is folded into u before it loses digits.
    private mutating func finishStep() {
        if averaging {
            // The step's iterate a·u joins every coefficient's sum through A.
            scaleSum += a
            for o in 0..<k { interceptSums.base[o] += c.base[o] }
            averagedSteps += 1
        }
        if abs(a) < 0x1p-500 {
            if averaging { for j in 0..<p { flush(j) } }
            let (coefficients, features) = (u.base, p)
            softThreshold?.settle(coefficients, features: features, scale: a)
            for j in 0..<p * k { u.base[j] *= a }
            a = 1
        }
    }

    /// One update by an adaptive rule on the rows `rows[0..<count]`: the residuals, then the
    /// batch's gradient in descent coordinates at the slots it touches only (gathered by column
    /// into `scratch`, each slot listed once), then the rule's change of those slots and of the
    /// intercepts: θ ← (1 − η·decay)·θ − Δθ, the decay (AdamW's, decoupled) a shrink of the
    /// scale a, and Δθⱼ applied to u as Δθⱼ/(sⱼ·a). Returns the batch's cost α·½Σωᵢ‖rᵢ‖², as ``step``.
    /// `inverseScale` is nil when every sⱼ is 1 (no gather of ones for every entry).
    mutating func adaptiveStep<Element: BLASScalar, Rule: LazyRule>(
        _ data: SparseRowsView<Element>, rule: inout Rule, rows: UnsafePointer<Int>, count b: Int, rate: Double, decay: Double,
        threshold: Double = 0, reduction: Reduction, inverseScale: UnsafePointer<Double>?, rowWeights: UnsafePointer<Double>?,
        fitIntercept: Bool,
        residuals: UnsafeMutablePointer<Double>, scratch: SparseGradientScratch, shared: SparseSharedWork<Element>? = nil
    ) -> Double {
        if let inverseScale {
            adaptiveStep(
                data, rule: &rule, rows: rows, count: b, rate: rate, decay: decay, threshold: threshold, reduction: reduction,
                scales: ColumnFactorTable(base: inverseScale), rowWeights: rowWeights, fitIntercept: fitIntercept, residuals: residuals,
                scratch: scratch, shared: shared)
        } else {
            adaptiveStep(
                data, rule: &rule, rows: rows, count: b, rate: rate, decay: decay, threshold: threshold, reduction: reduction,
                scales: UnitColumnFactors(),
                rowWeights: rowWeights, fitIntercept: fitIntercept, residuals: residuals, scratch: scratch, shared: shared)
        }
    }

    @inline(__always)
    private mutating func adaptiveStep<Element: BLASScalar, Rule: LazyRule, Scales: ColumnFactors>(
        _ data: SparseRowsView<Element>, rule: inout Rule, rows: UnsafePointer<Int>, count b: Int, rate: Double, decay: Double,
        threshold: Double, reduction: Reduction, scales inverseScale: Scales, rowWeights: UnsafePointer<Double>?, fitIntercept: Bool,
        residuals: UnsafeMutablePointer<Double>, scratch: SparseGradientScratch, shared: SparseSharedWork<Element>?
    ) -> Double {
        let k = self.k, p = self.p, u = self.u.base, c = self.c.base
        let alpha = reduction == .mean ? 1 / Double(b) : 1
        // The batch's columns at the current β: the thresholds of the steps that skipped them first.
        if softThreshold != nil { catchUp(data, rows: rows, count: b) }
        let halfSquares =
            shared?.shares(batchRows: b) == true
            ? shared!.batchResiduals(self, rows: rows, count: b, residuals: residuals)
            : batchResiduals(data, rows: rows, range: 0..<b, rowWeights: rowWeights, into: residuals)
        let slots = scratch.slots.base, values = scratch.values.base
        var count = 0
        if b == 1 {
            // One row's columns are distinct already: its gradient needs no gathering.
            let i = rows[0]
            for position in data.rowStarts[i]..<data.rowStarts[i + 1] {
                let j = Int(data.columns[position])
                let x = Double(data.values[position]) * inverseScale[j]
                for o in 0..<k {
                    slots[count] = j * k + o
                    values[count] = alpha * residuals[o] * x
                    count += 1
                }
            }
        } else {
            count = gatherGradient(
                data, rows: rows, count: b, alpha: alpha, inverseScale: inverseScale, residuals: residuals, scratch: scratch)
        }
        let coefficientSlots = count
        if fitIntercept {
            for o in 0..<k {
                var sum = 0.0
                for t in 0..<b { sum += residuals[t * k + o] }
                slots[count] = p * k + o
                values[count] = alpha * sum
                count += 1
            }
        }
        rule.beginStep()
        applyDecay(rate: rate, decay: decay)
        rule.changes(slots: slots, values: values, squares: scratch.squares.base, count: count, rate: rate)
        let a = self.a
        if averaging {
            for e in 0..<coefficientSlots { flush(slots[e] / k) }
        }
        for e in 0..<coefficientSlots {
            let slot = slots[e], j = k == 1 ? slot : slot / k
            u[slot] -= values[e] * (inverseScale[j] / a)
        }
        if softThreshold != nil {
            // This step's threshold at the batch's columns, each slot's q as this step left it.
            softThreshold!.recordScales(slots: slots, squares: scratch.squares.base, count: coefficientSlots, epsilon: rule.epsilon)
            softThreshold!.add(threshold: threshold, scale: a)
            catchUp(data, rows: rows, count: b)
        }
        for e in coefficientSlots..<count { c[slots[e] - p * k] -= values[e] }
        finishStep()
        return alpha * 0.5 * halfSquares
    }

    /// The gradient of a batch of several rows at the slots it touches, summed by column in
    /// `scratch` (a stamp per column, so nothing of length p is cleared) and then listed into
    /// its slots and values, in the order the columns were first touched; returns their count.
    @inline(__always)
    private func gatherGradient<Element: BLASScalar, Scales: ColumnFactors>(
        _ data: SparseRowsView<Element>, rows: UnsafePointer<Int>, count b: Int, alpha: Double, inverseScale: Scales,
        residuals: UnsafePointer<Double>, scratch: SparseGradientScratch
    ) -> Int {
        let k = self.k
        let g = scratch.gradient.base, touched = scratch.touched.base, mark = scratch.mark.base
        scratch.stamp &+= 1
        let stamp = scratch.stamp
        var touchedCount = 0, slot = 0
        for t in 0..<b {
            let i = rows[t], start = data.rowStarts[i], end = data.rowStarts[i + 1]
            for position in start..<end {
                let j = Int(data.columns[position])
                if mark[j] != stamp {
                    mark[j] = stamp
                    touched[touchedCount] = j
                    touchedCount += 1
                    for o in 0..<k { g[j * k + o] = 0 }
                }
                let x = Double(data.values[position]) * inverseScale[j]
                for o in 0..<k { g[j * k + o] += alpha * residuals[slot + o] * x }
            }
            slot += k
        }
        let slots = scratch.slots.base, values = scratch.values.base
        var count = 0
        for position in 0..<touchedCount {
            let j = touched[position]
            for o in 0..<k {
                slots[count] = j * k + o
                values[count] = g[j * k + o]
                count += 1
            }
        }
        return count
    }

    /// Adds the parameters and the lazy average to a checkpoint.
    func saveState(to archive: inout CheckpointArchive) {
        softThreshold?.saveState(to: &archive)
        archive.set("sparse.u", u.array)
        archive.set("sparse.c", c.array)
        archive.set("sparse.coefficientSums", coefficientSums.array)
        archive.set("sparse.interceptSums", interceptSums.array)
        archive.set("sparse.flushedAt", flushedAt.array)
        archive.set("sparse.scales", [a, scaleSum])
        archive.set("sparse.averaging", integers: [averaging ? 1 : 0, averagedSteps])
    }

    /// Restores what ``saveState(to:)`` saved.
    mutating func restoreState(from archive: CheckpointArchive) throws {
        for (key, buffer) in [
            ("sparse.u", u), ("sparse.c", c), ("sparse.coefficientSums", coefficientSums), ("sparse.interceptSums", interceptSums),
            ("sparse.flushedAt", flushedAt),
        ] {
            try buffer.restore(key, from: archive)
        }
        try softThreshold?.restoreState(from: archive)
        let scales = try archive.doubles("sparse.scales", count: 2)
        (a, scaleSum) = (scales[0], scales[1])
        let averages = try archive.integers("sparse.averaging", count: 2)
        (averaging, averagedSteps) = (averages[0] != 0, averages[1])
    }
}

/// The scratch of an adaptive sparse step: the batch's gradient (p·k, valid at the touched
/// columns only), the touched columns' list, and a per-column stamp of the step that last
/// touched it (so no pass over the p columns clears anything); then the step's slots, their
/// gradients and the rule's squares, listed contiguously.
final class SparseGradientScratch {
    let gradient: Buffer<Double>
    let touched: Buffer<Int>
    let mark: Buffer<Int>
    var stamp = 0
    let slots: Buffer<Int>
    let values: Buffer<Double>
    let squares: Buffer<Double>

    /// - Parameter touched: the most columns one step can touch (at most p).
    init(features p: Int, outputs k: Int, touched: Int) {
        gradient = Buffer(repeating: 0, count: p * k)
        self.touched = Buffer(repeating: 0, count: p)
        mark = Buffer(repeating: 0, count: p)
        let listed = (touched + 1) * k
        slots = Buffer(repeating: 0, count: listed)
        values = Buffer(repeating: 0, count: listed)
        squares = Buffer(repeating: 0, count: listed)
    }
}
