#if canImport(Glibc)
    import Glibc
#endif

/// Converts sparse rows between libsvm/svmlight text, scipy's `.npz` (with its targets in a
/// `.npy`) and dense files (`.npy`, CSV), in bounded memory.
///
/// ```swift
/// // libsvm → .npz (stored, as scipy.sparse.save_npz(..., compressed=False)) and y.npy:
/// try SparseConversion.convert("rcv1.svm", to: "rcv1.npz", targets: "rcv1_y.npy")
/// // and back, or to a dense float64 .npy whose last column is the target:
/// try SparseConversion.convert("rcv1.npz", to: "again.svm", targets: "rcv1_y.npy")
/// try SparseConversion.convert("small.npz", to: "small.npy", targets: "small_y.npy")
/// ```
///
/// Every format is read and written a window at a time: memory is a few MiB of windows and the
/// longest row (a dense output row holds every feature), whatever the files' sizes. Formats
/// whose header needs counts (an `.npz`'s arrays, a `.npy`'s shape) are written after a first
/// pass that counts, and an `.npz`'s three arrays one pass each: a libsvm or dense input is
/// read four times, so it must be a regular file. A dense input's last column (of `columns`,
/// when given) is the target, its other non-zero values the entries; a dense output holds the
/// features `x1` to `xp`, then the targets (`y`, or `y1` to `yk`), with the names in
/// `OUTPUT.columns.json` (for a `.npy`) or its header (for a CSV).
public enum SparseConversion {
    /// The files conversions read and write, by their extension.
    public enum Format: String, Sendable {
        /// libsvm/svmlight text: `.svm`, `.libsvm`, `.svmlight`.
        case libsvm
        /// scipy's sparse `.npz`, CSR.
        case npz
        /// A 2-D float `.npy` (dense).
        case npy
        /// CSV with a header (dense).
        case csv

        /// The format of `path` by its extension; a dense input's by its content (``DataFileFormat/of(path:)``),
        /// a dense output `.npy` unless it ends in `.csv`.
        public static func of(path: String, reading: Bool) throws -> Format {
            let lower = path.lowercased()
            if lower.hasSuffix(".npz") { return .npz }
            if [".svm", ".libsvm", ".svmlight"].contains(where: lower.hasSuffix) { return .libsvm }
            if reading { return try DataFileFormat.of(path: path) == .npy ? .npy : .csv }
            return lower.hasSuffix(".csv") ? .csv : .npy
        }

        /// Whether the rows are stored sparse.
        public var isSparse: Bool { self == .libsvm || self == .npz }
    }

    /// What ``convert(_:to:targets:zeroBased:compress:columns:)`` wrote.
    public struct Conversion: Sendable, Equatable {
        /// Rows written.
        public let rows: Int
        /// The features' width p.
        public let featureCount: Int
        /// Entries written (for a sparse output; the input's non-zero entries for a dense one).
        public let nonzeros: Int
        /// Targets per row.
        public let targetCount: Int
    }

    /// Converts `input` into `output`; at least one of them is sparse (libsvm or `.npz`), and they differ in format.
    /// - Parameters:
    ///   - input: a libsvm file, an `.npz`, or a CSV or `.npy` file.
    ///   - output: the file to write, of the format its extension names (``Format/of(path:reading:)``);
    ///     replaced only once complete.
    ///   - targets: the targets' `.npy` of an `.npz`: read for an `.npz` input, written for an `.npz` output.
    ///   - zeroBased: the libsvm file's indices (read or written) start at 0, not 1.
    ///   - compress: an `.npz` output's members are deflated (as `save_npz`'s default), not stored.
    ///   - columns: a CSV input's columns to keep, in order (the last is the target).
    /// - Throws: ``ArgumentError`` for a pair of formats this does not convert, a missing
    ///   `targets`, or several targets for a libsvm output; each reader's ``FileError``s;
    ///   ``FileError/unwritable(path:reason:)``.
    @discardableResult
    public static func convert(
        _ input: String, to output: String, targets: String? = nil, zeroBased: Bool = false, compress: Bool = false,
        columns: [String]? = nil
    ) throws -> Conversion {
        let from = try Format.of(path: input, reading: true), to = try Format.of(path: output, reading: false)
        guard from.isSparse || to.isSparse, from != to else {
            throw ArgumentError(
                argument: "output", value: output,
                requirement: from == to
                    ? "is \(to.rawValue), as the input is: nothing to convert" : "or the input must be sparse (libsvm or .npz)")
        }
        if columns != nil, from != .csv {
            throw ArgumentError(argument: "columns", value: columns!.joined(separator: ","), requirement: "chooses a CSV input's columns")
        }
        guard (from == .npz || to == .npz) == (targets != nil) else {
            throw ArgumentError(
                argument: "targets", value: targets ?? "none",
                requirement: targets == nil
                    ? "is needed: an .npz holds the features only; name the targets' .npy" : "belongs to an .npz input or output")
        }
        let stream: SparseRowStream =
            switch from {
            case .libsvm: LIBSVMRowStream(path: input, zeroBased: zeroBased)
            case .npz: try NPZRowStream(path: input, targets: targets!)
            case .npy, .csv: DenseRowStream(path: input, columns: columns)
            }
        switch to {
        case .libsvm: return try writeLIBSVM(stream, to: output, zeroBased: zeroBased)
        case .npz: return try writeNPZ(stream, to: output, targets: targets!, compress: compress)
        case .npy, .csv: return try writeDense(stream, to: output, csv: to == .csv)
        }
    }

