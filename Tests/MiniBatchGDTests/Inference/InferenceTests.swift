import Foundation
import Testing

@testable import MiniBatchGD

/// The closed form's statistics against statsmodels' OLS and WLS on the same data, for every
/// covariance type (Tests/Fixtures/statsmodels/ols.json, made by
/// Scripts/make_statsmodels_fixtures.py), to 1e-8 relative.
@Suite struct InferenceTests {
    struct Fixture: Decodable {
        struct Case: Decodable {
            var name: String
            var x: [[Double]]
            var y: [Double]
            var fitIntercept: Bool
            var weights: [Double]?
            var results: [Result]
        }
        struct Result: Decodable {
            var covarianceType: String
            var confidenceLevel: Double
            var params, bse, tvalues, pvalues: [Double]
            var confInt, covParams: [[Double]]
            var fvalue, fPvalue, llf, aic, bic, rsquared, rsquaredAdj, ssr, dfResid, durbinWatson: Double
            var prediction: Prediction
        }
        struct Prediction: Decodable {
            var x: [[Double]]
            var mean, mean_se, mean_ci_lower, mean_ci_upper, obs_ci_lower, obs_ci_upper: [Double]
        }
        var cases: [Case]
    }

    static let fixture: Fixture? = try? JSONDecoder().decode(
        Fixture.self, from: Data(contentsOf: URL(fileURLWithPath: fixtures + "/statsmodels/ols.json")))

    static var caseNames: [String] { fixture?.cases.map(\.name) ?? ["the fixture could not be read"] }

    private func close(_ value: Double, _ expected: Double, _ tolerance: Double = 1e-8) -> Bool {
        abs(value - expected) <= tolerance * max(abs(expected), 1e-300)
    }

