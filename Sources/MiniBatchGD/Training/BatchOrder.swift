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
    /// The columns the rows are read from, when they are (an Arrow table's): every batch, or
    /// run of one, short enough for one thread is then gathered into the gather buffer, whatever the order.
    private let columns: RowColumns<Element>?

    /// - Parameters:
    ///   - weighted: whether batches carry row weights (gathered with their rows).
    ///   - columns: the columns the rows are read from, or nil for rows at a pointer with strides.
    init(
        rows: Int, features p: Int, outputs k: Int, batches: Batches, shuffle: Shuffle, weighted: Bool = false,
        columns: RowColumns<Element>? = nil
    ) {
        self.columns = columns
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
        // A batch long enough to share between threads is gathered chunk by chunk by them
        // (``ChunkedGradient``); only shorter ones come here.
        let room = Swift.min(batches.size, 2 * ChunkedGradient<Element>.chunkRows(features: p, outputs: k))
        if shufflesBlocks {
            let blocks = Buffer<Int>(repeating: 0, count: cursor.blocks)
            for i in 0..<cursor.blocks { blocks.base[i] = i }
            blockOrder = blocks.base
            blockCount = cursor.blocks
            order = nil
            gatheredW = nil
            if columns != nil {
                let x = Buffer<Element>(repeating: 0, count: room * p), y = Buffer<Element>(repeating: 0, count: room * k)
                (gatheredX, gatheredY, owners) = (x.base, y.base, [blocks, x, y])
            } else {
                (gatheredX, gatheredY, owners) = (nil, nil, [blocks])
            }
        } else if shuffles {
            let permutation = Buffer<Int>(repeating: 0, count: rows)
            for i in 0..<rows { permutation.base[i] = i }
            let x = Buffer<Element>(repeating: 0, count: room * p), y = Buffer<Element>(repeating: 0, count: room * k)
            let w = Buffer<Double>(repeating: 0, count: weighted ? room : 0)
            order = permutation.base
            gatheredX = x.base
            gatheredY = y.base
            gatheredW = weighted ? w.base : nil
            owners = [permutation, x, y, w]
            blockOrder = nil
            blockCount = 0
        } else if columns != nil {
            // Batches in order, gathered from the columns (their weights stay in place).
            let x = Buffer<Element>(repeating: 0, count: room * p), y = Buffer<Element>(repeating: 0, count: room * k)
            (gatheredX, gatheredY, owners) = (x.base, y.base, [x, y])
            order = nil
            gatheredW = nil
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
        if let columns { return gather(columns, range, w: w) }
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

    /// ``batch(_:x:ldx:y:ldy:w:)`` for rows read from columns: the batch's rows, in this epoch's
    /// order or in place order, gathered into the gather buffer (strides p and k, as a row-major copy has).
    private func gather(
        _ columns: RowColumns<Element>, _ range: Range<Int>, w: UnsafePointer<Double>?
    ) -> (x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int, w: UnsafePointer<Double>?) {
        let x = gatheredX!, y = gatheredY!, b = range.count
        guard let order else {
            RowColumns<Element>.gather(columns.features, from: range.lowerBound, rows: b, into: x, stride: p)
            RowColumns<Element>.gather(columns.targets, from: range.lowerBound, rows: b, into: y, stride: k)
            return (UnsafePointer(x), p, UnsafePointer(y), k, w.map { $0 + range.lowerBound })
        }
        let picked = order + range.lowerBound
        RowColumns<Element>.gather(columns.features, picked: picked, rows: b, into: x, stride: p)
        RowColumns<Element>.gather(columns.targets, picked: picked, rows: b, into: y, stride: k)
        if let w, let gatheredW { for i in 0..<b { gatheredW[i] = w[picked[i]] } }
        return (UnsafePointer(x), p, UnsafePointer(y), k, gatheredW.map { UnsafePointer($0) })
    }

    /// With block shuffling and rows read from columns: rows `start..<start + count` (a run, at most
    /// a batch too short to share between threads) gathered into the gather buffer, strides p and k.
    @inline(__always)
    func gatherRun(_ columns: RowColumns<Element>, start: Int, count: Int) -> (x: UnsafePointer<Element>, y: UnsafePointer<Element>) {
        RowColumns<Element>.gather(columns.features, from: start, rows: count, into: gatheredX!, stride: p)
        RowColumns<Element>.gather(columns.targets, from: start, rows: count, into: gatheredY!, stride: k)
        return (UnsafePointer(gatheredX!), UnsafePointer(gatheredY!))
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
