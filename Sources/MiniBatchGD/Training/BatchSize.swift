/// How many rows each gradient step sees. The three variants of gradient descent:
/// - ``full``: batch gradient descent, one step per epoch over all rows;
/// - `1` (``stochastic``): stochastic gradient descent, one step per row;
/// - any other size: mini-batch gradient descent.
///
/// An integer literal works where a `BatchSize` is expected: `batchSize: 32`.
public enum BatchSize: Equatable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// All training rows in one batch.
    case full
    /// Batches of this many rows; the last batch of an epoch holds the remainder, once.
    case rows(Int)

    /// One row per step.
    public static let stochastic = BatchSize.rows(1)

    /// `batchSize: 32` means ``rows(_:)`` of 32.
    public init(integerLiteral value: Int) { self = .rows(value) }

    /// The rows per batch for a training set of `n` rows.
    func resolved(for n: Int) -> Int {
        switch self {
        case .full: return n
        case let .rows(size): return size
        }
    }

    /// `full` or the number of rows.
    public var description: String {
        switch self {
        case .full: return "full"
        case let .rows(size): return String(size)
        }
    }
}

/// The row ranges of one epoch's batches, in order: ⌈n / size⌉ batches, every row in exactly
/// one, the last one holding the remainder when `size` does not divide `n`: never empty,
/// never repeated.
///
/// A rank's share of batches spread over processes is cut by count instead
/// (``init(rowCount:parts:stagger:)``): `parts` batches of ⌊n/parts⌋ or ⌈n/parts⌉ rows, some of
/// them empty when n < parts, so that every rank has as many batches as the whole data.
struct Batches: RandomAccessCollection {
    let rowCount: Int
    /// Rows of the largest batch.
    let size: Int
    /// The number of batches, when cut by count.
    private let parts: Int?
    /// Where the cuts fall, when cut by count (below `parts`).
    private let stagger: Int

    init(rowCount: Int, size: Int) {
        self.rowCount = rowCount
        self.size = size
        parts = nil
        stagger = 0
    }

    /// `parts` batches (at least one) of nearly equal size over `rowCount` rows: batch i holds
    /// rows ⌊(i·n + s)/parts⌋ ..< ⌊((i+1)·n + s)/parts⌋ for the stagger s in 0..<parts. Ranks with
    /// fewer rows than batches hold one row in some batches and none in others; staggered by
    /// rank (s = ⌊rank·parts/ranks⌋), their rows fall into different batches, so that no batch of
    /// the whole data is left empty while another gets a row from every rank.
    init(rowCount: Int, parts: Int, stagger: Int = 0) {
        self.rowCount = rowCount
        self.parts = parts
        self.stagger = stagger
        size = rowCount / parts + (rowCount % parts == 0 ? 0 : 1)
    }

    var startIndex: Int { 0 }
    var endIndex: Int { parts ?? (rowCount + size - 1) / size }

    subscript(index: Int) -> Range<Int> {
        guard let parts else {
            let start = index * size
            return start..<Swift.min(start + size, rowCount)
        }
        return boundary(index, parts)..<boundary(index + 1, parts)
    }

    /// ⌊(i·n + stagger)/parts⌋ without overflow of the product.
    private func boundary(_ i: Int, _ parts: Int) -> Int {
        let product = i.multipliedFullWidth(by: rowCount)
        let (low, carry) = product.low.addingReportingOverflow(UInt(stagger))
        return parts.dividingFullWidth((product.high + (carry ? 1 : 0), low)).quotient
    }
}

/// Walks an epoch's blocks in their shuffled order, handing out each batch as contiguous runs
/// of rows (``Shuffle/blocks(seed:rows:)``).
struct BlockCursor {
    let rows: Int
    let blockRows: Int
    /// ⌈rows / blockRows⌉, without the overflow of rows + blockRows − 1 for a huge block.
    var blocks: Int { rows / blockRows + (rows % blockRows == 0 ? 0 : 1) }
    private var position = 0
    private var offset = 0

    init(rows: Int, blockRows: Int) {
        self.rows = rows
        self.blockRows = blockRows
    }

    /// Starts a new epoch.
    mutating func reset() {
        position = 0
        offset = 0
    }

    /// The next run of rows (first row, row count) of a batch that still needs `remaining`
    /// rows, where `order` lists the block indices in this epoch's order.
    @inline(__always)
    mutating func nextRun(remaining: Int, order: UnsafePointer<Int>) -> (start: Int, count: Int) {
        let block = order[position]
        let size = Swift.min(blockRows, rows - block * blockRows)
        let length = Swift.min(size - offset, remaining)
        let start = block * blockRows + offset
        offset += length
        if offset == size {
            position += 1
            offset = 0
        }
        return (start, length)
    }

    /// Calls `body(firstRow, rowCount)` for each run making up the next `count` rows.
    mutating func take(_ count: Int, order: UnsafePointer<Int>, _ body: (Int, Int) -> Void) {
        var remaining = count
        while remaining > 0 {
            let run = nextRun(remaining: remaining, order: order)
            body(run.start, run.count)
            remaining -= run.count
        }
    }

    /// The position in the epoch's block order, for a checkpoint.
    var state: [Int] {
        get { [position, offset] }
        set { (position, offset) = (newValue[0], newValue[1]) }
    }
}