    @Test(arguments: caseNames)
    func everyStatisticMatchesStatsmodels(name: String) throws {
        let c = try #require(Self.fixture?.cases.first { $0.name == name })
        let data = try Dataset(features: c.x, targets: c.y)
        for expected in c.results {
            let type = try #require(LeastSquares.CovarianceType(rawValue: expected.covarianceType.lowercased()))
            let label = "\(name), \(expected.covarianceType), \(expected.confidenceLevel)"
            for method in LeastSquares.Method.allCases {
                let solution = try LeastSquares.solve(
                    data, method: method, fitIntercept: c.fitIntercept, weights: c.weights, covariance: type,
                    confidenceLevel: expected.confidenceLevel)
                let s = solution.statistics
                let offset = c.fitIntercept ? 1 : 0
                // statsmodels puts the constant first, as our covariance does.
                let parameters = (c.fitIntercept ? [solution.intercept[0]] : []) + solution.coefficients.column(0)
                // The table has the constant first too.
                let table = solution.coefficientTable
                let errors = try #require(table.standardErrors), t = try #require(table.tValues)
                let p = try #require(table.pValues).map(\.value), intervals = try #require(table.confidenceIntervals)
                let lower = intervals.map(\.lower), upper = intervals.map(\.upper)
                let covariance = try #require(s.covariances?.first)
                for j in expected.params.indices {
                    #expect(close(parameters[j], expected.params[j]), "\(label) \(method): parameter \(j)")
                    #expect(close(errors[j], expected.bse[j]), "\(label) \(method): standard error \(j) \(errors[j]) vs \(expected.bse[j])")
                    #expect(close(t[j], expected.tvalues[j]), "\(label) \(method): t \(j)")
                    #expect(close(p[j], expected.pvalues[j]), "\(label) \(method): p \(j) \(p[j]) vs \(expected.pvalues[j])")
                    #expect(
                        close(lower[j], expected.confInt[j][0]) && close(upper[j], expected.confInt[j][1]),
                        "\(label) \(method): interval \(j)")
                    for i in expected.params.indices {
                        let scale = (expected.covParams[i][i] * expected.covParams[j][j]).squareRoot()
                        #expect(
                            abs(covariance[i, j] - expected.covParams[i][j]) <= 1e-8 * scale, "\(label) \(method): covariance \(i), \(j)")
                    }
                }
                #expect(covariance.rows == expected.params.count && offset + data.featureCount == expected.params.count)
                #expect(close(try #require(s.fStatistics)[0], expected.fvalue), "\(label) \(method): F")
                #expect(close(try #require(s.fPValues)[0], expected.fPvalue), "\(label) \(method): F p-value")
                #expect(close(s.logLikelihood[0], expected.llf), "\(label) \(method): llf \(s.logLikelihood[0]) vs \(expected.llf)")
                #expect(close(s.aic[0], expected.aic) && close(s.bic[0], expected.bic), "\(label) \(method): AIC, BIC")
                // R² from the centred residual pass and the refined estimates: statsmodels' own rounding
                // is the limit (measured 1.3e-15 and 2.5e-14 at most on 2026-11-30).
                #expect(close(s.rSquared[0], expected.rsquared, 1e-13), "\(label) \(method): R² \(s.rSquared[0]) vs \(expected.rsquared)")
                #expect(zip(parameters, expected.params).allSatisfy { close($0, $1, 1e-12) }, "\(label) \(method): parameters to 12 digits")
                #expect(close(try #require(s.adjustedRSquared)[0], expected.rsquaredAdj), "\(label) \(method): adjusted R²")
                #expect(close(s.residualSumOfSquares[0], expected.ssr), "\(label) \(method): RSS")
                #expect(Double(s.degreesOfFreedom) == expected.dfResid)
                #expect(close(s.durbinWatson[0], expected.durbinWatson), "\(label) \(method): Durbin–Watson")
                #expect(s.covarianceType == type && s.confidenceLevel == expected.confidenceLevel)
            }
        }
    }

    /// statsmodels' `get_prediction(...).summary_frame(alpha)` at new rows, from the model and
    /// from the same model written to a file and read back.
    @Test(arguments: caseNames)
    func predictionIntervalsMatchStatsmodels(name: String) throws {
        let c = try #require(Self.fixture?.cases.first { $0.name == name })
        let data = try Dataset(features: c.x, targets: c.y)
        for expected in c.results {
            let type = try #require(LeastSquares.CovarianceType(rawValue: expected.covarianceType.lowercased()))
            var model = LinearRegression(fitIntercept: c.fitIntercept)
            try model.fit(data, method: .qr, weights: c.weights, covariance: type)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("intervals-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: path) }
            try model.save(to: path)
            let loaded = try LinearRegression(contentsOf: path)
            #expect(try ModelFile.read(path: path.path).version == 3)
            for candidate in [model, loaded] {
                let bands = try candidate.predictionIntervals(try Matrix(expected.prediction.x), level: expected.confidenceLevel)
                let e = expected.prediction
                for i in e.mean.indices {
                    let label = "\(name) \(expected.covarianceType) row \(i)"
                    #expect(close(bands.mean[i, 0], e.mean[i]), "\(label): mean")
                    #expect(
                        close(bands.meanStandardError[i, 0], e.mean_se[i]),
                        "\(label): mean_se \(bands.meanStandardError[i, 0]) vs \(e.mean_se[i])")
                    #expect(
                        close(bands.meanLower[i, 0], e.mean_ci_lower[i]) && close(bands.meanUpper[i, 0], e.mean_ci_upper[i]),
                        "\(label): mean_ci")
                    #expect(
                        close(bands.observationLower[i, 0], e.obs_ci_lower[i]) && close(bands.observationUpper[i, 0], e.obs_ci_upper[i]),
                        "\(label): obs_ci")
                }
            }
        }
    }

    @Test func levelsNextToOneGiveFiniteIntervals() throws {
        // 0.9999999999999999 = 1 − 1.1e-16: (1 + level)/2 rounds to 1 and the quantile was ∞.
        // The half-width over the standard error is the critical value, whose two-sided p-value
        // (a function of its own, checked against scipy) must give back 1 − level.
        let data = try Dataset(features: [[1], [2], [3], [4], [5], [6]], targets: [1, 2.5, 2.9, 4.2, 5.1, 5.8])
        let level = 0.9999999999999999
        let solution = try LeastSquares.solve(data, confidenceLevel: level)
        let statistics = solution.statistics
        let slope = try #require(solution.coefficientTable["x1"])
        let bounds = try #require(slope.confidenceInterval)
        let half = (bounds.upper - bounds.lower) / 2
        #expect(half.isFinite && half > 0)
        let critical = half / (try #require(slope.standardError))
        let student = try StudentT(degreesOfFreedom: Double(statistics.degreesOfFreedom))
        #expect(abs(student.twoSidedPValue(critical) - (1 - level)) <= 1e-6 * (1 - level))
        var model = LinearRegression()
        try model.fit(data, method: .auto)
        let bands = try model.predictionIntervals(try Matrix([[3.5]]), level: level)
        #expect(bands.observationLower[0, 0].isFinite && bands.observationUpper[0, 0].isFinite)
        let predictive = (bands.meanUpper[0, 0] - bands.meanLower[0, 0]) / 2 / bands.meanStandardError[0, 0]
        #expect(abs(predictive - critical) <= 1e-12 * critical)
    }

    @Test func featuresNear1e160GiveFiniteIntervalsOrAClearError() throws {
        // x̃ᵀCx̃ overflowed for a feature of 1e160 (its square) where the standard error is about
        // 1e160·√C₁₁, a finite number: the intervals printed ±inf.
        let data = try Dataset(features: [[1], [2], [3], [4], [5], [6]], targets: [1, 2.5, 2.9, 4.2, 5.1, 5.8])
        var model = LinearRegression()
        try model.fit(data, method: .auto)
        let covariance = try #require(model.inference?.covariances.first)
        let bands = try model.predictionIntervals(try Matrix([[1e160]]), level: 0.95)
        let se = bands.meanStandardError[0, 0]
        // (1, t) with t = 1e160: √(C₀₀ + 2tC₀₁ + t²C₁₁) = t·√C₁₁ to 1e-150 relative.
        #expect(abs(se / 1e160 - covariance[3].squareRoot()) <= 1e-12 * covariance[3].squareRoot())
        #expect(bands.observationLower[0, 0].isFinite && bands.observationUpper[0, 0].isFinite)
        // Beyond Double's range the interval is an error, never ±inf: a finite prediction near
        // 1e306 whose band, at a critical value of about 10⁴ (t with 4 degrees of freedom at a
        // level of 1 − 1.1e-16), passes 1.8e308.
        #expect(throws: ModelError.intervalOverflow(row: 0, output: 0)) {
            try model.predictionIntervals(try Matrix([[1e306]]), level: 0.9999999999999999)
        }
    }

    @Test func aTamperedCovarianceInAModelFileIsRefused() throws {
        let data = try Dataset(features: [[1, 0], [2, 1], [3, 5], [4, 2], [5, 8], [6, 3]], targets: [1, 2.5, 2.9, 4.2, 5.1, 5.8])
        var model = LinearRegression()
        try model.fit(data, method: .auto)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tampered-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.json")
        try model.save(to: url)
        let original = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let covariance = ((original["inference"] as! [String: Any])["covariances"] as! [[Double]])[0]
        // 3×3 (intercept and two features), row-major.
        var negative = covariance, asymmetric = covariance, indefinite = covariance
        negative[4] = -negative[4]
        asymmetric[1] += 1
        // Variances kept, one covariance far past Cauchy–Schwarz: an eigenvalue below zero.
        indefinite[5] = 10 * (covariance[4] * covariance[8]).squareRoot()
        indefinite[7] = indefinite[5]
        for (values, reason) in [
            (negative, "negative variance at row 2"), (asymmetric, "not symmetric at row 1, column 2"),
            (indefinite, "not positive semi-definite"),
        ] {
            var json = original, inference = original["inference"] as! [String: Any]
            inference["covariances"] = [values]
            json["inference"] = inference
            try JSONSerialization.data(withJSONObject: json).write(to: url)
            // The file's error names the file and the reason.
            #expect {
                _ = try LinearRegression(contentsOf: url)
            } throws: { error in
                "\(error)".contains("model.json: the covariance") && "\(error)".contains(reason)
            }
        }
    }

    @Test func gradientDescentModelsHaveNoIntervals() throws {
        let data = try Dataset(features: [[1], [2], [3], [4]], targets: [1, 2.5, 2.9, 4.2])
        var model = LinearRegression()
        try model.fit(data, using: GradientDescent(batchSize: .full, epochs: 50))
        #expect(throws: ModelError.noInference) { try model.predictionIntervals(try Matrix([[1]])) }
        try model.fit(data, method: .auto, ridge: 1)
        #expect(throws: ModelError.noInference) { try model.predictionIntervals(try Matrix([[1]])) }
        try model.fit(data, method: .auto)
        #expect(throws: ArgumentError.self) { try model.predictionIntervals(try Matrix([[1]]), level: 1) }
        #expect(try model.predictionIntervals(try Matrix([[1]])).mean.rows == 1)
        // Gradient descent's model files stay version 2.
        try model.fit(data, using: GradientDescent(batchSize: .full, epochs: 5))
        #expect(try ModelFile(model).version == 2)
    }
}

