/// The batch loop: per update, the batch's gradient summed (over this process's rows, or over
/// every rank's by one exchange: a ``BatchSum``), its cost checked and recorded, the penalty's
/// gradient added, and the update rule's step taken.
///
/// Nothing in it allocates, and everything a step does not need per row (the schedule's rate
/// within an epoch, the reduction's scale, the record of batch costs) is decided once a stretch.
struct BatchStep<Element: BLASScalar> {
    /// The batches over every rank's rows, and this process's share of each.
    let batches: Batches, localBatches: Batches
    let gradient: BatchGradient
    /// The same arithmetic on every thread, for runs of rows long enough to share.
    let chunked: ChunkedGradient<Element>
    let order: BatchOrder<Element>
    /// λ of the L2 penalty in mean-cost units: the fast path, added inside the loop.
    let penalty: Double
    /// The factor that puts a penalty in mean-cost units (1 under the mean reduction, 1/n under the sum).
    let penaltyScale: Double
    let reduction: Reduction
    let recordsBatchCosts: Bool

    /// Updates and rows seen so far in a fit.
    struct Counters {
        var step = 0
        var samples = 0
        /// The batch a cancellation stopped before (nil: not cancelled inside the batch loop).
        var cancelledAt: Int? = nil
        /// ½Σωᵢℓ(rᵢ) of the epoch's batches so far, each at its step's start (unscaled: the
        /// epoch's running cost is this times the reduction's scale of all rows, ``EpochCost/running``).
        var running = 0.0
    }

    /// Trains on batches `indices` of the current epoch. A function of its own so the batch loop
    /// keeps its few live values in registers; it reads locals and raw pointers only.
    func train<Rule: UpdateRule, Sum: BatchSum, Extra: PenaltyStep>(
        _ rule: inout Rule, _ indices: Range<Int>, epoch: Int, epochRate: Double, schedule: RateSchedule,
        theta: UnsafeMutablePointer<Double>, sum: Sum, penalty extra: Extra, history: inout History, counters: inout Counters
    ) throws where Sum.Element == Element {
        let gradient = self.gradient, g = sum.gradient
        let weightCount = gradient.p * gradient.k
        let recordsBatchCosts = self.recordsBatchCosts, reduction = self.reduction, penalty = self.penalty
        let penaltyScale = self.penaltyScale
        let perStep = schedule.changesWithinEpochs, batchCount = batches.count
        var step = counters.step, samples = counters.samples, running = counters.running
        var cancelledAt: Int?
        defer { counters = Counters(step: step, samples: samples, cancelledAt: cancelledAt, running: running) }
        for index in indices {
            // A long epoch (a million stochastic steps) must still stop promptly; an exchange
            // carries every rank's flag with each batch instead.
            if Sum.checksCancellation, index & 1023 == 1023, Cancellation.isRequested {
                cancelledAt = index
                throw TrainingError.cancelled(epochsCompleted: epoch - 1)
            }
            let stepRate = perStep ? schedule.rate(epoch: epoch, step: step) : epochRate
            gradient.prepare(theta)
            guard let batch = try sum.add(index, theta: theta, epoch: epoch) else { continue }
            let b = batch.rows
            let cost = batch.scale * batch.halfSquares
            guard cost.isFinite else { throw TrainingError.diverged(epoch: epoch, batch: index + 1, cost: cost, learningRate: stepRate) }
            if recordsBatchCosts { history.batchCosts.append(cost) }
            running += batch.halfSquares
            gradient.finish(g)
            if penalty > 0 {
                // The batch's share of λ/2·‖W‖², in the reduction's units.
                let lambda = reduction == .mean ? penalty : penalty * Double(b)
                for i in 0..<weightCount { g[i] += lambda * theta[i] }
            }
            // Another penalty's share of the batch, in the reduction's units as for L2 above (all
            // of it folds away on the fast path, NoPenaltyStep).
            let share = reduction == .mean ? 1 : penaltyScale * Double(b)
            extra.addGradient(of: theta, count: weightCount, scale: share, into: g)
            // The average takes the iterate the step ends with, after its proximal part.
            rule.stepBeforeAveraging(theta, gradient: g, rate: stepRate)
            extra.proximalStep(theta, count: weightCount, step: stepRate * share, after: rule)
            rule.averageIn(theta)
            step &+= 1
            samples &+= b
            // Over ranks the exchange carried every rank's stop flag: all stop after this same
            // batch, its step taken (each rank's order has moved past it), before the next; the
            // epoch's last batch goes on to the epoch's end, whose own check stops there.
            if !Sum.checksCancellation, sum.stopRequested, index + 1 < batchCount {
                cancelledAt = index + 1
                throw TrainingError.cancelled(epochsCompleted: epoch - 1)
            }
        }
    }

