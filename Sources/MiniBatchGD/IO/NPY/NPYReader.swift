import Foundation

/// Reads a 2-D NumPy `.npy` array of float64 or float32 (either byte order, C or Fortran
/// order), as written by `numpy.save`.
public enum NPYReader {
    /// The array as a row-major matrix.
    /// - Throws: ``FileError``: not an `.npy` file, a header that cannot be parsed or is not 2-D,
    ///   an unsupported element type, or fewer data bytes than the shape needs.
    public static func read(path: String) throws -> Matrix<Double> {
        try read(path: path, memoryLimit: nil)
    }

    /// ``read(path:)`` with an explicit memory budget in bytes (nil: what is available), which
    /// covers the matrix built from the file.
    ///
    /// The file is read with `pread` in windows, not mapped: a file truncated while it is read
    /// then gives ``FileError/truncated(path:expectedBytes:actualBytes:)``, where a mapping
    /// would end the process with SIGBUS.
    static func read(path: String, memoryLimit: Int?) throws -> Matrix<Double> {
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

    /// The longest header read, in bytes: numpy's default `max_header_size`.
    static let maximumHeaderBytes = 10_000

    /// The header of `file`, checked against its size: the data must be exactly what the shape needs.
    /// - Throws: ``FileError`` as ``read(path:)`` does.
    /// The bytes per value and the byte order of a header's `descr`: float64 or float32, either order.
    /// - Throws: ``FileError/unsupportedType(path:descriptor:)`` for any other.
    static func format(_ descriptor: String, path: String) throws -> (width: Int, littleEndian: Bool) {
        switch descriptor {
        case "<f8", "=f8": return (8, true)
        case ">f8": return (8, false)
        case "<f4", "=f4": return (4, true)
        case ">f4": return (4, false)
        default: throw FileError.unsupportedType(path: path, descriptor: descriptor)
        }
    }

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
        // numpy's own cap (np.load's max_header_size): a longer header is not an array numpy
        // writes, and parsing megabytes of one took seconds and memory.
        guard headerLength <= maximumHeaderBytes else {
            throw FileError.malformed(
                path: path,
                reason:
                    "the header is \(headerLength) bytes long; numpy reads at most \(maximumHeaderBytes) (np.load's max_header_size): is this a .npy file numpy wrote?"
            )
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
        let (width, littleEndian) = try format(descriptor, path: path)
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

    private static func parse(_ file: PositionalFile, path: String, memoryLimit: Int?) throws -> Matrix<Double> {
        let layout = try layout(file, path: path)
        let all = Array(0..<layout.columns)
        let (elements, _) = try scatter(
            file, layout: layout, path: path, features: all, targets: [], checkFinite: false, memoryLimit: memoryLimit, as: Double.self)
        return try Matrix(rows: layout.rows, columns: layout.columns, elements: elements)
    }

    /// The columns `features` and `targets` of the file as `Element`s, row-major, each in the order
    /// given, read in windows of 8 MiB and stored straight where they go: no copy of the whole
    /// array is made, and memory is checked for the chosen columns only. float32 is read into
    /// `Float` as it is, float64 rounded to it (a value beyond its range is then not finite, and
    /// found as such with `checkFinite`).
    /// - Throws: ``FileError/tooLarge(path:neededBytes:availableBytes:)``, ``FileError/truncated(path:expectedBytes:actualBytes:)``,
    ///   and with `checkFinite` ``FileError/nonFinite(path:line:column:text:)`` for the first NaN
    ///   or infinity in a chosen column (line: 1-based row; column: 1-based).
    static func scatter<Element: BLASScalar>(
        _ file: PositionalFile, layout: Layout, path: String, features: [Int], targets: [Int], checkFinite: Bool, memoryLimit: Int?,
        as element: Element.Type
    ) throws -> (features: [Element], targets: [Element]) {
        let rows = layout.rows, columns = layout.columns, width = layout.width, count = layout.count
        let p = features.count, k = targets.count
        let (wanted, overflow) = rows.multipliedReportingOverflow(by: p + k)
        let size = MemoryLayout<Element>.size
        guard !overflow, wanted <= Int.max / size else { throw FileError.malformed(path: path, reason: "the array is too large") }
        try MemoryBudget.check(wanted * size, path: path, limit: memoryLimit)
        // Per file column: ≥ 0 a feature position, ≤ −2 target −(slot + 2), −1 skipped.
        var slots = [Int](repeating: -1, count: columns)
        for (index, column) in features.enumerated() { slots[column] = index }
        for (index, column) in targets.enumerated() { slots[column] = -(index + 2) }
        var featureValues = [Element](repeating: 0, count: rows * p), targetValues = [Element](repeating: 0, count: rows * k)
        let windowElements = Swift.max(1, (8 << 20) / width)
        var first = 0
        var bad: (row: Int, column: Int, value: Double)?
        while first < count, bad == nil || layout.fortran {
            let take = Swift.min(windowElements, count - first)
            let window = try file.bytes(
                at: layout.offset + first * width, count: take * width, expectedTotal: layout.offset + count * width)
            window.withUnsafeBytes { base in
                featureValues.withUnsafeMutableBufferPointer { x in
                    targetValues.withUnsafeMutableBufferPointer { y in
                        for local in 0..<take {
                            // Fortran order stores column after column.
                            let index = first + local
                            let row = layout.fortran ? index % rows : index / columns
                            let column = layout.fortran ? index / rows : index % columns
                            let slot = slots[column]
                            if slot == -1 { continue }
                            let value: Double, element: Element
                            if width == 8 {
                                let bits = base.loadUnaligned(fromByteOffset: local * 8, as: UInt64.self)
                                value = Double(bitPattern: layout.littleEndian ? UInt64(littleEndian: bits) : UInt64(bigEndian: bits))
                                element = Element(value)
                            } else {
                                let bits = base.loadUnaligned(fromByteOffset: local * 4, as: UInt32.self)
                                let single = Float(bitPattern: layout.littleEndian ? UInt32(littleEndian: bits) : UInt32(bigEndian: bits))
                                value = Double(single)
                                element = Element(single)
                            }
                            if checkFinite, !element.isFinite, bad.map({ ($0.row, $0.column) > (row, column) }) ?? true {
                                bad = (row, column, value)
                            }
                            if slot >= 0 { x[row * p + slot] = element } else { y[row * k - slot - 2] = element }
                        }
                    }
                }
            }
            first += take
        }
        if let bad {
            // A finite float64 beyond Float's range, read as Float, is said to be so.
            let text = bad.value.isFinite ? "\(bad.value) (beyond \(Element.precision.rawValue))" : String(bad.value)
            throw FileError.nonFinite(path: path, line: bad.row + 1, column: bad.column + 1, text: text)
        }
        return (featureValues, targetValues)
    }

    /// A data set from a `.npy` file, its chosen columns read straight into place: the columns at `targets`
    /// (the last one when empty) are targets `y1, y2, …` and those at `features` (every other
    /// column when nil) features `x1, x2, …`, each named after its 1-based column (or as the
    /// file's column-name sidecar names it) and taken in the order given.
    /// - Throws: ``FileError`` for a column index out of range or a NaN or infinity (its line is
    ///   the 1-based row), ``ArgumentError`` for an index
    ///   given twice or both as a target and a feature.
    public static func dataset(path: String, targets: [Int] = [], features: [Int]? = nil) throws -> Dataset<Double> {
        try dataset(path: path, targets: targets, features: features, as: Double.self)
    }

    /// ``dataset(path:targets:features:)`` with `Element`s: a float32 file read into
    /// `Dataset<Float>` as it is (no widening), a float64 one rounded to `Float`.
    /// - Throws: as ``dataset(path:targets:features:)``, and ``FileError/nonFinite(path:line:column:text:)``
    ///   for a float64 value beyond `Element`'s range.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public static func dataset<Element: BLASScalar>(
        path: String, targets: [Int] = [], features: [Int]? = nil, as element: Element.Type
    ) throws -> Dataset<Element> {
        try checkDistinct(targets, argument: "targets")
        if let features {
            try checkDistinct(features, argument: "features")
            if let both = features.first(where: targets.contains) {
                throw ArgumentError(argument: "features", value: "\(both)", requirement: "is also a target")
            }
        }
        let file = try PositionalFile(path: path)
        let layout = try layout(file, path: path)
        guard layout.rows >= 1 else { throw FileError.headerOnly(path: path) }
        let wanted = targets.isEmpty ? [layout.columns - 1] : targets
        let featureColumns = features ?? (0..<layout.columns).filter { !wanted.contains($0) }
        try checkSelection(targets: wanted, features: featureColumns, columns: layout.columns, path: path)
        let values = try scatter(
            file, layout: layout, path: path, features: featureColumns, targets: wanted, checkFinite: true, memoryLimit: nil,
            as: Element.self)
        let names = NPYColumnNames.read(for: path, columns: layout.columns)
        return Dataset(
            unchecked: Matrix(uncheckedRows: layout.rows, columns: featureColumns.count, elements: values.features),
            Matrix(uncheckedRows: layout.rows, columns: wanted.count, elements: values.targets),
            featureColumns.map { names?[$0] ?? "x\($0 + 1)" }, wanted.map { names?[$0] ?? "y\($0 + 1)" })
    }

    /// The element type of the `.npy` file at `path` (`float32` or `float64`), from its header.
    /// - Throws: ``FileError`` for a file that is not a 2-D float `.npy` array.
    public static func precision(path: String) throws -> Precision {
        try layout(PositionalFile(path: path), path: path).width == 4 ? .float32 : .float64
    }

    /// The columns at `indices` of `path`, in that order (for prediction).
    /// - Throws: ``FileError`` as ``dataset(path:targets:features:)`` does.
    public static func readColumns(path: String, _ indices: [Int]) throws -> Matrix<Double> {
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
    static func columns(_ indices: [Int], of matrix: Matrix<Double>, path: String) throws -> Matrix<Double> {
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
