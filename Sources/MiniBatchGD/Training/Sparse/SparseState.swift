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
/// With an L1 part, uⱼ moves between touches too (the deferred thresholds), and the sums are
/// the ``ThresholdedAverage``'s (``SparseState+Averaging.swift``).
struct SparseState {
    let p: Int, k: Int
    let u: Buffer<Double>
    let c: Buffer<Double>
    var a = 1.0
    /// Whether the steps are being averaged, and over how many so far.
    var averaging = false
    var averagedSteps = 0
    let coefficientSums: Buffer<Double>, interceptSums: Buffer<Double>, flushedAt: Buffer<Double>
    var scaleSum = 0.0

    /// How a residual is charged (the squared loss, or another).
    let residualMap: SparseResidualMap
    /// An elastic net's L1 part, applied lazily (nil: none).
    var softThreshold: LazySoftThreshold?

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
    /// (on β), deferred at every column until a step reads it (``LazySoftThreshold``), the
    /// batch's own included (but while averaging). Returns the batch's unscaled ½Σωᵢ‖rᵢ‖² (its
    /// cost is α times it).
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
        // The step specialized for its catch-up, chosen once a step (LazySoftThreshold+Kernels.swift).
        @inline(__always) func visiting<Visit: ColumnVisit>(_ visit: Visit.Type) -> Double {
            step(
                data, rows: rows, count: b, rate: rate, penalty: penalty, threshold: threshold, reduction: reduction,
                inverseSquares: inverseSquares, rowWeights: rowWeights, fitIntercept: fitIntercept, residuals: residuals, shared: shared,
                visit: visit)
        }
        switch softThreshold?.kernel {
        case nil: return visiting(NoColumnVisit.self)
        case .proximal: return visiting(ProximalCatchUp<UnitColumnFactors>.self)
        case .scaledProximal: return visiting(ProximalCatchUp<ColumnFactorTable>.self)
        case .cumulative: return visiting(CumulativeCatchUp<UnitColumnFactors>.self)
        case .scaledCumulative: return visiting(CumulativeCatchUp<ColumnFactorTable>.self)
        case .general: return visiting(LazySoftThreshold.self)
        }
    }

    @inline(__always)
    private mutating func step<Element: BLASScalar, Visit: ColumnVisit>(
        _ data: SparseRowsView<Element>, rows: UnsafePointer<Int>, count b: Int, rate: Double, penalty: Double, threshold: Double,
        reduction: Reduction, inverseSquares: UnsafePointer<Double>?, rowWeights: UnsafePointer<Double>?, fitIntercept: Bool,
        residuals: UnsafeMutablePointer<Double>, shared: SparseSharedWork<Element>?, visit: Visit.Type
    ) -> Double {
        let k = self.k, c = self.c.base
        let alpha = reduction == .mean ? 1 / Double(b) : 1
        let lazy = Visit.self != NoColumnVisit.self
        // A small batch stays on this thread, and never copies the state (each copy retains its buffers).
        let sharing = shared?.shares(batchRows: b) == true
        // The columns at the current β first: the thresholds of the steps that skipped them
        // (and, deferred, the own threshold of the step that last touched them). A batch
        // touching most columns catches every column up in order; another, each of its
        // columns on this thread, inside the residuals' pass unless the batch is shared.
        // (The visit is made before the calls that borrow the state: made in their arguments,
        // its inout access would have the state copied, every buffer retained, at every step.)
        let visit = Visit(&self)
        let everyColumn = lazy && Visit.defersStepThreshold && catchesUpEveryColumn(data, rows: rows, count: b)
        if everyColumn {
            catchUpEveryColumn(visit: visit)
        } else if lazy, sharing {
            catchUp(data, rows: rows, count: b, visit: visit)
        }
        let halfSquares =
            sharing
            ? shared!.batchResiduals(self, rows: rows, count: b, residuals: residuals)
            : everyColumn
                ? batchResiduals(data, rows: rows, range: 0..<b, rowWeights: rowWeights, into: residuals)
                : batchResiduals(data, rows: rows, range: 0..<b, rowWeights: rowWeights, into: residuals, visit: visit)
        if penalty > 0 { shrink(by: 1 - rate * (reduction == .mean ? penalty : penalty * Double(b))) }
        let factor = rate * alpha / a
        if lazy { softThreshold!.add(threshold: threshold, scale: a) }
        if sharing {
            shared!.scatter(self, rows: rows, count: b, factor: factor, inverseSquares: inverseSquares, residuals: residuals)
        } else {
            scatter(data, rows: rows, count: b, factor: factor, inverseSquares: inverseSquares, residuals: residuals, part: WholeRow())
        }
        // The step's own threshold now, on the batch's columns, or (deferred) at their next catch-up.
        if lazy, !Visit.defersStepThreshold {
            let visit = Visit(&self)
            catchUp(data, rows: rows, count: b, visit: visit)
        }
        if fitIntercept {
            for t in 0..<b {
                for o in 0..<k { c[o] -= rate * alpha * residuals[t * k + o] }
            }
        }
        finishStep()
        return 0.5 * halfSquares
    }

    /// ``batchResiduals(_:rows:range:rowWeights:into:visit:)`` with nothing deferred to catch up.
    @inline(__always)
    mutating func batchResiduals<Element: BLASScalar>(
        _ data: SparseRowsView<Element>, rows: UnsafePointer<Int>, range: Range<Int>, rowWeights: UnsafePointer<Double>?,
        into residuals: UnsafeMutablePointer<Double>
    ) -> Double {
        batchResiduals(data, rows: rows, range: range, rowWeights: rowWeights, into: residuals, visit: NoColumnVisit())
    }

    /// ½Σωᵢ‖rᵢ‖² of the batch's rows `rows[range]` at the current parameters, with ωᵢrᵢ written
    /// to `residuals` (k a row, at the rows' positions in the batch); with another loss, its
    /// Σ2ωᵢℓ(rᵢ) (so half of it is the cost, as for squares) and ωᵢℓ′(rᵢ). With a `visit` of an
    /// L1 part, each column's deferred thresholds are applied as a row first reads it (one thread only).
    /// Mutating, though it changes nothing of the state: the step calls it on itself, and a
    /// non-mutating call there had the whole state copied (every buffer retained) at every step.
    @inline(__always)
    mutating func batchResiduals<Element: BLASScalar, Visit: ColumnVisit>(
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
}
