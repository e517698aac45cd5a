import Foundation
import Testing

@testable import MiniBatchGD

/// The lazy Polyak–Ruppert average under the lazy soft-threshold (``ThresholdedAverage``): each
/// column's sum over the steps that skipped it in closed form, held to the dense trainer's eager
/// average (the mean of the iterates after every step, each summed as it is made).
@Suite struct SparseL1AverageTests {
    /// Without standardizing and with the same shuffle, averaged from the start: the lazy
    /// average is the dense one to rounding, for the proximal step and the cumulative method,
    /// the lasso and the elastic net (whose L2 shrink makes each skipped step's threshold on u
    /// grow geometrically), single rows and batches, a rate decaying within the epochs, on rows
    /// with exact zeros where coefficients reach zero between touches.
    @Test(arguments: [1, 7, 64])
    func theLazyAverageIsTheEagerAverage(batch: Int) throws {
        var zerosSeen = 0
        for method in [ElasticNetPenalty.L1Method.proximal, .cumulative] {
            for l1Ratio in [1.0, 0.5] {
                for schedule in [LearningRateSchedule.constant, .inverseScaling(power: 0.5)] {
                    let dense = try SparseDescentTests.dense(weighted: batch == 7)
                    let epochs = batch >= 64 ? 30 : 4
                    var config = GradientDescent(
                        batchSize: .rows(batch), epochs: epochs, learningRate: .fixed(0.002), averaging: .fromStart, standardize: false,
                        shuffle: .everyEpoch(seed: 5), schedule: schedule, earlyStopping: nil)
                    config.penalty = ElasticNetPenalty(alpha: 1.5, l1Ratio: l1Ratio, l1Method: method)
                    var a = LinearRegression(), b = LinearRegression()
                    try a.fit(dense, using: config)
                    try b.fit(SparseDataset(dense), using: config)
                    let what = "batch \(batch), \(method), R \(l1Ratio), \(schedule)"
                    #expect(relativeDifference(a.parameters!, b.parameters!) <= 1e-12, "\(what)")
                    // An averaged coefficient is zero only when it was at every averaged step.
                    zerosSeen += a.parameters!.coefficients.elements.filter { $0 == 0 }.count
                }
            }
        }
        // Some averaged coefficient stayed at zero throughout: the clipped sums are exercised.
        #expect(zerosSeen > 0, "batch \(batch)")
    }

    /// Two targets: each coefficient of a column summed with its own value and crossing.
    @Test(arguments: [1, 7])
    func twoTargetsAverageAsTheDenseOnes(batch: Int) throws {
        let one = try SparseDescentTests.dense()
        let x = one.features.elements, y = one.targets.elements, p = one.featureCount
        let features = (0..<one.rows).map { i in Array(x[i * p..<(i + 1) * p]) }
        let targets = (0..<one.rows).map { i in [y[i], -0.7 * y[i] + x[i * p]] }
        let dense = try Dataset(features: features, targets: targets)
        for method in [ElasticNetPenalty.L1Method.proximal, .cumulative] {
            var config = GradientDescent(
                batchSize: .rows(batch), epochs: 4, learningRate: .fixed(0.002), averaging: .fromStart, standardize: false,
                shuffle: .everyEpoch(seed: 5), earlyStopping: nil)
            config.penalty = ElasticNetPenalty(alpha: 1.5, l1Ratio: 0.5, l1Method: method)
            var a = LinearRegression(), b = LinearRegression()
            try a.fit(dense, using: config)
            try b.fit(SparseDataset(dense), using: config)
            #expect(relativeDifference(a.parameters!, b.parameters!) <= 1e-12, "batch \(batch), \(method)")
        }
    }

    /// The lasso under AdaGrad (whose lazy threshold is the eager one: an untouched slot's q does
    /// not move), averaged: each slot's frozen q scales its skipped steps' sum, as the dense rule's.
    @Test(arguments: [1, 7])
    func theAdaGradLassoAverageIsTheDenseOne(batch: Int) throws {
        let dense = try SparseDescentTests.dense()
        var config = GradientDescent(
            batchSize: .rows(batch), epochs: 4, learningRate: .fixed(0.05), optimizer: .adagrad(), averaging: .fromStart,
            standardize: false, shuffle: .everyEpoch(seed: 5), earlyStopping: nil)
        config.penalty = ElasticNetPenalty(alpha: 1.5)
        var a = LinearRegression(), b = LinearRegression()
        try a.fit(dense, using: config)
        try b.fit(SparseDataset(dense), using: config)
        #expect(relativeDifference(a.parameters!, b.parameters!) <= 1e-12, "batch \(batch)")
    }

