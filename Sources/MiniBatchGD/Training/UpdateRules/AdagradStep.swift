/// AdaGrad (Duchi, Hazan & Singer, 2011), as PyTorch's `Adagrad` with no rate decay and a zero
/// initial accumulator: G ← G + g², θ ← θ − η·g / (√G + ε).
struct AdagradStep: UpdateRule {
    let count: Int
    let epsilon: Double
    private let sumOfSquares: StateVector

    init(count: Int, epsilon: Double) {
        self.count = count
        self.epsilon = epsilon
        sumOfSquares = StateVector(count: count)
    }

    @inline(__always)
    mutating func step(_ parameters: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>, rate: Double) {
        let s = sumOfSquares.values
        for i in 0..<count {
            let g = gradient[i]
            s[i] += g * g
            parameters[i] -= rate * g / (s[i].squareRoot() + epsilon)
        }
    }
}
