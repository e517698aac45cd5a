import Foundation

/// Reads a 2-D NumPy `.npy` array of float64 or float32 (either byte order, C or Fortran
/// order), as written by `numpy.save`.
public enum NPYReader {
    /// The array as a row-major matrix.
    /// - Throws: ``FileError``: not an `.npy` file, a header that cannot be parsed or is not 2-D,
    ///   an unsupported element type, or fewer data bytes than the shape needs.
    public static func read(path: String) throws -> Matrix {
        try read(path: path, memoryLimit: nil)
    }

    /// ``read(path:)`` with an explicit memory budget in bytes (nil: what is available), which
    /// covers the matrix built from the file.
    ///
    /// The file is read with `pread` in windows, not mapped: a file truncated while it is read
    /// then gives ``FileError/truncated(path:expectedBytes:actualBytes:)``, where a mapping
    /// would end the process with SIGBUS.
    static func read(path: String, memoryLimit: Int?) throws -> Matrix {
        let file = try PositionalFile(path: path)
        return try parse(file, path: path, memoryLimit: memoryLimit)
    }

    /// Where a `.npy` file's elements are and how they are stored.
    struct Layout {
        let rows: Int, columns: Int
        /// Bytes per element: 8 (float64) or 4 (float32).
        let width: Int
        let littleEndian: Bool
        /// Column after column (Fortran order) instead of row after row.
        let fortran: Bool
        /// The byte offset of the first element.
        let offset: Int
        /// rows × columns.
        let count: Int
    }

