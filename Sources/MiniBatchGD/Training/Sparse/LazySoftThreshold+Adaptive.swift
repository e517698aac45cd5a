/// The lazy soft-threshold under an adaptive rule (AdaGrad, RMSprop, Adam applied lazily,
/// ``LazyRule``): the dense step's threshold is η·A·R·dⱼ·qⱼₒ, qⱼₒ = 1/(√v̂ⱼₒ + ε) the slot's own
/// factor on η (``ElasticNetStep/proximalStep(_:count:step:after:)``). A lazy rule leaves an
/// untouched slot's moments where its last touch left them, and its q with them: so between two
/// touches of a column each step's threshold on u is (τₜ/|aₜ|)·fⱼ·qⱼₒ with qⱼₒ constant, and the
/// skipped steps compose into one soft-threshold by (Στₜ/|aₜ|)·fⱼ·qⱼₒ, the plain rule's running
/// sum times the slot's frozen factor.
///
/// For AdaGrad this is the eager rule exactly (an untouched slot's v does not move). For RMSprop
/// the eager rule would decay an untouched slot's v, and its threshold's q with it; the lazy rule
/// thresholds with q as the slot's last touch left it (its v's decay is caught up at the next
/// touch, as without L1). For Adam the lazy rule is PyTorch's `SparseAdam`, q that of the slot's
/// last touch with that step's bias correction. On rows that touch every column all three are
/// the dense rules with their proximal step.
extension LazySoftThreshold {
    /// q = 1/(0 + ε) for every slot: a slot no step has touched has v = 0 (its eager threshold
    /// η·A·R/ε clips any coefficient a start gave it to zero, as the dense rule's first step does).
    static func untouchedScales(slots: Int, epsilon: Double) -> Buffer<Double> {
        Buffer(repeating: 1 / epsilon, count: slots)
    }

    /// Column j's k slots soft-thresholded by t times each slot's q, as the dense step's.
    @inline(__always)
    static func softThreshold(column j: Int, outputs k: Int, _ u: UnsafeMutablePointer<Double>, by t: Double, scales: UnsafePointer<Double>)
    {
        for o in 0..<k {
            let slot = j * k + o, w = u[slot], threshold = t * scales[slot]
            u[slot] = w - Swift.min(Swift.max(w, -threshold), threshold)
        }
    }

    /// Records q = 1/(√v̂ + ε) of the `count` coefficient slots a step has just touched, v̂ their
    /// rule's squares (as ``LazyRule/changes(slots:values:squares:count:rate:)`` left them).
    @inline(__always)
    func recordScales(slots: UnsafePointer<Int>, squares: UnsafePointer<Double>, count: Int, epsilon: Double) {
        guard let scales = slotScales?.base else { return }
        for e in 0..<count { scales[slots[e]] = 1 / (squares[e].squareRoot() + epsilon) }
    }
}

extension Optimizer {
    /// The ε of an adaptive rule that thresholds lazily with its per-slot factors (AdaGrad,
    /// RMSprop, Adam); nil for the others.
    var lazyThresholdEpsilon: Double? {
        switch self {
        case let .adagrad(epsilon), let .rmsprop(_, epsilon), let .adam(_, _, epsilon): epsilon
        case .sgd, .momentum, .nesterov, .adamW: nil
        }
    }
}
