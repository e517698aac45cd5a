import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a run of CSV lines held: how many rows were written, where the data began, and where a
/// run of blank lines at its end began (blank lines are allowed only after the last row).
struct CSVRunOutcome {
    var rows = 0
    /// Lines read so far, blank ones included (the next run's first line follows them).
    var lines = 0
    var firstDataLine: Int?
    var trailingBlankLine: Int?
    /// The error that stopped a run parsed apart from the others (mapped files).
    var error: Error?
}

/// Parses lines of numbers into row-major feature and target storage.
enum CSVLines {
    /// Parses the lines in `bytes[0 ..< count]` (each ended by `\n`, the last one possibly not),
    /// the first numbered `firstLine`, writing row `outcome.rows + r` at `features + (…) × p` and
    /// `targets + (…) × k`, and the cells of text columns to `levels`, as its row `outcome.rows + r`.
    /// `outcome` carries on from the previous run of the same stream.
    /// - Throws: ``FileError`` naming the line and column of the first bad cell.
    static func parse(
        _ bytes: UnsafePointer<UInt8>, count: Int, firstLine: Int, plan: CSVColumnPlan,
        features: UnsafeMutablePointer<Double>?, targets: UnsafeMutablePointer<Double>?, levels: CSVLevels? = nil,
        path: String, outcome: inout CSVRunOutcome
    ) throws {
        let p = plan.featureNames.count, k = plan.targetNames.count
        try plan.slots.withUnsafeBufferPointer { slots in
            var lineStart = 0, lineNumber = firstLine
            while lineStart < count {
                let newline =
                    memchr(bytes + lineStart, 0x0A, count - lineStart)
                    .map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - bytes } ?? count
                var lineEnd = newline
                if lineEnd > lineStart, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                defer {
                    lineStart = newline + 1
                    lineNumber += 1
                    outcome.lines += 1
                }
                var blank = true
                for position in lineStart..<lineEnd where bytes[position] != 0x20 && bytes[position] != 0x09 {
                    blank = false
                    break
                }
                if blank {
                    if outcome.trailingBlankLine == nil { outcome.trailingBlankLine = lineNumber }
                    continue
                }
                if let blankLine = outcome.trailingBlankLine {
                    throw FileError.raggedRow(path: path, line: blankLine, expected: slots.count, actual: 0)
                }
                if outcome.firstDataLine == nil { outcome.firstDataLine = lineNumber }
                try parseRow(
                    bytes, from: lineStart, to: lineEnd, slots: slots,
                    features: features.map { $0 + outcome.rows * p }, targets: targets.map { $0 + outcome.rows * k },
                    levels: levels, row: outcome.rows, line: lineNumber, path: path)
                outcome.rows += 1
            }
        }
    }

    @inline(__always)
    private static func parseRow(
        _ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int, slots: UnsafeBufferPointer<Int>,
        features: UnsafeMutablePointer<Double>?, targets: UnsafeMutablePointer<Double>?, levels: CSVLevels?, row: Int,
        line: Int, path: String
    ) throws {
        let columns = slots.count
        var column = 0, cellStart = start
        while true {
            if column == columns {
                var extra = 1
                for position in cellStart..<end where bytes[position] == 0x2C { extra += 1 }
                throw FileError.raggedRow(path: path, line: line, expected: columns, actual: columns + extra)
            }
            let slot = slots[column]
            // The common cell, a bare number followed by a comma or the line end, is read in one scan.
            if slot != CSVColumnPlan.skipped, slot < CSVColumnPlan.textBase,
                let (value, next) = NumberParser.plainPrefix(bytes, from: cellStart, to: end),
                next == end || bytes[next] == 0x2C
            {
                if slot >= 0 { features![slot] = value } else { targets![-(slot + 2)] = value }
                column += 1
                if next == end { break }
                cellStart = next + 1
                continue
            }
            let cellEnd = try CSVCells.cellEnd(bytes, from: cellStart, to: end, path: path, line: line, column: column + 1)
            if slot >= CSVColumnPlan.textBase {
                try levels!.add(
                    UnsafeBufferPointer(start: bytes + cellStart, count: cellEnd - cellStart), column: slot - CSVColumnPlan.textBase,
                    row: row, line: line, fileColumn: column + 1)
            } else if slot != CSVColumnPlan.skipped {
                let cell = UnsafeBufferPointer(start: bytes + cellStart, count: cellEnd - cellStart)
                switch NumberParser.parse(cell) {
                case let .value(value):
                    if slot >= 0 { features![slot] = value } else { targets![-(slot + 2)] = value }
                case .notANumber:
                    throw FileError.notANumber(path: path, line: line, column: column + 1, text: trimmedText(cell))
                case .nonFinite:
                    throw FileError.nonFinite(path: path, line: line, column: column + 1, text: trimmedText(cell))
                }
            }
            column += 1
            if cellEnd == end { break }
            cellStart = cellEnd + 1
        }
        guard column == columns else {
            throw FileError.raggedRow(path: path, line: line, expected: columns, actual: column)
        }
    }

    private static func trimmedText(_ cell: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: cell, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }

    /// The number of lines in `bytes[0 ..< count]`: its newlines, plus one for a last line
    /// without a newline when `isEnd`.
    static func lineCount(_ bytes: UnsafePointer<UInt8>, count: Int, isEnd: Bool) -> Int {
        var lines = 0, position = 0
        while position < count, let found = memchr(bytes + position, 0x0A, count - position) {
            lines += 1
            position = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - bytes + 1
        }
        if isEnd, position < count { lines += 1 }
        return lines
    }
}
