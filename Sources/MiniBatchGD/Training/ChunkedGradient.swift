/// The cost and gradient of many rows (a large batch, a whole-data evaluation) on every thread
/// of a ``WorkerPool``, with the same bits whatever the thread count.
///
/// The rows are cut into fixed chunks of ``chunkRows`` rows (a number set by the shape alone),
/// whoever runs them; each chunk's sums go to a slot of their own (one ``BatchGradient`` per
/// thread for scratch), and the slots are added in chunk order. Runs shorter than two chunks are
/// left to the single-thread path: below that, handing work to a thread costs more than it
/// saves. Rows picked by a permutation (a batch of rows shuffled one by one) are gathered by each
/// thread for its own chunk, into its own buffer; a batch of shuffled blocks is cut into chunks
/// by position in the batch, across its runs.
final class ChunkedGradient<Element: BLASScalar>: ChunkWork {
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
    /// Chunk c's gradient at `slots[c]`, its half squares after it (the kernels store into the
    /// slot row after row, so slots never share a cache line).
    private let slots: SlotBuffer
    private let maximumChunks: Int
    // The run being evaluated (set before each perform; read by the chunks).
    private var x = UnsafePointer<Element>(bitPattern: 8)!, ldx = 0
    private var y = UnsafePointer<Element>(bitPattern: 8)!, ldy = 0
    private var rowWeights: UnsafePointer<Double>?
    /// The rows' positions, when they are gathered.
    private var picked: UnsafePointer<Int>?
    /// The columns the rows are gathered from (each chunk into its thread's room), and the row of
    /// them the run starts at, when they are read from columns; nil for rows at `x` and `y`.
    private var columns: RowColumns<Element>?
    private var columnStart = 0
    /// A block-shuffled batch's runs: first row, row count and the batch position of the run's
    /// first row, three integers each; `runCount` of them in use.
    private let runs: Buffer<Int>
    private var runCount = 0
    private var rows = 0, alpha = 1.0, withGradient = true
    /// Per thread, room for one gathered chunk (X, Y and weights), when the fit gathers.
    private let gathered: [(x: Buffer<Element>, y: Buffer<Element>, w: Buffer<Double>)]

    /// Whether a run of `rows` rows is worth cutting into chunks.
    func splits(_ rows: Int) -> Bool { rows >= 2 * chunkRows }

    /// - Parameters:
    ///   - rowLimit: the longest run it will be handed.
    ///   - gathers: whether it will be handed rows by a permutation (room is made to gather them).
    ///   - runLimit: the most runs of rows one block-shuffled batch may have (0: none are handed).
    ///   - loss, readAhead: as for ``BatchGradient``.
    init(
        pool: WorkerPool, features p: Int, outputs k: Int, fitIntercept: Bool, standardizer: Standardizer?, kernel: Kernel, rowLimit: Int,
        gathers: Bool = false, runLimit: Int = 0, loss: (any Loss)? = nil, readAhead: Int = 0, columnar: Bool = false
    ) {
        runs = Buffer(repeating: 0, count: 3 * runLimit)
        self.pool = pool
        parameterCount = p * k + k
        let chunkRows = Self.chunkRows(features: p, outputs: k)
        self.chunkRows = chunkRows
        gradients = (0..<pool.threads).map { _ in
            BatchGradient(
                features: p, outputs: k, fitIntercept: fitIntercept, standardizer: standardizer, kernel: kernel,
                batchRows: chunkRows, evaluationLimit: chunkRows, rowsOf: Element.self, loss: loss, readAhead: readAhead)
        }
        maximumChunks = Swift.max(1, rowLimit / chunkRows + 1)
        let room = (gathers || columnar) && rowLimit >= 2 * chunkRows ? chunkRows : 0
        gathered = (0..<pool.threads).map { _ in
            (Buffer(repeating: 0, count: room * p), Buffer(repeating: 0, count: room * k), Buffer(repeating: 0, count: room))
        }
        slots = SlotBuffer(count: maximumChunks, width: parameterCount + 1)
    }

