/// One way of turning a gradient into a parameter update, with whatever state it keeps.
///
/// Rules see a flat parameter vector and its gradient, nothing of rows or batches: the
/// ``BatchGradient`` produces the gradient, the trainer picks the rate, the rule moves the
/// parameters. The vector holds the p×k coefficients (row-major) followed by the k
/// intercepts; the first ``decayedCount`` entries are the coefficients, which weight decay
/// touches and the intercepts never do. State lives in ``Buffer``s, freed with the rule.
protocol UpdateRule {
    /// θ ← rule(θ, g) with step size `rate`; both vectors hold the rule's parameter count.
    mutating func step(_ parameters: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>, rate: Double)
    /// ``step(_:gradient:rate:)`` with the new iterate not yet in the average (``Averaged``): a
    /// proximal step comes between, and ``averageIn(_:)`` after, so that the average is of the
    /// iterates the steps end with.
    mutating func stepBeforeAveraging(_ parameters: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>, rate: Double)
    /// Adds the step's final iterate to the average (a no-op for rules that do not average).
    mutating func averageIn(_ parameters: UnsafePointer<Double>)
    /// The parameters to evaluate and report: the running average for ``Averaged``, else nil
    /// (the iterate itself).
    var averagedParameters: UnsafeMutablePointer<Double>? { get }
    /// Starts Polyak–Ruppert averaging at the current iterate (a no-op for rules that do not average).
    mutating func startAveraging(at parameters: UnsafePointer<Double>)
    /// Moves the iterate to the average and averages afresh from there (a no-op for rules
    /// that do not average).
    mutating func restartAveraging(_ parameters: UnsafeMutablePointer<Double>)
    /// Zeroes a momentum's velocity (a no-op for rules without one): after the iterate jumps,
    /// the velocity of the old point would push the new one.
    mutating func forgetMomentum()
    /// Adds the rule's state (moments, step counts, the average) to a checkpoint, under `prefix`.
    func saveState(to archive: inout CheckpointArchive, prefix: String)
    /// Restores what ``saveState(to:prefix:)`` saved.
    /// - Throws: ``CheckpointError`` when the archive lacks it or holds another size.
    mutating func restoreState(from archive: CheckpointArchive, prefix: String) throws
    /// Whether the rule's step scales each coordinate by its own factor on η (the adaptive rules,
    /// whose steps are η·m̂ᵢ/(√v̂ᵢ + ε)): a proximal step after it then takes that factor too
    /// (``coordinateScale(_:)``), so that its fixed point is the penalized problem's whatever the scaling.
    static var scalesCoordinates: Bool { get }
    /// The factor on η of coordinate i in the step just taken, 1/(√v̂ᵢ + ε) for the adaptive
    /// rules (with Adam's bias correction), 1 for the others.
    func coordinateScale(_ i: Int) -> Double
}

extension UpdateRule {
    @inline(__always)
    mutating func stepBeforeAveraging(_ parameters: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>, rate: Double) {
        step(parameters, gradient: gradient, rate: rate)
    }
    @inline(__always)
    mutating func averageIn(_ parameters: UnsafePointer<Double>) {}
    var averagedParameters: UnsafeMutablePointer<Double>? { nil }
    mutating func startAveraging(at parameters: UnsafePointer<Double>) {}
    mutating func restartAveraging(_ parameters: UnsafeMutablePointer<Double>) {}
    mutating func forgetMomentum() {}
    func saveState(to archive: inout CheckpointArchive, prefix: String) {}
    mutating func restoreState(from archive: CheckpointArchive, prefix: String) throws {}
    static var scalesCoordinates: Bool { false }
    func coordinateScale(_ i: Int) -> Double { 1 }
}

/// One vector of a rule's state, zeroed: the ``Buffer`` that owns it, and a raw view that the
/// batch loop reads without reference counting.
struct StateVector {
    private let owner: Buffer<Double>
    let values: UnsafeMutablePointer<Double>

    init(count: Int) {
        owner = Buffer(repeating: 0, count: count)
        values = owner.base
    }
}
