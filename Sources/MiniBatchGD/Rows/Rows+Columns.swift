/// The columns behind ``Rows`` that are read in place column by column (an Arrow table's
/// float64 and float32 columns): each feature and target in its own buffer, row i at `[i]`.
///
/// Such rows have no row-major layout for a pointer and a stride to describe, so their `x` and
/// `y` point at one row of NaNs with stride 0: a pass that read them directly instead of
/// through the block accessors (``Rows/copyFeatures(from:rows:into:)`` and the others, which
/// gather a block of rows from the columns) would meet NaNs, never another buffer's memory.
package final class RowColumns<Element: BLASScalar>: @unchecked Sendable {
    package let features: [ColumnTable.Values]
    package let targets: [ColumnTable.Values]
    /// The NaNs `x` and `y` point at (max(p, k, 1) of them).
    let placeholder: UnsafeMutablePointer<Element>

    package init(features: [ColumnTable.Values], targets: [ColumnTable.Values]) {
        self.features = features
        self.targets = targets
        let count = Swift.max(features.count, targets.count, 1)
        placeholder = .allocate(capacity: count)
        placeholder.initialize(repeating: .nan, count: count)
    }

    deinit { placeholder.deallocate() }

    /// Rows `start..<start + rows` of `columns` into `destination`, row r at `destination + r·stride`,
    /// column j at offset j, converted to `Target` (exact for every use: a `Float` column widens
    /// into `Double`, and a row type of `Float` is only chosen when every column is `Float`).
    @inline(__always)
    static func gather<Target: BLASScalar>(
        _ columns: [ColumnTable.Values], from start: Int, rows: Int, into destination: UnsafeMutablePointer<Target>, stride: Int
    ) {
        // Concrete loops: a generic conversion per value would cost a call each.
        let raw = UnsafeMutableRawPointer(destination)
        if Target.self == Double.self {
            gather(columns, from: start, rows: rows, into: raw.assumingMemoryBound(to: Double.self), stride: stride)
        } else {
            gather(columns, from: start, rows: rows, into: raw.assumingMemoryBound(to: Float.self), stride: stride)
        }
    }

    private static func gather(
        _ columns: [ColumnTable.Values], from start: Int, rows: Int, into destination: UnsafeMutablePointer<Double>, stride: Int
    ) {
        // Tiles of 64 rows, column by column within each: every column is read in runs of 64
        // contiguous values, and the tile being written (64 rows, 16 KiB at 32 Double columns)
        // stays in the first-level cache however long the block is.
        var tile = 0
        while tile < rows {
            let end = Swift.min(tile + 64, rows)
            for (j, column) in columns.enumerated() {
                switch column {
                case let .double(values):
                    for r in tile..<end { destination[r * stride + j] = values[start + r] }
                case let .float(values):
                    for r in tile..<end { destination[r * stride + j] = Double(values[start + r]) }
                }
            }
            tile = end
        }
    }

    private static func gather(
        _ columns: [ColumnTable.Values], from start: Int, rows: Int, into destination: UnsafeMutablePointer<Float>, stride: Int
    ) {
        var tile = 0
        while tile < rows {
            let end = Swift.min(tile + 64, rows)
            for (j, column) in columns.enumerated() {
                switch column {
                case let .double(values):
                    for r in tile..<end { destination[r * stride + j] = Float(values[start + r]) }
                case let .float(values):
                    for r in tile..<end { destination[r * stride + j] = values[start + r] }
                }
            }
            tile = end
        }
    }

    /// The rows at `picked[0..<rows]` of `columns` into `destination`, row r at
    /// `destination + r·stride` (a batch of rows shuffled one by one), in the columns' own type:
    /// `Target` is the rows' element type, `Float` only when every column is.
    @inline(__always)
    static func gather<Target: BLASScalar>(
        _ columns: [ColumnTable.Values], picked: UnsafePointer<Int>, rows: Int, into destination: UnsafeMutablePointer<Target>,
        stride: Int
    ) {
        let raw = UnsafeMutableRawPointer(destination)
        if Target.self == Double.self {
            let destination = raw.assumingMemoryBound(to: Double.self)
            for (j, column) in columns.enumerated() {
                switch column {
                case let .double(values): for r in 0..<rows { destination[r * stride + j] = values[picked[r]] }
                case let .float(values): for r in 0..<rows { destination[r * stride + j] = Double(values[picked[r]]) }
                }
            }
        } else {
            let destination = raw.assumingMemoryBound(to: Float.self)
            for (j, column) in columns.enumerated() {
                switch column {
                case let .double(values): for r in 0..<rows { destination[r * stride + j] = Float(values[picked[r]]) }
                case let .float(values): for r in 0..<rows { destination[r * stride + j] = values[picked[r]] }
                }
            }
        }
    }

    /// The same columns from row `start` on (a part of the rows, for a split).
    package func dropping(first start: Int) -> RowColumns {
        func shifted(_ values: ColumnTable.Values) -> ColumnTable.Values {
            switch values {
            case let .double(pointer): .double(pointer + start)
            case let .float(pointer): .float(pointer + start)
            }
        }
        return RowColumns(features: features.map(shifted), targets: targets.map(shifted))
    }
}

