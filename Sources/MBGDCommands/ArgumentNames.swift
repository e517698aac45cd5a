import ArgumentParser
import MiniBatchGD

/// The library validates every argument; the tool only spells its errors with option names.
enum ArgumentNames {
    /// Library argument names as the tool's options spell them.
    static let options: [String: String] = [
        "batchSize": "--batch-size", "batchSizes": "--batch-sizes", "epochs": "--epochs", "maxEpochs": "--max-epochs",
        "learningRate": "--learning-rate", "l2Penalty": "--l2", "ridge": "--l2", "warmupSteps": "--warmup",
        "shuffle.rows": "--shuffle-blocks", "gap": "--gap", "testFraction": "--test-fraction",
        "earlyStopping.tolerance": "--tolerance", "earlyStopping.parameterTolerance": "--tolerance",
        "earlyStopping.patience": "--patience", "earlyStopping.validationFraction": "--validation-fraction",
        "schedule.power": "--decay-power", "schedule.factor": "--decay-factor", "schedule.every": "--decay-every",
        "optimizer.momentum": "--momentum", "optimizer.beta1": "--beta1", "optimizer.beta2": "--beta2",
        "optimizer.epsilon": "--epsilon", "optimizer.alpha": "--alpha", "optimizer.weightDecay": "--weight-decay",
        "targets": "--target", "features": "--features", "rows": "--rows", "outputs": "--outputs", "recordsBatchCosts": "--plot",
        "weights": "--weights", "confidenceLevel": "--confidence", "threads": "--threads",
    ]

    /// The error's message with the option's name in place of the library's.
    static func message(_ error: ArgumentError) -> String {
        "\(options[error.argument] ?? error.argument) = \(error.value) is invalid: \(error.requirement)"
    }
}

/// Runs the library's own validation inside a command's `validate()`: its argument errors become
/// the tool's usage errors (exit status 2) before any data is read.
func validatingArguments(_ body: () throws -> Void) throws {
    do { try body() } catch let error as ArgumentError { throw ValidationError(ArgumentNames.message(error)) }
}
