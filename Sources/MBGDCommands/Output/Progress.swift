import Foundation
import MiniBatchGD

/// One updating line of progress on stderr, shown only when stderr is a terminal.
struct Progress {
    let enabled: Bool

    init(quiet: Bool) {
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// The callback for `fit(_:using:progress:)`, or nil when progress is off.
    var callback: (@Sendable (EpochReport) -> Void)? {
        guard enabled else { return nil }
        return { report in
            var line = "\repoch \(report.epoch)/\(report.epochs)  cost \(Format.number(report.cost, digits: 6))"
            if let validation = report.validationCost { line += "  validation \(Format.number(validation, digits: 6))" }
            line += "  \(Format.rate(report.samplesPerSecond)) samples/s   "
            Terminal.writeError(line)
        }
    }

    func finish() {
        if enabled { Terminal.writeError("\n") }
    }
}
