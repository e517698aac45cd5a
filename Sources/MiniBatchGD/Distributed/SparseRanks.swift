/// The sparse descent's view of rows spread over ranks (``DistributedSparseDataset``): this
/// rank's own rows, and what every rank keeps of every row so that it can lay out any batch
/// alike — where the row's entries start, its targets and its weight (8 + 8k bytes a row, and
/// 8 with weights, against 12 a stored entry). Sums over the rows go along the ranks in rank
/// order (``RowFold``), so they are the one-process bits on any number of ranks.
final class SparseRanks<Element: BLASScalar>: @unchecked Sendable {
    let communicator: any Communicator
    /// This rank's rows.
    let local: SparseDataset<Element>
    /// The first row of each rank among every rank's, then the row count: K + 1.
    let firstRows: [Int]
    /// Where each row's entries start among every rank's, n + 1.
    let rowStarts: [Int]
    /// Every row's targets, n×k row-major.
    let targets: [Element]
    /// Every row's weight (nil: unweighted).
    let weights: [Double]?
    /// The most entries of one row, over every rank.
    let widestRow: Int

    /// Every rank calls it with the same rows, in the same order.
    init(_ data: DistributedSparseDataset<Element>) {
        let local = data.local
        communicator = data.communicator
        self.local = local
        firstRows = data.rowsPerRank.reduce(into: [0]) { $0.append($0.last! + $1) }
        let lengths = Self.gathered((0..<local.rows).map { Double(local.rowStarts[$0 + 1] - local.rowStarts[$0]) }, data)
        var starts = [Int](repeating: 0, count: lengths.count + 1)
        for i in lengths.indices { starts[i + 1] = starts[i] + Int(lengths[i]) }
        rowStarts = starts
        targets = Self.gathered(local.targets.elements.map { Double($0) }, data, width: local.outputCount).map { Element($0) }
        weights = local.weights.map { Self.gathered($0, data) }
        var widest = 0
        for i in 0..<local.rows { widest = Swift.max(widest, local.rowStarts[i + 1] - local.rowStarts[i]) }
        widestRow = Int(data.communicator.maximum(Double(widest)))
    }

    /// Rows over every rank.
    var rows: Int { firstRows.last! }
    /// This rank's first row among every rank's.
    var firstRow: Int { firstRows[communicator.rank] }
    /// Stored entries over every rank.
    var nonzeros: Int { rowStarts.last! }
    /// The rank order of the passes over the rows.
    var fold: RowFold { RowFold(rows: rows, firstRow: firstRow, communicator: communicator) }

    /// The rank holding row `i` (of every rank's).
    @inline(__always)
    func owner(of i: Int) -> Int {
        var low = 0, high = firstRows.count - 2
        while low < high {
            let middle = (low + high + 1) / 2
            if firstRows[middle] <= i { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Every rank's `values` (`width` a row of its share) joined in rank order: one exchange of
    /// the largest share, each rank's padded to it.
    private static func gathered(_ values: [Double], _ data: DistributedSparseDataset<Element>, width: Int = 1) -> [Double] {
        let largest = (data.rowsPerRank.max() ?? 0) * width
        let padded = values + [Double](repeating: 0, count: largest - values.count)
        let all = data.communicator.gather(padded)
        return data.rowsPerRank.indices.flatMap { all[$0].prefix(data.rowsPerRank[$0] * width) }
    }
}
