import Foundation

/// One target's estimates with their standard errors, tests and confidence intervals, one row
/// per parameter and the intercept first, as a row like the others: the table of statsmodels'
/// `summary()` (`coef`, `std err`, `t`, `P>|t|`, `[0.025 0.975]`) and of R's `summary.lm`.
///
/// statsmodels' `params`, `bse`, `tvalues`, `pvalues` and `conf_int()` hold the constant as
/// their first entry, named `const` by `add_constant`; so do ``estimates``, ``standardErrors``,
/// ``tValues``, ``pValues`` and ``confidenceIntervals`` here, and the intercept's row is named
/// ``interceptName``. The tables are where a solve keeps these figures, each row with the
/// refinement's ``Row/errorBound`` too: an estimate and its uncertainty are read together, the
/// intercept like any coefficient.
///
/// ```swift
/// let solution = try LeastSquares.solve(houses)
/// let table = solution.coefficientTable         // the first (here the only) target
/// print(table)                                  // laid out as statsmodels prints it
/// print(table["const"]?.pValue as Any)          // the intercept's p-value
/// print(table.pValues?.map(\.value) as Any)     // statsmodels' pvalues, const first
/// ```
///
/// A p-value too small for a `Double` is a ``PValue`` that prints `< 2.2e-308`. Where the
/// statistics are not defined (no residual degrees of freedom, a rank-deficient design without
/// a ridge) the estimates are there and every other column is nil.
///
/// Under a ridge penalty α (``penalty``) the figures are conditional on α: the covariance is the
/// ridge sandwich, the tests are on n − tr H degrees of freedom, and since the estimates are
/// shrunken, an interval covers the shrunken target, not the unpenalized coefficient (see
/// ``LeastSquares/Statistics``). ``RidgePath/statistics(at:confidenceLevel:)`` gives the tables
/// of a ridge path at one of its alphas.
public struct CoefficientTable: Sendable, CustomStringConvertible {
    /// One parameter: its estimate, standard error, test and confidence interval.
    public struct Row: Sendable, Equatable {
        /// The feature's name, or ``CoefficientTable/interceptName`` for the intercept.
        public let name: String
        /// Whether this row is the intercept.
        public let isIntercept: Bool
        /// The estimate in original units (statsmodels' `coef`).
        public let estimate: Double
        /// Its standard error (`std err`).
        public let standardError: Double?
        /// Estimate / standard error (`t`; a z statistic for the HC covariances, `z`); NaN where
        /// the standard error is 0.
        public let tValue: Double?
        /// The two-sided p-value of the hypothesis that the parameter is 0 (`P>|t|`, `P>|z|`).
        public let pValue: PValue?
        /// The confidence interval at the table's ``CoefficientTable/confidenceLevel``
        /// (`[0.025 0.975]` at 0.95).
        public let confidenceInterval: LeastSquares.Bounds<Double>?
        /// The estimated forward error of ``estimate`` left by iterative refinement: the size of
        /// the last correction plus one rounding. Nil when the solve was not refined (a ridge
        /// penalty, a rank-deficient design, `refine: false`). statsmodels has no counterpart.
        public let errorBound: Double?
    }

    /// The name of the intercept's row: `const`, as statsmodels' `add_constant` names it.
    public static let interceptName = "const"

    /// The target's name.
    public let target: String
    /// The intercept first (when fitted), then one row per feature in the data's order.
    public let rows: [Row]
    /// The covariance the standard errors come from.
    public let covarianceType: LeastSquares.CovarianceType
    /// The level of the confidence intervals, e.g. 0.95.
    public let confidenceLevel: Double
    /// The residual degrees of freedom of the t tests: n − p − 1 (n − p without an intercept),
    /// or n − tr H under a ridge, which need not be whole.
    public let degreesOfFreedom: Double
    /// The ridge strength α the figures are conditional on (scikit-learn's `Ridge(alpha=α)`), or
    /// nil for an unpenalized fit.
    public let penalty: Double?

    /// Whether the tests and intervals use the normal distribution (the HC covariances, as
    /// statsmodels does by default: z statistics) rather than Student's t with
    /// ``degreesOfFreedom``.
    public var usesNormalDistribution: Bool { covarianceType != .nonrobust }

    /// The intercept's row, or nil for a fit without intercept.
    public var intercept: Row? { rows.first(where: \.isIntercept) }

    /// The row named `name` (``interceptName`` for the intercept; the first, should a feature
    /// share its name), or nil.
    public subscript(name: String) -> Row? { rows.first { $0.name == name } }

    /// The rows' names, ``interceptName`` first when fitted.
    public var names: [String] { rows.map(\.name) }
    /// statsmodels' `params`: the estimates, the intercept first.
    public var estimates: [Double] { rows.map(\.estimate) }
    /// statsmodels' `bse`: the standard errors, the intercept first; nil where undefined.
    public var standardErrors: [Double]? { column(\.standardError) }
    /// statsmodels' `tvalues`: the t (or z) statistics, the intercept first; nil where undefined.
    public var tValues: [Double]? { column(\.tValue) }
    /// statsmodels' `pvalues`: the p-values, the intercept first; nil where undefined.
    public var pValues: [PValue]? { column(\.pValue) }
    /// statsmodels' `conf_int()`: the intervals, the intercept first; nil where undefined.
    public var confidenceIntervals: [LeastSquares.Bounds<Double>]? { column(\.confidenceInterval) }
    /// The refinement's error bounds, the intercept first; nil when the solve was not refined.
    public var errorBounds: [Double]? { column(\.errorBound) }

    private func column<Value>(_ key: KeyPath<Row, Value?>) -> [Value]? {
        let values = rows.compactMap { $0[keyPath: key] }
        return values.count == rows.count ? values : nil
    }

