import Foundation
import Testing

@testable import MiniBatchGD

/// The race to the gap, the gradient noise scale against numpy, and the model fit.
@Suite struct BatchSizeSweepTests {
    struct NoiseFixture: Decodable {
        struct Point: Decodable {
            let parameters: [Double]
            let meanGradientSquaredNorm: Double
            let traceCovariance: Double
            let simple: Double
        }
        let features: [[Double]]
        let targets: [Double]
        let points: [Point]
    }

    @Test func noiseScaleMatchesPerExampleGradientsFormedByNumpy() throws {
        let fixture = try JSONDecoder().decode(
            NoiseFixture.self, from: Data(contentsOf: URL(fileURLWithPath: fixtures + "/noise/noise.json")))
        let data = try Dataset(
            features: Matrix<Double>(rows: 10, columns: 2, elements: fixture.features.flatMap { $0 }), target: fixture.targets)
        for point in fixture.points {
            let noise = GradientNoise(
                data, standardizer: Standardizer(fitting: data.features), fitIntercept: true, parameters: point.parameters)
            #expect(abs(noise.meanGradientSquaredNorm - point.meanGradientSquaredNorm) < 1e-12 * point.meanGradientSquaredNorm)
            #expect(abs(noise.traceCovariance - point.traceCovariance) < 1e-12 * point.traceCovariance)
            #expect(abs(noise.simple - point.simple) < 1e-11 * point.simple)
        }
    }

    @Test func largerBatchesNeedNoMoreUpdatesAndNoFewerSamples() throws {
        // Noisy, moderately conditioned data; one rate for every size, so the batch size alone
        // changes the gradient noise.
        let data = try conditionedData(rows: 4000, kappa: 5, noise: 2, seed: 17)
        let sweep = try BatchSizeSweep.toGap(
            data, batchSizes: [16, 64, 256, .full], configuration: GradientDescent(learningRate: 0.1),
            gap: 1e-2, maxEpochs: 600)
        let results = sweep.results
        #expect(results.allSatisfy { $0.reached }, "\(results.map(\.bestGap))")
        // Stated slack: 25 % either way between neighbouring sizes (the race is stochastic).
        for (smaller, larger) in zip(results, results.dropFirst()) {
            #expect(Double(larger.updatesToGap!) <= 1.25 * Double(smaller.updatesToGap!), "\(smaller.batchSize) → \(larger.batchSize)")
            #expect(Double(larger.samplesToGap!) >= Double(smaller.samplesToGap!) / 1.25, "\(smaller.batchSize) → \(larger.batchSize)")
        }
        // The counts are consistent with each other (an epoch's last batch may be short).
        for r in results {
            #expect(r.samplesToGap! <= r.updatesToGap! * r.batchSize && r.samplesToGap! >= (r.updatesToGap! - r.epochsRun) * r.batchSize)
            #expect(abs(r.epochsToGap! - Double(r.samplesToGap!) / 4000) < 1e-9)
        }
        #expect(sweep.fastest != nil)
        #expect(sweep.optimumCost > 0)
    }

    @Test func aBatchSizeThatCannotReachTheGapReportsItsBestGap() throws {
        let data = try conditionedData(rows: 500, kappa: 100, noise: 1, seed: 3)
        let sweep = try BatchSizeSweep.toGap(
            data, batchSizes: [1, .full], configuration: GradientDescent(learningRate: 1e-4),
            gap: 1e-6, maxEpochs: 2)
        for r in sweep.results {
            #expect(!r.reached && r.updatesToGap == nil && r.secondsToGap == nil)
            #expect(r.bestGap > 1e-6 && r.bestGap.isFinite && r.epochsRun == 2)
        }
        #expect(sweep.fastest == nil && sweep.model == nil)
    }

