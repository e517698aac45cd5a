import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The rows of a libsvm/svmlight stream (standard input, a pipe, a FIFO) read once, handed over
/// a window of rows at a time as CSR arrays allocated once: memory is bounded by the window
/// (``windowBytes`` of parsed entries) whatever the stream's length. The lines are parsed by
/// ``LIBSVMLines``, the file reader's parser (comments, `qid:`, blank lines, its errors naming
/// line and entry); every index must lie within the ``featureCount`` given, since a stream's
/// width cannot be learned before its end.
package struct LIBSVMWindowReader {
    /// Bytes of parsed entries a window holds (an entry: a 4-byte column and an 8-byte value).
    package static let windowBytes = CSVWindowReader.windowBytes

    /// The width p: every index is below it (as written, at most p, or p − 1 when 0-based).
    package let featureCount: Int
    /// Lines read so far (blank and comment lines included).
    package var linesRead: Int { outcome.lines }
    /// Whether the stream's last line ended without a newline (a stream cut short, perhaps).
    package private(set) var lastLineUnended = false
    private var stream: LineStream
    private let name: String
    private let indexing: LIBSVMIndexing
    /// Row ends after a leading 0 (`rowStarts[r + 1]` ends row r), targets, entries.
    private var rowStarts: [Int], targets: [Double], columns: [Int32], values: [Double]
    private var outcome = LIBSVMRunOutcome()
    /// Rows handed over before the current window.
    private var rowsBefore = 0

    /// Lines of `descriptor` (`name` in messages), after `prefix` (bytes already read from it to
    /// tell its format), indices 1-based unless `zeroBased`, within `featureCount` columns.
    /// - Throws: ``ArgumentError`` for a `featureCount` outside 1...``SparseDataset/maximumFeatureCount``.
    package init(descriptor: Int32, name: String, prefix: [UInt8] = [], zeroBased: Bool, featureCount: Int) throws {
        guard (1...SparseDataset<Double>.maximumFeatureCount).contains(featureCount) else {
            throw ArgumentError(
                argument: "featureCount", value: "\(featureCount)",
                requirement: "must be between 1 and \(SparseDataset<Double>.maximumFeatureCount) (column indices are 32-bit)")
        }
        stream = try LineStream(descriptor: descriptor, path: name, prefix: prefix)
        self.name = name
        self.featureCount = featureCount
        indexing = LIBSVMIndexing(zeroBased: zeroBased, featureCount: featureCount)
        let entries = Self.windowBytes / 12, rows = Self.windowBytes / 16
        rowStarts = [Int](repeating: 0, count: rows + 1)
        targets = [Double](repeating: 0, count: rows)
        columns = [Int32](repeating: 0, count: entries)
        values = [Double](repeating: 0, count: entries)
    }

    /// Rows a window holds at most (its entries permitting).
    package var windowRows: Int { targets.count }

    /// Hands every window of rows to `body` in stream order, each holding a multiple of
    /// `batchRows` rows but the last (rows past a window's last whole batch open the next one,
    /// so every batch but the stream's last is whole); returns the rows read.
    /// - Throws: ``FileError/badLIBSVMEntry(path:line:entry:text:problem:)`` naming the line of
    ///   the first bad target or entry (an index beyond ``featureCount`` among them);
    ///   ``FileError/empty(path:)`` for an empty stream, ``FileError/noRows(path:)`` for one of
    ///   blank or comment lines only; whatever `body` throws.
    mutating func forEachWindow(batchRows: Int, _ body: (SparseRowsView<Double>) throws -> Void) throws -> Int {
        let batch = Swift.max(1, batchRows)
        if batch > targets.count { grow(rows: batch, entries: columns.count) }
        // The stream apart from self while its closure fills self's window.
        var stream = self.stream
        defer { self.stream = stream }
        var sawBytes = false
        do {
            while try stream.nextLines({ bytes, count in
                sawBytes = true
                lastLineUnended = bytes[count - 1] != 0x0A
                var position = 0
                while position < count {
                    let whole = LIBSVMReader.countLinesAndColons(bytes + position, count: count - position)
                    let lines = whole.lines + (bytes[count - 1] == 0x0A ? 0 : 1)
                    var cut = count
                    if lines > targets.count - outcome.rows || whole.colons > columns.count - outcome.entries {
                        // Only the lines that fit: each line one row at most, each ':' one entry at most.
                        cut = position
                        var rows = outcome.rows, entries = outcome.entries
                        while cut < count {
                            let end =
                                memchr(bytes + cut, 0x0A, count - cut).map {
                                    UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - bytes + 1
                                } ?? count
                            let colons = LIBSVMReader.countLinesAndColons(bytes + cut, count: end - cut).colons
                            guard rows < targets.count, entries + colons <= columns.count else {
                                if cut == position { try makeRoom(forEntries: colons, batch: batch, body) }
                                break
                            }
                            (rows, entries, cut) = (rows + 1, entries + colons, end)
                        }
                    }
                    if cut > position { try parse(bytes + position, count: cut - position) }
                    position = cut
                }
            }) {}
        } catch let FileError.lineTooLong(path, _, limit) {
            throw FileError.lineTooLong(path: path, line: outcome.lines + 1, limitBytes: limit)
        }
        if outcome.rows > 0 { try flush(final: true, batch: batch, body) }
        guard sawBytes else { throw FileError.empty(path: name) }
        guard rowsBefore > 0 else { throw FileError.noRows(path: name) }
        return rowsBefore
    }

    /// Parses whole lines into the window after its rows.
    private mutating func parse(_ bytes: UnsafePointer<UInt8>, count: Int) throws {
        try rowStarts.withUnsafeMutableBufferPointer { rowStarts in
            try targets.withUnsafeMutableBufferPointer { targets in
                try columns.withUnsafeMutableBufferPointer { columns in
                    try values.withUnsafeMutableBufferPointer { values in
                        let storage = LIBSVMStorage<Double>(
                            rowEnds: rowStarts.baseAddress! + 1, targets: targets.baseAddress!, columns: columns.baseAddress!,
                            values: values.baseAddress!, rowCapacity: targets.count, entryCapacity: columns.count)
                        try LIBSVMLines.parse(
                            bytes, count: count, firstLine: 1, indexing: indexing, storage: storage, path: name, fileSize: 0,
                            outcome: &outcome)
                    }
                }
            }
        }
    }

    /// Room for a line of `entries` entries: the window's whole batches handed over, then, if
    /// the rest and the line still do not fit, larger buffers (a batch of long rows needs them).
    private mutating func makeRoom(
        forEntries entries: Int, batch: Int, _ body: (SparseRowsView<Double>) throws -> Void
    ) throws {
        if outcome.rows >= batch { try flush(final: false, batch: batch, body) }
        if outcome.rows >= targets.count || outcome.entries + entries > columns.count {
            grow(rows: Swift.max(targets.count, outcome.rows + 1), entries: Swift.max(2 * columns.count, outcome.entries + entries))
        }
    }

    /// Larger buffers, the window's rows kept.
    private mutating func grow(rows: Int, entries: Int) {
        if rows > targets.count {
            rowStarts += [Int](repeating: 0, count: rows - targets.count)
            targets += [Double](repeating: 0, count: rows - targets.count)
        }
        if entries > columns.count {
            columns += [Int32](repeating: 0, count: entries - columns.count)
            values += [Double](repeating: 0, count: entries - values.count)
        }
    }

    /// Hands over the window's whole batches (every row when `final`) and moves the rows left
    /// to the front.
    private mutating func flush(final: Bool, batch: Int, _ body: (SparseRowsView<Double>) throws -> Void) throws {
        let rows = outcome.rows, handed = final ? rows : rows - rows % batch
        guard handed > 0 else { return }
        try rowStarts.withUnsafeBufferPointer { starts in
            try columns.withUnsafeBytes { columns in
                try values.withUnsafeBytes { values in
                    try targets.withUnsafeBufferPointer { targets in
                        try body(
                            SparseRowsView(
                                rows: handed, k: 1, rowStarts: starts.baseAddress!, columns: EntryPointer(columns.baseAddress!),
                                values: EntryPointer(values.baseAddress!), targets: targets.baseAddress!))
                    }
                }
            }
        }
        let left = rows - handed, first = rowStarts[handed], entries = outcome.entries - first
        if left > 0 {
            for r in 0...left { rowStarts[r] = rowStarts[handed + r] - first }
            for r in 0..<left { targets[r] = targets[handed + r] }
            for e in 0..<entries {
                columns[e] = columns[first + e]
                values[e] = values[first + e]
            }
        }
        rowsBefore += handed
        (outcome.rows, outcome.entries) = (left, entries)
    }
}