    /// The header of `file`, checked against its size: the data must be exactly what the shape needs.
    /// - Throws: ``FileError`` as ``read(path:)`` does.
    static func layout(_ file: PositionalFile, path: String) throws -> Layout {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        let size = file.size
        guard size > 0 else { throw FileError.empty(path: path) }
        let data = try file.bytes(at: 0, count: Swift.min(size, 12))
        guard data.count >= 10, Array(data[0..<6]) == magic else {
            throw FileError.malformed(path: path, reason: "not a NumPy .npy file (the magic string \\x93NUMPY is missing)")
        }
        let major = data[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(data[8]) | Int(data[9]) << 8
            headerStart = 10
        case 2, 3:
            guard data.count >= 12 else { throw FileError.truncated(path: path, expectedBytes: 12, actualBytes: size) }
            headerLength = (0..<4).reduce(0) { $0 | Int(data[8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw FileError.malformed(path: path, reason: "unsupported .npy format version \(major)")
        }
        guard size >= headerStart + headerLength else {
            throw FileError.truncated(path: path, expectedBytes: headerStart + headerLength, actualBytes: size)
        }
        let headerBytes = try file.bytes(at: headerStart, count: headerLength)
        guard
            let header = major == 3
                ? String(validating: headerBytes, as: UTF8.self)
                : String(bytes: headerBytes, encoding: .isoLatin1)
        else {
            throw FileError.malformed(path: path, reason: "the header is not text")
        }
        let parsed = try NPYHeader(header, path: path)
        let descriptor = parsed.descriptor, shape = parsed.shape, fortran = parsed.fortranOrder
        let shapeText = "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
        guard shape.allSatisfy({ $0 >= 0 }) else { throw FileError.malformed(path: path, reason: "bad shape \(shapeText)") }
        guard shape.count == 2 else {
            throw FileError.malformed(path: path, reason: "the array has shape \(shapeText); a 2-D array (rows, columns) is needed")
        }
        let width: Int
        let littleEndian: Bool
        switch descriptor {
        case "<f8", "=f8": (width, littleEndian) = (8, true)
        case ">f8": (width, littleEndian) = (8, false)
        case "<f4", "=f4": (width, littleEndian) = (4, true)
        case ">f4": (width, littleEndian) = (4, false)
        default: throw FileError.unsupportedType(path: path, descriptor: descriptor)
        }
        let rows = shape[0], columns = shape[1]
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        let (needed, overflow2) = count.multipliedReportingOverflow(by: width)
        guard !overflow, !overflow2 else { throw FileError.malformed(path: path, reason: "the shape \(shapeText) is too large") }
        let offset = headerStart + headerLength
        guard size - offset >= needed else {
            throw FileError.truncated(path: path, expectedBytes: needed, actualBytes: size - offset)
        }
        guard size - offset == needed else {
            throw FileError.malformed(
                path: path,
                reason:
                    "the header's shape \(shapeText) needs \(needed) data bytes but the file has \(size - offset): the header does not describe the data"
            )
        }
        return Layout(
            rows: rows, columns: columns, width: width, littleEndian: littleEndian, fortran: fortran, offset: offset, count: count)
    }

    private static func parse(_ file: PositionalFile, path: String, memoryLimit: Int?) throws -> Matrix {
        let layout = try layout(file, path: path)
        let rows = layout.rows, columns = layout.columns, width = layout.width, count = layout.count
        let littleEndian = layout.littleEndian, fortran = layout.fortran, offset = layout.offset, needed = count * width
        try MemoryBudget.check(count * 8, path: path, limit: memoryLimit)
        var elements = [Double](repeating: 0, count: count)
        // Windows of whole elements, 8 MiB at most.
        let windowElements = Swift.max(1, (8 << 20) / width)
        var first = 0
        while first < count {
            let take = Swift.min(windowElements, count - first)
            let window = try file.bytes(at: offset + first * width, count: take * width, expectedTotal: offset + needed)
            window.withUnsafeBytes { base in
                for local in 0..<take {
                    let element: Double
                    if width == 8 {
                        let bits = base.loadUnaligned(fromByteOffset: local * 8, as: UInt64.self)
                        element = Double(bitPattern: littleEndian ? UInt64(littleEndian: bits) : UInt64(bigEndian: bits))
                    } else {
                        let bits = base.loadUnaligned(fromByteOffset: local * 4, as: UInt32.self)
                        element = Double(Float(bitPattern: littleEndian ? UInt32(littleEndian: bits) : UInt32(bigEndian: bits)))
                    }
                    // Fortran order stores column after column.
                    let index = first + local
                    elements[fortran ? (index % rows) * columns + index / rows : index] = element
                }
            }
            first += take
        }
        return try Matrix(rows: rows, columns: columns, elements: elements)
    }

    /// Splits a matrix read from a `.npy` file into a data set: the columns at `targets`
    /// (the last one when empty) are targets `y1, y2, …` and those at `features` (every other
    /// column when nil) features `x1, x2, …`, each named after its 1-based column (or as the
    /// file's column-name sidecar names it) and taken in the order given.
    /// - Throws: ``FileError`` for a column index out of range or a NaN or infinity (its line is
    ///   the 1-based row), ``ArgumentError`` for an index
    ///   given twice or both as a target and a feature.
    public static func dataset(path: String, targets: [Int] = [], features: [Int]? = nil) throws -> Dataset {
        try checkDistinct(targets, argument: "targets")
        if let features {
            try checkDistinct(features, argument: "features")
            if let both = features.first(where: targets.contains) {
                throw ArgumentError(argument: "features", value: "\(both)", requirement: "is also a target")
            }
        }
        let matrix = try read(path: path)
        guard matrix.rows >= 1 else { throw FileError.headerOnly(path: path) }
        let wanted = targets.isEmpty ? [matrix.columns - 1] : targets
        let featureColumns = features ?? (0..<matrix.columns).filter { !wanted.contains($0) }
        try checkSelection(targets: wanted, features: featureColumns, columns: matrix.columns, path: path)
        let featureMatrix = try columns(featureColumns, of: matrix, path: path)
        let targetMatrix = try columns(wanted, of: matrix, path: path)
        let names = NPYColumnNames.read(for: path, columns: matrix.columns)
        return Dataset(
            unchecked: featureMatrix, targetMatrix, featureColumns.map { names?[$0] ?? "x\($0 + 1)" },
            wanted.map { names?[$0] ?? "y\($0 + 1)" })
    }

    /// The columns at `indices` of `path`, in that order (for prediction).
    /// - Throws: ``FileError`` as ``dataset(path:targets:features:)`` does.
    public static func readColumns(path: String, _ indices: [Int]) throws -> Matrix {
        let matrix = try read(path: path)
        try checkInRange(indices, columns: matrix.columns, path: path)
        return try columns(indices, of: matrix, path: path)
    }

    /// Checks target and feature columns: each named once, none both, all in range, at least one feature.
    static func checkSelection(targets: [Int], features: [Int], columns: Int, path: String) throws {
        try checkDistinct(targets, argument: "targets")
        try checkDistinct(features, argument: "features")
        if let both = features.first(where: targets.contains) {
            throw ArgumentError(argument: "features", value: "\(both)", requirement: "is also a target")
        }
        try checkInRange(targets + features, columns: columns, path: path)
        guard !features.isEmpty else {
            throw FileError.malformed(path: path, reason: "every column is a target; at least one feature column is needed")
        }
    }

    private static func checkDistinct(_ indices: [Int], argument: String) throws {
        if let twice = firstRepeated(indices) {
            throw ArgumentError(argument: argument, value: "\(twice)", requirement: "names the same column twice")
        }
    }

    private static func checkInRange(_ indices: [Int], columns: Int, path: String) throws {
        for index in indices where index < 0 || index >= columns {
            throw FileError.unknownColumn(path: path, name: String(index), available: (0..<columns).map(String.init))
        }
    }

    /// The columns at `indices`, each value checked finite (line and column 1-based).
    static func columns(_ indices: [Int], of matrix: Matrix, path: String) throws -> Matrix {
        var values = [Double]()
        values.reserveCapacity(matrix.rows * indices.count)
        for i in 0..<matrix.rows {
            for j in indices {
                let value = matrix[i, j]
                guard value.isFinite else { throw FileError.nonFinite(path: path, line: i + 1, column: j + 1, text: String(value)) }
                values.append(value)
            }
        }
        return Matrix(uncheckedRows: matrix.rows, columns: indices.count, elements: values)
    }
}
