/// A categorical column of a one-hot encoding: its levels, sorted, and how they become columns.
///
/// Treatment (dummy) coding, patsy's default: the first level in sorted order is the reference
/// and gets no column; every other level gets a column named `name[T.level]`, 1 in the rows
/// holding that level and 0 elsewhere, its coefficient the difference from the reference. A model
/// without an intercept codes its first categorical column in full instead (a column
/// `name[level]` per level, as patsy does for `y ~ 0 + C(city)`), so that the design keeps the
/// same span.
///
/// ```swift
/// let city = CategoricalColumn(name: "city", levels: ["Berlin", "Paris", "Seoul"])
/// city.reference      // "Berlin"
/// city.columnNames    // ["city[T.Paris]", "city[T.Seoul]"]
/// ```
public struct CategoricalColumn: Codable, Equatable, Hashable, Sendable {
    /// The column's name in the file.
    public let name: String
    /// Its levels, sorted as ``CategoricalColumn/sorted(_:)`` sorts them; empty for a hashed column.
    public let levels: [String]
    /// Whether the reference level is dropped (treatment coding); false for full coding.
    public let dropsReference: Bool

    /// A column with `levels` (in the order given: pass them sorted); `dropsReference` false
    /// codes every level.
    public init(name: String, levels: [String], dropsReference: Bool = true) {
        self.name = name
        self.levels = levels
        self.dropsReference = dropsReference
    }

    /// The level that gets no column (its rows are all zeros), nil under full coding.
    public var reference: String? { dropsReference ? levels.first : nil }

    /// The design columns it becomes, named as patsy names them.
    public var columnNames: [String] {
        dropsReference ? levels.dropFirst().map { "\(name)[T.\($0)]" } : levels.map { "\(name)[\($0)]" }
    }

    /// The design column of level `index` relative to the column's first, or nil for the reference.
    @inline(__always)
    func offset(ofLevel index: Int) -> Int? {
        dropsReference ? (index == 0 ? nil : index - 1) : index
    }

    /// Levels in patsy's order: when every level is a decimal number (a column pandas reads as
    /// numbers), by value; otherwise by Unicode code point, as Python sorts strings (UTF-8 byte
    /// order is code point order). Ties of value (`2` and `2.0`) go by their text.
    ///
    /// ```swift
    /// CategoricalColumn.sorted(["b", "B", "a", "Ä"])   // ["B", "a", "b", "Ä"]
    /// CategoricalColumn.sorted(["10", "9", "2.5"])      // ["2.5", "9", "10"]
    /// ```
    public static func sorted(_ levels: [String]) -> [String] {
        CategoricalLevels.sorted(levels.map { Array($0.utf8) }).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Sorting levels given as UTF-8 bytes (see ``CategoricalColumn/sorted(_:)``).
enum CategoricalLevels {
    static func sorted(_ levels: [[UInt8]]) -> [[UInt8]] {
        var numbers: [Double] = []
        numbers.reserveCapacity(levels.count)
        for level in levels {
            guard case let .value(value) = level.withUnsafeBufferPointer({ NumberParser.parse($0) }) else {
                return levels.sorted { $0.lexicographicallyPrecedes($1) }
            }
            numbers.append(value)
        }
        return zip(numbers, levels).sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1.lexicographicallyPrecedes($1.1) }.map(\.1)
    }
}
