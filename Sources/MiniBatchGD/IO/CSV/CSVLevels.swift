/// The text cells of a CSV's categorical columns, as numbers: each column's distinct values
/// numbered as met (one ``LevelTable`` per column) and each row's numbers. One per chunk of lines
/// parsed in parallel; ``merged(_:rows:path:)`` then sorts the levels of all chunks together, so
/// that the result is the same whatever the chunks (and the thread count).
final class CSVLevels {
    /// The text columns' names.
    let names: [String]
    private(set) var tables: [LevelTable]
    /// Row-major rows × columns, each a number of its column's table (−1 before it is set).
    private(set) var codes: [Int32] = []
    /// A quoted cell without its quotes, `""` made `"`.
    private var unquoted: [UInt8] = []
    private let path: String

    init(names: [String], path: String) {
        self.names = names
        tables = Array(repeating: LevelTable(), count: names.count)
        self.path = path
    }

    /// Records cell `cell` (as written: blanks around it, quotes) of text column `column` in row
    /// `row` of this chunk (rows come in order), at `line` and 1-based `fileColumn` of the file.
    /// - Throws: ``EncodingError/missingLevel(path:line:column:name:)`` for an empty cell.
    func add(_ cell: UnsafeBufferPointer<UInt8>, column: Int, row: Int, line: Int, fileColumn: Int) throws {
        let width = names.count
        if codes.count < (row + 1) * width { codes.append(contentsOf: repeatElement(-1, count: width)) }
        var start = 0, end = cell.count
        while start < end, cell[start] == 0x20 || cell[start] == 0x09 { start += 1 }
        while end > start, cell[end - 1] == 0x20 || cell[end - 1] == 0x09 { end -= 1 }
        let number: Int32
        if end - start >= 2, cell[start] == 0x22 {
            // cellEnd has checked the quotes: the cell is "…" with "" for each quote inside.
            unquoted.removeAll(keepingCapacity: true)
            var position = start + 1
            while position < end - 1 {
                unquoted.append(cell[position])
                position += cell[position] == 0x22 ? 2 : 1
            }
            if unquoted.isEmpty { throw EncodingError.missingLevel(path: path, line: line, column: names[column]) }
            number = unquoted.withUnsafeBytes { tables[column].number(of: $0) }
        } else {
            if start == end { throw EncodingError.missingLevel(path: path, line: line, column: names[column]) }
            number = tables[column].number(of: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(cell)[start..<end]))
        }
        codes[row * width + column] = number
    }

    /// The levels of `parts` (chunks in file order, holding `rows[i]` rows each) sorted per
    /// column, and every row's level numbers in that order.
    /// - Throws: ``EncodingError/notUTF8(path:line:column:)`` for a level that is not UTF-8 text.
    static func merged(_ parts: [CSVLevels], rows: [Int], path: String) throws -> CSVTextColumns {
        let names = parts[0].names, width = names.count
        var levels: [[[UInt8]]] = []
        // renumber[part][column][local] = the level's place in the sorted list.
        var renumber = [[[Int32]]](repeating: [], count: parts.count)
        for column in 0..<width {
            var all: [[UInt8]: Int] = [:]
            for part in parts {
                for index in 0..<part.tables[column].count { all[part.tables[column].level(index), default: 0] += 1 }
            }
            let sorted = CategoricalLevels.sorted(Array(all.keys))
            var place = [[UInt8]: Int32](minimumCapacity: sorted.count)
            for (index, level) in sorted.enumerated() { place[level] = Int32(index) }
            for (p, part) in parts.enumerated() {
                renumber[p].append((0..<part.tables[column].count).map { place[part.tables[column].level($0)]! })
            }
            levels.append(sorted)
        }
        let total = rows.reduce(0, +)
        var codes = [Int32](repeating: 0, count: total * width)
        var row = 0
        for (p, part) in parts.enumerated() {
            for local in 0..<rows[p] {
                for column in 0..<width {
                    codes[(row + local) * width + column] = renumber[p][column][Int(part.codes[local * width + column])]
                }
            }
            row += rows[p]
        }
        let text = CSVTextColumns(names: names, levels: levels, codes: codes)
        for column in 0..<width {
            if let bad = levels[column].firstIndex(where: { String(validating: $0, as: UTF8.self) == nil }) {
                throw EncodingError.notUTF8(path: path, line: text.firstRow(column: column, level: bad)! + 2, column: names[column])
            }
        }
        return text
    }
}

/// The text columns of a CSV as read: each column's levels in sorted order, and each row's level.
struct CSVTextColumns {
    let names: [String]
    /// Per column, its distinct values (UTF-8 bytes), sorted as ``CategoricalLevels/sorted(_:)`` sorts.
    let levels: [[[UInt8]]]
    /// Row-major rows × columns: the place of each row's value in its column's `levels`.
    let codes: [Int32]

    /// The first row (0-based) holding `level` of `column`, if any.
    func firstRow(column: Int, level: Int) -> Int? {
        let width = names.count
        return stride(from: column, to: codes.count, by: width).first { codes[$0] == Int32(level) }.map { $0 / width }
    }
}
