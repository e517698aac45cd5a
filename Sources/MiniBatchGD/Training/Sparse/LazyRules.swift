/// An adaptive update rule applied lazily on sparse rows: each step updates the per-slot state
/// (a coefficient of one output, or an intercept) of the slots the batch touches, and nothing
/// else, so a step costs the batch's nonzeros whatever the width.
///
/// A slot the batch does not touch has gradient zero (the loss's gradient vanishes off a row's
/// nonzeros, and an L2 gradient is refused with these rules). AdaGrad's and RMSprop's laziness is
/// then exact: AdaGrad leaves an untouched slot alone, and RMSprop's decay over the skipped steps
/// is applied at the next touch as α^s. Adam's is not: an untouched coordinate still moves on
/// its first moment in the eager rule. ``LazyAdam`` is PyTorch's `SparseAdam` (and what VW's
/// adaptive updates do): the moments and the coordinate change only when touched, with the
/// bias correction of the global step count. On rows that touch every column it is Adam.
///
/// Every one of these rules changes a slot by Δθ = η·m/(√v + ε) from two numbers of its state,
/// so a step first brings the touched slots' state up to date (m and v into two contiguous
/// arrays) and then computes every Δθ in one loop with no gathers, in vector square roots and
/// divisions as wide as the CPU has (``VectorWidth/adaptiveChanges(count:numerators:squares:rate:epsilon:)``):
/// a root and a division a nonzero are most of the rule's cost.
protocol LazyRule {
    /// ε of Δθ = η·m/(√v + ε).
    var epsilon: Double { get }
    /// Called once per step, before its slots (the step counter and bias corrections).
    mutating func beginStep()
    /// Brings `slot`'s state up to date with its gradient `g` in this step (descent coordinates)
    /// and returns m and v of its change Δθ = η·m/(√v + ε).
    mutating func moments(_ slot: Int, gradient g: Double) -> (numerator: Double, square: Double)
    /// Adds the rule's moments and step counts to a checkpoint.
    func saveState(to archive: inout CheckpointArchive)
    /// Restores what ``saveState(to:)`` saved.
    mutating func restoreState(from archive: CheckpointArchive) throws
}

extension Buffer<Double> {
    /// Copies `key`'s values (as many as this buffer holds) in from a checkpoint.
    func restore(_ key: String, from archive: CheckpointArchive) throws { try archive.read(key, into: base, count: count) }
}

extension LazyRule {
    /// Δθ of each of `count` distinct slots `slots[e]` whose gradient is `values[e]`, written over
    /// `values` (`squares` the v of each, scratch). The update is θ ← θ − Δθ.
    @inline(__always)
    mutating func changes(
        slots: UnsafePointer<Int>, values: UnsafeMutablePointer<Double>, squares: UnsafeMutablePointer<Double>, count: Int, rate: Double
    ) {
        for e in 0..<count { (values[e], squares[e]) = moments(slots[e], gradient: values[e]) }
        VectorWidth.best.adaptiveChanges(count: count, numerators: values, squares: squares, rate: rate, epsilon: epsilon)
    }
}

/// AdaGrad: vᵢ ← vᵢ + g², Δθ = η·g/(√vᵢ + ε), as the dense ``Optimizer/adagrad(epsilon:)``.
struct LazyAdaGrad: LazyRule {
    let epsilon: Double
    private let squares: Buffer<Double>

    init(slots: Int, epsilon: Double) {
        self.epsilon = epsilon
        squares = Buffer(repeating: 0, count: slots)
    }

    mutating func beginStep() {}

    @inline(__always)
    mutating func moments(_ slot: Int, gradient g: Double) -> (numerator: Double, square: Double) {
        let v = squares.base[slot] + g * g
        squares.base[slot] = v
        return (g, v)
    }

    func saveState(to archive: inout CheckpointArchive) { archive.set("lazy.squares", squares.array) }
    mutating func restoreState(from archive: CheckpointArchive) throws { try squares.restore("lazy.squares", from: archive) }
}

