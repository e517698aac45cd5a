/// Which of a row's entries a pass of the sparse step updates: all of them, or those whose
/// column lies in one thread's range.
protocol RowPart {
    /// The positions of the row's entries `start..<end` this part keeps (a row's columns are
    /// sorted, so they are contiguous).
    func positions<Element>(_ data: SparseRowsView<Element>, from start: Int, to end: Int) -> Range<Int>
}

/// Every entry (the single-threaded step).
struct WholeRow: RowPart {
    @inline(__always)
    func positions<Element>(_ data: SparseRowsView<Element>, from start: Int, to end: Int) -> Range<Int> { start..<end }
}

/// The entries in the columns `lowerBound..<upperBound`, found by two searches of the row.
struct ColumnRange: RowPart {
    let lowerBound: Int32, upperBound: Int32
    /// Whether the range starts at column 0 or ends past the last (that end needs no search).
    let isFirst: Bool, isLast: Bool

    @inline(__always)
    func positions<Element>(_ data: SparseRowsView<Element>, from start: Int, to end: Int) -> Range<Int> {
        let low = isFirst ? start : data.firstPosition(from: start, to: end, atLeast: lowerBound)
        let high = isLast ? end : data.firstPosition(from: low, to: end, atLeast: upperBound)
        return low..<high
    }
}

/// The sparse fit's work shared over a ``WorkerPool``'s threads, with the same bits on any
/// thread count:
/// - the whole-data passes of each epoch (the cost, or the cost and gradient of the certified
///   stop) by chunks of rows cut from the data's shape (about 64 Ki nonzeros each), their parts
///   summed in chunk order;
/// - a large batch's residuals by chunks of the batch cut from its size (each residual is
///   computed whole by one thread; the cost is summed in chunk order), and the coefficients'
///   update by ranges of columns, one a thread, each range's entries updated in row order as
///   one thread would. The ranges hold about equal shares of the data's nonzeros (a text's
///   column frequencies are heavy-tailed, so equal widths would leave one thread most of the work).
///
/// Its buffers are sized once per fit: an epoch allocates nothing.
final class SparseSharedWork<Element: BLASScalar>: ChunkWork, @unchecked Sendable {
    let data: SparseRowsView<Element>
    let rowWeights: UnsafePointer<Double>?
    /// How the whole-data costs charge a residual.
    let residualMap: SparseResidualMap
    let pool: WorkerPool
    /// The whole-data passes' chunks.
    let rowChunks: RowChunks
    /// Rows a chunk of a large batch's residuals.
    let batchChunkRows: Int
    /// Whether a batch of this many rows is shared: set from the data's shape, never the threads.
    let sharesBatches: Bool
    private let parts: Buffer<Double>
    /// p·k + k a chunk of rows, when certifying.
    private let gradientParts: Buffer<Double>?
    private let features: Int
    /// The column ranges' bounds, threads + 1 of them (a shared scatter's only).
    private let columnBounds: [Int32]

    private enum Job {
        case cost(coefficients: UnsafePointer<Double>, scale: Double, intercept: UnsafePointer<Double>)
        case costAndGradient(
            coefficients: UnsafePointer<Double>, intercept: UnsafePointer<Double>, inverseScale: UnsafePointer<Double>, fitIntercept: Bool)
        case residuals(state: SparseState, rows: UnsafePointer<Int>, count: Int, residuals: UnsafeMutablePointer<Double>)
        case scatter(
            state: SparseState, rows: UnsafePointer<Int>, count: Int, factor: Double, inverseSquares: UnsafePointer<Double>?,
            residuals: UnsafePointer<Double>)
    }
    private var job: Job?

    /// Nonzeros a chunk of rows aims at.
    static var chunkNonzeros: Int { 1 << 16 }

