/// The gradient-descent loop.
///
/// Standardization is folded into the arithmetic instead of into a copy of X: with
/// z = (x − μ)/σ, the scaled model zᵀθˢ + bˢ equals xᵀW + c for W = θˢ/σ and c = bˢ − μᵀW, and
/// the scaled gradient is (Xᵀr − μ·1ᵀr)/σ. Each batch therefore runs its kernel (BLAS or fused)
/// on the original rows plus O(p·k) work, and the trainer never copies X.
///
/// All scratch memory is allocated once per fit; the batch loop allocates nothing. Batches in
/// order, and block-shuffled batches (runs of rows), are read in place; row-shuffled batches are
/// gathered into one reused buffer.
struct Trainer {
    /// The most batch costs a fit records (1 GiB of Doubles).
    static let maximumBatchCosts = 1 << 27

    let configuration: GradientDescent
    let fitIntercept: Bool
    var progress: (@Sendable (EpochReport) -> Void)?

    struct Outcome {
        var parameters: Parameters
        var standardizer: Standardizer?
        var run: TrainingRun
        /// The rows actually trained on (without a held-out validation part).
        var trainingData: Dataset
    }

    /// Fits `data`, starting from `start` (original units) or from zero.
    func fit(_ data: Dataset, start: Parameters?) throws -> Outcome {
        let config = configuration
        try config.validate()
        var train = data
        var validation: Dataset?
        if let fraction = config.earlyStopping?.validationFraction {
            let split = try data.split(testFraction: fraction, shuffleSeed: config.shuffle.seed)
            train = split.train
            validation = split.test
        }
        try config.validateBatchSize(rows: train.rows)

        let n = train.rows, p = train.featureCount, k = train.outputCount
        let batchRows = config.batchSize.resolved(for: n)
        let batches = Batches(rowCount: n, size: batchRows)
        var standardizer: Standardizer?
        if config.standardize {
            let fitted = Standardizer(fitting: train.features)
            standardizer = fitIntercept ? fitted : Standardizer(mean: Array(repeating: 0, count: p), scale: fitted.scale)
        }
        let initial = start ?? .zeros(features: p, outputs: k)
        let scaledStart = standardizer.map { $0.toStandardizedUnits(coefficients: initial.coefficients, intercept: initial.intercept) }
            ?? (initial.coefficients, initial.intercept)

        var shuffleBlockRows: Int?
        if case let .blocks(_, rows) = config.shuffle, batches.count > 1 { shuffleBlockRows = rows }
        var workspace = Workspace(p: p, k: k, batchRows: batchRows, rows: n,
                                  gathers: config.shuffle.seed != nil && shuffleBlockRows == nil && batches.count > 1,
                                  shuffleBlockRows: shuffleBlockRows,
                                  momentum: config.momentum.coefficient > 0, standardizer: standardizer)
        defer { workspace.deallocate() }
        workspace.theta.update(from: scaledStart.0.elements, count: p * k)
        workspace.bias.update(from: fitIntercept ? scaledStart.1 : Array(repeating: 0, count: k), count: k)

        var history = History()
        if config.recordsBatchCosts {
            // One Double per batch: refuse a record that could not fit, rather than die allocating it.
            let (entries, overflow) = config.epochs.multipliedReportingOverflow(by: batches.count)
            guard !overflow, entries <= Self.maximumBatchCosts else {
                throw TrainingError.invalidArgument(
                    argument: "recordsBatchCosts", value: "true",
                    requirement: "\(config.epochs) epochs of \(batches.count) batches would record more than \(Self.maximumBatchCosts) batch costs (1 GiB); turn it off or train fewer epochs")
            }
            // Reserved up to 2²⁰ entries; a longer record grows by doubling, a handful of times.
            history.batchCosts.reserveCapacity(Swift.min(entries, 1 << 20))
        }
        history.epochCosts.reserveCapacity(config.epochs)
        history.learningRates.reserveCapacity(config.epochs)

        func descend(_ workspace: inout Workspace, _ history: inout History) throws {
            try train.features.withUnsafePointer { x in
                try train.targets.withUnsafePointer { y in
                    try runEpochs(x: x, y: y, n: n, batches: batches, validation: validation, workspace: &workspace, history: &history)
                }
            }
        }
        // Small BLAS-2 calls lose more to waking threads than they gain.
        if batchRows * p * k < 1 << 16 {
            try BLASThreads.singleThreaded { try descend(&workspace, &history) }
        } else {
            try descend(&workspace, &history)
        }

        let scaledCoefficients = Matrix(uncheckedRows: p, columns: k, elements: Array(UnsafeBufferPointer(start: workspace.theta, count: p * k)))
        let scaledIntercept = Array(UnsafeBufferPointer(start: workspace.bias, count: k))
        let original = standardizer.map { $0.toOriginalUnits(coefficients: scaledCoefficients, intercept: scaledIntercept) }
            ?? (scaledCoefficients, scaledIntercept)
        let parameters = Parameters(unchecked: original.0, fitIntercept ? original.1 : Array(repeating: 0, count: k))
        guard parameters.isFinite else {
            throw TrainingError.diverged(epoch: history.epochsRun, batch: batches.count, cost: .nan,
                                         learningRate: history.learningRates.last ?? config.learningRate)
        }
        let run = TrainingRun(history: history, configuration: config, trainingRows: n, batchesPerEpoch: batches.count)
        return Outcome(parameters: parameters, standardizer: standardizer, run: run, trainingData: train)
    }

