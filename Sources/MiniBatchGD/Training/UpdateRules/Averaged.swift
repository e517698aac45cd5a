/// Polyak–Ruppert averaging over any rule (scikit-learn's `average`): the rule moves the
/// iterate as usual, and the reported parameters are the running mean of the iterates since
/// averaging started, θ̄ ← θ̄ + (θ − θ̄)/t (θ as the step ends: after a penalty's proximal
/// step, ``UpdateRule/averageIn(_:)``).
///
/// For least squares the mean of constant-step SGD iterates over rows drawn independently
/// converges to the exact optimum at the statistical rate, where the last iterate stays at a
/// noise floor proportional to the rate (Bach & Moulines, 2013). Rows reshuffled every epoch
/// are not independent draws: there the mean settles at an offset that shrinks with the rate,
/// which is why the trainer halves the rate when the average stalls (``RateHalving``).
struct Averaged<Rule: UpdateRule>: UpdateRule {
    var rule: Rule
    let count: Int
    private let average: StateVector
    private var averagedSteps = 0
    private(set) var isAveraging = false

    init(_ rule: Rule, count: Int) {
        self.rule = rule
        self.count = count
        average = StateVector(count: count)
    }

    @inline(__always)
    mutating func step(_ parameters: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>, rate: Double) {
        rule.step(parameters, gradient: gradient, rate: rate)
        averageIn(parameters)
    }

    @inline(__always)
    mutating func stepBeforeAveraging(_ parameters: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>, rate: Double) {
        rule.step(parameters, gradient: gradient, rate: rate)
    }

    @inline(__always)
    mutating func averageIn(_ parameters: UnsafePointer<Double>) {
        guard isAveraging else { return }
        averagedSteps += 1
        let weight = 1 / Double(averagedSteps + 1), a = average.values
        for i in 0..<count { a[i] += weight * (parameters[i] - a[i]) }
    }

    static var scalesCoordinates: Bool { Rule.scalesCoordinates }

    @inline(__always)
    func coordinateScale(_ i: Int) -> Double { rule.coordinateScale(i) }

    var averagedParameters: UnsafeMutablePointer<Double>? { isAveraging ? average.values : nil }

    mutating func startAveraging(at parameters: UnsafePointer<Double>) {
        guard !isAveraging else { return }
        isAveraging = true
        averagedSteps = 0
        average.values.update(from: parameters, count: count)
    }

    mutating func restartAveraging(_ parameters: UnsafeMutablePointer<Double>) {
        guard isAveraging else { return }
        parameters.update(from: average.values, count: count)
        averagedSteps = 0
        rule.forgetMomentum()
    }

    func saveState(to archive: inout CheckpointArchive, prefix: String) {
        rule.saveState(to: &archive, prefix: prefix)
        archive.set(prefix + "average", average.values, count: count)
        archive.set(prefix + "averagedSteps", averagedSteps)
        archive.set(prefix + "isAveraging", isAveraging)
    }

    mutating func restoreState(from archive: CheckpointArchive, prefix: String) throws {
        try rule.restoreState(from: archive, prefix: prefix)
        try archive.read(prefix + "average", into: average.values, count: count)
        averagedSteps = try archive.integer(prefix + "averagedSteps")
        isAveraging = try archive.bool(prefix + "isAveraging")
    }
}
