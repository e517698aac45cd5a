import Foundation

/// Student's t distribution with ν degrees of freedom: the distribution of an estimate divided by
/// its standard error under the usual assumptions, behind ``LeastSquares/Statistics/pValues``
/// and the confidence intervals.
public struct StudentT: Sendable, Equatable {
    /// ν > 0.
    public let degreesOfFreedom: Double

    /// - Parameter degreesOfFreedom: ν, positive (it need not be an integer).
    /// - Throws: ``ArgumentError`` for ν ≤ 0, NaN or infinite.
    public init(degreesOfFreedom: Double) throws {
        guard degreesOfFreedom.isFinite, degreesOfFreedom > 0 else {
            throw ArgumentError(argument: "degreesOfFreedom", value: "\(degreesOfFreedom)", requirement: "must be positive and finite")
        }
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// P(T > t), accurate where it is small (far right tail).
    public func survival(_ t: Double) -> Double {
        guard !t.isNaN else { return .nan }
        let tail = 0.5 * twoSidedTail(abs(t))
        return t >= 0 ? tail : 1 - tail
    }

    /// P(T ≤ t), accurate where it is small (far left tail).
    public func cdf(_ t: Double) -> Double { survival(-t) }

    /// P(|T| > |t|): the two-sided p-value of a t statistic.
    public func twoSidedPValue(_ t: Double) -> Double {
        t.isNaN ? .nan : twoSidedTail(abs(t))
    }

    /// The density at t.
    public func density(_ t: Double) -> Double {
        let nu = degreesOfFreedom
        return exp(-0.5 * log(nu) - SpecialFunctions.logBeta(nu / 2, 0.5) - (nu + 1) / 2 * log1p(t * t / nu))
    }

    /// The t with P(T ≤ t) = probability.
    /// - Parameter probability: in (0, 1); 0 and 1 give ∓∞, anything else NaN.
    public func quantile(_ probability: Double) -> Double {
        Quantile.symmetric(probability, central: centralProbability, survival: survival, density: density)
    }

    /// P(0 < T < t) for t ≥ 0 = ½·I_y(½, ν/2) with y = t²/(ν + t²): accurate near t = 0, where
    /// ½ − P(T > t) would lose the digits.
    private func centralProbability(_ t: Double) -> Double {
        let nu = degreesOfFreedom, square = t * t
        return 0.5 * SpecialFunctions.regularizedIncompleteBeta(nu / 2, 0.5, x: nu / (nu + square), y: square / (nu + square)).upper
    }

    /// P(|T| > t) for t ≥ 0 = I_x(ν/2, ½) with x = ν/(ν + t²), 1 − x = t²/(ν + t²) exactly.
    private func twoSidedTail(_ t: Double) -> Double {
        if t.isInfinite { return 0 }
        let nu = degreesOfFreedom, square = t * t
        let x = nu / (nu + square), y = square / (nu + square)
        return SpecialFunctions.regularizedIncompleteBeta(nu / 2, 0.5, x: x, y: y).lower
    }
}

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

    /// P(F > f), accurate where it is small: I_x(d₂/2, d₁/2) with x = d₂/(d₂ + d₁f).
    public func survival(_ f: Double) -> Double {
        guard !f.isNaN else { return .nan }
        if f <= 0 { return 1 }
        if f.isInfinite { return 0 }
        let d1 = numeratorDegreesOfFreedom, d2 = denominatorDegreesOfFreedom
        let scaled = d1 * f
        return SpecialFunctions.regularizedIncompleteBeta(d2 / 2, d1 / 2, x: d2 / (d2 + scaled), y: scaled / (d2 + scaled)).lower
    }

    /// P(F ≤ f).
    public func cdf(_ f: Double) -> Double {
        guard !f.isNaN else { return .nan }
        if f <= 0 { return 0 }
        if f.isInfinite { return 1 }
        let d1 = numeratorDegreesOfFreedom, d2 = denominatorDegreesOfFreedom
        let scaled = d1 * f
        return SpecialFunctions.regularizedIncompleteBeta(d2 / 2, d1 / 2, x: d2 / (d2 + scaled), y: scaled / (d2 + scaled)).upper
    }
}

/// The standard normal distribution, for the tests of robust (HC) covariances, which statsmodels
/// bases on it.
public struct StandardNormal: Sendable, Equatable {
    /// The standard normal distribution.
    public init() {}

    /// P(Z > z), accurate where it is small (`erfc`).
    public func survival(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }

    /// P(Z ≤ z).
    public func cdf(_ z: Double) -> Double { survival(-z) }

    /// P(|Z| > |z|).
    public func twoSidedPValue(_ z: Double) -> Double { erfc(abs(z) / 2.0.squareRoot()) }

    /// The density at z.
    public func density(_ z: Double) -> Double { exp(-0.5 * z * z) / (2 * Double.pi).squareRoot() }

    /// The z with P(Z ≤ z) = probability; ∓∞ at 0 and 1, NaN outside [0, 1].
    public func quantile(_ probability: Double) -> Double {
        Quantile.symmetric(probability, central: { 0.5 * erf($0 / 2.0.squareRoot()) }, survival: survival, density: density)
    }
}

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