    private func runEpochs(x: UnsafePointer<Double>, y: UnsafePointer<Double>, n: Int, batches: Batches,
                           validation: Dataset?, workspace w: inout Workspace, history: inout History) throws {
        let config = configuration
        let p = w.p, k = w.k
        let mu = config.momentum.coefficient
        let fused = config.kernel.usesFused(features: p, outputs: k, batchRows: w.batchRows)
        var generator = config.shuffle.seed.map { RandomSource(seed: $0) }
        var cursor = w.shuffleBlockRows.map { BlockCursor(rows: n, blockRows: $0) }

        let startCost = w.cost(x: x, y: y, rows: n, reduction: config.reduction)
        var zeroCost = 0.0
        for o in 0 ..< k { zeroCost += 0.5 * BLAS.dot(n, y + o, k, y + o, k) }
        zeroCost *= config.reduction.scale(rows: n)
        let divergenceBound = config.divergenceFactor * Swift.max(startCost, zeroCost, .leastNormalMagnitude)

        var best = Double.infinity
        var epochsWithoutImprovement = 0
        for epoch in 1 ... config.epochs {
            if Task.isCancelled { throw TrainingError.cancelled(epochsCompleted: epoch - 1) }
            let epochStart = ContinuousClock.now
            let rate = config.schedule.rate(initial: config.learningRate, epoch: epoch)
            history.learningRates.append(rate)
            if var g = generator {
                if let order = w.order { g.shuffle(UnsafeMutableBufferPointer(start: order, count: n)) }
                if let blocks = w.blockOrder, let c = cursor { g.shuffle(UnsafeMutableBufferPointer(start: blocks, count: c.blocks)) }
                generator = g
            }
            cursor?.reset()
            for (index, range) in batches.enumerated() {
                // A long epoch (a million stochastic steps) must still stop promptly.
                if index & 1023 == 1023, Task.isCancelled { throw TrainingError.cancelled(epochsCompleted: epoch - 1) }
                let b = range.count
                w.prepareRawParameters()
                let scale = config.reduction.scale(rows: b)
                var halfSquares = 0.0
                if let blocks = w.blockOrder {
                    // Shuffled blocks: the batch is a few contiguous runs, trained on in place.
                    var first = true
                    cursor!.take(b, order: blocks) { start, count in
                        halfSquares += w.residualAndGradient(rows: count, x: x + start * p, y: y + start * k, alpha: scale,
                                                             fused: fused, accumulate: !first)
                        first = false
                    }
                } else {
                    let (xb, yb) = w.batch(range, x: x, y: y)
                    halfSquares = w.residualAndGradient(rows: b, x: xb, y: yb, alpha: scale, fused: fused)
                }
                let cost = scale * halfSquares
                guard cost.isFinite else { throw TrainingError.diverged(epoch: epoch, batch: index + 1, cost: cost, learningRate: rate) }
                if config.recordsBatchCosts { history.batchCosts.append(cost) }
                w.toScaledGradient()
                if !fitIntercept { w.biasGradient.update(repeating: 0, count: k) }
                if config.l2Penalty > 0 {
                    // Per-batch share of λ/2·‖θ‖² so that an epoch adds up to the full penalty.
                    let lambda = config.reduction == .mean ? config.l2Penalty : config.l2Penalty * Double(b) / Double(n)
                    BLAS.axpy(p * k, lambda, w.theta, w.gradient)
                }
                if mu > 0 {
                    w.step(rate: rate, momentum: mu, nesterov: config.momentum.isNesterov)
                } else {
                    BLAS.axpy(p * k, -rate, w.gradient, w.theta)
                    BLAS.axpy(k, -rate, w.biasGradient, w.bias)
                }
            }
            let trainingSeconds = (ContinuousClock.now - epochStart) / .seconds(1)
            let epochCost = w.cost(x: x, y: y, rows: n, reduction: config.reduction)
            guard epochCost.isFinite, epochCost <= divergenceBound else {
                throw TrainingError.diverged(epoch: epoch, batch: batches.count, cost: epochCost, learningRate: rate)
            }
            history.epochCosts.append(epochCost)
            var monitored = epochCost
            if let validation {
                monitored = validation.features.withUnsafePointer { vx in
                    validation.targets.withUnsafePointer { vy in w.cost(x: vx, y: vy, rows: validation.rows, reduction: config.reduction) }
                }
                history.validationCosts.append(monitored)
            }
            progress?(EpochReport(epoch: epoch, epochs: config.epochs, cost: epochCost,
                                  validationCost: validation == nil ? nil : monitored, learningRate: rate,
                                  trainingSeconds: trainingSeconds, rows: n))
            if let stopping = config.earlyStopping {
                if monitored < best - stopping.tolerance * Swift.max(best == .infinity ? 0 : best, .leastNormalMagnitude) {
                    best = monitored
                    epochsWithoutImprovement = 0
                } else {
                    epochsWithoutImprovement += 1
                    if epochsWithoutImprovement >= stopping.patience {
                        history.stopReason = validation == nil ? .trainingCostConverged : .validationCostConverged
                        return
                    }
                }
            }
        }
    }
}

