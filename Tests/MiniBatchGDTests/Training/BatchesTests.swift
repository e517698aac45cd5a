import Testing

@testable import MiniBatchGD

@Suite struct BatchesTests {
    @Test(arguments: [(7200, 32, 225), (7201, 32, 226), (10, 3, 4), (10, 10, 1), (10, 1, 10), (1, 1, 1)])
    func batchCountIsCeilingOfRowsOverSize(rows: Int, size: Int, expected: Int) {
        let batches = Batches(rowCount: rows, size: size)
        #expect(batches.count == expected)
    }

    @Test(arguments: [(7200, 32), (7201, 32), (10, 3), (10, 10), (13, 5), (1, 1), (100, 7)])
    func everyRowExactlyOnceAndNoEmptyBatch(rows: Int, size: Int) {
        let batches = Batches(rowCount: rows, size: size)
        var seen = [Int](repeating: 0, count: rows)
        for range in batches {
            #expect(!range.isEmpty)
            #expect(range.count <= size)
            for row in range { seen[row] += 1 }
        }
        #expect(seen.allSatisfy { $0 == 1 })
        // Only the last batch may be short, and it holds exactly the remainder.
        let remainder = rows % size
        #expect(batches.last!.count == (remainder == 0 ? size : remainder))
    }

    @Test func trainerRecordsOneCostPerBatchPerEpoch() throws {
        let data = try syntheticData(rows: 103, weights: [[1]], intercept: [0], noise: 0.1, seed: 3)
        for (size, perEpoch) in [(BatchSize.rows(10), 11), (.rows(103), 1), (.full, 1), (.stochastic, 103), (.rows(50), 3)] {
            var model = LinearRegression()
            let run = try model.fit(data, using: GradientDescent(batchSize: size, epochs: 4, learningRate: 0.01))
            #expect(run.batchesPerEpoch == perEpoch)
            #expect(run.history.batchCosts.count == 4 * perEpoch)
            #expect(run.history.epochsRun == 4)
        }
    }
}

@Suite struct BlockShuffleTests {
    @Test(arguments: [(100, 8, 32), (103, 8, 32), (103, 7, 10), (50, 50, 7), (9, 1, 2), (1000, 16, 1)])
    func cursorVisitsEveryRowOnceInRunsThatStayInsideBlocks(rows: Int, blockRows: Int, batch: Int) {
        var cursor = BlockCursor(rows: rows, blockRows: blockRows)
        var order = Array(0..<cursor.blocks)
        var generator = RandomSource(seed: UInt64(rows))
        generator.shuffle(&order)
        var seen = [Int](repeating: 0, count: rows)
        order.withUnsafeBufferPointer { blocks in
            for range in Batches(rowCount: rows, size: batch) {
                var taken = 0
                cursor.take(range.count, order: blocks.baseAddress!) { start, count in
                    #expect(count >= 1)
                    #expect(start / blockRows == (start + count - 1) / blockRows)  // one block per run
                    for row in start..<start + count { seen[row] += 1 }
                    taken += count
                }
                #expect(taken == range.count)
            }
        }
        #expect(seen.allSatisfy { $0 == 1 })
    }

    @Test func oneBlockIsTheUnshuffledOrder() throws {
        let data = try syntheticData(rows: 300, weights: [[1], [2]], intercept: [1], noise: 0.2, seed: 4)
        var a = LinearRegression(), b = LinearRegression()
        try a.fit(data, using: GradientDescent(batchSize: 32, epochs: 3, learningRate: 0.05, shuffle: .blocks(seed: 9, rows: 300)))
        try b.fit(data, using: GradientDescent(batchSize: 32, epochs: 3, learningRate: 0.05, shuffle: .none))
        #expect(a.parameters == b.parameters)
    }

    @Test func kernelsAgreeAcrossRunsAndTheRunIsReproducible() throws {
        let data = try syntheticData(rows: 500, weights: [[1], [-1], [0.5]], intercept: [2], noise: 0.2, seed: 8)
        func fit(_ kernel: Kernel, seed: UInt64 = 3) throws -> Parameters {
            var model = LinearRegression()
            try model.fit(
                data,
                using: GradientDescent(
                    batchSize: 40, epochs: 4, learningRate: 0.05, standardize: true,
                    shuffle: .blocks(seed: seed, rows: 7), kernel: kernel))
            return model.parameters!
        }
        #expect(relativeDifference(try fit(.fused), try fit(.blas)) < 1e-12)
        #expect(try fit(.blas) == fit(.blas))
        #expect(try fit(.blas) != fit(.blas, seed: 4))
    }

    @Test func blockShuffledMiniBatchesReachTheClosedForm() throws {
        let data = try Dataset<Double>.seedArticle(seed: 0).train
        var model = LinearRegression()
        let comparison = try model.fitAndCompare(
            data,
            using: GradientDescent(
                batchSize: 32, epochs: 30, learningRate: 0.1, standardize: true, shuffle: .blocks(seed: 1, rows: 8),
                schedule: .inverseScaling(power: 1)))
        #expect(comparison.parameterRelativeDifference < 1e-2)
        var bad = LinearRegression()
        #expect(throws: ArgumentError(argument: "shuffle.rows", value: "0", requirement: "blocks must hold at least 1 row")) {
            try bad.fit(data, using: GradientDescent(shuffle: .blocks(seed: 1, rows: 0)))
        }
    }
}
