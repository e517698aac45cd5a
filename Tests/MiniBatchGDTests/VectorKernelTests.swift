import Testing

@testable import MiniBatchGD

/// Every vector variant of the fused kernel this CPU runs, on `Double` and `Float` rows, against
/// the BLAS path (a residual by `dgemv`, its gradient by a second `dgemv`) on the same values.
@Suite struct VectorKernelTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let features: Int, padding: Int, weighted: Bool, accumulate: Bool
        var testDescription: String {
            "p \(features), ldx p+\(padding)\(weighted ? ", weighted" : "")\(accumulate ? ", accumulating" : "")"
        }
    }

    /// Feature counts on both sides of every vector width's multiples (the tails), rows with
    /// room after them (a run of columns of a wider file), row weights, accumulation.
    static let cases: [Case] = [8, 9, 12, 15, 16, 17, 31, 32, 33, 64, 70].flatMap { p in
        [
            Case(features: p, padding: 0, weighted: false, accumulate: false),
            Case(features: p, padding: 3, weighted: true, accumulate: true),
        ]
    }

    /// The BLAS path's ½Σωr², α·Σωr·x and α·Σωr on rows widened to Double, starting from `g0`, `gc0`.
    static func reference(
        rows: Int, p: Int, x: [Double], ldx: Int, y: [Double], omega: [Double]?, w: [Double], c: Double, alpha: Double,
        g0: [Double], gc0: Double
    ) -> (half: Double, g: [Double], gc: Double) {
        var r = [Double](repeating: 0, count: rows), g = g0, gc = [gc0]
        LinearKernel.residual(rows: rows, p: p, k: 1, x: x, ldx: ldx, y: y, ldy: 2, weights: w, offset: [c], into: &r)
        let half: Double
        if let omega {
            half = LinearKernel.weightedHalfSquaredNorm(rows: rows, k: 1, r, weights: omega)
            LinearKernel.weightResiduals(rows: rows, k: 1, &r, weights: omega)
        } else {
            half = LinearKernel.halfSquaredNorm(rows, r)
        }
        LinearKernel.gradient(
            rows: rows, p: p, k: 1, x: x, ldx: ldx, residual: r, alpha: alpha, beta: 1, weightGradient: &g, offsetGradient: &gc)
        return (half, g, gc[0])
    }

    static func widened<Element: BinaryFloatingPoint>(_ values: [Element]) -> [Double] {
        var result = [Double]()
        for value in values { result.append(Double(value)) }
        return result
    }

    static func check<Element: FusedElement & BinaryFloatingPoint>(_ element: Element.Type, _ test: Case, width: VectorWidth) {
        let rows = 301, p = test.features, ldx = p + test.padding
        var random = RandomSource(seed: UInt64(p * 31 + test.padding))
        // Values exactly representable in Float, so both element types hold the same numbers.
        let x = (0..<rows * ldx).map { _ in Element(Float(random.nextUniform() * 4 - 2)) }
        let y = (0..<rows * 2).map { _ in Element(Float(random.nextUniform() * 10 - 5)) }
        let omega = test.weighted ? (0..<rows).map { _ in random.nextUniform() * 3 } : nil
        let w = (0..<p).map { _ in random.nextUniform() - 0.5 }, c = 0.75, alpha = 0.125
        let g0 = test.accumulate ? (0..<p).map { _ in random.nextUniform() } : [Double](repeating: 0, count: p)
        let gc0 = test.accumulate ? 2.5 : 0.0
        let expected = reference(
            rows: rows, p: p, x: widened(x), ldx: ldx, y: widened(y), omega: omega, w: w, c: c, alpha: alpha, g0: g0,
            gc0: gc0)
        // A gradient that must be overwritten when not accumulating.
        var g = test.accumulate ? g0 : [Double](repeating: .nan, count: p), gc = test.accumulate ? gc0 : .nan
        let half = x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                width.fusedSingleOutput(
                    rows: rows, p: p, x: x.baseAddress!, ldx: ldx, y: y.baseAddress!, ldy: 2, rowWeights: omega, weights: w, offset: c,
                    alpha: alpha, accumulate: test.accumulate, weightGradient: &g, offsetGradient: &gc)
            }
        }
        // Only the order of the additions differs (and fused multiply-adds): rounding of a few
        // hundred terms, far below the values' own size.
        #expect(abs(half - expected.half) <= 1e-12 * expected.half, "\(width) \(Element.self)")
        #expect(relativeDifference(g + [gc], expected.g + [expected.gc]) <= 1e-12, "\(width) \(Element.self)")
    }

    @Test(arguments: cases)
    func everyVariantMatchesTheBLASPathOnDoubleRows(_ test: Case) {
        for width in VectorWidth.allCases where width.isSupported { Self.check(Double.self, test, width: width) }
    }

    @Test(arguments: cases)
    func everyVariantMatchesTheBLASPathOnFloatRowsInDouble(_ test: Case) {
        for width in VectorWidth.allCases where width.isSupported { Self.check(Float.self, test, width: width) }
    }

    @Test func theBestVariantIsOneThisCPURuns() {
        #expect(VectorWidth.best.isSupported)
        #expect(VectorWidth.portable.isSupported)
        // The widest supported one: nothing wider than the best runs here.
        let order = VectorWidth.allCases
        #expect(order.drop(while: { $0 != VectorWidth.best }).dropFirst().allSatisfy { !$0.isSupported })
    }
}
