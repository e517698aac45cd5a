/// What a descent's gap to its exact solution says about the run: the classification behind
/// `mbgd fit`'s verdict line and the C interface's `mbgd_comparison.verdict`.
package enum Verdict: Int, Sendable {
    /// Within ``convergedGap`` of the exact solution, and the stop rule confirmed it (or no stop
    /// rule was asked for).
    case converged = 0
    /// Within ``convergedGap``, but a run that could have stopped early ran out of epochs first.
    case closeNotCertified = 1
    /// Farther than ``convergedGap`` from the exact solution.
    case notConverged = 2

    /// The relative parameter gap under which a run counts as converged.
    package static let convergedGap = 1e-2

    /// The verdict of a run whose parameters are `gap` (relative) from the exact solution.
    package init(gap: Double, run: TrainingRun) {
        if gap <= Self.convergedGap {
            self = run.history.stopReason == .maximumEpochs && Self.couldStopEarly(run) ? .closeNotCertified : .converged
        } else {
            self = .notConverged
        }
    }

    /// Whether the run had a stop rule that could have ended it before its epoch budget.
    package static func couldStopEarly(_ run: TrainingRun) -> Bool {
        guard let stopping = run.configuration.earlyStopping else { return false }
        return (stopping.parameterTolerance ?? 0) > 0 || stopping.tolerance > 0
    }
}