    /// Stores α·(gradient of ½Σωᵢ‖rᵢ‖²) over the rows at positions `range` of this epoch's order
    /// (at least one) in `g` and returns ½Σωᵢ‖rᵢ‖²: with shuffled blocks the batch is a few
    /// contiguous runs, trained on in place; otherwise one run, in place or gathered, on every
    /// thread when it is long enough (`theta` is what `gradient` was prepared with).
    /// Static, with the gradient and order passed in: the batch loops hold them in locals, so the
    /// loop does no reference counting.
    @inline(__always)
    static func addBatch(
        _ range: Range<Int>, gradient: BatchGradient, chunked: ChunkedGradient<Element>, theta: UnsafePointer<Double>,
        order: BatchOrder<Element>,
        alpha: Double, into g: UnsafeMutablePointer<Double>, x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int,
        w: UnsafePointer<Double>?, columns: RowColumns<Element>?
    ) -> Double {
        let b = range.count
        guard order.shufflesBlocks else {
            // Rows shuffled one by one: each thread gathers its own chunks.
            if chunked.splits(b), let picked = order.permutation(range) {
                return chunked.addRows(
                    parameters: theta, x: x, ldx: ldx, y: y, ldy: ldy, rowWeights: w, picked: picked, count: b, alpha: alpha, into: g,
                    columns: columns)
            }
            // Rows read from columns, in order: each thread gathers its own chunks of the run.
            if let columns, chunked.splits(b) {
                return chunked.addRows(
                    parameters: theta, x: x, ldx: ldx, y: y, ldy: ldy, rowWeights: w.map { $0 + range.lowerBound }, count: b,
                    alpha: alpha, into: g, columns: columns, columnStart: range.lowerBound)
            }
            let rows = order.batch(range, x: x, ldx: ldx, y: y, ldy: ldy, w: w)
            if chunked.splits(b) {
                return chunked.addRows(
                    parameters: theta, x: rows.x, ldx: rows.ldx, y: rows.y, ldy: rows.ldy, rowWeights: rows.w, count: b, alpha: alpha,
                    into: g)
            }
            return gradient.addRows(
                x: rows.x, ldx: rows.ldx, y: rows.y, ldy: rows.ldy, rowWeights: rows.w, count: b, alpha: alpha, into: g, accumulate: false)
        }
        if chunked.splits(b) {
            // Runs of contiguous rows, cut into chunks by position in the batch.
            return chunked.addRuns(
                parameters: theta, x: x, ldx: ldx, y: y, ldy: ldy, rowWeights: w, count: b, alpha: alpha, into: g, columns: columns,
                nextRun: { order.nextRun(remaining: $0) })
        }
        var remaining = b, halfSquares = 0.0
        while remaining > 0 {
            let run = order.nextRun(remaining: remaining)
            var (runX, runLdx, runY, runLdy) = (x + run.start * ldx, ldx, y + run.start * ldy, ldy)
            if let columns {
                let gathered = order.gatherRun(columns, start: run.start, count: run.count)
                (runX, runLdx, runY, runLdy) = (gathered.x, gradient.p, gathered.y, gradient.k)
            }
            halfSquares += gradient.addRows(
                x: runX, ldx: runLdx, y: runY, ldy: runLdy, rowWeights: w.map { $0 + run.start }, count: run.count, alpha: alpha,
                into: g, accumulate: remaining != b)
            remaining -= run.count
        }
        return halfSquares
    }
}

/// What an update does for a penalty other than L2, around the rule's step: nothing on the fast
/// path (``NoPenaltyStep``, which the compiler removes), or the penalty's gradient before the step
/// and its proximal step after it (``ProtocolPenaltyStep``). Specialized into the batch loop.
protocol PenaltyStep {
    func addGradient(of theta: UnsafePointer<Double>, count: Int, scale: Double, into g: UnsafeMutablePointer<Double>)
    /// The proximal step of `step` (η times the batch's share) after `rule`'s step, in that
    /// rule's metric where the penalty has one (``ElasticNetStep``).
    func proximalStep<Rule: UpdateRule>(_ theta: UnsafeMutablePointer<Double>, count: Int, step: Double, after rule: Rule)
}

/// L2 or no penalty: nothing besides the batch loop's own L2 term.
struct NoPenaltyStep: PenaltyStep {
    @inline(__always)
    func addGradient(of theta: UnsafePointer<Double>, count: Int, scale: Double, into g: UnsafeMutablePointer<Double>) {}
    @inline(__always)
    func proximalStep<Rule: UpdateRule>(_ theta: UnsafeMutablePointer<Double>, count: Int, step: Double, after rule: Rule) {}
}

/// A penalty of the caller's, through the ``Penalty`` protocol: its proximal step is the plain
/// step's (one `step` for every coefficient; the protocol takes no per-coefficient metric).
struct ProtocolPenaltyStep: PenaltyStep {
    let penalty: any Penalty
    func addGradient(of theta: UnsafePointer<Double>, count: Int, scale: Double, into g: UnsafeMutablePointer<Double>) {
        penalty.addGradient(of: theta, count: count, scale: scale, into: g)
    }
    func proximalStep<Rule: UpdateRule>(_ theta: UnsafeMutablePointer<Double>, count: Int, step: Double, after rule: Rule) {
        penalty.proximalStep(theta, count: count, step: step)
    }
}