    /// - Parameters:
    ///   - batchRows: the fit's batch size: batches holding at least ``chunkNonzeros`` nonzeros
    ///     on average are shared.
    ///   - certifying: whether the epochs compute the gradient (keeps p·k + k a chunk).
    ///   - residualMap: the loss the whole-data costs charge.
    ///   - meanRow: the whole data's entries a row, when `data` holds one batch of it at a time
    ///     (the batches are then shared as the whole data's would be).
    init(
        _ data: SparseRowsView<Element>, features p: Int, rowWeights: UnsafePointer<Double>?, threads: Int, batchRows: Int,
        certifying: Bool,
        residualMap: SparseResidualMap = .squared, meanRow: Double? = nil
    ) {
        self.data = data
        self.residualMap = residualMap
        self.rowWeights = rowWeights
        features = p
        let n = Swift.max(data.rows, 1), nonzeros = data.rowStarts[data.rows]
        let meanRow = Swift.max(meanRow ?? Double(nonzeros) / Double(n), 1)
        let chunkRows = Swift.max(1, Int(Double(Self.chunkNonzeros) / meanRow))
        rowChunks = RowChunks(rows: data.rows, chunkRows: chunkRows)
        batchChunkRows = chunkRows
        sharesBatches = Double(batchRows) * meanRow >= Double(Self.chunkNonzeros)
        let batchChunks = sharesBatches ? (batchRows + chunkRows - 1) / chunkRows : 1
        pool = WorkerPool(threads: threads)
        // A part per chunk of every job: the row chunks, a batch's chunks, a range of columns a thread.
        parts = Buffer(repeating: 0, count: Swift.max(rowChunks.count, batchChunks, pool.threads, 1))
        gradientParts = certifying ? Buffer(repeating: 0, count: rowChunks.count * (p + 1) * data.k) : nil
        columnBounds = sharesBatches && pool.threads > 1 ? Self.balancedBounds(data, features: p, ranges: pool.threads) : []
    }

    /// Column bounds cutting the columns into `ranges` ranges of about equal nonzeros.
    static func balancedBounds(_ data: SparseRowsView<Element>, features p: Int, ranges: Int) -> [Int32] {
        var counts = [Int](repeating: 0, count: p)
        let nonzeros = data.rowStarts[data.rows]
        for position in 0..<nonzeros { counts[Int(data.columns[position])] += 1 }
        var bounds = [Int32](repeating: Int32(p), count: ranges + 1)
        bounds[0] = 0
        var seen = 0, next = 1
        for j in 0..<p where next < ranges {
            seen += counts[j]
            // Range `next` starts after the column that takes the running count past its share.
            while next < ranges && seen * ranges >= nonzeros * next {
                bounds[next] = Int32(j + 1)
                next += 1
            }
        }
        return bounds
    }

    /// ½Σωᵢ‖rᵢ‖² over every row at β = scale·coefficients and `intercept`.
    func halfSquares(coefficients: UnsafePointer<Double>, scale: Double, intercept: UnsafePointer<Double>) -> Double {
        run(.cost(coefficients: coefficients, scale: scale, intercept: intercept), chunks: rowChunks.count)
    }

    /// ½Σωᵢ‖rᵢ‖² at `parameters` (original units).
    func halfSquares(at parameters: Parameters) -> Double {
        parameters.coefficients.elements.withUnsafeBufferPointer { w in
            parameters.intercept.withUnsafeBufferPointer { b in
                halfSquares(coefficients: w.baseAddress!, scale: 1, intercept: b.baseAddress!)
            }
        }
    }

    /// ½Σωᵢ‖rᵢ‖² at `parameters` (original units) and the cost's gradient in descent coordinates
    /// into `gradient` (see ``SparseState/halfSquaresAndGradient(_:rowWeights:coefficients:intercept:range:inverseScale:fitIntercept:features:into:)``).
    func halfSquaresAndGradient(
        at parameters: Parameters, inverseScale: UnsafePointer<Double>, fitIntercept: Bool, into gradient: UnsafeMutablePointer<Double>
    ) -> Double {
        let size = (features + 1) * data.k, chunks = rowChunks.count
        let total = parameters.coefficients.elements.withUnsafeBufferPointer { w in
            parameters.intercept.withUnsafeBufferPointer { b in
                run(
                    .costAndGradient(
                        coefficients: w.baseAddress!, intercept: b.baseAddress!, inverseScale: inverseScale, fitIntercept: fitIntercept),
                    chunks: chunks)
            }
        }
        let slots = gradientParts!.base
        gradient.update(from: slots, count: size)
        for chunk in 1..<Swift.max(chunks, 1) {
            for i in 0..<size { gradient[i] += slots[chunk * size + i] }
        }
        return total
    }

