import Foundation
import Testing

@testable import MiniBatchGD

/// Checkpoints of a fit whose rows are spread over ranks (threads here, MPI processes in
/// `mbgd-mpi`): a stop asked of one rank stops every rank after the same batch, rank 0 writes
/// one file holding every rank's own order, and the fit resumed from it ends with the same
/// parameters and history, bit for bit, as the fit never stopped. The reference is that
/// uninterrupted fit on the same ranks.
@Suite struct DistributedCheckpointTests {
    typealias Fitted = CheckpointTests.Fitted

    /// 400 rows, 5 features, 2 targets, as a float64 `.npy`.
    static let path: String = {
        let folder = NSTemporaryDirectory() + "mbgd-distributed-checkpoint-tests-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let table = try! MappedDatasetTests.table()
        var header = Array("{'descr': '<f8', 'fortran_order': False, 'shape': (\(table.rows), \(table.columns)), }".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
        for value in table.elements { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        _ = FileManager.default.createFile(atPath: folder + "/data.npy", contents: Data(bytes))
        return folder + "/data.npy"
    }()

    /// `configuration` fitted on `ranks` thread ranks; rank 1 asks to stop once its loss's
    /// derivative has run on `limit` rows (the other ranks never ask). Every rank's outcome.
    static func fit(ranks: Int, _ configuration: GradientDescent, stoppingRank1AfterRows limit: Int = .max) -> [Result<Fitted, any Error>] {
        ThreadCommunicator.run(ranks: ranks) { communicator in
            let data = try DistributedDataset(path: Self.path, communicator: communicator)
            let counter = CallCounter(limit: communicator.rank == 1 ? limit : .max)
            var config = configuration
            config.loss = CountingLoss(calls: counter)
            var model = LinearRegression()
            let run = try Cancellation.$flag.withValue(counter.flag) { try model.fit(data, using: config) }
            return Fitted(parameters: model.parameters, history: run.history)
        }
    }

    static func archive(_ path: String) throws -> CheckpointArchive {
        try CheckpointArchive(decoding: Array(try #require(FileManager.default.contents(atPath: path))), path: path)
    }

    /// Rank 1 alone is asked to stop inside epoch 2: every rank stops after the batch whose
    /// exchange carried the request, the one file holds each rank's order, and resuming on the
    /// same ranks gives the uninterrupted fit's bits on every rank; at an epoch's end too.
    @Test(arguments: [(Optimizer.sgd, 2), (.adam(), 2), (.momentum(), 3)])
    func aStopOnOneRankStopsEveryRankAtOneBatchAndResumesBitForBit(optimizer: Optimizer, ranks: Int) throws {
        var config = GradientDescent(batchSize: 4, epochs: 4, optimizer: optimizer, shuffle: .everyEpoch(seed: 3), earlyStopping: nil)
        config.averaging = .fromStart
        let reference = try Self.fit(ranks: ranks, config).map { try $0.get() }
        #expect(reference.allSatisfy { $0 == reference[0] })
        let path = NSTemporaryDirectory() + "mbgd-distributed-\(getpid())-\(optimizer.name)-\(ranks).checkpoint"
        try? FileManager.default.removeItem(atPath: path)
        config.checkpointing = Checkpointing(path: path, every: .seconds(3600))
        // 400 rows over the ranks, 4 a batch, 100 batches an epoch: rank 1 cuts its rows into 100
        // parts (staggered by its rank). Its 40th row of epoch 2 comes in the batch that brings
        // its count to 40, after which every rank stops.
        let rank1PerEpoch = Sharing.split(400, ranks: ranks)[1]
        let stopped = Self.fit(ranks: ranks, config, stoppingRank1AfterRows: rank1PerEpoch + 40)
        for outcome in stopped {
            guard case .failure(TrainingError.cancelled(epochsCompleted: 1)) = outcome else {
                Issue.record("a rank did not stop in epoch 2: \(outcome)")
                return
            }
        }
        let archive = try Self.archive(path)
        let position = try archive.integers("position", count: 4)
        // Rank 1's rows per batch, in order; the batch holding its 40th row of the epoch is the
        // last trained on.
        let rank1Batches = Batches(rowCount: rank1PerEpoch, parts: 100, stagger: 100 / ranks)
        var rows = 0, lastTrained = 0
        while rows < 40 {
            rows += rank1Batches[lastTrained].count
            lastTrained += 1
        }
        #expect(position[0] == 2 && position[1] == lastTrained, "stopped at \(position), expected batch \(lastTrained) of epoch 2")
        for rank in 0..<ranks { #expect((try? archive.integers("rank.\(rank).order.cursor", count: 2)) != nil, "rank \(rank)") }
        #expect(try archive.string("identity.data.ranks") == "\(ranks)")

        config.checkpointing?.resumesFrom = path
        let resumed = try Self.fit(ranks: ranks, config).map { try $0.get() }
        #expect(resumed.allSatisfy { $0 == reference[0] }, "\(optimizer) on \(ranks) ranks")

        // Asked at an epoch's end: the next epoch's check stops every rank before its first batch.
        config.checkpointing = Checkpointing(path: path, every: .epochs(1))
        let atEnd = Self.fit(ranks: ranks, config, stoppingRank1AfterRows: 2 * rank1PerEpoch)
        #expect(atEnd.allSatisfy { if case .failure(TrainingError.cancelled(epochsCompleted: 2)) = $0 { true } else { false } })
        #expect(try Self.archive(path).integers("position", count: 4)[0...1] == [3, 0])
        config.checkpointing?.resumesFrom = path
        #expect(try Self.fit(ranks: ranks, config).map { try $0.get() }.allSatisfy { $0 == reference[0] })
    }

    /// A checkpoint of 2 ranks resumed on 3 is refused on every rank naming the number of ranks
    /// alone; one resumed in one process too; a damaged one by name on every rank.
    @Test func anotherRankCountOrADamagedFileIsRefusedOnEveryRank() throws {
        let path = NSTemporaryDirectory() + "mbgd-distributed-\(getpid())-refused.checkpoint"
        var config = GradientDescent(batchSize: 8, epochs: 3, shuffle: .everyEpoch(seed: 1), earlyStopping: nil)
        config.checkpointing = Checkpointing(path: path, every: .epochs(1))
        #expect(Self.fit(ranks: 2, config).allSatisfy { (try? $0.get()) != nil })
        config.checkpointing?.resumesFrom = path
        for outcome in Self.fit(ranks: 3, config) {
            #expect(
                throws: CheckpointError.mismatch(
                    path: path, differences: ["the number of ranks (mpirun -np): the checkpoint has 2, this fit 3"])
            ) {
                try outcome.get()
            }
        }
        var single = LinearRegression()
        var whole = config
        whole.loss = CountingLoss(calls: CallCounter(limit: .max))
        #expect {
            try single.fit(try MappedDataset(path: Self.path), using: whole)
        } throws: { error in
            "\(error)".contains("the number of ranks (mpirun -np): the checkpoint has 2, this fit none (one process, mbgd)")
        }
        var bytes = Array(try #require(FileManager.default.contents(atPath: path)))
        bytes[bytes.count / 2] ^= 1
        let damaged = path + ".damaged"
        _ = FileManager.default.createFile(atPath: damaged, contents: Data(bytes))
        config.checkpointing?.resumesFrom = damaged
        for outcome in Self.fit(ranks: 2, config) {
            #expect {
                try outcome.get()
            } throws: { error in
                guard case let CheckpointError.damaged(named, reason) = error else { return false }
                return named == damaged && reason.contains("checksum")
            }
        }
    }

    /// Bytes of any count on each rank gathered to every rank and to rank 0 alone, and rank 0's
    /// passed to every rank, each byte kept (lengths that end inside a 6-byte word and past it).
    @Test func bytesGatheredAndPassedFromRankZeroKeepEveryByte() {
        let lengths = [0, 1, 7, 4096 + 3]
        @Sendable func bytes(rank: Int) -> [UInt8] { (0..<lengths[rank]).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ rank &* 101 &+ 255) } }
        let outcomes = ThreadCommunicator.run(ranks: 4) { communicator in
            (
                communicator.gather(bytes: bytes(rank: communicator.rank)),
                communicator.broadcastFromRankZero(bytes: bytes(rank: (communicator.rank + 3) % 4)),
                communicator.gatherToRankZero(bytes: bytes(rank: communicator.rank))
            )
        }
        for (rank, outcome) in outcomes.enumerated() {
            let (gathered, passed, rooted) = try! outcome.get()
            #expect(gathered == (0..<4).map { bytes(rank: $0) })
            #expect(passed == bytes(rank: 3))
            // Rank 0 alone receives the rooted gather.
            #expect(rooted == (rank == 0 ? (0..<4).map { bytes(rank: $0) } : nil))
        }
    }
}
