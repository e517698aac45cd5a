import Foundation
import Testing

@testable import MiniBatchGD

/// The coefficient table (the intercept as its first row, as statsmodels' `params` has `const`)
/// and p-values that underflow, against statsmodels and mpmath (Tests/Fixtures/statsmodels/,
/// made by Scripts/make_statsmodels_fixtures.py and Scripts/make_underflow_fixture.py) and
/// against numbers worked by hand.
@Suite struct CoefficientTableTests {
    struct Underflow: Decodable {
        struct Result: Decodable {
            var covarianceType: String
            var params, bse, tvalues, pvalues, log10Pvalues: [Double]
            var exactPvalues: [Double?]
            var underflows: [Bool]
        }
        var x: [[Double]]
        var y: [Double]
        var results: [Result]
    }

    static let underflow: Underflow? = try? JSONDecoder().decode(
        Underflow.self, from: Data(contentsOf: URL(fileURLWithPath: fixtures + "/statsmodels/underflow.json")))

    private func close(_ value: Double, _ expected: Double, _ tolerance: Double = 1e-8) -> Bool {
        abs(value - expected) <= tolerance * max(abs(expected), 1e-300)
    }

    /// Every column of the table against statsmodels' `params`, `bse`, `tvalues`, `pvalues` and
    /// `conf_int()`, entry by entry: the constant first, the features after it.
    @Test(arguments: InferenceTests.caseNames)
    func tableIsStatsmodelsParametersWithTheConstantFirst(name: String) throws {
        let c = try #require(InferenceTests.fixture?.cases.first { $0.name == name })
        let names = (0..<c.x[0].count).map { "f\($0)" }
        let data = try Dataset(features: c.x, targets: c.y, featureNames: names, targetName: "response")
        for expected in c.results {
            let type = try #require(LeastSquares.CovarianceType(rawValue: expected.covarianceType.lowercased()))
            let label = "\(name), \(expected.covarianceType), \(expected.confidenceLevel)"
            let solution = try LeastSquares.solve(
                data, fitIntercept: c.fitIntercept, weights: c.weights, covariance: type, confidenceLevel: expected.confidenceLevel)
            let table = solution.coefficientTable
            #expect(solution.coefficientTables.count == 1 && solution.featureNames == names && solution.targetNames == ["response"])
            #expect(table.names == (c.fitIntercept ? ["const"] : []) + names, "\(label)")
            #expect(table.target == "response" && table.covarianceType == type && table.confidenceLevel == expected.confidenceLevel)
            #expect(table.usesNormalDistribution == (type != .nonrobust))
            #expect(table.degreesOfFreedom == expected.dfResid && table.penalty == nil)
            let errors = try #require(table.standardErrors), t = try #require(table.tValues)
            let p = try #require(table.pValues), intervals = try #require(table.confidenceIntervals)
            #expect(table.estimates.count == expected.params.count)
            for j in expected.params.indices {
                #expect(close(table.estimates[j], expected.params[j]), "\(label): coef \(j)")
                #expect(close(errors[j], expected.bse[j]), "\(label): std err \(j)")
                #expect(close(t[j], expected.tvalues[j]), "\(label): t \(j)")
                #expect(close(p[j].value, expected.pvalues[j]) && !p[j].isUpperBound, "\(label): P>|t| \(j)")
                #expect(close(intervals[j].lower, expected.confInt[j][0]) && close(intervals[j].upper, expected.confInt[j][1]))
                #expect(table.rows[j].isIntercept == (c.fitIntercept && j == 0))
            }
            // The intercept's row is the first, the features' rows follow in the data's order.
            if c.fitIntercept {
                let intercept = try #require(table.intercept)
                #expect(table["const"] == intercept && table.rows[0] == intercept && intercept.estimate == solution.intercept[0])
                #expect(intercept.pValue == p[0] && intercept.standardError == errors[0])
            } else {
                #expect(table.intercept == nil && table["const"] == nil)
            }
            let f1 = (c.fitIntercept ? 1 : 0) + 1
            #expect(table["f1"]?.pValue == p[f1] && table["f1"]?.tValue == t[f1] && table["f1"]?.estimate == solution.coefficients[1, 0])
        }
    }

