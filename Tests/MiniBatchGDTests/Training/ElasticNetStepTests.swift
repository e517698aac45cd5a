import Testing

@testable import MiniBatchGD

/// ElasticNetPenalty as a caller's own type: the same values, through the ``Penalty`` protocol
/// (the batch loop's generic penalty step).
struct ForwardedElasticNet: Penalty {
    let inner: ElasticNetPenalty
    func value(_ coefficients: UnsafeBufferPointer<Double>) -> Double { inner.value(coefficients) }
    func addGradient(of coefficients: UnsafePointer<Double>, count: Int, scale: Double, into gradient: UnsafeMutablePointer<Double>) {
        inner.addGradient(of: coefficients, count: count, scale: scale, into: gradient)
    }
    func proximalStep(_ coefficients: UnsafeMutablePointer<Double>, count: Int, step: Double) {
        inner.proximalStep(coefficients, count: count, step: step)
    }
    var isSmooth: Bool { false }
    var curvature: Double { inner.curvature }
    func inDescentCoordinates(scales: [Double]?, outputs k: Int) -> any Penalty {
        ForwardedElasticNet(inner: inner.inDescentCoordinates(scales: scales, outputs: k) as! ElasticNetPenalty)
    }
}

/// The batch loop's own step for L1 and the elastic net (``ElasticNetStep``) against the penalty's
/// protocol methods: by hand, and the same bits over whole fits.
@Suite struct ElasticNetStepTests {
    /// Thresholds 0.5·0.2·1 = 0.1 (no factors) and 0.1·dᵢ: values beyond, on and within them, and −0.
    @Test func theSoftThresholdByHand() {
        let step = ElasticNetStep(ElasticNetPenalty(alpha: 0.2, l1Ratio: 1), factors: nil)
        var theta: [Double] = [0.35, -0.35, 0.1, -0.1, 0.05, -0.0, 0]
        step.proximalStep(&theta, count: theta.count, step: 0.5)
        #expect(theta == [0.35 - 0.1, -0.35 + 0.1, 0, 0, 0, 0, 0])
        #expect(theta[2...].allSatisfy { $0.sign == .plus })
        let factors: [Double] = [2, 0.5, 4]
        var scaled: [Double] = [0.3, -0.3, 0.3]
        factors.withUnsafeBufferPointer {
            ElasticNetStep(ElasticNetPenalty(alpha: 0.2, l1Ratio: 1), factors: $0.baseAddress).proximalStep(&scaled, count: 3, step: 0.5)
        }
        #expect(scaled == [0.3 - 0.2, -0.3 + 0.05, 0])
        // The ridge part: g += scale·A·(1 − R)·dᵢ²·θᵢ = 2·0.2·0.5·(4, 0.25, 16)·θ.
        var g: [Double] = [1, 1, 1]
        factors.withUnsafeBufferPointer {
            ElasticNetStep(ElasticNetPenalty(alpha: 0.2, l1Ratio: 0.5), factors: $0.baseAddress).addGradient(
                of: [1, 2, 0.5], count: 3, scale: 2, into: &g)
        }
        #expect(g == [1 + 0.2 * 4, 1 + 0.2 * 0.25 * 2, 1 + 0.2 * 16 * 0.5])
    }

    /// Whole fits with the specialized step and through the protocol: the same bits, for L1 and
    /// the elastic net, standardized (factors 1/sⱼ) or not, at batch 1, 16 and the full batch.
    @Test func theSpecializedStepGivesTheProtocolsBits() throws {
        let data = try Dataset<Double>.synthetic(rows: 400, features: 9, noise: 0.5, seed: 29)
        var zeros = 0
        for ratio in [1.0, 0.3] {
            for standardize in [false, true] {
                for size in [1, 16, .full] as [BatchSize] {
                    var own = GradientDescent(
                        batchSize: size, epochs: 4, learningRate: .fixed(0.01), averaging: .none, standardize: standardize,
                        earlyStopping: nil)
                    own.penalty = ElasticNetPenalty(alpha: 0.4, l1Ratio: ratio)
                    var forwarded = own
                    forwarded.penalty = ForwardedElasticNet(inner: ElasticNetPenalty(alpha: 0.4, l1Ratio: ratio))
                    var a = LinearRegression(), b = LinearRegression()
                    try a.fit(data, using: own)
                    try b.fit(data, using: forwarded)
                    let what = "ratio \(ratio), standardize \(standardize), batch \(size)"
                    #expect(a.parameters!.stacked.map(\.bitPattern) == b.parameters!.stacked.map(\.bitPattern), "\(what)")
                    zeros += a.parameters!.coefficients.elements.count { $0 == 0 }
                }
            }
        }
        // The thresholds acted: exact zeros (few, from stochastic steps, as the README says).
        #expect(zeros > 0)
    }
}
