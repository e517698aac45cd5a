import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a numeric CSV file into a ``Dataset``.
///
/// The format: a first line of column names; then one row per line of comma-separated decimal
/// numbers (surrounding blanks allowed, double quotes around a number allowed); `\n` or `\r\n`
/// line ends; blank lines only at the end; a UTF-8 byte-order mark is skipped; names may be
/// double-quoted. Every other column than the
/// targets is a feature, in file order.
///
/// The file is streamed in 1 MiB chunks and parsed straight into the feature and target
/// matrices, so its text is never held whole. Numbers are correctly rounded.
public enum CSVReader {
    /// The column names of the file's header.
    /// - Throws: ``FileError``.
    public static func header(path: String) throws -> [String] {
        var names: [String] = []
        try scan(path: path) { names = $0; return false } row: { _, _ in }
        return names
    }

    /// Every column of `path` as one matrix, with the header's names.
    /// - Throws: ``FileError`` as ``read(path:targets:)`` does.
    public static func readTable(path: String) throws -> (columnNames: [String], values: Matrix) {
        var names: [String] = []
        var values: [Double] = []
        var rows = 0
        try scan(path: path, header: { names = $0; return true }, row: { row, count in
            values.append(contentsOf: UnsafeBufferPointer(rebasing: row[0 ..< count]))
            rows += 1
        }, memoryLimit: nil)
        guard rows > 0 else { throw FileError.headerOnly(path: path) }
        return (names, try Matrix(rows: rows, columns: names.count, elements: values))
    }

    /// Reads `path`, taking the columns named in `targets` (the last column when empty) as targets.
    /// - Throws: ``FileError`` naming the file, and the line and column where that applies:
    ///   a missing or empty file, a header without rows, a cell that is not a finite number,
    ///   a row of the wrong length, an unknown target name.
    /// - Complexity: O(file size), one pass.
    public static func read(path: String, targets: [String] = []) throws -> Dataset {
        try read(path: path, targets: targets, memoryLimit: nil)
    }

    /// ``read(path:targets:)`` with an explicit memory budget in bytes (nil: what is available).
    static func read(path: String, targets: [String], memoryLimit: Int?) throws -> Dataset {
        if let twice = firstRepeated(targets) {
            throw DataError.invalidArgument(argument: "targets", value: "'\(twice)'", requirement: "names the same column twice")
        }
        var names: [String] = []
        var isTarget: [Bool] = []
        var features: [Double] = [], targetValues: [Double] = []
        var rows = 0
        try scan(path: path, header: { header in
            names = header
            let wanted = targets.isEmpty ? [header.last!] : targets
            for name in wanted where !header.contains(name) {
                throw FileError.unknownColumn(path: path, name: name, available: header)
            }
            isTarget = header.map { wanted.contains($0) }
            if !isTarget.contains(false) {
                throw FileError.badHeader(path: path, reason: "every column is a target; at least one feature column is needed")
            }
            return true
        }, row: { values, count in
            for c in 0 ..< count {
                if isTarget[c] { targetValues.append(values[c]) } else { features.append(values[c]) }
            }
            rows += 1
        }, memoryLimit: memoryLimit)
        guard rows > 0 else { throw FileError.headerOnly(path: path) }
        // Targets in the order asked for, not in file order.
        let targetNames = targets.isEmpty ? [names.last!] : targets
        let fileOrder = names.filter { targetNames.contains($0) }
        let k = targetNames.count
        var ordered = targetValues
        if fileOrder != targetNames {
            let position = targetNames.map { fileOrder.firstIndex(of: $0)! }
            for i in 0 ..< rows { for o in 0 ..< k { ordered[i * k + o] = targetValues[i * k + position[o]] } }
        }
        let featureNames = zip(names, isTarget).filter { !$0.1 }.map(\.0)
        // Every value was checked finite as it was parsed: no second pass.
        return Dataset(unchecked: Matrix(uncheckedRows: rows, columns: featureNames.count, elements: features),
                       Matrix(uncheckedRows: rows, columns: k, elements: ordered), featureNames, targetNames)
    }