/// How a batch's gradient is summed: over this process's rows (``LocalSum``), or over every
/// rank's share of the batch by one exchange (``RankSum``). Specialized into the batch loop.
protocol BatchSum {
    associatedtype Element: BLASScalar
    /// Whether the loop checks for cancellation itself (an exchange carries the ranks' flags).
    static var checksCancellation: Bool { get }
    /// Where the batch's gradient is stored (d values, and room for what an exchange carries).
    var gradient: UnsafeMutablePointer<Double> { get }
    /// Whether the last exchange carried a rank's request to stop (never, without exchanges).
    var stopRequested: Bool { get }
    /// Stores batch `index`'s gradient, scaled by the reduction, and returns its rows, the
    /// reduction's scale and its unscaled ½Σωᵢ‖rᵢ‖²; nil when no rank held a row of it.
    func add(_ index: Int, theta: UnsafeMutablePointer<Double>, epoch: Int) throws -> BatchSums?
}

/// What a batch's gradient pass found.
struct BatchSums {
    /// The batch's rows (over every rank).
    let rows: Int
    /// The reduction's factor for them.
    let scale: Double
    /// ½Σωᵢ‖rᵢ‖² over them, unscaled.
    let halfSquares: Double
}

/// The gradient of this process's rows of a batch.
struct LocalSum<Element: BLASScalar>: BatchSum {
    static var checksCancellation: Bool { true }
    var stopRequested: Bool { false }
    let step: BatchStep<Element>
    let x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int, w: UnsafePointer<Double>?
    let columns: RowColumns<Element>?
    let gradient: UnsafeMutablePointer<Double>
    /// Every batch but an epoch's last has the full size: both reduction factors are computed
    /// once, outside the loop (a division per update costs a tenth of a stochastic step).
    let fullBatchScale: Double, lastBatchScale: Double

    init(_ step: BatchStep<Element>, train: Rows<Element>, w: UnsafePointer<Double>?, into gradient: UnsafeMutablePointer<Double>) {
        self.step = step
        (x, ldx, y, ldy, self.w, self.gradient) = (train.x, train.xStride, train.y, train.yStride, w, gradient)
        columns = train.columns
        fullBatchScale = step.reduction.scale(rows: step.batches.size)
        lastBatchScale = step.reduction.scale(rows: step.batches[step.batches.count - 1].count)
    }

    @inline(__always)
    func add(_ index: Int, theta: UnsafeMutablePointer<Double>, epoch: Int) -> BatchSums? {
        let range = step.batches[index], b = range.count
        let scale = b == step.batches.size ? fullBatchScale : lastBatchScale
        let halfSquares = BatchStep.addBatch(
            range, gradient: step.gradient, chunked: step.chunked, theta: theta, order: step.order, alpha: scale, into: gradient, x: x,
            ldx: ldx, y: y, ldy: ldy, w: w, columns: columns)
        return BatchSums(rows: b, scale: scale, halfSquares: halfSquares)
    }
}

/// The gradient of a batch of rows spread over processes: each rank adds its share of the batch
/// (unscaled), one exchange sums the shares with their half squares, row counts and
/// cancellation flags, and every rank takes the same step from the same sums.
struct RankSum<Element: BLASScalar>: BatchSum {
    static var checksCancellation: Bool { false }
    let step: BatchStep<Element>
    let communicator: any Communicator
    let x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int, w: UnsafePointer<Double>?
    /// d values of gradient, then the half squares, the rows and the cancellation flag.
    let gradient: UnsafeMutablePointer<Double>
    /// The flags summed by the last exchange: the batch is trained on, then every rank stops.
    var stopRequested: Bool { gradient[step.gradient.parameterCount + 2] > 0 }

    init(
        _ step: BatchStep<Element>, sharing: Sharing, train: Rows<Element>, w: UnsafePointer<Double>?,
        exchange: UnsafeMutablePointer<Double>
    ) {
        self.step = step
        communicator = sharing.communicator
        (x, ldx, y, ldy, self.w, gradient) = (train.x, train.xStride, train.y, train.yStride, w, exchange)
    }

    func add(_ index: Int, theta: UnsafeMutablePointer<Double>, epoch: Int) throws -> BatchSums? {
        let g = gradient, d = step.gradient.parameterCount
        let range = step.localBatches[index]
        var halfSquares = 0.0
        if range.isEmpty {
            g.update(repeating: 0, count: d)
        } else {
            halfSquares = BatchStep.addBatch(
                range, gradient: step.gradient, chunked: step.chunked, theta: theta, order: step.order, alpha: 1, into: g, x: x, ldx: ldx,
                y: y, ldy: ldy, w: w, columns: nil)
        }
        g[d] = halfSquares
        g[d + 1] = Double(range.count)
        g[d + 2] = Cancellation.isRequested ? 1 : 0
        communicator.sum(UnsafeMutableBufferPointer(start: g, count: d + 3))
        let b = Int(g[d + 1])
        // A batch no rank held a row of (possible only with more batches than some ranks have
        // rows): no step.
        if b == 0 { return nil }
        let scale = step.reduction.scale(rows: b)
        for i in 0..<d { g[i] *= scale }
        return BatchSums(rows: b, scale: scale, halfSquares: g[d])
    }
}
