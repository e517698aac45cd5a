import Foundation
import Testing

@testable import MiniBatchGD

/// Gradient descent on sparse rows spread over ranks (threads here): each rank keeps its share,
/// every batch is gathered from the ranks, the sums over every row go along the ranks in rank
/// order, so the parameters, the epochs' costs and the cost compared are the one-process fit's
/// bits on any number of ranks, with every option that changes how they are summed.
@Suite struct DistributedSparseDescentTests {
    /// 200 rows × 600 columns, 6 entries a row: past ``Curvature/exactLimit``, so the curvature
    /// comes from power iteration on the rows.
    static func wide() throws -> SparseDataset<Double> {
        var random = RandomSource(seed: 11)
        var rows: [[Int: Double]] = [], targets: [Double] = []
        for _ in 0..<200 {
            var row: [Int: Double] = [:]
            while row.count < 6 { row[Int(random.nextUniform() * 600)] = random.nextUniform() * 4 - 2 }
            rows.append(row)
            targets.append(row.keys.sorted().reduce(0.5) { $0 + Double($1 % 5 - 2) * row[$1]! } + 0.1 * (random.nextUniform() - 0.5))
        }
        return try SparseDataset(rows: rows, targets: targets, featureCount: 600)
    }

    /// The one-process fit's bits: parameters, epoch costs, batch costs, learning rates, the
    /// cost compared with the reference's.
    static func bits(_ comparison: SparseComparison) -> [UInt64] {
        let history = comparison.run.history
        return
            (comparison.gradientDescent.stacked + history.epochCosts + history.batchCosts + history.learningRates
            + history.certifiedDistances + [comparison.gradientDescentCost]).map(\.bitPattern)
    }

    /// The rules: batch 1, 8 and full, shuffled (by rows and by blocks), standardized or not,
    /// lazy L2, AdaGrad, Adam, the lasso, the automatic rate, budget and certified stop.
    static var rules: [GradientDescent] {
        var rules: [GradientDescent] = [
            GradientDescent(batchSize: .rows(1), epochs: 3, learningRate: .fixed(0.02), standardize: false, shuffle: .everyEpoch(seed: 7)),
            GradientDescent(batchSize: .rows(8), epochs: 4, l2Penalty: 0.1),
            GradientDescent(batchSize: .full, epochs: 30),
            GradientDescent(batchSize: .rows(8), epochs: 3, optimizer: .adagrad()),
            GradientDescent(batchSize: .rows(5), epochs: 3, optimizer: .adam(), shuffle: .blocks(seed: 3, rows: 16)),
            GradientDescent(batchSize: .rows(4), epochs: 4, averaging: .fromStart),
        ]
        var lasso = GradientDescent(batchSize: .rows(8), epochs: 3)
        lasso.penalty = ElasticNetPenalty(alpha: 0.01, l1Ratio: 1)
        rules.append(lasso)
        rules.append(GradientDescent(batchSize: .rows(16)))
        return rules
    }

    /// Fits `data` spread over `ranks` threads; every rank's comparison and whether its
    /// parameters are the same bits on every rank.
    static func onRanks(_ data: SparseDataset<Double>, ranks: Int, _ config: GradientDescent) throws -> [SparseComparison] {
        try ThreadCommunicator.run(ranks: ranks) { communicator in
            let local = try DistributedSparseTests.share(data, rank: communicator.rank, ranks: ranks)
            let shared = try DistributedSparseDataset(local: local, communicator: communicator)
            var model = LinearRegression()
            return try model.fitAndCompare(shared, using: config)
        }.map { try $0.get() }
    }

    @Test(arguments: [1, 2, 3])
    func theDescentOverRanksIsTheOneProcessFitBitForBit(ranks: Int) throws {
        for (name, data) in [
            ("narrow", try DistributedSparseTests.data()), ("weighted", try DistributedSparseTests.data(weights: true)),
            ("wide", try Self.wide()),
        ] {
            var answers: Set<[UInt64]> = []
            for (index, rule) in Self.rules.enumerated() {
                var model = LinearRegression()
                let single = try model.fitAndCompare(data, using: rule)
                let expected = Self.bits(single)
                answers.insert(Array(expected.prefix(data.featureCount)))
                for comparison in try Self.onRanks(data, ranks: ranks, rule) {
                    #expect(Self.bits(comparison) == expected, "\(name) rule \(index) on \(ranks) ranks")
                    // The reference is LSQR over the ranks: the one-process answer to its tolerance.
                    #expect(relativeDifference(comparison.reference.parameters, single.reference.parameters) <= 1e-6)
                }
            }
            // The rules reach different points, so the comparison above tells them apart.
            #expect(answers.count == Self.rules.count, "\(name)")
        }
    }

