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
        LinearKernel.residual(rows: rows, p: p, k: 1, x: x, ldx: ldx, y: y, ldy: 2, coefficients: w, intercept: [c], into: &r)
        let half: Double
        if let omega {
            half = LinearKernel.weightedHalfSquaredNorm(rows: rows, k: 1, r, rowWeights: omega)
            LinearKernel.weightResiduals(rows: rows, k: 1, &r, rowWeights: omega)
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

    /// A case's rows, weights, parameters and starting gradient, as `Element` (values exactly
    /// representable in Float, so both element types hold the same numbers).
    struct Inputs<Element: BLASScalar> {
        let rows: Int, p: Int, ldx: Int, accumulate: Bool
        let x: [Element], y: [Element], omega: [Double]?, w: [Double], c = 0.75, alpha = 0.125, g0: [Double], gc0: Double

        init(_ test: Case, rows: Int = 301) {
            self.rows = rows
            p = test.features
            ldx = p + test.padding
            accumulate = test.accumulate
            var random = RandomSource(seed: UInt64(p * 31 + test.padding))
            // Storage for one row at least, so a run of no rows still has addresses to pass.
            let stored = Swift.max(rows, 1)
            x = (0..<stored * ldx).map { _ in Element(Float(random.nextUniform() * 4 - 2)) }
            y = (0..<stored * 2).map { _ in Element(Float(random.nextUniform() * 10 - 5)) }
            omega = test.weighted ? (0..<stored).map { _ in random.nextUniform() * 3 } : nil
            w = (0..<p).map { _ in random.nextUniform() - 0.5 }
            g0 = test.accumulate ? (0..<p).map { _ in random.nextUniform() } : [Double](repeating: 0, count: p)
            gc0 = test.accumulate ? 2.5 : 0.0
        }

        /// ½Σωr², then g and g_c, from one call of `width`'s fused kernel.
        func fused(_ width: VectorWidth, readAhead: Int = 0) -> (half: Double, g: [Double], gc: Double) {
            // A gradient that must be overwritten when not accumulating.
            var g = accumulate ? g0 : [Double](repeating: .nan, count: p), gc = accumulate ? gc0 : .nan
            let half = x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in
                    width.fusedSingleOutput(
                        rows: rows, p: p, x: x.baseAddress!, ldx: ldx, y: y.baseAddress!, ldy: 2, rowWeights: omega, coefficients: w,
                        intercept: c, alpha: alpha, accumulate: accumulate, weightGradient: &g, offsetGradient: &gc, readAhead: readAhead)
                }
            }
            return (half, g, gc)
        }
    }

    static func check<Element: BLASScalar>(_ element: Element.Type, _ test: Case, width: VectorWidth) {
        let inputs = Inputs<Element>(test)
        let expected = reference(
            rows: inputs.rows, p: inputs.p, x: widened(inputs.x), ldx: inputs.ldx, y: widened(inputs.y), omega: inputs.omega,
            w: inputs.w, c: inputs.c, alpha: inputs.alpha, g0: inputs.g0, gc0: inputs.gc0)
        let (half, g, gc) = inputs.fused(width)
        // Only the order of the additions differs (and fused multiply-adds): rounding of a few
        // hundred terms, far below the values' own size.
        #expect(abs(half - expected.half) <= 1e-12 * expected.half, "\(width) \(Element.self)")
        #expect(relativeDifference(g + [gc], expected.g + [expected.gc]) <= 1e-12, "\(width) \(Element.self)")
    }

    @Test(arguments: cases)
    func everyVariantMatchesTheBLASPathOnDoubleRows(_ test: Case) {
        for width in VectorWidth.tested where width.isSupported { Self.check(Double.self, test, width: width) }
    }

    @Test(arguments: cases)
    func everyVariantMatchesTheBLASPathOnFloatRowsInDouble(_ test: Case) {
        for width in VectorWidth.tested where width.isSupported { Self.check(Float.self, test, width: width) }
    }

    /// Asking for rows ahead (any distance, past the run's end included) changes the speed only,
    /// and Float rows take the same steps as Double rows of the same values: every result the same
    /// bits. Runs of 301 rows (blocks of four and a row alone), 3 (no whole block) and 0.
    @Test(arguments: cases)
    func readingAheadAndTheElementTypeChangeNoBits(_ test: Case) {
        for rows in [301, 3, 0] {
            let doubles = Inputs<Double>(test, rows: rows), floats = Inputs<Float>(test, rows: rows)
            for width in VectorWidth.tested where width.isSupported {
                let expected = doubles.fused(width)
                for readAhead in [0, 1, 64, VectorWidth.streamingReadAhead, 1 << 20] {
                    for result in [doubles.fused(width, readAhead: readAhead), floats.fused(width, readAhead: readAhead)] {
                        #expect(
                            result.half.bitPattern == expected.half.bitPattern && result.g.map(\.bitPattern) == expected.g.map(\.bitPattern)
                                && result.gc.bitPattern == expected.gc.bitPattern, "\(width) \(rows) rows, ahead \(readAhead)")
                    }
                }
            }
        }
    }

    @Test func rowsAreReadAheadOnlyWhenAnEpochCannotStayInCache() {
        let cache = 32 << 20
        #expect(VectorWidth.readAhead(passingOver: 1_000_000 * 32 * 4, cacheBytes: cache) == VectorWidth.streamingReadAhead)
        #expect(VectorWidth.readAhead(passingOver: cache / 2 + 1, cacheBytes: cache) == VectorWidth.streamingReadAhead)
        #expect(VectorWidth.readAhead(passingOver: cache / 2, cacheBytes: cache) == 0)
        #expect(VectorWidth.readAhead(passingOver: 100_000 * 8, cacheBytes: cache) == 0)
        // An unknown cache is taken as 32 MiB.
        #expect(VectorWidth.readAhead(passingOver: 17 << 20, cacheBytes: nil) == VectorWidth.streamingReadAhead)
        #expect(VectorWidth.readAhead(passingOver: 16 << 20, cacheBytes: nil) == 0)
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
        for width in VectorWidth.tested where width.isSupported {
            var high = [Double](repeating: 0, count: p + 1), low = high
            width.dot2Gradient(
                rows: rows, p: p, x: x, ldx: ldx, y: y, ldy: 1, rowWeights: omega, coefficients: w, intercept: c, high: &high, low: &low)
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
        for width in VectorWidth.tested where width.isSupported {
            var high = [Double](repeating: 0, count: p + 1), low = high
            width.dot2Gradient(
                rows: rows, p: p, x: x, ldx: ldx, y: y, ldy: 1, rowWeights: omega, coefficients: w, intercept: c, high: &high, low: &low)
            #expect(high == expected.high && low == expected.low, "\(width)")
        }
    }

    @Test func theBestVariantIsOneThisCPURuns() {
        #expect(VectorWidth.best.isSupported)
        #expect(VectorWidth.portable.isSupported)
        #expect(VectorWidth.portableEightLanes.isSupported && VectorWidth.portableEightLanes != VectorWidth.best)
        // The widest supported one: nothing wider than the best runs here.
        let order = VectorWidth.instructionSets
        #expect(order.drop(while: { $0 != VectorWidth.best }).dropFirst().allSatisfy { !$0.isSupported })
    }
}