    /// The average started at the first plateau (automatic): the dense trainer's as well.
    @Test func theAutomaticAverageIsTheDenseOne() throws {
        let dense = try SparseDescentTests.dense()
        var config = GradientDescent(
            batchSize: .rows(16), epochs: 40, learningRate: .fixed(0.004), averaging: .automatic, standardize: false,
            shuffle: .everyEpoch(seed: 3), earlyStopping: EarlyStopping(patience: 2, parameterTolerance: 0))
        config.penalty = ElasticNetPenalty(alpha: 1.5)
        var a = LinearRegression(), b = LinearRegression()
        let denseRun = try a.fit(dense, using: config)
        let sparseRun = try b.fit(SparseDataset(dense), using: config)
        #expect(denseRun.history.averagingStartEpoch != nil)
        #expect(sparseRun.history.averagingStartEpoch == denseRun.history.averagingStartEpoch)
        #expect(relativeDifference(a.parameters!, b.parameters!) <= 1e-12)
    }

    /// The closed form's sum against the steps taken one at a time: a column skipped by 3000
    /// steps of random scales (signs included) and thresholds, read after each of several
    /// spans, for the proximal step, under an adaptive rule's slot factor, and the cumulative
    /// method's carried pull; through histories emptied when full.
    @Test func theClosedFormSumsTheSkippedSteps() {
        var generator = RandomSource(seed: 8)
        for method in ["proximal", "adaptive", "cumulative"] {
            for start in [0.8, -0.8, 0.0] {
                let sums = Buffer<Double>(repeating: 0, count: 1)
                var threshold = LazySoftThreshold(
                    features: 1, outputs: 1, factors: [1.7], cumulative: method == "cumulative",
                    adaptiveEpsilon: method == "adaptive" ? 0.5 : nil)
                threshold.average = ThresholdedAverage(features: 1, outputs: 1, sums: sums)
                if method == "adaptive" { threshold.slotScales!.base[0] = 0.6 }
                let u = Buffer<Double>(repeating: start, count: 1)
                // The cumulative method's carried pull: the part of earlier pulls a clip could not apply.
                let carried = method == "cumulative" ? (start > 0 ? -0.05 : 0.05) : 0
                if method == "cumulative" {
                    threshold.pulled!.base[0] = carried
                }
                threshold.average!.reset(total: 0)
                var eager = 0.0, magnitude = 0.0, steps = 0
                for span in [1, 7, 400, 2600] {
                    for _ in 0..<span {
                        if threshold.average!.isFull {
                            threshold.flushAverage(0, u.base)
                            threshold.average!.reset(total: threshold.total)
                        }
                        let a = (generator.nextUniform() * 2 - 1) * 3, tau = generator.nextUniform() * 2e-4
                        threshold.add(threshold: tau, scale: a)
                        threshold.average!.record(scale: a, total: threshold.total)
                        steps += 1
                        // The step's iterate, as the eager rule would hold it: u thresholded by
                        // every pending threshold so far (the catch-up of a copy).
                        let copy = Buffer<Double>(repeating: u.base[0], count: 1)
                        let pulledBefore = threshold.pulled?.base[0]
                        let appliedBefore = threshold.applied.base[0]
                        var probe = threshold
                        probe.average = nil
                        probe.catchUp(0, copy.base)
                        threshold.applied.base[0] = appliedBefore
                        if let pulledBefore { threshold.pulled!.base[0] = pulledBefore }
                        eager += a * copy.base[0]
                        magnitude += abs(a * copy.base[0])
                    }
                    threshold.flushAverage(0, u.base)
                    // The sum's rounding is that of its terms' magnitudes (and of the thresholds' prefix sums).
                    #expect(abs(sums.base[0] - eager) <= 1e-12 * Swift.max(magnitude, 1), "\(method), u \(start), \(steps) steps")
                }
                // The thresholds did reach zero in these steps (the clipped branch is exercised).
                if start != 0 {
                    let copy = Buffer<Double>(repeating: u.base[0], count: 1)
                    var probe = threshold
                    probe.average = nil
                    probe.catchUp(0, copy.base)
                    #expect(copy.base[0] == 0, "\(method), u \(start)")
                }
            }
        }
    }
}
