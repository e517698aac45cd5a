import Foundation
import Testing

@testable import MiniBatchGD
@testable import MiniBatchGDC

/// `EpochCost.running`: each epoch's cost is its batches' losses before their updates, checked
/// against a second implementation of the steps written here, the full cost where the two
/// meet (a full batch), the sparse descent, every thread count, and the refusals.
@Suite struct EpochCostTests {
    /// Rows in memory for the hand-written steps, and the same rows as a dataset.
    struct Rows {
        var x: [[Double]], y: [[Double]], w: [Double]?
        var dataset: Dataset<Double> {
            get throws {
                let data = try Dataset(features: x, targets: y)
                return try w.map { try data.weighted(by: $0) } ?? data
            }
        }
    }

    /// `rows` × `features` values in −1…1 (a third of them 0), `outputs` targets linear in them
    /// plus noise; weights 0.25 to 2.5 when `weighted`.
    static func rows(_ rows: Int = 300, features p: Int = 10, outputs k: Int = 1, weighted: Bool = false, seed: UInt64 = 4) -> Rows {
        var generator = RandomSource(seed: seed)
        var x: [[Double]] = [], y: [[Double]] = []
        for _ in 0..<rows {
            let row = (0..<p).map { j in generator.nextUniform() < 0.33 ? 0 : (generator.nextUniform() * 2 - 1) * Double(j % 3 + 1) }
            x.append(row)
            y.append(
                (0..<k).map { o in
                    1.5 - Double(o) + row.enumerated().reduce(0.0) { $0 + $1.element * Double(($1.offset + o) % 4 - 1) }
                        + 0.3 * generator.nextGaussian()
                })
        }
        return Rows(x: x, y: y, w: weighted ? (0..<rows).map { 0.25 + Double($0 % 4) * 0.75 } : nil)
    }

    /// A loss as the hand-written steps take it: ℓ and ℓ′.
    struct HandLoss: Sendable {
        var value: @Sendable (Double) -> Double, derivative: @Sendable (Double) -> Double
        static let squared = HandLoss(value: { 0.5 * $0 * $0 }, derivative: { $0 })
        static func huber(_ delta: Double) -> HandLoss {
            HandLoss(
                value: { abs($0) <= delta ? 0.5 * $0 * $0 : delta * (abs($0) - 0.5 * delta) }, derivative: { min(max($0, -delta), delta) })
        }
    }

    /// The second implementation: plain SGD in file order in the data's units, with an
    /// intercept, λ·W added to each batch's mean gradient (mean reduction only). Returns each
    /// epoch's running cost (Σ over its batches of Σωᵢℓ(rᵢ) before their steps, times 1/n
    /// under the mean), the full cost at the end, and the parameters.
    static func handSteps(
        _ rows: Rows, batch: Int, epochs: Int, rate: Double, lambda: Double = 0, reduction: Reduction, loss: HandLoss
    ) -> (running: [Double], final: Double, w: [[Double]], c: [Double]) {
        let n = rows.x.count, p = rows.x[0].count, k = rows.y[0].count
        // ωᵢ: the weights scaled to mean 1 under the mean reduction (a row of weight w counts as w rows).
        let total = rows.w?.reduce(0, +) ?? Double(n)
        let omega = (0..<n).map { i in (rows.w?[i] ?? 1) * (reduction == .mean ? Double(n) / total : 1) }
        var w = [[Double]](repeating: [Double](repeating: 0, count: k), count: p), c = [Double](repeating: 0, count: k)
        func residual(_ i: Int, _ o: Int) -> Double { (0..<p).reduce(c[o]) { $0 + rows.x[i][$1] * w[$1][o] } - rows.y[i][o] }
        var running: [Double] = []
        for _ in 0..<epochs {
            var sum = 0.0
            for start in stride(from: 0, to: n, by: batch) {
                let members = start..<min(start + batch, n), scale = reduction == .mean ? 1 / Double(members.count) : 1
                var gw = w.map { $0.map { lambda * $0 } }, gc = [Double](repeating: 0, count: k)
                for i in members {
                    for o in 0..<k {
                        let r = residual(i, o)
                        sum += omega[i] * loss.value(r)
                        let d = scale * omega[i] * loss.derivative(r)
                        for j in 0..<p { gw[j][o] += d * rows.x[i][j] }
                        gc[o] += d
                    }
                }
                for j in 0..<p { for o in 0..<k { w[j][o] -= rate * gw[j][o] } }
                for o in 0..<k { c[o] -= rate * gc[o] }
            }
            running.append(sum * (reduction == .mean ? 1 / Double(n) : 1))
        }
        var final = 0.0
        for i in 0..<n { for o in 0..<k { final += omega[i] * loss.value(residual(i, o)) } }
        return (running, final * (reduction == .mean ? 1 / Double(n) : 1), w, c)
    }

