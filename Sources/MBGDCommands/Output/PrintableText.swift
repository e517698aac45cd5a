/// Text from files made safe to print: control characters (C0, DEL, C1), bidirectional marks
/// and overrides, and line separators written as `\u{…}`, so that a name or a cell can never drive a terminal.
enum PrintableText {
    /// `text` with every unsafe scalar escaped, except those in `kept` (e.g. the line breaks a
    /// report lays out itself).
    static func escaping(_ text: String, keeping kept: Set<Unicode.Scalar> = []) -> String {
        func unsafe(_ scalar: Unicode.Scalar) -> Bool {
            guard !kept.contains(scalar) else { return false }
            let value = scalar.value
            // C0, DEL, C1; the directional marks and overrides (LRM, RLM, ALM, LRE…RLO,
            // LRI…PDI), which reorder what a terminal shows; the line and paragraph separators.
            return value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x061C || (0x200E...0x200F).contains(value)
                || (0x2028...0x202E).contains(value) || (0x2066...0x2069).contains(value)
        }
        guard text.unicodeScalars.contains(where: unsafe) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if unsafe(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
