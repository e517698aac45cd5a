import Testing

@testable import MiniBatchGD

/// The stop policy as a state machine, fed epoch costs worked by hand: a patience of 2 and a
/// relative tolerance of 10⁻³, so an epoch improves only below best·(1 − 10⁻³).
@Suite struct StopPolicyTests {
    static func policy(
        certificate: Double? = nil, averages: Bool = false, validation: Bool = false, gapTarget: Bool = false, tolerance: Double = 1e-3
    ) -> StopPolicy {
        StopPolicy(
            plateau: StopRule(EarlyStopping(tolerance: tolerance, patience: 2)),
            halving: RateHalving(patience: 2, step: 0, mu: 0, batchesPerEpoch: 1), certificateTolerance: certificate,
            averagesAutomatically: averages, monitorsValidation: validation, hasGapTarget: gapTarget, divergenceBound: 100)
    }

    /// Feeds `costs` from epoch 1 and returns the decisions.
    static func run(_ policy: inout StopPolicy, _ costs: [Double], distances: [Double?]? = nil) -> [StopPolicy.Decision] {
        costs.indices.map { policy.afterEpoch($0 + 1, monitored: costs[$0], certifiedDistance: distances?[$0]) }
    }

    @Test func aPlateauStopsAFitThatNothingElseStops() {
        var policy = Self.policy()
        let decisions = Self.run(&policy, [10, 5, 4.999, 5])
        // Epoch 3 improves by 2·10⁻⁴ only: not an improvement; epoch 4 is the second such epoch.
        #expect(decisions.prefix(3).allSatisfy { $0 == StopPolicy.Decision() })
        #expect(decisions[3].stop == .trainingCostConverged)
    }

    @Test func aPlateauStartsTheAverageOnceAndThenStops() {
        var policy = Self.policy(averages: true)
        let decisions = Self.run(&policy, [10, 5, 5, 5, 5, 5, 5])
        #expect(decisions[3].startAveraging && decisions[3].stop == nil)
        // Counting afresh: epoch 5 sets the best, 6 and 7 do not improve on it.
        #expect(decisions[4] == StopPolicy.Decision() && decisions[5] == StopPolicy.Decision())
        #expect(decisions[6].stop == .trainingCostConverged && !decisions[6].startAveraging)
    }

    @Test func theCertificateStopsAtItsToleranceAndOutlastsAPlateau() {
        var policy = Self.policy(certificate: 1e-3)
        let decisions = Self.run(&policy, [10, 5, 5, 5, 5], distances: [0.5, 0.1, 0.05, 0.01, 0.0009])
        // The plateau at epoch 4 resets the count instead of stopping: the certificate decides.
        #expect(decisions.prefix(4).allSatisfy { $0.stop == nil })
        #expect(decisions[4].stop == .parametersCertified)
    }

    @Test func heldOutRowsStopOnTheirPlateauEvenWhenAveraging() {
        var policy = Self.policy(averages: true, validation: true)
        #expect(Self.run(&policy, [3, 2, 2, 2])[3].stop == .validationCostConverged)
    }

    @Test func aToleranceOfZeroNeverStopsOnACost() {
        var policy = Self.policy(tolerance: 0)
        #expect(Self.run(&policy, [1, 1, 1, 1, 1, 1]).allSatisfy { $0 == StopPolicy.Decision() })
        var gap = Self.policy(gapTarget: true)
        #expect(Self.run(&gap, [1, 1, 1, 1, 1, 1]).allSatisfy { $0.stop == nil })
    }

    @Test func divergenceIsACostAboveTheBoundOrNotANumber() {
        let policy = Self.policy()
        #expect(!policy.diverged(cost: 100))
        #expect(policy.diverged(cost: 100.000001))
        #expect(policy.diverged(cost: .nan))
        #expect(policy.diverged(cost: .infinity))
    }
}
