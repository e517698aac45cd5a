import Foundation
import Synchronization
import Testing

@testable import MiniBatchGD

/// Long runs of rows on every thread: the same bits whatever the thread count, and the same
/// sums as one pass to rounding.
@Suite struct ThreadingTests {
    /// 70 000 rows (many chunks, the last one short) of `features` features and `outputs` targets.
    static func data(features: Int, outputs: Int) throws -> Dataset<Double> {
        let weights = (0..<features).map { j in (0..<outputs).map { o in Double(j + 1) * (o == 0 ? 0.5 : -0.25) } }
        return try syntheticData(
            rows: 70_000, weights: weights, intercept: (0..<outputs).map { Double($0) + 1 }, noise: 0.3, seed: 17)
    }

    /// How often each chunk ran: one counter per chunk in memory of its own (threads write
    /// different counters; an array's shared header would be a race of its own). A chunk beyond
    /// the slots counts in the last one.
    final class Count: ChunkWork, @unchecked Sendable {
        private let counts: UnsafeMutableBufferPointer<Int>
        init(slots: Int) {
            counts = .allocate(capacity: slots)
            counts.initialize(repeating: 0)
        }
        deinit { counts.deallocate() }
        var hits: [Int] { Array(counts) }
        func run(chunk: Int, worker: Int) { counts[Swift.min(chunk, counts.count - 1)] += 1 }
    }

    @Test func aPoolRunsEveryChunkOnceWhateverItsSize() {
        for threads in [1, 2, 3, 8] {
            let pool = WorkerPool(threads: threads)
            for chunks in [0, 1, 2, 7, 257] {
                let work = Count(slots: 258)
                pool.perform(work, chunks: chunks)
                #expect(work.hits[..<chunks].allSatisfy { $0 == 1 } && work.hits[chunks...].allSatisfy { $0 == 0 })
            }
        }
    }

    @Test func backToBackPerformsRunEveryChunkOnceAndNoStaleOne() {
        // Performs as quick as the pool can take them, so workers still leaving one perform meet
        // the next: a claim made on the last perform's word must not take a chunk of this one.
        let pool = WorkerPool(threads: 3)
        var random = RandomSource(seed: 5)
        var failures = 0
        for _ in 0..<20_000 {
            let chunks = 2 + random.uncheckedInt(below: 8)
            let work = Count(slots: 10)
            pool.perform(work, chunks: chunks)
            if !(work.hits[..<chunks].allSatisfy { $0 == 1 } && work.hits[chunks...].allSatisfy { $0 == 0 }) { failures += 1 }
        }
        #expect(failures == 0)
    }

    @Test(arguments: [false, true])
    func momentsOverChunksEqualTwoPassesByHand(weighted: Bool) throws {
        // 70 000 rows of 60 features: three chunks of the moments pass.
        let data = try Self.data(features: 60, outputs: 1)
        let n = data.rows, p = 60
        #expect(Moments.chunkRows(features: p, outputs: 1) < n / 2)
        var generator = RandomSource(seed: 6)
        let weights = weighted ? (0..<n).map { i in i % 7 == 0 ? 0 : generator.nextUniform() * 2 } : nil
        let moments = data.withRows { Moments($0, weights: weights, pool: WorkerPool(threads: 3)) }
        // Weighted means, then the centred sums, in the plainest loops.
        let w = weights ?? Array(repeating: 1, count: n), total = w.reduce(0, +)
        let mean = (0...p).map { j in (0..<n).reduce(0.0) { $0 + w[$1] * (j < p ? data.features[$1, j] : data.targets[$1, 0]) } / total }
        func centred(_ i: Int, _ j: Int) -> Double { (j < p ? data.features[i, j] : data.targets[i, 0]) - mean[j] }
        var worst = 0.0
        for a in [0, 17, 59] {
            for b in [0, 31, 59, p] {
                let exact = (0..<n).reduce(0.0) { $0 + w[$1] * centred($1, a) * centred($1, b) }
                let found = b < p ? moments.centredGram[a * p + b] : moments.centredCross[a]
                worst = max(worst, abs(found - exact) / abs(exact))
            }
        }
        #expect(worst <= 1e-11)
        #expect(zip(moments.featureMean, mean).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) })
    }

