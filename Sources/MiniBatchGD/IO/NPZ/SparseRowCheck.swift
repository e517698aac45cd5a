/// The checks each row of a CSR file gets, whoever reads it (``SparseDataset/load(npz:targets:featureCount:)``
/// into memory, or ``SparseConversion`` row by row): column indices in range, values finite,
/// entries sorted by column when scipy left them out of order (as `m.sort_indices()` would), and a
/// repeated column refused (scipy sums them; this reader does not guess).
enum SparseRowCheck {
    /// Why a row was refused; `entry` is 1-based, in the row as stored.
    enum Problem: Error {
        case columnOutOfRange(entry: Int, column: Int32)
        case notFinite(entry: Int, column: Int32)
        case repeated(column: Int32)

        /// The reason, after "row i" (or "row i, entry e") in the reader's message.
        func reason(features p: Int, notFiniteHint: String = " (NaN or infinity)") -> String {
            switch self {
            case let .columnOutOfRange(_, column): "column index \(column) is outside 0..<\(p) (the matrix's \(p) columns, 0-based)"
            case let .notFinite(_, column): "the value of column \(column) is not finite\(notFiniteHint)"
            case let .repeated(column):
                "column index \(column) appears twice (scipy sums repeated entries): call m.sum_duplicates() before saving"
            }
        }

        /// "row i, entry e" or "row i" for row `row` (1-based).
        func place(row: Int) -> String {
            switch self {
            case let .columnOutOfRange(entry, _), let .notFinite(entry, _): "row \(row), entry \(entry)"
            case .repeated: "row \(row)"
            }
        }
    }

    /// Checks the `count` entries at `columns` and `values` against `p` columns, sorting them in
    /// place when out of order (`scratch` reused across rows); returns whether it sorted them.
    static func check<Value: BinaryFloatingPoint>(
        columns: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Value>, count: Int, features p: Int,
        scratch: inout [(Int32, Value)]
    ) throws(Problem) -> Bool {
        var ordered = true
        for e in 0..<count {
            guard columns[e] >= 0, Int(columns[e]) < p else { throw .columnOutOfRange(entry: e + 1, column: columns[e]) }
            guard values[e].isFinite else { throw .notFinite(entry: e + 1, column: columns[e]) }
            if e > 0, columns[e] <= columns[e - 1] { ordered = false }
        }
        guard !ordered else { return false }
        scratch.removeAll(keepingCapacity: true)
        for e in 0..<count { scratch.append((columns[e], values[e])) }
        scratch.sort { $0.0 < $1.0 }
        for e in 0..<count { (columns[e], values[e]) = scratch[e] }
        for e in 1..<count where columns[e] == columns[e - 1] { throw .repeated(column: columns[e]) }
        return true
    }
}
