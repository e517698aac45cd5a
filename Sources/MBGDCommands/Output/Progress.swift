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

/// One line of stderr naming the phase under way ("loading houses.csv (12.3 MB)…"), replaced by
/// the next phase and erased when the work ends: a long load or solve never looks hung. Shown only
/// when stderr is a terminal and the output is not `--json`.
struct Status {
    let enabled: Bool

    init(quiet: Bool) {
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// Replaces the line with `text…`.
    func show(_ text: String) {
        if enabled { Terminal.writeError("\r\u{1B}[K" + Terminal.clean(text) + "…") }
    }

    /// Erases the line.
    func clear() {
        if enabled { Terminal.writeError("\r\u{1B}[K") }
    }

    /// `body` with `text…` shown while it runs.
    func during<Result>(_ text: String, _ body: () throws -> Result) rethrows -> Result {
        show(text)
        defer { clear() }
        return try body()
    }

    /// "loading data.csv (12.3 MB)", or without the size when it cannot be read (a pipe).
    static func loading(_ path: String) -> String {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        let described = size.map {
            $0 < 1_000_000 ? "\(Format.number(Double($0) / 1e3, digits: 3)) kB" : "\(Format.number(Double($0) / 1e6, digits: 3)) MB"
        }
        return "loading \(path)" + (described.map { " (\($0))" } ?? "")
    }
}