extension Rows {
    /// `count` rows read in place from `columns`, one buffer per feature and per target.
    package init(count: Int, columns: RowColumns<Element>) {
        self.init(
            count: count, featureCount: columns.features.count, outputCount: columns.targets.count, x: columns.placeholder, xStride: 0,
            y: columns.placeholder, yStride: 0)
        self.columns = columns
    }

    /// Whether these rows are read column by column (``RowColumns``) instead of by a stride.
    var isColumnar: Bool { columns != nil }

    /// Target `o` of row `i`, as `Double`.
    @inline(__always)
    func target(_ i: Int, _ o: Int) -> Double {
        guard let columns else { return Double(y[i * yStride + o]) }
        return columns.targets[o].value(i)
    }

    /// `body` with rows `start..<start + count` of X and Y in their own type and their strides:
    /// in place for strided rows, else gathered into `scratchX` and `scratchY` (room for
    /// `count·p` and `count·k` values; strides p and k) — for kernels that read `Element`s.
    @inline(__always)
    func withBlock<Result>(
        from start: Int, rows count: Int, scratchX: UnsafeMutablePointer<Element>, scratchY: UnsafeMutablePointer<Element>,
        _ body: (UnsafePointer<Element>, Int, UnsafePointer<Element>, Int) throws -> Result
    ) rethrows -> Result {
        guard let columns else { return try body(x + start * xStride, xStride, y + start * yStride, yStride) }
        RowColumns<Element>.gather(columns.features, from: start, rows: count, into: scratchX, stride: featureCount)
        RowColumns<Element>.gather(columns.targets, from: start, rows: count, into: scratchY, stride: outputCount)
        return try body(scratchX, featureCount, scratchY, outputCount)
    }

    /// `body(start, count, x, ldx, y, ldy)` over all the rows in order: rows with strides in one
    /// call, in place; columnar rows `blockRows` at a time, gathered into scratch allocated once
    /// for the call (strides p and k). For per-fit passes whose arithmetic per row does not
    /// depend on the block (the same bits either way), never inside the batch loop.
    func forEachBlock(
        blockRows: Int = 4096, _ body: (Int, Int, UnsafePointer<Element>, Int, UnsafePointer<Element>, Int) throws -> Void
    ) rethrows {
        guard isColumnar else { return try body(0, count, x, xStride, y, yStride) }
        let room = Swift.max(1, Swift.min(blockRows, count))
        let scratchX = UnsafeMutablePointer<Element>.allocate(capacity: room * featureCount)
        let scratchY = UnsafeMutablePointer<Element>.allocate(capacity: room * outputCount)
        defer {
            scratchX.deallocate()
            scratchY.deallocate()
        }
        var start = 0
        while start < count {
            let rows = Swift.min(room, count - start)
            try withBlock(from: start, rows: rows, scratchX: scratchX, scratchY: scratchY) { try body(start, rows, $0, $1, $2, $3) }
            start += rows
        }
    }

    /// The largest magnitude of each of `columns` over rows `range`, each scaled by √wᵢ when
    /// `weights` are given (the columnar half of ``checkRepresentableScale(featureNames:targetNames:weights:pool:)``).
    func columnMaxima(_ columns: [ColumnTable.Values], rows range: Range<Int>, weights: [Double]?) -> [Double] {
        columns.map { column in
            // A concrete loop per column type (a generic conversion per value would be a call).
            var largest = 0.0
            switch (column, weights) {
            case let (.double(values), nil): for i in range { largest = Swift.max(largest, abs(values[i])) }
            case let (.float(values), nil): for i in range { largest = Swift.max(largest, abs(Double(values[i]))) }
            case let (.double(values), weights?):
                for i in range { largest = Swift.max(largest, weights[i].squareRoot() * abs(values[i])) }
            case let (.float(values), weights?):
                for i in range { largest = Swift.max(largest, weights[i].squareRoot() * abs(Double(values[i]))) }
            }
            return largest
        }
    }
}
