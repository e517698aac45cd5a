/// The cost and gradient of many rows (a large batch, a whole-data evaluation) on every thread
/// of a ``WorkerPool``, with the same bits whatever the thread count.
///
/// The rows are cut into fixed chunks of ``chunkRows`` rows (a number set by the shape alone),
/// whoever runs them; each chunk's sums go to a slot of their own (one ``BatchGradient`` per
/// thread for scratch), and the slots are added in chunk order. Runs shorter than two chunks are
/// left to the single-thread path: below that, handing work to a thread costs more than it saves. Rows picked by a permutation (a batch of rows
/// shuffled one by one) are gathered by each thread for its own chunk, into its own buffer.
final class ChunkedGradient: ChunkWork {
    /// Rows per chunk: about 256 KiB of rows (1024 rows of 32 features), a power of two from
    /// 256 to 16 384. A chunk's work (some tens of microseconds) then dwarfs handing it to a
    /// spinning worker (a microsecond or less), and two threads share a batch of 2048 rows at 32
    /// features, 512 at 128.
    static func chunkRows(features p: Int, outputs k: Int) -> Int {
        let rows = (256 * 1024 / 8) / Swift.max(1, p + k)
        var chunk = 256
        while chunk < rows, chunk < 16_384 { chunk *= 2 }
        return chunk
    }

    /// Whether a run of `rows` rows of this shape is worth cutting into chunks.
    static func splits(_ rows: Int, features p: Int, outputs k: Int) -> Bool { rows >= 2 * chunkRows(features: p, outputs: k) }

    /// Rows per chunk of this shape.
    let chunkRows: Int
    let pool: WorkerPool
    /// p·k + k.
    let parameterCount: Int
    private let gradients: [BatchGradient]
    private let owner: Buffer<Double>
    /// Chunk c's gradient at `slots + c·(d + 1)`, its half squares after it.
    private let slots: UnsafeMutablePointer<Double>
    private let maximumChunks: Int
    // The run being evaluated (set before each perform; read by the chunks).
    private var x = UnsafePointer<Double>(bitPattern: 8)!, ldx = 0
    private var y = UnsafePointer<Double>(bitPattern: 8)!, ldy = 0
    private var rowWeights: UnsafePointer<Double>?
    /// The rows' positions, when they are gathered.
    private var picked: UnsafePointer<Int>?
    private var rows = 0, alpha = 1.0, withGradient = true
    /// Per thread, room for one gathered chunk (X, Y and weights), when the fit gathers.
    private let gathered: [(x: Buffer<Double>, y: Buffer<Double>, w: Buffer<Double>)]

    /// Whether a run of `rows` rows is worth cutting into chunks.
    func splits(_ rows: Int) -> Bool { rows >= 2 * chunkRows }

    /// - Parameters:
    ///   - rowLimit: the longest run it will be handed.
    ///   - gathers: whether it will be handed rows by a permutation (room is made to gather them).
    init(
        pool: WorkerPool, features p: Int, outputs k: Int, fitIntercept: Bool, standardizer: Standardizer?, kernel: Kernel, rowLimit: Int,
        gathers: Bool = false
    ) {
        self.pool = pool
        parameterCount = p * k + k
        let chunkRows = Self.chunkRows(features: p, outputs: k)
        self.chunkRows = chunkRows
        gradients = (0..<pool.threads).map { _ in
            BatchGradient(
                features: p, outputs: k, fitIntercept: fitIntercept, standardizer: standardizer, kernel: kernel,
                batchRows: chunkRows, evaluationLimit: chunkRows)
        }
        maximumChunks = Swift.max(1, rowLimit / chunkRows + 1)
        let room = gathers && rowLimit >= 2 * chunkRows ? chunkRows : 0
        gathered = (0..<pool.threads).map { _ in
            (Buffer(repeating: 0, count: room * p), Buffer(repeating: 0, count: room * k), Buffer(repeating: 0, count: room))
        }
        owner = Buffer(repeating: 0, count: maximumChunks * (parameterCount + 1))
        slots = owner.base
    }

