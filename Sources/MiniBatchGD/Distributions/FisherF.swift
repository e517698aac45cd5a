import Foundation

/// Snedecor's F distribution with d₁ and d₂ degrees of freedom, behind
/// ``LeastSquares/Statistics/fPValues``.
public struct FisherF: Sendable, Equatable {
    /// d₁, the numerator's degrees of freedom.
    public let numeratorDegreesOfFreedom: Double
    /// d₂, the denominator's degrees of freedom.
    public let denominatorDegreesOfFreedom: Double

    /// - Parameters:
    ///   - numerator: d₁ > 0.
    ///   - denominator: d₂ > 0.
    /// - Throws: ``ArgumentError`` for a degree of freedom ≤ 0, NaN or infinite.
    public init(numerator: Double, denominator: Double) throws {
        for (name, value) in [("numerator", numerator), ("denominator", denominator)] where !(value.isFinite && value > 0) {
            throw ArgumentError(argument: name, value: "\(value)", requirement: "must be positive and finite")
        }
        numeratorDegreesOfFreedom = numerator
        denominatorDegreesOfFreedom = denominator
    }

    /// P(F > f), accurate where it is small.
    public func survival(_ f: Double) -> Double { tails(f).upper }

    /// P(F ≤ f), accurate where it is small.
    public func cdf(_ f: Double) -> Double { tails(f).lower }

    /// (P(F ≤ f), P(F > f)) = (1 − I_x(d₂/2, d₁/2), I_x(d₂/2, d₁/2)) with x = d₂/(d₂ + d₁f),
    /// 1 − x = d₁f/(d₂ + d₁f) exactly.
    private func tails(_ f: Double) -> (lower: Double, upper: Double) {
        guard !f.isNaN else { return (.nan, .nan) }
        if f <= 0 { return (0, 1) }
        if f.isInfinite { return (1, 0) }
        let d1 = numeratorDegreesOfFreedom, d2 = denominatorDegreesOfFreedom
        let scaled = d1 * f
        let beta = SpecialFunctions.regularizedIncompleteBeta(d2 / 2, d1 / 2, x: d2 / (d2 + scaled), y: scaled / (d2 + scaled))
        return (beta.upper, beta.lower)
    }
}