    static func configuration(batch: Int, epochs: Int, rate: Double, lambda: Double = 0, reduction: Reduction = .mean) -> GradientDescent {
        var config = GradientDescent(
            batchSize: .rows(batch), epochs: epochs, learningRate: .fixed(rate), averaging: .none, reduction: reduction, standardize: false,
            shuffle: .none, l2Penalty: lambda, earlyStopping: nil, recordsBatchCosts: false)
        config.epochCost = .running
        return config
    }

    /// Each epoch's running cost, the final full cost and the parameters are the hand-written
    /// steps', dense and sparse, for the squared loss with a penalty, weights, Huber's loss
    /// under the summed reduction, and two outputs (dense), in batches that leave a short last one.
    @Test(arguments: [1, 7, 64])
    func theRunningCostIsTheStepsOwnLosses(batch: Int) throws {
        let cases: [(String, Rows, Reduction, Double, HandLoss, (any Loss)?)] = [
            ("squared, L2", Self.rows(), .mean, 0.05, .squared, nil),
            ("squared, weighted", Self.rows(weighted: true), .mean, 0, .squared, nil),
            ("huber, sum", Self.rows(), .sum, 0, .huber(0.5), HuberLoss(delta: 0.5)),
            ("two outputs", Self.rows(outputs: 2), .mean, 0, .squared, nil),
        ]
        for (name, rows, reduction, lambda, handLoss, loss) in cases {
            let rate = reduction == .mean ? 0.01 : 0.01 / Double(batch)
            let hand = Self.handSteps(rows, batch: batch, epochs: 3, rate: rate, lambda: lambda, reduction: reduction, loss: handLoss)
            var config = Self.configuration(batch: batch, epochs: 3, rate: rate, lambda: lambda, reduction: reduction)
            if let loss { config.loss = loss }
            var dense = LinearRegression()
            let denseRun = try dense.fit(try rows.dataset, using: config)
            #expect(relativeDifference(denseRun.history.epochCosts, hand.running) < 1e-12, "dense, \(name), batch \(batch)")
            #expect(abs(denseRun.history.finalCost! - hand.final) <= 1e-12 * hand.final, "dense, \(name), batch \(batch)")
            let k = rows.y[0].count
            let handParameters = hand.w.flatMap { $0 } + hand.c
            let fitted = dense.parameters!.coefficients.elements + dense.parameters!.intercept
            #expect(relativeDifference(fitted, handParameters) < 1e-12, "dense, \(name), batch \(batch)")
            guard k == 1 else { continue }
            var sparse = LinearRegression()
            let sparseRun = try sparse.fit(SparseDataset(try rows.dataset), using: config)
            #expect(relativeDifference(sparseRun.history.epochCosts, hand.running) < 1e-12, "sparse, \(name), batch \(batch)")
            #expect(abs(sparseRun.history.finalCost! - hand.final) <= 1e-12 * hand.final, "sparse, \(name), batch \(batch)")
        }
    }

