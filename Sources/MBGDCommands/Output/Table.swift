import Foundation

/// Plain-text tables with aligned columns: first column left-aligned, the rest right-aligned.
struct Table {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: [String]) { self.header = header.map(Terminal.clean) }

    /// Cells are escaped here, before the widths are measured, so columns stay aligned.
    mutating func add(_ row: [String]) { rows.append(row.map(Terminal.clean)) }

    func render(indent: String = "  ") -> String {
        let all = [header] + rows
        let widths = (0..<header.count).map { column in all.map { $0.count > column ? $0[column].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            indent
                + cells.enumerated().map { index, cell in
                    let pad = String(repeating: " ", count: widths[index] - cell.count)
                    return index == 0 ? cell + pad : pad + cell
                }.joined(separator: "   ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}

/// Number formatting shared by the human-readable output.
enum Format {
    /// Seven significant digits, without exponent where it reads naturally.
    static func number(_ value: Double, digits: Int = 7) -> String {
        guard value.isFinite else { return value.isNaN ? "n/a" : (value > 0 ? "inf" : "-inf") }
        return String(format: "%.\(digits)g", value)
    }

    static func optional(_ value: Double?) -> String { value.map { number($0) } ?? "n/a" }

    /// A count with its noun, singular for one: "1 feature", "33 features".
    static func count(_ value: Int, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }

    /// Rates like samples per second: "1.23e+07".
    static func rate(_ value: Double) -> String { String(format: "%.3g", value) }
}
