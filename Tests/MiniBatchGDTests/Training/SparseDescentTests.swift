import Foundation
import Testing

@testable import MiniBatchGD

/// The sparse descent against the dense one on a design written both ways, and against LSQR.
@Suite struct SparseDescentTests {
    /// 300 rows × 12 features, about a third of the entries zero (none with `zeros` 0), one target.
    static func dense(weighted: Bool = false, zeros: Double = 0.35) throws -> Dataset<Double> {
        var generator = RandomSource(seed: 21)
        var features: [[Double]] = [], targets: [[Double]] = []
        for _ in 0..<300 {
            let row = (0..<12).map { j -> Double in generator.nextUniform() < zeros ? 0 : (generator.nextUniform() * 2 - 1) * Double(j + 1)
            }
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

    /// AdaGrad and RMSprop applied lazily (only the batch's columns, RMSprop's skipped decay
    /// caught up at the next touch) are the dense trainer's eager rules, whose untouched columns
    /// have gradient zero: the same parameters to rounding, with and without averaging.
    @Test(arguments: [Optimizer.adagrad(), .rmsprop()])
    func theLazyAdaptiveRulesAreTheEagerOnes(optimizer: Optimizer) throws {
        for (batch, averaging) in [(1, Averaging.none), (16, .fromStart), (300, .none)] {
            let dense = try Self.dense(weighted: true)
            let config = GradientDescent(
                batchSize: .rows(batch), epochs: 3, learningRate: .fixed(0.01), optimizer: optimizer, averaging: averaging,
                standardize: false, shuffle: .everyEpoch(seed: 3), earlyStopping: nil)
            var a = LinearRegression(), b = LinearRegression()
            try a.fit(dense, using: config)
            try b.fit(SparseDataset(dense), using: config)
            #expect(relativeDifference(a.parameters!, b.parameters!) <= 1e-12, "\(optimizer.name), batch \(batch)")
        }
    }

    /// Lazy Adam (PyTorch's SparseAdam) is Adam when every row touches every column, and AdamW's
    /// decoupled decay, a shrink of the scale, is the dense AdamW's.
    @Test(arguments: [Optimizer.adam(), .adamW(weightDecay: 0.05)])
    func theLazyAdamIsAdamOnRowsWithoutZeros(optimizer: Optimizer) throws {
        let dense = try Self.dense(weighted: true, zeros: 0)
        for batch in [1, 32] {
            let config = GradientDescent(
                batchSize: .rows(batch), epochs: 3, learningRate: .fixed(0.01), optimizer: optimizer, averaging: .none,
                standardize: false, shuffle: .everyEpoch(seed: 4), earlyStopping: nil)
            var a = LinearRegression(), b = LinearRegression()
            try a.fit(dense, using: config)
            try b.fit(SparseDataset(dense), using: config)
            #expect(relativeDifference(a.parameters!, b.parameters!) <= 1e-12, "\(optimizer.name), batch \(batch)")
        }
        // On sparse rows it differs from the eager Adam (an untouched column does not move on its
        // first moment) and still reaches the optimum.
        let sparse = SparseDataset(try Self.dense())
        var model = LinearRegression()
        let comparison = try model.fitAndCompare(
            sparse, using: GradientDescent(optimizer: optimizer, earlyStopping: EarlyStopping(tolerance: 1e-7, patience: 20)))
        #expect(comparison.parameterRelativeDifference < (optimizer.name == "adamw" ? 0.1 : 1e-2))
    }

    /// With the defaults (automatic rate, standardized by scale, averaging, certified stop) the
    /// descent stops once the gradient certifies it within the tolerance of the optimum (μ from
    /// the Gram matrix of twelve features), and LSQR's optimum of the same penalized problem is
    /// that close; a full-batch descent lands on it.
    @Test func theDescentReachesLSQRsOptimum() throws {
        let sparse = SparseDataset(try Self.dense(weighted: true))
        var model = LinearRegression()
        let defaults = try model.fitAndCompare(sparse, using: GradientDescent(l2Penalty: 0.01))
        #expect(defaults.run.history.stopReason == .parametersCertified)
        #expect(defaults.parameterRelativeDifference <= defaults.run.history.certifiedDistances.last!)
        #expect(defaults.run.history.certifiedDistances.last! <= 1e-3)
        #expect(defaults.costRelativeDifference < 1e-4 && defaults.costRelativeDifference > -1e-9)
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
        #expect(throws: ArgumentError.self) { try model.fit(sparse, using: GradientDescent(optimizer: .momentum())) }
        #expect(throws: ArgumentError.self) { try model.fit(sparse, using: GradientDescent(optimizer: .adagrad(), l2Penalty: 0.1)) }
        // μ comes from the Gram matrix up to its limit of features; beyond it, no certificate.
        let narrow = try model.fit(sparse, using: GradientDescent(epochs: 2))
        #expect(!narrow.notes.contains { $0.hasPrefix("no certified stop") })
        let wideRows = (0..<40).map { i in [i: 1.0, i + 100: 2.0] }
        let wide = try SparseDataset<Double>(rows: wideRows, targets: (0..<40).map(Double.init), featureCount: Curvature.exactLimit + 1)
        var wideModel = LinearRegression()
        let run = try wideModel.fit(wide, using: GradientDescent(epochs: 2))
        #expect(run.notes.contains { $0.hasPrefix("no certified stop") && $0.contains("\(Curvature.exactLimit + 1)") })
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

    /// Batches of many nonzeros are shared over threads (residuals by chunks of the batch, the
    /// coefficients by ranges of columns) and so are the epochs' cost and certificate passes:
    /// the same bits on one, two, three and 32 threads, for the plain rule with a penalty and
    /// averaging, for a lazy adaptive rule and for L1 (the proximal step, the elastic net and
    /// the cumulative penalty, a batch catching every column up; and, on 200,000 columns, each
    /// of the batch's); and a certified full-batch fit is as close to LSQR as certified.
    @Test func threadCountsGiveTheSameBits() throws {
        let data = try SparseDataset<Double>.synthetic(rows: 6000, features: 200, density: 0.1, seed: 3)
        let wide = try SparseDataset<Double>.synthetic(rows: 5000, features: 200_000, density: 0.0001, seed: 4)
        func l1(_ penalty: ElasticNetPenalty) -> GradientDescent {
            var config = GradientDescent(batchSize: 4096, epochs: 3, learningRate: .fixed(0.01), averaging: .none, standardize: false)
            config.penalty = penalty
            return config
        }
        for (data, config) in [
            (data, GradientDescent(batchSize: 4096, epochs: 4, averaging: .fromStart, l2Penalty: 0.001)),
            (data, GradientDescent(batchSize: .full, epochs: 3, optimizer: .adagrad())),
            (data, GradientDescent(batchSize: 4096, epochs: 3, learningRate: .fixed(1e-6), reduction: .sum, standardize: false)),
            (data, l1(ElasticNetPenalty(alpha: 0.01))), (data, l1(ElasticNetPenalty(alpha: 0.01, l1Ratio: 0.15))),
            (data, l1(ElasticNetPenalty(alpha: 0.01, l1Method: .cumulative))), (wide, l1(ElasticNetPenalty(alpha: 0.01))),
            (wide, l1(ElasticNetPenalty(alpha: 0.01, l1Method: .cumulative))),
        ] {
            var runs: [(Parameters, [Double])] = []
            // 32 threads: more ranges of columns than chunks of rows.
            for threads in [1, 2, 3, 32] {
                var model = LinearRegression(), threaded = config
                threaded.threads = threads
                let run = try model.fit(data, using: threaded)
                runs.append((model.parameters!, run.history.epochCosts + run.history.batchCosts + run.history.certifiedDistances))
            }
            #expect(runs.allSatisfy { $0.0 == runs[0].0 }, "\(config.batchSize)")
            #expect(runs.allSatisfy { $0.1 == runs[0].1 }, "\(config.batchSize)")
        }
        // The certified stop on shared passes: LSQR's optimum lies within the certified distance.
        var model = LinearRegression()
        let full = try model.fitAndCompare(data, using: GradientDescent(batchSize: .full, threads: 2))
        #expect(full.run.history.stopReason == .parametersCertified)
        #expect(full.parameterRelativeDifference <= full.run.history.certifiedDistances.last!)
    }

    /// The batch-size sweep on sparse rows races as on the same rows written dense: without
    /// standardizing the two descents take the same steps, so each size reaches the gap after
    /// the same updates; the noise scale at the start is the same quantity, and LSQR's optimum
    /// is the closed form's.
    @Test func theSparseSweepIsTheDenseSweep() throws {
        let dense = try Self.dense()
        let config = GradientDescent(standardize: false, shuffle: .everyEpoch(seed: 2))
        let sizes: [BatchSize] = [1, 16, .full]
        let a = try BatchSizeSweep.toGap(dense, batchSizes: sizes, configuration: config, gap: 1e-2, maxEpochs: 300)
        let b = try BatchSizeSweep.toGap(SparseDataset(dense), batchSizes: sizes, configuration: config, gap: 1e-2, maxEpochs: 300)
        #expect(abs(a.optimumCost - b.optimumCost) <= 1e-10 * a.optimumCost)
        #expect(a.results.map(\.updatesToGap) == b.results.map(\.updatesToGap))
        #expect(a.results.map(\.reached) == b.results.map(\.reached) && a.results.contains { $0.reached })
        #expect(abs(a.noiseScaleAtStart - b.noiseScaleAtStart) <= 1e-10 * a.noiseScaleAtStart)
        #expect(a.noiseScaleAlongTheWay.map(\.gap) == b.noiseScaleAlongTheWay.map(\.gap))
        for (x, y) in zip(a.noiseScaleAlongTheWay, b.noiseScaleAlongTheWay) {
            #expect(abs(x.noiseScale - y.noiseScale) <= 1e-8 * x.noiseScale)
        }
    }

}
