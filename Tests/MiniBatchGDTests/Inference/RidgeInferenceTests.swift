import Foundation
import Testing

@testable import MiniBatchGD

/// The problems of Tests/Fixtures/ridge-inference/problems.json: numpy's ridge sandwich on the
/// uncentred design [1 X] (a route apart from the library's centred, scaled one), scipy's t and
/// normal tails, written by make_fixture.py beside it.
struct RidgeInferenceFixture: Decodable {
    struct Figures: Decodable {
        let standardErrors: [Double]
        let tValues: [Double]
        let pValues: [Double]
        let lower: [Double]
        let upper: [Double]
    }

    struct Target: Decodable {
        let estimates: [Double]
        let residualSumOfSquares: Double
        let residualVariance: Double
        let figures: [String: Figures]
    }

    struct Problem: Decodable {
        let name: String
        let fitIntercept: Bool
        let alpha: Double
        let features: [[Double]]
        let targets: [[Double]]
        let weights: [Double]?
        let effectiveDegreesOfFreedom: Double
        let residualDegreesOfFreedom: Double
        let perTarget: [Target]

        func dataset() throws -> Dataset<Double> {
            try Dataset(features: Matrix(rows: features), targets: Matrix(rows: targets), weights: weights)
        }
    }

    let problems: [Problem]

    static let shared: RidgeInferenceFixture = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: fixtures + "/ridge-inference/problems.json"))
        return try! JSONDecoder().decode(RidgeInferenceFixture.self, from: data)
    }()

    static let names = ["tall", "strong", "weighted", "no intercept", "wide", "two targets"]
    static func problem(_ name: String) -> Problem { shared.problems.first { $0.name == name }! }
}

@Suite struct RidgeInferenceTests {
    /// Every figure of `table` against the fixture's (the intercept first in both).
    static func check(_ table: CoefficientTable, _ expected: RidgeInferenceFixture.Figures, estimates: [Double], _ label: String) throws {
        let errors = try #require(table.standardErrors), t = try #require(table.tValues)
        let p = try #require(table.pValues).map(\.value), intervals = try #require(table.confidenceIntervals)
        #expect(ridgeRelativeError(table.estimates, estimates, floor: 1e-12) < 1e-9, "\(label): estimates")
        #expect(ridgeRelativeError(errors, expected.standardErrors) < 1e-8, "\(label): standard errors")
        #expect(ridgeRelativeError(t, expected.tValues) < 1e-8, "\(label): t values")
        #expect(ridgeRelativeError(p, expected.pValues, floor: 1e-300) < 1e-6, "\(label): p-values \(p) vs \(expected.pValues)")
        #expect(ridgeRelativeError(intervals.map(\.lower), expected.lower, floor: 1e-9) < 1e-8, "\(label): lower ends")
        #expect(ridgeRelativeError(intervals.map(\.upper), expected.upper, floor: 1e-9) < 1e-8, "\(label): upper ends")
    }

