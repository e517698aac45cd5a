/// Heavy-ball momentum, v ← μ·v + g then θ ← θ − η·v; with Nesterov's correction the step is
/// θ ← θ − η·(g + μ·v). These are PyTorch's `SGD(momentum:nesterov:)` formulas (dampening 0).
struct MomentumStep: UpdateRule {
    let count: Int
    let momentum: Double
    let nesterov: Bool
    private let velocity: StateVector

    init(count: Int, momentum: Double, nesterov: Bool) {
        self.count = count
        self.momentum = momentum
        self.nesterov = nesterov
        velocity = StateVector(count: count)
    }

    @inline(__always)
    mutating func step(_ parameters: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>, rate: Double) {
        let v = velocity.values, mu = momentum
        if nesterov {
            for i in 0..<count {
                let g = gradient[i]
                v[i] = mu * v[i] + g
                parameters[i] -= rate * (g + mu * v[i])
            }
        } else {
            for i in 0..<count {
                v[i] = mu * v[i] + gradient[i]
                parameters[i] -= rate * v[i]
            }
        }
    }

    static var scalesCoordinates: Bool { true }

    /// 1/(1 − μ) on every coordinate: at a fixed point the velocity is g/(1 − μ), so the step is
    /// η·g/(1 − μ) (with Nesterov's correction too), and a proximal step by η·A·R/(1 − μ) after
    /// it has the lasso's optimality condition as its fixed point. With the signs settled, the
    /// shifted velocity ṽ = v + A·R·s/(1 − μ) turns the rule with this threshold into the same
    /// momentum rule on the smooth piece f + A·R·sᵀθ exactly (heavy ball's or Nesterov's
    /// recursion), so near the answer it converges as momentum does on that quadratic.
    @inline(__always)
    func coordinateScale(_ i: Int) -> Double { 1 / (1 - momentum) }

    mutating func forgetMomentum() { velocity.values.update(repeating: 0, count: count) }

    func saveState(to archive: inout CheckpointArchive, prefix: String) {
        archive.set(prefix + "velocity", velocity.values, count: count)
    }

    mutating func restoreState(from archive: CheckpointArchive, prefix: String) throws {
        try archive.read(prefix + "velocity", into: velocity.values, count: count)
    }
}
