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

    static func check<Element: BLASScalar>(_ element: Element.Type, _ test: Case, width: VectorWidth) {
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

    /// Dot2 written out in Swift (TwoSum, products split by `addingProduct`), the double-double
    /// sums of one row pass: the reference for the C variants.
    static func dot2Reference(
        rows: Int, p: Int, x: [Double], ldx: Int, y: [Double], omega: [Double]?, w: [Double], c: Double
    ) -> (high: [Double], low: [Double]) {
        func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
            let s = a + b, v = s - a
            return (s, (a - (s - v)) + (b - v))
        }
        var high = [Double](repeating: 0, count: p + 1), low = high
        for i in 0..<rows {
            let weight = omega?[i] ?? 1
            if weight == 0 { continue }
            var (sum, error) = twoSum(y[i], -c)
            for j in 0..<p {
                let product = -x[i * ldx + j] * w[j]
                let (t, e) = twoSum(sum, product)
                sum = t
                error += e + (-product).addingProduct(-x[i * ldx + j], w[j])
            }
            var rh = sum + error, rl = error - (rh - sum)
            if weight != 1 {
                let product = rh * weight
                rl = (-product).addingProduct(rh, weight) + rl * weight
                rh = product
            }
            let (t0, e0) = twoSum(high[0], rh)
            high[0] = t0
            low[0] += e0 + rl
            for j in 0..<p {
                let product = x[i * ldx + j] * rh
                let (t, e) = twoSum(high[1 + j], product)
                high[1 + j] = t
                low[1 + j] += e + ((-product).addingProduct(x[i * ldx + j], rh) + x[i * ldx + j] * rl)
            }
        }
        return (high, low)
    }

    @Test(arguments: [(1, false), (7, true), (32, false), (33, true)])
    func everyVariantOfTheDoubleDoublePassGivesTheSameBitsAsDot2InSwift(features p: Int, weighted: Bool) {
        let rows = 257, ldx = p + 2
        var random = RandomSource(seed: UInt64(p))
        // Residuals that cancel to many digits: targets on the model plus a little noise.
        let w = (0..<p).map { _ in random.nextGaussian() }, c = 0.3
        let x = (0..<rows * ldx).map { _ in random.nextGaussian() * 1e3 }
        let y = (0..<rows).map { i in c + (0..<p).reduce(0) { $0 + x[i * ldx + $1] * w[$1] } + 1e-9 * random.nextGaussian() }
        let omega = weighted ? (0..<rows).map { i in i % 5 == 0 ? 0 : random.nextUniform() * 2 } : nil
        let expected = Self.dot2Reference(rows: rows, p: p, x: x, ldx: ldx, y: y, omega: omega, w: w, c: c)
        for width in VectorWidth.allCases where width.isSupported {
            var high = [Double](repeating: 0, count: p + 1), low = high
            width.dot2Gradient(
                rows: rows, p: p, x: x, ldx: ldx, y: y, ldy: 1, rowWeights: omega, weights: w, intercept: c, high: &high, low: &low)
            #expect(high == expected.high && low == expected.low, "\(width)")
        }
    }

    @Test(arguments: [(8, false), (33, true)])
    func theDoubleDoublePassOnFloatRowsGivesTheBitsOfDot2OnTheWidenedValues(features p: Int, weighted: Bool) {
        let rows = 129, ldx = p + 1
        var random = RandomSource(seed: UInt64(p + 100))
        let w = (0..<p).map { _ in random.nextGaussian() }, c = -0.7
        let x = (0..<rows * ldx).map { _ in Float(random.nextGaussian() * 100) }
        let y = (0..<rows).map { i in Float(c + (0..<p).reduce(0) { $0 + Double(x[i * ldx + $1]) * w[$1] }) }
        let omega = weighted ? (0..<rows).map { _ in random.nextUniform() * 2 } : nil
        let expected = Self.dot2Reference(rows: rows, p: p, x: Self.widened(x), ldx: ldx, y: Self.widened(y), omega: omega, w: w, c: c)
        for width in VectorWidth.allCases where width.isSupported {
            var high = [Double](repeating: 0, count: p + 1), low = high
            width.dot2Gradient(
                rows: rows, p: p, x: x, ldx: ldx, y: y, ldy: 1, rowWeights: omega, weights: w, intercept: c, high: &high, low: &low)
            #expect(high == expected.high && low == expected.low, "\(width)")
        }
    }

    @Test func theBestVariantIsOneThisCPURuns() {
        #expect(VectorWidth.best.isSupported)
        #expect(VectorWidth.portable.isSupported)
        // The widest supported one: nothing wider than the best runs here.
        let order = VectorWidth.allCases
        #expect(order.drop(while: { $0 != VectorWidth.best }).dropFirst().allSatisfy { !$0.isSupported })
    }
}
