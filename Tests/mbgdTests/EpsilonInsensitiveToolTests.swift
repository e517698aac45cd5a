import Foundation
import Testing

/// `mbgd solve` and `mbgd fit` with `--loss epsilon-insensitive`, `squared-epsilon-insensitive`
/// and (the descent) `quantile`: SciPy's optima (Tests/Fixtures/epsilon-insensitive, made by its
/// script) through CSV files, the descents' objective gaps, the defaults, and the refusals.
@Suite struct EpsilonInsensitiveToolTests {
    struct Problem {
        let kind: String, epsilon: Double, fitIntercept: Bool, objective: Double
        let features: [[Double]], target: [Double], weights: [Double]?

        init(_ kind: String, _ name: String) throws {
            let path =
                URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path
                + "/Fixtures/epsilon-insensitive/problems.json"
            let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            let problem = try #require(
                (root["problems"] as? [[String: Any]])?.first { $0["name"] as? String == name && $0["kind"] as? String == kind })
            self.kind = kind
            epsilon = try #require(problem["epsilon"] as? Double)
            fitIntercept = try #require(problem["fitIntercept"] as? Bool)
            objective = try #require(problem[kind == "linear" ? "sumLoss" : "meanLoss"] as? Double)
            features = try #require(problem["features"] as? [[Double]])
            target = try #require(problem["target"] as? [Double])
            weights = problem["weights"] as? [Double]
        }

        /// The rows as x0…, y (and w, the weights, when there are some).
        func csv() throws -> String {
            let p = features[0].count
            var lines = [((0..<p).map { "x\($0)" } + ["y"] + (weights == nil ? [] : ["w"])).joined(separator: ",")]
            for (i, (row, y)) in zip(features, target).enumerated() {
                lines.append((row.map { "\($0)" } + ["\(y)"] + (weights.map { ["\($0[i])"] } ?? [])).joined(separator: ","))
            }
            return try write(lines.joined(separator: "\n") + "\n", to: scratchFolder() + "/tube.csv")
        }

