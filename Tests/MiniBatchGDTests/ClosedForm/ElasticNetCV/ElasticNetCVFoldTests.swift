import Foundation
import Testing

@testable import MiniBatchGD

/// The folds: seeded ones reproducible and balanced, the answer unmoved by row order and thread
/// count, and bad folds refused by name.
@Suite struct ElasticNetCVFoldTests {
    @Test func seededFoldsAreReproducibleAndBalanced() throws {
        let first = try ElasticNetCV.Folds.seeded(count: 10, seed: 7).assignment(rows: 103)
        let again = try ElasticNetCV.Folds.seeded(count: 10, seed: 7).assignment(rows: 103)
        let other = try ElasticNetCV.Folds.seeded(count: 10, seed: 8).assignment(rows: 103)
        #expect(first == again)
        #expect(first != other)
        var sizes = [Int](repeating: 0, count: 10)
        for f in first { sizes[f] += 1 }
        #expect(sizes == [11, 11, 11, 10, 10, 10, 10, 10, 10, 10])
        // The shuffle is RandomSource's: the first fold is the first 11 positions of its permutation.
        var order = Array(0..<103), generator = RandomSource(seed: 7)
        generator.shuffle(&order)
        #expect(Set(order[0..<11]) == Set(first.indices.filter { first[$0] == 0 }))
    }

    @Test func labelsAreFoldsInIncreasingOrder() throws {
        #expect(try ElasticNetCV.Folds.labels([7, -1, 7, 2.5, -1]).assignment(rows: 5) == [2, 0, 2, 1, 0])
    }

    /// Rows permuted with their fold labels: the same folds, so the same errors and choice.
    @Test(arguments: [CoordinateDescent.Method.covariance, .naive])
    func choiceIsStableUnderRowPermutation(method: CoordinateDescent.Method) throws {
        let problem = LassoCVFixture.problem("lasso")
        var generator = RandomSource(seed: 3)
        var order = Array(0..<problem.rows)
        generator.shuffle(&order)
        let features = problem.denseFeatures
        let original = try ElasticNetCV(
            try problem.dense(), folds: .labels(problem.folds.map(Double.init)), count: 12, method: method)
        let permuted = try ElasticNetCV(
            try Dataset(features: order.map { features[$0] }, targets: order.map { problem.target[$0] }),
            folds: .labels(order.map { Double(problem.folds[$0]) }), count: 12, method: method)
        #expect(permuted.targets[0].choice.index == original.targets[0].choice.index)
        #expect(permuted.targets[0].choice.oneStandardErrorIndex == original.targets[0].choice.oneStandardErrorIndex)
        for (a, b) in zip(permuted.targets[0].foldErrors.joined(), original.targets[0].foldErrors.joined()) {
            #expect(abs(a - b) <= 1e-9 * b)
        }
    }

    @Test func sameBitsOnAnyThreadCount() throws {
        let problem = LassoCVFixture.problem("elastic-net-weighted")
        let runs = try [1, 2, 5].map { threads in
            try ElasticNetCV(try problem.dense(), folds: .seeded(count: 4, seed: 1), l1Ratio: 0.5, count: 10, threads: threads)
        }
        for run in runs.dropFirst() {
            #expect(run.targets == runs[0].targets)
            #expect(run.parameters == runs[0].parameters)
        }
    }

    /// Each target on its own: the two-target fit's errors are the one-target fits' (on the
    /// shared grid, which is the larger target's).
    @Test func targetsAreCrossValidatedSeparately() throws {
        let problem = LassoCVFixture.problem("lasso")
        let second = problem.target.map { 0.5 * $0 + 1 }
        let both = try ElasticNetCV(
            try Dataset(features: problem.denseFeatures, targets: zip(problem.target, second).map { [$0, $1] }),
            folds: .labels(problem.folds.map(Double.init)), count: 8)
        let alone = try ElasticNetCV(
            try Dataset(features: problem.denseFeatures, targets: second), folds: .labels(problem.folds.map(Double.init)),
            alphas: both.alphas)
        for (a, b) in zip(both.targets[1].foldErrors.joined(), alone.targets[0].foldErrors.joined()) { #expect(abs(a - b) <= 1e-9 * b) }
        #expect(both.targets[1].choice == alone.targets[0].choice)
    }

    @Test func badFoldsAreRefused() throws {
        let data = try Dataset<Double>(features: [[1, 0], [2, 1], [3, 1], [4, 3]], targets: [1, 2, 2, 4])
        func message(_ folds: ElasticNetCV.Folds, weights: [Double]? = nil) -> String {
            do {
                _ = try ElasticNetCV(data, folds: folds, weights: weights)
                return "no error"
            } catch { return "\(error)" }
        }
        #expect(message(.seeded(count: 1, seed: 0)).contains("at least 2"))
        #expect(message(.seeded(count: 5, seed: 0)).contains("at most the 4 rows"))
        #expect(message(.labels([0, 0, 0, 0])).contains("at least 2 distinct labels"))
        #expect(message(.labels([0, 1, 0])).contains("one value per row (4)"))
        #expect(message(.labels([0, 1, .nan, 1])).contains("row 3"))
        #expect(message(.groups([1, 1, 2, 2], count: 3)).contains("at most the 2 distinct groups"))
        #expect(message(.labels([0, 1, 2, 2]), weights: [1, 0, 1, 1]).contains("fold 2 of 3, whose rows all have weight 0"))
        #expect(message(.labels([0, 1, 1, 1]), weights: [1, 0, 0, 0]).contains("at least one row of positive weight to fit"))
    }
}