    /// Stores α·(gradient of ½Σωᵢ‖rᵢ‖²) over `count` rows at `parameters` (descent coordinates) in
    /// `gradient`, in original-unit coordinates (``BatchGradient/finish(_:)`` is the caller's), and
    /// returns ½Σωᵢ‖rᵢ‖². Rows as for ``BatchGradient/addRows(x:ldx:y:ldy:rowWeights:count:alpha:into:accumulate:)``;
    /// with `picked`, the rows (and weights) at `picked[0..<count]` instead (made with `gathers`);
    /// with `columns`, rows `columnStart..<columnStart + count` of them (or those `picked`; made
    /// with `columnar`), `x` and `y` unread, and the weights still from `rowWeights`.
    func addRows(
        parameters: UnsafePointer<Double>, x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int,
        rowWeights: UnsafePointer<Double>?, picked: UnsafePointer<Int>? = nil, count: Int, alpha: Double,
        into gradient: UnsafeMutablePointer<Double>, columns: RowColumns<Element>? = nil, columnStart: Int = 0
    ) -> Double {
        precondition((picked == nil && columns == nil) || gathered[0].w.count >= chunkRows, "rows to gather without room to gather them")
        self.picked = picked
        self.columns = columns
        self.columnStart = columnStart
        evaluate(parameters: parameters, x: x, ldx: ldx, y: y, ldy: ldy, rowWeights: rowWeights, count: count, alpha: alpha, gradient: true)
        self.picked = nil
        self.columns = nil
        let d = parameterCount
        gradient.update(repeating: 0, count: d)
        var halfSquares = 0.0
        for chunk in 0..<chunks(count) {
            let slot = slots[chunk]
            for i in 0..<d { gradient[i] += slot[i] }
            halfSquares += slot[d]
        }
        return halfSquares
    }

    /// ``addRows(parameters:x:ldx:y:ldy:rowWeights:picked:count:alpha:into:)`` for a batch of
    /// `count` rows made of runs of contiguous rows (block shuffling): `nextRun(remaining)` gives
    /// the first row and row count of the next run while `remaining` rows are still to come. The
    /// chunks are cut by position in the batch, whatever the runs.
    func addRuns(
        parameters: UnsafePointer<Double>, x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int,
        rowWeights: UnsafePointer<Double>?, count: Int, alpha: Double, into gradient: UnsafeMutablePointer<Double>,
        columns: RowColumns<Element>? = nil, nextRun: (Int) -> (start: Int, count: Int)
    ) -> Double {
        var remaining = count, position = 0
        runCount = 0
        while remaining > 0 {
            let run = nextRun(remaining)
            precondition(3 * (runCount + 1) <= runs.count, "more runs than the chunked gradient was made for")
            let slot = runs.base + 3 * runCount
            slot[0] = run.start
            slot[1] = run.count
            slot[2] = position
            runCount += 1
            position += run.count
            remaining -= run.count
        }
        defer { runCount = 0 }
        return addRows(
            parameters: parameters, x: x, ldx: ldx, y: y, ldy: ldy, rowWeights: rowWeights, count: count, alpha: alpha, into: gradient,
            columns: columns)
    }

    /// ½Σωᵢ‖rᵢ‖² over `data`'s rows at `parameters`.
    func halfSquaredResiduals(parameters: UnsafePointer<Double>, _ data: Rows<Element>, rowWeights: UnsafePointer<Double>?) -> Double {
        precondition(data.columns == nil || gathered[0].w.count >= chunkRows, "rows to gather without room to gather them")
        columns = data.columns
        columnStart = 0
        defer { columns = nil }
        evaluate(
            parameters: parameters, x: data.x, ldx: data.xStride, y: data.y, ldy: data.yStride, rowWeights: rowWeights, count: data.count,
            alpha: 1, gradient: false)
        var halfSquares = 0.0
        for chunk in 0..<chunks(data.count) { halfSquares += slots[chunk][parameterCount] }
        return halfSquares
    }

    private func chunks(_ rows: Int) -> Int { (rows + chunkRows - 1) / chunkRows }

