extension OnlineTrainer {
    /// What a saved state names itself in errors.
    static let stateName = "online trainer state"

    /// The trainer's state as bytes, in the checkpoint format (named arrays behind a CRC-32):
    /// the counts and the progressive loss's sums, and after the first chunk the plan (the
    /// standardization, the learning rate, the batch size, the penalty), the parameters in
    /// descent coordinates and the update rule's state (moments, step count, running average).
    /// ``restoreState(from:)`` on a trainer of the same shape and configuration continues from it
    /// with the bits the uninterrupted trainer would have had (scikit-learn's pickling of an
    /// estimator between `partial_fit` calls).
    ///
    /// ```swift
    /// let bytes = trainer.stateBytes()
    /// let resumed = try OnlineTrainer(features: 3, configuration: trainer.configuration)
    /// try resumed.restoreState(from: bytes)   // resumed.partialFit continues where trainer stopped
    /// ```
    public func stateBytes() -> [UInt8] {
        var archive = CheckpointArchive(path: Self.stateName)
        for (key, value) in identity { archive.set("identity." + key, value) }
        archive.set("counts", integers: [rowsSeen, updates])
        archive.set("progressiveSums", [weightedSquares, weightTotal])
        archive.set("started", state != nil)
        if let state, let learningRate {
            archive.set("plan.batchRows", state.batchRows)
            archive.set("plan.penalty", state.penalty)
            archive.set("plan.learningRate", [learningRate.learningRate, learningRate.momentum ?? .nan])
            archive.set("plan.learningRateSource", learningRate.source.rawValue)
            archive.set("plan.learningRateReason", learningRate.reason)
            if let standardizer {
                archive.set("plan.mean", standardizer.mean)
                archive.set("plan.scale", standardizer.scale)
            }
            archive.set("parameters", state.parameters.base, count: state.gradient.parameterCount)
            state.rule.saveState(to: &archive, prefix: "rule.")
        }
        return archive.encoded()
    }

    /// Replaces this trainer's state with one ``stateBytes()`` wrote.
    ///
    /// The learning-rate choice comes back with its rate, momentum, source and reason, not the
    /// curvature measured for it (``LearningRateChoice/curvature`` is nil after a restore).
    /// - Throws: ``OnlineStateError/damaged(reason:)`` for bytes that are not such a state (cut
    ///   short, altered, of another format); ``OnlineStateError/mismatch(differences:)`` for the
    ///   state of a trainer of another shape or configuration. The trainer is unchanged when it throws.
    public func restoreState(from bytes: [UInt8]) throws {
        do {
            try restore(from: CheckpointArchive(decoding: bytes, path: Self.stateName))
        } catch let CheckpointError.damaged(_, reason) {
            throw OnlineStateError.damaged(reason: reason)
        }
    }

    private func restore(from archive: CheckpointArchive) throws {
        var differences: [String] = []
        let saved = archive.strings.keys.filter { $0.hasPrefix("identity.") }.map { String($0.dropFirst(9)) }
        for key in Set(identity.keys).union(saved).sorted() {
            let theirs = archive.strings["identity." + key], ours = identity[key]
            if theirs != ours {
                differences.append("\(CheckpointSession.describe(key)): the state has \(theirs ?? "none"), this trainer \(ours ?? "none")")
            }
        }
        guard differences.isEmpty else { throw OnlineStateError.mismatch(differences: differences) }
        let counts = try archive.integers("counts", count: 2), sums = try archive.doubles("progressiveSums", count: 2)
        guard counts[0] >= 0, counts[1] >= 0, sums.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw CheckpointError.damaged(path: Self.stateName, reason: "its counts or sums are negative or not finite")
        }
        guard try archive.bool("started") else {
            state = nil
            standardizer = nil
            learningRate = nil
            (rowsSeen, updates, weightedSquares, weightTotal) = (counts[0], counts[1], sums[0], sums[1])
            return
        }
        let restored = try OnlineTrainer(
            features: featureCount, outputs: outputCount, fitIntercept: fitIntercept, configuration: configuration)
        try restored.restorePlanAndRule(from: archive)
        (state, standardizer, learningRate) = (restored.state, restored.standardizer, restored.learningRate)
        (rowsSeen, updates, weightedSquares, weightTotal) = (counts[0], counts[1], sums[0], sums[1])
    }

    /// The plan, parameters and rule of `archive`, into this fresh trainer.
    private func restorePlanAndRule(from archive: CheckpointArchive) throws {
        let batchRows = try archive.integer("plan.batchRows"), penalty = try archive.double("plan.penalty")
        let rate = try archive.doubles("plan.learningRate", count: 2)
        guard batchRows >= 1, penalty.isFinite, penalty >= 0, rate[0].isFinite, rate[0] > 0,
            let source = LearningRateChoice.Source(rawValue: try archive.string("plan.learningRateSource"))
        else {
            throw CheckpointError.damaged(path: Self.stateName, reason: "its plan (batch rows, penalty or learning rate) is out of range")
        }
        var standardizer: Standardizer?
        if archive.doubles["plan.mean"] != nil {
            let mean = try archive.doubles("plan.mean", count: featureCount), scale = try archive.doubles("plan.scale", count: featureCount)
            guard mean.allSatisfy(\.isFinite), scale.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw CheckpointError.damaged(path: Self.stateName, reason: "its standardization is not finite and positive")
            }
            standardizer = Standardizer(mean: mean, scale: scale)
        }
        let choice = LearningRateChoice(
            learningRate: rate[0], source: source, momentum: rate[1].isNaN ? nil : rate[1], curvature: nil, batchSmoothness: nil,
            reason: try archive.string("plan.learningRateReason"), contractionPerUpdate: nil, predictedEpochs: nil,
            predictionTolerance: 0)
        install(standardizer: standardizer, choice: choice, batchRows: batchRows, penalty: penalty)
        guard let state else { return }
        try archive.read("parameters", into: state.parameters.base, count: state.gradient.parameterCount)
        try self.state!.rule.restoreState(from: archive, prefix: "rule.")
    }

    /// What a state must match to be restored: the shape and each option that changes the arithmetic.
    private var identity: [String: String] {
        var identity = CheckpointSession.optionIdentity(configuration, fitIntercept: fitIntercept)
        identity["data.shape"] = "\(featureCount) features, \(outputCount) targets"
        return identity
    }
}
