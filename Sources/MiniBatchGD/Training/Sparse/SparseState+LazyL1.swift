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
    /// Column j caught up by `pending`, known to be what its applied total lacks: a column the
    /// step's residuals' pass caught up, now behind by the step's own threshold alone (so its
    /// applied total need not be read again).
    func visit(_ column: Int, _ u: UnsafeMutablePointer<Double>, pending: Double)
}

/// No penalty deferred: the plain dot product.
struct NoColumnVisit: ColumnVisit {
    @inline(__always) init() {}
    @inline(__always) init(_ state: inout SparseState) {}
    @inline(__always) func visit(_ column: Int, _ u: UnsafeMutablePointer<Double>) {}
    @inline(__always) func visit(_ column: Int, _ u: UnsafeMutablePointer<Double>, pending: Double) {}
}

/// Every case of the lazy L1 part (averaged, adaptive), at the cost of its checks per column.
extension LazySoftThreshold: ColumnVisit {
    init(_ state: inout SparseState) { self = state.softThreshold! }
    @inline(__always) func visit(_ column: Int, _ u: UnsafeMutablePointer<Double>) { catchUp(column, u) }
    @inline(__always) func visit(_ column: Int, _ u: UnsafeMutablePointer<Double>, pending: Double) { catchUp(column, u) }
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
    /// The plain step's change to u at one row's entries, each column thresholded (the L1
    /// part's catch-up to the step's own threshold, `pending`) right after its update, in one
    /// pass: the same bits as the whole row's update and then its catch-up, since a row's
    /// columns are distinct. Not for averaged steps (no flush here).
    @inline(__always)
    func scatterThresholding<Element: BLASScalar, Visit: ColumnVisit>(
        _ data: SparseRowsView<Element>, row i: Int, factor: Double, inverseSquares: UnsafePointer<Double>?,
        residuals: UnsafePointer<Double>, visit: Visit, pending: Double
    ) {
        if let inverseSquares {
            scatterThresholding(
                data, row: i, factor: factor, scales: ColumnFactorTable(base: inverseSquares), residuals: residuals, visit: visit,
                pending: pending)
        } else {
            scatterThresholding(
                data, row: i, factor: factor, scales: UnitColumnFactors(), residuals: residuals, visit: visit, pending: pending)
        }
    }

    @inline(__always)
    private func scatterThresholding<Element: BLASScalar, Scales: ColumnFactors, Visit: ColumnVisit>(
        _ data: SparseRowsView<Element>, row i: Int, factor: Double, scales: Scales, residuals: UnsafePointer<Double>,
        visit: Visit, pending: Double
    ) {
        let k = self.k, u = self.u.base
        let start = data.rowStarts[i], end = data.rowStarts[i + 1]
        if k == 1 {
            let g = factor * residuals[0]
            for position in start..<end {
                let j = Int(data.columns[position])
                u[j] -= g * Double(data.values[position]) * scales[j]
                visit.visit(j, u, pending: pending)
            }
            return
        }
        for position in start..<end {
            // (factor·r)·x·s, the plain scatter's association.
            let j = Int(data.columns[position]), x = Double(data.values[position]), s = scales[j]
            for o in 0..<k { u[j * k + o] -= factor * residuals[o] * x * s }
            visit.visit(j, u, pending: pending)
        }
    }

    /// Applies the deferred soft-thresholds to the batch's columns (each once: a second catch-up has nothing pending).
    @inline(__always)
    func catchUp<Element: BLASScalar, Visit: ColumnVisit>(
        _ data: SparseRowsView<Element>, rows: UnsafePointer<Int>, count b: Int, visit: Visit
    ) {
        let u = self.u.base
        for t in 0..<b {
            let i = rows[t]
            for position in data.rowStarts[i]..<data.rowStarts[i + 1] { visit.visit(Int(data.columns[position]), u) }
        }
    }

    /// ``catchUp(_:rows:count:visit:)`` by the L1 part's own checks (an adaptive rule's step).
    func catchUp<Element: BLASScalar>(_ data: SparseRowsView<Element>, rows: UnsafePointer<Int>, count b: Int) {
        guard let softThreshold else { return }
        catchUp(data, rows: rows, count: b, visit: softThreshold)
    }
}