    /// Stores α·(gradient of ½Σωᵢ‖rᵢ‖²) over `count` rows at `parameters` (descent coordinates) in
    /// `gradient`, in original-unit coordinates (``BatchGradient/finish(_:)`` is the caller's), and
    /// returns ½Σωᵢ‖rᵢ‖². Rows as for ``BatchGradient/addRows(x:ldx:y:ldy:rowWeights:count:alpha:into:accumulate:)``;
    /// with `picked`, the rows (and weights) at `picked[0..<count]` instead (made with `gathers`).
    func addRows(
        parameters: UnsafePointer<Double>, x: UnsafePointer<Double>, ldx: Int, y: UnsafePointer<Double>, ldy: Int,
        rowWeights: UnsafePointer<Double>?, picked: UnsafePointer<Int>? = nil, count: Int, alpha: Double,
        into gradient: UnsafeMutablePointer<Double>
    ) -> Double {
        precondition(picked == nil || gathered[0].w.count >= chunkRows, "rows to gather without room to gather them")
        self.picked = picked
        evaluate(parameters: parameters, x: x, ldx: ldx, y: y, ldy: ldy, rowWeights: rowWeights, count: count, alpha: alpha, gradient: true)
        self.picked = nil
        let d = parameterCount
        gradient.update(repeating: 0, count: d)
        var halfSquares = 0.0
        for chunk in 0..<chunks(count) {
            let slot = slots + chunk * (d + 1)
            for i in 0..<d { gradient[i] += slot[i] }
            halfSquares += slot[d]
        }
        return halfSquares
    }

    /// ½Σωᵢ‖rᵢ‖² over `data`'s rows at `parameters`.
    func halfSquaredResiduals(parameters: UnsafePointer<Double>, _ data: Rows, rowWeights: UnsafePointer<Double>?) -> Double {
        evaluate(
            parameters: parameters, x: data.x, ldx: data.xStride, y: data.y, ldy: data.yStride, rowWeights: rowWeights, count: data.count,
            alpha: 1, gradient: false)
        var halfSquares = 0.0
        for chunk in 0..<chunks(data.count) { halfSquares += slots[chunk * (parameterCount + 1) + parameterCount] }
        return halfSquares
    }

    private func chunks(_ rows: Int) -> Int { (rows + chunkRows - 1) / chunkRows }

    private func evaluate(
        parameters: UnsafePointer<Double>, x: UnsafePointer<Double>, ldx: Int, y: UnsafePointer<Double>, ldy: Int,
        rowWeights: UnsafePointer<Double>?, count: Int, alpha: Double, gradient: Bool
    ) {
        precondition(chunks(count) <= maximumChunks, "more rows than the chunked gradient was made for")
        for worker in gradients { worker.prepare(parameters) }
        self.x = x
        self.ldx = ldx
        self.y = y
        self.ldy = ldy
        self.rowWeights = rowWeights
        rows = count
        self.alpha = alpha
        withGradient = gradient
        pool.perform(self, chunks: chunks(count))
    }

    func run(chunk: Int, worker: Int) {
        let start = chunk * chunkRows, count = Swift.min(chunkRows, rows - start)
        let slot = slots + chunk * (parameterCount + 1), evaluator = gradients[worker]
        if let picked {
            // Gathered by this thread for its own chunk, in the permutation's order.
            let p = evaluator.p, k = evaluator.k, room = gathered[worker]
            for i in 0..<count {
                let row = picked[start + i]
                (room.x.base + i * p).update(from: self.x + row * ldx, count: p)
                (room.y.base + i * k).update(from: self.y + row * ldy, count: k)
                if let rowWeights { room.w.base[i] = rowWeights[row] }
            }
            slot[parameterCount] = evaluator.addRows(
                x: room.x.base, ldx: p, y: room.y.base, ldy: k, rowWeights: rowWeights.map { _ in UnsafePointer(room.w.base) },
                count: count, alpha: alpha, into: slot, accumulate: false)
            return
        }
        let x = self.x + start * ldx, y = self.y + start * ldy, w = rowWeights.map { $0 + start }
        if withGradient {
            slot[parameterCount] = evaluator.addRows(
                x: x, ldx: ldx, y: y, ldy: ldy, rowWeights: w, count: count, alpha: alpha, into: slot, accumulate: false)
        } else {
            let part = Rows(count: count, featureCount: evaluator.p, outputCount: evaluator.k, x: x, xStride: ldx, y: y, yStride: ldy)
            slot[parameterCount] = evaluator.halfSquaredResiduals(part, rowWeights: w)
        }
    }
}
