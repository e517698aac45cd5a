/// The plateau test of ``EarlyStopping``: has the monitored cost stopped improving?
///
/// An epoch improves when its cost is below `best − tolerance·max(best, tiny)`, `best` the
/// lowest cost so far: the tolerance is relative, so it means the same whatever the units of the
/// targets, and one bad epoch never resets the count. Without early stopping it never fires.
///
/// A momentum method's cost is not monotone: it can stay above its best for as long as the
/// momentum remembers (about 1/(1 − β) updates), and still be converging. The patience is
/// therefore at least twice that memory, in epochs, so an oscillation is not read as a plateau.
struct StopRule {
    let tolerance: Double
    let patience: Int
    let enabled: Bool
    private var best = Double.infinity
    private var epochsWithoutImprovement = 0

    /// - Parameters:
    ///   - memory: β of the rule's momentum (or Adam's β₁), 0 for none.
    ///   - batchesPerEpoch: updates an epoch, to turn the memory into epochs.
    init(_ stopping: EarlyStopping?, memory beta: Double = 0, batchesPerEpoch: Int = 1) {
        enabled = stopping != nil
        tolerance = stopping?.tolerance ?? 0
        let memoryEpochs = beta > 0 && beta < 1 ? (2 / (1 - beta) / Double(Swift.max(batchesPerEpoch, 1))).rounded(.up) : 0
        patience = Swift.max(stopping?.patience ?? .max, Int(Swift.min(memoryEpochs, 1e9)))
    }

    /// Whether a plateau may end the fit: a tolerance of 0 asks for no stop on the cost (a
    /// plateau still starts the averaging of a mini-batch fit).
    var stopsOnPlateau: Bool { enabled && tolerance > 0 }

    /// Feeds one epoch's monitored cost; true once it has not improved for `patience` epochs.
    mutating func plateaued(_ cost: Double) -> Bool {
        guard enabled else { return false }
        if cost < best - tolerance * Swift.max(best == .infinity ? 0 : best, .leastNormalMagnitude) {
            best = cost
            epochsWithoutImprovement = 0
            return false
        }
        epochsWithoutImprovement += 1
        return epochsWithoutImprovement >= patience
    }

    /// Starts counting afresh (after a change of regime such as the start of averaging).
    mutating func reset() {
        best = .infinity
        epochsWithoutImprovement = 0
    }

    func saveState(to archive: inout CheckpointArchive, prefix: String) {
        archive.set(prefix + "best", best)
        archive.set(prefix + "epochsWithoutImprovement", epochsWithoutImprovement)
    }

    mutating func restoreState(from archive: CheckpointArchive, prefix: String) throws {
        best = try archive.double(prefix + "best")
        epochsWithoutImprovement = try archive.integer(prefix + "epochsWithoutImprovement")
    }
}

/// The certified test of ``EarlyStopping``: a bound on the relative distance to the optimum,
/// in original units, from the gradient over all training rows.
///
/// For a least-squares cost with curvature at least μ in descent coordinates,
/// ‖θ − θ*‖ ≤ ‖∇J(θ)‖/μ there. The parameters reported are T·θ, with T the map from descent
/// coordinates to original units (W = θ/σ, c = b − mᵀW), so ‖Tθ − Tθ*‖ ≤ ‖T‖₂·‖∇J(θ)‖/μ;
/// dividing by ‖Tθ‖ gives the relative distance the comparison with the closed form measures.
/// With large feature means T stretches the intercept, and the bound says so honestly.
struct Certificate {
    let tolerance: Double
    let mu: Double
    let p: Int, k: Int
    let fitIntercept: Bool
    private let mean: [Double], inverseScale: [Double]
    /// ‖T‖₂ for one output (every output has the same map).
    let transformNorm: Double

    init(tolerance: Double, mu: Double, features p: Int, outputs k: Int, fitIntercept: Bool, standardizer: Standardizer?) {
        self.tolerance = tolerance
        self.mu = mu
        self.p = p
        self.k = k
        self.fitIntercept = fitIntercept
        mean = standardizer?.mean ?? Array(repeating: 0, count: p)
        inverseScale = standardizer?.scale.map { 1 / $0 } ?? Array(repeating: 1, count: p)
        // ‖T‖₂² = λmax(TᵀT), by power iteration on vectors of p + 1 entries (no pass over data).
        var vector = [Double](repeating: 1, count: p + 1), estimate = 1.0
        let mean = mean, inverse = inverseScale
        func apply(_ v: [Double]) -> [Double] {
            // u = T·v: u_j = v_j/σ_j, u_c = v_c − Σ m_j·v_j/σ_j; then Tᵀu.
            var u = (0..<p).map { v[$0] * inverse[$0] }
            var c = fitIntercept ? v[p] : 0
            for j in 0..<p { c -= mean[j] * u[j] }
            u.append(fitIntercept ? c : 0)
            var w = (0..<p).map { (u[$0] - mean[$0] * u[p]) * inverse[$0] }
            w.append(fitIntercept ? u[p] : 0)
            return w
        }
        for _ in 0..<100 {
            let w = apply(vector)
            let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { break }
            let previous = estimate
            estimate = zip(w, vector).reduce(0) { $0 + $1.0 * $1.1 } / vector.reduce(0) { $0 + $1 * $1 }
            vector = w.map { $0 / norm }
            if abs(estimate - previous) <= 1e-6 * estimate { break }
        }
        // Power iteration approaches from below: a small margin keeps the bound a bound.
        transformNorm = (estimate * (1 + 1e-4)).squareRoot()
    }

