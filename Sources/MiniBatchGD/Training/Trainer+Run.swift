extension Trainer {
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    func fitSingleThreaded<Element: BLASScalar>(
        _ train: Rows<Element>, weights: [Double]?, validation: Rows<Element>?, validationWeights: [Double]?, start: Parameters?
    ) throws -> Outcome {
        let config = configuration
        let n = train.totalCount, p = train.featureCount, k = train.outputCount
        let plan = try plan(train, weights: weights)
        let batches = plan.batches, standardizer = plan.standardizer, penalty = plan.penalty
        let choice = plan.choice, epochs = plan.epochs, certificateTolerance = plan.certificateTolerance

        // A loss other than squares goes through the generic kernel; a penalty other than L2
        // through its protocol (certified, where it can be, by the objective's shortest subgradient).
        let loss = config.lossChoice.isSquared ? nil : config.loss
        let otherPenalty = plan.otherPenalty
        // The rows an epoch reads (this rank's): streamed from memory, or back from cache.
        let readAhead = VectorWidth.readAhead(passingOver: train.count * train.xStride * MemoryLayout<Element>.stride)
        // Rows read from columns (an Arrow table's) are gathered a batch or a chunk at a time into
        // scratch made once here, and the same kernels run on it (the bits of a row-major copy).
        let columnar = train.isColumnar || validation?.isColumnar == true
        let gradient = BatchGradient(
            features: p, outputs: k, fitIntercept: fitIntercept, standardizer: standardizer,
            kernel: config.kernel, batchRows: plan.localBatches.size, evaluationLimit: Swift.max(train.count, validation?.count ?? 0),
            rowsOf: Element.self, loss: loss, readAhead: readAhead, columnar: columnar)
        let d = gradient.parameterCount
        let parameters = Buffer<Double>(repeating: 0, count: d)
        let initial = start ?? .zeros(features: p, outputs: k)
        let scaled =
            standardizer.map { $0.toStandardizedUnits(coefficients: initial.coefficients, intercept: initial.intercept) }
            ?? (initial.coefficients, initial.intercept)
        for i in 0..<p * k { parameters.base[i] = scaled.0.elements[i] }
        for o in 0..<k { parameters.base[p * k + o] = fitIntercept ? scaled.1[o] : 0 }

        var history = History()
        if config.recordsBatchCosts {
            try Self.checkBatchCostRecord(epochs: epochs, batches: batches.count)
            // Reserved up to 2²⁰ entries; a longer record grows by doubling, a handful of times.
            history.batchCosts.reserveCapacity(Swift.min(epochs * batches.count, 1 << 20))
        }
        history.epochCosts.reserveCapacity(Swift.min(epochs, 1 << 20))
        history.learningRates.reserveCapacity(Swift.min(epochs, 1 << 20))

        var loop = EpochLoop<Element>(
            configuration: config, epochs: epochs, rate: choice.learningRate, memory: config.optimizer.memory(given: choice.momentum),
            batches: batches, localBatches: plan.localBatches,
            gradient: gradient,
            chunked: ChunkedGradient(
                // No threads are started for data too small to split.
                pool: WorkerPool(
                    threads: ChunkedGradient<Element>.splits(Swift.max(train.count, validation?.count ?? 0), features: p, outputs: k)
                        ? config.threads ?? (train.sharing == nil ? Cores.available : 1) : 1),
                features: p, outputs: k, fitIntercept: fitIntercept, standardizer: standardizer, kernel: config.kernel,
                rowLimit: Swift.max(train.count, validation?.count ?? 0),
                gathers: ChunkedGradient<Element>.splits(plan.localBatches.size, features: p, outputs: k) && plan.localBatches.count > 1
                    && config.shuffle.shufflesRows,
                runLimit: ChunkedGradient<Element>.splits(plan.localBatches.size, features: p, outputs: k)
                    ? Self.runLimit(config.shuffle, rows: train.count, batchRows: plan.localBatches.size) : 0,
                loss: loss, readAhead: readAhead, columnar: columnar),
            order: BatchOrder(
                rows: train.count, features: p, outputs: k, batches: plan.localBatches,
                shuffle: train.sharing.map { config.shuffle.forRank($0.communicator.rank) } ?? config.shuffle,
                weighted: plan.costWeights != nil, columns: train.columns),
            costWeights: plan.costWeights,
            validationWeights: validation.flatMap { rows in
                Self.costWeights(
                    validationWeights, rows: rows.totalCount, total: validationWeights.map { rows.sum($0.reduce(0, +)) },
                    reduction: config.reduction)
            },
            costWeightTotal: plan.costWeights.map { train.sum($0.reduce(0, +)) } ?? Double(n),
            penalty: penalty, otherPenalty: otherPenalty, penaltyScale: plan.penaltyScale,
            certificate: plan.certifiedMu.flatMap { mu in
                certificateTolerance > 0
                    ? Certificate(
                        tolerance: certificateTolerance, mu: mu, features: p, outputs: k, fitIntercept: fitIntercept,
                        standardizer: standardizer) : nil
            },
            progress: progress, gapTarget: gapTarget, standardizer: standardizer, fitIntercept: fitIntercept)
        if let settings = config.checkpointing {
            var identity = CheckpointSession.identity(
                config, train: train, weights: weights, validationRows: validation?.count ?? 0, fitIntercept: fitIntercept)
            // What the plan chose from the data: equal rows and options choose the same, but say so if not.
            identity["plan.learningRate"] = "\(choice.learningRate)"
            identity["plan.momentum"] = "\(choice.momentum ?? 0)"
            identity["plan.epochs"] = "\(epochs)"
            identity["plan.batches"] = "\(batches.count) of \(plan.batchRows) rows"
            // Over ranks each rank's rows are its own, said under its rank; the rows over all are shared.
            var own: [String: String] = [:]
            if train.sharing != nil {
                for key in identity.keys where key.hasPrefix("data.") { own[key] = identity.removeValue(forKey: key) }
                identity["data.allRows"] = "\(n)"
            }
            loop.checkpoint = try CheckpointSession(settings, identity: identity, own: own, communicator: train.sharing?.communicator)
        }
        let result = try config.optimizer.withRule(
            count: d, decayedCount: p * k, momentum: choice.momentum ?? 0,
            LoopRun(
                loop: loop, parameters: parameters, train: train, validation: validation,
                history: history, gap: gapTarget.map { _ in GapProgress() }))
        let reported = result.parameters
        history = result.history

        let scaledCoefficients = Matrix(uncheckedRows: p, columns: k, elements: Array(reported[0..<p * k]))
        let scaledIntercept = Array(reported[(p * k)...])
        let original =
            standardizer.map { $0.toOriginalUnits(coefficients: scaledCoefficients, intercept: scaledIntercept) }
            ?? (scaledCoefficients, scaledIntercept)
        let fitted = Parameters(unchecked: original.0, fitIntercept ? original.1 : Array(repeating: 0, count: k))
        guard fitted.isFinite else {
            throw TrainingError.diverged(
                epoch: history.epochsRun, batch: batches.count, cost: .nan,
                learningRate: history.learningRates.last ?? choice.learningRate)
        }
        let run = TrainingRun(
            history: history, configuration: config, trainingRows: n, batchesPerEpoch: batches.count,
            batchRows: plan.batchRows, epochBudget: epochs, learningRateChoice: choice, notes: plan.notes)
        return Outcome(parameters: fitted, standardizer: standardizer, run: run, gap: result.gap, moments: plan.moments)
    }

}

/// Runs a fit's ``EpochLoop`` with the update rule the optimizer names.
private struct LoopRun<Element: BLASScalar>: UpdateRuleVisitor {
    let loop: EpochLoop<Element>, parameters: Buffer<Double>, train: Rows<Element>, validation: Rows<Element>?, history: History
    let gap: GapProgress?
    func visit<Rule: UpdateRule>(_ rule: Rule) throws(any Error) -> EpochLoop<Element>.Result {
        try loop.run(rule, parameters: parameters, train: train, validation: validation, history: history, gap: gap)
    }
}
