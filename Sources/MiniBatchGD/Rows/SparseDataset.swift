/// Features stored sparse, row by row (compressed sparse rows, CSR), with dense targets and
/// optional row weights: for designs whose columns are mostly zero (text, one-hot categories,
/// hashed features) and too wide for a dense matrix.
///
/// Row i's entries are positions `rowStarts[i]..<rowStarts[i + 1]` of ``columnIndices`` (0-based,
/// strictly increasing within the row) and ``values``, as in scipy's `csr_matrix` (its `indptr`,
/// `indices` and `data`) with sorted indices. Memory is 4 bytes per index and one element per
/// value (12 bytes a nonzero for `Double`, 8 for `Float`) plus 8 bytes a row; or 8 bytes a row
/// alone when the indices and values are read in place from an uncompressed `.npz` file
/// (``isMapped``).
///
/// ```swift
/// // Two rows of a 5-column design: x₀ = 1, x₃ = 2 in the first; x₄ = −1 in the second.
/// let data = try SparseDataset<Double>(
///     rowStarts: [0, 2, 3], columns: [0, 3, 4], values: [1, 2, -1], targets: [0.5, 1.5], featureCount: 5)
/// print(data.nonzeros, data.density)   // 3 0.3
/// ```
public struct SparseDataset<Element: BLASScalar>: Sendable {
    /// n + 1 offsets into ``columnIndices`` and ``values``: row i holds `rowStarts[i]..<rowStarts[i + 1]`.
    public let rowStarts: [Int]
    /// Each entry's 0-based column, strictly increasing within a row.
    public let columnIndices: SparseEntries<Int32>
    /// Each entry's value (finite; an explicit zero is allowed and stays an entry).
    public let values: SparseEntries<Element>
    /// The n×k targets, one sample per row.
    public let targets: Matrix<Element>
    /// The design's width p (columns beyond every row's last entry are all zero).
    public let featureCount: Int
    /// One name per feature column.
    public let featureNames: [String]
    /// One name per target column.
    public let targetNames: [String]
    /// One weight per row, or nil (every row weighs 1); as ``Dataset/weights``.
    public let weights: [Double]?

    /// The most columns a sparse design may have: its column indices are 32-bit.
    public static var maximumFeatureCount: Int { Int(Int32.max) }

