import Foundation

/// Student's t distribution with ν degrees of freedom: the distribution of an estimate divided by
/// its standard error under the usual assumptions, behind ``CoefficientTable/pValues`` and the
/// confidence intervals.
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
