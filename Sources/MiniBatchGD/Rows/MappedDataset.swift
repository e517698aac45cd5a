/// A data set read in place from a `.npy` file: the file is memory-mapped and its rows are never
/// copied into a ``Matrix``, so a file larger than the memory a process may use (a container's
/// limit, say) can still be solved.
///
/// `MappedDataset<Double>` maps a float64 file and `MappedDataset<Float>` a float32 one (trained
/// in mixed precision: the rows read as `Float`, the arithmetic in `Double`). The file must hold
/// the element type in this machine's byte order, in C (row) order, and the features and the targets
/// must each be one run of adjacent columns (the default, every column but the last as features
/// and the last as the target, is). Anything else throws ``FileError/notMappable(path:reason:)``:
/// load it with ``Dataset/load(path:targets:features:weights:)->Dataset<Element>`` instead.
///
/// ```swift
/// let data = try MappedDataset(path: "big.npy")            // float64; the last column is the target
/// let small = try MappedDataset<Float>(path: "f4.npy")     // float32, trained in mixed precision
/// let solution = try LeastSquares.solve(data)              // reads the map in blocks
/// ```
///
/// Opening reads the file once to check that every value is finite. A file truncated while it is
/// mapped ends the process with SIGBUS when a lost page is read; `mbgd` turns that into a message.
public struct MappedDataset<Element: BLASScalar>: Sendable {
    /// The file.
    public let path: String
    /// Number of samples n.
    public let rows: Int
    /// Number of features p.
    public let featureCount: Int
    /// Number of targets k.
    public let outputCount: Int
    /// `x1, x2, …` after the 1-based columns, as ``NPYReader/dataset(path:targets:features:)``
    /// names them, or the names in the file's column-name sidecar.
    public let featureNames: [String]
    /// `y1, y2, …` after the 1-based columns, or the sidecar's names.
    public let targetNames: [String]
    /// One weight per row (weighted least squares), read from the weight column into memory
    /// (n values: a small part of the file); nil without a weight column.
    public private(set) var weights: [Double]?

    let mapping: FileMapping
    /// Byte offset of the first element of the first row this data set covers.
    let dataOffset: Int
    /// The file's columns: the stride of a row, in elements.
    let width: Int
    let firstFeature: Int, firstTarget: Int
    /// The file row (0-based) of this data set's first row.
    let firstRow: Int
    /// The file's column of row weights, if any.
    let weightColumn: Int?

