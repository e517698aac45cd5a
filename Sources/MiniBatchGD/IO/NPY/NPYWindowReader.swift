/// A `.npy` array written to a pipe (`np.save(sys.stdout.buffer, a)`, or a file read through
/// `cat`), read once a window of rows at a time: its header, then its rows in C order, float64
/// or float32 of either byte order, widened to Double. Columns are named as a mapped `.npy`'s
/// are: by 0-based index (`3`) or as the model names them (`x4`).
package struct NPYWindowReader: RowWindows {
    /// numpy's magic string, `\x93NUMPY`: the first bytes of every `.npy`.
    package static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    package let featureNames: [String]
    package let targetNames: [String]
    package let windowRows: Int
    private let descriptor: Int32
    private let name: String
    private let columns: Int, width: Int, littleEndian: Bool
    /// Rows the header promises.
    private let promisedRows: Int
    private let featureColumns: [Int], targetColumns: [Int], weightColumn: Int?
    private var bytes: [UInt8]
    private var features: [Double], targets: [Double], weights: [Double]

    /// Reads the header of `descriptor` (its magic string already read) and picks the columns:
    /// `targets` (the last column when empty), `features` (every other column when nil), the
    /// `weights` column neither.
    /// - Throws: ``FileError`` for a bad or Fortran-order header, a column it does not have;
    ///   ``ArgumentError`` for a weight column that is a target or a feature.
    package init(descriptor: Int32, name: String, targets: [String], features: [String]?, weights: String?) throws {
        self.descriptor = descriptor
        self.name = name
        var start = try StreamBytes.read(descriptor, count: 4, path: name)
        guard start.count == 4 else { throw FileError.truncated(path: name, expectedBytes: 10, actualBytes: 6 + start.count) }
        let major = start[0]
        guard major >= 1, major <= 3 else { throw FileError.malformed(path: name, reason: "unsupported .npy format version \(major)") }
        if major > 1 {
            let more = try StreamBytes.read(descriptor, count: 2, path: name)
            guard more.count == 2 else { throw FileError.truncated(path: name, expectedBytes: 12, actualBytes: 10 + more.count) }
            start += more
        }
        let headerLength = (2..<start.count).reduce(0) { $0 | Int(start[$1]) << (8 * ($1 - 2)) }
        guard headerLength <= NPYReader.maximumHeaderBytes else {
            throw FileError.malformed(
                path: name, reason: "the header is \(headerLength) bytes long; numpy reads at most \(NPYReader.maximumHeaderBytes)")
        }
        let headerBytes = try StreamBytes.read(descriptor, count: headerLength, path: name)
        guard headerBytes.count == headerLength else {
            throw FileError.truncated(path: name, expectedBytes: headerLength, actualBytes: headerBytes.count)
        }
        guard let text = major == 3 ? String(validating: headerBytes, as: UTF8.self) : String(bytes: headerBytes, encoding: .isoLatin1)
        else { throw FileError.malformed(path: name, reason: "the header is not text") }
        let header = try NPYHeader(text, path: name)
        guard header.shape.count == 2, header.shape.allSatisfy({ $0 >= 0 }) else {
            throw FileError.malformed(path: name, reason: "the array has shape \(header.shape); a 2-D array (rows, columns) is needed")
        }
        guard !header.fortranOrder else {
            throw FileError.malformed(
                path: name,
                reason:
                    "the array is in Fortran order, column after column, which a stream cannot read row by row; save it in C order (np.ascontiguousarray)"
            )
        }
        (width, littleEndian) = try NPYReader.format(header.descriptor, path: name)
        let columnCount = header.shape[1], path = name
        (promisedRows, columns) = (header.shape[0], columnCount)
        guard columnCount >= 1 else { throw FileError.malformed(path: name, reason: "the array has no columns") }
        let names = (1...columnCount).map { "x\($0)" }
        func column(_ label: String) throws -> Int {
            if let index = Int(label), index >= 0, index < columnCount { return index }
            if let index = names.firstIndex(of: label) { return index }
            throw FileError.unknownColumn(path: path, name: label, available: names)
        }
        let targetColumns = try targets.isEmpty ? [columnCount - 1] : targets.map(column)
        let weightColumn = try weights.map(column)
        if let weightColumn, targetColumns.contains(weightColumn) {
            throw ArgumentError(argument: "weights", value: weights!, requirement: "must not be a target column")
        }
        let featureColumns =
            try features.map { try $0.map(column) }
            ?? (0..<columnCount).filter { !targetColumns.contains($0) && $0 != weightColumn }
        if let weightColumn, featureColumns.contains(weightColumn) {
            throw ArgumentError(argument: "weights", value: weights!, requirement: "must not be one of the features")
        }
        guard !featureColumns.isEmpty else { throw FileError.malformed(path: name, reason: "no column is left for the features") }
        (self.featureColumns, self.targetColumns, self.weightColumn) = (featureColumns, targetColumns, weightColumn)
        featureNames = featureColumns.map { names[$0] }
        targetNames = targetColumns.map { names[$0] }
        // As many rows as the CSV reader's window of parsed values (1 MiB).
        windowRows = Swift.max(16, CSVWindowReader.windowBytes / (8 * columnCount))
        bytes = [UInt8](repeating: 0, count: windowRows * columnCount * self.width)
        self.features = [Double](repeating: 0, count: windowRows * featureColumns.count)
        self.targets = [Double](repeating: 0, count: windowRows * targetColumns.count)
        self.weights = [Double](repeating: 0, count: weightColumn == nil ? 0 : windowRows)
    }

    package mutating func forEachWindow(
        _ body: (_ rows: Int, _ features: UnsafePointer<Double>, _ targets: UnsafePointer<Double>, _ weights: UnsafePointer<Double>?)
            throws -> Void
    ) throws -> Int {
        let rowBytes = columns * width, p = featureColumns.count, k = targetColumns.count
        var done = 0
        while done < promisedRows {
            let count = Swift.min(windowRows, promisedRows - done)
            var filled = 0
            try StreamBytes.read(descriptor, into: &bytes, count: count * rowBytes, filled: &filled, path: name)
            guard filled == count * rowBytes else {
                throw FileError.malformed(
                    path: name,
                    reason: "the stream ends inside row \(done + filled / rowBytes) of the \(promisedRows) rows its header promises")
            }
            for i in 0..<count {
                func value(_ j: Int) throws -> Double {
                    let offset = i * rowBytes + j * width
                    var bits: UInt64 = 0
                    for b in 0..<width { bits |= UInt64(bytes[offset + (littleEndian ? b : width - 1 - b)]) << (8 * b) }
                    let value = width == 8 ? Double(bitPattern: bits) : Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
                    guard value.isFinite else { throw MatrixError.nonFinite(argument: name, row: done + i, column: j, value: value) }
                    return value
                }
                for (slot, j) in featureColumns.enumerated() { features[i * p + slot] = try value(j) }
                for (slot, j) in targetColumns.enumerated() { targets[i * k + slot] = try value(j) }
                if let weightColumn {
                    let weight = try value(weightColumn)
                    guard weight >= 0 else {
                        throw FileError.malformed(
                            path: name,
                            reason: "row \(done + i) (0-based): the weight \(weight) (column \(weightColumn)) must be zero or positive")
                    }
                    weights[i] = weight
                }
            }
            try features.withUnsafeBufferPointer { x in
                try targets.withUnsafeBufferPointer { y in
                    try weights.withUnsafeBufferPointer { w in
                        try body(count, x.baseAddress!, y.baseAddress!, weightColumn == nil ? nil : w.baseAddress!)
                    }
                }
            }
            done += count
        }
        guard try StreamBytes.read(descriptor, count: 1, path: name).isEmpty else {
            throw FileError.malformed(path: name, reason: "the stream goes on after the \(promisedRows) rows its header promises")
        }
        guard done > 0 else { throw FileError.headerOnly(path: name) }
        return done
    }
}
