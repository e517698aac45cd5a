import Foundation
import Testing

@testable import MiniBatchGD

/// Rows spread over ranks (threads here, MPI processes in `mbgd-mpi`): the same answers as one
/// process, the same bits on every rank, and failures that stop every rank.
@Suite struct DistributedTests {
    /// `body` on each of `ranks` thread ranks over the file at `path`; every rank's result.
    static func onRanks<Result: Sendable>(
        _ ranks: Int, path: String, targets: [String] = [], features: [String]? = nil, weights: String? = nil,
        _ body: @escaping @Sendable (DistributedDataset<Double>) throws -> Result
    ) throws -> [Result] {
        try ThreadCommunicator.run(ranks: ranks) { communicator in
            try body(
                try DistributedDataset(path: path, targets: targets, features: features, weights: weights, communicator: communicator))
        }.map { try $0.get() }
    }

    static func close(_ a: [Double]?, _ b: [Double]?, _ tolerance: Double) -> Bool {
        MappedDatasetTests.close(a, b, tolerance)
    }

    @Test func batchesCutByCountCoverEveryRowOnce() {
        for (rows, parts) in [(10, 3), (3, 5), (0, 4), (1000, 7), (7, 7)] {
            let batches = Batches(rowCount: rows, parts: parts)
            #expect(batches.count == parts)
            #expect(batches.flatMap { Array($0) } == Array(0..<rows))
            let sizes = batches.map(\.count)
            #expect(sizes.max()! - sizes.min()! <= 1 && sizes.max()! == batches.size)
        }
        #expect(Sharing.split(10, ranks: 4) == [3, 3, 2, 2] && Sharing.split(2, ranks: 4) == [1, 1, 0, 0])
    }

    @Test(arguments: [(8, 4, 1), (1000, 4, 1), (1000, 3, 2), (400, 4, 32), (7, 4, 2), (100_003, 8, 1000), (10, 3, 10)])
    func everyRanksShareOfABatchAddsUpToTheBatch(rows: Int, ranks: Int, batch: Int) {
        // Each rank cuts its rows into as many batches as the whole data has, staggered by rank.
        let whole = Batches(rowCount: rows, size: batch)
        let shares = Sharing.split(rows, ranks: ranks)
        var sizes = [Int](repeating: 0, count: whole.count)
        for rank in 0..<ranks {
            let local = Batches(rowCount: shares[rank], parts: whole.count, stagger: rank * whole.count / ranks)
            #expect(local.flatMap { Array($0) } == Array(0..<shares[rank]))
            for (index, range) in local.enumerated() { sizes[index] += range.count }
        }
        // Every batch of the whole data gets rows: n/⌈n/b⌉ of them, give or take one per rank.
        #expect(sizes.allSatisfy { $0 >= 1 } && sizes.reduce(0, +) == rows, "\(sizes)")
        let mean = Double(rows) / Double(whole.count)
        #expect(sizes.allSatisfy { abs(Double($0) - mean) <= Double(ranks) }, "\(sizes)")
    }

    @Test func stochasticDescentOnMoreRanksThanRowsPerBatchTakesEveryStep() throws {
        let folder = try ScratchFolder()
        let path = try MappedDatasetTests.writeNPY(try MappedDatasetTests.table(), in: folder)
        let exact = try LeastSquares.solve(try MappedDataset(path: path))
        let config = GradientDescent(
            batchSize: .stochastic, epochs: 12, averaging: .fromStart, shuffle: .none, earlyStopping: nil, recordsBatchCosts: true)
        var single = LinearRegression()
        try single.fit(try MappedDataset(path: path), using: config)
        let results = try Self.onRanks(4, path: path) { data in
            var model = LinearRegression()
            let run = try model.fit(data, using: config)
            return (model.parameters!, run)
        }
        for (parameters, run) in results {
            #expect(parameters.stacked == results[0].0.stacked)
            // One row from one rank in every update (staggered cuts): 400 steps an epoch, none skipped.
            #expect(run.batchesPerEpoch == 400 && run.history.epochsRun == 12 && run.history.batchCosts.count == 4800)
            // As close to the optimum as one process's in-order descent, give or take.
            let distance = relativeDifference(parameters, exact.parameters)
            #expect(distance <= 2 * relativeDifference(single.parameters!, exact.parameters) + 1e-3, "\(distance)")
        }
    }