    /// Maps `path`, choosing target and feature columns as ``NPYReader/dataset(path:targets:features:)`` does.
    /// - Parameters:
    ///   - path: a `.npy` file.
    ///   - targets: 0-based target columns, adjacent and increasing; the last column when empty.
    ///   - features: 0-based feature columns, adjacent and increasing; every other column when nil
    ///     (which must then be adjacent: targets at one end).
    ///   - weights: the 0-based column of row weights (finite, ≥ 0, not all zero), anywhere in the
    ///     file; it is neither a feature nor a target. Nil for none.
    /// - Throws: ``FileError/notMappable(path:reason:)`` for another element type, byte order or
    ///   memory order, or columns that are not runs; ``FileError`` as the reader's for a damaged
    ///   file, a column out of range, or a NaN or infinity (its line is the 1-based row);
    ///   ``ArgumentError`` for a column named twice or both as a target and a feature, or a weight
    ///   column that is one of them or holds a negative, NaN or infinite weight, or only zeros.
    /// - Complexity: O(file size): one pass checks the values.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public init(path: String, targets: [Int] = [], features: [Int]? = nil, weights: Int? = nil) throws {
        try self.init(path: path, targets: targets, features: features, weights: weights, checkingValues: true)
    }

    /// Maps `path` as `MappedDataset.init(path:targets:features:weights:)` does; without `checkingValues` no
    /// row is read (call ``checkFinite(threads:chunkValues:)`` on the rows before using them, and ``readWeights()``).
    init(path: String, targets: [Int], features: [Int]?, weights weightColumn: Int? = nil, checkingValues: Bool) throws {
        let file = try PositionalFile(path: path)
        let layout = try NPYReader.layout(file, path: path)
        let size = MemoryLayout<Element>.size
        guard layout.width == size else {
            throw FileError.notMappable(
                path: path, reason: "its elements are \(layout.width == 4 ? "float32" : "float64"), not \(Element.precision.rawValue)")
        }
        guard layout.littleEndian == (1.littleEndian == 1) else {
            throw FileError.notMappable(path: path, reason: "its byte order is not this machine's")
        }
        guard !layout.fortran else { throw FileError.notMappable(path: path, reason: "it is in Fortran (column) order") }
        guard layout.offset % size == 0 else { throw FileError.notMappable(path: path, reason: "its data is not \(size)-byte aligned") }
        guard layout.rows >= 1 else { throw FileError.headerOnly(path: path) }
        let columns = layout.columns
        let wanted = targets.isEmpty ? [columns - 1] : targets
        let featureColumns = features ?? (0..<columns).filter { !wanted.contains($0) && $0 != weightColumn }
        try NPYReader.checkSelection(targets: wanted, features: featureColumns, columns: columns, path: path)
        if let weightColumn {
            guard (0..<columns).contains(weightColumn) else {
                throw FileError.unknownColumn(path: path, name: String(weightColumn), available: (0..<columns).map(String.init))
            }
            if wanted.contains(weightColumn) {
                throw ArgumentError(argument: "weights", value: "\(weightColumn)", requirement: "must not be a target column")
            }
            if featureColumns.contains(weightColumn) {
                throw ArgumentError(argument: "weights", value: "\(weightColumn)", requirement: "must not be one of the features")
            }
        }
        for (name, run) in [("target", wanted), ("feature", featureColumns)] where !Self.isRun(run) {
            throw FileError.notMappable(path: path, reason: "the \(name) columns are not adjacent and in order")
        }
        let mapping = try file.map(length: layout.offset + layout.count * size)
        self.path = path
        self.mapping = mapping
        rows = layout.rows
        width = columns
        dataOffset = layout.offset
        firstFeature = featureColumns[0]
        firstTarget = wanted[0]
        firstRow = 0
        self.weightColumn = weightColumn
        weights = nil
        featureCount = featureColumns.count
        outputCount = wanted.count
        let names = NPYColumnNames.read(for: path, columns: columns)
        featureNames = featureColumns.map { names?[$0] ?? "x\($0 + 1)" }
        targetNames = wanted.map { names?[$0] ?? "y\($0 + 1)" }
        if checkingValues {
            try checkFinite(threads: Cores.available)
            if let read = readWeights() {
                try validateRowWeights(read, rows: rows)
                weights = read
            }
        }
    }

    /// The mapped data set of `path`, or nil when the file is not a `.npy` file that can be read
    /// in place (then load it as a ``Dataset``). Columns are named as for
    /// ``Dataset/load(path:targets:features:weights:)->Dataset<Element>``: by the names in the file's sidecar
    /// (see ``NPYWriter/convert(_:to:columns:)``), 0-based indices, or `x4`, `y4`.
    /// - Throws: what `MappedDataset.init(path:targets:features:weights:)` throws, except
    ///   ``FileError/notMappable(path:reason:)``.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public static func mapIfPossible(
        path: String, targets: [String] = [], features: [String]? = nil, weights: String? = nil
    ) throws -> MappedDataset? {
        try mapIfPossible(elementsOf: path, targets: targets, features: features, weights: weights)
    }

    private static func mapIfPossible(
        elementsOf path: String, targets: [String], features: [String]?, weights: String?
    ) throws -> MappedDataset? {
        guard try DataFileFormat.of(path: path) == .npy else { return nil }
        do {
            return try map(path: path, targets: targets, features: features, weights: weights, checkingValues: true)
        } catch FileError.notMappable {
            return nil
        }
    }

    /// ``init(path:targets:features:weights:checkingValues:)`` with columns named as for
    /// ``mapIfPossible(path:targets:features:weights:)->MappedDataset<Element>?``.
    static func map(path: String, targets: [String], features: [String]?, weights: String?, checkingValues: Bool) throws -> MappedDataset {
        let targetColumns = try targets.map { try DataFileFormat.npyColumn($0, path: path) }
        let featureColumns = try features.map { try $0.map { try DataFileFormat.npyColumn($0, path: path) } }
        return try MappedDataset(
            path: path, targets: targetColumns, features: featureColumns,
            weights: weights.map { try DataFileFormat.npyColumn($0, path: path) },
            checkingValues: checkingValues)
    }

    /// The weights of these rows read from the weight column (a NaN among them is left to the
    /// caller's validation), or nil without one.
    func readWeights() -> [Double]? {
        guard let column = weightColumn else { return nil }
        let x = elements
        return withExtendedLifetime(mapping) { (0..<rows).map { Double(x[$0 * width + column]) } }
    }

    private static func isRun(_ columns: [Int]) -> Bool {
        columns.indices.dropFirst().allSatisfy { columns[$0] == columns[$0 - 1] + 1 }
    }

    /// The first row, as elements.
    private var elements: UnsafePointer<Element> {
        (mapping.base + dataOffset).assumingMemoryBound(to: Element.self)
    }

    /// Throws ``FileError/nonFinite(path:line:column:text:)`` at the first NaN or infinity in the
    /// features and targets of these rows (its line is the 1-based row of the file).
    ///
    /// The rows are cut into chunks of about `chunkValues` values, checked on `threads` threads;
    /// the first chunk with a finding names it, so the error is the same on any count.
    func checkFinite(threads: Int = 1, chunkValues: Int = 1 << 19) throws {
        let columns = Array(firstFeature..<firstFeature + featureCount) + Array(firstTarget..<firstTarget + outputCount)
        let x = elements, width = width, rows = rows
        let low = columns.min()!, high = columns.max()!
        let chunks = RowChunks(rows: rows, chunkRows: chunkValues / (high - low + 1))
        let finding = chunks.reduce(on: WorkerPool(threads: Swift.min(threads, chunks.count))) { range -> (row: Int, column: Int)? in
            for i in range {
                let row = x + i * width
                // x·0 is 0 for a finite x and NaN otherwise: a multiply-add per value, in four
                // independent sums, no branch, and the exact search only for a row that has a
                // NaN or infinity somewhere.
                var sums: (Element, Element, Element, Element) = (0, 0, 0, 0)
                var j = low
                while j + 3 <= high {
                    sums.0 += row[j] * 0
                    sums.1 += row[j + 1] * 0
                    sums.2 += row[j + 2] * 0
                    sums.3 += row[j + 3] * 0
                    j += 4
                }
                while j <= high {
                    sums.0 += row[j] * 0
                    j += 1
                }
                if !(sums.0 + sums.1 + sums.2 + sums.3).isFinite, let j = columns.first(where: { !row[$0].isFinite }) {
                    return (i, j)
                }
            }
            return nil
        } merge: { first, next in
            if first == nil { first = next }
        }
        if let (i, j) = finding {
            throw FileError.nonFinite(path: path, line: firstRow + i + 1, column: j + 1, text: String(x[i * width + j]))
        }
    }

    /// Rows `range` of this data set, sharing the mapping (and their weights).
    func rows(_ range: Range<Int>) -> MappedDataset {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "row range out of bounds")
        return MappedDataset(
            path: path, rows: range.count, featureCount: featureCount, outputCount: outputCount, featureNames: featureNames,
            targetNames: targetNames, mapping: mapping, dataOffset: dataOffset + range.lowerBound * width * MemoryLayout<Element>.size,
            width: width,
            firstFeature: firstFeature, firstTarget: firstTarget, firstRow: firstRow + range.lowerBound, weightColumn: weightColumn,
            weights: weights.map { Array($0[range]) })
    }

    private init(
        path: String, rows: Int, featureCount: Int, outputCount: Int, featureNames: [String], targetNames: [String],
        mapping: FileMapping, dataOffset: Int, width: Int, firstFeature: Int, firstTarget: Int, firstRow: Int, weightColumn: Int?,
        weights: [Double]?
    ) {
        self.path = path
        self.rows = rows
        self.featureCount = featureCount
        self.outputCount = outputCount
        self.featureNames = featureNames
        self.targetNames = targetNames
        self.mapping = mapping
        self.dataOffset = dataOffset
        self.width = width
        self.firstFeature = firstFeature
        self.firstTarget = firstTarget
        self.firstRow = firstRow
        self.weightColumn = weightColumn
        self.weights = weights
    }

    /// Splits into a training part (the first rows) and a test part (the last `round(testFraction × n)`
    /// rows, at least one, leaving at least one): in file order, since gathering shuffled rows
    /// would copy them, so `shuffleSeed` is not used (it is the ``RowSource`` requirement's).
    /// - Throws: ``ArgumentError`` for a fraction outside (0, 1), ``DataError/tooFewRows(argument:rows:minimum:)``.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public func split(testFraction: Double, shuffleSeed: UInt64? = nil) throws -> (train: MappedDataset, test: MappedDataset) {
        let testCount = try heldOutRowCount(rows: rows, testFraction: testFraction)
        return (self.rows(0..<rows - testCount), self.rows(rows - testCount..<rows))
    }

    /// Rows per block when a fit on mapped rows shuffles: about 1 MiB of the file, read in order,
    /// and at most a 256th of the rows, so that a small file still has blocks enough to mix.
    var shuffleBlockRows: Int { Swift.max(1, Swift.min((1 << 20) / (MemoryLayout<Element>.size * width), rows / 256)) }

    /// Rows shuffled one by one, as a ``Dataset`` of the same values is (the same fit, bit for
    /// bit, whatever the file's format), unless the file is larger than 1 GiB or than half the
    /// memory available: only then would single rows be read at random from the disk rather
    /// than from the page cache. The fixed size keeps a file's fit the same on every machine
    /// that has the memory.
    var shufflesInBlocks: Bool {
        let bytes = rows * width * MemoryLayout<Element>.size
        return shuffleBlockRows > 1 && (bytes > 1 << 30 || MemoryBudget.available().map { bytes > $0 / 2 } ?? false)
    }

    /// `body` with pointers into the mapped rows.
    public func withRows<Result>(_ body: (Rows<Element>) throws -> Result) rethrows -> Result {
        let x = elements
        return try withExtendedLifetime(mapping) {
            try body(
                Rows(
                    count: rows, featureCount: featureCount, outputCount: outputCount, x: x + firstFeature, xStride: width,
                    y: x + firstTarget, yStride: width))
        }
    }
}