    /// `LeastSquares.solve(ridge:)`: the sandwich, σ² on m − tr H, t on m − tr H, by every
    /// method; the HC0 and HC3 sandwiches with the ridge's bread and leverages.
    @Test(arguments: RidgeInferenceFixture.names)
    func theClosedFormsTablesAreNumpysSandwich(name: String) throws {
        let problem = RidgeInferenceFixture.problem(name)
        let data = try problem.dataset()
        let methods: [LeastSquares.Method] = name == "wide" ? [.auto, .svd] : [.auto, .cholesky, .qr, .svd]
        for method in methods {
            let solution = try LeastSquares.solve(data, method: method, fitIntercept: problem.fitIntercept, ridge: problem.alpha)
            let s = solution.statistics
            #expect(s.isPenalized && s.fStatistics == nil && s.fPValues == nil)
            #expect(abs(s.effectiveDegreesOfFreedom - problem.effectiveDegreesOfFreedom) < 1e-9 * problem.effectiveDegreesOfFreedom)
            #expect(abs(s.residualDegreesOfFreedom - problem.residualDegreesOfFreedom) < 1e-9 * problem.residualDegreesOfFreedom)
            for (o, expected) in problem.perTarget.enumerated() {
                let table = solution.coefficientTables[o]
                #expect(table.penalty == problem.alpha && table.degreesOfFreedom == s.residualDegreesOfFreedom)
                try Self.check(table, try #require(expected.figures["nonrobust"]), estimates: expected.estimates, "\(name) \(method) \(o)")
                let sigma = try #require(s.residualStandardDeviation?[o])
                #expect(abs(sigma * sigma - expected.residualVariance) < 1e-9 * expected.residualVariance)
            }
        }
        for kind in ["hc0", "hc3"] {
            let type = try #require(LeastSquares.CovarianceType(rawValue: kind))
            let solution = try LeastSquares.solve(data, fitIntercept: problem.fitIntercept, ridge: problem.alpha, covariance: type)
            for (o, expected) in problem.perTarget.enumerated() {
                try Self.check(
                    solution.coefficientTables[o], try #require(expected.figures[kind]), estimates: expected.estimates,
                    "\(name) \(kind) \(o)")
            }
        }
    }

    /// `RidgePath.statistics(at:)` from the path's own eigendecomposition (an SVD for "wide"):
    /// the same figures at the fixture's alpha, whichever index it has on the grid.
    @Test(arguments: RidgeInferenceFixture.names)
    func thePathsTablesAreNumpysSandwich(name: String) throws {
        let problem = RidgeInferenceFixture.problem(name)
        let alphas = [problem.alpha / 10, problem.alpha, problem.alpha * 10]
        let path = try RidgePath(try problem.dataset(), alphas: alphas, fitIntercept: problem.fitIntercept)
        #expect(abs(path.effectiveDegreesOfFreedom[1] - problem.effectiveDegreesOfFreedom) < 1e-9 * problem.effectiveDegreesOfFreedom)
        let tables = try path.statistics(at: 1)
        #expect(tables.count == problem.perTarget.count)
        for (o, expected) in problem.perTarget.enumerated() {
            #expect(tables[o].penalty == problem.alpha)
            #expect(abs(tables[o].degreesOfFreedom - problem.residualDegreesOfFreedom) < 1e-9 * problem.residualDegreesOfFreedom)
            try Self.check(tables[o], try #require(expected.figures["nonrobust"]), estimates: expected.estimates, "\(name) path \(o)")
            let rss = path.targets[o].residualSumOfSquares[1]
            #expect(abs(rss - expected.residualSumOfSquares) < 1e-9 * expected.residualSumOfSquares)
        }
        #expect(throws: ArgumentError.self) { try path.statistics(at: 3) }
        #expect(throws: ArgumentError.self) { try path.statistics(at: 0, confidenceLevel: 1) }
    }

    /// A hand computation on four rows and one feature, no weights: x = (0, 1, 2, 3),
    /// y = (1, 3, 2, 5), α = 1. Centred: x̃ = (−1.5, −0.5, 0.5, 1.5), Σx̃² = 5, Σx̃ỹ = 5.5 (ȳ = 2.75),
    /// so β = 5.5/6 = 11/12 and b = 2.75 − 1.5·11/12 = 11/8; tr H = 1 + 5/6; the residuals
    /// (−3/8, 17/24, −29/24, 7/8) give RSS = 413/144 and σ² = RSS/(4 − 11/6);
    /// Var(β) = σ²·5/(5 + 1)², Var(b) = σ²/4 + 1.5²·Var(β).
    @Test func aHandComputation() throws {
        let data = try Dataset(features: Matrix(rows: [[0], [1], [2], [3]]), targets: Matrix(rows: [[1], [3], [2], [5]]))
        let sigma2 = 413.0 / 144 / (4 - 11.0 / 6)
        let expectedErrors = [(sigma2 / 4 + 2.25 * sigma2 * 5 / 36).squareRoot(), (sigma2 * 5 / 36).squareRoot()]
        let solution = try LeastSquares.solve(data, ridge: 1)
        let path = try RidgePath(data, alphas: [1])
        for table in [solution.coefficientTable, try path.statistics(at: 0)[0]] {
            #expect(ridgeRelativeError(table.estimates, [11.0 / 8, 11.0 / 12]) < 1e-13)
            #expect(abs(table.degreesOfFreedom - (4 - 11.0 / 6)) < 1e-13)
            #expect(ridgeRelativeError(try #require(table.standardErrors), expectedErrors) < 1e-12)
            // The note says what the figures are conditional on, and what the intervals cover.
            let note = try #require(table.penaltyNote)
            #expect(note.contains("conditional on α") && note.contains("shrunken") && note.contains("n − tr H"))
            #expect(table.description.hasSuffix(note))
        }
        #expect(abs(solution.statistics.effectiveDegreesOfFreedom - 11.0 / 6) < 1e-13)
        // Without a ridge the table has no note and its degrees of freedom are n − 2.
        let plain = try LeastSquares.solve(data).coefficientTable
        #expect(plain.penaltyNote == nil && plain.penalty == nil && plain.degreesOfFreedom == 2)
        // A ridge's covariance is not saved for prediction intervals: they would need n − tr H.
        #expect(PredictionInference(solution.statistics) == nil)
    }

    /// Weights: a row of weight 2 is the same fit and the same figures as the row written twice
    /// with weight 1, but for the degrees of freedom (m counts rows): checked through σ²·(m − tr H),
    /// which is the residual sum of squares in both.
    @Test func aWeightOfTwoIsARowWrittenTwiceUpToTheRowCount() throws {
        let x: [[Double]] = [[0, 1], [1, 0], [2, 2], [3, 1], [4, 5], [5, 3]], y: [[Double]] = [[1], [2], [4], [3], [8], [7]]
        let weighted = try LeastSquares.solve(
            try Dataset(features: Matrix(rows: x), targets: Matrix(rows: y), weights: [1, 2, 1, 1, 1, 1]), ridge: 2)
        let doubled = try LeastSquares.solve(
            try Dataset(features: Matrix(rows: x + [x[1]]), targets: Matrix(rows: y + [y[1]])), ridge: 2)
        #expect(relativeDifference(weighted.parameters, doubled.parameters) < 1e-13)
        let a = weighted.statistics, b = doubled.statistics
        #expect(abs(a.effectiveDegreesOfFreedom - b.effectiveDegreesOfFreedom) < 1e-12)
        #expect(a.observations == 6 && b.observations == 7)
        let rssA = a.residualStandardDeviation![0] * a.residualStandardDeviation![0] * a.residualDegreesOfFreedom
        let rssB = b.residualStandardDeviation![0] * b.residualStandardDeviation![0] * b.residualDegreesOfFreedom
        #expect(abs(rssA - rssB) < 1e-12 * rssB)
        // Cov = σ²·sandwich with the same sandwich: the standard errors scale as σ.
        let ratio = a.residualStandardDeviation![0] / b.residualStandardDeviation![0]
        let errorsA = try #require(weighted.coefficientTable.standardErrors),
            errorsB = try #require(doubled.coefficientTable.standardErrors)
        #expect(ridgeRelativeError(errorsA, errorsB.map { $0 * ratio }) < 1e-12)
    }
}
