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