extension MappedDataset: InPlaceRows {
    func checkUnchanged() throws {
        do {
            try checkFinite(threads: Cores.available)
        } catch let FileError.nonFinite(path, line, column, text) {
            throw FileError.modifiedWhileRead(path: path, line: line, column: column, text: text)
        }
    }

    func blockShuffleNote(blockRows: Int) -> String {
        "rows of a mapped file are shuffled in blocks of \(blockRows) rows, each read in order: shuffling single rows would read the file at random"
    }

    func heldOutNote(rows: Int) -> String { "the last \(rows) rows of the mapped file are held out for early stopping" }
}

extension MappedDataset where Element == Double {
    /// `MappedDataset.init(path:targets:features:weights:)` of a float64 file: what `MappedDataset(path: …)`
    /// without an element type maps.
    /// - Throws: what that initializer throws.
    public init(path: String, targets: [Int] = [], features: [Int]? = nil, weights: Int? = nil) throws {
        try self.init(path: path, targets: targets, features: features, weights: weights, checkingValues: true)
    }

    /// ``mapIfPossible(path:targets:features:weights:)->MappedDataset<Element>?`` for a float64 file: nil for a float32 one.
    /// - Throws: what that function throws.
    public static func mapIfPossible(
        path: String, targets: [String] = [], features: [String]? = nil, weights: String? = nil
    ) throws -> MappedDataset<Double>? {
        try mapIfPossible(elementsOf: path, targets: targets, features: features, weights: weights)
    }
}
