/// How a pass over rows sums when the rows are spread over ranks, each holding a contiguous
/// share in rank order: rank 0 runs its rows from the start, then hands its running sums to
/// rank 1, which goes on with its own rows, and so on (one exchange a rank). Every sum is then
/// added in the one-process loop's order, so it is that loop's bits on any number of ranks; in
/// one process it is the loop itself.
struct RowFold {
    /// Rows over every rank.
    let rows: Int
    /// This rank's first row among every rank's.
    let firstRow: Int
    /// The ranks; nil in one process.
    let communicator: (any Communicator)?

    /// One process holding all `rows`.
    static func single(rows: Int) -> RowFold { RowFold(rows: rows, firstRow: 0, communicator: nil) }

    /// Runs `pass` (this rank's rows, going on from `accumulator`) on each rank in turn; every
    /// rank ends with the last rank's `accumulator`.
    func callAsFunction(_ accumulator: inout [Double], _ pass: (inout [Double]) -> Void) {
        guard let communicator, communicator.size > 1 else { return pass(&accumulator) }
        for rank in 0..<communicator.size {
            if rank == communicator.rank { pass(&accumulator) }
            // A gather moves the bits as they are (a sum would turn −0 into +0).
            accumulator = communicator.gather(accumulator)[rank]
        }
    }

    /// The largest `value` over the ranks (a maximum is the same in any order).
    func maximum(_ value: Double) -> Double { communicator?.maximum(value) ?? value }

    /// This rank's part of a per-row array of every rank's rows.
    func local(_ values: [Double]?, rowsHere: Int) -> [Double]? {
        guard let values, communicator != nil else { return values }
        return Array(values[firstRow..<firstRow + rowsHere])
    }
}
