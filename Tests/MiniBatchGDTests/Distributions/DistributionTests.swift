import Foundation
import Testing

@testable import MiniBatchGD

/// The incomplete beta function and the t, F and normal distributions against 50-digit mpmath
/// values (Tests/Fixtures/distributions/, made by Scripts/make_distribution_fixtures.py with a
/// power series, not the continued fraction under test), to 1e-12 relative down to 1e-300.
@Suite struct DistributionTests {
    struct Reference: Decodable {
        struct Beta: Decodable { var a, b, x, lower, upper: Double }
        struct Tail: Decodable { var nu, t, twoSided: Double }
        struct TQuantile: Decodable { var nu, p, t: Double }
        struct FTail: Decodable { var d1, d2, f, survival: Double }
        struct ZQuantile: Decodable { var p, z: Double }
        var incompleteBeta: [Beta]
        var studentTTwoSided: [Tail]
        var studentTQuantile: [TQuantile]
        var fSurvival: [FTail]
        var normalQuantile: [ZQuantile]
    }

    static let reference: Reference? = try? JSONDecoder().decode(
        Reference.self, from: Data(contentsOf: URL(fileURLWithPath: fixtures + "/distributions/reference.json")))

    private func relativeError(_ value: Double, _ expected: Double) -> Double {
        expected == 0 ? abs(value) : abs(value - expected) / abs(expected)
    }

    @Test func incompleteBetaAndItsComplement() throws {
        let cases = try #require(Self.reference).incompleteBeta
        for c in cases {
            let (lower, upper) = SpecialFunctions.regularizedIncompleteBeta(c.a, c.b, x: c.x)
            // Both relative for shapes of at least ½; below, the smaller of the two to 1e-15 absolute.
            let bothRelative = min(c.a, c.b) >= 0.5
            if bothRelative || c.lower >= c.upper {
                #expect(relativeError(lower, c.lower) <= 1e-12, "I_\(c.x)(\(c.a), \(c.b)) = \(lower), expected \(c.lower)")
            } else {
                #expect(abs(lower - c.lower) <= 1e-15)
            }
            if bothRelative || c.upper >= c.lower {
                #expect(relativeError(upper, c.upper) <= 1e-12, "1 − I_\(c.x)(\(c.a), \(c.b)) = \(upper), expected \(c.upper)")
            } else {
                #expect(abs(upper - c.upper) <= 1e-15)
            }
        }
    }

    @Test func studentTwoSidedPValuesIntoTheFarTail() throws {
        let cases = try #require(Self.reference).studentTTwoSided
        #expect(cases.contains { $0.twoSided < 1e-290 })
        for c in cases {
            let p = try StudentT(degreesOfFreedom: c.nu).twoSidedPValue(c.t)
            #expect(relativeError(p, c.twoSided) <= 1e-12, "ν = \(c.nu), t = \(c.t): \(p), expected \(c.twoSided)")
            #expect(relativeError(try StudentT(degreesOfFreedom: c.nu).twoSidedPValue(-c.t), c.twoSided) <= 1e-12)
        }
    }

    @Test func studentQuantilesInvertTheDistribution() throws {
        for c in try #require(Self.reference).studentTQuantile {
            let t = try StudentT(degreesOfFreedom: c.nu).quantile(c.p)
            #expect(relativeError(t, c.t) <= 1e-12, "ν = \(c.nu), p = \(c.p): \(t), expected \(c.t)")
        }
    }

    @Test func fSurvivalIntoTheFarTail() throws {
        for c in try #require(Self.reference).fSurvival {
            let distribution = try FisherF(numerator: c.d1, denominator: c.d2)
            #expect(relativeError(distribution.survival(c.f), c.survival) <= 1e-12, "F(\(c.d1), \(c.d2)) > \(c.f)")
            #expect(abs(distribution.cdf(c.f) - (1 - c.survival)) <= 1e-13)
        }
    }

    @Test func normalQuantiles() throws {
        for c in try #require(Self.reference).normalQuantile {
            let z = StandardNormal().quantile(c.p)
            #expect(relativeError(z, c.z) <= 1e-12, "p = \(c.p): \(z), expected \(c.z)")
        }
    }

    @Test func closedFormsAndEdges() throws {
        // ν = 1 is the Cauchy distribution: P(|T| > t) = 1 − (2/π)·atan(t); ν = 2: 1 − t/√(2 + t²).
        let cauchy = try StudentT(degreesOfFreedom: 1), two = try StudentT(degreesOfFreedom: 2)
        for t in [0.1, 1, 3.5, 20] {
            #expect(relativeError(cauchy.twoSidedPValue(t), 1 - 2 / Double.pi * atan(t)) <= 1e-13)
            #expect(relativeError(two.twoSidedPValue(t), 1 - t / (2 + t * t).squareRoot()) <= 1e-13)
        }
        #expect(cauchy.twoSidedPValue(0) == 1 && cauchy.twoSidedPValue(.infinity) == 0 && cauchy.twoSidedPValue(.nan).isNaN)
        #expect(cauchy.quantile(0) == -.infinity && cauchy.quantile(1) == .infinity && cauchy.quantile(0.5) == 0)
        #expect(cauchy.quantile(2).isNaN)
        #expect(throws: ArgumentError.self) { try StudentT(degreesOfFreedom: 0) }
        #expect(throws: ArgumentError.self) { try FisherF(numerator: 1, denominator: .infinity) }
        // logBeta for large arguments against log-gamma sums in Float80 (exact enough at these sizes).
        for (a, b) in [(1e6, 0.5), (3e5, 2e5), (12.5, 1e7)] {
            let wide = Float80(lgammal(Float80(a))) + Float80(lgammal(Float80(b))) - Float80(lgammal(Float80(a + b)))
            #expect(abs(SpecialFunctions.logBeta(a, b) - Double(wide)) <= 1e-12 * abs(Double(wide)), "B(\(a), \(b))")
        }
    }
}
