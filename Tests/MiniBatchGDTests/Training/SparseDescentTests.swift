import Foundation
import Testing

@testable import MiniBatchGD

/// The sparse descent against the dense one on a design written both ways, and against LSQR.
@Suite struct SparseDescentTests {
    /// 300 rows × 12 features, about a third of the entries zero, one target.
    static func dense(weighted: Bool = false) throws -> Dataset<Double> {
        var generator = RandomSource(seed: 21)
        var features: [[Double]] = [], targets: [[Double]] = []
        for _ in 0..<300 {
            let row = (0..<12).map { j -> Double in generator.nextUniform() < 0.35 ? 0 : (generator.nextUniform() * 2 - 1) * Double(j + 1) }
            features.append(row)
            targets.append([
                0.7 + row.enumerated().reduce(0.0) { $0 + $1.element * (Double($1.offset % 5) - 2) / Double($1.offset + 1) } + 0.2
                    * generator.nextGaussian()
            ])
        }
        let data = try Dataset(features: features, targets: targets)
        guard weighted else { return data }
        // Weights 0 to 2.5, a row in nine of weight 0 when i % 4 is 0 too.
        let weights = (0..<300).map { (i: Int) -> Double in
            let base: Double = Double(i % 4) * 0.75
            return base + (i % 9 == 0 ? 0 : 0.25)
        }
        return try data.weighted(by: weights)
    }

    /// Without standardizing (the dense trainer centres, the sparse one cannot), with a fixed
    /// rate, no averaging and the same shuffle, both take the same steps: the same parameters to
    /// rounding after three epochs, for every batch path, both reductions, a penalty and weights.
    @Test(arguments: [1, 7, 64, 300])
    func theSparseStepsAreTheDenseSteps(batch: Int) throws {
        for (reduction, weighted) in [(Reduction.mean, false), (.sum, false), (.mean, true)] {
            let dense = try Self.dense(weighted: weighted)
            let rate = reduction == .mean ? 0.002 : 0.002 / Double(batch)
            let config = GradientDescent(
                batchSize: .rows(batch), epochs: 3, learningRate: .fixed(rate), averaging: .none, reduction: reduction, standardize: false,
                shuffle: .everyEpoch(seed: 5), l2Penalty: 0.05, earlyStopping: nil)
            var a = LinearRegression(), b = LinearRegression()
            try a.fit(dense, using: config)
            let run = try b.fit(SparseDataset(dense), using: config)
            #expect(relativeDifference(a.parameters!, b.parameters!) <= 1e-12, "batch \(batch), \(reduction), weighted \(weighted)")
            #expect(run.history.epochCosts.count == 3)
        }
    }

    /// Averaging from the start, kept lazily (each coefficient's sum caught up only when a step
    /// touches it), is the dense trainer's eager average of every step.
    @Test(arguments: [1, 16])
    func theLazyAverageIsTheDenseAverage(batch: Int) throws {
        let dense = try Self.dense(weighted: true)
        let config = GradientDescent(
            batchSize: .rows(batch), epochs: 4, learningRate: .fixed(0.001), averaging: .fromStart, standardize: false,
            shuffle: .everyEpoch(seed: 9), l2Penalty: 0.2, earlyStopping: nil)
        var a = LinearRegression(), b = LinearRegression()
        try a.fit(dense, using: config)
        try b.fit(SparseDataset(dense), using: config)
        #expect(relativeDifference(a.parameters!, b.parameters!) <= 1e-12)
    }

    /// With the defaults (automatic rate, standardized by scale, plateau stop) the descent lands
    /// near LSQR's optimum of the same penalized problem; a full-batch descent lands on it.
    @Test func theDescentReachesLSQRsOptimum() throws {
        let sparse = SparseDataset(try Self.dense(weighted: true))
        var model = LinearRegression()
        let defaults = try model.fitAndCompare(sparse, using: GradientDescent(l2Penalty: 0.01))
        // Ten batches an epoch of 300 rows: the average has few steps to settle before the plateau stop.
        #expect(defaults.costRelativeDifference < 1e-2 && defaults.costRelativeDifference > -1e-9)
        #expect(defaults.run.history.averagingStartEpoch != nil)
        #expect(defaults.run.notes.contains { $0.contains("not centred") })
        let full = try model.fitAndCompare(
            sparse, using: GradientDescent(batchSize: .full, epochs: 3000, l2Penalty: 0.01, earlyStopping: nil))
        #expect(full.parameterRelativeDifference < 1e-8)
        #expect(abs(full.costRelativeDifference) < 1e-12)
        // The reference is the dense closed form of the same ridge (weighted, standardized units).
        let dense = try LeastSquares.solve(try sparse.densified(), ridge: 0.01 * sparse.weights!.reduce(0, +), penaltyUnits: .standardized)
        #expect(relativeDifference(full.reference.parameters, dense.parameters) < 1e-8)
    }

    @Test func whatTheSparseDescentDoesNotDoIsRefusedOrSaid() throws {
        let sparse = SparseDataset(try Self.dense())
        var model = LinearRegression()
        #expect(throws: ArgumentError.self) { try model.fit(sparse, using: GradientDescent(optimizer: .adam())) }
        let run = try model.fit(sparse, using: GradientDescent(epochs: 2))
        #expect(run.notes.contains { $0.hasPrefix("no certified stop on sparse rows") })
        let predictions = try model.predict(sparse)
        let densePredictions = try model.predict(try sparse.densified().features)
        #expect(relativeDifference(predictions.elements, densePredictions.elements) <= 1e-14)
    }

    @Test func rowsOfWeightZeroAreLeftOutAsADenseFitLeavesThem() throws {
        let dense = try Self.dense(weighted: true)
        let kept = try dense.gathering(dense.weights!.indices.filter { dense.weights![$0] > 0 })
        let config = GradientDescent(batchSize: 16, epochs: 2, learningRate: .fixed(0.01), averaging: .none, shuffle: .everyEpoch(seed: 1))
        var a = LinearRegression(), b = LinearRegression()
        try a.fit(SparseDataset(dense), using: config)
        try b.fit(SparseDataset(kept), using: config)
        #expect(a.parameters == b.parameters)
    }
}
