/// The catch-ups of ``LazySoftThreshold`` as a plain step's passes run them when nothing is
/// averaged: the running sum T, the applied totals (and the cumulative method's pulls) by raw
/// address, and the columns' factors as a type, so a visit of a column is its few loads and
/// stores with no optional checked and no reference counted. The arithmetic is the threshold's
/// own, operation for operation, so the bits are its bits.
///
/// With one output, a column is caught up without a branch or a select: nothing pending is a
/// threshold of zero, which leaves the value as it is (a −0 as +0), and the applied total
/// already equals T; so a column touched again soon costs no mispredicted branch.
struct ProximalCatchUp<Factors: ThresholdFactors>: ColumnVisit {
    let k: Int, total: Double
    let applied: UnsafeMutablePointer<Double>
    let factors: Factors

    @inline(__always)
    init(_ state: inout SparseState) {
        k = state.k
        total = state.softThreshold!.total
        let pointers = state.softThreshold!.pointers
        applied = pointers.applied
        factors = Factors(pointers.factors)
    }

    @inline(__always)
    func visit(_ j: Int, _ u: UnsafeMutablePointer<Double>) {
        let pending = total - applied[j]
        if k == 1 {
            // Nothing pending is a threshold of zero, which leaves w as it is (a zero as +0).
            let w = u[j], t = pending * factors[j]
            // The applied total first, so that u[j]'s store reaches the dot product's load.
            applied[j] = total
            u[j] = w - Swift.min(Swift.max(w, -t), t)
            return
        }
        threshold(j, u, pending: pending)
    }

    /// θ minus θ clamped to [−t, t], t = pending·fⱼ, as ``LazySoftThreshold/catchUp(_:_:)``.
    @inline(__always)
    private func threshold(_ j: Int, _ u: UnsafeMutablePointer<Double>, pending: Double) {
        guard pending != 0 else { return }
        let t = pending * factors[j]
        for o in 0..<k {
            let w = u[j * k + o]
            u[j * k + o] = w - Swift.min(Swift.max(w, -t), t)
        }
        applied[j] = total
    }
}

/// The cumulative method's catch-up (``LazySoftThreshold``'s, with q per coefficient): each
/// coefficient pulled toward zero by T·fⱼ less what it has been pulled, by
/// ``CumulativeL1Step/pull(_:earned:applied:)`` (no branch on the coefficient's sign).
struct CumulativeCatchUp<Factors: ThresholdFactors>: ColumnVisit {
    let k: Int, total: Double
    let applied: UnsafeMutablePointer<Double>, pulled: UnsafeMutablePointer<Double>
    let factors: Factors

    @inline(__always)
    init(_ state: inout SparseState) {
        k = state.k
        total = state.softThreshold!.total
        let pointers = state.softThreshold!.pointers
        applied = pointers.applied
        pulled = pointers.pulled!
        factors = Factors(pointers.factors)
    }

    @inline(__always)
    func visit(_ j: Int, _ u: UnsafeMutablePointer<Double>) {
        if k == 1 {
            // The column's applied total neither read nor written: the pull is by the whole of
            // T less q, so a column pulled at this T already is pulled by T + q, zero but for
            // its rounding (a zero stays zero), and a column's visits are its u and q alone.
            let w = u[j], q = pulled[j]
            let z = CumulativeL1Step.pull(w, earned: total * factors[j], applied: q)
            pulled[j] = q + (z - w)
            u[j] = z
            return
        }
        pull(j, u, pending: total - applied[j])
    }

    @inline(__always)
    private func pull(_ j: Int, _ u: UnsafeMutablePointer<Double>, pending: Double) {
        guard pending != 0 else { return }
        let t = total * factors[j]
        for o in 0..<k {
            let slot = j * k + o, w = u[slot]
            let z = CumulativeL1Step.pull(w, earned: t, applied: pulled[slot])
            u[slot] = z
            pulled[slot] += z - w
        }
        applied[j] = total
    }
}

/// Column factors a kernel builds from the threshold's table (nil: every factor 1).
protocol ThresholdFactors: ColumnFactors {
    init(_ table: UnsafePointer<Double>?)
}

extension UnitColumnFactors: ThresholdFactors {
    @inline(__always) init(_ table: UnsafePointer<Double>?) { self.init() }
}

extension ColumnFactorTable: ThresholdFactors {
    @inline(__always) init(_ table: UnsafePointer<Double>?) { self.init(base: table!) }
}