    /// ‖T‖·‖g‖/(μ·‖Tθ‖) for parameters θ (descent coordinates) with objective gradient `g`.
    func relativeDistance(parameters theta: UnsafePointer<Double>, gradient g: UnsafePointer<Double>) -> Double {
        var gradientSquares = 0.0
        for i in 0..<p * k + k { gradientSquares += g[i] * g[i] }
        var originalSquares = 0.0
        for o in 0..<k {
            var c = fitIntercept ? theta[p * k + o] : 0
            for j in 0..<p {
                let w = theta[j * k + o] * inverseScale[j]
                originalSquares += w * w
                c -= mean[j] * w
            }
            originalSquares += c * c
        }
        let distance = transformNorm * gradientSquares.squareRoot() / mu
        return originalSquares > 0 ? distance / originalSquares.squareRoot() : (distance == 0 ? 0 : .infinity)
    }
}

/// When an averaged constant-rate fit has stalled short of its certificate: with rows
/// reshuffled every epoch, the average of constant-rate iterates settles at an offset from the
/// optimum that shrinks with the rate, so once the certified distance stops falling the rate is
/// halved and the average restarted.
///
/// The average forgets its start as 1/t and its noise as 1/√t in the updates t since it
/// (re)started: over a window that doubles t the distance falls by 2 or √2 while it converges,
/// and by less once the offset dominates. Windows therefore end when the epochs since the restart
/// have doubled (and last at least four relaxation times of the slowest direction,
/// 4/(η·μ) updates, and `patience` epochs); a window over which the distance did not fall by √2
/// halves the rate. Each halving doubles the relaxation time with 1/η.
struct RateHalving {
    /// The fewest epochs in a window.
    let patience: Int
    /// Updates of one relaxation time at the initial rate, 1/(η₀·μ) in the cost's units.
    let relaxationUpdates: Double
    let batchesPerEpoch: Int
    private var scale = 1.0
    private var restartEpoch: Int?
    private var windowStart = 0
    private var windowDistance = Double.infinity

    /// - Parameters:
    ///   - step: the effective step on the mean cost, η·b/(1 − β) (b under the sum reduction, β a
    ///     momentum's coefficient).
    ///   - mu: the smallest curvature (0: unknown, and no halving).
    init(patience: Int, step: Double, mu: Double, batchesPerEpoch: Int) {
        self.patience = patience
        relaxationUpdates = step > 0 && mu > 0 ? 1 / (step * mu) : .infinity
        self.batchesPerEpoch = Swift.max(batchesPerEpoch, 1)
    }

    /// The fewest epochs in a window at the current rate.
    var minimumWindowEpochs: Int {
        let epochs = (4 * relaxationUpdates / scale / Double(batchesPerEpoch)).rounded(.up)
        return Swift.max(patience, Int(Swift.min(epochs, 1e9)))
    }

    /// (Re)starts the average's clock at `epoch`. The first window only measures: an average
    /// restarted at a good point first moves away from it by the new rate's noise, so the
    /// restart's own distance is no reference.
    mutating func start(epoch: Int) {
        restartEpoch = epoch
        windowStart = epoch
        windowDistance = .infinity
    }

    /// Feeds an epoch's certified distance of the average; true when the rate should halve now
    /// (the clock then restarts).
    mutating func stalled(epoch: Int, distance: Double) -> Bool {
        guard let restartEpoch else { return false }
        let length = Swift.max(windowStart - restartEpoch, minimumWindowEpochs)
        guard epoch - windowStart >= length else { return false }
        if distance <= windowDistance / 2.0.squareRoot() {
            windowStart = epoch
            windowDistance = distance
            return false
        }
        scale *= 0.5
        start(epoch: epoch)
        return true
    }

    func saveState(to archive: inout CheckpointArchive, prefix: String) {
        archive.set(prefix + "scale", scale)
        archive.set(prefix + "windowDistance", windowDistance)
        archive.set(prefix + "epochs", integers: [restartEpoch ?? -1, windowStart])
    }

    mutating func restoreState(from archive: CheckpointArchive, prefix: String) throws {
        scale = try archive.double(prefix + "scale")
        windowDistance = try archive.double(prefix + "windowDistance")
        let epochs = try archive.integers(prefix + "epochs", count: 2)
        restartEpoch = epochs[0] < 0 ? nil : epochs[0]
        windowStart = epochs[1]
    }
}
