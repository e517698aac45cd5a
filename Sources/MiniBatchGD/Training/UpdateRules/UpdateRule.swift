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
    /// The parameters to evaluate and report: the running average for ``Averaged``, else nil
    /// (the iterate itself).
    var averagedParameters: UnsafeMutablePointer<Double>? { get }
    /// Starts Polyak–Ruppert averaging at the current iterate (a no-op for rules that do not average).
    mutating func startAveraging(at parameters: UnsafePointer<Double>)
}

extension UpdateRule {
    var averagedParameters: UnsafeMutablePointer<Double>? { nil }
    mutating func startAveraging(at parameters: UnsafePointer<Double>) {}
}

/// Plain gradient descent: θ ← θ − η·g.
struct PlainStep: UpdateRule {
    let count: Int

    @inline(__always)
    mutating func step(_ parameters: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>, rate: Double) {
        for i in 0 ..< count { parameters[i] -= rate * gradient[i] }
    }
}

/// Something to do with an update rule whose concrete type is known only at run time: the
/// rule is built from an ``Optimizer`` and handed to ``visit(_:)`` as a generic parameter, so
/// the code that uses it is specialized for each rule (no dynamic dispatch per step).
protocol UpdateRuleVisitor {
    associatedtype Result
    associatedtype Failure: Error
    func visit<Rule: UpdateRule>(_ rule: Rule) throws(Failure) -> Result
}

extension Optimizer {
    /// Builds this optimizer's rule for `count` parameters, of which the first `decayedCount`
    /// are coefficients, wrapped for averaging, and hands it to `visitor`.
    /// - Parameter momentum: the coefficient to use for momentum and Nesterov (given or chosen).
    func withRule<Visitor: UpdateRuleVisitor>(count: Int, decayedCount: Int, momentum: Double,
                                              _ visitor: Visitor) throws(Visitor.Failure) -> Visitor.Result {
        switch self {
        case .sgd:
            return try visitor.visit(Averaged(PlainStep(count: count), count: count))
        case .momentum, .nesterov:
            return try visitor.visit(Averaged(MomentumStep(count: count, momentum: momentum, nesterov: isNesterov), count: count))
        case let .adam(beta1, beta2, epsilon):
            return try visitor.visit(Averaged(AdamStep(count: count, beta1: beta1, beta2: beta2, epsilon: epsilon), count: count))
        case let .adamW(beta1, beta2, epsilon, weightDecay):
            let rule = AdamStep(count: count, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decayedCount: decayedCount)
            return try visitor.visit(Averaged(rule, count: count))
        case let .adagrad(epsilon):
            return try visitor.visit(Averaged(AdagradStep(count: count, epsilon: epsilon), count: count))
        case let .rmsprop(alpha, epsilon):
            return try visitor.visit(Averaged(RMSpropStep(count: count, alpha: alpha, epsilon: epsilon), count: count))
        }
    }
}

/// The cost of the update step alone, for the benchmarks (the batch gradient excluded).
@_spi(Benchmarking)
public enum UpdateRuleTiming {
    /// Seconds taken by `steps` updates of `parameters` values with `optimizer`'s rule (momentum
    /// 0.9 for the momentum methods, no averaging), on a fixed small gradient.
    public static func seconds(_ optimizer: Optimizer, parameters count: Int, steps: Int) -> Double {
        struct Timer: UpdateRuleVisitor {
            let count: Int, steps: Int
            func visit<Rule: UpdateRule>(_ rule: Rule) throws(Never) -> Double {
                var rule = rule
                let theta = Buffer<Double>(repeating: 1, count: count), gradient = Buffer<Double>(repeating: 0, count: count)
                for i in 0 ..< count { gradient.base[i] = 1e-3 * Double(i % 7 - 3) }
                let start = ContinuousClock.now
                for _ in 0 ..< steps { rule.step(theta.base, gradient: gradient.base, rate: 1e-3) }
                let seconds = (ContinuousClock.now - start) / .seconds(1)
                // Keep the result alive so the loop cannot be removed.
                if theta.base[0].isNaN { print(theta.base[0]) }
                return seconds
            }
        }
        return optimizer.withRule(count: count, decayedCount: count - 1, momentum: 0.9, Timer(count: count, steps: steps))
    }
}
