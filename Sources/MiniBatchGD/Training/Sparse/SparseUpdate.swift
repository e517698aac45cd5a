/// One update of the sparse descent on a batch of rows: the plain rule with its lazy L2, or an
/// adaptive rule applied lazily (``LazyRule``). The epoch loop is specialized for each.
protocol SparseUpdate {
    /// Updates `state` on the rows `rows[0..<count]` at `rate`, a large batch on `shared`'s
    /// threads; returns the batch's ½Σωᵢℓ(rᵢ) before the update, unscaled (its cost
    /// is the reduction's scale of its rows times it).
    mutating func step<Element: BLASScalar>(
        _ state: inout SparseState, _ data: SparseRowsView<Element>, rows: UnsafePointer<Int>, count: Int, rate: Double,
        shared: SparseSharedWork<Element>
    ) -> Double
    /// Adds the update's own state (an adaptive rule's moments) to a checkpoint.
    func saveState(to archive: inout CheckpointArchive)
    /// Restores what ``saveState(to:)`` saved.
    mutating func restoreState(from archive: CheckpointArchive) throws
}

extension SparseUpdate {
    func saveState(to archive: inout CheckpointArchive) {}
    mutating func restoreState(from archive: CheckpointArchive) throws {}
}

/// Plain SGD (``SparseState/step(_:rows:count:rate:penalty:reduction:inverseSquares:rowWeights:fitIntercept:residuals:shared:)``).
struct PlainSparseUpdate: SparseUpdate {
    let penalty: Double
    /// A·R of an elastic net's L1 part in mean-cost units (0: none): the step's threshold on β is η·A·R (per row of the batch, summed).
    let l1: Double
    let reduction: Reduction
    /// 1/sⱼ² per column; nil when no column is scaled (the step then reads no table).
    let inverseSquares: Buffer<Double>?
    let rowWeights: UnsafePointer<Double>?
    let fitIntercept: Bool
    let residuals: Buffer<Double>

    @inline(__always)
    mutating func step<Element: BLASScalar>(
        _ state: inout SparseState, _ data: SparseRowsView<Element>, rows: UnsafePointer<Int>, count: Int, rate: Double,
        shared: SparseSharedWork<Element>
    ) -> Double {
        state.step(
            data, rows: rows, count: count, rate: rate, penalty: penalty,
            threshold: rate * (reduction == .mean ? l1 : l1 * Double(count)), reduction: reduction,
            inverseSquares: inverseSquares?.base,
            rowWeights: rowWeights, fitIntercept: fitIntercept, residuals: residuals.base, shared: shared)
    }
}

/// An adaptive rule, with AdamW's decoupled decay as a shrink of the coefficients' scale, and a
/// lasso's thresholds in the rule's metric (``LazySoftThreshold``'s per-slot factors).
struct AdaptiveSparseUpdate<Rule: LazyRule>: SparseUpdate {
    var rule: Rule
    let decay: Double
    /// A·R of the lasso in mean-cost units (0: none): the step's threshold on β is η·A·R·q per slot.
    var l1 = 0.0
    let reduction: Reduction
    /// 1/sⱼ per column; nil when no column is scaled (the step then reads no table).
    let inverseScale: Buffer<Double>?
    let rowWeights: UnsafePointer<Double>?
    let fitIntercept: Bool
    let residuals: Buffer<Double>
    let scratch: SparseGradientScratch

    /// - Parameter touched: the most columns one step can touch.
    init(
        _ rule: Rule, features p: Int, outputs k: Int, decay: Double, reduction: Reduction, inverseScale: Buffer<Double>?,
        rowWeights: UnsafePointer<Double>?, fitIntercept: Bool, residuals: Buffer<Double>, touched: Int
    ) {
        self.rule = rule
        self.decay = decay
        self.reduction = reduction
        self.inverseScale = inverseScale
        self.rowWeights = rowWeights
        self.fitIntercept = fitIntercept
        self.residuals = residuals
        scratch = SparseGradientScratch(features: p, outputs: k, touched: touched)
    }

    @inline(__always)
    mutating func step<Element: BLASScalar>(
        _ state: inout SparseState, _ data: SparseRowsView<Element>, rows: UnsafePointer<Int>, count: Int, rate: Double,
        shared: SparseSharedWork<Element>
    ) -> Double {
        state.adaptiveStep(
            data, rule: &rule, rows: rows, count: count, rate: rate, decay: decay,
            threshold: rate * (reduction == .mean ? l1 : l1 * Double(count)), reduction: reduction,
            inverseScale: inverseScale?.base,
            rowWeights: rowWeights, fitIntercept: fitIntercept, residuals: residuals.base, scratch: scratch, shared: shared)
    }

    func saveState(to archive: inout CheckpointArchive) { rule.saveState(to: &archive) }
    mutating func restoreState(from archive: CheckpointArchive) throws { try rule.restoreState(from: archive) }
}