@Suite struct WeightedLeastSquaresTests {
    static let x: [[Double]] = [[1, 2], [2, 1], [3, 5], [4, 3], [5, 8], [6, 2], [7, 7], [8, 1]]
    static let y: [Double] = [3, 4, 2, 6, 1, 9, 4, 12]

    @Test func aZeroWeightLeavesTheRowOut() throws {
        var weights = [Double](repeating: 1, count: 8)
        weights[3] = 0
        let weighted = try LeastSquares.solve(try Dataset(features: Self.x, targets: Self.y), weights: weights)
        var x = Self.x, y = Self.y
        x.remove(at: 3)
        y.remove(at: 3)
        let dropped = try LeastSquares.solve(try Dataset(features: x, targets: y))
        #expect(relativeError(weighted.coefficients.elements, dropped.coefficients.elements) < 1e-13)
        #expect(abs(weighted.intercept[0] - dropped.intercept[0]) < 1e-12)
        let (a, b) = (weighted.statistics, dropped.statistics)
        #expect(a.observations == 7 && a.degreesOfFreedom == b.degreesOfFreedom)
        let errors = try #require(weighted.coefficientFigures(\.standardError)),
            expected = try #require(dropped.coefficientFigures(\.standardError))
        #expect(relativeError(errors, expected) < 1e-12)
        #expect(abs(a.logLikelihood[0] - b.logLikelihood[0]) < 1e-12 * abs(b.logLikelihood[0]))
        #expect(abs(a.rSquared[0] - b.rSquared[0]) < 1e-13)
    }

