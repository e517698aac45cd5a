import CMiniBatchGD
import MiniBatchGD

/// An Arrow array the library has taken over (moved, as the C data interface lets a consumer
/// move it): its release callback runs once, when the last rows reading it are gone, and the
/// producer's buffers stay alive until then.
final class ArrowOwner: @unchecked Sendable {
    private let array: UnsafeMutablePointer<ArrowArray>

    /// Moves `source` here (a bitwise copy) and marks it released, as the specification says a
    /// moved structure must be, so that whoever holds it does not release it too.
    init(moving source: UnsafeMutablePointer<ArrowArray>) {
        array = .allocate(capacity: 1)
        array.initialize(to: source.pointee)
        source.pointee.release = nil
    }

    deinit {
        // The parent's release releases its children (the columns) too.
        if let release = array.pointee.release { release(array) }
        array.deallocate()
    }
}

/// Rows of an Arrow table read in place, column by column (``RowColumns``): a ``RowSource``
/// whose every pass (a solve, a descent, the accumulator, online learning) gathers its blocks or
/// batches from the columns, and a row-major copy (``copied()``) for the few fits that would
/// differ from the copy's (``descendsInPlace(_:)``).
struct ArrowRows<Element: BLASScalar>: RowSource, @unchecked Sendable {
    let owner: ArrowOwner
    let columns: RowColumns<Element>
    let rows: Int
    let featureNames: [String]
    let targetNames: [String]
    let weights: [Double]?

    var featureCount: Int { columns.features.count }
    var outputCount: Int { columns.targets.count }

    func withRows<Result>(_ body: (Rows<Element>) throws -> Result) rethrows -> Result {
        try withExtendedLifetime(owner) { try body(Rows(count: rows, columns: columns)) }
    }

    /// The first rows train and the last test (columns read in place are never gathered by a
    /// shuffle); the seed is not used.
    func split(testFraction: Double, shuffleSeed: UInt64?) throws -> (train: Self, test: Self) {
        let test = try heldOutRowCount(rows: rows, testFraction: testFraction), train = rows - test
        func part(_ start: Int, _ count: Int) -> Self {
            Self(
                owner: owner, columns: start == 0 ? columns : columns.dropping(first: start), rows: count, featureNames: featureNames,
                targetNames: targetNames, weights: weights.map { Array($0[start..<start + count]) })
        }
        return (part(0, train), part(train, test))
    }

    /// Whether a descent with `configuration` reads these rows in place with the bits of their
    /// row-major copy: not when a part is held out (a data set in memory splits off a seeded
    /// shuffle of its rows, rows read in place their last rows) nor with rows of weight 0 (a data
    /// set in memory leaves them out): those fits still train on the copy, as they always have.
    func descendsInPlace(_ configuration: GradientDescent) -> Bool {
        configuration.earlyStopping?.validationFraction == nil && !(weights?.contains(0) ?? false)
    }

    /// The rows copied into a row-major data set, a block of 512 rows at a time (exact): for the
    /// descents ``descendsInPlace(_:)`` refuses.
    func copied() throws -> Dataset<Element> {
        try MemoryBudget.require(
            MemoryBudget.bytes(of: Element.self, [rows, featureCount + outputCount]), for: "copying the table (\(rows) rows)")
        let table = ColumnTable(
            rows: rows,
            columns: (columns.features + columns.targets).enumerated().map { ColumnTable.Column(name: "\($0.offset)", values: $0.element) })
        let p = featureCount
        return try withExtendedLifetime(owner) {
            try Dataset(
                features: Matrix(rows: rows, columns: p, elements: table.rowMajor(Array(0..<p), as: Element.self)),
                targets: Matrix(rows: rows, columns: outputCount, elements: table.rowMajor(Array(p..<p + outputCount), as: Element.self)),
                featureNames: featureNames, targetNames: targetNames, weights: weights)
        }
    }
}
