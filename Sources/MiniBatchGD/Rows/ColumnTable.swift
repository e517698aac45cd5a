/// Columns of one table, each in its own buffer of `Double` or `Float` values (an Arrow record
/// batch's float64 and float32 columns, each with its own offset already applied), gathered a
/// block of rows at a time into the row-major layout the library's ``Rows`` and kernels read.
///
/// The gather is exact: a `Float` column widened to `Double` keeps every bit, and a column read
/// as its own type is copied bit for bit; so rows gathered by blocks are the rows a copy of the
/// whole table holds, whatever the block size.
package struct ColumnTable: @unchecked Sendable {
    /// Where one column's values lie: row i at `values[i]`.
    package enum Values {
        case double(UnsafePointer<Double>)
        case float(UnsafePointer<Float>)

        /// Whether the column holds `Float`s.
        package var isFloat: Bool {
            if case .float = self { return true }
            return false
        }

        /// Row `i`'s value, as `Double` (exact).
        @inline(__always)
        package func value(_ i: Int) -> Double {
            switch self {
            case let .double(values): values[i]
            case let .float(values): Double(values[i])
            }
        }
    }

    /// One named column.
    package struct Column {
        package let name: String
        package let values: Values

        package init(name: String, values: Values) {
            self.name = name
            self.values = values
        }
    }

    /// The rows every column has.
    package let rows: Int
    package let columns: [Column]

    /// A table of `rows` rows in `columns` (each with at least that many values; not copied).
    package init(rows: Int, columns: [Column]) {
        self.rows = rows
        self.columns = columns
    }

    /// The first row of `column` whose value is a NaN or an infinity, and that value; nil when
    /// every value is finite. One contiguous pass per column.
    package func firstNonFinite(in column: Int) -> (row: Int, value: Double)? {
        switch columns[column].values {
        case let .double(values):
            for i in 0..<rows where !values[i].isFinite { return (i, values[i]) }
        case let .float(values):
            for i in 0..<rows where !values[i].isFinite { return (i, Double(values[i])) }
        }
        return nil
    }

    /// Writes rows `range` of the columns `selection` (indices into ``columns``) into
    /// `destination` row-major, row r of the range at `destination + r·stride`, column
    /// `selection[j]` at offset j, converted to `Element` (`Float` columns widen exactly into
    /// `Double`; a `Double` column into `Float` rounds, as `Float(value)` does).
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    package func gather<Element: BLASScalar>(
        _ selection: [Int], rows range: Range<Int>, into destination: UnsafeMutablePointer<Element>, stride: Int
    ) {
        // Column by column over a block: each column is read contiguously, and a block of a few
        // hundred rows of the destination stays in cache while its columns are filled in.
        for (j, index) in selection.enumerated() {
            switch columns[index].values {
            case let .double(values):
                for (r, i) in range.enumerated() { destination[r * stride + j] = Element(values[i]) }
            case let .float(values):
                for (r, i) in range.enumerated() { destination[r * stride + j] = Element(values[i]) }
            }
        }
    }

    /// Rows `0..<rows` of the columns `selection` as one row-major array of `Element`s, gathered
    /// in blocks of `blockRows` rows (the copy a row-major data set is made of).
    package func rowMajor<Element: BLASScalar>(_ selection: [Int], as type: Element.Type, blockRows: Int = 512) -> [Element] {
        let width = selection.count
        return [Element](unsafeUninitializedCapacity: rows * width) { buffer, initialized in
            guard let base = buffer.baseAddress, width > 0 else { return initialized = 0 }
            var start = 0
            while start < rows {
                let end = Swift.min(start + Swift.max(blockRows, 1), rows)
                gather(selection, rows: start..<end, into: base + start * width, stride: width)
                start = end
            }
            initialized = rows * width
        }
    }
}
