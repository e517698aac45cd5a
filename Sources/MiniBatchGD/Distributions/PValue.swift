/// A p-value that knows when it is only a bound.
///
/// A p-value below the smallest normal `Double`, 2.2250738585072014e-308, cannot be computed:
/// the tail probability underflows to a subnormal number with few correct digits, or to 0. Such
/// a p-value is reported as the bound it is, `< 2.2e-308` (R prints `< 2e-16` for the same
/// reason at its own cut-off), never as `0.0`: a t statistic of 60 on 1000 degrees of freedom
/// has p = 1.2·10⁻³³³, not 0.
///
/// ```swift
/// let p = PValue(0)
/// print(p)                 // < 2.2e-308
/// print(p.isUpperBound)    // true
/// print(PValue(0.0123))    // 0.0123
/// ```
///
/// ``value`` is the number as computed, for arithmetic and for comparison with statsmodels,
/// whose `pvalues` hold 0.0 in the same places; ordering and equality follow it.
public struct PValue: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The p-value as computed: a subnormal number or 0 where ``isUpperBound``; NaN where the
    /// test statistic is undefined (a standard error of 0).
    public let value: Double

    /// The smallest p-value reported as a number, the smallest normal `Double`
    /// (2.2250738585072014e-308); anything below it is reported as `< 2.2e-308`.
    public static let smallestReported = Double.leastNormalMagnitude

    /// Wraps a computed p-value.
    public init(_ value: Double) {
        self.value = value
    }

    /// True when the p-value underflowed (below ``smallestReported``): the true value is
    /// smaller than that, and only that is known. False for NaN.
    public var isUpperBound: Bool { value < Self.smallestReported }

    /// The number (its shortest exact decimal, `0.0123`), `< 2.2e-308` for a bound, `n/a` for NaN.
    public var description: String {
        value.isNaN ? "n/a" : isUpperBound ? "< 2.2e-308" : "\(value)"
    }

    /// Orders by ``value``.
    public static func < (left: PValue, right: PValue) -> Bool { left.value < right.value }
}
