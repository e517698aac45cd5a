import Foundation

/// One fit's checkpoints: what identifies the fit (its rows and the options that change its
/// arithmetic), the checkpoint it resumes from, and when the next one is due.
///
/// Over the ranks of a job (``communicator`` set) every rank calls each method together: rank 0
/// reads the checkpoint and passes its bytes to the others, each rank's own state (its order in
/// its rows) travels to rank 0, which writes one file holding it under `rank.R.`, and rank 0's
/// clock says when a checkpoint is due, so that every rank saves at the same batch.
final class CheckpointSession {
    let settings: Checkpointing
    /// What a checkpoint of this fit must match to be resumed: `data.…`, `option.…` and `plan.…`
    /// entries as text, and over ranks each rank's rows as `rank.R.data.…`.
    let identity: [String: String]
    /// The checkpoint resumed from, read and matched against ``identity``.
    let resumed: CheckpointArchive?
    /// The ranks sharing the fit's rows (nil: one process).
    let communicator: (any Communicator)?
    private var lastWrite = ContinuousClock.now
    /// When the fit began, in seconds since the epoch: temporaries of the checkpoint's path older
    /// than this are a killed run's, removed after the first write.
    private let started = Int(time(nil))
    private var tidied = false

    /// Reads and matches the checkpoint to resume from, if any. Over ranks, `own` is this rank's
    /// part of the identity (its rows), gathered with every other rank's; a fit whose ranks
    /// hold the whole state alike (sparse rows over ranks) has none, and its checkpoint is one
    /// process's, resumed on any number of ranks.
    /// - Throws: ``CheckpointError`` for a damaged checkpoint or one of another fit; ``FileError``
    ///   when it cannot be read (over ranks, as ``DistributedError/failed(rank:ranks:error:)`` on rank 0).
    init(
        _ settings: Checkpointing, identity: [String: String], own: [String: String] = [:], communicator: (any Communicator)? = nil
    ) throws {
        self.settings = settings
        self.communicator = communicator
        var identity = identity
        if let communicator, !own.isEmpty {
            // Every rank learns every rank's rows, so that all find the same differences.
            var mine = CheckpointArchive(path: settings.path)
            for (key, value) in own { mine.set(key, value) }
            for (rank, bytes) in communicator.gather(bytes: mine.encoded()).enumerated() {
                for (key, value) in try CheckpointArchive(decoding: bytes, path: settings.path).strings {
                    identity["rank.\(rank).\(key)"] = value
                }
            }
            identity["data.ranks"] = "\(communicator.size)"
        } else {
            identity.merge(own) { $1 }
        }
        self.identity = identity
        guard let path = settings.resumesFrom else {
            resumed = nil
            return
        }
        let bytes: [UInt8]
        if let communicator {
            let read = try communicator.agree { communicator.rank == 0 ? try Self.bytes(of: path) : [] }
            bytes = communicator.broadcastFromRankZero(bytes: read)
        } else {
            bytes = try Self.bytes(of: path)
        }
        let archive = try CheckpointArchive(decoding: bytes, path: path)
        let differences = Self.differences(
            identity,
            Dictionary(
                uniqueKeysWithValues: archive.strings.filter { $0.key.hasPrefix("identity.") }.map {
                    (String($0.key.dropFirst(9)), $0.value)
                }))
        guard differences.isEmpty else { throw CheckpointError.mismatch(path: path, differences: differences) }
        resumed = archive
    }

    private static func bytes(of path: String) throws -> [UInt8] {
        let file = try PositionalFile(path: path)
        try MemoryBudget.check(file.size, path: path, limit: nil)
        return try file.bytes(at: 0, count: file.size)
    }