    /// - Parameters:
    ///   - rowStarts: n + 1 offsets, the first 0, never decreasing, the last the entry count.
    ///   - columns: each entry's 0-based column, in 0..<featureCount, strictly increasing within a row.
    ///   - values: each entry's value, finite.
    ///   - targets: n×k, k ≥ 1, finite.
    ///   - featureCount: p, at least 1 and at most ``maximumFeatureCount``.
    ///   - featureNames: p names; `x1, x2, …` when omitted.
    ///   - targetNames: k names; `y` or `y1, y2, …` when omitted.
    ///   - weights: n weights, finite and ≥ 0, at least one positive; nil for none.
    /// - Throws: ``DataError/sparseRowStarts(argument:reason:)`` for offsets that do not delimit
    ///   the entries, ``DataError/sparseEntry(row:position:reason:)`` naming the row and entry of
    ///   an index out of range, out of order or repeated, or a value that is not finite;
    ///   ``MatrixError/nonFinite(argument:row:column:value:)`` for a target; ``DataError`` or
    ///   ``ArgumentError`` for mismatched counts, names or weights.
    /// - Complexity: O(n + nonzeros), one pass to check; the arrays are kept, not copied.
    public init(
        rowStarts: [Int], columns: [Int32], values: [Element], targets: Matrix<Element>, featureCount: Int,
        featureNames: [String]? = nil, targetNames: [String]? = nil, weights: [Double]? = nil
    ) throws {
        let n = rowStarts.count - 1
        guard rowStarts.count >= 2 else {
            throw DataError.tooFewRows(argument: "rowStarts", rows: Swift.max(0, n), minimum: 1)
        }
        guard featureCount >= 1, featureCount <= Self.maximumFeatureCount else {
            throw ArgumentError(
                argument: "featureCount", value: "\(featureCount)",
                requirement: "must be between 1 and \(Self.maximumFeatureCount) (column indices are 32-bit)")
        }
        guard columns.count == values.count else {
            throw DataError.sparseRowStarts(
                argument: "columns", reason: "has \(columns.count) indices for \(values.count) values: one index per value is needed")
        }
        guard rowStarts[0] == 0 else {
            throw DataError.sparseRowStarts(argument: "rowStarts", reason: "starts at \(rowStarts[0]); the first row starts at 0")
        }
        guard rowStarts[n] == values.count else {
            throw DataError.sparseRowStarts(
                argument: "rowStarts",
                reason: "ends at \(rowStarts[n]), but there are \(values.count) entries; the last offset is their count")
        }
        guard targets.rows == n else { throw DataError.rowCountMismatch(features: n, targets: targets.rows) }
        guard targets.columns >= 1 else {
            throw ArgumentError(argument: "targets", value: "\(targets.rows)×0", requirement: "needs at least one column")
        }
        // The offsets first: an entry belongs to a row only once they never decrease.
        if let i = (0..<n).first(where: { rowStarts[$0] > rowStarts[$0 + 1] }) {
            throw DataError.sparseRowStarts(
                argument: "rowStarts",
                reason: "decreases at row \(i + 1) (\(rowStarts[i]) then \(rowStarts[i + 1])); offsets never decrease")
        }
        for i in 0..<n {
            let start = rowStarts[i], end = rowStarts[i + 1]
            var previous = -1
            for position in start..<end {
                let column = Int(columns[position])
                func refuse(_ reason: String) -> DataError { .sparseEntry(row: i + 1, position: position - start + 1, reason: reason) }
                guard column >= 0, column < featureCount else {
                    throw refuse("column index \(column) is outside 0..<\(featureCount) (the design's \(featureCount) columns, 0-based)")
                }
                guard column > previous else {
                    throw refuse(
                        column == previous
                            ? "column index \(column) is repeated; each column appears at most once in a row"
                            : "column index \(column) comes after \(previous); indices must increase within a row (sort each row)")
                }
                guard values[position].isFinite else { throw refuse("value \(values[position]) of column \(column) is not finite") }
                previous = column
            }
        }
        let featureNames = featureNames ?? Dataset<Element>.defaultFeatureNames(featureCount)
        let targetNames = targetNames ?? Dataset<Element>.defaultTargetNames(targets.columns)
        guard featureNames.count == featureCount else {
            throw DataError.nameCountMismatch(argument: "featureNames", names: featureNames.count, columns: featureCount)
        }
        guard targetNames.count == targets.columns else {
            throw DataError.nameCountMismatch(argument: "targetNames", names: targetNames.count, columns: targets.columns)
        }
        try targets.validateFinite(argument: "targets")
        if let weights { try validateRowWeights(weights, rows: n) }
        self.init(
            unchecked: rowStarts, columns, values, targets, featureCount: featureCount, featureNames: featureNames,
            targetNames: targetNames,
            weights: weights)
    }

    /// One target per row: ``init(rowStarts:columns:values:targets:featureCount:featureNames:targetNames:weights:)``
    /// with an n×1 target matrix named `targetName` (`y` when omitted).
    public init(
        rowStarts: [Int], columns: [Int32], values: [Element], targets: [Element], featureCount: Int, featureNames: [String]? = nil,
        targetName: String? = nil, weights: [Double]? = nil
    ) throws {
        try self.init(
            rowStarts: rowStarts, columns: columns, values: values,
            targets: Matrix(uncheckedRows: targets.count, columns: 1, elements: targets), featureCount: featureCount,
            featureNames: featureNames, targetNames: targetName.map { [$0] }, weights: weights)
    }