/// Scratch memory of one fit, allocated once and reused by every batch.
struct Workspace {
    let p: Int, k: Int, batchRows: Int
    /// Rows per cache-sized block of a large batch (about 256 KiB of X).
    let blockRows: Int
    /// Parameters in the space descended in (standardized when standardizing).
    let theta: UnsafeMutablePointer<Double>, bias: UnsafeMutablePointer<Double>
    let gradient: UnsafeMutablePointer<Double>, biasGradient: UnsafeMutablePointer<Double>
    let residual: UnsafeMutablePointer<Double>
    let costPerOutput: UnsafeMutablePointer<Double>
    let velocity: UnsafeMutablePointer<Double>?, biasVelocity: UnsafeMutablePointer<Double>?
    /// Original-unit weights W = θˢ/σ and offset c = bˢ − μᵀW (aliases of theta/bias without standardization).
    let rawWeights: UnsafeMutablePointer<Double>, rawOffset: UnsafeMutablePointer<Double>
    /// Row permutation and gather buffers, present when rows are shuffled.
    let order: UnsafeMutablePointer<Int>?
    /// Block order and block size, present when blocks of rows are shuffled.
    let blockOrder: UnsafeMutablePointer<Int>?
    let shuffleBlockRows: Int?
    let gatheredX: UnsafeMutablePointer<Double>?, gatheredY: UnsafeMutablePointer<Double>?
    let evaluationRows: Int
    let mean: [Double], scale: [Double]
    let standardizes: Bool

