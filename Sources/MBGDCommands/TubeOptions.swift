import ArgumentParser

/// `mbgd solve`'s `--epsilon`: the tube's half-width of the epsilon-insensitive losses (`fit`
/// shares the optimizer's `--epsilon` instead, which means the tube there when the loss has one).
struct TubeOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "The tube's half-width ε ≥ 0 of --loss epsilon-insensitive and squared-epsilon-insensitive, in the target's units (default: 0.1, as scikit-learn's SGDRegressor).",
            valueName: "E"))
    var epsilon: Double?
}
