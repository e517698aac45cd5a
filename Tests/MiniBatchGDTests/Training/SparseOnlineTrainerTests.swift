import Foundation
import Testing

@testable import MiniBatchGD

/// Online descent on sparse rows (``SparseOnlineTrainer``): chunks that leave the batches whole
/// give the bits of the sparse file fit's one epoch in order, for every lazy rule; the
/// progressive loss of parameters that cannot move is the mean of y², worked here from the rows.
@Suite struct SparseOnlineTrainerTests {
    static let data = try! SparseDataset<Double>.load(libsvm: "Examples/data/text.svm")

    /// Rows `first..<last` of `data`, as a data set of its own width.
    static func rows(_ data: SparseDataset<Double>, _ first: Int, _ last: Int) -> SparseDataset<Double> {
        let start = data.rowStarts[first], end = data.rowStarts[last]
        return SparseDataset(
            unchecked: data.rowStarts[first...last].map { $0 - start }, (start..<end).map { data.columnIndices[$0] },
            (start..<end).map { data.values[$0] },
            Matrix(uncheckedRows: last - first, columns: 1, elements: Array(data.targets.elements[first..<last])),
            featureCount: data.featureCount, featureNames: data.featureNames, targetNames: data.targetNames, weights: nil)
    }

    @Test(arguments: [Optimizer.sgd, .adagrad(), .rmsprop(), .adam(), .adamW(weightDecay: 0.01)])
    func chunksGiveTheFilesOneEpoch(optimizer: Optimizer) throws {
        let config = GradientDescent(
            batchSize: 10, epochs: 1, learningRate: 0.05, optimizer: optimizer, averaging: .none, standardize: false, shuffle: .none,
            earlyStopping: nil)
        var model = LinearRegression()
        try model.fit(Self.data, using: config)
        let trainer = try SparseOnlineTrainer(features: Self.data.featureCount, configuration: config)
        for first in stride(from: 0, to: Self.data.rows, by: 100) { try trainer.partialFit(Self.rows(Self.data, first, first + 100)) }
        #expect(trainer.parameters.coefficients.elements == model.parameters!.coefficients.elements)
        #expect(trainer.parameters.intercept == model.parameters!.intercept)
        #expect(trainer.updates == 100 && trainer.rowsSeen == 1000)
    }

    /// At a rate of 1e-300 nothing moves from zero: each row is predicted as 0, so the
    /// progressive loss is Σy²/n.
    @Test func progressiveLossOfParametersThatStayAtZero() throws {
        let config = GradientDescent(batchSize: 7, learningRate: 1e-300, averaging: .none, standardize: false, shuffle: .none)
        let trainer = try SparseOnlineTrainer(features: Self.data.featureCount, configuration: config)
        try trainer.partialFit(Self.rows(Self.data, 0, 500))
        try trainer.partialFit(Self.rows(Self.data, 500, 1000))
        let y = Self.data.targets.elements
        let expected = y.reduce(0) { $0 + $1 * $1 } / Double(y.count)
        #expect(abs(trainer.progressiveLoss! - expected) <= 1e-12 * expected)
    }

    /// What the sparse descent or online descent cannot do is refused before any row.
    @Test func refusals() throws {
        let p = Self.data.featureCount
        #expect(throws: ArgumentError.self) {
            try SparseOnlineTrainer(features: p, configuration: GradientDescent(optimizer: .momentum(), averaging: .none))
        }
        #expect(throws: ArgumentError.self) {
            try SparseOnlineTrainer(features: p, configuration: GradientDescent(batchSize: .full, averaging: .none))
        }
        #expect(throws: ArgumentError.self) { try SparseOnlineTrainer(features: p, configuration: GradientDescent()) }
        let trainer = try SparseOnlineTrainer(features: p + 1, configuration: GradientDescent(averaging: .none))
        #expect(throws: ArgumentError.self) { try trainer.partialFit(Self.data) }
    }
}
