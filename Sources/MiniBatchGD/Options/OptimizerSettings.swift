/// The update rule and its constants as the tool's options give them (`--optimizer`,
/// `--momentum`, `--nesterov`, `--beta1`, `--beta2`, `--epsilon`, `--alpha`, `--weight-decay`),
/// each constant's default the library's: shared by `mbgd fit`, `mbgd sweep` and the C
/// interface's JSON configuration, so that all of them check and say the same.
package struct OptimizerSettings: Sendable {
    package var optimizer: Optimizer.Kind?
    package var momentum: Double?
    package var nesterov = false
    package var beta1 = Optimizer.defaultBeta1
    package var beta2 = Optimizer.defaultBeta2
    package var epsilon: Double?
    package var alpha = Optimizer.defaultAlpha
    package var weightDecay = Optimizer.defaultWeightDecay

    /// Every option at its default.
    package init() {}

    /// Refuses contradictory options, and constants out of range, those of rules not chosen
    /// included (a typo should not wait for another run).
    package func validate(_ spell: OptionSpelling) throws {
        if let optimizer, momentum != nil, optimizer != .momentum, optimizer != .nesterov {
            throw OptionError(
                "\(spell("--momentum")) applies to \(spell("--optimizer")) \(Optimizer.Kind.momentum.rawValue) or \(Optimizer.Kind.nesterov.rawValue), not \(optimizer.rawValue)"
            )
        }
        if nesterov, let optimizer, optimizer != .nesterov {
            throw OptionError("\(spell("--nesterov")) contradicts \(spell("--optimizer")) \(optimizer.rawValue)")
        }
        try spell.validating {
            for rule in [
                value, .adamW(beta1: beta1, beta2: beta2, epsilon: epsilon ?? Optimizer.defaultEpsilon, weightDecay: weightDecay),
                .rmsprop(alpha: alpha, epsilon: epsilon ?? Optimizer.defaultEpsilon), .momentum(momentum),
            ] {
                try rule.validate()
            }
        }
    }

    /// The rule asked for: `momentum` alone means heavy-ball momentum, nothing the library's default.
    package var value: Optimizer {
        let kind = optimizer ?? (nesterov ? .nesterov : momentum != nil ? .momentum : GradientDescent().optimizer.kind)
        switch kind {
        case .sgd: return .sgd
        case .momentum: return .momentum(momentum)
        case .nesterov: return .nesterov(momentum)
        case .adam: return .adam(beta1: beta1, beta2: beta2, epsilon: epsilon ?? Optimizer.defaultEpsilon)
        case .adamW: return .adamW(beta1: beta1, beta2: beta2, epsilon: epsilon ?? Optimizer.defaultEpsilon, weightDecay: weightDecay)
        case .adagrad: return .adagrad(epsilon: epsilon ?? Optimizer.defaultAdagradEpsilon)
        case .rmsprop: return .rmsprop(alpha: alpha, epsilon: epsilon ?? Optimizer.defaultEpsilon)
        }
    }
}
