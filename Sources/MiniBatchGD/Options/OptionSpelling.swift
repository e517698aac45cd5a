/// How a configuration's option names are written where a user gives them: `--batch-size` on
/// the command line, `batchSize` in the C interface's JSON. Messages name options through it,
/// so the tool and the JSON configuration say the same thing in their own words.
package enum OptionSpelling: Sendable {
    /// `--batch-size`, as `mbgd` takes it.
    case commandLine
    /// `batchSize`: the flag's words in lower camel case, as the JSON configuration takes it.
    case json

    /// `flag` (written `--batch-size`) as this spelling writes it; a name that is not a flag
    /// (a library argument no option sets) is kept as it is.
    package func callAsFunction(_ flag: String) -> String {
        guard self == .json, flag.hasPrefix("--") else { return flag }
        let words = flag.dropFirst(2).split(separator: "-")
        return words.enumerated().map { index, word in index == 0 ? String(word) : word.prefix(1).uppercased() + word.dropFirst() }
            .joined()
    }

    /// The library's argument names (``ArgumentError/argument``) as the tool's options spell them.
    package static let flags: [String: String] = [
        "batchSize": "--batch-size", "batchSizes": "--batch-sizes", "epochs": "--epochs", "maxEpochs": "--max-epochs",
        "learningRate": "--learning-rate", "l2Penalty": "--l2", "ridge": "--l2", "warmupSteps": "--warmup",
        "shuffle.rows": "--shuffle-blocks", "gap": "--gap", "testFraction": "--test-fraction",
        "earlyStopping.tolerance": "--tolerance", "earlyStopping.parameterTolerance": "--tolerance",
        "earlyStopping.patience": "--patience", "earlyStopping.validationFraction": "--validation-fraction",
        "schedule.power": "--decay-power", "schedule.factor": "--decay-factor", "schedule.every": "--decay-every",
        "optimizer.momentum": "--momentum", "optimizer.beta1": "--beta1", "optimizer.beta2": "--beta2",
        "optimizer.epsilon": "--epsilon", "optimizer.alpha": "--alpha", "optimizer.weightDecay": "--weight-decay",
        "targets": "--target", "features": "--features", "rows": "--rows", "outputs": "--outputs", "recordsBatchCosts": "--plot",
        "weights": "--weights", "confidenceLevel": "--confidence", "threads": "--threads", "optimizer": "--optimizer",
        "categorical": "--categorical", "density": "--density", "l2": "--l2",
        "penalty.alpha": "--l1", "penalty.l1Ratio": "--l1-ratio", "loss.delta": "--delta", "checkpointing": "--checkpoint",
        "checkpointing.path": "--checkpoint",
        "checkpointing.interval": "--checkpoint-every", "alphas": "--alphas", "l1Ratio": "--l1-ratio",
        "epochCost": "--epoch-cost",
    ]

    /// The library's error with the option's name in place of the library's.
    package func message(_ error: ArgumentError) -> String {
        "\(self(Self.flags[error.argument] ?? error.argument)) = \(error.value) is invalid: \(error.requirement)"
    }
}

/// An option, or a combination of options, that a configuration cannot take, said in the words
/// of where it was given (``OptionSpelling``).
package struct OptionError: MiniBatchGDError, Equatable, Sendable {
    /// What is wrong, naming the options.
    package let message: String

    /// An error saying `message`.
    package init(_ message: String) { self.message = message }

    /// ``ErrorKind/argument``.
    package var kind: ErrorKind { .argument }

    /// The message.
    package var description: String { message }
}

extension OptionSpelling {
    /// Runs the library's own validation: its ``ArgumentError``s become ``OptionError``s naming
    /// the options in this spelling.
    package func validating(_ body: () throws -> Void) throws {
        do { try body() } catch let error as ArgumentError { throw OptionError(message(error)) }
    }
}

extension OptionSpelling {
    /// The most threads a count given to OpenBLAS may ask for: it would try to start every one.
    package static let threadLimit = 1024

    /// Refuses a thread count OpenBLAS cannot take (it would hang or fail at an absurd count).
    package func validateThreads(_ threads: Int?) throws {
        if let threads, !(1...Self.threadLimit).contains(threads) {
            throw OptionError("\(self("--threads")) must lie between 1 and \(Self.threadLimit), got \(threads)")
        }
    }
}
