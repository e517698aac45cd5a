import Foundation

extension RidgePath {
    /// The default grid: ``defaultAlphaCount`` values log-spaced, ascending, from
    /// ``defaultSmallestRatio`` to ``defaultLargestRatio`` times the largest eigenvalue λ_max of
    /// X̃ᵀWX̃ (the largest squared singular value of the centred, weighted design), which spans
    /// the spectrum from nearly least squares to nearly every coefficient shrunk to 0.
    ///
    /// ```swift
    /// RidgePath.defaultAlphas(largestEigenvalue: 2.5e6)   // [2.5, …, 2.5e7]
    /// ```
    /// - Throws: ``ArgumentError`` when λ_max is not positive and finite (every feature
    ///   constant, or no features): the spectrum then gives no scale, and alphas must be given.
    public static func defaultAlphas(largestEigenvalue top: Double) throws -> [Double] {
        guard top > 0, top.isFinite else {
            throw ArgumentError(
                argument: "alphas", value: "the default grid",
                requirement:
                    "needs a feature that varies (the centred Gram matrix's largest eigenvalue is \(top)): give the alphas, or leave out the constant columns"
            )
        }
        let low = log10(defaultSmallestRatio), high = log10(defaultLargestRatio), last = Double(defaultAlphaCount - 1)
        return (0..<defaultAlphaCount).map { top * pow(10, low + (high - low) * Double($0) / last) }
    }

    /// Every α finite and positive, at least one.
    static func checkAlphas(_ alphas: [Double]) throws {
        guard !alphas.isEmpty else { throw ArgumentError(argument: "alphas", value: "[]", requirement: "must hold at least one alpha") }
        if let bad = alphas.first(where: { !($0 > 0 && $0.isFinite) }) {
            throw ArgumentError(
                argument: "alphas", value: "\(bad)",
                requirement: bad == 0
                    ? "must be positive: 0 is least squares, not a ridge"
                    : "must be positive and finite")
        }
    }
}
