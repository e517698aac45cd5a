import Testing

@testable import MiniBatchGD

/// The one chunked reduction every one-off pass goes through: its cut and its merge order.
@Suite struct RowChunksTests {
    @Test(arguments: [0, 1, 5, 64, 65, 1000])
    func chunksCoverEveryRowOnceInOrder(rows: Int) {
        for chunkRows in [1, 7, 64] {
            let chunks = RowChunks(rows: rows, chunkRows: chunkRows)
            // ⌈rows / chunkRows⌉ worked by hand, and one (empty) chunk for no rows.
            #expect(chunks.count == (rows == 0 ? 1 : (rows + chunkRows - 1) / chunkRows))
            let covered = (0..<chunks.count).flatMap { Array(chunks.range($0)) }
            #expect(covered == Array(0..<rows), "\(rows) rows in chunks of \(chunkRows)")
            #expect((0..<chunks.count).allSatisfy { chunks.range($0).count <= chunkRows })
        }
    }

    /// The parts arrive at the merge in chunk order, whichever thread made them.
    @Test func theMergeTakesThePartsInChunkOrderOnAnyThreadCount() {
        let chunks = RowChunks(rows: 10_000, chunkRows: 97)
        let expected = stride(from: 0, to: 10_000, by: 97).map { $0 }
        for pool in [nil, WorkerPool(threads: 1), WorkerPool(threads: 2), WorkerPool(threads: 4)] {
            let starts = chunks.reduce(on: pool) {
                [$0.lowerBound]
            } merge: {
                $0 += $1
            }
            #expect(starts == expected, "\(pool?.threads ?? 0) threads")
        }
    }

    /// A floating-point sum whose value depends on the order of its additions: the same bits on
    /// every thread count, and the bits of adding the chunks' sums in order by hand.
    @Test func aRoundedSumIsTheSameBitsOnAnyThreadCount() {
        let values = (0..<50_000).map { (i: Int) -> Double in
            let size: Double = i % 3 == 0 ? 1e16 : 1, sign: Double = i % 2 == 0 ? 1 : -0.999_999_7
            return size * sign + Double(i) * 1e-3
        }
        let chunks = RowChunks(rows: values.count, chunkRows: 333)
        var byHand = 0.0
        for chunk in 0..<chunks.count {
            var part = 0.0
            for i in chunks.range(chunk) { part += values[i] }
            byHand = chunk == 0 ? part : byHand + part
        }
        for threads in [1, 2, 3, 8] {
            let sum = chunks.reduce(on: WorkerPool(threads: threads)) { range in
                var part = 0.0
                for i in range { part += values[i] }
                return part
            } merge: {
                $0 += $1
            }
            #expect(sum.bitPattern == byHand.bitPattern, "\(threads) threads")
        }
    }
}
