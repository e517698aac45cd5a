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
        help:
            "Adam/AdamW/RMSprop ε (AdaGrad: \(ArgumentNames.constant(Optimizer.defaultAdagradEpsilon)) unless given); in mbgd fit with --loss epsilon-insensitive or squared-epsilon-insensitive, the tube's half-width instead (default 0.1)."
    )
    var epsilon: Double?
    @Option(parsing: .unconditional, help: "RMSprop smoothing constant α.") var alpha = Optimizer.defaultAlpha
    @Option(parsing: .unconditional, help: "AdamW decoupled weight decay λ (never on the intercept).")
    var weightDecay = Optimizer.defaultWeightDecay

    /// The options as the library's shared settings, which check and build the rule.
    var settings: OptimizerSettings {
        var settings = OptimizerSettings()
        settings.optimizer = optimizer
        settings.momentum = momentum
        settings.nesterov = nesterov
        (settings.beta1, settings.beta2, settings.epsilon) = (beta1, beta2, epsilon)
        (settings.alpha, settings.weightDecay) = (alpha, weightDecay)
        return settings
    }

    /// Everything but `--epsilon`, which in `mbgd fit` may be a loss's tube instead: each command
    /// checks it as the rules' ε where it is one (``validateEpsilon()``).
    func validate() throws {
        var others = settings
        others.epsilon = nil
        do { try others.validate(.commandLine) } catch let error as OptionError { throw ValidationError(error.message) }
    }

    /// `--epsilon` as the adaptive rules' ε.
    func validateEpsilon() throws {
        do { try settings.validate(.commandLine) } catch let error as OptionError { throw ValidationError(error.message) }
    }

    /// The rule asked for: `--momentum` alone means heavy-ball momentum, nothing the library's default.
    var value: Optimizer { settings.value }
}

/// `--learning-rate auto|X`, shared by `fit` and `sweep`.
func parseLearningRate(_ text: String) throws -> LearningRate {
    do { return try DescentSettings.learningRate(text, .commandLine) } catch let error as OptionError {
        throw ValidationError(error.message)
    }
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
