/// The L1 part of an elastic net on sparse rows, applied lazily: the dense descent's proximal
/// step βⱼ ← sign(βⱼ)·max(0, |βⱼ| − τₜ·fⱼ) after every update, for the columns a step does not
/// touch deferred until one does (or the parameters are read).
///
/// With β = a·u (the L2 part a shrink of the scale a), step t's threshold on u is τₜ·fⱼ/|aₜ|.
/// Between two touches of a column nothing but those thresholds moves its u, and soft-thresholds
/// toward zero compose into one by their sum (clipped at zero, where the sign would change):
/// so a running sum T = Στₜ/|aₜ| and, per column, the T already applied make the catch-up exact —
/// Tsuruoka et al. (2009)'s cumulative-penalty bookkeeping without their carry-over of the part
/// a clip could not apply, so that sparse rows take the dense prox's steps. A plain step leaves
/// its own threshold on its batch's columns pending as well, so a column's next catch-up applies
/// it with those of the steps after in one clamp, as scikit-learn's and Vowpal Wabbit's lazy
/// penalties do (one clamp a touch, where a threshold right after each update took two): the
/// dense prox's steps to rounding, since w − (a + b) and (w − a) − b may differ in the last bit.
///
/// With ``ElasticNetPenalty/L1Method/cumulative`` the carry-over is kept: per coefficient q, the
/// signed total of the pulls applied to u, and a catch-up pulls u toward zero by T·fⱼ less what
/// it has been pulled (u > 0: max(0, u − (T·fⱼ + q)); u < 0: min(0, u + (T·fⱼ − q))), q adding
/// the change. In u's units both totals are untouched by the L2 part's shrink of a, so the
/// lazy rule is the dense one's (``CumulativeL1Step``, whose totals shrink with β).
struct LazySoftThreshold {
    let k: Int
    /// fⱼ per column, the threshold's factor on βⱼ (1/sⱼ² in the data's units when standardizing),
    /// nil for 1.
    let factors: Buffer<Double>?
    /// An adaptive rule's factor on η per slot, frozen at its last touch (nil: the plain rule;
    /// ``LazySoftThreshold+Adaptive.swift``).
    let slotScales: Buffer<Double>?
    /// T at each column's last catch-up.
    let applied: Buffer<Double>
    /// The cumulative method's q per coefficient (p·k, u's units; nil: the proximal step).
    let pulled: Buffer<Double>?
    /// The lazy average of the iterates while averaging (nil: not averaging), flushed by a
    /// column's catch-up before it moves u (``LazySoftThreshold+Average.swift``).
    var average: ThresholdedAverage?
    /// The entries of a batch from which a plain step catches every column up in column order
    /// (``SparseState/catchesUpEveryColumn(_:rows:count:)``): half the columns.
    var everyColumnEntries: Int
    /// T = Στₜ/|aₜ| over the steps so far (since the last ``settle(_:features:scale:)``).
    private(set) var total = 0.0
    /// The buffers' addresses, for the catch-up kernels (``ProximalCatchUp``, ``CumulativeCatchUp``):
    /// read without a reference count, so a step builds a kernel for nothing.
    let pointers: Pointers

    /// Addresses of the buffers above (which own their memory for the threshold's life).
    struct Pointers {
        let applied: UnsafeMutablePointer<Double>
        let pulled: UnsafeMutablePointer<Double>?
        let factors: UnsafePointer<Double>?
    }

    /// - Parameters:
    ///   - cumulative: Tsuruoka et al.'s cumulative penalty instead of the proximal step.
    ///   - adaptiveEpsilon: an adaptive rule's ε, for its per-slot factors (nil: the plain rule).
    init(features p: Int, outputs k: Int, factors: [Double]?, cumulative: Bool = false, adaptiveEpsilon: Double? = nil) {
        // The cumulative method is plain SGD's (GradientDescent.validate refuses it under other rules).
        precondition(!cumulative || adaptiveEpsilon == nil, "the cumulative L1 penalty takes the plain rule only")
        self.k = k
        self.factors = factors.map { values in
            let buffer = Buffer<Double>(repeating: 0, count: p)
            buffer.base.update(from: values, count: p)
            return buffer
        }
        applied = Buffer(repeating: 0, count: p)
        everyColumnEntries = Swift.max(1, (p + 1) / 2)
        pulled = cumulative ? Buffer(repeating: 0, count: p * k) : nil
        slotScales = adaptiveEpsilon.map { Self.untouchedScales(slots: p * k, epsilon: $0) }
        pointers = Pointers(applied: applied.base, pulled: pulled?.base, factors: self.factors.map { UnsafePointer($0.base) })
    }

    /// Which catch-up a plain step's passes run: a kernel of the proximal step's or the cumulative
    /// method's (with or without per-column factors), or this type's own while averaging (whose
    /// flushes come first) or under an adaptive rule's per-slot factors.
    enum Kernel {
        case proximal, scaledProximal, cumulative, scaledCumulative, general
    }

    var kernel: Kernel {
        if average != nil || slotScales != nil { return .general }
        switch (pointers.pulled != nil, pointers.factors != nil) {
        case (false, false): return .proximal
        case (false, true): return .scaledProximal
        case (true, false): return .cumulative
        case (true, true): return .scaledCumulative
        }
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
        if average != nil { flushAverage(j, u) }
        if let pulled {
            // The cumulative rule: the whole of T, less what each coefficient was pulled.
            let t = total * (factors?.base[j] ?? 1), q = pulled.base
            for o in 0..<k {
                let w = u[j * k + o]
                let z = CumulativeL1Step.pull(w, earned: t, applied: q[j * k + o])
                u[j * k + o] = z
                q[j * k + o] += z - w
            }
            applied.base[j] = total
            return
        }
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

    /// Catches every column up before u is rescaled to a·u (a the scale, 0 when the coefficients
    /// were shrunk to zero): the proximal step's sums start afresh; the cumulative method's,
    /// which cannot (T and q stand apart), are restated in the new units (T by |a|, q by a).
    mutating func settle(_ u: UnsafeMutablePointer<Double>, features p: Int, scale a: Double) {
        catchUpAll(u, features: p)
        guard let pulled else {
            restart(features: p)
            return
        }
        total *= abs(a)
        applied.base.update(repeating: total, count: p)
        for index in 0..<p * k { pulled.base[index] *= a }
    }

    /// Starts the sums afresh with nothing pending (and nothing pulled).
    mutating func restart(features p: Int) {
        total = 0
        applied.base.update(repeating: 0, count: p)
        pulled?.base.update(repeating: 0, count: p * k)
    }

    /// Adds T and each column's applied T to a checkpoint (u is saved as it stands, thresholds
    /// pending, so a resumed fit has the same bits).
    func saveState(to archive: inout CheckpointArchive) {
        archive.set("sparse.l1.applied", applied.array)
        archive.set("sparse.l1.total", [total])
        if let pulled { archive.set("sparse.l1.pulled", pulled.array) }
        if let slotScales { archive.set("sparse.l1.slotScales", slotScales.array) }
    }

    /// Restores what ``saveState(to:)`` saved.
    mutating func restoreState(from archive: CheckpointArchive) throws {
        try applied.restore("sparse.l1.applied", from: archive)
        total = try archive.doubles("sparse.l1.total", count: 1)[0]
        try pulled?.restore("sparse.l1.pulled", from: archive)
        try slotScales?.restore("sparse.l1.slotScales", from: archive)
    }
}
