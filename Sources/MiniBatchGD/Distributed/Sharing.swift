/// Where one process's rows sit among rows spread over a communicator's ranks: each rank holds
/// one contiguous part, in rank order.
struct Sharing {
    let communicator: any Communicator
    /// Rows held by each rank, in rank order.
    let rowsPerRank: [Int]
    /// Rows over all ranks.
    let total: Int
    /// The position of this rank's first row among all rows.
    let firstRow: Int

    init(communicator: any Communicator, rowsPerRank: [Int]) {
        self.communicator = communicator
        self.rowsPerRank = rowsPerRank
        total = rowsPerRank.reduce(0, +)
        firstRow = rowsPerRank[..<communicator.rank].reduce(0, +)
    }

    /// `total` rows dealt to `ranks` ranks as evenly as they go: the first `total % ranks` ranks
    /// take one row more.
    static func split(_ total: Int, ranks: Int) -> [Int] {
        (0..<ranks).map { total / ranks + ($0 < total % ranks ? 1 : 0) }
    }
}

extension Rows {
    /// Rows over every rank sharing them (``count`` for rows held whole).
    var totalCount: Int { sharing?.total ?? count }

    /// The sums of `values` over the ranks sharing these rows (`values` itself when unshared).
    func sum(_ values: [Double]) -> [Double] { sharing?.communicator.sum(values) ?? values }

    /// The sum of `value` over the ranks sharing these rows.
    func sum(_ value: Double) -> Double { sharing?.communicator.sum(value) ?? value }

    /// The elementwise maxima of `values` over the ranks sharing these rows.
    func maximum(_ values: [Double]) -> [Double] { sharing?.communicator.maximum(values) ?? values }

    /// The maximum of `value` over the ranks sharing these rows.
    func maximum(_ value: Double) -> Double { sharing?.communicator.maximum(value) ?? value }

    /// Sums `values` in place over the ranks sharing these rows.
    func sum(_ values: UnsafeMutablePointer<Double>, count: Int) {
        sharing?.communicator.sum(UnsafeMutableBufferPointer(start: values, count: count))
    }

    /// `body`, this process's own work, agreed on by every rank sharing these rows (see
    /// ``Communicator/agree(_:)``); simply `body` for rows held whole.
    func agreeing<Result>(_ body: () throws -> Result) throws -> Result {
        guard let sharing else { return try body() }
        return try sharing.communicator.agree(body)
    }
}