    private func evaluate(
        parameters: UnsafePointer<Double>, x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int,
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
        let range = RowChunks(rows: rows, chunkRows: chunkRows).range(chunk), start = range.lowerBound, count = range.count
        let slot = slots[chunk], evaluator = gradients[worker]
        if let columns {
            return runGathering(columns, chunk: start, count: count, slot: slot, evaluator: evaluator, room: gathered[worker])
        }
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
        if runCount > 0 {
            slot[parameterCount] = sumOverRuns(start: start, count: count) { first, length, accumulate in
                evaluator.addRows(
                    x: self.x + first * ldx, ldx: ldx, y: self.y + first * ldy, ldy: ldy, rowWeights: rowWeights.map { $0 + first },
                    count: length, alpha: alpha, into: slot, accumulate: accumulate)
            }
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

    /// The sum of `body`'s results over the runs overlapping positions `start..<start + count`
    /// (the first found by bisection), in order: `body(first, length, accumulate)` for each
    /// run's part, `first` its first row, `accumulate` false for the first part only.
    private func sumOverRuns(start: Int, count: Int, _ body: (Int, Int, Bool) -> Double) -> Double {
        var low = 0, high = runCount - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if runs.base[3 * middle + 2] <= start { low = middle } else { high = middle - 1 }
        }
        var position = start, halfSquares = 0.0
        while position < start + count {
            let run = runs.base + 3 * low
            let skip = position - run[2], length = Swift.min(run[1] - skip, start + count - position)
            halfSquares += body(run[0] + skip, length, position != start)
            position += length
            low += 1
        }
        return halfSquares
    }

    /// ``run(chunk:worker:)`` for rows read from columns: the chunk's rows (picked, or runs of a
    /// block-shuffled batch, or contiguous) gathered into `room` with strides p and k, then the
    /// same calls on them as on rows in place with those strides (the same bits).
    private func runGathering(
        _ columns: RowColumns<Element>, chunk start: Int, count: Int, slot: UnsafeMutablePointer<Double>, evaluator: BatchGradient,
        room: (x: Buffer<Element>, y: Buffer<Element>, w: Buffer<Double>)
    ) {
        let p = evaluator.p, k = evaluator.k, x = room.x.base, y = room.y.base
        func gather(_ first: Int, _ length: Int) {
            RowColumns<Element>.gather(columns.features, from: first, rows: length, into: x, stride: p)
            RowColumns<Element>.gather(columns.targets, from: first, rows: length, into: y, stride: k)
        }
        if let picked {
            RowColumns<Element>.gather(columns.features, picked: picked + start, rows: count, into: x, stride: p)
            RowColumns<Element>.gather(columns.targets, picked: picked + start, rows: count, into: y, stride: k)
            if let rowWeights { for i in 0..<count { room.w.base[i] = rowWeights[picked[start + i]] } }
            slot[parameterCount] = evaluator.addRows(
                x: x, ldx: p, y: y, ldy: k, rowWeights: rowWeights.map { _ in UnsafePointer(room.w.base) }, count: count, alpha: alpha,
                into: slot, accumulate: false)
            return
        }
        if runCount > 0 {
            slot[parameterCount] = sumOverRuns(start: start, count: count) { first, length, accumulate in
                gather(first, length)
                return evaluator.addRows(
                    x: x, ldx: p, y: y, ldy: k, rowWeights: rowWeights.map { $0 + first }, count: length, alpha: alpha, into: slot,
                    accumulate: accumulate)
            }
            return
        }
        gather(columnStart + start, count)
        let w = rowWeights.map { $0 + start }
        if withGradient {
            slot[parameterCount] = evaluator.addRows(
                x: x, ldx: p, y: y, ldy: k, rowWeights: w, count: count, alpha: alpha, into: slot, accumulate: false)
        } else {
            let part = Rows(count: count, featureCount: p, outputCount: k, x: x, xStride: p, y: y, yStride: k)
            slot[parameterCount] = evaluator.halfSquaredResiduals(part, rowWeights: w)
        }
    }
}