    /// Rows given as column → value dictionaries (any order; the entries are sorted), one target each.
    /// - Parameters:
    ///   - rows: one dictionary per row, 0-based column to value.
    ///   - targets: one target per row.
    ///   - featureCount: p; nil for one more than the largest column used.
    ///   - featureNames: p names; `x1, x2, …` when omitted.
    ///   - targetName: the target's name; `y` when omitted.
    ///   - weights: n weights, or nil.
    /// - Throws: as the CSR initializer.
    public init(
        rows: [[Int: Element]], targets: [Element], featureCount: Int? = nil, featureNames: [String]? = nil, targetName: String? = nil,
        weights: [Double]? = nil
    ) throws {
        var starts = [0], columns: [Int32] = [], values: [Element] = []
        starts.reserveCapacity(rows.count + 1)
        for (i, row) in rows.enumerated() {
            for (column, value) in row.sorted(by: { $0.key < $1.key }) {
                guard column >= 0, column < Self.maximumFeatureCount else {
                    throw DataError.sparseEntry(
                        row: i + 1, position: columns.count - starts[i] + 1,
                        reason: "column index \(column) is outside 0..<\(Self.maximumFeatureCount) (column indices are 32-bit)")
                }
                columns.append(Int32(column))
                values.append(value)
            }
            starts.append(columns.count)
        }
        let width = featureCount ?? ((columns.max().map { Int($0) + 1 }) ?? 1)
        try self.init(
            rowStarts: starts, columns: columns, values: values, targets: targets, featureCount: width, featureNames: featureNames,
            targetName: targetName, weights: weights)
    }

    /// A dense data set written sparse: every non-zero value becomes an entry. Names and weights are kept.
    public init(_ dense: Dataset<Element>) {
        var starts = [0], columns: [Int32] = [], values: [Element] = []
        starts.reserveCapacity(dense.rows + 1)
        for i in 0..<dense.rows {
            for j in 0..<dense.featureCount where dense.features[i, j] != 0 {
                columns.append(Int32(j))
                values.append(dense.features[i, j])
            }
            starts.append(columns.count)
        }
        self.init(
            unchecked: starts, columns, values, dense.targets, featureCount: dense.featureCount, featureNames: dense.featureNames,
            targetNames: dense.targetNames, weights: dense.weights)
    }

    init(
        unchecked rowStarts: [Int], _ columns: [Int32], _ values: [Element], _ targets: Matrix<Element>, featureCount: Int,
        featureNames: [String], targetNames: [String], weights: [Double]?
    ) {
        self.init(
            unchecked: rowStarts, SparseEntries(columns), SparseEntries(values), targets, featureCount: featureCount,
            featureNames: featureNames, targetNames: targetNames, weights: weights)
    }

    init(
        unchecked rowStarts: [Int], _ columns: SparseEntries<Int32>, _ values: SparseEntries<Element>, _ targets: Matrix<Element>,
        featureCount: Int, featureNames: [String], targetNames: [String], weights: [Double]?
    ) {
        self.rowStarts = rowStarts
        columnIndices = columns
        self.values = values
        self.targets = targets
        self.featureCount = featureCount
        self.featureNames = featureNames
        self.targetNames = targetNames
        self.weights = weights
    }

    /// Number of samples n.
    public var rows: Int { rowStarts.count - 1 }
    /// Number of targets k.
    public var outputCount: Int { targets.columns }
    /// The stored entries.
    public var nonzeros: Int { values.count }
    /// Stored entries over n·p.
    public var density: Double { Double(nonzeros) / (Double(rows) * Double(featureCount)) }
    /// Whether the column indices and values are read in place from a mapped file (an
    /// uncompressed `.npz`, see ``load(npz:targets:featureCount:)``) rather than held in memory.
    public var isMapped: Bool { columnIndices.isMapped || values.isMapped }

    /// The same rows with `weights` (nil removes them).
    /// - Throws: ``ArgumentError`` as ``Dataset/weighted(by:)``.
    public func weighted(by weights: [Double]?) throws -> SparseDataset {
        if let weights { try validateRowWeights(weights, rows: rows) }
        return SparseDataset(
            unchecked: rowStarts, columnIndices, values, targets, featureCount: featureCount, featureNames: featureNames,
            targetNames: targetNames, weights: weights)
    }

