/// A batch of the sparse descent over ranks: each rank sends the batch's rows it holds, in the
/// batch's order, every rank receives every rank's (one exchange a batch), and lays the batch
/// out as one process's rows 0..<b in the batch's order, so that every rank runs the
/// one-process step on it. Its buffers are sized once for the largest batch: a step allocates
/// nothing.
final class SparseBatchGather<Element: BLASScalar> {
    let ranks: SparseRanks<Element>
    /// The batch laid out: rows 0..<b of ``view``, their weights in ``weights``.
    let view: SparseRowsView<Element>
    /// 0, 1, …, b − 1: the batch's rows in ``view``.
    let positions: Buffer<Int>
    /// The batch's rows' weights (nil: unweighted).
    let weights: Buffer<Double>?
    /// The one-process step's threads on the laid-out batch.
    let shared: SparseSharedWork<Element>
    private let starts: Buffer<Int>, columns: Buffer<Int32>, values: Buffer<Element>, targets: Buffer<Element>
    private let send: Buffer<Double>, receive: Buffer<Double>, sent: Buffer<Int>, read: Buffer<Int>

    /// - Parameters:
    ///   - batchRows: the largest batch.
    ///   - rowWeights: every row's weight in the cost (nil: unweighted).
    init(
        _ ranks: SparseRanks<Element>, batchRows: Int, rowWeights: UnsafePointer<Double>?, threads: Int,
        residualMap: SparseResidualMap
    ) {
        self.ranks = ranks
        let k = ranks.local.outputCount, size = ranks.communicator.size
        let entries = Swift.min(ranks.nonzeros, batchRows * ranks.widestRow)
        let mine = Swift.min(ranks.local.nonzeros, entries)
        // Each rank's entries travel as its columns, then its values, exactly (both fit a Double).
        let largestShare = Int(ranks.communicator.maximum(Double(mine)))
        starts = Buffer(repeating: 0, count: batchRows + 1)
        columns = Buffer(repeating: 0, count: entries)
        values = Buffer(repeating: 0, count: entries)
        targets = Buffer(repeating: 0, count: batchRows * k)
        send = Buffer(repeating: 0, count: 2 * largestShare)
        receive = Buffer(repeating: 0, count: 2 * largestShare * size)
        sent = Buffer(repeating: 0, count: size)
        read = Buffer(repeating: 0, count: size)
        positions = Buffer(repeating: 0, count: batchRows)
        for t in 0..<batchRows { positions.base[t] = t }
        weights = rowWeights.map { _ in Buffer(repeating: 0, count: batchRows) }
        view = SparseRowsView(
            rows: batchRows, k: k, rowStarts: starts.base, columns: EntryPointer(columns.base), values: EntryPointer(values.base),
            targets: targets.base)
        // The batch's work is shared as one process shares it: by the whole data's mean row.
        shared = SparseSharedWork(
            view, features: ranks.local.featureCount, rowWeights: weights.map { UnsafePointer($0.base) }, threads: threads,
            batchRows: batchRows, certifying: false, residualMap: residualMap,
            meanRow: Double(ranks.nonzeros) / Double(Swift.max(ranks.rows, 1)))
    }

    /// Lays out the batch of rows `rows[0..<count]` (of every rank's) in ``view``.
    func gather(_ rows: UnsafePointer<Int>, count: Int, rowWeights: UnsafePointer<Double>?) {
        let communicator = ranks.communicator, me = communicator.rank, size = communicator.size
        let rowStarts = ranks.rowStarts, k = ranks.local.outputCount
        for r in 0..<size { sent.base[r] = 0 }
        for t in 0..<count {
            let i = rows[t]
            sent.base[ranks.owner(of: i)] += rowStarts[i + 1] - rowStarts[i]
        }
        var share = 0
        for r in 0..<size { share = Swift.max(share, sent.base[r]) }
        // This rank's rows of the batch, in the batch's order: columns at 0..<share, values after.
        let local = ranks.local, first = ranks.firstRow, end = ranks.firstRows[me + 1]
        var written = 0
        local.rowStarts.withUnsafeBufferPointer { localStarts in
            local.columnIndices.withPointer { localColumns in
                local.values.withPointer { localValues in
                    for t in 0..<count where rows[t] >= first && rows[t] < end {
                        let row = rows[t] - first
                        for position in localStarts[row]..<localStarts[row + 1] {
                            send.base[written] = Double(localColumns[position])
                            send.base[share + written] = Double(localValues[position])
                            written += 1
                        }
                    }
                }
            }
        }
        communicator.gather(
            UnsafeBufferPointer(start: send.base, count: 2 * share),
            into: UnsafeMutableBufferPointer(start: receive.base, count: 2 * share * size))
        for r in 0..<size { read.base[r] = 0 }
        var entry = 0
        for t in 0..<count {
            let i = rows[t], owner = ranks.owner(of: i), from = owner * 2 * share + read.base[owner]
            let length = rowStarts[i + 1] - rowStarts[i]
            for e in 0..<length {
                columns.base[entry + e] = Int32(receive.base[from + e])
                values.base[entry + e] = Element(receive.base[from + share + e])
            }
            read.base[owner] += length
            entry += length
            starts.base[t + 1] = entry
            for o in 0..<k { targets.base[t * k + o] = ranks.targets[i * k + o] }
            if let weights, let rowWeights { weights.base[t] = rowWeights[i] }
        }
    }
}
