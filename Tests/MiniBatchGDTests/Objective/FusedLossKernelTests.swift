import CKernels
import Testing

@testable import MiniBatchGD

/// Huber's loss written outside the library: the same values as ``HuberLoss``, but a type the
/// fused kernel does not know, so it trains through the generic kernel (a call per residual).
struct OwnHuber: Loss {
    let delta: Double
    func value(_ r: Double) -> Double { abs(r) <= delta ? 0.5 * r * r : delta * (abs(r) - 0.5 * delta) }
    func derivative(_ r: Double) -> Double { Swift.min(Swift.max(r, -delta), delta) }
    var curvature: ClosedRange<Double> { 0...1 }
    var quadraticScale: Double? { nil }
}

/// The fused kernel of the losses other than squares (`fused_loss.h`): by hand on three rows,
/// against the generic path (BLAS residual, the loss type's `value`/`derivative` per residual, a
/// BLAS gradient) on random rows, and the same bits from every vector width.
@Suite struct FusedLossKernelTests {
    static let losses: [any Loss] = [
        HuberLoss(delta: 1), EpsilonInsensitiveLoss(epsilon: 0.5), SquaredEpsilonInsensitiveLoss(epsilon: 0.5),
        QuantileLoss(quantile: 0.25),
    ]

    /// One call of `width`'s kernel: Σωℓ(r), then g and g_c.
    static func fused<Element: BLASScalar>(
        _ loss: any Loss, width: VectorWidth, rows: Int, p: Int, x: [Element], ldx: Int, y: [Element], omega: [Double]?, w: [Double],
        c: Double, alpha: Double, g0: [Double]? = nil, gc0: Double = 0, readAhead: Int = 0
    ) -> (cost: Double, g: [Double], gc: Double) {
        var g = g0 ?? [Double](repeating: .nan, count: p), gc = g0 == nil ? .nan : gc0
        let cost = x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                width.fusedLoss(
                    FusedLoss(loss)!, rows: rows, p: p, x: x.baseAddress!, ldx: ldx, y: y.baseAddress!, ldy: 1, rowWeights: omega,
                    coefficients: w, intercept: c, alpha: alpha, accumulate: g0 != nil, weightGradient: &g, offsetGradient: &gc,
                    readAhead: readAhead)
            }
        }
        return (cost, g, gc)
    }

    /// Residuals 1.5, −3 and 0.25 (x = (2, 1), (0, 3), (1, 1); w = (1, −1); c = ½; y = 0, ½, ¼),
    /// row weights 1, 2, 4, worked by hand for each loss: Σωℓ, Σωℓ′·x, Σωℓ′.
    @Test func threeRowsWorkedByHand() {
        let x: [Double] = [2, 1, 0, 3, 1, 1], y: [Double] = [0, 0.5, 0.25], omega = [1.0, 2, 4], w = [1.0, -1]
        let expected: [(cost: Double, g: [Double], gc: Double)] = [
            // Huber δ = 1: ℓ = 1, 2.5, 1/32; ℓ′ = 1, −1, ¼.
            (6.125, [3, -4], 0),
            // ε-insensitive ε = ½: ℓ = 1, 2.5, 0; ℓ′ = 1, −1, 0.
            (6, [2, -5], -1),
            // squared ε-insensitive ε = ½: ℓ = ½, 3.125, 0; ℓ′ = 1, −2.5, 0.
            (6.75, [2, -14], -4),
            // quantile τ = ¼: ℓ = 1.125, 0.75, 0.1875; ℓ′ = ¾, −¼, ¾.
            (3.375, [4.5, 2.25], 3.25),
        ]
        for (loss, expected) in zip(Self.losses, expected) {
            for width in VectorWidth.tested where width.isSupported {
                let result = Self.fused(loss, width: width, rows: 3, p: 2, x: x, ldx: 2, y: y, omega: omega, w: w, c: 0.5, alpha: 1)
                #expect(result.cost == expected.cost && result.g == expected.g && result.gc == expected.gc, "\(loss) \(width)")
                // α scales the gradient, not the cost; accumulating adds to what is there.
                let half = Self.fused(
                    loss, width: width, rows: 3, p: 2, x: x, ldx: 2, y: y, omega: omega, w: w, c: 0.5, alpha: 0.5, g0: [10, 20], gc0: 30)
                #expect(half.cost == expected.cost, "\(loss) \(width)")
                #expect(half.g == [10 + expected.g[0] / 2, 20 + expected.g[1] / 2] && half.gc == 30 + expected.gc / 2, "\(loss) \(width)")
            }
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let features: Int, padding: Int, weighted: Bool
        var testDescription: String { "p \(features), ldx p+\(padding)\(weighted ? ", weighted" : "")" }
    }

    /// Feature counts on both sides of the eight-lane chunks, fewer than a chunk, padded rows, weights.
    static let cases: [Case] = [1, 3, 7, 8, 9, 16, 17, 32, 33, 70].flatMap { p in
        [Case(features: p, padding: 0, weighted: false), Case(features: p, padding: 3, weighted: true)]
    }

    /// Random rows of values exact in Float, so Double and Float rows hold the same numbers.
    struct Inputs {
        let rows: Int, p: Int, ldx: Int
        let x: [Double], y: [Double], omega: [Double]?, w: [Double]
        init(_ test: Case, rows: Int) {
            self.rows = rows
            p = test.features
            ldx = p + test.padding
            var random = RandomSource(seed: UInt64(p * 17 + test.padding))
            let stored = Swift.max(rows, 1)
            x = (0..<stored * ldx).map { _ in Double(Float(random.nextUniform() * 4 - 2)) }
            y = (0..<stored).map { _ in Double(Float(random.nextUniform() * 6 - 3)) }
            omega = test.weighted ? (0..<stored).map { _ in random.nextUniform() * 3 } : nil
            w = (0..<p).map { _ in random.nextUniform() - 0.5 }
        }
        var floats: (x: [Float], y: [Float]) { (x.map { Float($0) }, y.map { Float($0) }) }
    }

    /// The generic path of the trainer (BatchGradient's BLAS branch): r by `dgemv`, Σωℓ(r) and ωℓ′(r)
    /// from the loss type, the gradient by a second `dgemv`.
    static func generic(_ loss: any Loss, _ inputs: Inputs, c: Double, alpha: Double) -> (cost: Double, g: [Double], gc: Double) {
        var r = [Double](repeating: 0, count: inputs.rows), g = [Double](repeating: 0, count: inputs.p), gc = [0.0]
        LinearKernel.residual(
            rows: inputs.rows, p: inputs.p, k: 1, x: inputs.x, ldx: inputs.ldx, y: inputs.y, ldy: 1, coefficients: inputs.w, intercept: [c],
            into: &r)
        let cost = LinearKernel.applyAnyLoss(loss, rows: inputs.rows, k: 1, &r, rowWeights: inputs.omega)
        LinearKernel.gradient(
            rows: inputs.rows, p: inputs.p, k: 1, x: inputs.x, ldx: inputs.ldx, residual: r, alpha: alpha, beta: 0, weightGradient: &g,
            offsetGradient: &gc)
        return (cost, g, gc[0])
    }

    @Test(arguments: cases)
    func everyVariantMatchesTheGenericPath(_ test: Case) {
        let inputs = Inputs(test, rows: 301)
        for loss in Self.losses {
            let expected = Self.generic(loss, inputs, c: 0.25, alpha: 0.125)
            for width in VectorWidth.tested where width.isSupported {
                let result = Self.fused(
                    loss, width: width, rows: inputs.rows, p: inputs.p, x: inputs.x, ldx: inputs.ldx, y: inputs.y, omega: inputs.omega,
                    w: inputs.w, c: 0.25, alpha: 0.125)
                // The residuals differ by the order of a few additions; no residual of these rows
                // lies within that of a kink, so only rounding separates the sums.
                #expect(abs(result.cost - expected.cost) <= 1e-12 * abs(expected.cost), "\(loss) \(width)")
                #expect(relativeDifference(result.g + [result.gc], expected.g + [expected.gc]) <= 1e-12, "\(loss) \(width)")
            }
        }
    }

    /// Every width, Double or Float rows and any read-ahead give the portable variant's bits, on
    /// runs of 301 rows (blocks of four and a row alone), 3 (no whole block) and 0.
    @Test(arguments: cases)
    func everyWidthAndElementTypeGiveTheSameBits(_ test: Case) {
        for rows in [301, 3, 0] {
            let inputs = Inputs(test, rows: rows), floats = inputs.floats
            for loss in Self.losses {
                let expected = Self.fused(
                    loss, width: .portable, rows: rows, p: inputs.p, x: inputs.x, ldx: inputs.ldx, y: inputs.y, omega: inputs.omega,
                    w: inputs.w, c: 0.25, alpha: 0.125)
                for width in VectorWidth.tested where width.isSupported {
                    for readAhead in [0, 64, VectorWidth.streamingReadAhead] {
                        let double = Self.fused(
                            loss, width: width, rows: rows, p: inputs.p, x: inputs.x, ldx: inputs.ldx, y: inputs.y, omega: inputs.omega,
                            w: inputs.w, c: 0.25, alpha: 0.125, readAhead: readAhead)
                        let float = Self.fused(
                            loss, width: width, rows: rows, p: inputs.p, x: floats.x, ldx: inputs.ldx, y: floats.y, omega: inputs.omega,
                            w: inputs.w, c: 0.25, alpha: 0.125, readAhead: readAhead)
                        for result in [double, float] {
                            #expect(
                                result.cost.bitPattern == expected.cost.bitPattern
                                    && result.g.map(\.bitPattern) == expected.g.map(\.bitPattern)
                                    && result.gc.bitPattern == expected.gc.bitPattern, "\(loss) \(width) \(rows) rows, ahead \(readAhead)")
                        }
                    }
                }
            }
        }
    }

    /// ℓ and ℓ′ inside the kernel are the loss types' own bits: one row, x = 0 (so r = c − y
    /// exactly), at residuals on, inside and beyond each kink, and at −0.
    @Test func eachResidualGetsTheLossTypesBits() {
        let residuals: [Double] = [-0.0, 0, 1e-300, -0.3, 0.5, -0.5, 0.5000000000000001, 1, -1, 2.75, -1e9, 0.1 + 0.2]
        for loss in Self.losses {
            for r in residuals {
                let result = Self.fused(loss, width: .best, rows: 1, p: 1, x: [0.0], ldx: 1, y: [0.0], omega: nil, w: [0], c: r, alpha: 1)
                // Both sums start from +0 (so ℓ = −0, the quantile loss's at r = 0, counts as +0).
                #expect(result.cost.bitPattern == (0 + loss.value(r)).bitPattern, "\(loss) ℓ(\(r))")
                #expect(result.gc.bitPattern == (0 + loss.derivative(r)).bitPattern, "\(loss) ℓ′(\(r))")
            }
        }
        // The squared loss and a caller's own type have no fused loss kernel.
        #expect(FusedLoss(SquaredLoss()) == nil && FusedLoss(OwnHuber(delta: 1)) == nil)
    }

    /// A fit through the fused loss kernel (HuberLoss) and one through the generic kernel (the same
    /// loss as a caller's own type) take the same steps, to rounding: batches of 1, 32 and all rows,
    /// 9 features (a chunk and a tail), Double and Float rows.
    @Test func aHuberFitMatchesTheSameLossThroughTheGenericKernel() throws {
        let data = try Dataset<Double>.synthetic(rows: 500, features: 9, noise: 2, seed: 29)
        for size in [1, 32, .full] as [BatchSize] {
            var fused = GradientDescent(batchSize: size, epochs: 5, learningRate: 0.01, averaging: .none, earlyStopping: nil)
            fused.loss = HuberLoss(delta: 1)
            var generic = fused
            generic.loss = OwnHuber(delta: 1)
            var a = LinearRegression(), b = LinearRegression()
            let runA = try a.fit(data, using: fused)
            let runB = try b.fit(data, using: generic)
            #expect(relativeDifference(a.parameters!.stacked, b.parameters!.stacked) < 1e-10, "batch \(size)")
            #expect(abs(runA.history.epochCosts.last! / runB.history.epochCosts.last! - 1) < 1e-10, "batch \(size)")
        }
    }
}
