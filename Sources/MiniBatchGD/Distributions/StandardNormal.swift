import Foundation

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
