import Foundation
import Testing

@testable import MiniBatchGD

/// Checkpoints of the sparse descent over ranks (threads here, MPI processes in `mbgd-mpi`):
/// every rank holds the whole state alike, so rank 0 writes one process's checkpoint, which
/// resumes on any number of ranks, or in one process, to the uninterrupted one-process fit's
/// bits. A stop asked of one rank stops every rank at the same point.
@Suite struct DistributedSparseCheckpointTests {
    typealias Bits = [UInt64]

    /// AdaGrad (whose moments are saved), shuffled, mini-batches, four epochs.
    static var rule: GradientDescent {
        GradientDescent(batchSize: .rows(8), epochs: 4, optimizer: .adagrad(), shuffle: .everyEpoch(seed: 5), earlyStopping: nil)
    }

    /// Fits `data` in one process (`ranks` nil) or over `ranks` thread ranks; the rank `stopping`
    /// alone asks to stop once epoch 2 is reported. Every process's outcome.
    static func fit(
        _ data: SparseDataset<Double>, ranks: Int?, _ config: GradientDescent, stopping: Int? = nil
    ) -> [Result<Bits, any Error>] {
        guard let ranks else {
            return [
                Result {
                    try run(0, stopping: stopping) { progress in
                        var model = LinearRegression()
                        return try model.fitAndCompare(data, using: config, progress: progress)
                    }
                }
            ]
        }
        return ThreadCommunicator.run(ranks: ranks) { communicator in
            let local = try DistributedSparseTests.share(data, rank: communicator.rank, ranks: ranks)
            let shared = try DistributedSparseDataset(local: local, communicator: communicator)
            return try run(communicator.rank, stopping: stopping) { progress in
                var model = LinearRegression()
                return try model.fitAndCompare(shared, using: config, progress: progress)
            }
        }
    }

    /// `fit`'s bits on rank `rank`, which asks to stop after epoch 2 when it is `stopping`.
    static func run(
        _ rank: Int, stopping: Int?, _ fit: (@escaping @Sendable (EpochReport) -> Void) throws -> SparseComparison
    ) throws -> Bits {
        let flag = CancellationFlag()
        let progress: @Sendable (EpochReport) -> Void = { report in if rank == stopping, report.epoch == 2 { flag.set() } }
        return DistributedSparseDescentTests.bits(try Cancellation.$flag.withValue(flag) { try fit(progress) })
    }

    /// Stopped by rank 1 of two, resumed in one process and on three ranks; stopped in one
    /// process, resumed on two ranks: each time the uninterrupted one-process fit's bits.
    @Test func aCheckpointOfRanksIsOneProcesssAndResumesOnAnyRanks() throws {
        let data = try DistributedSparseTests.data(weights: true)
        let expected = try #require(try Self.fit(data, ranks: nil, Self.rule).first?.get())
        let path = NSTemporaryDirectory() + "mbgd-distributed-sparse-\(getpid()).checkpoint"
        var config = Self.rule
        config.checkpointing = Checkpointing(path: path, every: .seconds(3600))
        var resuming = config
        resuming.checkpointing?.resumesFrom = path
        for (stoppedOn, resumedOn) in [(2, [nil, 3]), (nil, [2])] as [(Int?, [Int?])] {
            try? FileManager.default.removeItem(atPath: path)
            let stopped = Self.fit(data, ranks: stoppedOn, config, stopping: stoppedOn == nil ? 0 : 1)
            for outcome in stopped {
                guard case .failure(TrainingError.cancelled) = outcome else {
                    Issue.record("a process on \(stoppedOn ?? 1) ranks did not stop: \(outcome)")
                    return
                }
            }
            let position = try CheckpointArchive(
                decoding: Array(try #require(FileManager.default.contents(atPath: path))), path: path
            ).integers("position", count: 4)
            #expect(position[0] < 4, "saved at \(position), before the last epoch")
            for ranks in resumedOn {
                for outcome in Self.fit(data, ranks: ranks, resuming) {
                    #expect(try outcome.get() == expected, "stopped on \(stoppedOn ?? 1) ranks, resumed on \(ranks ?? 1)")
                }
            }
        }
        // A checkpoint of another fit is refused on every rank, by what differs.
        var other = resuming
        other.batchSize = .rows(4)
        for outcome in Self.fit(data, ranks: 2, other) {
            #expect(throws: CheckpointError.self) { try outcome.get() }
        }
    }
}
