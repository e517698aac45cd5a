extension SparseState {
    /// AdamW's decoupled decay θ ← (1 − η·decay)·θ, a shrink of the scale.
    mutating func applyDecay(rate: Double, decay: Double) {
        if decay > 0 { shrink(by: 1 - rate * decay) }
    }

    /// One update by an adaptive rule on the rows `rows[0..<count]`: the residuals, then the
    /// batch's gradient in descent coordinates at the slots it touches only (gathered by column
    /// into `scratch`, each slot listed once), then the rule's change of those slots and of the
    /// intercepts: θ ← (1 − η·decay)·θ − Δθ, the decay (AdamW's, decoupled) a shrink of the
    /// scale a, and Δθⱼ applied to u as Δθⱼ/(sⱼ·a). Returns the batch's unscaled ½Σωᵢ‖rᵢ‖², as ``step``.
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
        return 0.5 * halfSquares
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
