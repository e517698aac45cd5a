/// The state of Tsuruoka et al. (2009)'s cumulative L1 penalty on dense rows, per coefficient:
/// the penalty the steps have earned so far (u·dᵢ, shrunk with the coefficient by each step's
/// L2 shrink) and the total qᵢ actually applied to it. Held by the epoch loop across stretches
/// and epochs, and saved in checkpoints so a resumed fit takes the same steps.
final class CumulativeL1State {
    /// u·dᵢ per coefficient: Σ η·A·R·dᵢ over the steps, each shrunk since by the L2 part.
    let earned: Buffer<Double>
    /// qᵢ: the signed total of the pulls applied to coefficient i.
    let applied: Buffer<Double>

    init(count: Int) {
        earned = Buffer(repeating: 0, count: count)
        applied = Buffer(repeating: 0, count: count)
    }

    /// Adds both totals to a checkpoint.
    func saveState(to archive: inout CheckpointArchive) {
        archive.set("l1.cumulative.earned", earned.array)
        archive.set("l1.cumulative.applied", applied.array)
    }

    /// Restores what ``saveState(to:)`` saved; a checkpoint of a fit with the proximal step has none.
    func restoreState(from archive: CheckpointArchive) throws {
        try earned.restore("l1.cumulative.earned", from: archive)
        try applied.restore("l1.cumulative.applied", from: archive)
    }
}

/// ``ElasticNetPenalty/L1Method/cumulative`` in the batch loop: the L2 part's gradient as
/// ``ElasticNetStep``'s, then after the update, for each coefficient, the earned penalty and
/// the applied total shrunk by the update's L2 factor cᵢ = 1 − step·A·(1 − R)·dᵢ² (what a plain
/// step does to the coefficient), the step's η·A·R·dᵢ earned, and θᵢ pulled toward zero by what
/// it has earned and not yet been pulled, never across zero:
/// θᵢ > 0: θᵢ ← max(0, θᵢ − (uᵢ + qᵢ)); θᵢ < 0: θᵢ ← min(0, θᵢ + (uᵢ − qᵢ)); qᵢ += the change.
/// Without an L2 part (R = 1) this is scikit-learn's `l1penalty` in `sgd_fast.pyx`, with u·dᵢ.
struct CumulativeL1Step: PenaltyStep {
    let alpha: Double, l1Ratio: Double
    /// dᵢ per coefficient, nil for 1: valid while the batch loop runs.
    let factors: UnsafePointer<Double>?
    let earned: UnsafeMutablePointer<Double>, applied: UnsafeMutablePointer<Double>

    init(_ penalty: ElasticNetPenalty, factors: UnsafePointer<Double>?, state: CumulativeL1State) {
        alpha = penalty.alpha
        l1Ratio = penalty.l1Ratio
        self.factors = factors
        earned = state.earned.base
        applied = state.applied.base
    }

    /// gᵢ += scale·A·(1 − R)·dᵢ²·θᵢ, as the proximal step's.
    @inline(__always)
    func addGradient(of theta: UnsafePointer<Double>, count: Int, scale: Double, into g: UnsafeMutablePointer<Double>) {
        ElasticNetStep(alpha: alpha, l1Ratio: l1Ratio, factors: factors).addGradient(of: theta, count: count, scale: scale, into: g)
    }

    /// The plain rule's pull: the cumulative method is plain SGD's (``GradientDescent`` refuses
    /// it under other rules).
    @inline(__always)
    func proximalStep<Rule: UpdateRule>(_ theta: UnsafeMutablePointer<Double>, count: Int, step: Double, after rule: Rule) {
        proximalStep(theta, count: count, step: step)
    }

    @inline(__always)
    func proximalStep(_ theta: UnsafeMutablePointer<Double>, count: Int, step: Double) {
        let earnedNow = step * alpha * l1Ratio, shrink = step * alpha * (1 - l1Ratio)
        for i in 0..<count {
            let d = factors?[i] ?? 1
            var u = earned[i], q = applied[i]
            if shrink != 0 {
                let c = 1 - shrink * d * d
                u *= c
                q *= c
            }
            u += earnedNow * d
            let w = theta[i]
            let z = Self.pull(w, earned: u, applied: q)
            theta[i] = z
            earned[i] = u
            applied[i] = q + (z - w)
        }
    }

    /// w pulled toward zero by what it has earned and not been pulled (`applied` signed: negative
    /// after pulls of a positive coefficient), never across zero; zero stays. Both pulls are
    /// computed and one selected, with no branch: the sign of a coefficient at a random column
    /// is a coin toss to a branch predictor (a sparse epoch's catch-ups mispredicted half of them).
    @inline(__always)
    static func pull(_ w: Double, earned u: Double, applied q: Double) -> Double {
        let down = Swift.max(0, w - (u + q)), up = Swift.min(0, w + (u - q))
        return w > 0 ? down : (w < 0 ? up : w)
    }
}
