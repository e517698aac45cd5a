import Foundation
import Testing

@testable import MiniBatchGD

/// Sparse rows spread over ranks (threads here, MPI processes in `mbgd-mpi`): LSQR over the ranks
/// reaches the single-process answer, the same bits on every rank; the width is agreed; a rank
/// that cannot read its copy stops every rank.
@Suite struct DistributedSparseTests {
    /// A text-like design: 300 rows × 40 columns, about 10 % dense, the last column never used
    /// by the last rows (so a late rank's own width is smaller), a linear target with noise.
    /// With `zeroWeights`, every seventh row (from row 3) weighs 0.
    static func data(weights: Bool = false, zeroWeights: Bool = false) throws -> SparseDataset<Double> {
        var random = RandomSource(seed: 28)
        var rows: [[Int: Double]] = [], targets: [Double] = []
        for i in 0..<300 {
            var row: [Int: Double] = [:]
            let width = i < 200 ? 40 : 30
            for j in 0..<width where random.nextUniform() < 0.1 { row[j] = random.nextUniform() * 4 - 2 }
            rows.append(row)
            targets.append(row.reduce(1.5) { $0 + Double($1.key % 7 - 3) * $1.value } + 0.1 * (random.nextUniform() - 0.5))
        }
        let w = weights || zeroWeights ? (0..<300).map { zeroWeights && $0 % 7 == 3 ? 0 : Double($0 % 5) + 0.5 } : nil
        return try SparseDataset(rows: rows, targets: targets, featureCount: 40, weights: w)
    }

    /// Each rank's contiguous share of `data`, as ``DistributedSparseDataset`` loads it, with its own width.
    static func share(_ data: SparseDataset<Double>, rank: Int, ranks: Int) throws -> SparseDataset<Double> {
        let part = try data.share(rank: rank, ranks: ranks)
        let width = Int(part.columnIndices.max() ?? 0) + 1
        return SparseDataset(
            unchecked: part.rowStarts, part.columnIndices, part.values, part.targets, featureCount: width,
            featureNames: Dataset<Double>.defaultFeatureNames(width), targetNames: part.targetNames, weights: part.weights)
    }

    @Test(arguments: [1, 2, 3])
    func lsqrOnRanksReachesTheSingleProcessAnswerWithTheSameBitsOnEveryRank(ranks: Int) throws {
        for (weighted, ridge) in [(false, 0.0), (true, 0.5)] {
            let data = try Self.data(weights: weighted)
            // Tight, so that both answers sit at the optimum to far below the checks' tolerances.
            let single = try LSQR.solve(data, ridge: ridge, tolerance: 1e-14)
            // A second algorithm: the dense closed form on the same rows.
            let dense = try LeastSquares.solve(try data.densified(), ridge: ridge)
            let outcomes = ThreadCommunicator.run(ranks: ranks) { communicator in
                let local = try Self.share(data, rank: communicator.rank, ranks: ranks)
                let shared = try DistributedSparseDataset(local: local, communicator: communicator)
                var model = LinearRegression()
                let solution = try model.fit(shared, ridge: ridge, tolerance: 1e-14)
                let metrics = try shared.evaluate(model)
                return (solution, metrics, shared.identicalOnAllRanks(solution.parameters), shared.featureCount, shared.rows)
            }
            let first = try outcomes[0].get().0.parameters.stacked
            for outcome in outcomes {
                let (solution, metrics, identical, width, rows) = try outcome.get()
                #expect(identical && solution.parameters.stacked == first)
                #expect(width == 40 && rows == 300)
                #expect(relativeDifference(solution.parameters, single.parameters) <= 1e-9, "weighted \(weighted)")
                #expect(relativeDifference(solution.parameters, dense.parameters) <= 1e-8, "weighted \(weighted)")
                #expect(solution.targets[0].relativeGradient <= 1e-10)
                #expect(abs(solution.targets[0].iterations - single.targets[0].iterations) <= 2)
                // The metrics of every rank's rows: RegressionMetrics of all rows' predictions in one process.
                var model = LinearRegression()
                try model.fit(data, ridge: ridge, tolerance: 1e-14)
                let expected = try model.evaluate(data)
                #expect(abs(metrics.meanSquaredError - expected.meanSquaredError) <= 1e-9 * expected.meanSquaredError)
                #expect(abs(metrics.meanAbsoluteError - expected.meanAbsoluteError) <= 1e-7 * expected.meanAbsoluteError)
                #expect(abs(metrics.r2 - expected.r2) <= 1e-10)
            }
        }
    }

