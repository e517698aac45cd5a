import Foundation

/// The special functions behind the Student t and F distributions.
public enum SpecialFunctions {
    /// The regularized incomplete beta function I_x(a, b) and its complement 1 − I_x(a, b), each
    /// accurate to about 1e-13 relative where it is small (tails down to the smallest normal
    /// Double) when a and b are at least ½, as in the t and F distributions (for a smaller shape,
    /// the larger of the two is accurate to 1e-13 relative and the smaller to 1e-15 absolute).
    /// From the continued fraction (Lentz's method, in extended precision where the platform has
    /// `Float80`) on the side of the mean where it converges, and ``logBeta(_:_:)`` for the
    /// prefactor.
    ///
    /// Pass `y` = 1 − x when you know it more accurately than `1 - x` (a tail probability near 1
    /// loses its digits in the subtraction); it defaults to `1 - x`.
    /// - Parameters:
    ///   - a: the first shape, positive and finite.
    ///   - b: the second shape, positive and finite.
    ///   - x: in [0, 1].
    ///   - y: 1 − x.
    /// - Returns: `(lower: I_x(a, b), upper: 1 − I_x(a, b))`; NaN for arguments outside the domain.
    /// - Complexity: O(√max(a, b)) iterations of the continued fraction at worst.
    public static func regularizedIncompleteBeta(_ a: Double, _ b: Double, x: Double, y: Double? = nil) -> (lower: Double, upper: Double) {
        let y = y ?? 1 - x
        guard a > 0, b > 0, a.isFinite, b.isFinite, x >= 0, y >= 0, x <= 1, y <= 1 else { return (.nan, .nan) }
        if x == 0 { return (0, 1) }
        if y == 0 { return (1, 0) }
        // The continued fraction converges fast for x below the mean (a + 1)/(a + b + 2); above
        // it, I_x(a, b) = 1 − I_y(b, a).
        if x > (a + 1) / (a + b + 2) {
            let swapped = regularizedIncompleteBeta(b, a, x: y, y: x)
            return (swapped.upper, swapped.lower)
        }
        let logX = x < 0.5 ? log(x) : log1p(-y)
        let logY = y < 0.5 ? log(y) : log1p(-x)
        let front = exp(a * logX + b * logY - logBeta(a, b)) / a
        let lower = front * continuedFraction(a, b, x: x)
        return (lower, 1 - lower)
    }

    /// log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b), without the cancellation of the three
    /// large log-gammas when a or b is large (Stirling's series for their corrections).
    /// - Parameters:
    ///   - a: positive and finite.
    ///   - b: positive and finite.
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        let p = min(a, b), q = max(a, b)
        let halfLogTwoPi = 0.918_938_533_204_672_741_78
        if p >= 10 {
            let correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q)
            return -0.5 * log(q) + halfLogTwoPi + correction + (p - 0.5) * log(p / (p + q)) + q * log1p(-p / (p + q))
        }
        if q >= 10 {
            let correction = stirlingCorrection(q) - stirlingCorrection(p + q)
            return lgamma(p) + correction + p - p * log(p + q) + (q - 0.5) * log1p(-p / (p + q))
        }
        return lgamma(p) + lgamma(q) - lgamma(p + q)
    }

    /// log Γ(x) − ((x − ½)·log x − x + ½·log 2π) for x ≥ 10: Stirling's series, to full
    /// precision there.
    static func stirlingCorrection(_ x: Double) -> Double {
        let inverse = 1 / x, square = inverse * inverse
        // Bernoulli-number coefficients B₂ₖ / (2k(2k − 1)).
        let series: [Double] = [1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360_360, 1.0 / 156]
        var sum = 0.0
        for coefficient in series.reversed() { sum = sum * square + coefficient }
        return sum * inverse
    }

    /// The continued fraction of I_x(a, b) (Numerical Recipes' betacf), by the modified Lentz
    /// method. Near the mean with large shapes it takes thousands of steps, whose rounding errors
    /// add up to 1e-11 in Double; extended precision keeps them below 1e-14.
    private static func continuedFraction(_ a: Double, _ b: Double, x: Double) -> Double {
        #if arch(x86_64) && !os(Windows)
            Double(continuedFraction(Float80(a), Float80(b), x: Float80(x)))
        #else
            continuedFraction(a, b, x: x)
        #endif
    }

    private static func continuedFraction<Real: BinaryFloatingPoint>(_ a: Real, _ b: Real, x: Real) -> Real {
        let tiny: Real = 1e-300, tolerance = 4 * Real.ulpOfOne
        let sum = a + b, plus = a + 1, minus = a - 1
        var c: Real = 1, d = 1 - sum * x / plus
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...1_000_000 {
            let m = Real(m), twice = 2 * m
            var step = m * (b - m) * x / ((minus + twice) * (a + twice))
            d = 1 + step * d
            if abs(d) < tiny { d = tiny }
            c = 1 + step / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            step = -(a + m) * (sum + m) * x / ((a + twice) * (plus + twice))
            d = 1 + step * d
            if abs(d) < tiny { d = tiny }
            c = 1 + step / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let change = d * c
            h *= change
            if abs(change - 1) <= tolerance { break }
        }
        return h
    }
}