    /// Each row carries all of its estimate's figures, the intercept's row like the others:
    /// statsmodels' `params`, `bse`, `tvalues`, `pvalues` and `conf_int()` entry by entry; the
    /// same bits as worked out here from the row's variance in `cov_params()` (√variance,
    /// estimate/se, the distribution's two-sided p, estimate ∓ quantile·se); and the refinement's
    /// error bound, there when the solve was refined and only then (its cover of the true error
    /// is AccuracyTests').
    @Test(arguments: InferenceTests.caseNames)
    func everyRowCarriesItsEstimatesFiguresAndErrorBound(name: String) throws {
        let c = try #require(InferenceTests.fixture?.cases.first { $0.name == name })
        let data = try Dataset(features: c.x, targets: c.y)
        let offset = c.fitIntercept ? 1 : 0
        for expected in c.results {
            let type = try #require(LeastSquares.CovarianceType(rawValue: expected.covarianceType.lowercased()))
            let tail = (1 - expected.confidenceLevel) / 2
            for refine in [true, false] {
                let label = "\(name), \(expected.covarianceType), \(expected.confidenceLevel), refine \(refine)"
                let solution = try LeastSquares.solve(
                    data, fitIntercept: c.fitIntercept, weights: c.weights, covariance: type, confidenceLevel: expected.confidenceLevel,
                    refine: refine)
                let table = solution.coefficientTable
                let covariance = try #require(solution.statistics.covariances?.first)
                let student = try StudentT(degreesOfFreedom: Double(table.degreesOfFreedom))
                let quantile = type == .nonrobust ? -student.quantile(tail) : -StandardNormal().quantile(tail)
                let twoSided = { (t: Double) in type == .nonrobust ? student.twoSidedPValue(t) : StandardNormal().twoSidedPValue(t) }
                #expect(table.rows.count == expected.params.count && covariance.rows == table.rows.count, "\(label)")
                #expect((table.errorBounds != nil) == refine, "\(label)")
                for (i, row) in table.rows.enumerated() {
                    let estimate = i < offset ? solution.intercept[0] : solution.coefficients[i - offset, 0]
                    #expect(row.isIntercept == (i < offset) && (row.name == CoefficientTable.interceptName) == row.isIntercept)
                    #expect(row.estimate == estimate, "\(label): \(row.name)")
                    let error = try #require(row.standardError), t = try #require(row.tValue)
                    let p = try #require(row.pValue), interval = try #require(row.confidenceInterval)
                    #expect(
                        error == covariance[i, i].squareRoot() && t == estimate / error && p.value == twoSided(t), "\(label): \(row.name)")
                    #expect(interval.lower == estimate - quantile * error && interval.upper == estimate + quantile * error)
                    #expect(close(estimate, expected.params[i]) && close(error, expected.bse[i]) && close(t, expected.tvalues[i]))
                    #expect(close(p.value, expected.pvalues[i]), "\(label): \(row.name) p \(p) vs \(expected.pvalues[i])")
                    #expect(close(interval.lower, expected.confInt[i][0]) && close(interval.upper, expected.confInt[i][1]))
                    if refine {
                        // Rounding left after refinement: far below the estimate's statistical uncertainty.
                        let bound = try #require(row.errorBound, "\(label): \(row.name) has no error bound")
                        #expect(bound.isFinite && bound >= 0 && bound <= 1e-9 * error, "\(label): \(row.name) ±\(bound), se \(error)")
                    } else {
                        #expect(row.errorBound == nil, "\(label): \(row.name)")
                    }
                }
            }
        }
        // Ridge is not refined; its standard errors are the sandwich's, conditional on α
        // (RidgeInferenceTests holds them to numpy's), on n − tr H degrees of freedom.
        let ridge = try LeastSquares.solve(data, fitIntercept: c.fitIntercept, ridge: 1, weights: c.weights).coefficientTable
        #expect(ridge.rows.count == offset + data.featureCount && ridge.intercept?.estimate.isFinite != false)
        for row in ridge.rows {
            #expect(row.errorBound == nil && row.standardError.map { $0 > 0 } == true)
            #expect(row.tValue != nil && row.pValue != nil && row.confidenceInterval != nil)
        }
        let plain = try LeastSquares.solve(data, fitIntercept: c.fitIntercept, weights: c.weights).coefficientTable
        #expect(ridge.errorBounds == nil && ridge.penalty == 1 && ridge.degreesOfFreedom > plain.degreesOfFreedom)
    }

    /// y = 2, 4, 5, 4, 5 on x = 1…5, worked by hand: slope Sxy/Sxx = 6/10, intercept 4 − 0.6·3 =
    /// 2.2, residuals −0.8, 0.6, 1, −0.6, −0.2, RSS 2.4 on 3 degrees of freedom (σ² = 0.8), so
    /// se(slope) = √(0.8/10) = 0.2828, se(intercept) = √(0.8·(1/5 + 9/10)) = 0.9381, t = 2.121 and
    /// 2.345, intervals ± t₃(0.975) = 3.1824·se. The p-values 0.101 and 0.124 are statsmodels'
    /// (its `summary()` prints these same lines under the same header).
    @Test func summaryIsLaidOutAsStatsmodelsPrintsIt() throws {
        let data = try Dataset(features: [[1], [2], [3], [4], [5]], targets: [2, 4, 5, 4, 5])
        let table = try LeastSquares.solve(data).coefficientTable
        let expected = """
            ================================================================
            y          coef    std err        t    P>|t|    [0.025    0.975]
            ----------------------------------------------------------------
            const    2.2000      0.938    2.345    0.101    -0.785     5.185
            x1       0.6000      0.283    2.121    0.124    -0.300     1.500
            ================================================================
            """
        #expect(table.description == expected, "\(table)")
        #expect(close(try #require(table.intercept?.standardError), 0.88.squareRoot(), 1e-13))
        #expect(close(try #require(table["x1"]?.standardError), 0.08.squareRoot(), 1e-13))
        #expect(close(try #require(table["x1"]?.tValue), 0.6 / 0.08.squareRoot(), 1e-13))
    }

    /// Where the statistics are undefined (an exact fit of n = p + 1 rows has no residual degrees
    /// of freedom) the estimates stay and every other column is nil, printed `n/a`.
    @Test func undefinedStatisticsAreNilAndNotApplicable() throws {
        let data = try Dataset(features: [[1], [3]], targets: [1, 2])
        let table = try LeastSquares.solve(data).coefficientTable
        #expect(table.standardErrors == nil && table.pValues == nil && table.tValues == nil && table.confidenceIntervals == nil)
        #expect(close(table.estimates[0], 0.5, 1e-14) && close(table.estimates[1], 0.5, 1e-14))
        #expect(table.description.contains("const    0.5000        n/a    n/a      n/a       n/a       n/a"))
    }

    /// One table per target, each named for its target.
    @Test func severalTargetsHaveATableEach() throws {
        let data = try Dataset(
            features: [[1], [2], [3], [4], [5]], targets: [[2, 1], [4, 0], [5, 2], [4, 1], [5, 3]], targetNames: ["a", "b"])
        let solution = try LeastSquares.solve(data)
        let tables = solution.coefficientTables
        #expect(tables.map(\.target) == ["a", "b"] && solution.coefficientTable.target == "a")
        #expect(tables[1].estimates == [solution.intercept[1], solution.coefficients[0, 1]])
        // Target b's table is the table of b fitted alone.
        let alone = try LeastSquares.solve(Dataset(features: [[1], [2], [3], [4], [5]], targets: [1, 0, 2, 1, 3])).coefficientTable
        let p = try #require(tables[1].pValues), expected = try #require(alone.pValues)
        #expect(zip(p, expected).allSatisfy { close($0.value, $1.value, 1e-12) } && p.count == 2)
    }

    /// t statistics of 145 to 194,000 on 195 degrees of freedom (and as z statistics under HC1),
    /// whose p-values mpmath puts at 1e-300, 1e-315, 1e-800, 0.3 and 1e-200: statsmodels says 0.0
    /// for those below 2.2e-308; the table says `< 2.2e-308`, and gives the others to 1e-8.
    @Test func pValuesThatUnderflowAreReportedAsABound() throws {
        let fixture = try #require(Self.underflow)
        let data = try Dataset(features: fixture.x, targets: fixture.y)
        for expected in fixture.results {
            let type = try #require(LeastSquares.CovarianceType(rawValue: expected.covarianceType.lowercased()))
            for method in LeastSquares.Method.allCases {
                let table = try LeastSquares.solve(data, method: method, covariance: type).coefficientTable
                let p = try #require(table.pValues), t = try #require(table.tValues)
                let label = "\(expected.covarianceType) \(method)"
                #expect(expected.underflows.contains(true) && expected.underflows.contains(false))
                for j in expected.tvalues.indices {
                    #expect(close(t[j], expected.tvalues[j], 1e-9), "\(label): t \(j) \(t[j]) vs \(expected.tvalues[j])")
                    if expected.underflows[j] {
                        #expect(expected.log10Pvalues[j] < -308 && expected.pvalues[j] < PValue.smallestReported)
                        #expect(p[j].isUpperBound && p[j].description == "< 2.2e-308", "\(label): \(j) \(p[j])")
                        #expect(table.description.split(separator: "\n")[3 + j].contains("< 2.2e-308"))
                    } else {
                        let exact = try #require(expected.exactPvalues[j])
                        #expect(!p[j].isUpperBound && close(p[j].value, exact), "\(label): p \(j) \(p[j]) vs \(exact)")
                    }
                }
            }
        }
    }

    @Test func pValueSaysWhenItIsABound() {
        #expect(PValue(0).isUpperBound && PValue(0).description == "< 2.2e-308")
        // A subnormal has lost digits: a bound too.
        #expect(PValue(.leastNonzeroMagnitude).isUpperBound && PValue(.leastNormalMagnitude / 2).description == "< 2.2e-308")
        #expect(!PValue(.leastNormalMagnitude).isUpperBound)
        #expect(PValue(.leastNormalMagnitude).description == "2.2250738585072014e-308")
        #expect(PValue(0.0123).description == "0.0123" && PValue(1e-300).description == "1e-300")
        #expect(!PValue(.nan).isUpperBound && PValue(.nan).description == "n/a")
        #expect(PValue(0) < PValue(1e-300) && PValue(0.5) == PValue(0.5))
    }
}
