/// RMSprop (Tieleman & Hinton, 2012), as PyTorch's `RMSprop` without momentum or centring:
/// v ← α·v + (1 − α)·g², θ ← θ − η·g / (√v + ε).
struct RMSpropStep: UpdateRule {
    let count: Int
    let alpha: Double, epsilon: Double
    private let squareAverage: StateVector

    init(count: Int, alpha: Double, epsilon: Double) {
        self.count = count
        self.alpha = alpha
        self.epsilon = epsilon
        squareAverage = StateVector(count: count)
    }

    @inline(__always)
    mutating func step(_ parameters: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>, rate: Double) {
        let v = squareAverage.values
        for i in 0..<count {
            let g = gradient[i]
            v[i] = alpha * v[i] + (1 - alpha) * g * g
            parameters[i] -= rate * g / (v[i].squareRoot() + epsilon)
        }
    }
}
