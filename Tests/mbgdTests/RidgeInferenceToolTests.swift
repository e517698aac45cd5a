import Foundation
import Testing

/// Standard errors under ridge through the tool: `mbgd solve --l2 A` and `mbgd solve --ridge loo`
/// at a one-alpha grid give numpy's sandwich (Tests/Fixtures/ridge-inference, made by its
/// script) under the unpenalized table's JSON keys, and say what they are conditional on.
@Suite struct RidgeInferenceToolTests {
    struct Problem {
        let alpha: Double, fitIntercept: Bool
        let features: [[Double]], target: [Double], weights: [Double]?
        let residualDegrees: Double, effectiveDegrees: Double
        let figures: [String: Any]

        init(_ name: String) throws {
            let path =
                URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path
                + "/Fixtures/ridge-inference/problems.json"
            let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            let problem = try #require((root["problems"] as? [[String: Any]])?.first { $0["name"] as? String == name })
            alpha = try #require(problem["alpha"] as? Double)
            fitIntercept = try #require(problem["fitIntercept"] as? Bool)
            features = try #require(problem["features"] as? [[Double]])
            target = try #require((problem["targets"] as? [[Double]])?.map { $0[0] })
            weights = problem["weights"] as? [Double]
            residualDegrees = try #require(problem["residualDegreesOfFreedom"] as? Double)
            effectiveDegrees = try #require(problem["effectiveDegreesOfFreedom"] as? Double)
            let first = try #require((problem["perTarget"] as? [[String: Any]])?.first)
            figures = try #require((first["figures"] as? [String: Any])?["nonrobust"] as? [String: Any])
        }

        func csv() throws -> String {
            let p = features[0].count
            var lines = [((0..<p).map { "x\($0)" } + ["y"] + (weights == nil ? [] : ["w"])).joined(separator: ",")]
            for i in features.indices {
                lines.append((features[i] + [target[i]] + (weights.map { [$0[i]] } ?? [])).map { "\($0)" }.joined(separator: ","))
            }
            return try write(lines.joined(separator: "\n") + "\n", to: scratchFolder() + "/ridge.csv")
        }

        var options: [String] { (weights == nil ? [] : ["--weights", "w"]) + (fitIntercept ? [] : ["--no-intercept"]) }
    }

    /// The JSON's statistics against the fixture's: the features' entries, the intercept's apart.
    static func check(_ json: [String: Any], _ problem: Problem, _ label: String) throws {
        let offset = problem.fitIntercept ? 1 : 0
        for (key, interceptKey, column) in [
            ("standardErrors", "interceptStandardError", "standardErrors"), ("tValues", "interceptTValue", "tValues"),
            ("pValues", "interceptPValue", "pValues"),
        ] {
            let expected = try #require(problem.figures[column] as? [Double])
            let found = try #require(json[key] as? [Double], "\(label): \(key)")
            #expect(relativeDifference(found, Array(expected[offset...])) < 1e-7, "\(label): \(key) \(found) vs \(expected)")
            if offset == 1 {
                let intercept = try #require(json[interceptKey] as? Double)
                #expect(abs(intercept - expected[0]) <= 1e-7 * abs(expected[0]), "\(label): \(interceptKey)")
            } else {
                #expect(json[interceptKey] is NSNull)
            }
        }
        let lower = try #require(problem.figures["lower"] as? [Double]), upper = try #require(problem.figures["upper"] as? [Double])
        let intervals = try #require(json["confidenceIntervals"] as? [[Double]])
        #expect(relativeDifference(intervals.map { $0[0] }, Array(lower[offset...])) < 1e-8, "\(label)")
        #expect(relativeDifference(intervals.map { $0[1] }, Array(upper[offset...])) < 1e-8, "\(label)")
        let degrees = try #require(json["degreesOfFreedom"] as? Double)
        #expect(abs(degrees - problem.residualDegrees) < 1e-9 * problem.residualDegrees, "\(label)")
    }

    @Test(arguments: ["tall", "weighted", "no intercept"])
    func solveWithL2GivesTheSandwich(name: String) throws {
        let problem = try Problem(name)
        let file = try problem.csv()
        let run = try mbgd(arguments: ["solve", file, "--target", "y", "--l2", "\(problem.alpha)", "--json"] + problem.options)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        try Self.check(json, problem, "\(name) --l2")
        #expect(json["ridgeAlpha"] as? Double == problem.alpha && json["fStatistic"] is NSNull)
        let effective = try #require(json["effectiveDegreesOfFreedom"] as? Double)
        #expect(abs(effective - problem.effectiveDegrees) < 1e-9 * problem.effectiveDegrees)
        // The path at a grid of that one alpha gives the same figures, under the same keys.
        let path = try mbgd(
            arguments: ["solve", file, "--target", "y", "--ridge", "loo", "--alphas", "\(problem.alpha)", "--json"] + problem.options)
        #expect(path.status == 0, "\(path.stderr)")
        try Self.check(try path.json, problem, "\(name) --ridge")
    }

    /// The reports say the figures are conditional on α, over n − tr H degrees of freedom, and
    /// that the intervals cover the shrunken coefficients; a saved ridge model has no covariance.
    @Test func theReportsSayWhatTheFiguresAreConditionalOn() throws {
        let problem = try Problem("tall")
        let file = try problem.csv()
        let folder = try scratchFolder()
        let run = try mbgd("solve", file, "--target", "y", "--l2", "2.5", "--save-model", folder + "/m.json")
        #expect(run.status == 0, "\(run.stderr)")
        for text in [
            "ridge α = 2.5 (scikit-learn's Ridge", "conditional on α", "interval covers the shrunken coefficient",
            "(n − tr H, tr H = ", "(without a covariance: no prediction intervals, which need a fit without ridge)",
        ] {
            #expect(run.stdout.contains(text), "\(text)\n\(run.stdout)")
        }
        #expect(!run.stdout.contains("F-statistic") && !run.stdout.contains("standard errors need"))
        let path = try mbgd("solve", file, "--target", "y", "--ridge", "gcv", "--confidence", "0.9")
        #expect(path.status == 0, "\(path.stderr)")
        #expect(path.stdout.contains("At the best alpha, conditional on it") && path.stdout.contains("5 %") && path.stdout.contains("95 %"))
        #expect(path.stdout.contains("Intervals at 90 % from Student's t."))
    }
}
