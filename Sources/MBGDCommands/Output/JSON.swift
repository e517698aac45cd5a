import Foundation

/// A JSON value with object keys in the order they were written, so `--json` output reads in
/// a sensible order and is stable. Non-finite numbers are written as `null` (JSON has no NaN
/// or infinity; an infinite condition number, say, comes out as null).
enum JSON {
    case number(Double)
    case integer(Int)
    case string(String)
    case bool(Bool)
    case null
    case array([JSON])
    case object([(String, JSON)])

    static func numbers(_ values: [Double]) -> JSON { .array(values.map(JSON.number)) }
    static func strings(_ values: [String]) -> JSON { .array(values.map(JSON.string)) }
    static func optional(_ value: Double?) -> JSON { value.map(JSON.number) ?? .null }

    var text: String {
        var output = ""
        write(into: &output)
        return output
    }

    private func write(into output: inout String) {
        switch self {
        case let .number(value):
            if value.isFinite {
                output += "\(value)"  // shortest round-trip form; "1e-05" and "1e+16" are valid JSON
            } else {
                output += "null"
            }
        case let .integer(value): output += String(value)
        case let .string(value): output += JSON.quote(value)
        case let .bool(value): output += value ? "true" : "false"
        case .null: output += "null"
        case let .array(values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += ", " }
                value.write(into: &output)
            }
            output += "]"
        case let .object(members):
            output += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { output += ", " }
                output += JSON.quote(key) + ": "
                value.write(into: &output)
            }
            output += "}"
        }
    }

    private static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            // Other controls, C1 included, and bidirectional overrides: escaped, not raw, so that
            // JSON shown in a terminal cannot drive it.
            case let c
            where c.value < 0x20 || (0x7F...0x9F).contains(c.value) || (0x202A...0x202E).contains(c.value)
                || (0x2066...0x2069).contains(c.value):
                result += String(format: "\\u%04x", c.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