    @Test func integerWeightsGiveTheCoefficientsOfRepeatedRows() throws {
        let weights: [Double] = [1, 2, 1, 3, 1, 1, 2, 1]
        let weighted = try LeastSquares.solve(try Dataset(features: Self.x, targets: Self.y), method: .qr, weights: weights)
        var x: [[Double]] = [], y: [Double] = []
        for i in weights.indices {
            for _ in 0..<Int(weights[i]) {
                x.append(Self.x[i])
                y.append(Self.y[i])
            }
        }
        let repeated = try LeastSquares.solve(try Dataset(features: x, targets: y), method: .qr)
        #expect(relativeError(weighted.coefficients.elements, repeated.coefficients.elements) < 1e-13)
        #expect(abs(weighted.intercept[0] - repeated.intercept[0]) < 1e-12)
        // The same residual sum of squares; the degrees of freedom differ (analytic weights, as statsmodels' WLS).
        #expect(abs(weighted.statistics.residualSumOfSquares[0] - repeated.statistics.residualSumOfSquares[0]) < 1e-11)
    }

    @Test func badWeightsAreRefusedByName() throws {
        let data = try Dataset(features: Self.x, targets: Self.y)
        #expect(throws: ArgumentError(argument: "weights", value: "3 weights", requirement: "must give one weight per row (8)")) {
            try LeastSquares.solve(data, weights: [1, 2, 3])
        }
        #expect(throws: ArgumentError(argument: "weights", value: "-1.0 (row 2)", requirement: "must be finite and zero or positive")) {
            try LeastSquares.solve(data, weights: [1, -1, 1, 1, 1, 1, 1, 1])
        }
        #expect(throws: ArgumentError(argument: "weights", value: "nan (row 1)", requirement: "must be finite and zero or positive")) {
            try LeastSquares.solve(data, weights: [.nan, 1, 1, 1, 1, 1, 1, 1])
        }
        #expect(throws: ArgumentError(argument: "weights", value: "all zero", requirement: "must leave at least one row")) {
            try LeastSquares.solve(data, weights: Array(repeating: 0, count: 8))
        }
        #expect(throws: ArgumentError.self) { try LeastSquares.solve(data, confidenceLevel: 1) }
    }

    private func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) / max(abs($1), 1e-300) }.max() ?? 0
    }
}
