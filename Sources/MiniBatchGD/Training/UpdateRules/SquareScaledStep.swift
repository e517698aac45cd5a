/// The per-coordinate scaling of AdaGrad and RMSprop, one rule with two settings: a running
/// square v ← decay·v + gain·g², then θ ← θ − η·g / (√v + ε).
/// - AdaGrad (Duchi, Hazan & Singer, 2011), as PyTorch's `Adagrad` with no rate decay and a zero
///   initial accumulator: decay 1, gain 1 (v is the sum of squares).
/// - RMSprop (Tieleman & Hinton, 2012), as PyTorch's `RMSprop` without momentum or centring:
///   decay α, gain 1 − α (v is an exponential average).
struct SquareScaledStep: UpdateRule {
    let count: Int
    let decay: Double, gain: Double, epsilon: Double
    private let squares: StateVector

    /// AdaGrad's rule.
    static func adagrad(count: Int, epsilon: Double) -> SquareScaledStep {
        SquareScaledStep(count: count, decay: 1, gain: 1, epsilon: epsilon)
    }

    /// RMSprop's rule with smoothing constant `alpha`.
    static func rmsprop(count: Int, alpha: Double, epsilon: Double) -> SquareScaledStep {
        SquareScaledStep(count: count, decay: alpha, gain: 1 - alpha, epsilon: epsilon)
    }

    private init(count: Int, decay: Double, gain: Double, epsilon: Double) {
        (self.count, self.decay, self.gain, self.epsilon) = (count, decay, gain, epsilon)
        squares = StateVector(count: count)
    }

    @inline(__always)
    mutating func step(_ parameters: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>, rate: Double) {
        let v = squares.values
        for i in 0..<count {
            // With decay and gain 1 both products are exact: AdaGrad's v + g·g, bit for bit.
            let g = gradient[i]
            v[i] = decay * v[i] + gain * g * g
            parameters[i] -= rate * g / (v[i].squareRoot() + epsilon)
        }
    }

    static var scalesCoordinates: Bool { true }

    /// 1/(√vᵢ + ε), the step's own denominator (the same bits).
    @inline(__always)
    func coordinateScale(_ i: Int) -> Double { 1 / (squares.values[i].squareRoot() + epsilon) }

    func saveState(to archive: inout CheckpointArchive, prefix: String) {
        archive.set(prefix + "squares", squares.values, count: count)
    }

    mutating func restoreState(from archive: CheckpointArchive, prefix: String) throws {
        try archive.read(prefix + "squares", into: squares.values, count: count)
    }
}
