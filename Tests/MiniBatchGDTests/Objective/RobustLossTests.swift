import Testing

@testable import MiniBatchGD

/// The epsilon-insensitive, squared epsilon-insensitive and quantile losses' values and
/// (sub)derivatives at residuals worked by hand, and their checks.
@Suite struct RobustLossTests {
    /// ε = 0.5: r = 2 is 1.5 beyond the tube; r = −0.3 inside; r = −1 is 0.5 beyond below.
    @Test func epsilonInsensitiveByHand() {
        let loss = EpsilonInsensitiveLoss(epsilon: 0.5)
        #expect(loss.value(2) == 1.5 && loss.derivative(2) == 1)
        #expect(loss.value(-0.3) == 0 && loss.derivative(-0.3) == 0)
        #expect(loss.value(-1) == 0.5 && loss.derivative(-1) == -1)
        #expect(loss.value(0.5) == 0 && loss.derivative(0.5) == 0)
        #expect(!loss.isSmooth && loss.quadraticScale == nil && loss.curvature.lowerBound == 0)
        #expect(EpsilonInsensitiveLoss().epsilon == 0.1)
    }

    /// ε = 0.5: r = 2 gives 1.5²/2 = 1.125 and slope 1.5; r = −1, 0.5²/2 = 0.125 and −0.5.
    @Test func squaredEpsilonInsensitiveByHand() {
        let loss = SquaredEpsilonInsensitiveLoss(epsilon: 0.5)
        #expect(loss.value(2) == 1.125 && loss.derivative(2) == 1.5)
        #expect(loss.value(-1) == 0.125 && loss.derivative(-1) == -0.5)
        #expect(loss.value(0.25) == 0 && loss.derivative(0.25) == 0)
        #expect(loss.isSmooth && loss.curvature == 0...1)
        #expect(loss.secondDerivative(2) == 1 && loss.secondDerivative(0.5) == 0)
    }

    /// τ = 0.9: a prediction 2 above the target (r = 2) costs 0.1 × 2; 2 below, 0.9 × 2.
    @Test func quantileByHand() {
        let loss = QuantileLoss(quantile: 0.9)
        #expect(abs(loss.value(2) - 0.2) <= 1e-15 && abs(loss.derivative(2) - 0.1) <= 1e-15)
        #expect(abs(loss.value(-2) - 1.8) <= 1e-15 && loss.derivative(-2) == -0.9)
        #expect(loss.value(0) == 0 && loss.derivative(0) == 0)
        #expect(!loss.isSmooth)
    }

    @Test func badValuesAreRefusedByName() {
        #expect(throws: ArgumentError.self) { try EpsilonInsensitiveLoss(epsilon: -1).validate() }
        #expect(throws: ArgumentError.self) { try SquaredEpsilonInsensitiveLoss(epsilon: .infinity).validate() }
        #expect(throws: ArgumentError.self) { try QuantileLoss(quantile: 1).validate() }
        #expect(throws: ArgumentError.self) { try QuantileLoss(quantile: .nan).validate() }
        do {
            try EpsilonInsensitiveLoss(epsilon: .nan).validate()
            Issue.record("NaN accepted")
        } catch let error as ArgumentError {
            #expect(error.argument == "loss.epsilon")
        } catch { Issue.record("\(error)") }
        #expect(throws: Never.self) { try EpsilonInsensitiveLoss(epsilon: 0).validate() }
    }
}
