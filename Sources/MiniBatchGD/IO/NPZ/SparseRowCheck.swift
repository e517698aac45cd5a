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

    /// Checks the `count` entries from `start` where they lie (a mapped file, which cannot be
    /// sorted), with the faults ``check(columns:values:count:features:scratch:)`` finds in the
    /// same order; returns false when the entries are out of order (then they need that sort).
    static func checkInPlace<Value: BinaryFloatingPoint & BitwiseCopyable>(
        columns: EntryPointer<Int32>, values: EntryPointer<Value>, start: Int, count: Int, features p: Int
    ) throws(Problem) -> Bool {
        var increasing = true
        var repeated: Int32?
        for e in 0..<count {
            let column = columns[start + e]
            guard column >= 0, Int(column) < p else { throw .columnOutOfRange(entry: e + 1, column: column) }
            guard values[start + e].isFinite else { throw .notFinite(entry: e + 1, column: column) }
            guard e > 0 else { continue }
            let previous = columns[start + e - 1]
            if column < previous {
                increasing = false
            } else if column == previous, repeated == nil {
                repeated = column
            }
        }
        guard increasing else { return false }
        // Never decreasing: the sort would leave the row as it is, and find this repeat first.
        if let repeated { throw .repeated(column: repeated) }
        return true
    }
}
