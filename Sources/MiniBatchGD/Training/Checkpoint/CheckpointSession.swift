import Foundation

/// One fit's checkpoints: what identifies the fit (its rows and the options that change its
/// arithmetic), the checkpoint it resumes from, and when the next one is due.
final class CheckpointSession {
    let settings: Checkpointing
    /// What a checkpoint of this fit must match to be resumed: `data.…`, `option.…` and `plan.…`
    /// entries as text.
    let identity: [String: String]
    /// The checkpoint resumed from, read and matched against ``identity``.
    let resumed: CheckpointArchive?
    private var lastWrite = ContinuousClock.now
    /// When the fit began, in seconds since the epoch: temporaries of the checkpoint's path older
    /// than this are a killed run's, removed after the first write.
    private let started = Int(time(nil))
    private var tidied = false

    /// Reads and matches the checkpoint to resume from, if any.
    /// - Throws: ``CheckpointError`` for a damaged checkpoint or one of another fit; ``FileError``
    ///   when it cannot be read.
    init(_ settings: Checkpointing, identity: [String: String]) throws {
        self.settings = settings
        self.identity = identity
        guard let path = settings.resumesFrom else {
            resumed = nil
            return
        }
        let file = try PositionalFile(path: path)
        try MemoryBudget.check(file.size, path: path, limit: nil)
        let archive = try CheckpointArchive(decoding: try file.bytes(at: 0, count: file.size), path: path)
        var differences: [String] = []
        for key in Set(identity.keys).union(archive.strings.keys.filter { $0.hasPrefix("identity.") }.map { String($0.dropFirst(9)) })
            .sorted()
        {
            let theirs = archive.strings["identity." + key], ours = identity[key]
            guard theirs != ours else { continue }
            differences.append("\(Self.describe(key)): the checkpoint has \(theirs ?? "none"), this fit \(ours ?? "none")")
        }
        // What the plan chose follows from the rows and options: said only when nothing else differs.
        let causes = differences.filter { !$0.hasPrefix("the plan's") }
        guard differences.isEmpty else { throw CheckpointError.mismatch(path: path, differences: causes.isEmpty ? differences : causes) }
        resumed = archive
    }

    /// Whether a checkpoint is due at the end of epoch `epoch`.
    func isDue(afterEpoch epoch: Int) -> Bool {
        switch settings.interval {
        case let .epochs(every): epoch % every == 0
        case let .seconds(seconds): ContinuousClock.now - lastWrite >= .seconds(seconds)
        }
    }

    /// Writes `archive`, with the identity, atomically to the checkpoint's path.
    func write(_ archive: CheckpointArchive) throws {
        var archive = archive
        for (key, value) in identity { archive.set("identity." + key, value) }
        try FileWriter.write(archive.encoded(), to: settings.path)
        lastWrite = .now
        if !tidied {
            tidied = true
            FileWriter.removeLeftoverTemporaries(of: settings.path, changedBefore: started)
        }
    }

    /// An identity key in words, with the `mbgd fit` flag that sets it where there is one.
    static func describe(_ key: String) -> String {
        let flags = [
            "option.batchSize": "the batch size (--batch-size)", "option.epochs": "the epoch budget (--epochs)",
            "option.learningRate": "the learning rate (--learning-rate)",
            "option.optimizer": "the optimizer (--optimizer and its constants)", "option.averaging": "the averaging (--average)",
            "option.reduction": "the reduction (--reduction)", "option.standardize": "standardization (--no-standardize)",
            "option.shuffle": "the shuffle (--seed, --no-shuffle, --shuffle-blocks)",
            "option.schedule": "the schedule (--schedule and its constants)", "option.warmupSteps": "the warm-up (--warmup)",
            "option.lossChoice": "the loss (--loss, --delta)", "option.penaltyChoice": "the penalty (--l2, --l1, --l1-ratio)",
            "option.earlyStopping": "early stopping (--tolerance, --patience, --validation-fraction)",
            "option.warmStart": "the warm start", "option.kernel": "the kernel",
            "data.rows": "the rows", "data.shape": "the features and targets", "data.element": "the precision (--precision)",
            "data.firstRows": "the first rows' values", "data.lastRows": "the last rows' values", "data.weights": "the row weights",
            "data.validationRows": "the held-out rows", "plan.learningRate": "the plan's learning rate",
            "plan.momentum": "the plan's momentum", "plan.epochs": "the plan's epoch budget", "plan.batches": "the plan's batches",
        ]
        return flags[key] ?? key
    }
}