    /// Whether a batch of `batchRows` rows is shared (several chunks of a batch of many nonzeros).
    @inline(__always)
    func shares(batchRows: Int) -> Bool { sharesBatches && batchRows > batchChunkRows }

    /// A shared batch's residuals (``SparseState/batchResiduals(_:rows:range:rowWeights:into:)``
    /// by chunks of the batch) and its ½Σωᵢ‖rᵢ‖²; for a batch that ``shares(batchRows:)``.
    func batchResiduals(_ state: SparseState, rows: UnsafePointer<Int>, count: Int, residuals: UnsafeMutablePointer<Double>) -> Double {
        run(
            .residuals(state: state, rows: rows, count: count, residuals: residuals), chunks: (count + batchChunkRows - 1) / batchChunkRows)
    }

    /// A plain step's update of u (``SparseState/scatter(_:rows:count:factor:inverseSquares:residuals:columns:)``)
    /// for a batch that ``shares(batchRows:)``, by ranges of columns (on this thread alone when
    /// the pool has one).
    func scatter(
        _ state: SparseState, rows: UnsafePointer<Int>, count: Int, factor: Double, inverseSquares: UnsafePointer<Double>?,
        residuals: UnsafePointer<Double>
    ) {
        guard pool.threads > 1 else {
            state.scatter(
                data, rows: rows, count: count, factor: factor, inverseSquares: inverseSquares, residuals: residuals, part: WholeRow())
            return
        }
        _ = run(
            .scatter(state: state, rows: rows, count: count, factor: factor, inverseSquares: inverseSquares, residuals: residuals),
            chunks: pool.threads)
    }

    /// Runs `job` over `chunks` chunks and sums their parts in chunk order.
    private func run(_ job: Job, chunks: Int) -> Double {
        self.job = job
        pool.perform(self, chunks: chunks)
        self.job = nil
        var total = 0.0
        for chunk in 0..<chunks { total += parts.base[chunk] }
        return total
    }

    // Reached through `any ChunkWork`, so never specialized by its callers: made for both element
    // types here, and everything it calls with it.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    func run(chunk: Int, worker: Int) {
        switch job! {
        case let .cost(coefficients, scale, intercept):
            parts.base[chunk] = SparseState.halfSquares(
                data, rowWeights: rowWeights, coefficients: coefficients, scale: scale, intercept: intercept,
                range: rowChunks.range(chunk), residualMap: residualMap)
        case let .costAndGradient(coefficients, intercept, inverseScale, fitIntercept):
            let size = (features + 1) * data.k
            parts.base[chunk] = SparseState.halfSquaresAndGradient(
                data, rowWeights: rowWeights, coefficients: coefficients, intercept: intercept, range: rowChunks.range(chunk),
                inverseScale: inverseScale, fitIntercept: fitIntercept, features: features, into: gradientParts!.base + chunk * size)
        case .residuals(var state, let rows, let count, let residuals):
            let range = chunk * batchChunkRows..<Swift.min(count, (chunk + 1) * batchChunkRows)
            parts.base[chunk] = state.batchResiduals(data, rows: rows, range: range, rowWeights: rowWeights, into: residuals)
        case let .scatter(state, rows, count, factor, inverseSquares, residuals):
            let part = ColumnRange(
                lowerBound: columnBounds[chunk], upperBound: columnBounds[chunk + 1], isFirst: chunk == 0,
                isLast: chunk == columnBounds.count - 2)
            state.scatter(data, rows: rows, count: count, factor: factor, inverseSquares: inverseSquares, residuals: residuals, part: part)
            parts.base[chunk] = 0
        }
    }
}