        /// The options that give this problem to the tool.
        var options: [String] {
            ["--target", "y", "--epsilon", "\(epsilon)"] + (fitIntercept ? [] : ["--no-intercept"])
                + (weights == nil ? [] : ["--weights", "w"])
        }
    }

    @Test(arguments: ["tube 0.5", "no tube (least absolute deviations)", "weighted", "no intercept", "wide tube", "heavy tails"])
    func solveGivesHighsOptimum(name: String) throws {
        let problem = try Problem("linear", name)
        let run = try mbgd(arguments: ["solve", try problem.csv(), "--loss", "epsilon-insensitive", "--json"] + problem.options)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        #expect(abs(try #require(json["objective"] as? Double) - problem.objective) <= 1e-9 * problem.objective)
        #expect(json["converged"] as? Bool == true && json["method"] as? String == "interior-point")
        #expect(try #require(json["dualityGap"] as? Double) <= 1e-9)
        #expect((json["loss"] as? [String: Any])?["epsilon"] as? Double == problem.epsilon)
    }

    @Test(arguments: ["tube 0.5", "weighted", "no intercept", "scaled columns", "tube wider than the noise"])
    func solveGivesScipyOptimum(name: String) throws {
        let problem = try Problem("squared", name)
        let run = try mbgd(arguments: ["solve", try problem.csv(), "--loss", "squared-epsilon-insensitive", "--json"] + problem.options)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        let objective = try #require(json["objective"] as? Double)
        #expect(abs(objective - problem.objective) <= max(1e-10 * problem.objective, 1e-14))
        #expect(json["converged"] as? Bool == true && json["method"] as? String == "newton")
    }

    /// Without --epsilon, ε is scikit-learn's 0.1, and the text says it is the default.
    @Test func theDefaultEpsilonIsScikitLearns() throws {
        let file = try Problem("linear", "tube 0.5").csv()
        for loss in ["epsilon-insensitive", "squared-epsilon-insensitive"] {
            let run = try mbgd("solve", file, "--target", "y", "--loss", loss, "--json")
            #expect(run.status == 0, "\(run.stderr)")
            #expect((try run.json["loss"] as? [String: Any])?["epsilon"] as? Double == 0.1)
            let text = try mbgd("solve", file, "--target", "y", "--loss", loss)
            #expect(text.status == 0 && text.stdout.contains("ε = 0.1 (the default, scikit-learn's)"), "\(text.stdout)")
        }
    }

    /// The descents with the tool's defaults: the subgradient method (η₀/√t, averaged) for the
    /// losses with kinks, the automatic step for the squared one; each objective within 1e-3 of
    /// the exact optimum's (the verdict's "converged"), never below it.
    @Test(arguments: [
        ("epsilon-insensitive", ["--epsilon", "0.25"], true), ("squared-epsilon-insensitive", ["--epsilon", "0.25"], false),
        ("quantile", ["--quantile", "0.75"], true),
    ])
    func theDescentReachesTheOptimumsObjective(loss: String, options: [String], subgradient: Bool) throws {
        let file = try Problem("linear", "heavy tails").csv()
        let run = try mbgd(arguments: ["fit", file, "--target", "y", "--loss", loss, "--json"] + options)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        let reference = try #require(json["closedForm"] as? [String: Any])
        let gap = try #require(reference["costRelativeDifference"] as? Double)
        #expect(gap >= -1e-12 && gap <= 1e-3, "\(gap)")
        #expect((json["verdict"] as? String)?.hasPrefix("converged") == true)
        #expect(json["subgradient"] as? Bool == subgradient)
        #expect((json["loss"] as? [String: Any])?["name"] as? String == loss)
        // The subgradient's rate is least squares' times the target's spread.
        let reason = try #require((json["training"] as? [String: Any])?["learningRateReason"] as? String)
        #expect(reason.contains("target's spread") == subgradient, "\(reason)")
        let text = try mbgd(arguments: ["fit", file, "--target", "y", "--loss", loss] + options)
        #expect(text.stdout.contains("subgradient method") == subgradient, "\(text.stdout)")
    }

    @Test func optionsThatMeanNothingBesideTheLossesAreRefused() throws {
        let file = try Problem("linear", "tube 0.5").csv()
        let sparse = try write("1 1:2 2:1\n0 2:1\n3 1:1\n", to: scratchFolder() + "/tube.svm")
        for (arguments, message) in [
            (["solve", sparse, "--loss", "epsilon-insensitive", "--covariance", "hc3"], "drop --covariance"),
            (["fit", sparse, "--loss", "quantile", "--l2", "1"], "drop --l2"),
            (["solve", file, "--target", "y", "--epsilon", "0.3"], "give --loss epsilon-insensitive or squared-epsilon-insensitive"),
            (["fit", file, "--target", "y", "--loss", "epsilon-insensitive", "--epsilon", "-1"], "--epsilon = -1.0 is invalid"),
            (["solve", file, "--target", "y", "--loss", "epsilon-insensitive", "--epsilon", "-1"], "--epsilon = -1.0 is invalid"),
            (["fit", file, "--target", "y", "--loss", "squared-epsilon-insensitive", "--epsilon", "nan"], "--epsilon = nan is invalid"),
            (
                ["fit", file, "--target", "y", "--loss", "epsilon-insensitive", "--optimizer", "adam", "--epsilon", "0.1"],
                "not adam's ε"
            ),
            (["fit", file, "--target", "y", "--loss", "quantile", "--l2", "1"], "drop --l2"),
            (["fit", file, "--target", "y", "--loss", "epsilon-insensitive", "--l1", "0.1"], "drop --l1"),
            (["solve", file, "--target", "y", "--loss", "squared-epsilon-insensitive", "--l2", "1"], "drop --l2"),
            (["solve", file, "--target", "y", "--loss", "epsilon-insensitive", "--covariance", "hc3"], "drop --covariance"),
            (["solve", file, "--target", "y", "--loss", "epsilon-insensitive", "--quantile", "0.3"], "give --loss quantile"),
        ] {
            let run = try mbgd(arguments: arguments)
            #expect(run.status == 2, "\(arguments): \(run.status)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }
}
