#if canImport(Glibc)
    import Glibc
#endif

/// Writes `.npy` files of little-endian float64 in C order: the layout ``MappedDataset`` reads
/// in place.
public enum NPYWriter {
    /// Bytes of the header of every file this writer makes: numpy's version 1.0 layout padded to
    /// 128 bytes, room for any shape, so that the row count is written last, over the same bytes.
    static let headerBytes = 128

    /// The version 1.0 header for a `rows` × `columns` float64 C-order array, `headerBytes` long.
    static func header(rows: Int, columns: Int) -> [UInt8] {
        var text = Array("{'descr': '<f8', 'fortran_order': False, 'shape': (\(rows), \(columns)), }".utf8)
        while 10 + text.count + 1 < headerBytes { text.append(0x20) }
        text.append(0x0A)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text
    }

    /// What ``convert(_:to:columns:)`` wrote.
    public struct Conversion: Sendable, Equatable {
        /// Rows written.
        public let rows: Int
        /// The columns' names, in order (also written to the column-name sidecar).
        public let columns: [String]
        /// The sidecar holding the names, `OUTPUT.columns.json`; nil when the output is a device
        /// or FIFO (written in place: there is no file to keep names beside).
        public let namesPath: String?
    }

    /// Converts a CSV file, or a `.npy` of another element type, byte order or memory order, into
    /// a float64 C-order `.npy` at `output`, streaming: memory stays bounded (a few MiB) whatever
    /// the file's size, so a file larger than memory converts. The column names go to
    /// `output.columns.json`, so that columns of the `.npy` can be named as in the CSV
    /// (`--target price`). Nothing is left at `output` unless the conversion completes.
    /// - Parameters:
    ///   - input: a CSV file (a header of names, then rows of numbers) or a `.npy` file.
    ///   - output: the `.npy` to write (replaced when it exists; a device or FIFO written in
    ///     place; `-` standard output).
    ///   - columns: the CSV columns to keep, in that order (every column when nil; the others
    ///     are skipped unread, text included). Not for a `.npy` input.
    /// - Returns: the rows and the names written.
    /// - Throws: the CSV reader's ``FileError``s (line and column of a cell that is not a finite
    ///   number, a ragged row, a bad header), the `.npy` reader's, ``FileError/unwritable(path:reason:)``,
    ///   ``ArgumentError`` for `columns` with a `.npy` input or a column named twice.
    @discardableResult
    public static func convert(_ input: String, to output: String, columns: [String]? = nil) throws -> Conversion {
        try write(to: output) { try forEachBlock(of: input, columns: columns, $0) }
    }

    /// Converts a CSV stream (standard input, a pipe) read once from `descriptor` into a float64
    /// C-order `.npy` at `output`, as ``convert(_:to:columns:)`` converts a CSV file: a window of
    /// lines at a time, so a stream of any length converts in bounded memory.
    /// - Parameters:
    ///   - name: the stream in messages (`standard input`).
    ///   - prefix: bytes already read from it (a sniffer's), read first.
    /// - Throws: as ``convert(_:to:columns:)`` for a CSV file.
    @discardableResult
    package static func convert(
        stream descriptor: Int32, name: String, prefix: [UInt8], to output: String, columns: [String]? = nil
    ) throws -> Conversion {
        try write(to: output) { body in
            var stream = try LineStream(descriptor: descriptor, path: name, prefix: prefix)
            return try convertCSV(name, stream: &stream, columns: columns, into: body, changed: { _, _ in nil })
        }
    }

    /// Writes the blocks `blocks` hands over to `output`, the header's row count last.
    private static func write(
        to output: String,
        blocks: (_ body: (_ names: [String], _ block: UnsafePointer<Double>, _ rows: Int) throws -> Void) throws -> (
            names: [String], rows: Int
        )
    ) throws -> Conversion {
        // "-" is standard output itself, wherever the shell pointed it (a file opened with >> is
        // appended to, not replaced by a new file of the same name).
        let file = try output == "-" ? StreamingFile(descriptor: STDOUT_FILENO, name: "standard output") : StreamingFile(path: output)
        var started = false
        let (names, rows) = try blocks { names, block, count in
            if !started {
                // The row count is written last, over the same bytes.
                var placeholder = header(rows: 0, columns: names.count)
                try file.append(&placeholder, count: placeholder.count)
                started = true
            }
            try file.append(block, count: count * names.count * 8)
        }
        var final = header(rows: rows, columns: names.count)
        if started { try file.write(&final, count: final.count, at: 0) } else { try file.append(&final, count: final.count) }
        // The names are committed with the data, renamed after it: never beside other data.
        let namesPath = file.writesInPlace ? nil : NPYColumnNames.sidecar(for: output)
        try file.commit(companions: namesPath.map { [(try NPYColumnNames.encoded(names), $0)] } ?? [])
        return Conversion(rows: rows, columns: names, namesPath: namesPath)
    }

    /// The rows of a CSV or `.npy` file as float64, row-major, a block of rows at a time (about
    /// 4 MiB, or 1 MiB of CSV text), in bounded memory: `body(names, block, rows)`. The dense side
    /// of every conversion.
    /// - Returns: the columns' names and the rows read.
    /// - Throws: as ``convert(_:to:columns:)``.
    static func forEachBlock(
        of input: String, columns: [String]?, _ body: (_ names: [String], _ block: UnsafePointer<Double>, _ rows: Int) throws -> Void
    ) throws -> (names: [String], rows: Int) {
        switch try DataFileFormat.of(path: input) {
        case .csv:
            return try convertCSV(input, columns: columns, into: body)
        case .npy:
            if let columns {
                throw ArgumentError(
                    argument: "columns", value: columns.joined(separator: ","),
                    requirement: "chooses CSV columns; a .npy is converted whole")
            }
            return try convertNPY(input, into: body)
        }
    }

