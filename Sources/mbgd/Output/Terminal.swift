import MiniBatchGD

/// Everything the tool prints goes through here, so names and cells read from files reach the
/// terminal as visible text: control characters other than the line and tab breaks the tool
/// itself lays out are written as `\u{…}` (an ESC in a CSV header must not recolour or clear the
/// screen). Shadows `Swift.print` for the whole module on purpose: no output path can forget it.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator)
    Swift.print(Terminal.clean(text), terminator: terminator)
}

enum Terminal {
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
