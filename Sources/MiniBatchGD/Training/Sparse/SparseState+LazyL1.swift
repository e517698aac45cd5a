/// What a pass over a row's entries does to each column before it reads the column: nothing
/// (``NoColumnVisit``), or an L1 penalty's deferred thresholds (``ProximalCatchUp``,
/// ``CumulativeCatchUp``, or ``LazySoftThreshold`` itself while averaging), so the catch-up
/// rides in the residuals' pass rather than a pass of its own. A plain step is specialized for
/// each (``SparseState/step(_:rows:count:rate:penalty:threshold:reduction:inverseSquares:rowWeights:fitIntercept:residuals:shared:)``).
protocol ColumnVisit {
    /// The visit of `state`'s columns, its L1 part's running sum as it stands (inout: a
    /// borrowed state would be copied, retaining every buffer it holds, at every step).
    init(_ state: inout SparseState)
    /// Column j caught up before it is read.
    func visit(_ column: Int, _ u: UnsafeMutablePointer<Double>)
    /// Whether a step leaves its own threshold on the batch's columns to their next catch-up,
    /// which applies it with the thresholds of the steps after in one clamp (the dense prox's
    /// steps to rounding: (w − a) − b and w − (a + b) differ in the last bits). False: each
    /// column of the batch is caught up right after the step's update, as the averaged step's
    /// flushes are ordered.
    static var defersStepThreshold: Bool { get }
}

extension ColumnVisit {
    static var defersStepThreshold: Bool { true }
}

/// No penalty deferred: the plain dot product.
struct NoColumnVisit: ColumnVisit {
    @inline(__always) init() {}
    @inline(__always) init(_ state: inout SparseState) {}
    @inline(__always) func visit(_ column: Int, _ u: UnsafeMutablePointer<Double>) {}
}

/// Every case of the lazy L1 part (averaged, adaptive), at the cost of its checks per column.
extension LazySoftThreshold: ColumnVisit {
    init(_ state: inout SparseState) { self = state.softThreshold! }
    @inline(__always) func visit(_ column: Int, _ u: UnsafeMutablePointer<Double>) { catchUp(column, u) }
    static var defersStepThreshold: Bool { false }
}

extension SparseRowsView {
    /// ``dot(from:to:_:outputs:output:)`` with `visit` applied to each column before it is read:
    /// the same four partial sums in the same order, so the same bits as a visit of the row
    /// first and the dot product after (a row's columns are distinct).
    @inline(__always)
    func dot<Visit: ColumnVisit>(
        from start: Int, to end: Int, _ w: UnsafeMutablePointer<Double>, outputs k: Int, output o: Int, visiting visit: Visit
    ) -> Double {
        if Visit.self == NoColumnVisit.self { return dot(from: start, to: end, w, outputs: k, output: o) }
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var e = start
        while e + 4 <= end {
            let j0 = Int(columns[e]), j1 = Int(columns[e + 1]), j2 = Int(columns[e + 2]), j3 = Int(columns[e + 3])
            visit.visit(j0, w)
            visit.visit(j1, w)
            visit.visit(j2, w)
            visit.visit(j3, w)
            s0 += Double(values[e]) * w[j0 * k + o]
            s1 += Double(values[e + 1]) * w[j1 * k + o]
            s2 += Double(values[e + 2]) * w[j2 * k + o]
            s3 += Double(values[e + 3]) * w[j3 * k + o]
            e += 4
        }
        while e < end {
            let j = Int(columns[e])
            visit.visit(j, w)
            s0 += Double(values[e]) * w[j * k + o]
            e += 1
        }
        return (s0 + s1) + (s2 + s3)
    }
}

extension SparseState {
    /// Applies the deferred soft-thresholds to the batch's columns (each once: a second catch-up has nothing pending).
    // Mutating, as the step's other calls on its own state (a non-mutating call there had the
    // whole state copied, every buffer retained, at every step); it changes only u.
    @inline(__always)
    mutating func catchUp<Element: BLASScalar, Visit: ColumnVisit>(
        _ data: SparseRowsView<Element>, rows: UnsafePointer<Int>, count b: Int, visit: Visit
    ) {
        let u = self.u.base
        for t in 0..<b {
            let i = rows[t]
            for position in data.rowStarts[i]..<data.rowStarts[i + 1] { visit.visit(Int(data.columns[position]), u) }
        }
    }

    /// Catches every column up, in column order (a step whose batch touches most columns).
    @inline(__always)
    mutating func catchUpEveryColumn<Visit: ColumnVisit>(visit: Visit) {
        let u = self.u.base
        for j in 0..<p { visit.visit(j, u) }
    }

    /// Whether a step on these rows catches every column up in column order before its
    /// residuals, rather than each column of the batch as a row reads it: a batch of several
    /// rows holding at least ``LazySoftThreshold/everyColumnEntries`` entries, for which a visit
    /// at each entry (at random columns, some more than once) costs more than one of every
    /// column in order. Fixed by the batch alone, never by the threads.
    @inline(__always)
    mutating func catchesUpEveryColumn<Element: BLASScalar>(_ data: SparseRowsView<Element>, rows: UnsafePointer<Int>, count b: Int) -> Bool
    {
        guard b > 1, let threshold = softThreshold?.everyColumnEntries else { return false }
        var entries = 0
        for t in 0..<b { entries += data.rowStarts[rows[t] + 1] - data.rowStarts[rows[t]] }
        return entries >= threshold
    }

    /// ``catchUp(_:rows:count:visit:)`` by the L1 part's own checks (an adaptive rule's step).
    mutating func catchUp<Element: BLASScalar>(_ data: SparseRowsView<Element>, rows: UnsafePointer<Int>, count b: Int) {
        guard let softThreshold else { return }
        catchUp(data, rows: rows, count: b, visit: softThreshold)
    }
}
