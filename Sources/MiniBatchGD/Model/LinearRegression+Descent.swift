extension LinearRegression {
    /// Trains by gradient descent on any ``RowSource``, replacing the parameters.
    ///
    /// Rows with ``RowSource/weights`` are fitted by weighted least squares: the cost is
    /// ½Σwᵢ‖rᵢ‖², divided by Σw under the mean reduction (a row of weight w counts as w rows),
    /// and rows of weight 0 add nothing.
    ///
    /// How the rows are read follows where they live:
    /// - a ``Dataset`` in memory is trained on without rows of weight 0 (a copy, only when there
    ///   are some), and a validation part (``EarlyStopping/validationFraction``) is a seeded shuffle
    ///   of its rows;
    /// - rows read in place (a ``MappedDataset``, a ``DistributedDataset``'s share) are never
    ///   copied, so a file larger than memory can be trained on. They are shuffled one by one, as
    ///   the same values in a ``Dataset`` are, giving the same fit; on a file larger than 1 GiB or
    ///   than half the memory available, shuffling single rows would read the disk at random, so
    ///   the fit shuffles blocks of about 1 MiB instead (at most a 256th of the rows;
    ///   ``Shuffle/blocks(seed:rows:)``, said in the run's notes), each read in order. A validation
    ///   part is the file's last rows;
    /// - rows spread over processes are trained by synchronous data-parallel descent, every rank
    ///   calling this together: each batch of the whole data is every rank's share of it, one
    ///   exchange sums the ranks' gradients, and every rank applies the same update, so the
    ///   parameters stay the same bits on every rank (``DistributedDataset/identicalOnAllRanks(_:)``
    ///   checks it). Standardization, the curvature behind the automatic step size, epoch costs
    ///   and the certificate are over all ranks' rows, so a full-batch fit equals one process's
    ///   to rounding; each rank shuffles blocks of its own rows with its own seed;
    /// - any other source is read as it is given: rows of weight 0 kept, its own
    ///   ``RowSource/split(testFraction:shuffleSeed:)`` for a validation part.
    /// - Parameters:
    ///   - data: the training rows.
    ///   - configuration: batch size, epochs, learning rate and the rest.
    ///   - progress: called after every epoch (on the calling thread), e.g. to show progress.
    /// - Returns: the run's history and shape.
    /// - Throws: ``TrainingError`` for a bad configuration, divergence or cancellation;
    ///   ``DataError`` for a bad validation fraction; ``ArgumentError`` for weights that leave a
    ///   part with no weight. The model is unchanged when it throws.
    /// - Complexity: O(epochs · n · p · k); scratch memory O(batch · (p + k) + p·k), plus the
    ///   row permutation when shuffling. X is never copied (unless rows of weight 0 are left out of
    ///   a data set in memory, or a validation part is held out of one).
    @discardableResult
    public mutating func fit<Source: RowSource>(
        _ data: Source, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> TrainingRun {
        try fitReturningTrainingRows(data, using: configuration, progress: progress).outcome.run
    }

    /// The descent of ``fit(_:using:progress:)`` and the rows it trained on (without a held-out
    /// part); with `keepsMoments`, the outcome holds the moments of those rows for a closed form.
    mutating func fitReturningTrainingRows<Source: RowSource>(
        _ data: Source, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)? = nil,
        keepsMoments: Bool = false
    ) throws -> (outcome: Trainer.Outcome, train: Source) {
        if let dataset = data as? Dataset<Source.Element> {
            let (outcome, train) = try fitInMemory(dataset, using: configuration, progress: progress, keepsMoments: keepsMoments)
            // Source is Dataset<Source.Element>: the cast cannot fail.
            return (outcome, train as! Source)
        }
        return try fitInPlace(data, using: configuration, progress: progress, keepsMoments: keepsMoments)
    }

    /// The descent of a data set in memory: rows of weight 0 left out first, so that neither the
    /// training nor the held-out part is made of them alone, and a held-out part split off by a
    /// seeded shuffle before training.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    private mutating func fitInMemory<Element: BLASScalar>(
        _ data: Dataset<Element>, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)?, keepsMoments: Bool
    ) throws -> (outcome: Trainer.Outcome, train: Dataset<Element>) {
        let start = try warmStart(configuration, features: data.featureCount, outputs: data.outputCount)
        try configuration.validate()
        if let weights = data.weights { try validateRowWeights(weights, rows: data.rows) }
        let data = try data.droppingZeroWeightRows()
        var train = data
        var validation: Dataset<Element>?
        if let fraction = configuration.earlyStopping?.validationFraction {
            (train, validation) = try data.split(testFraction: fraction, shuffleSeed: configuration.shuffle.seed)
        }
        let outcome = try Trainer(configuration: configuration, fitIntercept: fitIntercept, progress: progress, keepsMoments: keepsMoments)
            .fit(train, validation: validation, start: start)
        adopt(outcome, featureNames: data.featureNames, targetNames: data.targetNames, precision: Element.precision)
        return (outcome, train)
    }

    /// The descent of rows read as they are given (a mapped file, a share of rows spread over
    /// processes, a caller's own source): for rows read in place from a file, every-epoch
    /// shuffling becomes block shuffling where single rows would be read at random, and a
    /// validation part is the file's last rows, both said in the run's notes.
    private mutating func fitInPlace<Source: RowSource>(
        _ data: Source, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)?, keepsMoments: Bool
    ) throws -> (outcome: Trainer.Outcome, train: Source) {
        let start = try warmStart(configuration, features: data.featureCount, outputs: data.outputCount)
        try configuration.validate()
        let file = data as? any InPlaceRows
        // A file's weight column was checked when it was read; a caller's own source is checked here.
        if file == nil, let weights = data.weights { try validateRowWeights(weights, rows: data.rows) }
        var config = configuration, notes: [String] = []
        if let file, case let .everyEpoch(seed) = configuration.shuffle, configuration.batchSize.resolved(for: data.rows) < data.rows,
            file.shufflesInBlocks
        {
            config.shuffle = .blocks(seed: seed, rows: file.shuffleBlockRows)
            if file.shuffleBlockRows > 1 { notes.append(file.blockShuffleNote(blockRows: file.shuffleBlockRows)) }
        }
        var train = data, validation: Source?
        if let fraction = configuration.earlyStopping?.validationFraction {
            (train, validation) = try data.split(testFraction: fraction, shuffleSeed: configuration.shuffle.seed)
            if let file { notes.append(file.heldOutNote(rows: validation!.rows)) }
        }
        // Rows of weight 0 stay (read in place, they add nothing); the part trained on must weigh something.
        for part in [train] + (validation.map { [$0] } ?? []) where part.weights != nil && part.totalWeight == 0 {
            throw ArgumentError(
                argument: "weights", value: "all zero in the \(part.rows) rows of a part", requirement: "must leave at least one row")
        }
        var outcome = try Trainer(configuration: config, fitIntercept: fitIntercept, progress: progress, keepsMoments: keepsMoments)
            .fit(train, validation: validation, start: start)
        outcome.run.notes = notes + outcome.run.notes
        adopt(outcome, featureNames: data.featureNames, targetNames: data.targetNames, precision: Source.Element.precision)
        return (outcome, train)
    }
}
