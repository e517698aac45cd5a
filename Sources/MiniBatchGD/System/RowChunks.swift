/// Rows `0..<rows` cut into chunks of ``chunkRows`` rows, for a pass whose chunks each make a
/// part (a sum, a maximum, moments) that is then merged.
///
/// The cut is set by the caller from the data's shape alone, never from the thread count, and
/// ``reduce(on:_:merge:)`` merges the parts in chunk order: a pass gives the same bits on one
/// thread or many. Every one-off pass over the rows (moments, scale and finiteness checks,
/// residual sums, metrics) reduces through it; the per-epoch gradient passes
/// (``ChunkedGradient``, ``RefinementGradient``) cut their rows with it and keep their parts in
/// slots sized once per fit, so that an epoch allocates nothing.
struct RowChunks {
    /// The rows cut.
    let rows: Int
    /// Rows per chunk (the last may hold fewer).
    let chunkRows: Int

    /// `rows` rows in chunks of `chunkRows` (at least 1).
    init(rows: Int, chunkRows: Int) {
        self.rows = Swift.max(0, rows)
        self.chunkRows = Swift.max(1, chunkRows)
    }

    /// How many chunks: at least one, empty when there are no rows.
    var count: Int { Swift.max(1, (rows + chunkRows - 1) / chunkRows) }

    /// The rows of chunk `chunk`.
    func range(_ chunk: Int) -> Range<Int> { Swift.min(rows, chunk * chunkRows)..<Swift.min(rows, (chunk + 1) * chunkRows) }

    /// `part` of every chunk, run on `pool`'s threads (nil or a single chunk: this thread), merged
    /// into the first chunk's part in chunk order.
    func reduce<Part>(on pool: WorkerPool?, _ part: @escaping (Range<Int>) -> Part, merge: (inout Part, Part) -> Void) -> Part {
        guard count > 1 else { return part(range(0)) }
        let parts = (pool ?? WorkerPool(threads: 1)).map(chunks: count) { part(range($0)) }
        var result = parts[0]
        for next in parts.dropFirst() { merge(&result, next) }
        return result
    }
}