    @Test(arguments: [1, 2, 3, 4], [LeastSquares.Method.auto, .cholesky, .qr])
    func theClosedFormOnRanksEqualsOneProcess(ranks: Int, method: LeastSquares.Method) throws {
        let folder = try ScratchFolder()
        let path = try MappedDatasetTests.writeNPY(try MappedDatasetTests.table(), in: folder)
        for (targets, features, covariance) in [
            ([String](), [String]?.none, LeastSquares.CovarianceType.nonrobust), (["5", "6"], ["0", "1", "2", "3", "4"], .hc3),
        ] {
            let mapped = try MappedDataset<Double>.map(path: path, targets: targets, features: features, weights: nil, checkingValues: true)
            let expected = try LeastSquares.solve(mapped, method: method, covariance: covariance)
            var model = LinearRegression()
            try model.fit(mapped, method: method)
            let expectedMetrics = try model.evaluate(mapped)
            let results = try Self.onRanks(ranks, path: path, targets: targets, features: features) { data in
                let solution = try LeastSquares.solve(data, method: method, covariance: covariance)
                var model = LinearRegression()
                try model.fit(data, method: method)
                return (solution, try model.evaluate(data), data.identicalOnAllRanks(solution.parameters))
            }
            for (solution, metrics, identical) in results {
                #expect(identical)
                #expect(solution.parameters.stacked == results[0].0.parameters.stacked)
                #expect(solution.method == expected.method && solution.rank == expected.rank)
                #expect(relativeDifference(solution.parameters, expected.parameters) <= 1e-12)
                let a = solution.statistics, b = expected.statistics
                #expect(a.observations == b.observations && a.degreesOfFreedom == b.degreesOfFreedom)
                #expect(Self.close(solution.coefficientFigures(\.standardError), expected.coefficientFigures(\.standardError), 1e-12))
                #expect(Self.close(solution.interceptFigures(\.standardError), expected.interceptFigures(\.standardError), 1e-12))
                #expect(Self.close(a.residualSumOfSquares, b.residualSumOfSquares, 1e-12))
                #expect(Self.close(a.rSquared, b.rSquared, 1e-12) && Self.close(a.aic, b.aic, 1e-12))
                // Durbin–Watson sums residuals of neighbouring rows, some on two ranks.
                #expect(Self.close(a.durbinWatson, b.durbinWatson, 1e-12))
                #expect(Self.close(solution.coefficientFigures(\.errorBound), expected.coefficientFigures(\.errorBound), 1e-3))
                for (x, y) in zip(metrics.outputs, expectedMetrics.outputs) {
                    #expect(abs(x.meanSquaredError - y.meanSquaredError) <= 1e-12 * y.meanSquaredError)
                    #expect(abs(x.r2 - y.r2) <= 1e-12)
                }
            }
        }
    }

    @Test func ranksWithoutRowsAndARidgeGiveTheSameSolution() throws {
        let folder = try ScratchFolder()
        // 6 rows on 8 ranks: two ranks hold none.
        let table = try Matrix<Double>(rows: 6, columns: 2, elements: [1, 2.5, 2, 3.9, 3, 6.2, 4, 8.1, 5, 9.8, 6, 12.4])
        let path = try MappedDatasetTests.writeNPY(table, in: folder)
        let mapped = try MappedDataset(path: path)
        for (method, ridge) in [(LeastSquares.Method.qr, 0.0), (.cholesky, 0.0), (.qr, 2.0), (.cholesky, 2.0)] {
            let expected = try LeastSquares.solve(mapped, method: method, ridge: ridge)
            let results = try Self.onRanks(8, path: path) { data in
                (try LeastSquares.solve(data, method: method, ridge: ridge), data.rowsPerRank)
            }
            for (solution, perRank) in results {
                #expect(perRank == [1, 1, 1, 1, 1, 1, 0, 0])
                #expect(relativeDifference(solution.parameters, expected.parameters) <= 1e-12)
                #expect(Self.close(solution.statistics.durbinWatson, expected.statistics.durbinWatson, 1e-12))
            }
        }
    }

