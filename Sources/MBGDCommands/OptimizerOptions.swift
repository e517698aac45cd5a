import ArgumentParser
import Foundation
import MiniBatchGD

/// The update rule and its constants, shared by `fit` and `sweep`: the rules the library names
/// (``Optimizer/Kind``), each constant's default the library's.
struct OptimizerOptions: ParsableArguments {
    @Option(help: "Update rule: \(ArgumentNames.list(Optimizer.Kind.self)).") var optimizer: Optimizer.Kind?
    @Option(
        parsing: .unconditional,
        help:
            "Momentum coefficient in [0, 1) for \(Optimizer.Kind.momentum.rawValue) and \(Optimizer.Kind.nesterov.rawValue) (default: optimal for full batches, else \(Optimizer.defaultMomentum))."
    )
    var momentum: Double?
    @Flag(help: "Shorthand for --optimizer \(Optimizer.Kind.nesterov.rawValue).") var nesterov = false
    @Option(parsing: .unconditional, help: "Adam/AdamW β₁.") var beta1 = Optimizer.defaultBeta1
    @Option(parsing: .unconditional, help: "Adam/AdamW β₂.") var beta2 = Optimizer.defaultBeta2
    @Option(
        parsing: .unconditional,
        help: "Adam/AdamW/RMSprop ε (AdaGrad: \(ArgumentNames.constant(Optimizer.defaultAdagradEpsilon)) unless given).")
    var epsilon: Double?
    @Option(parsing: .unconditional, help: "RMSprop smoothing constant α.") var alpha = Optimizer.defaultAlpha
    @Option(parsing: .unconditional, help: "AdamW decoupled weight decay λ (never on the intercept).")
    var weightDecay = Optimizer.defaultWeightDecay

    func validate() throws {
        if let optimizer, momentum != nil, optimizer != .momentum, optimizer != .nesterov {
            throw ValidationError(
                "--momentum applies to --optimizer \(Optimizer.Kind.momentum.rawValue) or \(Optimizer.Kind.nesterov.rawValue), not \(optimizer.rawValue)"
            )
        }
        if nesterov, let optimizer, optimizer != .nesterov {
            throw ValidationError("--nesterov contradicts --optimizer \(optimizer.rawValue)")
        }
        // Constants of rules not chosen are checked too: a typo should not wait for another run.
        try validatingArguments {
            for rule in [
                value, .adamW(beta1: beta1, beta2: beta2, epsilon: epsilon ?? Optimizer.defaultEpsilon, weightDecay: weightDecay),
                .rmsprop(alpha: alpha, epsilon: epsilon ?? Optimizer.defaultEpsilon), .momentum(momentum),
            ] {
                try rule.validate()
            }
        }
    }

    /// The rule asked for: `--momentum` alone means heavy-ball momentum, nothing the library's default.
    var value: Optimizer {
        let kind = optimizer ?? (nesterov ? .nesterov : momentum != nil ? .momentum : ArgumentNames.defaults.optimizer.kind)
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

/// `--learning-rate auto|X`, shared by `fit` and `sweep`.
func parseLearningRate(_ text: String) throws -> LearningRate {
    if text == LearningRate.automatic.description { return .automatic }
    guard let rate = Double(text), rate.isFinite, rate > 0 else {
        throw ValidationError("--learning-rate must be '\(LearningRate.automatic)' or a positive number, got '\(text)'")
    }
    return .fixed(rate)
}

/// `--batch-sizes 1,8,full`, shared by `bench` and `sweep`.
func parseBatchSizes(_ text: String) throws -> [BatchSize] {
    let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    guard !items.allSatisfy(\.isEmpty) else { throw ValidationError("--batch-sizes must name at least one batch size") }
    return try items.map { item in
        guard let size = parseBatchSize(item) else {
            throw ValidationError("--batch-sizes: '\(item)' is not a positive integer or '\(BatchSize.full)'")
        }
        return size
    }
}
