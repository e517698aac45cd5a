/// AdaGrad (Duchi, Hazan & Singer, 2011), as PyTorch's `Adagrad` with no rate decay and a zero
/// initial accumulator: G ← G + g², θ ← θ − η·g / (√G + ε).
struct AdagradStep: UpdateRule {
    let count: Int
    let epsilon: Double
    private let sumOfSquares: Buffer<Double>
    /// The accumulated squares' elements, read without reference counting in the batch loop.
    private let state: UnsafeMutablePointer<Double>

    init(count: Int, epsilon: Double) {
        self.count = count
        self.epsilon = epsilon
        sumOfSquares = Buffer(repeating: 0, count: count)
        state = sumOfSquares.base
    }

    @inline(__always)
    mutating func step(_ parameters: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>, rate: Double) {
        let s = state
        for i in 0 ..< count {
            let g = gradient[i]
            s[i] += g * g
            parameters[i] -= rate * g / (s[i].squareRoot() + epsilon)
        }
    }
}