    @Test(arguments: [true, false])
    func accumulatorsMergedOverRanksEqualOneAccumulator(fitIntercept: Bool) throws {
        let all = try AccumulatorTests.data(rows: 3000, seed: 4)
        var whole = LeastSquares.Accumulator(featureCount: 3, outputCount: 2, fitIntercept: fitIntercept)
        try whole.add(all)
        let expected = try whole.solve()
        // Rank 2 sees no rows; the others uneven parts.
        let cuts = [0, 100, 1900, 1900, 3000]
        let results = ThreadCommunicator.run(ranks: 4) { communicator in
            var mine = LeastSquares.Accumulator(featureCount: 3, outputCount: 2, fitIntercept: fitIntercept)
            try mine.add(try all.gathering(cuts[communicator.rank]..<cuts[communicator.rank + 1]))
            return try mine.merged(over: communicator).solve()
        }
        for result in results {
            let fit = try result.get()
            #expect(fit.rows == 3000)
            #expect(relativeDifference(fit.parameters, expected.parameters) <= 1e-12)
            #expect(fit.parameters.stacked == (try results[0].get()).parameters.stacked)
            #expect(relativeDifference(fit.residualSumOfSquares, expected.residualSumOfSquares) <= 1e-12)
        }
        let mismatched = ThreadCommunicator.run(ranks: 2) { communicator in
            try LeastSquares.Accumulator(featureCount: 3 + communicator.rank).merged(over: communicator).rows
        }
        for outcome in mismatched { #expect(throws: ArgumentError.self) { try outcome.get() } }
    }

    @Test(arguments: [1, 3, 4])
    func weightedRowsOnRanksEqualOneProcess(ranks: Int) throws {
        let folder = try ScratchFolder()
        let path = try MappedDatasetTests.writeNPY(try MappedDatasetTests.weightedTable(), in: folder)
        let mapped = try MappedDataset(path: path, weights: 5)
        let expected = try LeastSquares.solve(mapped, method: .qr, covariance: .hc3)
        let config = GradientDescent(batchSize: .full, epochs: 60, optimizer: .nesterov(), averaging: .none, earlyStopping: nil)
        var single = LinearRegression()
        let singleRun = try single.fit(mapped, using: config)
        let singleMetrics = try single.evaluate(mapped)
        let results = try Self.onRanks(ranks, path: path, weights: "5") { data in
            let solution = try LeastSquares.solve(data, method: .qr, covariance: .hc3)
            var model = LinearRegression()
            let run = try model.fit(data, using: config)
            return (solution, model.parameters!, run, try model.evaluate(data))
        }
        for (solution, parameters, run, metrics) in results {
            #expect(relativeDifference(solution.parameters, expected.parameters) <= 1e-12)
            #expect(solution.statistics.observations == expected.statistics.observations)
            #expect(Self.close(solution.coefficientFigures(\.standardError), expected.coefficientFigures(\.standardError), 1e-12))
            #expect(Self.close(solution.statistics.logLikelihood, expected.statistics.logLikelihood, 1e-12))
            #expect(relativeDifference(parameters, single.parameters!) <= 1e-10)
            #expect(relativeDifference(run.history.epochCosts, singleRun.history.epochCosts) <= 1e-10)
            #expect(abs(metrics.r2 - singleMetrics.r2) <= 1e-12)
        }
        // A negative weight on rank 1's share (rows 100..<200 of 4): its row, and every rank stops.
        var bad = try MappedDatasetTests.weightedTable()
        bad.elements[150 * 7 + 5] = -2
        let badPath = try MappedDatasetTests.writeNPY(bad, in: folder, name: "bad.npy")
        let outcomes = ThreadCommunicator.run(ranks: 4) { communicator in
            try DistributedDataset(path: badPath, weights: "5", communicator: communicator).rows
        }
        for (rank, outcome) in outcomes.enumerated() {
            #expect(throws: (any Error).self) { try outcome.get() }
            if case let .failure(DistributedError.failed(failing, _, error)) = outcome {
                #expect(rank == 1 && failing == 1)
                #expect("\(error)".contains("-2.0 (row 151)"))
            }
        }
    }

    @Test func theSVDIsRefusedAcrossProcesses() throws {
        let folder = try ScratchFolder()
        let path = try MappedDatasetTests.writeNPY(try MappedDatasetTests.table(), in: folder)
        let outcomes = ThreadCommunicator.run(ranks: 2) { communicator in
            try LeastSquares.solve(try DistributedDataset(path: path, communicator: communicator), method: .svd)
        }
        for outcome in outcomes {
            #expect(throws: ArgumentError.self) { try outcome.get() }
        }
    }

    @Test func weightsBesideRowsSpreadOverProcessesAreRefusedForTheFilesWeightColumn() throws {
        let folder = try ScratchFolder()
        let path = try MappedDatasetTests.writeNPY(try MappedDatasetTests.table(), in: folder)
        let outcomes = ThreadCommunicator.run(ranks: 2) { communicator in
            try LeastSquares.solve(
                try DistributedDataset(path: path, communicator: communicator), weights: [Double](repeating: 1, count: 200))
        }
        for outcome in outcomes {
            #expect {
                try outcome.get()
            } throws: { error in
                "\(error)".contains("weight column")
            }
        }
    }