    /// 3000 rows of 50 entries: three chunks of the one-process passes (``SparseSharedWork/chunkNonzeros``
    /// each), whose bounds fall inside the ranks' shares, and a full batch shared over threads.
    @Test(arguments: [2, 3])
    func passesInSeveralChunksAreSummedAsInOneProcess(ranks: Int) throws {
        var random = RandomSource(seed: 5)
        var rows: [[Int: Double]] = [], targets: [Double] = []
        for _ in 0..<3000 {
            var row: [Int: Double] = [:]
            while row.count < 50 { row[Int(random.nextUniform() * 200)] = random.nextUniform() * 2 - 1 }
            rows.append(row)
            targets.append(row.keys.sorted().reduce(0) { $0 + Double($1 % 3 - 1) * row[$1]! } + random.nextUniform() - 0.5)
        }
        let data = try SparseDataset(rows: rows, targets: targets, featureCount: 200)
        #expect(data.nonzeros / SparseSharedWork<Double>.chunkNonzeros == 2)
        // The certified stop's cost and gradient (a mini-batch and a full batch on 2 threads), and
        // the cost alone (no certificate).
        for rule in [
            GradientDescent(batchSize: .rows(64), epochs: 3, optimizer: .adagrad()),
            GradientDescent(batchSize: .full, epochs: 5, threads: 2),
            GradientDescent(batchSize: .rows(64), epochs: 3, earlyStopping: EarlyStopping(parameterTolerance: nil)),
        ] {
            var model = LinearRegression()
            let expected = Self.bits(try model.fitAndCompare(data, using: rule))
            for comparison in try Self.onRanks(data, ranks: ranks, rule) { #expect(Self.bits(comparison) == expected) }
        }
    }

    /// More ranks than rows: the ranks holding none still take every step.
    @Test func moreRanksThanRows() throws {
        let data = try SparseDataset(
            rows: [[0: 2, 2: -1], [1: 1.5], [0: 0.5, 1: -1, 2: 3]], targets: [1.5, -0.5, 2], featureCount: 3)
        for rule in [Self.rules[0], Self.rules[1], Self.rules[2]] {
            var model = LinearRegression()
            let expected = Self.bits(try model.fitAndCompare(data, using: rule))
            for comparison in try Self.onRanks(data, ranks: 5, rule) { #expect(Self.bits(comparison) == expected) }
        }
    }

    /// Rows of weight 0, on every rank: left out as one process leaves them, the same bits.
    @Test(arguments: [2, 3])
    func rowsOfWeightZeroAreLeftOutAsInOneProcess(ranks: Int) throws {
        let data = try DistributedSparseTests.data(zeroWeights: true)
        #expect(data.weights!.filter { $0 == 0 }.count == 43)
        for rule in [Self.rules[0], Self.rules[2], Self.rules[3], Self.rules[6]] {
            var model = LinearRegression()
            let expected = Self.bits(try model.fitAndCompare(data, using: rule))
            for comparison in try Self.onRanks(data, ranks: ranks, rule) {
                #expect(Self.bits(comparison) == expected)
                #expect(comparison.run.trainingRows == 257)
            }
        }
    }

    @Test func whatIsNotSpreadYetIsRefusedByName() throws {
        let data = try DistributedSparseTests.data()
        var held = GradientDescent(epochs: 2)
        held.earlyStopping = EarlyStopping(validationFraction: 0.2)
        let validation = held
        let outcomes = ThreadCommunicator.run(ranks: 2) { communicator in
            let local = try DistributedSparseTests.share(data, rank: communicator.rank, ranks: 2)
            var model = LinearRegression()
            return try model.fitAndCompare(try DistributedSparseDataset(local: local, communicator: communicator), using: validation)
        }
        for outcome in outcomes {
            #expect(throws: ArgumentError.self) { try outcome.get() }
        }
    }
}
