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
protocol LazyRule {
    /// Called once per step, before its slots (the step counter and bias corrections).
    mutating func beginStep()
    /// Δθ for `slot`, touched by the step with batch gradient `g` (descent coordinates):
    /// the update θ ← θ − Δθ.
    mutating func change(_ slot: Int, gradient g: Double, rate: Double) -> Double
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
    mutating func change(_ slot: Int, gradient g: Double, rate: Double) -> Double {
        let v = squares.base[slot] + g * g
        squares.base[slot] = v
        return rate * g / (v.squareRoot() + epsilon)
    }
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
    mutating func change(_ slot: Int, gradient g: Double, rate: Double) -> Double {
        let skipped = step - updatedAt.base[slot] - 1
        var v = squares.base[slot]
        if skipped > 0, v != 0 { v *= Self.power(alpha, skipped) }
        v = alpha * v + (1 - alpha) * g * g
        squares.base[slot] = v
        updatedAt.base[slot] = step
        return rate * g / (v.squareRoot() + epsilon)
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
    mutating func change(_ slot: Int, gradient g: Double, rate: Double) -> Double {
        let m = beta1 * first.base[slot] + (1 - beta1) * g
        let v = beta2 * second.base[slot] + (1 - beta2) * g * g
        first.base[slot] = m
        second.base[slot] = v
        return rate * (m * correction1) / ((v * correction2).squareRoot() + epsilon)
    }
}
