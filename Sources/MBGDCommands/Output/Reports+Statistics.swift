import Foundation
import MiniBatchGD

extension Reports {
    /// The coefficient tables' figures under statsmodels' names, as `mbgd solve --json` writes
    /// them: `standardErrors`, `tValues`, `pValues`, `confidenceIntervals` per coefficient (a list
    /// per target with several), the intercept's apart (`interceptStandardError`, …), and
    /// `confidenceLevel`; null where a column is undefined.
    static func coefficientStatistics(_ tables: [CoefficientTable]) -> [(String, JSON)] {
        let single = tables.count == 1
        func features<Value>(_ figure: (CoefficientTable.Row) -> Value?) -> [[Value]]? {
            let columns = tables.map { $0.rows.filter { !$0.isIntercept } }
            let values = columns.map { $0.compactMap(figure) }
            return zip(columns, values).allSatisfy { $0.count == $1.count } ? values : nil
        }
        func intercepts<Value>(_ figure: (CoefficientTable.Row) -> Value?) -> [Value]? {
            let values = tables.compactMap { $0.intercept.flatMap(figure) }
            return values.count == tables.count ? values : nil
        }
        func perTarget(_ values: [Double]?) -> JSON {
            guard let values else { return .null }
            return single ? .number(values[0]) : .numbers(values)
        }
        func perCoefficient(_ figure: (CoefficientTable.Row) -> Double?) -> JSON {
            guard let columns = features(figure) else { return .null }
            return single ? .numbers(columns[0]) : .array(columns.map(JSON.numbers))
        }
        func intervals(_ columns: [[LeastSquares.Bounds<Double>]]?) -> JSON {
            guard let columns else { return .null }
            let perTarget = columns.map { JSON.array($0.map { .numbers([$0.lower, $0.upper]) }) }
            return single ? perTarget[0] : .array(perTarget)
        }
        func interceptIntervals(_ bounds: [LeastSquares.Bounds<Double>]?) -> JSON {
            guard let bounds else { return .null }
            let perTarget = bounds.map { JSON.numbers([$0.lower, $0.upper]) }
            return single ? perTarget[0] : .array(perTarget)
        }
        return [
            ("standardErrors", perCoefficient(\.standardError)),
            ("interceptStandardError", perTarget(intercepts(\.standardError))),
            ("tValues", perCoefficient(\.tValue)),
            ("interceptTValue", perTarget(intercepts(\.tValue))),
            ("pValues", perCoefficient { $0.pValue?.value }),
            ("interceptPValue", perTarget(intercepts { $0.pValue?.value })),
            ("confidenceLevel", .number(tables.first?.confidenceLevel ?? LeastSquares.defaultConfidenceLevel)),
            ("confidenceIntervals", intervals(features(\.confidenceInterval))),
            ("interceptConfidenceInterval", interceptIntervals(intercepts(\.confidenceInterval))),
        ]
    }

    /// One target's estimates laid out as R's `summary.lm` prints them: estimate, standard error,
    /// t (or z) value, p-value, significance code and the interval's ends; and whether any
    /// significance code was printed (the legend is then due).
    static func estimatesTable(_ table: CoefficientTable, featureNames: [String]) -> (text: String, stars: Bool) {
        let robust = table.usesNormalDistribution, level = table.confidenceLevel
        let lowerName = Format.number(50 * (1 - level), digits: 4) + " %"
        let upperName = Format.number(100 - 50 * (1 - level), digits: 4) + " %"
        var rendered = Table([
            "", "Estimate", "Std. Error", robust ? "z value" : "t value", robust ? "Pr(>|z|)" : "Pr(>|t|)", "", lowerName, upperName,
        ])
        var anyStars = false
        let offset = table.intercept == nil ? 0 : 1
        for (i, row) in table.rows.enumerated() {
            let p = row.pValue?.value
            let stars = p.map(Solve.significance) ?? ""
            anyStars = anyStars || !stars.isEmpty
            rendered.add([
                row.isIntercept ? "(Intercept)" : featureNames[i - offset], Format.number(row.estimate), Format.optional(row.standardError),
                Format.optional(row.tValue), p.map(Solve.pValue) ?? "n/a", stars, Format.optional(row.confidenceInterval?.lower),
                Format.optional(row.confidenceInterval?.upper),
            ])
        }
        return (rendered.render(), anyStars)
    }

    /// R's legend of the significance codes.
    static let significanceLegend = "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1"

    /// Degrees of freedom as a report says them: whole numbers bare, n − tr H to 6 significant digits.
    static func degrees(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : Format.number(value, digits: 6)
    }
}