    /// Streams the file: `header` receives the names (returning false stops), `row` each parsed
    /// row as a buffer of `count` values.
    /// After 1000 rows the memory a whole load needs is estimated from the file size and the
    /// mean line length so far (8 bytes per value, twice for array growth) and checked against
    /// `memoryLimit` (nil: what the machine has available).
    static func scan(path: String, header: ([String]) throws -> Bool,
                     row: (UnsafeBufferPointer<Double>, Int) throws -> Void, memoryLimit: Int? = nil) throws {
        let descriptor = try openForReading(path)
        defer { close(descriptor) }
        var status = stat()
        let fileSize = fstat(descriptor, &status) == 0 ? Int(status.st_size) : 0
        var bytesSeen = 0
        // Chunks of 1 MiB, or the whole file when it is smaller (grown if a line is longer).
        let chunk = Swift.min(1 << 20, Swift.max(4096, fileSize + 1))
        var buffer = [UInt8](repeating: 0, count: chunk)
        var filled = 0, lineNumber = 0, columns = 0, atStart = true, endOfFile = false
        var values: [Double] = []
        var pendingBlank: Int?
        var done = false
        while !endOfFile && !done {
            if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) } // a line longer than the buffer
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            guard count >= 0 else { throw FileError.unreadable(path: path, reason: String(cString: strerror(errno))) }
            if count == 0 { endOfFile = true } else { filled += count }
            if atStart, filled == 0, endOfFile { throw FileError.empty(path: path) }
            try buffer.withUnsafeBufferPointer { bytes in
                var lineStart = 0
                if atStart, filled >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { lineStart = 3 }
                atStart = false
                while !done {
                    var lineEnd = lineStart
                    while lineEnd < filled, bytes[lineEnd] != 0x0A { lineEnd += 1 }
                    if lineEnd == filled && !endOfFile { break }             // incomplete line: read more
                    if lineStart >= filled { break }
                    lineNumber += 1
                    var contentEnd = lineEnd
                    if contentEnd > lineStart, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                    let line = UnsafeBufferPointer(rebasing: bytes[lineStart ..< contentEnd])
                    bytesSeen += lineEnd + 1 - lineStart
                    lineStart = lineEnd + 1
                    if lineNumber == 1001, fileSize > 0 {
                        let estimatedRows = fileSize / Swift.max(1, bytesSeen / 1001)
                        try MemoryBudget.check(2 * 8 * estimatedRows * columns, path: path, limit: memoryLimit)
                    }
                    if lineNumber == 1 {
                        let names = try parseHeader(line, path: path)
                        columns = names.count
                        values = [Double](repeating: 0, count: columns)
                        if try !header(names) { done = true }
                        continue
                    }
                    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                        pendingBlank = pendingBlank ?? lineNumber
                        continue
                    }
                    if let blank = pendingBlank {
                        throw FileError.raggedRow(path: path, line: blank, expected: columns, actual: 0)
                    }
                    try values.withUnsafeMutableBufferPointer { out in
                        try parseRow(line, into: out, columns: columns, line: lineNumber, path: path)
                        try row(UnsafeBufferPointer(out), columns)
                    }
                }
                // Keep the incomplete tail for the next read.
                let tail = Swift.max(0, filled - lineStart)
                if tail > 0, lineStart > 0 {
                    buffer.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: $0.baseAddress! + lineStart, count: tail) }
                }
                filled = lineStart > 0 ? tail : filled
            }
        }
        if lineNumber == 0 { throw FileError.empty(path: path) }
    }

    private static func parseHeader(_ line: UnsafeBufferPointer<UInt8>, path: String) throws -> [String] {
        guard let text = String(validating: line, as: UTF8.self) else {
            throw FileError.badHeader(path: path, reason: "the header is not valid UTF-8")
        }
        let names = try text.split(separator: ",", omittingEmptySubsequences: false).enumerated().map { index, raw -> String in
            var name = raw.trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("\"") {
                guard name.count >= 2, name.hasSuffix("\"") else {
                    throw FileError.badHeader(path: path, reason: "unbalanced quote in column \(index + 1)")
                }
                name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
            }
            guard !name.isEmpty else { throw FileError.badHeader(path: path, reason: "column \(index + 1) has no name") }
            return name
        }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw FileError.badHeader(path: path, reason: "the name '\(name)' appears twice")
        }
        return names
    }

    @inline(__always)
    private static func parseRow(_ line: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<Double>,
                                 columns: Int, line lineNumber: Int, path: String) throws {
        var column = 0, fieldStart = 0
        var position = 0
        while true {
            let atEnd = position == line.count
            if atEnd || line[position] == 0x2C {
                if column >= columns {
                    let actual = columns + 1 + line[position...].reduce(0) { $0 + ($1 == 0x2C ? 1 : 0) }
                    throw FileError.raggedRow(path: path, line: lineNumber, expected: columns, actual: actual)
                }
                let field = UnsafeBufferPointer(rebasing: line[fieldStart ..< position])
                switch NumberParser.parse(field) {
                case let .value(value): out[column] = value
                case .notANumber:
                    throw FileError.notANumber(path: path, line: lineNumber, column: column + 1, text: String(decoding: field, as: UTF8.self).trimmingCharacters(in: .whitespaces))
                case .nonFinite:
                    throw FileError.nonFinite(path: path, line: lineNumber, column: column + 1, text: String(decoding: field, as: UTF8.self).trimmingCharacters(in: .whitespaces))
                }
                column += 1
                if atEnd { break }
                fieldStart = position + 1
            }
            position += 1
        }
        guard column == columns else {
            throw FileError.raggedRow(path: path, line: lineNumber, expected: columns, actual: column)
        }
    }
}
