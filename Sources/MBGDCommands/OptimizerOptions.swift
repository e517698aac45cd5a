import ArgumentParser
import Foundation
import MiniBatchGD

/// The update rule and its constants, shared by `fit` and `sweep`.
struct OptimizerOptions: ParsableArguments {
    @Option(help: "Update rule: sgd, momentum, nesterov, adam, adamw, adagrad or rmsprop.") var optimizer: OptimizerName?
    @Option(
        parsing: .unconditional,
        help: "Momentum coefficient in [0, 1) for momentum and nesterov (default: optimal for full batches, else 0.9).")
    var momentum: Double?
    @Flag(help: "Shorthand for --optimizer nesterov.") var nesterov = false
    @Option(parsing: .unconditional, help: "Adam/AdamW β₁.") var beta1 = 0.9
    @Option(parsing: .unconditional, help: "Adam/AdamW β₂.") var beta2 = 0.999
    @Option(parsing: .unconditional, help: "Adam/AdamW/RMSprop ε (AdaGrad: 1e-10 unless given).") var epsilon: Double?
    @Option(parsing: .unconditional, help: "RMSprop smoothing constant α.") var alpha = 0.99
    @Option(parsing: .unconditional, help: "AdamW decoupled weight decay λ (never on the intercept).") var weightDecay = 0.01

    enum OptimizerName: String, ExpressibleByArgument, CaseIterable {
        case sgd, momentum, nesterov, adam, adamw, adagrad, rmsprop
    }

    func validate() throws {
        if let optimizer, momentum != nil, optimizer != .momentum, optimizer != .nesterov {
            throw ValidationError("--momentum applies to --optimizer momentum or nesterov, not \(optimizer.rawValue)")
        }
        if nesterov, let optimizer, optimizer != .nesterov {
            throw ValidationError("--nesterov contradicts --optimizer \(optimizer.rawValue)")
        }
        // Constants of rules not chosen are checked too: a typo should not wait for another run.
        try validatingArguments {
            for rule in [
                value, .adamW(beta1: beta1, beta2: beta2, epsilon: epsilon ?? 1e-8, weightDecay: weightDecay),
                .rmsprop(alpha: alpha, epsilon: epsilon ?? 1e-8), .momentum(momentum),
            ] {
                try rule.validate()
            }
        }
    }

    /// The rule asked for: `--momentum` alone means heavy-ball momentum.
    var value: Optimizer {
        let name = optimizer ?? (nesterov ? .nesterov : momentum != nil ? .momentum : .sgd)
        switch name {
        case .sgd: return .sgd
        case .momentum: return .momentum(momentum)
        case .nesterov: return .nesterov(momentum)
        case .adam: return .adam(beta1: beta1, beta2: beta2, epsilon: epsilon ?? 1e-8)
        case .adamw: return .adamW(beta1: beta1, beta2: beta2, epsilon: epsilon ?? 1e-8, weightDecay: weightDecay)
        case .adagrad: return .adagrad(epsilon: epsilon ?? 1e-10)
        case .rmsprop: return .rmsprop(alpha: alpha, epsilon: epsilon ?? 1e-8)
        }
    }
}

/// `--learning-rate auto|X`, shared by `fit` and `sweep`.
func parseLearningRate(_ text: String) throws -> LearningRate {
    if text == "auto" { return .automatic }
    guard let rate = Double(text), rate.isFinite, rate > 0 else {
        throw ValidationError("--learning-rate must be 'auto' or a positive number, got '\(text)'")
    }
    return .fixed(rate)
}

/// `--batch-sizes 1,8,full`, shared by `bench` and `sweep`.
func parseBatchSizes(_ text: String) throws -> [BatchSize] {
    let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    guard !items.allSatisfy(\.isEmpty) else { throw ValidationError("--batch-sizes must name at least one batch size") }
    return try items.map { item in
        if item == "full" { return .full }
        guard let size = Int(item), size >= 1 else { throw ValidationError("--batch-sizes: '\(item)' is not a positive integer or 'full'") }
        return .rows(size)
    }
}
