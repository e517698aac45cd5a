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
    func withRule<Visitor: UpdateRuleVisitor>(
        count: Int, decayedCount: Int, momentum: Double,
        _ visitor: Visitor
    ) throws(Visitor.Failure) -> Visitor.Result {
        switch self {
        case .sgd:
            return try visitor.visit(Averaged(PlainStep(count: count), count: count))
        case .momentum, .nesterov:
            return try visitor.visit(Averaged(MomentumStep(count: count, momentum: momentum, nesterov: isNesterov), count: count))
        case let .adam(beta1, beta2, epsilon):
            return try visitor.visit(Averaged(AdamStep(count: count, beta1: beta1, beta2: beta2, epsilon: epsilon), count: count))
        case let .adamW(beta1, beta2, epsilon, weightDecay):
            let rule = AdamStep(
                count: count, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decayedCount: decayedCount)
            return try visitor.visit(Averaged(rule, count: count))
        case let .adagrad(epsilon):
            return try visitor.visit(Averaged(SquareScaledStep.adagrad(count: count, epsilon: epsilon), count: count))
        case let .rmsprop(alpha, epsilon):
            return try visitor.visit(Averaged(SquareScaledStep.rmsprop(count: count, alpha: alpha, epsilon: epsilon), count: count))
        }
    }
}
