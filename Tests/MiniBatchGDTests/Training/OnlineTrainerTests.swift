import Foundation
import Testing

@testable import MiniBatchGD

/// Online descent (``OnlineTrainer``): its steps and progressive loss worked by hand, chunks that
/// leave the batches whole giving the bits of one call, and one call giving the bits of a
/// one-epoch fit of the same rows in order (the same bits).
@Suite struct OnlineTrainerTests {
    static let data = try! syntheticData(
        rows: 3000, weights: [1, -2, 3, 0.5, -1, 2, 0.25, 4, -3, 1.5].map { [$0] }, intercept: [2], noise: 0.5, seed: 9)

    static func chunks(_ data: Dataset<Double>, rows: Int) throws -> [Dataset<Double>] {
        stride(from: 0, to: data.rows, by: rows).map { first in
            let last = Swift.min(first + rows, data.rows), p = data.featureCount
            return try! Dataset(
                features: Matrix(rows: last - first, columns: p, elements: Array(data.features.elements[(first * p)..<(last * p)])),
                target: Array(data.targets.elements[first..<last]))
        }
    }

    /// x = 1, 2, 3, 4 and y = 2, 4, 6, 8 in batches of 2, η = 0.1, from zero, unstandardized:
    /// batch 1 predicts 0 (squared errors 4 + 16), g_w = −(2·1 + 4·2)/2 = −5, g_c = −3, so
    /// w = 0.5, c = 0.3; batch 2 predicts 1.8 and 2.3 (errors 4.2 and 5.7): g_w = −(4.2·3 + 5.7·4)/2
    /// = −17.7, g_c = −4.95, so w = 2.27, c = 0.795. Progressive loss (4 + 16 + 4.2² + 5.7²)/4.
    @Test func stepsAndProgressiveLossByHand() throws {
        let config = GradientDescent(
            batchSize: 2, learningRate: .fixed(0.1), averaging: .none, standardize: false, shuffle: .none, earlyStopping: nil)
        let trainer = try OnlineTrainer(features: 1, configuration: config)
        let first = try trainer.partialFit(try Dataset(features: [[1], [2]], targets: [2, 4]))
        #expect(abs(first - 10) < 1e-15)
        try trainer.partialFit(try Dataset(features: [[3], [4]], targets: [6, 8]))
        #expect(abs(trainer.parameters.coefficients[0, 0] - 2.27) < 1e-13)
        #expect(abs(trainer.parameters.intercept[0] - 0.795) < 1e-13)
        #expect(abs(trainer.progressiveLoss! - (4 + 16 + 4.2 * 4.2 + 5.7 * 5.7) / 4) < 1e-12)
        #expect(trainer.updates == 2 && trainer.rowsSeen == 4)
    }

    /// With the step and coordinates fixed (nothing taken from the first chunk), chunks of whole
    /// batches give the bits of one call, for a plain and an adaptive rule with averaging.
    @Test(arguments: [Optimizer.sgd, .adam()])
    func chunksOfWholeBatchesGiveOneCallsBits(_ optimizer: Optimizer) throws {
        var config = GradientDescent(
            batchSize: 32, learningRate: .fixed(0.01), optimizer: optimizer, averaging: .fromStart, standardize: false, shuffle: .none,
            earlyStopping: nil)
        config.l2Penalty = 0.01
        let whole = try OnlineTrainer(features: 10, configuration: config)
        try whole.partialFit(Self.data)
        let chunked = try OnlineTrainer(features: 10, configuration: config)
        for chunk in try Self.chunks(Self.data, rows: 320) { try chunked.partialFit(chunk) }
        #expect(chunked.parameters == whole.parameters)
        #expect(chunked.progressiveLoss == whole.progressiveLoss)
        #expect(chunked.updates == 94)
    }

    /// One call over all the rows is a one-epoch fit of them in order, without averaging or early
    /// stopping: the same plan (standardization, automatic rate) and the same batches.
    @Test func oneCallIsAOneEpochFitInOrder() throws {
        let config = GradientDescent(batchSize: 16, epochs: 1, averaging: .none, shuffle: .none, earlyStopping: nil)
        let trainer = try OnlineTrainer(features: 10, configuration: config)
        try trainer.partialFit(Self.data)
        var model = LinearRegression()
        try model.fit(Self.data, using: config)
        #expect(trainer.parameters == model.parameters!)
    }

    /// What online descent cannot do is refused by name; a chunk of another width too.
    @Test func refusals() throws {
        var config = GradientDescent(batchSize: 8, averaging: .none, earlyStopping: nil)
        config.schedule = .cosine
        #expect(throws: ArgumentError.self) { try OnlineTrainer(features: 2, configuration: config) }
        #expect(throws: ArgumentError.self) { try OnlineTrainer(features: 2, configuration: GradientDescent()) }
        config.schedule = .constant
        let trainer = try OnlineTrainer(features: 2, configuration: config)
        #expect(throws: ArgumentError.self) { try trainer.partialFit(try Dataset(features: [[1]], targets: [1])) }
        #expect(trainer.progressiveLoss == nil)
    }
}