    /// The rows at `indices`, in that order, with their weights.
    func gathering(_ indices: some Collection<Int>) throws -> SparseDataset {
        var starts = [0], columns: [Int32] = [], values: [Element] = []
        starts.reserveCapacity(indices.count + 1)
        for i in indices {
            columns.append(contentsOf: columnIndices[rowStarts[i]..<rowStarts[i + 1]])
            values.append(contentsOf: self.values[rowStarts[i]..<rowStarts[i + 1]])
            starts.append(columns.count)
        }
        return SparseDataset(
            unchecked: starts, columns, values, try targets.gatheringRows(indices), featureCount: featureCount,
            featureNames: featureNames, targetNames: targetNames, weights: weights.map { w in indices.map { w[$0] } })
    }

    /// Training and test parts, as ``Dataset/split(testFraction:shuffleSeed:)``: `round(testFraction × n)`
    /// test rows (at least one, leaving one), the last rows without a seed, a seeded shuffle's with one.
    /// - Throws: ``ArgumentError``, ``DataError/tooFewRows(argument:rows:minimum:)``.
    /// - Complexity: O(n + nonzeros): both parts are copied once.
    public func split(testFraction: Double, shuffleSeed: UInt64? = nil) throws -> (train: SparseDataset, test: SparseDataset) {
        let (train, test) = try splitOrder(rows: rows, testFraction: testFraction, shuffleSeed: shuffleSeed)
        return (try gathering(train), try gathering(test))
    }

    /// Checks, as ``Rows`` does for dense rows, that every column's and target's magnitudes (and,
    /// with weights, those of √wᵢ·xᵢ) lie between 2⁻⁴⁸⁰ and 2⁴⁸⁰, so that sums of squares neither
    /// overflow nor vanish (a column of zeros only is fine).
    /// - Throws: ``DataError/scaleOutOfRange(argument:column:largest:)`` or
    ///   ``DataError/weightedScaleOutOfRange(argument:column:largest:)`` naming the first column.
    func checkRepresentableScale() throws {
        let high = 0x1p480, low = 0x1p-480, weightedLow = 0x1p-500
        func outside(_ value: Double, low: Double = low) -> Bool { value > high || (value > 0 && value < low) }
        if let weights, let largest = weights.max(), outside(largest.squareRoot(), low: weightedLow) {
            throw DataError.weightedScaleOutOfRange(argument: "weights", column: "", largest: largest)
        }
        var plain = [Double](repeating: 0, count: featureCount), weighted = plain
        for i in 0..<rows {
            let root = weights.map { $0[i].squareRoot() } ?? 1
            for position in rowStarts[i]..<rowStarts[i + 1] {
                let j = Int(columnIndices[position]), magnitude = abs(Double(values[position]))
                plain[j] = Swift.max(plain[j], magnitude)
                weighted[j] = Swift.max(weighted[j], root * magnitude)
            }
        }
        if let j = plain.indices.first(where: { outside(plain[$0]) }) {
            throw DataError.scaleOutOfRange(argument: "feature", column: featureNames[j], largest: plain[j])
        }
        if weights != nil, let j = weighted.indices.first(where: { outside(weighted[$0], low: weightedLow) }) {
            throw DataError.weightedScaleOutOfRange(argument: "feature", column: featureNames[j], largest: weighted[j])
        }
        for o in 0..<outputCount {
            let largest = (0..<rows).reduce(0.0) { Swift.max($0, abs(Double(targets[$1, o]))) }
            if outside(largest) { throw DataError.scaleOutOfRange(argument: "target", column: targetNames[o], largest: largest) }
        }
    }

    /// The rows written dense, for a design narrow enough to hold n×p.
    /// - Throws: ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)`` when n×p values
    ///   do not fit the memory budget (checked before allocating).
    public func densified() throws -> Dataset<Element> {
        try MemoryBudget.require(
            MemoryBudget.bytes(of: Element.self, [rows, featureCount]),
            for: "a dense copy of \(rows) rows × \(featureCount) features")
        var elements = [Element](repeating: 0, count: rows * featureCount)
        for i in 0..<rows {
            for position in rowStarts[i]..<rowStarts[i + 1] { elements[i * featureCount + Int(columnIndices[position])] = values[position] }
        }
        return Dataset(
            unchecked: Matrix(uncheckedRows: rows, columns: featureCount, elements: elements), targets, featureNames, targetNames,
            weights: weights)
    }
}