    @Test func theWidthIsTheLargestOverTheRanksAndAGivenWidthMustHoldEveryRanksRows() throws {
        let data = try Self.data()
        let agreed = ThreadCommunicator.run(ranks: 3) { communicator in
            let local = try Self.share(data, rank: communicator.rank, ranks: 3)
            return (local.featureCount, try DistributedSparseDataset(local: local, communicator: communicator).featureCount)
        }
        // Rank 2 holds rows 200..<300, which never reach past column 30.
        #expect(try agreed.map { try $0.get().0 }[2] <= 30)
        #expect(try agreed.map { try $0.get().1 } == [40, 40, 40])
        let narrow = ThreadCommunicator.run(ranks: 3) { communicator in
            try DistributedSparseDataset(
                local: try Self.share(data, rank: communicator.rank, ranks: 3), featureCount: 35, communicator: communicator)
        }
        for outcome in narrow {
            #expect {
                try outcome.get()
            } throws: { error in
                guard let error = error as? ArgumentError else { return false }
                return error.argument == "featureCount" && "\(error)".contains("rank 0's rows reach past 35")
            }
        }
    }

    @Test func ranksWithDifferentTargetCountsOrWeightsOnSomeRanksAreRefused() throws {
        let data = try Self.data(), weighted = try Self.data(weights: true)
        let outcomes = ThreadCommunicator.run(ranks: 2) { communicator in
            let source = communicator.rank == 0 ? data : weighted
            return try DistributedSparseDataset(
                local: try Self.share(source, rank: communicator.rank, ranks: 2), communicator: communicator)
        }
        for outcome in outcomes {
            #expect {
                try outcome.get()
            } throws: { error in
                (error as? ArgumentError)?.argument == "weights"
            }
        }
    }

    /// `data` written as libsvm text (1-based indices).
    static func libsvm(_ data: SparseDataset<Double>) -> String {
        (0..<data.rows).map { i in
            ([String(data.targets[i, 0])]
                + (data.rowStarts[i]..<data.rowStarts[i + 1]).map { "\(data.columnIndices[$0] + 1):\(data.values[$0])" })
                .joined(separator: " ")
        }.joined(separator: "\n") + "\n"
    }

    @Test func aLibSVMFileLoadedOnRanksKeepsEachRanksShare() throws {
        let folder = try ScratchFolder()
        let data = try Self.data()
        let path = try folder.write("text.svm", Self.libsvm(data))
        let outcomes = ThreadCommunicator.run(ranks: 3) { communicator in
            let shared = try DistributedSparseDataset<Double>.load(libsvm: path, communicator: communicator)
            return (shared.local, shared.localRows, shared.rowsPerRank, shared.nonzeros)
        }
        // Each rank parsed its third of the bytes: about a third of the rows, in order.
        let perRank = try outcomes[0].get().2
        #expect(perRank.reduce(0, +) == 300 && perRank.allSatisfy { (80...120).contains($0) })
        for (rank, outcome) in outcomes.enumerated() {
            let (local, rows, ranksRows, nonzeros) = try outcome.get()
            let first = perRank[..<rank].reduce(0, +)
            #expect(ranksRows == perRank && rows == first..<first + perRank[rank] && nonzeros == data.nonzeros)
            let expected = try data.gathering(rows)
            #expect(local.rowStarts == expected.rowStarts && Array(local.values) == Array(expected.values))
            #expect(Array(local.columnIndices) == Array(expected.columnIndices) && local.targets == expected.targets)
        }
    }

    @Test func aRankThatCannotReadItsCopyStopsEveryRankNamingItself() throws {
        let folder = try ScratchFolder()
        let path = try folder.write("text.svm", Self.libsvm(try Self.data()))
        let paths = [path, path, folder.path + "/missing.svm"]
        let outcomes = ThreadCommunicator.run(ranks: 3) { communicator in
            try DistributedSparseDataset<Double>.load(libsvm: paths[communicator.rank], communicator: communicator).rows
        }
        for (rank, outcome) in outcomes.enumerated() {
            #expect {
                try outcome.get()
            } throws: { error in
                switch error {
                case let DistributedError.failed(failing, ranks, inner):
                    return rank == 2 && failing == 2 && ranks == 3 && "\(inner)".contains("missing.svm")
                case let DistributedError.failedElsewhere(failing): return rank != 2 && failing == 2
                default: return false
                }
            }
        }
    }

    @Test func copiesOfTheFileThatDifferAreRefusedOnEveryRank() throws {
        let folder = try ScratchFolder()
        let data = try Self.data()
        let text = Self.libsvm(data)
        let path = try folder.write("text.svm", text)
        // Rank 1's copy lost its last line.
        let stale = try folder.write("stale.svm", text.split(separator: "\n").dropLast().joined(separator: "\n") + "\n")
        let paths = [path, stale]
        let outcomes = ThreadCommunicator.run(ranks: 2) { communicator in
            try DistributedSparseDataset<Double>.load(libsvm: paths[communicator.rank], communicator: communicator).rows
        }
        for (rank, outcome) in outcomes.enumerated() {
            #expect {
                try outcome.get()
            } throws: { error in
                guard case let DistributedError.differentData(named, differences) = error else { return false }
                return named == paths[rank] && differences.map(\.rank) == [1] && differences[0].details[0].hasPrefix("size ")
            }
        }
    }
}