    /// Target `o`'s table, built once by the solve that computed its figures. `estimates` (the
    /// covariance's) and `errorBounds` (the refinement's) are in the rows' order, the intercept
    /// first when fitted; nil where undefined or not refined.
    init(
        target o: Int, parameters: Parameters, fitIntercept: Bool, statistics: LeastSquares.Statistics, estimates: [EstimateFigures]?,
        errorBounds: [Double]?, featureNames: [String], targetNames: [String], penalty: Double? = nil
    ) {
        let offset = fitIntercept ? 1 : 0
        rows = (0..<parameters.coefficients.rows + offset).map { i in
            let figures = estimates?[i]
            return Row(
                name: i < offset ? Self.interceptName : featureNames[i - offset], isIntercept: i < offset,
                estimate: i < offset ? parameters.intercept[o] : parameters.coefficients[i - offset, o],
                standardError: figures?.standardError, tValue: figures?.tValue, pValue: figures.map { PValue($0.pValue) },
                confidenceInterval: figures?.confidenceInterval, errorBound: errorBounds?[i])
        }
        target = targetNames[o]
        covarianceType = statistics.covarianceType
        confidenceLevel = statistics.confidenceLevel
        degreesOfFreedom = statistics.residualDegreesOfFreedom
        self.penalty = penalty
    }

    /// A table from its rows (a ridge path's, whose figures it computed itself).
    init(
        target: String, rows: [Row], covarianceType: LeastSquares.CovarianceType, confidenceLevel: Double, degreesOfFreedom: Double,
        penalty: Double?
    ) {
        self.target = target
        self.rows = rows
        self.covarianceType = covarianceType
        self.confidenceLevel = confidenceLevel
        self.degreesOfFreedom = degreesOfFreedom
        self.penalty = penalty
    }

    /// The sentence that says what a ridge's figures mean: conditional on α, and about the
    /// shrunken target; nil for an unpenalized table.
    ///
    /// ```swift
    /// print(try LeastSquares.solve(data, ridge: 10).coefficientTable.penaltyNote ?? "")
    /// ```
    public var penaltyNote: String? {
        penalty.map { alpha in
            "Ridge α = \(Self.shortNumber(alpha)): standard errors, tests and intervals are conditional on α, on "
                + "\(Self.shortNumber(degreesOfFreedom)) = n − tr H degrees of freedom; the estimates are biased toward 0, so an "
                + "interval covers the shrunken coefficient (the ridge's expectation), not the unpenalized one."
        }
    }

    /// Up to 6 significant digits, as `%g` writes them.
    private static func shortNumber(_ value: Double) -> String { String(format: "%g", value) }

    /// The table as statsmodels' `summary()` lays it out: the target's name, then `coef`,
    /// `std err`, `t` (or `z`), `P>|t|` (or `P>|z|`) and the interval's ends named by their
    /// quantiles (`[0.025`, `0.975]`), one line per row. Estimates have four decimals, the other
    /// columns three (`%.4g`, `%.3g` beyond 10⁴ or below 10⁻⁴); p-values below 0.001 are
    /// written with three significant digits (`1.23e-45`), not statsmodels' `0.000`, and
    /// below 2.2e-308 as `< 2.2e-308`; `n/a` where a figure is undefined. Under a ridge,
    /// ``penaltyNote`` follows the table.
    public var description: String {
        let statistic = usesNormalDistribution ? "z" : "t"
        let tail = (1 - confidenceLevel) / 2
        let header = [
            target, "coef", "std err", statistic, "P>|\(statistic)|", "[" + Self.quantileName(tail), Self.quantileName(1 - tail) + "]",
        ]
        let lines: [[String]] = rows.map { row in
            [
                row.name, Self.number(row.estimate, decimals: 4), Self.number(row.standardError, decimals: 3),
                Self.number(row.tValue, decimals: 3), row.pValue.map(Self.probability) ?? "n/a",
                Self.number(row.confidenceInterval?.lower, decimals: 3), Self.number(row.confidenceInterval?.upper, decimals: 3),
            ]
        }
        let widths = header.indices.map { column in ([header] + lines).map { $0[column].count }.max()! }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : "    " + padding + cell
            }.joined()
        }
        let width = widths.reduce(0, +) + 4 * (widths.count - 1)
        let double = String(repeating: "=", count: width), single = String(repeating: "-", count: width)
        return ([double, render(header), single] + lines.map(render) + [double] + (penaltyNote.map { [$0] } ?? [])).joined(separator: "\n")
    }

    /// A quantile's name in the interval's header: 0.025, 0.975, 0.005.
    private static func quantileName(_ probability: Double) -> String {
        var text = String(format: "%.6f", probability)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text += "0" }
        return text
    }

    /// `decimals` decimals, or `decimals` significant digits beyond 10⁴ or below 10⁻⁴; `n/a`
    /// for nil or NaN.
    private static func number(_ value: Double?, decimals: Int) -> String {
        guard let value, !value.isNaN else { return "n/a" }
        guard value.isFinite else { return value > 0 ? "inf" : "-inf" }
        let size = abs(value)
        return size != 0 && (size >= 1e4 || size < 1e-4) ? String(format: "%.\(decimals)g", value) : String(format: "%.\(decimals)f", value)
    }

    /// Three decimals, three significant digits below 0.001, the bound below 2.2e-308.
    private static func probability(_ p: PValue) -> String {
        if p.value.isNaN || p.isUpperBound { return p.description }
        return p.value < 1e-3 ? String(format: "%.2e", p.value) : String(format: "%.3f", p.value)
    }
}
