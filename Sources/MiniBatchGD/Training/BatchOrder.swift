/// Which rows form each batch of an epoch, and where they sit in memory.
///
/// Rows in order, and block-shuffled batches (runs of rows), are handed out in place; a
/// row-shuffled batch is gathered into one reused buffer. Every mode visits every row exactly
/// once per epoch. All memory is allocated once per fit; the per-batch calls touch raw pointers
/// only (no reference counting in the batch loop).
final class BatchOrder<Element: BLASScalar> {
    let rows: Int, p: Int, k: Int
    let batches: Batches
    /// Whether a batch may be several runs of rows (block shuffling).
    let shufflesBlocks: Bool
    private var generator: RandomSource?
    // Owners of the permutation, gather and block-order memory, and raw views of them.
    private let owners: [AnyObject]
    private let order: UnsafeMutablePointer<Int>?
    private let gatheredX: UnsafeMutablePointer<Element>?, gatheredY: UnsafeMutablePointer<Element>?
    private let gatheredW: UnsafeMutablePointer<Double>?
    private let blockOrder: UnsafeMutablePointer<Int>?
    private let blockCount: Int
    private var cursor: BlockCursor

    /// - Parameter weighted: whether batches carry row weights (gathered with their rows).
    init(rows: Int, features p: Int, outputs k: Int, batches: Batches, shuffle: Shuffle, weighted: Bool = false) {
        self.rows = rows
        self.p = p
        self.k = k
        self.batches = batches
        let shuffles = shuffle.seed != nil && batches.count > 1
        generator = shuffles ? shuffle.seed.map { RandomSource(seed: $0) } : nil
        var blockRows: Int?
        // A block larger than the data is the data: one block.
        if shuffles, case let .blocks(_, size) = shuffle { blockRows = Swift.min(size, Swift.max(rows, 1)) }
        shufflesBlocks = blockRows != nil
        cursor = BlockCursor(rows: rows, blockRows: blockRows ?? Swift.max(rows, 1))
        if shufflesBlocks {
            let blocks = Buffer<Int>(repeating: 0, count: cursor.blocks)
            for i in 0..<cursor.blocks { blocks.base[i] = i }
            blockOrder = blocks.base
            blockCount = cursor.blocks
            owners = [blocks]
            order = nil
            gatheredX = nil
            gatheredY = nil
            gatheredW = nil
        } else if shuffles {
            let permutation = Buffer<Int>(repeating: 0, count: rows)
            for i in 0..<rows { permutation.base[i] = i }
            // A batch long enough to share between threads is gathered chunk by chunk by them
            // (``ChunkedGradient``); only shorter ones come here.
            let room = Swift.min(batches.size, 2 * ChunkedGradient<Element>.chunkRows(features: p, outputs: k))
            let x = Buffer<Element>(repeating: 0, count: room * p), y = Buffer<Element>(repeating: 0, count: room * k)
            let w = Buffer<Double>(repeating: 0, count: weighted ? room : 0)
            order = permutation.base
            gatheredX = x.base
            gatheredY = y.base
            gatheredW = weighted ? w.base : nil
            owners = [permutation, x, y, w]
            blockOrder = nil
            blockCount = 0
        } else {
            order = nil
            gatheredX = nil
            gatheredY = nil
            gatheredW = nil
            blockOrder = nil
            blockCount = 0
            owners = []
        }
    }

    /// Draws this epoch's order.
    func startEpoch() {
        guard var g = generator else { return }
        if let order { g.shuffle(UnsafeMutableBufferPointer(start: order, count: rows)) }
        if let blockOrder { g.shuffle(UnsafeMutableBufferPointer(start: blockOrder, count: blockCount)) }
        generator = g
        cursor.reset()
    }

