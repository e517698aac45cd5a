/// Rows a model can be fitted to, solved, evaluated and split: a ``Dataset`` in memory, a
/// ``MappedDataset`` read in place, this process's share of a ``DistributedDataset``, or your own
/// storage.
///
/// Every operation takes any source through one generic entry point with the same parameters:
/// ``LinearRegression/fit(_:using:progress:)-(Source,_,_)``, ``LinearRegression/fit(_:method:ridge:weights:covariance:confidenceLevel:refine:threads:)``,
/// ``LinearRegression/fitAndCompare(_:using:method:progress:)``, ``LinearRegression/evaluate(_:threads:)``
/// and ``LeastSquares/solve(_:method:fitIntercept:ridge:penaltyUnits:rankTolerance:weights:covariance:confidenceLevel:refine:threads:)``.
/// The sources differ only where their storage must: a data set in memory leaves rows of weight
/// 0 out of a descent (a copy) and holds out a shuffled part; rows read in place keep them, hold
/// out the last rows, and shuffle in blocks when single rows would be read at random from a disk.
///
/// To train on rows that live elsewhere (a C caller's buffer, say), conform a type that hands out
/// ``Rows`` pointing at them:
///
/// ```swift
/// struct Borrowed: RowSource {
///     let buffer: UnsafeBufferPointer<Double>  // n rows of 3 features then 1 target
///     var rows: Int { buffer.count / 4 }
///     var featureCount: Int { 3 }
///     var outputCount: Int { 1 }
///     var featureNames: [String] { ["a", "b", "c"] }
///     var targetNames: [String] { ["y"] }
///     var weights: [Double]? { nil }
///     func withRows<Result>(_ body: (Rows<Double>) throws -> Result) rethrows -> Result {
///         let base = buffer.baseAddress!
///         return try body(Rows(count: rows, featureCount: 3, outputCount: 1, x: base, xStride: 4, y: base + 3, yStride: 4))
///     }
///     func split(testFraction: Double, shuffleSeed: UInt64?) throws -> (train: Borrowed, test: Borrowed) { … }
/// }
/// var model = LinearRegression()
/// try model.fit(Borrowed(buffer: values), using: GradientDescent())
/// ```
///
/// The values must stay finite and unchanged while an operation reads them.
public protocol RowSource: Sendable {
    /// How the values are stored: `Double`, or `Float` (widened to `Double` a block at a time).
    associatedtype Element: BLASScalar
    /// The number of rows (for rows spread over processes: every rank's).
    var rows: Int { get }
    /// The features per row, p.
    var featureCount: Int { get }
    /// The targets per row, k.
    var outputCount: Int { get }
    /// One name per feature.
    var featureNames: [String] { get }
    /// One name per target.
    var targetNames: [String] { get }
    /// One weight per row this process reads (finite, ≥ 0), or nil for unweighted rows.
    var weights: [Double]? { get }
    /// `body` with pointers to the rows this process reads, valid only during the call.
    func withRows<Result>(_ body: (Rows<Element>) throws -> Result) rethrows -> Result
    /// Training and test parts: the test part has `round(testFraction × n)` rows, at least one,
    /// leaving at least one; weights go with their rows.
    /// - Parameters:
    ///   - testFraction: in (0, 1).
    ///   - shuffleSeed: for a source that can gather rows cheaply, the seed of a shuffle that
    ///     assigns rows to the parts; nil (and always, for rows read in place) the last rows test.
    func split(testFraction: Double, shuffleSeed: UInt64?) throws -> (train: Self, test: Self)
    /// At most `limit` rows, evenly spaced (all of them, in order, when there are no more), copied
    /// into a ``Dataset``: for a plot, or a look at a file too large to load.
    /// - Throws: ``ArgumentError`` for a limit below 1.
    func sample(rows limit: Int) throws -> Dataset<Element>
}

extension RowSource {
    /// Rows ⌊i·n/count⌋ of the rows this process reads, i < count = min(limit, n).
    public func sample(rows limit: Int) throws -> Dataset<Element> {
        guard limit >= 1 else { throw ArgumentError(argument: "rows", value: "\(limit)", requirement: "must be at least 1") }
        return withRows { $0.sample(rows: limit, featureNames: featureNames, targetNames: targetNames) }
    }

    /// Σwᵢ, or n without weights (over every rank, for rows spread over processes: an exchange).
    var totalWeight: Double {
        guard let weights else { return Double(rows) }
        return withRows { $0.sum(weights.reduce(0, +)) }
    }
}

extension Rows {
    /// At most `limit` (≥ 1) evenly spaced rows copied into a ``Dataset``, the first row first.
    func sample(rows limit: Int, featureNames: [String], targetNames: [String]) -> Dataset<Element> {
        let count = Swift.min(limit, self.count)
        var features = [Element](), targets = [Element]()
        features.reserveCapacity(count * featureCount)
        targets.reserveCapacity(count * outputCount)
        for index in 0..<count {
            // Row ⌊index·n/count⌋: evenly spaced, the first row first.
            let i = Int((Double(index) * Double(self.count) / Double(count)).rounded(.down))
            if let columns {
                // Exact: a row type of Float is only chosen when every column is Float.
                for column in columns.features { features.append(Element(column.value(i))) }
                for column in columns.targets { targets.append(Element(column.value(i))) }
                continue
            }
            for j in 0..<featureCount { features.append(x[i * xStride + j]) }
            for o in 0..<outputCount { targets.append(y[i * yStride + o]) }
        }
        return Dataset(
            unchecked: Matrix(uncheckedRows: count, columns: featureCount, elements: features),
            Matrix(uncheckedRows: count, columns: outputCount, elements: targets), featureNames, targetNames)
    }
}

