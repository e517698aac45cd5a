import Foundation
import Testing

@testable import MiniBatchGD

/// The ridge path's fused terms kernel against the same steps in Swift (one multiply-add chain
/// per leverage and fitted value in j order, then the terms' correctly rounded operations), bit
/// for bit on every variant this CPU runs, with strength counts that exercise the four-vector,
/// one-vector and scalar parts, and a row of weight 0; and +∞ for a row that is its own fit.
@Suite struct RidgeTermsKernelTests {
    @Test(arguments: [1, 7, 8, 33, 100])
    func everyVariantGivesTheStepsBits(strengths m: Int) throws {
        var random = RandomSource(seed: UInt64(m))
        let rows = 9, r = 5
        let q = (0..<rows * r).map { _ in random.nextGaussian() }
        let t = (0..<rows).map { _ in 3 * random.nextGaussian() }
        var w = (0..<rows).map { _ in 0.5 + random.nextUniform() }
        w[2] = 0
        let d = (0..<r * m).map { _ in 0.01 + random.nextUniform() }
        let b = (0..<r * m).map { _ in random.nextGaussian() }
        let c = 0.01
        var expectedLoo = [Double](repeating: 0, count: rows * m), expectedSquares = expectedLoo
        var expectedLooSums = [Double](repeating: 0.5, count: m), expectedResidualSums = [Double](repeating: -0.25, count: m)
        var positive = 0
        for i in 0..<rows where w[i] > 0 {
            positive += 1
            for a in 0..<m {
                var h = 0.0, f = 0.0
                for j in 0..<r {
                    let qj = q[i * r + j], square = qj * qj
                    h = h.addingProduct(square, d[j * m + a])
                    f = f.addingProduct(qj, b[j * m + a])
                }
                let denominator = 1 - w[i] * (h + c), residual = t[i] - f, value = (w[i] * residual) * residual
                let term = value * (denominator > 0 ? 1 / (denominator * denominator) : .infinity)
                expectedLoo[i * m + a] = term
                expectedSquares[i * m + a] = value
                expectedLooSums[a] += term
                expectedResidualSums[a] += value
            }
        }
        for variant in VectorWidth.tested where variant.isSupported {
            var loo = [Double](repeating: .nan, count: rows * m), squares = loo
            var looSums = [Double](repeating: 0.5, count: m), residualSums = [Double](repeating: -0.25, count: m)
            let counted = variant.ridgeTerms(
                rows: rows, r: r, m: m, projections: q, targets: t, weights: w, inverse: d, scaled: b, interceptLeverage: c,
                leaveOneOut: &loo, squares: &squares, leaveOneOutSums: &looSums, residualSums: &residualSums)
            #expect(counted == positive, "\(variant)")
            #expect(loo.map(\.bitPattern) == expectedLoo.map(\.bitPattern), "\(variant), \(m) strengths")
            #expect(squares.map(\.bitPattern) == expectedSquares.map(\.bitPattern), "\(variant)")
            #expect(looSums.map(\.bitPattern) == expectedLooSums.map(\.bitPattern), "\(variant)")
            #expect(residualSums.map(\.bitPattern) == expectedResidualSums.map(\.bitPattern), "\(variant)")
        }
    }

    /// A row whose leverage reaches 1/w (1 − w·(h + c) ≤ 0) gets +∞ on every variant.
    @Test func aRowThatIsItsOwnFitIsInfinite() {
        let m = 11, r = 1
        let q = [1.0], t = [2.0], w = [1.0]
        let d = [Double](repeating: 1, count: m), b = [Double](repeating: 0.5, count: m)
        for variant in VectorWidth.tested where variant.isSupported {
            var loo = [Double](repeating: 0, count: m), squares = loo, looSums = loo, residualSums = loo
            _ = variant.ridgeTerms(
                rows: 1, r: r, m: m, projections: q, targets: t, weights: w, inverse: d, scaled: b, interceptLeverage: 0,
                leaveOneOut: &loo, squares: &squares, leaveOneOutSums: &looSums, residualSums: &residualSums)
            #expect(loo.allSatisfy { $0 == .infinity }, "\(variant)")
            #expect(squares.allSatisfy { $0 == 2.25 }, "\(variant)")
        }
    }
}
