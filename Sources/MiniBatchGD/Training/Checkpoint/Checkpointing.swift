/// Where and how often a gradient-descent fit saves its whole state, and the checkpoint it
/// resumes from, so that a long fit killed part way loses nothing
/// (``GradientDescent/checkpointing``).
///
/// A checkpoint holds everything the rest of the fit depends on: the parameters, the update
/// rule's state (momentum, Adam's moments and step count, AdaGrad's squares), the running
/// average, the schedule's and the stop rules' state, the shuffle's generator and this epoch's
/// order, the position in the epoch, and the history so far. A fit resumed from it gives the
/// same parameters and history, bit for bit, as the fit that was not interrupted, whatever the
/// thread count of either.
///
/// Checkpoints are written at the end of an epoch once ``interval`` has passed since the last
/// one, and when the fit is cancelled (Ctrl-C, SIGTERM in `mbgd fit`): then at the batch it
/// stopped at, so nothing is lost. Each is written to a temporary beside ``path``, flushed and
/// renamed over it, so a crash during a write leaves the previous checkpoint whole; a temporary
/// left by a killed run is removed after this fit's first write.
///
/// ```swift
/// var configuration = GradientDescent(batchSize: 64, epochs: 500)
/// configuration.checkpointing = Checkpointing(path: "fit.checkpoint", every: .seconds(60))
/// try model.fit(data, using: configuration)   // killed after an hour…
/// configuration.checkpointing?.resumesFrom = "fit.checkpoint"
/// try model.fit(data, using: configuration)   // …goes on from its last checkpoint
/// ```
///
/// Resuming checks that the rows (their count, shape and a hash of the first and last ones)
/// and every option that changes the arithmetic are those the checkpoint was written with,
/// and says what differs otherwise (``CheckpointError``). Dense rows and sparse ones (the lazy
/// descent's per-column state saved too), and rows spread over processes
/// (``DistributedDataset``): every rank stops after the same batch when any is cancelled, rank 0
/// writes one file holding what the ranks share and each rank's own order in its rows, and a
/// checkpoint resumes on the same number of ranks only. The batch-size sweep's gap target is refused.
public struct Checkpointing: Equatable, Sendable {
    /// How often to write a checkpoint.
    public enum Interval: Equatable, Sendable {
        /// At the first epoch end after this many seconds since the last checkpoint (or the start).
        case seconds(Double)
        /// At the end of every this many epochs.
        case epochs(Int)
    }

    /// The checkpoint file, replaced at each write.
    public var path: String
    /// How often to write it.
    public var interval: Interval
    /// A checkpoint to continue from (nil: start afresh). It may be ``path`` itself.
    public var resumesFrom: String?

    /// Writes to `path` at `interval` (default: every 60 seconds), resuming from `resumesFrom` when given.
    public init(path: String, every interval: Interval = .seconds(60), resumesFrom: String? = nil) {
        self.path = path
        self.interval = interval
        self.resumesFrom = resumesFrom
    }

    /// Checks the interval.
    /// - Throws: ``ArgumentError`` naming `checkpointing.interval` or `checkpointing.path`.
    public func validate() throws {
        guard !path.isEmpty else {
            throw ArgumentError(argument: "checkpointing.path", value: "\"\"", requirement: "must name a file")
        }
        switch interval {
        case let .seconds(seconds):
            guard seconds.isFinite, seconds >= 0 else {
                throw ArgumentError(
                    argument: "checkpointing.interval", value: "\(seconds) seconds",
                    requirement: "must be zero or a positive number of seconds")
            }
        case let .epochs(epochs):
            guard epochs >= 1 else {
                throw ArgumentError(argument: "checkpointing.interval", value: "\(epochs) epochs", requirement: "must be at least 1 epoch")
            }
        }
    }
}
