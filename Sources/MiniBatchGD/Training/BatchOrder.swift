/// Which rows form each batch of an epoch, and where they sit in memory.
///
/// Rows in order, and block-shuffled batches (runs of rows), are handed out in place; a
/// row-shuffled batch is gathered into one reused buffer. Every mode visits every row exactly
/// once per epoch. All memory is allocated once per fit.
final class BatchOrder {
    let rows: Int, p: Int, k: Int
    let batches: Batches
    private var generator: RandomSource?
    /// The row permutation and gather buffers, present when single rows are shuffled.
    private let order: Buffer<Int>?
    private let gatheredX: Buffer<Double>?, gatheredY: Buffer<Double>?
    /// The block order and walker, present when blocks of rows are shuffled.
    private let blockOrder: Buffer<Int>?
    private var cursor: BlockCursor?

    init(rows: Int, features p: Int, outputs k: Int, batches: Batches, shuffle: Shuffle) {
        self.rows = rows; self.p = p; self.k = k
        self.batches = batches
        let shuffles = shuffle.seed != nil && batches.count > 1
        generator = shuffles ? shuffle.seed.map { RandomSource(seed: $0) } : nil
        if shuffles, case let .blocks(_, blockRows) = shuffle {
            let walker = BlockCursor(rows: rows, blockRows: blockRows)
            let blocks = Buffer<Int>(repeating: 0, count: walker.blocks)
            for i in 0 ..< walker.blocks { blocks.base[i] = i }
            blockOrder = blocks
            cursor = walker
            order = nil; gatheredX = nil; gatheredY = nil
        } else if shuffles {
            let permutation = Buffer<Int>(repeating: 0, count: rows)
            for i in 0 ..< rows { permutation.base[i] = i }
            order = permutation
            gatheredX = Buffer(repeating: 0, count: batches.size * p)
            gatheredY = Buffer(repeating: 0, count: batches.size * k)
            blockOrder = nil; cursor = nil
        } else {
            order = nil; gatheredX = nil; gatheredY = nil; blockOrder = nil; cursor = nil
        }
    }

    /// Draws this epoch's order.
    func startEpoch() {
        guard var g = generator else { return }
        if let order { g.shuffle(UnsafeMutableBufferPointer(start: order.base, count: rows)) }
        if let blockOrder { g.shuffle(UnsafeMutableBufferPointer(start: blockOrder.base, count: blockOrder.count)) }
        generator = g
        cursor?.reset()
    }

    /// Calls `body(x, y, rowCount, isFirstRun)` for each contiguous run of rows making up the
    /// batch `range` (one run unless blocks are shuffled). Batches must be taken in order.
    @inline(__always)
    func forEachRun(of range: Range<Int>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
                    _ body: (UnsafePointer<Double>, UnsafePointer<Double>, Int, Bool) -> Void) {
        if let blockOrder {
            var first = true
            cursor!.take(range.count, order: blockOrder.base) { start, count in
                body(x + start * p, y + start * k, count, first)
                first = false
            }
        } else if let order, let gatheredX, let gatheredY {
            gather(range, order: order.base, x: x, y: y, into: gatheredX.base, gatheredY.base)
            body(gatheredX.base, gatheredY.base, range.count, true)
        } else {
            body(x + range.lowerBound * p, y + range.lowerBound * k, range.count, true)
        }
    }

    @inline(__always)
    private func gather(_ range: Range<Int>, order: UnsafePointer<Int>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
                        into gx: UnsafeMutablePointer<Double>, _ gy: UnsafeMutablePointer<Double>) {
        // Narrow rows are copied element by element: a memmove call per row would cost more than the row.
        if p <= 16 && k == 1 {
            for (slot, position) in range.enumerated() {
                let row = order[position]
                let source = x + row * p, target = gx + slot * p
                for j in 0 ..< p { target[j] = source[j] }
                gy[slot] = y[row]
            }
        } else {
            for (slot, position) in range.enumerated() {
                let row = order[position]
                (gx + slot * p).update(from: x + row * p, count: p)
                (gy + slot * k).update(from: y + row * k, count: k)
            }
        }
    }
}
