import Foundation
import MiniBatchGD
import Synchronization

/// Everything the tool prints goes through here, so names and cells read from files reach the
/// terminal as visible text: control characters other than the line and tab breaks the tool
/// itself lays out are written as `\u{…}` (an ESC in a CSV header must not recolour or clear the
/// screen). Shadows `Swift.print` for the whole module on purpose: no output path can forget it.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator)
    Terminal.write(Terminal.clean(text) + terminator)
}

enum Terminal {
    private static let failure = Mutex<String?>(nil)

    /// Why writing to stdout failed, if it did (checked before the command reports success).
    static var writeFailure: String? { failure.withLock { $0 } }

    /// Writes unbuffered to stdout, so that every failure is seen where it happens (stdio would
    /// keep a full disk's error in its buffer until exit).
    static func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Foundation.write(STDOUT_FILENO, $0.baseAddress!, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                failure.withLock { if $0 == nil { $0 = reason } }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Writes `text` to stderr, unbuffered, ignoring failure: there is nowhere left to report
    /// it, and Foundation's `FileHandle.write` traps on an error (a `2> log` past `ulimit -f`).
    static func writeError(_ text: String, to descriptor: Int32 = STDERR_FILENO) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress!, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// `text` with unsafe control characters escaped; `\n` and `\t` kept.
    static func clean(_ text: String) -> String { PrintableText.escaping(text, keeping: ["\n", "\t"]) }

    /// A CSV cell as RFC 4180 wants it: control characters (line breaks included) escaped first,
    /// then quoted when it holds a comma or a quote, with inner quotes doubled.
    static func csvCell(_ text: String) -> String {
        let visible = PrintableText.escaping(text)
        guard visible.contains(where: { $0 == "," || $0 == "\"" }) else { return visible }
        return "\"" + visible.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
