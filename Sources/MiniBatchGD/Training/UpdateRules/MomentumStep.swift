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

    mutating func forgetMomentum() { velocity.values.update(repeating: 0, count: count) }

    func saveState(to archive: inout CheckpointArchive, prefix: String) {
        archive.set(prefix + "velocity", velocity.values, count: count)
    }

    mutating func restoreState(from archive: CheckpointArchive, prefix: String) throws {
        try archive.read(prefix + "velocity", into: velocity.values, count: count)
    }
}
