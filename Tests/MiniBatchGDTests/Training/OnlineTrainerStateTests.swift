import Foundation
import Testing

@testable import MiniBatchGD

/// An online trainer saved between chunks and restored into a new one continues with the bits
/// of the uninterrupted trainer (the rule's moments, the average, the plan and the counts all
/// carried); a plan from a sample replaces the first chunk's; other trainers' or damaged states
/// are refused and change nothing.
@Suite struct OnlineTrainerStateTests {
    static let data = OnlineTrainerTests.data

    static func configuration(_ optimizer: Optimizer) -> GradientDescent {
        var config = GradientDescent(batchSize: 32, optimizer: optimizer, averaging: .fromStart, shuffle: .none, earlyStopping: nil)
        config.l2Penalty = 0.01
        return config
    }

    /// Standardized, the rate automatic (both from the first chunk), averaged from the start.
    @Test(arguments: [Optimizer.sgd, .adam(), .momentum(0.9), .adagrad()])
    func restoredTrainerContinuesWithTheSameBits(_ optimizer: Optimizer) throws {
        let config = Self.configuration(optimizer)
        let chunks = try OnlineTrainerTests.chunks(Self.data, rows: 320)
        let uninterrupted = try OnlineTrainer(features: 10, configuration: config)
        for chunk in chunks { try uninterrupted.partialFit(chunk) }
        let saved = try OnlineTrainer(features: 10, configuration: config)
        for chunk in chunks[..<4] { try saved.partialFit(chunk) }
        let restored = try OnlineTrainer(features: 10, configuration: config)
        try restored.restoreState(from: saved.stateBytes())
        #expect(restored.parameters == saved.parameters && restored.learningRate?.learningRate == saved.learningRate?.learningRate)
        #expect(restored.standardizer == saved.standardizer && restored.stateBytes() == saved.stateBytes())
        for chunk in chunks[4...] { try restored.partialFit(chunk) }
        #expect(restored.parameters == uninterrupted.parameters)
        #expect(restored.progressiveLoss == uninterrupted.progressiveLoss)
        #expect(restored.updates == uninterrupted.updates && restored.rowsSeen == uninterrupted.rowsSeen)
        // The parameters alone are not the state: a trainer started afresh on the rest differs.
        let afresh = try OnlineTrainer(features: 10, configuration: config)
        for chunk in chunks[4...] { try afresh.partialFit(chunk) }
        #expect(afresh.parameters != uninterrupted.parameters)
    }

    /// A plan from all the rows, then chunks of whole batches: the bits of one call over them all
    /// (which plans from them all); without it the first chunk's plan gives other bits.
    @Test func planFromAllRowsMakesChunksOneCall() throws {
        let config = Self.configuration(.sgd)
        let whole = try OnlineTrainer(features: 10, configuration: config)
        try whole.partialFit(Self.data)
        let planned = try OnlineTrainer(features: 10, configuration: config),
            unplanned = try OnlineTrainer(features: 10, configuration: config)
        try planned.plan(from: Self.data)
        #expect(planned.rowsSeen == 0 && planned.updates == 0 && planned.learningRate == whole.learningRate)
        for chunk in try OnlineTrainerTests.chunks(Self.data, rows: 320) {
            try planned.partialFit(chunk)
            try unplanned.partialFit(chunk)
        }
        #expect(planned.parameters == whole.parameters)
        #expect(unplanned.parameters != whole.parameters)
    }

    @Test func otherTrainersAndDamagedStatesAreRefused() throws {
        let saved = try OnlineTrainer(features: 10, configuration: Self.configuration(.adam()))
        try saved.partialFit(Self.data)
        let bytes = saved.stateBytes()
        let other = try OnlineTrainer(features: 10, configuration: Self.configuration(.sgd))
        #expect {
            try other.restoreState(from: bytes)
        } throws: { error in
            guard case let OnlineStateError.mismatch(differences) = error else { return false }
            return differences.count == 1 && differences[0].hasPrefix("the optimizer (--optimizer and its constants): the state has adam")
        }
        #expect(throws: OnlineStateError.self) {
            try OnlineTrainer(features: 9, configuration: Self.configuration(.adam())).restoreState(from: bytes)
        }
        var damaged = bytes
        damaged[bytes.count / 2] ^= 1
        #expect(throws: OnlineStateError.damaged(reason: "its checksum does not match its contents: the file was cut short or altered")) {
            try other.restoreState(from: damaged)
        }
        #expect(throws: OnlineStateError.self) { try other.restoreState(from: Array(bytes.prefix(40))) }
        #expect(other.rowsSeen == 0 && other.progressiveLoss == nil)
    }
}