    @Test func tuningDoublesTheRateWhileTheUpdatesToTheGapFall() throws {
        // A given rate 100 times too small: ×½, ×1 and ×2 cannot reach a good one; the search
        // doubles until a doubling is no faster (or diverges), and keeps the fewest updates.
        let data = try conditionedData(rows: 2000, kappa: 2, noise: 0.5, seed: 3)
        let sweep = try BatchSizeSweep.toGap(
            data, batchSizes: [16], configuration: GradientDescent(learningRate: .fixed(0.005)), gap: 1e-2, maxEpochs: 200,
            tune: true)
        let result = sweep.results[0], trials = result.tuningTrials
        let upward = trials.prefix { $0.factor >= 1 }.map(\.factor)
        #expect(upward == (0..<upward.count).map { pow(2, Double($0)) })
        let factor = try #require(result.tunedFactor)
        #expect(factor >= 16, "\(trials)")
        let chosen = try #require(trials.first { $0.factor == factor })
        #expect(chosen.reached && result.updatesToGap == chosen.updatesToGap)
        for trial in trials where trial.reached { #expect(trial.updatesToGap! >= chosen.updatesToGap!) }
        // The search stopped at the first doubling that was not faster (or diverged).
        let last = try #require(trials.last)
        #expect(last.factor == 2 * factor && (last.diverged || !last.reached || last.updatesToGap! >= chosen.updatesToGap!))
        #expect(result.learningRate == 0.005 * factor)
    }

    @Test func theModelIsRecoveredFromCountsItGenerated() {
        // S = 4000·(1 + 250/B), rounded to whole updates: the fit must return S_min = 4000, B_noise = 250.
        let results = [8, 32, 128, 512, 2048].map { b in
            BatchSizeSweep.GapResult(
                batchSize: b, learningRate: 0.1, learningRateSource: .given, tunedFactor: nil, tuningTrials: [], reached: true,
                epochsToGap: 1, updatesToGap: Int((4000 * (1 + 250 / Double(b))).rounded()), samplesToGap: 1,
                secondsToGap: 1, samplesPerSecond: 1, bestGap: 0, epochsRun: 1)
        }
        let model = BatchSizeSweep.fitModel(results)!
        #expect(abs(model.minimumUpdates - 4000) < 1 && abs(model.noiseScale - 250) < 0.1)
    }

    /// Sizes beyond the data all come to the whole data: raced once, not once per size (longley
    /// listed "16" five times). One row has nothing to sweep.
    @Test func sizesThatComeToTheSameRowsAreRacedOnceAndOneRowIsRefused() throws {
        let data = try conditionedData(rows: 12, kappa: 2, noise: 1, seed: 2)
        let sweep = try BatchSizeSweep.toGap(
            data, batchSizes: [1, 4, 16, 32, .full, 4], configuration: GradientDescent(), gap: 1e-2, maxEpochs: 200)
        #expect(sweep.results.map(\.batchSize) == [1, 4, 12])
        let one = try Dataset(features: [[1]], targets: [[2]])
        #expect(throws: DataError.tooFewRows(argument: "a batch-size sweep", rows: 1, minimum: 2)) {
            try BatchSizeSweep.toGap(one, batchSizes: [1], configuration: GradientDescent(), gap: 1e-2, maxEpochs: 10)
        }
    }

    @Test func badArgumentsAreRefused() throws {
        let data = try conditionedData(rows: 50, kappa: 2, noise: 1, seed: 1)
        for (sizes, gap, epochs, argument) in [
            ([BatchSize](), 0.01, 10, "batchSizes"), ([8], 0, 10, "gap"), ([8], 1, 10, "gap"),
            ([8], 0.01, 0, "maxEpochs"),
        ] as [([BatchSize], Double, Int, String)] {
            #expect(throws: ArgumentError.self) {
                do {
                    _ = try BatchSizeSweep.toGap(data, batchSizes: sizes, configuration: GradientDescent(), gap: gap, maxEpochs: epochs)
                } catch let error as ArgumentError {
                    let name = error.argument
                    #expect(name == argument)
                    throw ArgumentError(argument: name, value: "", requirement: "")
                }
            }
        }
    }
}
