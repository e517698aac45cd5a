/// The gradient pass of ``Refinement`` (g = Aᵀ·diag(w)·(y − c − X·W) for one target, in
/// double-double) over fixed chunks of rows on the threads of a ``WorkerPool``.
///
/// Both the residual and the sums are Ogita, Rump and Oishi's Dot2 (2005), in C at the CPU's
/// vector width (``VectorWidth/dot2Gradient(rows:p:x:ldx:y:ldy:rowWeights:weights:intercept:high:low:)``):
/// every product split exactly into its rounded value and error by a fused multiply-add, every
/// addition by TwoSum, the errors summed apart. The result is as accurate as if computed in twice
/// the precision (about 106 bits).
///
/// Each chunk's unevaluated sums go to a slot of their own and the slots are added in chunk order
/// by TwoSum, as the ranks' are: still double-double, and the same bits whatever the thread count
/// (the chunks depend on the row count alone).
final class RefinementGradient<Element: BLASScalar>: ChunkWork {
    let pool: WorkerPool
    /// The rows' chunks, set by the row count alone.
    let chunks: RowChunks
    private let data: Rows<Element>
    private let p: Int
    /// The design's row weights, read (never copied) by every thread.
    private let rowWeights: [Double]?
    /// Chunk c's high sums at `slots[c]`, its low sums after them (one slot per chunk, no cache line shared).
    private let slots: SlotBuffer
    private let width: VectorWidth
    /// Each thread's room for a chunk of rows gathered from columns (none for rows with a stride).
    private let gathered: [(x: Buffer<Element>, y: Buffer<Element>)]
    // The evaluation in hand (set before each perform, read by the chunks).
    private let coefficients: Buffer<Double>
    private var target = 0, intercept = 0.0

    /// Rows per chunk: 4096, or more for data so long that 1024 chunks would not cover it.
    static func chunkRows(rows: Int) -> Int { Swift.max(4096, (rows + 1023) / 1024) }

    init(data: Rows<Element>, design: Design, pool: WorkerPool, vectorWidth: VectorWidth = .best) {
        self.data = data
        p = design.p
        chunks = RowChunks(rows: data.count, chunkRows: Self.chunkRows(rows: data.count))
        self.pool = pool
        rowWeights = design.weights
        slots = SlotBuffer(count: chunks.count, width: 2 * (p + 1))
        coefficients = Buffer(repeating: 0, count: p)
        width = vectorWidth
        let room = data.isColumnar ? chunks.chunkRows : 0
        gathered = (0..<pool.threads).map { _ in
            (Buffer(repeating: 0, count: room * data.featureCount), Buffer(repeating: 0, count: room * data.outputCount))
        }
    }

    /// g = Aᵀ·diag(w)·(y − c − X·W) for target `o` at coefficients `w` and intercept `c`, rounded
    /// at the end, with g₀ = Σwᵢrᵢ (0 without an intercept) and gⱼ₊₁ = Σwᵢxᵢⱼrᵢ.
    func gradient(target o: Int, coefficients w: [Double], intercept c: Double, fitIntercept: Bool, into gradient: inout [Double]) {
        coefficients.base.update(from: w, count: p)
        target = o
        intercept = c
        pool.perform(self, chunks: chunks.count)
        // The chunks' sums, then (with rows spread over processes) every rank's, added in order.
        var sums = [Double](repeating: 0, count: 2 * (p + 1))
        for j in 0...p {
            var sum = 0.0, error = 0.0
            for chunk in 0..<chunks.count {
                let slot = slots[chunk]
                let (t, e) = Refinement.twoSum(sum, slot[j])
                sum = t
                error += e + slot[p + 1 + j]
            }
            sums[j] = sum
            sums[p + 1 + j] = error
        }
        if let sharing = data.sharing {
            let parts = sharing.communicator.gather(sums)
            for j in 0...p {
                var sum = 0.0, error = 0.0
                for part in parts {
                    let (t, e) = Refinement.twoSum(sum, part[j])
                    sum = t
                    error += e + part[p + 1 + j]
                }
                sums[j] = sum
                sums[p + 1 + j] = error
            }
        }
        for j in 0...p { gradient[j] = sums[j] + sums[p + 1 + j] }
        if !fitIntercept { gradient[0] = 0 }
    }

    func run(chunk: Int, worker: Int) {
        let rows = chunks.range(chunk), start = rows.lowerBound, count = rows.count
        let high = slots[chunk], low = high + p + 1
        high.update(repeating: 0, count: 2 * (p + 1))
        guard count > 0 else { return }
        let room = gathered[worker]
        func pass(_ rowWeights: UnsafePointer<Double>?) {
            data.withBlock(from: start, rows: count, scratchX: room.x.base, scratchY: room.y.base) { x, ldx, y, ldy in
                width.dot2Gradient(
                    rows: count, p: p, x: x, ldx: ldx, y: y + target, ldy: ldy, rowWeights: rowWeights, coefficients: coefficients.base,
                    intercept: intercept, high: high, low: low)
            }
        }
        if let rowWeights { rowWeights.withUnsafeBufferPointer { pass($0.baseAddress! + start) } } else { pass(nil) }
    }
}
