import Foundation

/// Inversion of a symmetric distribution's tail or central mass on [0, ∞) by Newton's method,
/// kept inside a bracket (bisection when a step leaves it). The tail is inverted on its logarithm
/// (far tails); the central mass P(0 < X < x) near the median, where p − ½ is exact and ½ − S(x)
/// would not be.
enum Quantile {
    /// The x with P(X ≤ x) = probability for a distribution symmetric about 0: the central mass
    /// inverted near the median, the tail elsewhere; ∓∞ at 0 and 1, NaN outside [0, 1].
    static func symmetric(
        _ probability: Double, central: (Double) -> Double, survival: (Double) -> Double, density: (Double) -> Double
    ) -> Double {
        guard probability > 0, probability < 1 else {
            return probability == 0 ? -.infinity : probability == 1 ? .infinity : .nan
        }
        if probability == 0.5 { return 0 }
        let tail = min(probability, 1 - probability)
        let x =
            tail > 0.25
            ? invertCentral(abs(probability - 0.5), central: central, density: density)
            : invertSurvival(tail, survival: survival, density: density)
        return probability < 0.5 ? -x : x
    }

    static func invertCentral(_ mass: Double, central: (Double) -> Double, density: (Double) -> Double) -> Double {
        var low = 0.0, high = 1.0
        while central(high) < mass {
            low = high
            high *= 2
        }
        var x = min(max(mass / density(0), low), high)
        for _ in 0..<200 {
            let value = central(x)
            if value < mass { low = x } else { high = x }
            var next = x - (value - mass) / density(x)
            if !(next > low && next < high) || !next.isFinite { next = (low + high) / 2 }
            if abs(next - x) <= 2 * Double.ulpOfOne * abs(next) || high - low <= 2 * Double.ulpOfOne * high { return next }
            x = next
        }
        return x
    }

    static func invertSurvival(_ tail: Double, survival: (Double) -> Double, density: (Double) -> Double) -> Double {
        var low = 0.0, high = 1.0
        while survival(high) > tail {
            low = high
            high *= 2
            if high > 1e300 { return .infinity }
        }
        let target = log(tail)
        var x = (low + high) / 2
        for _ in 0..<200 {
            let s = survival(x)
            if s > tail { low = x } else { high = x }
            // d log S / dx = −f/S.
            let slope = -density(x) / s
            var next = x - (log(s) - target) / slope
            if !(next > low && next < high) || !next.isFinite { next = (low + high) / 2 }
            if abs(next - x) <= 2 * Double.ulpOfOne * abs(next) || high - low <= 2 * Double.ulpOfOne * high { return next }
            x = next
        }
        return x
    }
}
