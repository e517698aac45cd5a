/// A data set read in place from a `.npy` file: the file is memory-mapped and its rows are never
/// copied into a ``Matrix``, so a file larger than the memory a process may use (a container's
/// limit, say) can still be solved.
///
/// The file must hold little-endian float64 in C (row) order, and the features and the targets
/// must each be one run of adjacent columns (the default, every column but the last as features
/// and the last as the target, is). Anything else throws ``FileError/notMappable(path:reason:)``:
/// load it with ``Dataset/load(path:targets:features:weights:)`` instead.
///
/// ```swift
/// let data = try MappedDataset(path: "big.npy")            // the last column is the target
/// let solution = try LeastSquares.solve(data)              // reads the map in blocks
/// ```
///
/// Opening reads the file once to check that every value is finite. A file truncated while it is
/// mapped ends the process with SIGBUS when a lost page is read; `mbgd` turns that into a message.
public struct MappedDataset: Sendable {
    /// The file.
    public let path: String
    /// Number of samples n.
    public let rows: Int
    /// Number of features p.
    public let featureCount: Int
    /// Number of targets k.
    public let outputCount: Int
    /// `x1, x2, …` after the 1-based columns, as ``NPYReader/dataset(path:targets:features:)`` names them.
    public let featureNames: [String]
    /// `y1, y2, …` after the 1-based columns.
    public let targetNames: [String]

    let mapping: FileMapping
    /// Byte offset of the first element.
    let dataOffset: Int
    /// The file's columns: the stride of a row, in elements.
    let width: Int
    let firstFeature: Int, firstTarget: Int

    /// Maps `path`, choosing target and feature columns as ``NPYReader/dataset(path:targets:features:)`` does.
    /// - Parameters:
    ///   - targets: 0-based target columns, adjacent and increasing; the last column when empty.
    ///   - features: 0-based feature columns, adjacent and increasing; every other column when nil
    ///     (which must then be adjacent: targets at one end).
    /// - Throws: ``FileError/notMappable(path:reason:)`` for another element type, byte order or
    ///   memory order, or columns that are not runs; ``FileError`` as the reader's for a damaged
    ///   file, a column out of range, or a NaN or infinity (its line is the 1-based row);
    ///   ``ArgumentError`` for a column named twice or both as a target and a feature.
    /// - Complexity: O(file size): one pass checks the values.
    public init(path: String, targets: [Int] = [], features: [Int]? = nil) throws {
        let file = try PositionalFile(path: path)
        let layout = try NPYReader.layout(file, path: path)
        guard layout.width == 8 else { throw FileError.notMappable(path: path, reason: "its elements are float32, not float64") }
        guard layout.littleEndian == (1.littleEndian == 1) else {
            throw FileError.notMappable(path: path, reason: "its byte order is not this machine's")
        }
        guard !layout.fortran else { throw FileError.notMappable(path: path, reason: "it is in Fortran (column) order") }
        guard layout.offset % 8 == 0 else { throw FileError.notMappable(path: path, reason: "its data is not 8-byte aligned") }
        guard layout.rows >= 1 else { throw FileError.headerOnly(path: path) }
        let columns = layout.columns
        let wanted = targets.isEmpty ? [columns - 1] : targets
        let featureColumns = features ?? (0..<columns).filter { !wanted.contains($0) }
        try NPYReader.checkSelection(targets: wanted, features: featureColumns, columns: columns, path: path)
        for (name, run) in [("target", wanted), ("feature", featureColumns)] where !Self.isRun(run) {
            throw FileError.notMappable(path: path, reason: "the \(name) columns are not adjacent and in order")
        }
        let mapping = try file.map(length: layout.offset + layout.count * 8)
        self.path = path
        self.mapping = mapping
        rows = layout.rows
        width = columns
        dataOffset = layout.offset
        firstFeature = featureColumns[0]
        firstTarget = wanted[0]
        featureCount = featureColumns.count
        outputCount = wanted.count
        featureNames = featureColumns.map { "x\($0 + 1)" }
        targetNames = wanted.map { "y\($0 + 1)" }
        try checkFinite(columns: featureColumns + wanted)
    }

    /// The mapped data set of `path`, or nil when the file is not a `.npy` file that can be read
    /// in place (then load it as a ``Dataset``). Columns are named as for
    /// ``Dataset/load(path:targets:features:weights:)``: 0-based indices or `x4`, `y4`.
    /// - Throws: what ``init(path:targets:features:)`` throws, except
    ///   ``FileError/notMappable(path:reason:)``.
    public static func mapIfPossible(path: String, targets: [String] = [], features: [String]? = nil) throws -> MappedDataset? {
        guard try DataFileFormat.of(path: path) == .npy else { return nil }
        do {
            return try MappedDataset(
                path: path, targets: targets.map { try DataFileFormat.npyColumn($0, path: path) },
                features: features.map { try $0.map { try DataFileFormat.npyColumn($0, path: path) } })
        } catch FileError.notMappable {
            return nil
        }
    }

    private static func isRun(_ columns: [Int]) -> Bool {
        columns.indices.dropFirst().allSatisfy { columns[$0] == columns[$0 - 1] + 1 }
    }

    /// The first row, as elements.
    private var elements: UnsafePointer<Double> {
        (mapping.base + dataOffset).assumingMemoryBound(to: Double.self)
    }

    /// Throws ``FileError/nonFinite(path:line:column:text:)`` at the first NaN or infinity in `columns`.
    private func checkFinite(columns: [Int]) throws {
        let x = elements, width = width
        let low = columns.min()!, high = columns.max()!
        for i in 0..<rows {
            let row = x + i * width
            // x·0 is 0 for a finite x and NaN otherwise: one multiply-add per value, no branch,
            // and the exact search only for a row that has a NaN or infinity somewhere.
            var sum = 0.0
            for j in low...high { sum += row[j] * 0 }
            if !sum.isFinite, let j = columns.first(where: { !row[$0].isFinite }) {
                throw FileError.nonFinite(path: path, line: i + 1, column: j + 1, text: String(row[j]))
            }
        }
    }

    /// `body` with pointers into the mapped rows.
    func withRows<Result>(_ body: (Rows) throws -> Result) rethrows -> Result {
        let x = elements
        return try withExtendedLifetime(mapping) {
            try body(
                Rows(
                    count: rows, featureCount: featureCount, outputCount: outputCount, x: x + firstFeature, xStride: width,
                    y: x + firstTarget, yStride: width))
        }
    }
}