    /// The CSV's rows, checked to be the file as it was when opened.
    private static func convertCSV(
        _ input: String, columns: [String]?, into file: (_ names: [String], _ block: UnsafePointer<Double>, _ rows: Int) throws -> Void
    ) throws -> ([String], Int) {
        let descriptor = try openForReading(input)
        defer { close(descriptor) }
        var status = stat()
        let opened = fstat(descriptor, &status) == 0 && status.st_mode & S_IFMT == S_IFREG ? Int(status.st_size) : nil
        var stream = try LineStream(descriptor: descriptor, path: input)
        // A regular file read to its end must have been read whole, as it was when opened: one
        // that shrank or grew meanwhile (another program writing it) gave rows that were never
        // its contents, or an error about a line cut short.
        func changed(_ bytesRead: Int, _ atEnd: Bool) -> FileError? {
            guard let opened, fstat(descriptor, &status) == 0 else { return nil }
            guard Int(status.st_size) != opened || (atEnd && bytesRead != opened) else { return nil }
            return .changedWhileRead(path: input, bytesWhenOpened: opened, bytesRead: bytesRead)
        }
        do {
            return try convertCSV(input, stream: &stream, columns: columns, into: file, changed: changed)
        } catch let error as FileError {
            // The output's own failure (a full disk, ulimit -f) is reported as it is.
            if case .unwritable = error { throw error }
            throw changed(stream.bytesRead, false) ?? error
        }
    }

    /// The CSV's rows, a run of lines at a time (1 MiB reads), parsed into a scratch and appended.
    private static func convertCSV(
        _ input: String, stream: inout LineStream, columns: [String]?,
        into file: (_ names: [String], _ block: UnsafePointer<Double>, _ rows: Int) throws -> Void,
        changed: (_ bytesRead: Int, _ atEnd: Bool) -> FileError?
    ) throws -> ([String], Int) {
        let header = try CSVReader.header(of: &stream, path: input)
        let plan = try CSVColumnPlan(header: header, targets: [], features: columns, path: input)
        let width = plan.featureNames.count
        var outcome = CSVRunOutcome()
        var nextLine = 2, rows = 0
        var scratch = [Double]()
        while try stream.nextLines({ bytes, count in
            let lines = CSVLines.lineCount(bytes, count: count, isEnd: true)
            if scratch.count < lines * width { scratch = [Double](repeating: 0, count: lines * width) }
            var chunk = outcome
            chunk.rows = 0
            try scratch.withUnsafeMutableBufferPointer { values in
                try CSVLines.parse(
                    bytes, count: count, firstLine: nextLine, plan: plan, features: values.baseAddress, targets: nil, path: input,
                    outcome: &chunk)
                if chunk.rows > 0 { try file(plan.featureNames, values.baseAddress!, chunk.rows) }
            }
            rows += chunk.rows
            outcome = chunk
            nextLine += lines
        }) {}
        if let changed = changed(stream.bytesRead, true) { throw changed }
        guard rows > 0 else { throw FileError.headerOnly(path: input) }
        return (plan.featureNames, rows)
    }

    /// The `.npy`'s rows in blocks of about 4 MiB: C order read in windows, Fortran order one
    /// column segment per column per block; each element widened and byte-swapped as needed.
    private static func convertNPY(
        _ input: String, into file: (_ names: [String], _ block: UnsafePointer<Double>, _ rows: Int) throws -> Void
    ) throws -> ([String], Int) {
        let source = try PositionalFile(path: input)
        let layout = try NPYReader.layout(source, path: input)
        let rows = layout.rows, columns = layout.columns, width = layout.width
        let names = NPYColumnNames.read(for: input, columns: columns) ?? (0..<columns).map { "x\($0 + 1)" }
        let blockRows = Swift.max(1, (4 << 20) / Swift.max(1, columns * 8))
        var block = [Double](repeating: 0, count: Swift.min(blockRows, Swift.max(rows, 1)) * columns)
        func element(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> Double {
            if width == 8 {
                let bits = bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
                return Double(bitPattern: layout.littleEndian ? UInt64(littleEndian: bits) : UInt64(bigEndian: bits))
            }
            let bits = bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
            return Double(Float(bitPattern: layout.littleEndian ? UInt32(littleEndian: bits) : UInt32(bigEndian: bits)))
        }
        let expected = layout.offset + layout.count * width
        var first = 0
        while first < rows {
            let count = Swift.min(blockRows, rows - first)
            if layout.fortran {
                for j in 0..<columns {
                    let bytes = try source.bytes(
                        at: layout.offset + (j * rows + first) * width, count: count * width, expectedTotal: expected)
                    bytes.withUnsafeBytes { raw in for i in 0..<count { block[i * columns + j] = element(raw, i) } }
                }
            } else {
                let bytes = try source.bytes(
                    at: layout.offset + first * columns * width, count: count * columns * width, expectedTotal: expected)
                bytes.withUnsafeBytes { raw in for index in 0..<count * columns { block[index] = element(raw, index) } }
            }
            // A NaN or infinity would only be refused later, by every command that reads the
            // output: refuse it here, where it came from (row and column 1-based, as a CSV's).
            if let index = (0..<count * columns).first(where: { !block[$0].isFinite }) {
                throw FileError.nonFinite(
                    path: input, line: first + index / columns + 1, column: index % columns + 1, text: String(block[index]))
            }
            try block.withUnsafeBufferPointer { try file(names, $0.baseAddress!, count) }
            first += count
        }
        return (names, rows)
    }
}