    @Test(arguments: [1, 2, 3, 4])
    func fullBatchDescentOnRanksEqualsOneProcess(ranks: Int) throws {
        let folder = try ScratchFolder()
        let path = try MappedDatasetTests.writeNPY(try MappedDatasetTests.table(), in: folder)
        let mapped = try MappedDataset(path: path)
        // Fixed epochs, and the defaults (standardized, automatic rate, certified stop).
        for config in [
            GradientDescent(batchSize: .full, epochs: 200, optimizer: .nesterov(), averaging: .none, earlyStopping: nil),
            GradientDescent(batchSize: .full, optimizer: .nesterov()),
        ] {
            var single = LinearRegression()
            let expected = try single.fit(mapped, using: config)
            let results = try Self.onRanks(ranks, path: path) { data in
                var model = LinearRegression()
                let run = try model.fit(data, using: config)
                return (model.parameters!, run, data.identicalOnAllRanks(model.parameters!))
            }
            for (parameters, run, identical) in results {
                #expect(identical && parameters.stacked == results[0].0.stacked)
                #expect(relativeDifference(parameters, single.parameters!) <= 1e-10)
                #expect(run.history.epochsRun == expected.history.epochsRun)
                #expect(relativeDifference(run.history.epochCosts, expected.history.epochCosts) <= 1e-10)
                #expect(
                    abs(run.learningRateChoice.learningRate - expected.learningRateChoice.learningRate) <= 1e-12
                        * expected.learningRateChoice.learningRate)
                #expect(run.trainingRows == 400)
            }
        }
    }

    @Test(arguments: [2, 3, 4])
    func miniBatchesOnRanksStayIdenticalAndReachTheClosedForm(ranks: Int) throws {
        let folder = try ScratchFolder()
        let path = try MappedDatasetTests.writeNPY(try MappedDatasetTests.table(), in: folder)
        let exact = try LeastSquares.solve(try MappedDataset(path: path))
        let results = try Self.onRanks(ranks, path: path) { data in
            var model = LinearRegression()
            let comparison = try model.fitAndCompare(data, using: GradientDescent(batchSize: 32, shuffle: .everyEpoch(seed: 5)))
            return (model.parameters!, comparison, data.identicalOnAllRanks(model.parameters!))
        }
        for (parameters, comparison, identical) in results {
            #expect(identical && parameters.stacked == results[0].0.stacked)
            // The reference is the closed form over every rank's rows.
            #expect(relativeDifference(comparison.reference.parameters, exact.parameters) <= 1e-12)
            #expect(comparison.parameterRelativeDifference <= 1e-2, "\(comparison.parameterRelativeDifference)")
            #expect(comparison.run.batchesPerEpoch == 13)
            // Each rank shuffles its own rows in blocks, here of one row (a 256th of under 256): no note.
            #expect(comparison.run.configuration.shuffle == .blocks(seed: 5, rows: 1) && comparison.run.notes.isEmpty)
        }
    }

    @Test func aValidationPartIsTheFilesLastRowsOverEveryRank() throws {
        let folder = try ScratchFolder()
        let path = try MappedDatasetTests.writeNPY(try MappedDatasetTests.table(), in: folder)
        let config = GradientDescent(
            batchSize: 16, epochs: 5, averaging: .none, earlyStopping: EarlyStopping(validationFraction: 0.25, parameterTolerance: nil))
        let results = try Self.onRanks(3, path: path) { data in
            var model = LinearRegression()
            let run = try model.fit(data, using: config)
            return (model.parameters!, run)
        }
        let held = try NPYReader.dataset(path: path).gathering(300..<400)
        for (parameters, run) in results {
            #expect(run.trainingRows == 300)
            let expected = try Objective.cost(held, parameters: parameters)
            #expect(abs(run.history.validationCosts.last! - expected) <= 1e-12 * expected)
        }
    }

    @Test func aNaNOnOneRankStopsEveryRankWithItsFileLine() throws {
        let folder = try ScratchFolder()
        var table = try MappedDatasetTests.table()
        table.elements[350 * 7 + 2] = .nan
        let path = try MappedDatasetTests.writeNPY(table, in: folder)
        let outcomes = ThreadCommunicator.run(ranks: 4) { communicator in
            try LeastSquares.solve(try DistributedDataset(path: path, communicator: communicator))
        }
        // Rows 300..<400 are rank 3's: it reports the file's line; the others stop with it.
        for (rank, outcome) in outcomes.enumerated() {
            do {
                _ = try outcome.get()
                Issue.record("rank \(rank) succeeded")
            } catch let DistributedError.failed(failing, ranks, error) {
                #expect(rank == 3 && failing == 3 && ranks == 4)
                #expect(error as? FileError == .nonFinite(path: path, line: 351, column: 3, text: "nan"))
                #expect("\(DistributedError.failed(rank: failing, ranks: ranks, error: error))".hasPrefix("rank 3 of 4: "))
            } catch let DistributedError.failedElsewhere(failing) {
                #expect(rank != 3 && failing == 3)
            }
        }
    }

    /// The size of the file at `path`, as the file system gives it.
    static func fileSize(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    /// `table` as a float32 `.npy` (version 1.0, C order).
    static func writeFloat32NPY(_ table: Matrix<Double>, in folder: ScratchFolder, name: String) throws -> String {
        var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (\(table.rows), \(table.columns)), }".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
        for value in table.elements { withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { bytes += $0 } }
        return try folder.write(name, bytes: bytes)
    }

    /// What every rank threw when rank r mapped `paths[r]` (float32 where `float32` holds r).
    static func outcomes(_ paths: [String], float32: Set<Int> = []) -> [Swift.Result<Int, any Error>] {
        ThreadCommunicator.run(ranks: paths.count) { communicator in
            let path = paths[communicator.rank]
            return float32.contains(communicator.rank)
                ? try DistributedDataset<Float>(path: path, communicator: communicator).rows
                : try DistributedDataset<Double>(path: path, communicator: communicator).rows
        }
    }

    @Test func ranksThatMapDifferentFilesAllStopNamingTheRanksAndWhatDiffers() throws {
        let folder = try ScratchFolder()
        let table = try MappedDatasetTests.table()
        let path = try MappedDatasetTests.writeNPY(table, in: folder)
        // Node-local copies: one identical, one float32, one stale (its first 300 rows).
        let copy = try MappedDatasetTests.writeNPY(table, in: folder, name: "copy.npy")
        let single = try Self.writeFloat32NPY(table, in: folder, name: "single.npy")
        let stale = try MappedDatasetTests.writeNPY(
            try Matrix<Double>(rows: 300, columns: 7, elements: Array(table.elements[..<2100])), in: folder, name: "stale.npy")
        for outcome in Self.outcomes([path, copy]) { #expect(try outcome.get() == 400) }
        let (size, singleSize, staleSize) = (try Self.fileSize(path), try Self.fileSize(single), try Self.fileSize(stale))
        let outcomes = Self.outcomes([path, single, copy, stale], float32: [1])
        for (rank, outcome) in outcomes.enumerated() {
            guard case let .failure(DistributedError.differentData(_, differences)) = outcome else {
                Issue.record("rank \(rank): \(outcome)")
                continue
            }
            #expect(differences.map(\.rank) == [1, 3])
        }
        guard case let .failure(error) = outcomes[0] else { return }
        #expect(
            "\(error)"
                == "rank 1's copy of \(path) differs from rank 0's (size \(singleSize) bytes against \(size), float32 elements against float64); "
                + "rank 3's copy differs from rank 0's (size \(staleSize) bytes against \(size), 300 rows against 400); "
                + "every rank must read the same file (copy it to every node again, or read it from a file system they share)")
    }

    @Test func copiesOfOneSizeThatDifferInAValueOrAColumnNameAreRefused() throws {
        let folder = try ScratchFolder()
        // Three columns of 400 rows (9 600 bytes of data, hashed whole) and of 4000 (96 000,
        // sampled in 16 blocks of 4 KiB: the last holds the last value).
        for rows in [400, 4000] {
            var table = try Matrix<Double>(rows: rows, columns: 3, elements: (0..<rows * 3).map { Double($0 % 97) })
            let path = try MappedDatasetTests.writeNPY(table, in: folder, name: "\(rows).npy")
            table.elements[rows * 3 - 1] += 1
            let changed = try MappedDatasetTests.writeNPY(table, in: folder, name: "\(rows)-changed.npy")
            let outcomes = Self.outcomes([path, changed])
            let expected = rows == 400 ? "different values in the data" : "different values in 16 sampled blocks of 4 KiB of the data"
            for outcome in outcomes {
                guard case let .failure(DistributedError.differentData(_, differences)) = outcome else {
                    Issue.record("\(rows) rows: \(outcome)")
                    continue
                }
                #expect(differences.map(\.rank) == [1] && differences.map(\.details) == [[expected]], "\(rows) rows: \(differences)")
            }
        }
        // The same bytes, but rank 1's sidecar names the first column otherwise.
        let table = try MappedDatasetTests.table()
        let path = try MappedDatasetTests.writeNPY(table, in: folder)
        let renamed = try MappedDatasetTests.writeNPY(table, in: folder, name: "renamed.npy")
        let names = (0..<7).map { "\"c\($0)\"" }
        _ = try folder.write("data.npy.columns.json", "{\"columns\":[\(names.joined(separator: ","))]}")
        _ = try folder.write("renamed.npy.columns.json", "{\"columns\":[\"other\",\(names.dropFirst().joined(separator: ","))]}")
        for outcome in Self.outcomes([path, renamed]) {
            guard case let .failure(DistributedError.differentData(_, differences)) = outcome else {
                Issue.record("renamed: \(outcome)")
                continue
            }
            #expect(differences.map(\.details) == [["other columns chosen, by position or by the names in its .columns.json"]])
        }
    }

    @Test func wordsGatheredOverRanksKeepEveryBit() {
        let words: [UInt64] = [0, 1, .max, 0x8000_0000_0000_0001, 0xFFFF_FFFF, 1 << 53 + 1, 0xCBF2_9CE4_8422_2325]
        let outcomes = ThreadCommunicator.run(ranks: 3) { communicator in
            communicator.gather(words: words.map { $0 ^ UInt64(communicator.rank) })
        }
        for outcome in outcomes {
            #expect((try? outcome.get()) == (0..<3).map { rank in words.map { $0 ^ UInt64(rank) } })
        }
    }
}