    /// The rows of batch `range` (and their weights `w`, when weighted) as one run: in place (with
    /// the source's strides), or gathered by this epoch's permutation (dense; fewer than
    /// 2 · ``ChunkedGradient/chunkRows`` rows). Not for block shuffling (see ``nextRun(remaining:)``).
    @inline(__always)
    func batch(
        _ range: Range<Int>, x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int, w: UnsafePointer<Double>?
    ) -> (x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int, w: UnsafePointer<Double>?) {
        guard let order, let gatheredX, let gatheredY else {
            return (x + range.lowerBound * ldx, ldx, y + range.lowerBound * ldy, ldy, w.map { $0 + range.lowerBound })
        }
        if let w, let gatheredW {
            var slot = 0
            for position in range {
                gatheredW[slot] = w[order[position]]
                slot += 1
            }
        }
        // Narrow rows are copied element by element: a memmove call per row would cost more than the row.
        if p <= 16 && k == 1 {
            var slot = 0
            for position in range {
                let row = order[position]
                let source = x + row * ldx, target = gatheredX + slot * p
                for j in 0..<p { target[j] = source[j] }
                gatheredY[slot] = y[row * ldy]
                slot += 1
            }
        } else {
            var slot = 0
            for position in range {
                let row = order[position]
                (gatheredX + slot * p).update(from: x + row * ldx, count: p)
                (gatheredY + slot * k).update(from: y + row * ldy, count: k)
                slot += 1
            }
        }
        return (UnsafePointer(gatheredX), p, UnsafePointer(gatheredY), k, gatheredW.map { UnsafePointer($0) })
    }

    /// With rows shuffled one by one: the rows at positions `range` of this epoch's order (to
    /// gather them elsewhere, as ``ChunkedGradient`` does on several threads); nil otherwise.
    @inline(__always)
    func permutation(_ range: Range<Int>) -> UnsafePointer<Int>? {
        order.map { UnsafePointer($0 + range.lowerBound) }
    }

    /// With block shuffling: the next contiguous run (first row, row count) of a batch that
    /// still needs `remaining` rows. Batches must be taken in order.
    @inline(__always)
    func nextRun(remaining: Int) -> (start: Int, count: Int) {
        cursor.nextRun(remaining: remaining, order: blockOrder!)
    }

    /// Saves the generator, this epoch's order and the position in it.
    func saveState(to archive: inout CheckpointArchive) {
        if let generator { archive.set("order.generator", integers: generator.checkpointState.map { Int(bitPattern: UInt($0)) }) }
        if let order { archive.set("order.rows", integers: Array(UnsafeBufferPointer(start: order, count: rows))) }
        if let blockOrder { archive.set("order.blocks", integers: Array(UnsafeBufferPointer(start: blockOrder, count: blockCount))) }
        archive.set("order.cursor", integers: cursor.state)
    }

    /// Restores what ``saveState(to:)`` saved, checking that each order is a permutation (an
    /// index out of range would read outside the rows).
    func restoreState(from archive: CheckpointArchive) throws {
        if generator != nil {
            generator!.checkpointState = try archive.integers("order.generator", count: 6).map { UInt64(UInt(bitPattern: $0)) }
        }
        func restorePermutation(_ key: String, into target: UnsafeMutablePointer<Int>, count: Int) throws {
            let values = try archive.integers(key, count: count)
            var seen = [Bool](repeating: false, count: count)
            for value in values {
                guard value >= 0, value < count, !seen[value] else {
                    throw CheckpointError.damaged(path: archive.path, reason: "\(key) is not an order of \(count) items")
                }
                seen[value] = true
            }
            values.withUnsafeBufferPointer { target.update(from: $0.baseAddress!, count: count) }
        }
        if let order { try restorePermutation("order.rows", into: order, count: rows) }
        if let blockOrder { try restorePermutation("order.blocks", into: blockOrder, count: blockCount) }
        let state = try archive.integers("order.cursor", count: 2)
        guard state[0] >= 0, state[0] <= Swift.max(blockCount, cursor.blocks), state[1] >= 0, state[1] < cursor.blockRows else {
            throw CheckpointError.damaged(path: archive.path, reason: "order.cursor lies outside the rows")
        }
        cursor.state = state
    }
}