    /// A hand-worked case: rows (x, y) = (1, 1), (2, 0), (0, 2) in batches of 2 then 1, rate
    /// 0.5, mean reduction. Batch 1 at W = c = 0: r = (−1, 0), ½Σr² = 0.5; gradient W: (−1·1 +
    /// 0·2)/2 = −0.5, c: −0.5, so W = c = 0.25. Batch 2, row (0, 2): r = 0.25 − 2 = −1.75,
    /// ½r² = 1.53125. The epoch's running cost is (0.5 + 1.53125)/3 = 0.677083….
    @Test func aHandWorkedEpoch() throws {
        let data = try Dataset(features: [[1], [2], [0]], targets: [[1], [0], [2]])
        var model = LinearRegression()
        let run = try model.fit(data, using: Self.configuration(batch: 2, epochs: 1, rate: 0.5))
        #expect(run.history.epochCosts.count == 1)
        #expect(abs(run.history.epochCosts[0] - (0.5 + 1.53125) / 3) < 1e-15)
        // The last step: c −= 0.5·(−1.75) → 1.125, W unchanged (x = 0): residuals 0.25 + 1.125 − 1,
        // 0.5 + 1.125 − 0, 1.125 − 2; final cost ½(0.140625 + 2.640625 + 0.765625)/3.
        #expect(abs(run.history.finalCost! - 0.5 * (0.140625 + 2.640625 + 0.765625) / 3) < 1e-15)
    }

    /// In one batch of every row, an epoch's running cost is the full cost where it started:
    /// epoch 1's the cost at zero, each later one the previous epoch's full cost. The steps are
    /// the same bits whichever cost is reported.
    @Test func aFullBatchRunsOnTheFullCostOfTheEpochsStart() throws {
        let rows = Self.rows(weighted: true)
        var running = Self.configuration(batch: 300, epochs: 5, rate: 0.05)
        running.batchSize = .full
        var full = running
        full.epochCost = .full
        var a = LinearRegression(), b = LinearRegression()
        let runningRun = try a.fit(try rows.dataset, using: running), fullRun = try b.fit(try rows.dataset, using: full)
        #expect(a.parameters! == b.parameters!)
        let total = rows.w!.reduce(0, +)
        let atZero = (0..<300).reduce(0.0) { $0 + rows.w![$1] * 300 / total * 0.5 * rows.y[$1][0] * rows.y[$1][0] } / 300
        #expect(abs(runningRun.history.epochCosts[0] - atZero) <= 1e-13 * atZero)
        #expect(relativeDifference(Array(runningRun.history.epochCosts.dropFirst()), Array(fullRun.history.epochCosts.dropLast())) < 1e-13)
        #expect(runningRun.history.finalCost == fullRun.history.epochCosts.last)
        #expect(fullRun.history.finalCost == nil)
    }

    /// Batches large enough to be shared by threads (dense chunks, the sparse step's shared
    /// passes) give the same running costs and final cost, bit for bit, on 1, 2 and 3 threads.
    @Test func everyThreadCountGivesTheSameBits() throws {
        let rows = Self.rows(9000, features: 40, seed: 8)
        var dense: [History] = [], sparse: [History] = []
        for threads in [1, 2, 3] {
            var config = Self.configuration(batch: 4096, epochs: 2, rate: 0.05)
            config.threads = threads
            var a = LinearRegression(), b = LinearRegression()
            dense.append(try a.fit(try rows.dataset, using: config).history)
            sparse.append(try b.fit(SparseDataset(try rows.dataset), using: config).history)
        }
        for history in [dense, sparse] {
            #expect(history[1].epochCosts == history[0].epochCosts && history[2].epochCosts == history[0].epochCosts)
            #expect(history[1].finalCost == history[0].finalCost && history[2].finalCost == history[0].finalCost)
        }
        #expect(relativeDifference(dense[0].epochCosts, sparse[0].epochCosts) < 1e-12)
    }