    init(p: Int, k: Int, batchRows: Int, rows: Int, gathers: Bool, shuffleBlockRows: Int?, momentum: Bool, standardizer: Standardizer?) {
        func zeros(_ count: Int) -> UnsafeMutablePointer<Double> {
            let pointer = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(count, 1))
            pointer.initialize(repeating: 0, count: Swift.max(count, 1))
            return pointer
        }
        self.p = p; self.k = k; self.batchRows = batchRows
        blockRows = Swift.max(16, (256 * 1024) / (8 * (p + k)))
        theta = zeros(p * k); bias = zeros(k)
        gradient = zeros(p * k); biasGradient = zeros(k)
        // The residual buffer serves both the batch blocks and whole-data cost evaluation.
        evaluationRows = Swift.max(Swift.min(batchRows, blockRows), Swift.min(rows, 4096))
        residual = zeros(evaluationRows * k)
        costPerOutput = zeros(k)
        velocity = momentum ? zeros(p * k) : nil
        biasVelocity = momentum ? zeros(k) : nil
        standardizes = standardizer != nil
        rawWeights = standardizes ? zeros(p * k) : theta
        rawOffset = standardizes ? zeros(k) : bias
        mean = standardizer?.mean ?? []
        scale = standardizer?.scale ?? []
        if gathers {
            let order = UnsafeMutablePointer<Int>.allocate(capacity: rows)
            for i in 0 ..< rows { (order + i).initialize(to: i) }
            self.order = order
            gatheredX = zeros(batchRows * p)
            gatheredY = zeros(batchRows * k)
        } else {
            order = nil; gatheredX = nil; gatheredY = nil
        }
        self.shuffleBlockRows = shuffleBlockRows
        if let shuffleBlockRows {
            let count = (rows + shuffleBlockRows - 1) / shuffleBlockRows
            let blocks = UnsafeMutablePointer<Int>.allocate(capacity: count)
            for i in 0 ..< count { (blocks + i).initialize(to: i) }
            blockOrder = blocks
        } else {
            blockOrder = nil
        }
    }

    func deallocate() {
        for pointer in [theta, bias, gradient, biasGradient, residual, costPerOutput] { pointer.deallocate() }
        velocity?.deallocate(); biasVelocity?.deallocate()
        if standardizes { rawWeights.deallocate(); rawOffset.deallocate() }
        order?.deallocate(); gatheredX?.deallocate(); gatheredY?.deallocate(); blockOrder?.deallocate()
    }

    /// Pointers to the batch's rows: in place when contiguous, else gathered by the permutation.
    @inline(__always)
    func batch(_ range: Range<Int>, x: UnsafePointer<Double>, y: UnsafePointer<Double>) -> (UnsafePointer<Double>, UnsafePointer<Double>) {
        guard let order, let gatheredX, let gatheredY else { return (x + range.lowerBound * p, y + range.lowerBound * k) }
        // Narrow rows are copied element by element: a memmove call per row would cost more than the row.
        if p <= 16 && k == 1 {
            for (slot, position) in range.enumerated() {
                let row = order[position]
                let source = x + row * p, target = gatheredX + slot * p
                for j in 0 ..< p { target[j] = source[j] }
                gatheredY[slot] = y[row]
            }
        } else {
            for (slot, position) in range.enumerated() {
                let row = order[position]
                (gatheredX + slot * p).update(from: x + row * p, count: p)
                (gatheredY + slot * k).update(from: y + row * k, count: k)
            }
        }
        return (UnsafePointer(gatheredX), UnsafePointer(gatheredY))
    }

    /// The batch's gradient with respect to (W, c), scaled by `alpha`, into `gradient` and
    /// `biasGradient`; returns ½Σr². The BLAS path works in blocks of `blockRows` rows so each
    /// block is still in cache when its gradient reads it back: X is read from memory once.
    @inline(__always)
    func residualAndGradient(rows: Int, x: UnsafePointer<Double>, y: UnsafePointer<Double>, alpha: Double, fused: Bool,
                             accumulate: Bool = false) -> Double {
        if fused {
            if p >= 8 {
                return LinearKernel.fusedSingleOutputSIMD(rows: rows, p: p, x: x, y: y, weights: rawWeights, offset: rawOffset[0],
                                                          alpha: alpha, accumulate: accumulate, weightGradient: gradient, offsetGradient: biasGradient)
            }
            return LinearKernel.fusedSingleOutput(rows: rows, p: p, x: x, y: y, weights: rawWeights, offset: rawOffset[0],
                                                  alpha: alpha, accumulate: accumulate, weightGradient: gradient, offsetGradient: biasGradient)
        }
        var halfSquares = 0.0
        var start = 0
        while start < rows {
            let count = Swift.min(blockRows, rows - start)
            LinearKernel.residual(rows: count, p: p, k: k, x: x + start * p, y: y + start * k,
                                  weights: rawWeights, offset: rawOffset, into: residual)
            halfSquares += LinearKernel.halfSquaredNorm(count * k, residual)
            LinearKernel.gradient(rows: count, p: p, k: k, x: x + start * p, residual: residual, alpha: alpha,
                                  beta: start == 0 && !accumulate ? 0 : 1, weightGradient: gradient, offsetGradient: biasGradient)
            start += count
        }
        return halfSquares
    }

    /// W = θˢ/σ and c = bˢ − μᵀW; nothing to do without standardization (they alias).
    @inline(__always)
    func prepareRawParameters() {
        guard standardizes else { return }
        for o in 0 ..< k { rawOffset[o] = bias[o] }
        for j in 0 ..< p {
            let inverse = 1 / scale[j], m = mean[j]
            for o in 0 ..< k {
                let value = theta[j * k + o] * inverse
                rawWeights[j * k + o] = value
                rawOffset[o] -= m * value
            }
        }
    }

    /// Turns the gradient with respect to (W, c) into the gradient with respect to (θˢ, bˢ).
    @inline(__always)
    func toScaledGradient() {
        guard standardizes else { return }
        for j in 0 ..< p {
            let inverse = 1 / scale[j], m = mean[j]
            for o in 0 ..< k { gradient[j * k + o] = (gradient[j * k + o] - m * biasGradient[o]) * inverse }
        }
    }

    /// Momentum step: v ← μv + g; θ ← θ − η·v, or θ ← θ − η·(g + μv) with Nesterov's correction.
    @inline(__always)
    func step(rate: Double, momentum mu: Double, nesterov: Bool) {
        guard let velocity, let biasVelocity else { return }
        func update(_ count: Int, _ g: UnsafeMutablePointer<Double>, _ v: UnsafeMutablePointer<Double>, _ t: UnsafeMutablePointer<Double>) {
            for i in 0 ..< count {
                v[i] = mu * v[i] + g[i]
                t[i] -= rate * (nesterov ? g[i] + mu * v[i] : v[i])
            }
        }
        update(p * k, gradient, velocity, theta)
        update(k, biasGradient, biasVelocity, bias)
    }

    /// The reduced cost over `rows` rows at the current parameters, in blocks through `residual`.
    func cost(x: UnsafePointer<Double>, y: UnsafePointer<Double>, rows: Int, reduction: Reduction) -> Double {
        prepareRawParameters()
        costPerOutput.update(repeating: 0, count: k)
        LinearKernel.halfSquaredResiduals(rows: rows, p: p, k: k, x: x, y: y, weights: rawWeights, offset: rawOffset,
                                          scratch: residual, scratchRows: evaluationRows, into: costPerOutput)
        var total = 0.0
        for o in 0 ..< k { total += costPerOutput[o] }
        return total * reduction.scale(rows: rows)
    }
}
