/// The L1 part of an elastic net on sparse rows, applied lazily: the dense descent's proximal
/// step βⱼ ← sign(βⱼ)·max(0, |βⱼ| − τₜ·fⱼ) after every update, for the columns a step does not
/// touch deferred until one does (or the parameters are read).
///
/// With β = a·u (the L2 part a shrink of the scale a), step t's threshold on u is τₜ·fⱼ/|aₜ|.
/// Between two touches of a column nothing but those thresholds moves its u, and soft-thresholds
/// toward zero compose into one by their sum (clipped at zero, where the sign would change):
/// so a running sum T = Στₜ/|aₜ| and, per column, the T already applied make the catch-up exact —
/// Tsuruoka et al. (2009)'s cumulative-penalty bookkeeping without their carry-over of the part
/// a clip could not apply, so that sparse rows take the dense prox's steps.
struct LazySoftThreshold {
    let k: Int
    /// fⱼ per column, the threshold's factor on βⱼ (1/sⱼ² in the data's units when standardizing),
    /// nil for 1.
    let factors: Buffer<Double>?
    /// An adaptive rule's factor on η per slot, frozen at its last touch (nil: the plain rule;
    /// ``LazySoftThreshold+Adaptive.swift``).
    let slotScales: Buffer<Double>?
    /// T at each column's last catch-up.
    private let applied: Buffer<Double>
    /// T = Στₜ/|aₜ| over the steps so far (since the last ``settle(_:features:)``).
    private(set) var total = 0.0

    /// - Parameter adaptiveEpsilon: an adaptive rule's ε, for its per-slot factors (nil: the plain rule).
    init(features p: Int, outputs k: Int, factors: [Double]?, adaptiveEpsilon: Double? = nil) {
        self.k = k
        self.factors = factors.map { values in
            let buffer = Buffer<Double>(repeating: 0, count: p)
            buffer.base.update(from: values, count: p)
            return buffer
        }
        applied = Buffer(repeating: 0, count: p)
        slotScales = adaptiveEpsilon.map { Self.untouchedScales(slots: p * k, epsilon: $0) }
    }

    /// Adds a step's threshold τ on β, at the scale a the step ended with.
    @inline(__always)
    mutating func add(threshold: Double, scale a: Double) { total += threshold / abs(a) }

    /// Applies to column j's u the thresholds since its last catch-up: θ minus θ clamped to
    /// [−t, t], as the dense step's.
    @inline(__always)
    func catchUp(_ j: Int, _ u: UnsafeMutablePointer<Double>) {
        let pending = total - applied.base[j]
        guard pending != 0 else { return }
        let t = pending * (factors?.base[j] ?? 1)
        if let slotScales {
            Self.softThreshold(column: j, outputs: k, u, by: t, scales: slotScales.base)
            applied.base[j] = total
            return
        }
        for o in 0..<k {
            let w = u[j * k + o]
            u[j * k + o] = w - Swift.min(Swift.max(w, -t), t)
        }
        applied.base[j] = total
    }

    /// Catches every column up, so that u holds the current β/a exactly.
    func catchUpAll(_ u: UnsafeMutablePointer<Double>, features p: Int) {
        for j in 0..<p { catchUp(j, u) }
    }

    /// Catches every column up and starts the sums afresh: before u is rescaled (the u-units of
    /// T change with it).
    mutating func settle(_ u: UnsafeMutablePointer<Double>, features p: Int) {
        catchUpAll(u, features: p)
        restart(features: p)
    }

    /// Starts the sums afresh with nothing pending.
    mutating func restart(features p: Int) {
        total = 0
        applied.base.update(repeating: 0, count: p)
    }

    /// Adds T and each column's applied T to a checkpoint (u is saved as it stands, thresholds
    /// pending, so a resumed fit has the same bits).
    func saveState(to archive: inout CheckpointArchive) {
        archive.set("sparse.l1.applied", applied.array)
        archive.set("sparse.l1.total", [total])
        if let slotScales { archive.set("sparse.l1.slotScales", slotScales.array) }
    }

    /// Restores what ``saveState(to:)`` saved.
    mutating func restoreState(from archive: CheckpointArchive) throws {
        try applied.restore("sparse.l1.applied", from: archive)
        total = try archive.doubles("sparse.l1.total", count: 1)[0]
        try slotScales?.restore("sparse.l1.slotScales", from: archive)
    }
}