    /// What differs between this fit's identity and the checkpoint's, in words: what the plan
    /// chose follows from the rows and options, and each rank's rows from the rank count and
    /// the rows over all ranks, so each is said only when what it follows from agrees.
    static func differences(_ ours: [String: String], _ theirs: [String: String]) -> [String] {
        let keys = Set(ours.keys).union(theirs.keys).sorted().filter { ours[$0] != theirs[$0] }
        var said = keys
        if said.contains(where: { !$0.hasPrefix("plan.") }) { said.removeAll { $0.hasPrefix("plan.") } }
        if said.contains("data.ranks") {
            said.removeAll { ($0.hasPrefix("data.") && $0 != "data.ranks") || $0.hasPrefix("rank.") }
        } else if said.contains("data.allRows") {
            said.removeAll { $0.hasPrefix("rank.") }
        }
        func value(_ text: String?, _ key: String) -> String {
            guard let text else { return key == "data.ranks" ? "none (one process, mbgd)" : "none" }
            return plainly(text)
        }
        return said.map { "\(describe($0)): the checkpoint has \(value(theirs[$0], $0)), this fit \(value(ours[$0], $0))" }
    }

    /// This process's own part of ``resumed``: all of it in one process, its rank's section over ranks.
    var resumedOwn: CheckpointArchive? {
        guard let communicator else { return resumed }
        return resumed?.section("rank.\(communicator.rank).")
    }

    /// Whether a checkpoint is due at the end of epoch `epoch`. Over ranks, rank 0's clock
    /// decides for all (one exchange): each rank's own could disagree by a batch.
    func isDue(afterEpoch epoch: Int) -> Bool {
        switch settings.interval {
        case let .epochs(every):
            return epoch % every == 0
        case let .seconds(seconds):
            let due = ContinuousClock.now - lastWrite >= .seconds(seconds)
            guard let communicator else { return due }
            return communicator.sum(communicator.rank == 0 && due ? 1 : 0) > 0
        }
    }

    /// Writes `archive` (the state every rank holds alike), this process's `own` state, and the
    /// identity atomically to the checkpoint's path. Over ranks, every rank's `own` goes to rank 0
    /// (under `rank.R.`), which alone writes; every rank learns whether the write succeeded.
    /// - Throws: ``FileError`` when the file cannot be written (over ranks, as
    ///   ``DistributedError/failed(rank:ranks:error:)`` on rank 0, ``DistributedError/failedElsewhere(rank:)`` on the others).
    func write(_ archive: CheckpointArchive, own: CheckpointArchive? = nil) throws {
        var archive = archive
        for (key, value) in identity { archive.set("identity." + key, value) }
        guard let communicator else {
            if let own { archive.add(own, prefix: "") }
            try FileWriter.write(archive.encoded(), to: settings.path)
            wrote()
            return
        }
        // To rank 0 alone, which writes: no other rank holds the whole job's state.
        let parts = communicator.gatherToRankZero(bytes: (own ?? CheckpointArchive(path: settings.path)).encoded())
        try communicator.agree {
            guard communicator.rank == 0, let parts else { return }
            for (rank, bytes) in parts.enumerated() {
                archive.add(try CheckpointArchive(decoding: bytes, path: settings.path), prefix: "rank.\(rank).")
            }
            try FileWriter.write(archive.encoded(), to: settings.path)
            wrote()
        }
        lastWrite = .now
    }

    /// After a write by this process: the clock restarted, and the first time, the temporaries
    /// a killed run left beside the checkpoint removed.
    private func wrote() {
        lastWrite = .now
        guard !tidied else { return }
        tidied = true
        FileWriter.removeLeftoverTemporaries(of: settings.path, changedBefore: started)
    }