    /// Bytes gathered before each write.
    static let block = 1 << 20

    /// Bytes gathered and written a block at a time.
    private struct Buffer {
        var bytes: [UInt8] = []
        let flush: ([UInt8]) throws -> Void

        init(flush: @escaping ([UInt8]) throws -> Void) {
            self.flush = flush
            bytes.reserveCapacity(SparseConversion.block + 4096)
        }

        mutating func append<T>(_ value: T) {
            withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
        }

        mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

        mutating func flushIfFull() throws {
            if bytes.count >= SparseConversion.block { try drain() }
        }

        mutating func drain() throws {
            if !bytes.isEmpty { try flush(bytes) }
            bytes.removeAll(keepingCapacity: true)
        }
    }

    /// The shortest decimal that reads back as `value`, without a trailing `.0`.
    static func text(_ value: Double) -> String {
        let text = value.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    private static func writeLIBSVM(_ stream: SparseRowStream, to output: String, zeroBased: Bool) throws -> Conversion {
        guard stream.targetCount == 1 else {
            throw ArgumentError(
                argument: "targets", value: "\(stream.targetCount) a row",
                requirement: "must be one a row for libsvm (each line has one label)")
        }
        let file = try output == "-" ? StreamingFile(descriptor: STDOUT_FILENO, name: "standard output") : StreamingFile(path: output)
        var buffer = Buffer { bytes in try bytes.withUnsafeBytes { try file.append($0.baseAddress!, count: $0.count) } }
        var shape = SparseShape()
        let first = zeroBased ? 0 : 1
        try stream.forEachRow { row in
            buffer.append(text(row.targets[0]))
            for e in 0..<row.columns.count {
                buffer.append(" \(Int(row.columns[e]) + first):" + text(row.values[e]))
            }
            buffer.append("\n")
            try buffer.flushIfFull()
            shape.rows += 1
            shape.nonzeros += row.columns.count
            if let last = row.columns.last { shape.featureCount = Swift.max(shape.featureCount, Int(last) + 1) }
        }
        try buffer.drain()
        try file.commit()
        return Conversion(rows: shape.rows, featureCount: shape.featureCount, nonzeros: shape.nonzeros, targetCount: 1)
    }

    private static func writeNPZ(_ stream: SparseRowStream, to output: String, targets: String, compress: Bool) throws -> Conversion {
        let shape = try stream.shape()
        let n = shape.rows, p = Swift.max(1, shape.featureCount), nnz = shape.nonzeros, k = stream.targetCount
        // scipy's choice: 32-bit indices and offsets while both fit.
        let wide = nnz > Int(Int32.max) || p > Int(Int32.max)
        let file = try StreamingFile(path: output), targetFile = try StreamingFile(path: targets)
        let zip = ZipWriter(file, compress: compress)
        func changed() -> FileError {
            .malformed(path: stream.path, reason: "the file changed between the passes of the conversion; convert it once it is complete")
        }
        func member(_ name: String, descr: String, shape: [Int], _ body: (inout Buffer) throws -> Void) throws {
            try zip.begin(name + ".npy")
            var header = NPYWriter.header(descr: descr, shape: shape)
            try zip.write(&header, count: header.count)
            var buffer = Buffer { bytes in try bytes.withUnsafeBytes { try zip.write($0.baseAddress!, count: $0.count) } }
            try body(&buffer)
            try buffer.drain()
            try zip.end()
        }
        // Pass 1: the column indices, and the targets into their own .npy.
        var targetHeader = NPYWriter.header(descr: "<f8", shape: k == 1 ? [n] : [n, k])
        try targetFile.append(&targetHeader, count: targetHeader.count)
        var targetBuffer = Buffer { bytes in try bytes.withUnsafeBytes { try targetFile.append($0.baseAddress!, count: $0.count) } }
        try member("indices", descr: wide ? "<i8" : "<i4", shape: [nnz]) { buffer in
            var rows = 0, entries = 0
            try stream.forEachRow { row in
                for column in row.columns {
                    if wide { buffer.append(Int64(column).littleEndian) } else { buffer.append(column.littleEndian) }
                }
                for target in row.targets { targetBuffer.append(target.bitPattern.littleEndian) }
                try buffer.flushIfFull()
                try targetBuffer.flushIfFull()
                rows += 1
                entries += row.columns.count
            }
            guard rows == n, entries == nnz else { throw changed() }
        }
        try targetBuffer.drain()
        // Pass 2: the row offsets.
        try member("indptr", descr: wide ? "<i8" : "<i4", shape: [n + 1]) { buffer in
            var end = 0
            if wide { buffer.append(Int64(0)) } else { buffer.append(Int32(0)) }
            try stream.forEachRow { row in
                end += row.columns.count
                guard end <= nnz else { throw changed() }
                if wide { buffer.append(Int64(end).littleEndian) } else { buffer.append(Int32(end).littleEndian) }
                try buffer.flushIfFull()
            }
        }
        try member("format", descr: "|S3", shape: []) { $0.append("csr") }
        try member("shape", descr: "<i8", shape: [2]) { buffer in
            buffer.append(Int64(n).littleEndian)
            buffer.append(Int64(p).littleEndian)
        }
        // Pass 3: the values.
        try member("data", descr: "<f8", shape: [nnz]) { buffer in
            var entries = 0
            try stream.forEachRow { row in
                entries += row.values.count
                guard entries <= nnz else { throw changed() }
                for value in row.values { buffer.append(value.bitPattern.littleEndian) }
                try buffer.flushIfFull()
            }
        }
        try zip.finish()
        try file.commit()
        try targetFile.commit()
        return Conversion(rows: n, featureCount: p, nonzeros: nnz, targetCount: k)
    }

    private static func writeDense(_ stream: SparseRowStream, to output: String, csv: Bool) throws -> Conversion {
        let shape = try stream.shape()
        let p = Swift.max(1, shape.featureCount), k = stream.targetCount, width = p + k
        try MemoryBudget.require(MemoryBudget.bytes(of: Double.self, [width]), for: "a dense row of \(p) features")
        let names = (1...p).map { "x\($0)" } + Dataset<Double>.defaultTargetNames(k)
        let file = try output == "-" ? StreamingFile(descriptor: STDOUT_FILENO, name: "standard output") : StreamingFile(path: output)
        var buffer = Buffer { bytes in try bytes.withUnsafeBytes { try file.append($0.baseAddress!, count: $0.count) } }
        if csv {
            buffer.append(names.joined(separator: ",") + "\n")
        } else {
            var header = NPYWriter.header(rows: 0, columns: width)
            try file.append(&header, count: header.count)
        }
        var row = [Double](repeating: 0, count: width)
        var rows = 0
        try stream.forEachRow { sparse in
            for j in 0..<p { row[j] = 0 }
            for e in 0..<sparse.columns.count { row[Int(sparse.columns[e])] = sparse.values[e] }
            for o in 0..<k { row[p + o] = sparse.targets[o] }
            if csv {
                buffer.append(row.map(text).joined(separator: ",") + "\n")
            } else {
                for value in row { buffer.append(value.bitPattern.littleEndian) }
            }
            try buffer.flushIfFull()
            rows += 1
        }
        try buffer.drain()
        guard rows == shape.rows else {
            throw FileError.malformed(
                path: stream.path, reason: "the file changed between the passes of the conversion; convert it once it is complete")
        }
        if csv {
            try file.commit()
        } else {
            var header = NPYWriter.header(rows: rows, columns: width)
            try file.write(&header, count: header.count, at: 0)
            let namesPath = file.writesInPlace ? nil : NPYColumnNames.sidecar(for: output)
            try file.commit(companions: namesPath.map { [(try NPYColumnNames.encoded(names), $0)] } ?? [])
        }
        return Conversion(rows: rows, featureCount: p, nonzeros: shape.nonzeros, targetCount: k)
    }
}