extension Dataset: RowSource {
    /// `body` with pointers to this data set's rows.
    public func withRows<Result>(_ body: (Rows<Element>) throws -> Result) rethrows -> Result {
        try features.withUnsafePointer { x in
            try targets.withUnsafePointer { y in
                try body(
                    Rows(
                        count: rows, featureCount: featureCount, outputCount: outputCount, x: x, xStride: featureCount, y: y,
                        yStride: outputCount))
            }
        }
    }
}

/// Rows a fit reads in place from a file (a ``MappedDataset``, or a ``DistributedDataset``'s
/// share): shuffled in blocks of about 1 MiB each read in order, with held-out rows the file's last.
protocol InPlaceRows: RowSource {
    /// Rows per shuffled block.
    var shuffleBlockRows: Int { get }
    /// Whether a fit that shuffles every epoch shuffles blocks of ``shuffleBlockRows`` rows
    /// instead of single rows: only where single rows would be read at random from a disk.
    var shufflesInBlocks: Bool { get }
    /// The note a fit makes when it shuffles these rows in blocks of `blockRows`.
    func blockShuffleNote(blockRows: Int) -> String
    /// The note a fit makes when it holds out the last `rows` rows for early stopping.
    func heldOutNote(rows: Int) -> String
    /// Checks that the values found finite when the file was opened still are: after a
    /// divergence, a NaN written into the file meanwhile is named, not blamed on the rate.
    func checkUnchanged() throws
}

extension InPlaceRows {
    func checkUnchanged() throws {}
}

/// `body` with the rows of `source`, or with nil when there is no source.
func withOptionalRows<Source: RowSource, Result>(_ source: Source?, _ body: (Rows<Source.Element>?) throws -> Result) rethrows -> Result {
    guard let source else { return try body(nil) }
    return try source.withRows { try body($0) }
}

/// The rows of a split's two parts: the first rows train and the last test, or with a seed, a
/// seeded shuffle's (``heldOutRowCount(rows:testFraction:)`` of them test).
/// - Throws: as ``heldOutRowCount(rows:testFraction:)``.
func splitOrder(rows: Int, testFraction: Double, shuffleSeed: UInt64?) throws -> (train: ArraySlice<Int>, test: ArraySlice<Int>) {
    let testCount = try heldOutRowCount(rows: rows, testFraction: testFraction)
    var order = Array(0..<rows)
    if let seed = shuffleSeed {
        var generator = RandomSource(seed: seed)
        generator.shuffle(&order)
    }
    return (order[..<(rows - testCount)], order[(rows - testCount)...])
}

/// The rows a split holds out: `round(testFraction × n)`, at least one, leaving at least one.
/// - Throws: ``ArgumentError`` for a fraction outside (0, 1), ``DataError/tooFewRows(argument:rows:minimum:)``
///   for fewer than 2 rows.
package func heldOutRowCount(rows: Int, testFraction: Double) throws -> Int {
    guard testFraction > 0, testFraction < 1 else { throw ArgumentError.fraction("testFraction", testFraction) }
    guard rows >= 2 else { throw DataError.tooFewRows(argument: "dataset to split", rows: rows, minimum: 2) }
    return Swift.min(Swift.max(Int((Double(rows) * testFraction).rounded()), 1), rows - 1)
}

extension Rows {
    /// Checks that these rows are what `source` says it holds: its widths, strides at least as
    /// wide, and (in one process) its row count; a caller's own ``RowSource`` could say otherwise.
    /// - Throws: ``ArgumentError`` naming what differs.
    func checkShape<Source: RowSource>(of source: Source) throws {
        func refuse(_ what: String, _ value: Int, _ requirement: String) throws -> Never {
            throw ArgumentError(argument: "rows", value: "\(what) \(value)", requirement: requirement)
        }
        if featureCount != source.featureCount {
            try refuse("featureCount", featureCount, "must equal the source's featureCount (\(source.featureCount))")
        }
        if outputCount != source.outputCount {
            try refuse("outputCount", outputCount, "must equal the source's outputCount (\(source.outputCount))")
        }
        if let columns, featureCount != columns.features.count {
            try refuse("featureCount", featureCount, "must equal the number of feature columns (\(columns.features.count))")
        }
        if let columns, outputCount != columns.targets.count {
            try refuse("outputCount", outputCount, "must equal the number of target columns (\(columns.targets.count))")
        }
        if columns == nil, xStride < featureCount { try refuse("xStride", xStride, "must be at least featureCount (\(featureCount))") }
        if columns == nil, yStride < outputCount { try refuse("yStride", yStride, "must be at least outputCount (\(outputCount))") }
        if sharing == nil, count != source.rows {
            try refuse("count", count, "must equal the source's rows (\(source.rows))")
        }
        if count < 0 { try refuse("count", count, "must be zero or more") }
    }
}

extension Rows {
    /// The threads a pass over these rows uses: `requested`, else every core in one process and
    /// one per rank for rows spread over processes (ranks usually share a machine's cores).
    func threads(_ requested: Int?) -> Int { requested ?? (sharing == nil ? Cores.available : 1) }
}
