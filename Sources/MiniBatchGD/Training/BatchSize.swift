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

    public init(integerLiteral value: Int) { self = .rows(value) }

    /// The rows per batch for a training set of `n` rows.
    func resolved(for n: Int) -> Int {
        switch self {
        case .full: return n
        case let .rows(size): return size
        }
    }

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
struct Batches: RandomAccessCollection {
    let rowCount: Int
    let size: Int

    var startIndex: Int { 0 }
    var endIndex: Int { (rowCount + size - 1) / size }

    subscript(index: Int) -> Range<Int> {
        let start = index * size
        return start ..< Swift.min(start + size, rowCount)
    }
}
