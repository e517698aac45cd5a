import Foundation
import Testing

@testable import MiniBatchGD

/// Least squares at twice the scale, ℓ(r) = r², defined outside the library: the same minimizer
/// as the squared loss, with the L2 strength halved.
struct DoubledSquares: Loss {
    func value(_ r: Double) -> Double { r * r }
    func derivative(_ r: Double) -> Double { 2 * r }
    var curvature: ClosedRange<Double> { 2...2 }
    var quadraticScale: Double? { 2 }
}

/// ℓ(r) = log cosh r: quadratic near 0, linear in the tails (a smooth Huber); ℓ'' = 1 − tanh² ∈ (0, 1].
struct LogCosh: Loss {
    func value(_ r: Double) -> Double { Foundation.log(Foundation.cosh(r)) }
    func derivative(_ r: Double) -> Double { Foundation.tanh(r) }
    var curvature: ClosedRange<Double> { 0...1 }
    var quadraticScale: Double? { nil }
}

/// λ·‖W‖₁ by soft-thresholding: a user's L1, applied as a proximal step after each update.
struct SoftThresholdL1: Penalty {
    let strength: Double
    func value(_ coefficients: UnsafeBufferPointer<Double>) -> Double { strength * coefficients.reduce(0) { $0 + abs($1) } }
    func addGradient(of coefficients: UnsafePointer<Double>, count: Int, scale: Double, into gradient: UnsafeMutablePointer<Double>) {}
    func proximalStep(_ coefficients: UnsafeMutablePointer<Double>, count: Int, step: Double) {
        let threshold = step * strength
        for i in 0..<count {
            let w = coefficients[i]
            coefficients[i] = w > threshold ? w - threshold : w < -threshold ? w + threshold : 0
        }
    }
    var isSmooth: Bool { false }
    var curvature: Double { 0 }
}

@Suite struct LossAndPenaltyTests {
    static func data() throws -> Dataset<Double> { try Dataset<Double>.synthetic(rows: 600, features: 3, noise: 0.5, seed: 8) }

    @Test func aLossDefinedOutsideTheLibraryTrainsAsTheBuiltInSquaredLossDoes() throws {
        let data = try Self.data()
        var builtIn = GradientDescent(batchSize: .full, epochs: 400, optimizer: .nesterov(), averaging: .none, earlyStopping: nil)
        var own = builtIn
        own.loss = DoubledSquares()
        var a = LinearRegression(), b = LinearRegression()
        let runA = try a.fit(data, using: builtIn)
        let runB = try b.fit(data, using: own)
        // Twice the gradient at half the automatic rate: the same steps, to rounding.
        #expect(relativeDifference(a.parameters!.stacked, b.parameters!.stacked) < 1e-10)
        #expect(abs(runB.learningRateChoice.learningRate * 2 / runA.learningRateChoice.learningRate - 1) < 1e-12)
        // Its epoch costs are twice the squared loss's.
        #expect(abs(runB.history.epochCosts.last! / runA.history.epochCosts.last! - 2) < 1e-9)

        // With a penalty: 2·J + λ/2·‖W‖² is minimized where J + (λ/2)/2·‖W‖² is.
        builtIn.l2Penalty = 0.05
        own.l2Penalty = 0.1
        builtIn.earlyStopping = EarlyStopping()
        own.earlyStopping = EarlyStopping()
        builtIn.epochs = nil
        own.epochs = nil
        let compareA = try a.fitAndCompare(data, using: builtIn)
        let compareB = try b.fitAndCompare(data, using: own)
        #expect(relativeDifference(compareA.reference.parameters.stacked, compareB.reference.parameters.stacked) < 1e-12)
        #expect(compareB.parameterRelativeDifference < 1e-3)
        #expect(compareB.run.history.stopReason == .parametersCertified)
        #expect(abs(compareB.referenceCost / compareA.referenceCost - 2) < 1e-9)
    }

    @Test func aNonQuadraticLossReachesItsOwnStationaryPoint() throws {
        let data = try Self.data()
        var configuration = GradientDescent(batchSize: .full, epochs: 3000, optimizer: .nesterov(), averaging: .none, earlyStopping: nil)
        configuration.loss = LogCosh()
        var model = LinearRegression()
        try model.fit(data, using: configuration)
        // The gradient of Σ log cosh(rᵢ), worked here from the definition: Σ tanh(rᵢ)·(1, xᵢ) = 0.
        let parameters = model.parameters!
        var gradient = [Double](repeating: 0, count: 4)
        for i in 0..<data.rows {
            var r = parameters.intercept[0] - data.targets[i, 0]
            for j in 0..<3 { r += parameters.coefficients[j, 0] * data.features[i, j] }
            let t = tanh(r)
            gradient[0] += t
            for j in 0..<3 { gradient[1 + j] += t * data.features[i, j] }
        }
        #expect(gradient.allSatisfy { abs($0) / Double(data.rows) < 1e-8 })
        // And no closed form is claimed for it.
        #expect {
            try model.fitAndCompare(data, using: configuration)
        } throws: { error in
            "\(error)".contains("loss") && "\(error)".contains("quadraticScale")
        }
    }

    @Test func aProximalPenaltyDefinedOutsideTheLibraryGivesExactZeros() throws {
        let data = try Self.data()
        var configuration = GradientDescent(batchSize: .full, epochs: 300, averaging: .none, earlyStopping: nil)
        // Far above every |∂J/∂wⱼ| at W = 0 (standardized features, targets of spread about 2):
        // the minimizer has W = 0 and the intercept at the mean target.
        configuration.penalty = SoftThresholdL1(strength: 50)
        var model = LinearRegression()
        try model.fit(data, using: configuration)
        #expect(model.coefficients.elements.allSatisfy { $0 == 0 })
        let mean = data.targets.elements.reduce(0, +) / Double(data.rows)
        #expect(abs(model.intercept[0] - mean) < 1e-9)
        #expect {
            try model.fitAndCompare(data, using: configuration)
        } throws: { error in
            "\(error)".contains("penalty")
        }
        #expect(configuration.l2Penalty == 0)
    }

    @Test func theSweepRacesOnlyTheSquaredLoss() throws {
        var configuration = GradientDescent()
        configuration.loss = DoubledSquares()
        #expect(throws: ArgumentError.self) {
            try BatchSizeSweep.toGap(try Self.data(), batchSizes: [8], configuration: configuration, gap: 0.1, maxEpochs: 5)
        }
    }

    @Test func configurationsCompareTheirLossAndPenaltyByValue() {
        var a = GradientDescent(), b = GradientDescent()
        #expect(a == b)
        a.loss = DoubledSquares()
        #expect(a != b)
        b.loss = DoubledSquares()
        #expect(a == b)
        a.penalty = SoftThresholdL1(strength: 1)
        b.penalty = SoftThresholdL1(strength: 2)
        #expect(a != b)
        b.penalty = SoftThresholdL1(strength: 1)
        #expect(a == b)
        b.l2Penalty = 0
        #expect(a != b)
    }
}