extension CheckpointSession {
    /// The identity of a fit of `configuration` on `train`: the rows' count, shape and
    /// precision, a CRC-32 of their first and last 64 rows (features, targets, weights), and
    /// each option that changes the arithmetic (not the thread count: the bits do not depend on it).
    static func identity<Element: BLASScalar>(
        _ configuration: GradientDescent, train: Rows<Element>, weights: [Double]?, validationRows: Int, fitIntercept: Bool
    ) -> [String: String] {
        var identity = optionIdentity(configuration, fitIntercept: fitIntercept)
        identity["data.rows"] = "\(train.count)"
        identity["data.shape"] = "\(train.featureCount) features, \(train.outputCount) targets"
        identity["data.element"] = "\(Element.self)"
        identity["data.validationRows"] = "\(validationRows)"
        let edge = Swift.min(64, train.count)
        func hash(_ rows: Range<Int>) -> String {
            var bytes: [UInt8] = []
            for i in rows {
                let x = UnsafeBufferPointer(start: train.x + i * train.xStride, count: train.featureCount)
                let y = UnsafeBufferPointer(start: train.y + i * train.yStride, count: train.outputCount)
                bytes.append(contentsOf: UnsafeRawBufferPointer(x))
                bytes.append(contentsOf: UnsafeRawBufferPointer(y))
                if let weights { withUnsafeBytes(of: weights[i]) { bytes.append(contentsOf: $0) } }
            }
            return String(CheckpointArchive.checksum(bytes[...]), radix: 16)
        }
        identity["data.firstRows"] = hash(0..<edge)
        identity["data.lastRows"] = hash((train.count - edge)..<train.count)
        identity["data.weights"] = weights == nil ? "none" : "given"
        return identity
    }

    /// Each option that changes the arithmetic, as text: not the thread count (the bits do not
    /// depend on it), nor where the checkpoints go.
    static func optionIdentity(_ configuration: GradientDescent, fitIntercept: Bool) -> [String: String] {
        var identity: [String: String] = [:]
        for child in Mirror(reflecting: configuration).children {
            guard let label = child.label, label != "threads", label != "checkpointing" else { continue }
            identity["option." + label] = String(describing: child.value)
        }
        identity["option.fitIntercept"] = "\(fitIntercept)"
        return identity
    }

    /// The identity of a fit of `configuration` on sparse rows: their count, shape, nonzeros
    /// and precision, a CRC-32 of the first and last 64 rows (columns, values, targets, weights),
    /// and the options.
    static func identity<Element: BLASScalar>(
        _ configuration: GradientDescent, sparse train: SparseRowsView<Element>, features: Int, weights: UnsafePointer<Double>?,
        validationRows: Int, fitIntercept: Bool
    ) -> [String: String] {
        var identity = optionIdentity(configuration, fitIntercept: fitIntercept)
        let n = train.rows, k = train.k
        identity["data.rows"] = "\(n)"
        identity["data.shape"] = "\(features) features, \(k) targets, \(train.rowStarts[n]) nonzeros"
        identity["data.element"] = "\(Element.self)"
        identity["data.validationRows"] = "\(validationRows)"
        identity["data.weights"] = weights == nil ? "none" : "given"
        let edge = Swift.min(64, n)
        func hash(_ rows: Range<Int>) -> String {
            var bytes: [UInt8] = []
            func add<T>(_ value: T) { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
            for i in rows {
                for position in train.rowStarts[i]..<train.rowStarts[i + 1] {
                    add(train.columns[position])
                    add(Double(train.values[position]).bitPattern)
                }
                for o in 0..<k { add(Double(train.targets[i * k + o]).bitPattern) }
                if let weights { add(weights[i].bitPattern) }
            }
            return String(CheckpointArchive.checksum(bytes[...]), radix: 16)
        }
        identity["data.firstRows"] = hash(0..<edge)
        identity["data.lastRows"] = hash((n - edge)..<n)
        return identity
    }
}