    /// A fit stopped inside an epoch keeps the epoch's partial running sum in its checkpoint:
    /// resumed, its running costs (and everything else) are the uninterrupted fit's bits, dense
    /// (stopped at the 5000th row, inside epoch 2) and sparse (single rows, stopped after epoch 2,
    /// which saves at batch 1023 of epoch 3).
    @Test func aStopInsideAnEpochResumesItsRunningSum() throws {
        var config = GradientDescent(batchSize: 1, epochs: 3, earlyStopping: nil)
        config.epochCost = .running
        config.loss = CountingLoss(calls: CallCounter(limit: .max))
        let reference = try CheckpointTests.fit(CheckpointTests.data, config)
        let path = CheckpointTests.folder + "/epoch-cost-running.checkpoint"
        try? FileManager.default.removeItem(atPath: path)
        let counter = CallCounter(limit: 5000)
        config.loss = CountingLoss(calls: counter)
        config.checkpointing = Checkpointing(path: path, every: .seconds(3600))
        #expect(throws: TrainingError.self) { try CheckpointTests.fit(CheckpointTests.data, config, stop: counter.flag) }
        let archive = try CheckpointArchive(decoding: Array(FileManager.default.contents(atPath: path)!), path: path)
        #expect(try archive.integers("position", count: 4)[0...1] == [2, 2047])
        #expect(try archive.double("position.running") > 0)
        config.loss = CountingLoss(calls: CallCounter(limit: .max))
        config.checkpointing?.resumesFrom = path
        #expect(try CheckpointTests.fit(CheckpointTests.data, config) == reference)

        var sparse = GradientDescent(batchSize: 1, epochs: 4, earlyStopping: nil)
        sparse.epochCost = .running
        let sparseReference = try CheckpointTests.fit(sparse: sparse)
        let sparsePath = CheckpointTests.folder + "/epoch-cost-running-sparse.checkpoint"
        try? FileManager.default.removeItem(atPath: sparsePath)
        sparse.checkpointing = Checkpointing(path: sparsePath, every: .epochs(1))
        let stop = CancellationFlag()
        #expect(throws: TrainingError.self) {
            try CheckpointTests.fit(sparse: sparse, stop: stop, progress: { if $0.epoch == 2 { stop.set() } })
        }
        let saved = try CheckpointArchive(decoding: Array(FileManager.default.contents(atPath: sparsePath)!), path: sparsePath)
        #expect(try saved.integers("position", count: 4)[0...1] == [3, 1023])
        sparse.checkpointing?.resumesFrom = sparsePath
        #expect(try CheckpointTests.fit(sparse: sparse) == sparseReference)
    }

    /// The certified stop needs the full gradient each epoch: the library refuses it with a
    /// running cost, `mbgd fit`'s settings leave it out, and the C interface's JSON takes the
    /// option by its name (and refuses it online, where a partial fit has no epochs).
    @Test func theCombinationsThatNeedTheFullCostAreRefused() throws {
        var config = GradientDescent()
        config.epochCost = .running
        #expect(throws: ArgumentError.self) { try config.validate() }
        do {
            try config.validate()
        } catch let error as ArgumentError {
            #expect(error.argument == "earlyStopping.parameterTolerance")
            #expect(error.requirement.contains("epochCost running"))
        }
        var model = LinearRegression()
        #expect(throws: ArgumentError.self) { try model.fit(try Self.rows().dataset, using: config) }
        var settings = DescentSettings()
        settings.epochCost = .running
        settings.tolerance = 1e-4
        try settings.validate(.commandLine)
        #expect(settings.gradientDescent.epochCost == .running)
        #expect(settings.gradientDescent.earlyStopping?.parameterTolerance == nil)
        #expect(settings.gradientDescent.earlyStopping?.tolerance == 1e-4)
        #expect(try FitOptions.gradientDescent(json: #"{"epochCost": "running"}"#, threads: nil).epochCost == .running)
        #expect(try FitOptions.gradientDescent(json: nil, threads: nil).epochCost == .full)
        #expect { try FitOptions.gradientDescent(json: #"{"epochCost": "partial"}"#, threads: nil) } throws: {
            ($0 as? OptionError)?.message == #"epochCost must be full or running, got "partial""#
        }
        #expect { try OnlineOptions.gradientDescent(json: #"{"epochCost": "running"}"#, threads: nil) } throws: {
            ($0 as? OptionError)?.message.hasPrefix("epochCost is not available online") == true
        }
    }
}
