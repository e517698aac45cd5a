import Foundation

/// Adam (Kingma & Ba, 2015) and AdamW (Loshchilov & Hutter, 2019), as PyTorch writes them:
///
///     m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
///     θ ← θ − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
///
/// AdamW first shrinks the coefficients, θ ← θ·(1 − η·λ) (decoupled weight decay), on the
/// first `decayedCount` entries only: the intercepts are never decayed, as the L2 penalty never
/// touches them (PyTorch decays every parameter it is given).
struct AdamStep: UpdateRule {
    let count: Int
    let beta1: Double, beta2: Double, epsilon: Double
    let weightDecay: Double
    let decayedCount: Int
    private let firstMoment: StateVector, secondMoment: StateVector
    /// β₁ᵗ and β₂ᵗ, kept as running products instead of a `pow` per step.
    private var beta1Power = 1.0, beta2Power = 1.0
    /// 1/(1 − β₂ᵗ) of the last step, for ``coordinateScale(_:)``.
    private var correction2 = 1.0

    init(count: Int, beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double = 0, decayedCount: Int = 0) {
        self.count = count
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decayedCount = decayedCount
        firstMoment = StateVector(count: count)
        secondMoment = StateVector(count: count)
    }

    @inline(__always)
    mutating func step(_ parameters: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>, rate: Double) {
        if weightDecay > 0 {
            let shrink = 1 - rate * weightDecay
            for i in 0..<decayedCount { parameters[i] *= shrink }
        }
        beta1Power *= beta1
        beta2Power *= beta2
        let m = firstMoment.values, v = secondMoment.values
        let correction1 = 1 / (1 - beta1Power), correction2 = 1 / (1 - beta2Power)
        self.correction2 = correction2
        for i in 0..<count {
            let g = gradient[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            parameters[i] -= rate * (m[i] * correction1) / ((v[i] * correction2).squareRoot() + epsilon)
        }
    }

    static var scalesCoordinates: Bool { true }

    /// 1/(√(vᵢ/(1 − β₂ᵗ)) + ε), the last step's own denominator (the same bits).
    @inline(__always)
    func coordinateScale(_ i: Int) -> Double { 1 / ((secondMoment.values[i] * correction2).squareRoot() + epsilon) }

    func saveState(to archive: inout CheckpointArchive, prefix: String) {
        archive.set(prefix + "firstMoment", firstMoment.values, count: count)
        archive.set(prefix + "secondMoment", secondMoment.values, count: count)
        archive.set(prefix + "betaPowers", [beta1Power, beta2Power])
    }

    mutating func restoreState(from archive: CheckpointArchive, prefix: String) throws {
        try archive.read(prefix + "firstMoment", into: firstMoment.values, count: count)
        try archive.read(prefix + "secondMoment", into: secondMoment.values, count: count)
        let powers = try archive.doubles(prefix + "betaPowers", count: 2)
        (beta1Power, beta2Power) = (powers[0], powers[1])
        correction2 = beta2Power == 1 ? 1 : 1 / (1 - beta2Power)
    }
}
