import Foundation
import Testing

@testable import MiniBatchGD

/// Block shuffling on sparse rows: the dense trainer's order of blocks (the same generator
/// calls), each block's rows in order, so the two trainers take the same steps; checkpointed
/// inside an epoch, resumed bit for bit.
@Suite struct SparseBlockShuffleTests {
    /// The sparse steps are the dense steps under a block shuffle, for blocks that do and do not
    /// divide the rows, a block larger than the data, and several batch sizes; and a block
    /// shuffle is not the row shuffle.
    @Test(arguments: [1, 7, 64])
    func theSparseBlockOrderIsTheDenseOne(batch: Int) throws {
        let dense = try SparseDescentTests.dense(weighted: true)
        var last: Parameters?
        for shuffle in [Shuffle.blocks(seed: 5, rows: 13), .blocks(seed: 5, rows: 20), .blocks(seed: 5, rows: 1000), .everyEpoch(seed: 5)] {
            let config = GradientDescent(
                batchSize: .rows(batch), epochs: 3, learningRate: .fixed(0.002), averaging: .none, standardize: false, shuffle: shuffle,
                l2Penalty: 0.05, earlyStopping: nil)
            var a = LinearRegression(), b = LinearRegression()
            try a.fit(dense, using: config)
            try b.fit(SparseDataset(dense), using: config)
            #expect(relativeDifference(a.parameters!, b.parameters!) <= 1e-12, "batch \(batch), \(shuffle)")
            if let last { #expect(relativeDifference(last, b.parameters!) > 1e-9, "batch \(batch), \(shuffle) repeats the last order") }
            last = b.parameters
        }
    }

    /// Stopped inside an epoch (single rows, the flag checked every 1024) and resumed: the same
    /// parameters and history as the fit never stopped, the block order restored with the rows'.
    @Test(arguments: [Optimizer.sgd, .adagrad()])
    func blockShuffledSparseFitsResumeBitForBit(_ optimizer: Optimizer) throws {
        var config = GradientDescent(batchSize: .rows(1), epochs: 4, optimizer: optimizer)
        config.shuffle = .blocks(seed: 11, rows: 64)
        let reference = try CheckpointTests.fit(sparse: config)
        let path = CheckpointTests.folder + "/sparse-blocks-\(optimizer.name).checkpoint"
        try? FileManager.default.removeItem(atPath: path)
        config.checkpointing = Checkpointing(path: path, every: .epochs(1))
        let stop = CancellationFlag()
        #expect(throws: TrainingError.self) {
            try CheckpointTests.fit(sparse: config, stop: stop, progress: { if $0.epoch == 2 { stop.set() } })
        }
        let archive = try CheckpointArchive(decoding: Array(FileManager.default.contents(atPath: path)!), path: path)
        #expect(try archive.integers("position", count: 4)[0...1] == [3, 1023])
        #expect(try archive.integers("order.blocks", count: 47).sorted() == Array(0..<47))
        config.checkpointing?.resumesFrom = path
        #expect(try CheckpointTests.fit(sparse: config) == reference, "\(optimizer)")
    }
}
