extension SparseTrainer {
    /// The blocks of a block shuffle of `rows` rows (a block larger than the data is the data),
    /// as the dense trainer's ``BatchOrder`` cuts them; nil when rows are not shuffled in blocks.
    static func blockCursor(_ shuffle: Shuffle, rows: Int, shuffles: Bool) -> BlockCursor? {
        guard shuffles, case let .blocks(_, size) = shuffle else { return nil }
        return BlockCursor(rows: rows, blockRows: Swift.min(size, Swift.max(rows, 1)))
    }

    /// Writes into `order` the rows of each block of `blockOrder`, in that order, each block's
    /// rows ascending: the runs the dense trainer takes its batches from.
    static func expand(_ blockOrder: Buffer<Int>, of blocks: BlockCursor, into order: Buffer<Int>) {
        var position = 0
        for index in 0..<blockOrder.count {
            let first = blockOrder.base[index] * blocks.blockRows
            for row in first..<Swift.min(first + blocks.blockRows, blocks.rows) {
                order.base[position] = row
                position += 1
            }
        }
    }

    /// Restores a checkpoint's order of blocks into `blockOrder`.
    /// - Throws: ``CheckpointError/damaged(path:reason:)`` unless it is an order of as many blocks.
    static func restore(_ blockOrder: Buffer<Int>, from archive: CheckpointArchive) throws {
        let saved = try archive.integers("order.blocks", count: blockOrder.count)
        guard Set(saved).count == blockOrder.count, saved.allSatisfy({ $0 >= 0 && $0 < blockOrder.count }) else {
            throw CheckpointError.damaged(path: archive.path, reason: "order.blocks is not an order of \(blockOrder.count) blocks")
        }
        blockOrder.base.update(from: saved, count: blockOrder.count)
    }
}