    /// An option's value as the files keep it (as Swift describes it, so that older checkpoints
    /// still match), said plainly: no `Optional(…)`, module and type paths, or wrappers of one value.
    static func plainly(_ text: String) -> String {
        if text == "nil" { return "none" }
        var text = text
        for wrapper in ["Optional(", "LossChoice(loss: ", "PenaltyChoice(penalty: "] where text.hasPrefix(wrapper) && text.hasSuffix(")") {
            text = String(text.dropFirst(wrapper.count).dropLast())
        }
        // `MiniBatchGD.` and the types after it, before a case or a type's name.
        while let module = text.range(of: "MiniBatchGD.") {
            var end = module.upperBound
            while let dot = text[end...].firstIndex(where: { !$0.isLetter && !$0.isNumber }), text[dot] == ".",
                text[end].isUppercase
            {
                end = text.index(after: dot)
            }
            text.removeSubrange(module.lowerBound..<end)
        }
        text.replace("()", with: "")
        return text
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
            "option.lossChoice": "the loss (--loss, --delta)", "option.penaltyChoice": "the penalty (--l2, --l1, --l1-ratio, --l1-method)",
            "option.earlyStopping": "early stopping (--tolerance, --patience, --validation-fraction)",
            "option.warmStart": "the warm start", "option.kernel": "the kernel",
            "data.rows": "the rows", "data.shape": "the features and targets", "data.element": "the precision (--precision)",
            "data.firstRows": "the first rows' values", "data.lastRows": "the last rows' values", "data.weights": "the row weights",
            "data.validationRows": "the held-out rows", "plan.learningRate": "the plan's learning rate",
            "plan.momentum": "the plan's momentum", "data.ranks": "the number of ranks (mpirun -np)",
            "data.allRows": "the rows over every rank", "plan.epochs": "the plan's epoch budget", "plan.batches": "the plan's batches",
        ]
        if key.hasPrefix("rank."), let dot = key.dropFirst(5).firstIndex(of: ".") {
            return "\(describe(String(key[key.index(after: dot)...]))) on rank \(key[key.index(key.startIndex, offsetBy: 5)..<dot])"
        }
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
        // Room for one row of columnar rows (read a row at a time: the same bytes as in place).
        let rowX = Buffer<Element>(repeating: 0, count: train.featureCount), rowY = Buffer<Element>(repeating: 0, count: train.outputCount)
        func hash(_ rows: Range<Int>) -> String {
            var bytes: [UInt8] = []
            for i in rows {
                train.withBlock(from: i, rows: 1, scratchX: rowX.base, scratchY: rowY.base) { x, _, y, _ in
                    bytes.append(contentsOf: UnsafeRawBufferPointer(UnsafeBufferPointer(start: x, count: train.featureCount)))
                    bytes.append(contentsOf: UnsafeRawBufferPointer(UnsafeBufferPointer(start: y, count: train.outputCount)))
                }
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
    /// and the options. Over ranks (`ranks` set, `train` this rank's share) it is the identity
    /// of every rank's rows together, the one process's: every rank holds the whole state alike,
    /// so a checkpoint resumes on any number of ranks, or in one process.
    static func identity<Element: BLASScalar>(
        _ configuration: GradientDescent, sparse train: SparseRowsView<Element>, features: Int, weights: UnsafePointer<Double>?,
        validationRows: Int, fitIntercept: Bool, ranks: SparseRanks<Element>? = nil
    ) -> [String: String] {
        var identity = optionIdentity(configuration, fitIntercept: fitIntercept)
        let n = ranks?.rows ?? train.rows, k = train.k, firstRow = ranks?.firstRow ?? 0
        identity["data.rows"] = "\(n)"
        identity["data.shape"] = "\(features) features, \(k) targets, \(ranks?.nonzeros ?? train.rowStarts[n]) nonzeros"
        identity["data.element"] = "\(Element.self)"
        identity["data.validationRows"] = "\(validationRows)"
        identity["data.weights"] = weights == nil ? "none" : "given"
        let edge = Swift.min(64, n)
        // The bytes of the rows of `rows` this process holds, in order (`weights` and the
        // ranks' targets are of every row; the entries of this rank's share only).
        func bytes(_ rows: Range<Int>) -> [UInt8] {
            var bytes: [UInt8] = []
            func add<T>(_ value: T) { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
            for i in rows.clamped(to: firstRow..<firstRow + train.rows) {
                let local = i - firstRow
                for position in train.rowStarts[local]..<train.rowStarts[local + 1] {
                    add(train.columns[position])
                    add(Double(train.values[position]).bitPattern)
                }
                for o in 0..<k { add(Double(ranks?.targets[i * k + o] ?? train.targets[local * k + o]).bitPattern) }
                if let weights { add(weights[i].bitPattern) }
            }
            return bytes
        }
        func hash(_ rows: Range<Int>) -> String {
            // Over ranks, each rank's bytes joined in rank order: the rows' bytes in order.
            let joined = ranks.map { $0.communicator.gather(bytes: bytes(rows)).flatMap { $0 } } ?? bytes(rows)
            return String(CheckpointArchive.checksum(joined[...]), radix: 16)
        }
        identity["data.firstRows"] = hash(0..<edge)
        identity["data.lastRows"] = hash((n - edge)..<n)
        return identity
    }
}