/// RMSprop: vᵢ ← α·vᵢ + (1 − α)·g² every step, Δθ = η·g/(√vᵢ + ε), as the dense
/// ``Optimizer/rmsprop(alpha:epsilon:)``; the untouched steps' decay α^s is applied at the next touch.
struct LazyRMSprop: LazyRule {
    let alpha: Double, epsilon: Double
    private let squares: Buffer<Double>
    /// The step at which each slot was last brought up to date.
    private let updatedAt: Buffer<Int>
    private var step = 0

    init(slots: Int, alpha: Double, epsilon: Double) {
        self.alpha = alpha
        self.epsilon = epsilon
        squares = Buffer(repeating: 0, count: slots)
        updatedAt = Buffer(repeating: 0, count: slots)
    }

    mutating func beginStep() { step += 1 }

    @inline(__always)
    mutating func moments(_ slot: Int, gradient g: Double) -> (numerator: Double, square: Double) {
        let skipped = step - updatedAt.base[slot] - 1
        var v = squares.base[slot]
        if skipped > 0, v != 0 { v *= Self.power(alpha, skipped) }
        v = alpha * v + (1 - alpha) * g * g
        squares.base[slot] = v
        updatedAt.base[slot] = step
        return (g, v)
    }

    /// αˢ by squaring: exact for s = 1 and within a few ulps of s multiplications beyond.
    @inline(__always)
    static func power(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0, factor = base, e = exponent
        while e > 0 {
            if e & 1 == 1 { result *= factor }
            factor *= factor
            e >>= 1
        }
        return result
    }

    func saveState(to archive: inout CheckpointArchive) {
        archive.set("lazy.squares", squares.array)
        archive.set("lazy.updatedAt", integers: updatedAt.array)
        archive.set("lazy.step", step)
    }

    mutating func restoreState(from archive: CheckpointArchive) throws {
        try squares.restore("lazy.squares", from: archive)
        let marks = try archive.integers("lazy.updatedAt", count: updatedAt.count)
        step = try archive.integer("lazy.step")
        // A mark past the step count would raise α to a negative power.
        guard marks.allSatisfy({ $0 >= 0 && $0 <= step }) else {
            throw CheckpointError.damaged(path: archive.path, reason: "lazy.updatedAt lies past its step count")
        }
        updatedAt.base.update(from: marks, count: marks.count)
    }
}

/// Adam as PyTorch's `SparseAdam`: a touched slot's moments m ← β₁m + (1 − β₁)g and
/// v ← β₂v + (1 − β₂)g², Δθ = η·m̂/(√v̂ + ε) with the corrections 1/(1 − βᵗ) of the global
/// step t; an untouched slot's moments and coordinate stay as they are.
struct LazyAdam: LazyRule {
    let beta1: Double, beta2: Double, epsilon: Double
    private let first: Buffer<Double>, second: Buffer<Double>
    private var beta1Power = 1.0, beta2Power = 1.0
    private var correction1 = 1.0, correction2 = 1.0

    init(slots: Int, beta1: Double, beta2: Double, epsilon: Double) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        first = Buffer(repeating: 0, count: slots)
        second = Buffer(repeating: 0, count: slots)
    }

    mutating func beginStep() {
        beta1Power *= beta1
        beta2Power *= beta2
        correction1 = 1 / (1 - beta1Power)
        correction2 = 1 / (1 - beta2Power)
    }

    @inline(__always)
    mutating func moments(_ slot: Int, gradient g: Double) -> (numerator: Double, square: Double) {
        let m = beta1 * first.base[slot] + (1 - beta1) * g
        let v = beta2 * second.base[slot] + (1 - beta2) * g * g
        first.base[slot] = m
        second.base[slot] = v
        return (m * correction1, v * correction2)
    }

    func saveState(to archive: inout CheckpointArchive) {
        archive.set("lazy.first", first.array)
        archive.set("lazy.second", second.array)
        archive.set("lazy.powers", [beta1Power, beta2Power, correction1, correction2])
    }

    mutating func restoreState(from archive: CheckpointArchive) throws {
        try first.restore("lazy.first", from: archive)
        try second.restore("lazy.second", from: archive)
        let powers = try archive.doubles("lazy.powers", count: 4)
        (beta1Power, beta2Power, correction1, correction2) = (powers[0], powers[1], powers[2], powers[3])
    }
}
