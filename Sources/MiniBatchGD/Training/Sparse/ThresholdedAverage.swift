/// The Polyak–Ruppert average of a descent whose L1 part is deferred (``LazySoftThreshold``): the
/// mean of the iterates after every step, as the dense rules keep it, summed per coefficient
/// only when its column is flushed (before a step or a catch-up moves its u, or when the average
/// is read).
///
/// Between two touches of a column, coefficient βₛ = aₛ·uₛ at step s, where uₛ is the column's u
/// (w, caught up to the running sum T₀) pulled toward zero by the thresholds since:
/// uₛ = sign(w)·max(0, r − g·(Tₛ − T₀)), with r = |w| and g = fⱼ (times the slot's frozen q under
/// an adaptive rule) for the proximal step, r = |w| − sign(w)·q − fⱼ·T₀ and g = fⱼ for the
/// cumulative method (its pull by T·fⱼ less what was pulled). T only grows, so the terms are
/// positive up to the step s* where g·(Tₛ − T₀) first reaches r and zero after, and
/// Σₛ aₛ·uₛ = sign(w)·(r·ΣΔa − g·Σ aₛ(Tₛ − T₀)): two prefix sums over the steps, A = Σaₛ and
/// B = Σaₛ(Tₛ − T_base), and s* found by bisection in the steps' T. Every step's scale aₛ (the L2
/// shrink, a rate schedule's rate) and threshold enter through aₛ and Tₛ as they were, so the
/// sum is the eager one's for any sequence of rates, in closed form.
///
/// The history holds the steps since it was last emptied: when full (every column flushed first,
/// so it costs p flushes every p steps or more) and whenever u or T is rescaled (``LazySoftThreshold/settle(_:features:scale:)``).
final class ThresholdedAverage {
    let k: Int
    /// Σₛ βₛ per coefficient over the averaged steps flushed so far (p·k; the state's sums).
    let sums: Buffer<Double>
    /// The history's step count at each column's last flush.
    let flushedAt: Buffer<Int>
    /// Per step s = 1…count of the history, Tₛ; and the prefix sums Aₛ = Σ aᵣ and
    /// Bₛ = Σ aᵣ·(Tᵣ − base) over r ≤ s (A₀ = B₀ = 0).
    let totals: Buffer<Double>, scaleSums: Buffer<Double>, weightedSums: Buffer<Double>
    /// The most steps the history holds.
    let capacity: Int
    private(set) var count = 0
    /// T when the history was last emptied (B's origin, so its terms stay the size of the thresholds).
    private(set) var base = 0.0

    init(features p: Int, outputs k: Int, sums: Buffer<Double>) {
        self.k = k
        self.sums = sums
        capacity = Swift.max(p, 1024)
        flushedAt = Buffer(repeating: 0, count: p)
        totals = Buffer(repeating: 0, count: capacity + 1)
        scaleSums = Buffer(repeating: 0, count: capacity + 1)
        weightedSums = Buffer(repeating: 0, count: capacity + 1)
    }

    var isFull: Bool { count == capacity }

    /// Empties the history (every column flushed to its end before), T being `total`.
    func reset(total: Double) {
        count = 0
        base = total
        flushedAt.base.update(repeating: 0, count: flushedAt.count)
    }

    /// Appends a step's iterate: its scale a and the running sum T after its threshold.
    func record(scale a: Double, total: Double) {
        let s = count + 1
        totals.base[s] = total
        scaleSums.base[s] = scaleSums.base[s - 1] + a
        weightedSums.base[s] = weightedSums.base[s - 1] + a * (total - base)
        count = s
    }

    /// Adds the history and each column's flush mark to a checkpoint.
    func saveState(to archive: inout CheckpointArchive) {
        archive.set("sparse.l1.average.totals", totals.base, count: count + 1)
        archive.set("sparse.l1.average.scaleSums", scaleSums.base, count: count + 1)
        archive.set("sparse.l1.average.weightedSums", weightedSums.base, count: count + 1)
        archive.set("sparse.l1.average.base", base)
        archive.set("sparse.l1.average.flushedAt", integers: flushedAt.array)
    }

    /// Restores what ``saveState(to:)`` saved.
    func restoreState(from archive: CheckpointArchive) throws {
        let totals = try archive.doubles("sparse.l1.average.totals")
        guard totals.count >= 1, totals.count <= capacity + 1 else {
            throw CheckpointError.damaged(path: archive.path, reason: "sparse.l1.average.totals holds \(totals.count) steps")
        }
        let steps = totals.count - 1
        let marks = try archive.integers("sparse.l1.average.flushedAt", count: flushedAt.count)
        guard marks.allSatisfy({ $0 >= 0 && $0 <= steps }) else {
            throw CheckpointError.damaged(path: archive.path, reason: "sparse.l1.average.flushedAt lies past its history")
        }
        self.totals.base.update(from: totals, count: totals.count)
        try archive.read("sparse.l1.average.scaleSums", into: scaleSums.base, count: steps + 1)
        try archive.read("sparse.l1.average.weightedSums", into: weightedSums.base, count: steps + 1)
        base = try archive.double("sparse.l1.average.base")
        flushedAt.base.update(from: marks, count: marks.count)
        count = steps
    }
}