    @Test(arguments: [false, true])
    func solvesAreTheSameBitsOnOneTwoThreeAndEightThreads(weighted: Bool) throws {
        // 70 000 rows of 40 features: two chunks of the moments pass, 18 of refinement's.
        let data = try Self.data(features: 40, outputs: 2)
        var generator = RandomSource(seed: 4)
        let weights = weighted ? (0..<data.rows).map { _ in generator.nextUniform() * 2 } : nil
        var reference: LeastSquares.Solution?
        for threads in [1, 2, 3, 8] {
            let solution = try LeastSquares.solve(data, weights: weights, covariance: .hc3, threads: threads)
            #expect(solution.refinementIterations > 0)
            if let reference {
                #expect(solution.parameters == reference.parameters, "\(threads) threads")
                #expect(solution.coefficientTables.map(\.errorBounds) == reference.coefficientTables.map(\.errorBounds))
                // Every pass over the rows runs in chunks with OpenBLAS on one thread inside, so
                // the sums over the rows are the same bits whatever other tests do to OpenBLAS;
                // the p×p algebra after them (the inverse, the sandwich) is OpenBLAS's: to rounding.
                #expect(solution.statistics.residualSumOfSquares == reference.statistics.residualSumOfSquares)
                #expect(solution.statistics.durbinWatson == reference.statistics.durbinWatson)
                #expect(
                    relativeDifference(solution.coefficientFigures(\.standardError)!, reference.coefficientFigures(\.standardError)!)
                        <= 1e-12
                )
            } else {
                reference = solution
            }
        }
        #expect(throws: ArgumentError.self) { try LeastSquares.solve(data, threads: 0) }
        // The residual pass's sums over six chunks, against the residuals in plain loops.
        let solution = try #require(reference)
        #expect(ResidualPass.chunkRows(features: 40, outputs: 2) * 5 < data.rows)
        for o in 0..<2 {
            var squares = 0.0, differences = 0.0, previous = 0.0
            for i in 0..<data.rows {
                var e = data.targets[i, o] - solution.parameters.intercept[o]
                for j in 0..<40 { e -= data.features[i, j] * solution.parameters.coefficients[j, o] }
                e *= (weights?[i] ?? 1).squareRoot()
                squares += e * e
                if i > 0 { differences += (e - previous) * (e - previous) }
                previous = e
            }
            #expect(abs(solution.statistics.residualSumOfSquares[o] - squares) <= 1e-9 * squares)
            #expect(abs(solution.statistics.durbinWatson[o] - differences / squares) <= 1e-9)
        }
    }

    /// 70 000 rows of 100 features (four chunks), column 1 column 0 to four digits (κ(Z) about
    /// 10⁴, κ² near what Cholesky accepts), with targets almost on the plane: QR's chunks on 1,
    /// 2, 3 and 8 threads give the same bits, and the answer SVD gives to about κ·ε where the
    /// normal equations lose κ²·ε.
    @Test(arguments: [false, true])
    func qrSolvesAreTheSameBitsOnOneTwoThreeAndEightThreads(weighted: Bool) throws {
        let n = 70_000, p = 100
        var generator = RandomSource(seed: 23)
        var x = [Double](), y = [Double]()
        for _ in 0..<n {
            var row = (0..<p).map { j in generator.nextGaussian() + Double(j % 5) }
            row[1] = row[0] + 2e-4 * generator.nextGaussian()
            x.append(contentsOf: row)
            y.append((0..<p).reduce(1.0) { $0 + Double($1 % 7 + 1) * row[$1] } + 1e-9 * generator.nextGaussian())
        }
        let data = try Dataset(features: Matrix<Double>(rows: n, columns: p, elements: x), target: y)
        #expect(Moments.chunkRows(features: p, outputs: 1) * 3 < n)
        let weights = weighted ? (0..<n).map { i in i % 11 == 0 ? 0 : 0.5 + generator.nextUniform() } : nil
        var reference: [Bool: LeastSquares.Solution] = [:]
        for threads in [1, 2, 3, 8] {
            for refine in [false, true] {
                let solution = try LeastSquares.solve(data, method: .qr, weights: weights, refine: refine, threads: threads)
                #expect(solution.method == .qr)
                if let first = reference[refine] {
                    #expect(solution.parameters == first.parameters, "\(threads) threads, refine \(refine)")
                    #expect(solution.conditionNumber == first.conditionNumber)
                } else {
                    reference[refine] = solution
                }
            }
        }
        let qr = try #require(reference[false])
        #expect(qr.conditionNumber > 1e3 && qr.conditionNumber < 1e5)
        let svd = try LeastSquares.solve(data, method: .svd, weights: weights, refine: false)
        let cholesky = try LeastSquares.solve(data, method: .cholesky, weights: weights, refine: false)
        // QR loses digits as κ (≈ 1e-13 here), the normal equations as κ² (≈ 1e-9): a
        // Cholesky-QR, or a QR of the Gram matrix, would land with Cholesky.
        let qrError = relativeDifference(qr.parameters, svd.parameters)
        #expect(qrError <= 1e-11, "QR against SVD: \(qrError)")
        let choleskyError = relativeDifference(cholesky.parameters, svd.parameters)
        #expect(choleskyError > 100 * qrError, "Cholesky against SVD: \(choleskyError), QR: \(qrError)")
        // Refined, each method reaches the same answer.
        let refined = try LeastSquares.solve(data, method: .cholesky, weights: weights, threads: 2)
        #expect(relativeDifference(try #require(reference[true]).parameters, refined.parameters) <= 1e-10)
    }

    @Test(arguments: [false, true])
    func runsCutIntoChunksAddUpToTheRunsInOnePass(weighted: Bool) throws {
        // A batch of 30 000 rows made of runs of 1 to 3000 rows anywhere in the data.
        let data = try Self.data(features: 9, outputs: 1)
        let n = data.rows, p = 9, d = p + 1
        var generator = RandomSource(seed: 9)
        let weights = (0..<n).map { _ in weighted ? 2 * generator.nextUniform() : 1 }
        var runs: [(start: Int, count: Int)] = [], total = 0
        while total < 30_000 {
            let count = Swift.min(1 + generator.uncheckedInt(below: 3000), 30_000 - total)
            runs.append((generator.uncheckedInt(below: n - count), count))
            total += count
        }
        let theta = (0..<d).map { Double($0) * 0.1 - 0.3 }
        let single = BatchGradient(
            features: p, outputs: 1, fitIntercept: true, standardizer: nil, kernel: .automatic, batchRows: n, evaluationLimit: n)
        let chunked = ChunkedGradient<Double>(
            pool: WorkerPool(threads: 3), features: p, outputs: 1, fitIntercept: true, standardizer: nil, kernel: .automatic,
            rowLimit: n, runLimit: runs.count)
        var expected = [Double](repeating: 0, count: d), found = expected
        let (a, b) = data.features.withUnsafePointer { x in
            data.targets.withUnsafePointer { y in
                weights.withUnsafeBufferPointer { w in
                    single.prepare(theta)
                    var a = 0.0
                    for (index, run) in runs.enumerated() {
                        a += single.addRows(
                            x: x + run.start * p, ldx: p, y: y + run.start, ldy: 1, rowWeights: w.baseAddress! + run.start,
                            count: run.count,
                            alpha: 0.5, into: &expected, accumulate: index > 0)
                    }
                    var next = 0
                    let b = chunked.addRuns(
                        parameters: theta, x: x, ldx: p, y: y, ldy: 1, rowWeights: w.baseAddress!, count: total, alpha: 0.5, into: &found
                    ) { remaining in
                        defer { next += 1 }
                        #expect(remaining == total - runs[..<next].reduce(0) { $0 + $1.count })
                        return runs[next]
                    }
                    return (a, b)
                }
            }
        }
        #expect(abs(a - b) <= 1e-12 * a)
        #expect(relativeDifference(found, expected) <= 1e-12)
    }

    @Test func aColumnOutOfScaleInALaterChunkIsFoundOnEveryThreadCount() throws {
        // 140 000 rows: three chunks of the scale check; the huge value sits in the second.
        var features = (0..<140_000).map { i in [Double(i % 17), Double(i % 5)] }
        features[100_000][1] = 3e300
        let data = try Dataset(features: features, targets: (0..<140_000).map { Double($0 % 11) })
        for threads in [1, 2, 3] {
            #expect(throws: DataError.scaleOutOfRange(argument: "feature", column: "x2", largest: 3e300)) {
                try LeastSquares.solve(data, threads: threads)
            }
        }
    }

    /// Metrics over rows in chunks: the same bits on 1, 2 and 3 threads, equal to the metrics of
    /// the whole predictions (another algorithm: one pass over matrices), weighted or not; the
    /// first overflowing prediction named whichever chunk holds it (160 000 rows: chunks of
    /// 74 896 rows, three of them).
    @Test(arguments: [false, true])
    func metricsAreTheSameBitsOnAnyThreadCount(weighted: Bool) throws {
        let data = try Dataset<Double>.synthetic(rows: 160_000, features: 5, outputs: 2, seed: 31)
        let chunkRows = RegressionMetrics.chunkRows(features: 5, outputs: 2)
        #expect(chunkRows == 8 * (65_536 / 7) && data.rows > 2 * chunkRows)
        var generator = RandomSource(seed: 4)
        let weights = weighted ? (0..<data.rows).map { _ in 2 * generator.nextUniform() } : nil
        var model = LinearRegression()
        try model.fit(data, method: .qr)
        let parameters = model.parameters!
        let results = try [1, 2, 3].map { threads in
            try data.withRows { try RegressionMetrics(rows: $0, parameters: parameters, weights: weights, threads: threads) }
        }
        let bits = results.map { $0.outputs.map { [$0.meanSquaredError, $0.meanAbsoluteError, $0.r2].map(\.bitPattern) } }
        #expect(bits[1] == bits[0] && bits[2] == bits[0])
        #expect(throws: ArgumentError.self) { try model.evaluate(data, threads: 0) }
        let whole = try RegressionMetrics(predictions: model.predict(data.features), targets: data.targets, weights: weights)
        for o in 0..<2 {
            let a = results[0].outputs[o], b = whole.outputs[o]
            #expect(abs(a.meanSquaredError - b.meanSquaredError) <= 1e-12 * b.meanSquaredError)
            #expect(abs(a.meanAbsoluteError - b.meanAbsoluteError) <= 1e-12 * b.meanAbsoluteError)
            #expect(abs(a.r2 - b.r2) <= 1e-12)
        }
        // Features of 1e300 in rows 100 000 (second chunk) and 155 000 (third) overflow there only.
        var features = data.features
        features[100_000, 3] = 1e300
        features[155_000, 0] = 1e300
        let overflowing = try Dataset(features: features, targets: data.targets)
        let huge = try LinearRegression(
            parameters: Parameters(coefficients: Matrix(rows: 5, columns: 2, repeating: 1e10), intercept: [0, 0]))
        for threads in [1, 2, 3] {
            #expect(throws: ModelError.predictionOverflow(row: 100_000, output: 0)) { try huge.evaluate(overflowing, threads: threads) }
        }
    }

    @Test func chunksAreSetByTheShapeAlone() {
        // About 256 KiB of rows, a power of two between 256 and 16 384 rows.
        #expect(ChunkedGradient<Double>.chunkRows(features: 31, outputs: 1) == 1024)
        #expect(ChunkedGradient<Double>.chunkRows(features: 1, outputs: 1) == 16_384)
        #expect(ChunkedGradient<Double>.chunkRows(features: 5000, outputs: 3) == 256)
        #expect(ChunkedGradient<Double>.chunkRows(features: 64, outputs: 8) == 512)
        #expect(
            ChunkedGradient<Double>.splits(2048, features: 31, outputs: 1)
                && !ChunkedGradient<Double>.splits(2047, features: 31, outputs: 1))
    }

    /// Two chunks that each wait (up to two seconds) for the other to start: they meet only when
    /// two threads run them at once.
    final class Meeting: ChunkWork, @unchecked Sendable {
        private let started = Atomic<Int>(0)
        private let met = Atomic<Int>(0)
        var bothMet: Bool { met.load(ordering: .acquiring) == 2 }
        func run(chunk: Int, worker: Int) {
            started.wrappingAdd(1, ordering: .acquiringAndReleasing)
            let deadline = Date().addingTimeInterval(10)
            while started.load(ordering: .acquiring) < 2, Date() < deadline { usleep(50) }
            if started.load(ordering: .acquiring) == 2 { met.wrappingAdd(1, ordering: .acquiringAndReleasing) }
        }
    }

    @Test func aPoolsFirstPerformIsSharedByItsWorkers() {
        // Right after the pool is made its worker has likely not started: it must still join the
        // perform under way (it used to wait for the next one, leaving the first to the caller).
        for _ in 0..<10 {
            let pool = WorkerPool(threads: 2)
            let work = Meeting()
            pool.perform(work, chunks: 2)
            #expect(work.bothMet)
        }
    }

    @Test func aPoolReleasedBeforeItsThreadsStartEndsCleanly() {
        // Its workers may not have run a line yet: they must still find what they share.
        for _ in 0..<200 { _ = WorkerPool(threads: 4) }
        let pool = WorkerPool(threads: 3)
        final class Nothing: ChunkWork { func run(chunk: Int, worker: Int) {} }
        pool.perform(Nothing(), chunks: 5)
    }

    @Test(arguments: [(9, 1), (3, 1), (4, 3)])
    func fitsAreTheSameBitsOnOneTwoThreeAndEightThreads(features: Int, outputs: Int) throws {
        let data = try Self.data(features: features, outputs: outputs)
        // Full batches with the certificate's gradient every epoch, gathered batches of 40 000 rows.
        for var config in [
            GradientDescent(batchSize: .full, epochs: 12, optimizer: .nesterov()),
            GradientDescent(batchSize: 40_000, epochs: 4, averaging: .none, shuffle: .everyEpoch(seed: 3), earlyStopping: nil),
            // Rows in order, batches of two to three chunks and a short last one.
            GradientDescent(batchSize: 9000, epochs: 3, averaging: .none, shuffle: .none, earlyStopping: nil),
            // Shuffled blocks of 700 rows (the last one short): batches of many runs, cut into chunks by position.
            GradientDescent(batchSize: 20_000, epochs: 3, averaging: .none, shuffle: .blocks(seed: 2, rows: 700), earlyStopping: nil),
        ] {
            var reference: (parameters: [Double], costs: [Double])?
            for threads in [1, 2, 3, 8] {
                config.threads = threads
                var model = LinearRegression()
                let run = try model.fit(data, using: config)
                let found = (model.parameters!.stacked, run.history.epochCosts)
                if let reference {
                    #expect(found.0 == reference.parameters && found.1 == reference.costs, "\(threads) threads")
                } else {
                    reference = found
                }
            }
        }
    }

    @Test(arguments: [Kernel.fused, .blas], [false, true])
    func chunksAddUpToOnePassToRounding(kernel: Kernel, weighted: Bool) throws {
        let data = try Self.data(features: 9, outputs: 1)
        let n = data.rows, p = 9, d = p + 1
        var generator = RandomSource(seed: 5)
        let weights = (0..<n).map { _ in weighted ? 2 * generator.nextUniform() : 1 }
        let standardizer = Standardizer(fitting: data.features)
        let theta = (0..<d).map { Double($0) * 0.1 - 0.3 }
        let single = BatchGradient(
            features: p, outputs: 1, fitIntercept: true, standardizer: standardizer, kernel: kernel, batchRows: n, evaluationLimit: n)
        let chunked = ChunkedGradient<Double>(
            pool: WorkerPool(threads: 3), features: p, outputs: 1, fitIntercept: true, standardizer: standardizer, kernel: kernel,
            rowLimit: n)
        var expected = [Double](repeating: 0, count: d), found = expected
        data.features.withUnsafePointer { x in
            data.targets.withUnsafePointer { y in
                weights.withUnsafeBufferPointer { w in
                    theta.withUnsafeBufferPointer { t in
                        single.prepare(t.baseAddress!)
                        let a = expected.withUnsafeMutableBufferPointer {
                            single.addRows(
                                x: x, ldx: p, y: y, ldy: 1, rowWeights: w.baseAddress!, count: n, alpha: 0.5, into: $0.baseAddress!,
                                accumulate: false)
                        }
                        let b = found.withUnsafeMutableBufferPointer {
                            chunked.addRows(
                                parameters: t.baseAddress!, x: x, ldx: p, y: y, ldy: 1, rowWeights: w.baseAddress!, count: n,
                                alpha: 0.5, into: $0.baseAddress!)
                        }
                        #expect(abs(a - b) <= 1e-12 * a)
                        let rows = Rows<Double>(count: n, featureCount: p, outputCount: 1, x: x, xStride: p, y: y, yStride: 1)
                        let c = chunked.halfSquaredResiduals(parameters: t.baseAddress!, rows, rowWeights: w.baseAddress!)
                        #expect(abs(c - a) <= 1e-12 * a)
                        #expect(relativeDifference(found, expected) <= 1e-12)
                    }
                }
            }
        }
    }

    @Test(arguments: [false, true])
    func rowsGatheredByEachThreadEqualRowsGatheredFirst(weighted: Bool) throws {
        let data = try Self.data(features: 5, outputs: 2)
        let n = data.rows, p = 5, k = 2, d = p * k + k
        var generator = RandomSource(seed: 8)
        var order = Array(0..<n)
        generator.shuffle(&order)
        let weights = (0..<n).map { _ in weighted ? 2 * generator.nextUniform() : 1 }
        // Gathered by hand, in the permutation's order.
        let gathered = try data.gathering(order)
        let gatheredWeights = order.map { weights[$0] }
        let theta = (0..<d).map { Double($0) * 0.05 - 0.2 }
        let chunked = ChunkedGradient<Double>(
            pool: WorkerPool(threads: 3), features: p, outputs: k, fitIntercept: true, standardizer: nil, kernel: .automatic,
            rowLimit: n, gathers: true)
        var expected = [Double](repeating: 0, count: d), found = expected
        let a = gathered.features.withUnsafePointer { x in
            gathered.targets.withUnsafePointer { y in
                gatheredWeights.withUnsafeBufferPointer { w in
                    expected.withUnsafeMutableBufferPointer {
                        chunked.addRows(
                            parameters: theta, x: x, ldx: p, y: y, ldy: k, rowWeights: weighted ? w.baseAddress! : nil, count: n, alpha: 1,
                            into: $0.baseAddress!)
                    }
                }
            }
        }
        let b = data.features.withUnsafePointer { x in
            data.targets.withUnsafePointer { y in
                weights.withUnsafeBufferPointer { w in
                    order.withUnsafeBufferPointer { picked in
                        found.withUnsafeMutableBufferPointer {
                            chunked.addRows(
                                parameters: theta, x: x, ldx: p, y: y, ldy: k, rowWeights: weighted ? w.baseAddress! : nil,
                                picked: picked.baseAddress!, count: n, alpha: 1, into: $0.baseAddress!)
                        }
                    }
                }
            }
        }
        // The same rows in the same order through the same chunks: the same bits.
        #expect(a == b && found == expected)
    }

    @Test func theAvailableCoresFollowTheAffinityMask() {
        #expect(Cores.affinity(status: "Name:\tx\nCpus_allowed_list:\t0-3,6\n") == 5)
        #expect(Cores.affinity(status: "Cpus_allowed_list:\t1\n") == 1)
        #expect(Cores.affinity(status: "Cpus_allowed_list:\t3-1\n") == nil)
        #expect(Cores.affinity(status: "nothing here") == nil)
        #expect(Cores.available >= 1 && Cores.available <= ProcessInfo.processInfo.activeProcessorCount)
        #expect(throws: ArgumentError.self) { try GradientDescent(threads: 0).validate() }
    }

    @Test func theLastLevelCacheIsTheHighestLevelTheFirstCPUSharesListed() throws {
        #expect(Cores.cacheBytes("32768K") == 32 << 20)
        #expect(Cores.cacheBytes("1M") == 1 << 20 && Cores.cacheBytes("2G") == 2 << 30 && Cores.cacheBytes("512") == 512)
        #expect(Cores.cacheBytes("") == nil && Cores.cacheBytes("K") == nil && Cores.cacheBytes("-4K") == nil)
        #expect(Cores.cacheBytes("99999999999999999G") == nil && Cores.cacheBytes("12 K") == nil)
        // A directory laid out as /sys/devices/system/cpu/cpu0/cache, with an entry that does not parse.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mbgd-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (entry, level, size) in [("index0", "1", "32K"), ("index3", "3", "32768K"), ("index2", "2", "1024K"), ("index4", "4", "lots")] {
            try FileManager.default.createDirectory(atPath: directory + "/" + entry, withIntermediateDirectories: true)
            try (level + "\n").write(toFile: directory + "/\(entry)/level", atomically: true, encoding: .utf8)
            try (size + "\n").write(toFile: directory + "/\(entry)/size", atomically: true, encoding: .utf8)
        }
        #expect(Cores.lastLevelCache(directory: directory) == 32 << 20)
        #expect(Cores.lastLevelCache(directory: directory + "/missing") == nil)
    }
}
