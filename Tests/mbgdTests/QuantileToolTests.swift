import Foundation
import Testing

/// `mbgd solve --loss quantile`: HiGHS's optima (Tests/Fixtures/quantile, made by its script)
/// through CSV files, the median by default, and the options refused beside it.
@Suite struct QuantileToolTests {
    struct Problem {
        let quantile: Double, fitIntercept: Bool, objective: Double, zeroResiduals: Int
        let features: [[Double]], target: [Double], weights: [Double]?, coefficients: [Double], intercept: Double

        init(_ name: String) throws {
            let path =
                URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path
                + "/Fixtures/quantile/problems.json"
            let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            let problem = try #require((root["problems"] as? [[String: Any]])?.first { $0["name"] as? String == name })
            quantile = try #require(problem["quantile"] as? Double)
            fitIntercept = try #require(problem["fitIntercept"] as? Bool)
            objective = try #require(problem["objective"] as? Double)
            zeroResiduals = try #require(problem["zeroResiduals"] as? Int)
            features = try #require(problem["features"] as? [[Double]])
            target = try #require(problem["target"] as? [Double])
            weights = problem["weights"] as? [Double]
            coefficients = try #require(problem["coefficients"] as? [Double])
            intercept = try #require(problem["intercept"] as? Double)
        }

        /// The rows as x0…, y (and w, the weights, when there are some).
        func csv() throws -> String {
            let p = features[0].count
            var lines = [((0..<p).map { "x\($0)" } + ["y"] + (weights == nil ? [] : ["w"])).joined(separator: ",")]
            for (i, (row, y)) in zip(features, target).enumerated() {
                lines.append((row.map { "\($0)" } + ["\(y)"] + (weights.map { ["\($0[i])"] } ?? [])).joined(separator: ","))
            }
            return try write(lines.joined(separator: "\n") + "\n", to: scratchFolder() + "/quantile.csv")
        }
    }

    @Test(arguments: ["median", "lower decile", "upper decile", "weighted", "no intercept", "heavy tails"])
    func solveGivesHighsOptimum(name: String) throws {
        let problem = try Problem(name)
        let run = try mbgd(
            arguments: ["solve", try problem.csv(), "--target", "y", "--loss", "quantile", "--quantile", "\(problem.quantile)", "--json"]
                + (problem.fitIntercept ? [] : ["--no-intercept"]) + (problem.weights == nil ? [] : ["--weights", "w"]))
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        #expect(relativeDifference(try #require(json["coefficients"] as? [Double]), problem.coefficients) < 1e-6)
        if problem.fitIntercept {
            #expect(abs(try #require(json["intercept"] as? Double) - problem.intercept) < 1e-6 * max(1, abs(problem.intercept)))
        }
        #expect(abs(try #require(json["objective"] as? Double) - problem.objective) <= 1e-9 * problem.objective)
        #expect(json["converged"] as? Bool == true && json["zeroResiduals"] as? Int == problem.zeroResiduals)
        #expect(try #require(json["dualityGap"] as? Double) <= 1e-9)
        #expect(json["quantile"] as? Double == problem.quantile && json["method"] as? String == "interior-point")
    }

    /// Without --quantile, τ is 0.5: the "median" problem's answer, and the report says so.
    @Test func theDefaultQuantileIsTheMedian() throws {
        let problem = try Problem("median")
        let file = try problem.csv()
        let run = try mbgd("solve", file, "--target", "y", "--loss", "quantile", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(relativeDifference(try #require(try run.json["coefficients"] as? [Double]), problem.coefficients) < 1e-6)
        let text = try mbgd("solve", file, "--target", "y", "--loss", "quantile")
        #expect(text.status == 0 && text.stdout.contains("τ = 0.5 (the median: least absolute deviations)"), "\(text.stdout)")
        #expect(text.stdout.contains("converged after") && text.stdout.contains("duality gap"), "\(text.stdout)")
    }

    /// OpenBLAS runs on one thread inside the solve: the answer's bits do not depend on --threads.
    @Test func theThreadCountLeavesTheBitsAlone() throws {
        let file = try Problem("heavy tails").csv()
        let runs = try ["1", "2"].map {
            try mbgd("solve", file, "--target", "y", "--loss", "quantile", "--quantile", "0.75", "--threads", $0, "--json")
        }
        for run in runs { #expect(run.status == 0, "\(run.stderr)") }
        let answers = try runs.map {
            try #require(try $0.json["coefficients"] as? [Double]) + [try #require(try $0.json["intercept"] as? Double)]
        }
        #expect(answers[0].map(\.bitPattern) == answers[1].map(\.bitPattern))
    }

    @Test func optionsThatMeanNothingBesideQuantileAreRefused() throws {
        let file = try Problem("median").csv()
        let sparse = try write("1 1:2 2:1\n0 2:1\n3 1:1\n", to: scratchFolder() + "/quantile.svm")
        let run = try mbgd("solve", sparse, "--loss", "quantile", "--method", "qr")
        #expect(run.status == 2 && run.stderr.contains("drop --method"), "\(run.stderr)")
        for (arguments, message) in [
            (["solve", file, "--target", "y", "--quantile", "0.3"], "give --loss quantile"),
            (["solve", file, "--target", "y", "--loss", "quantile", "--quantile", "1"], "--quantile = 1.0 is invalid"),
            (["solve", file, "--target", "y", "--loss", "quantile", "--quantile", "0"], "--quantile = 0.0 is invalid"),
            (["solve", file, "--target", "y", "--loss", "quantile", "--quantile", "nan"], "--quantile = nan is invalid"),
            (["solve", file, "--target", "y", "--loss", "quantile", "--l2", "1"], "drop --l2"),
            (["solve", file, "--target", "y", "--loss", "quantile", "--l1", "0.1"], "drop --l1"),
            (["solve", file, "--target", "y", "--loss", "quantile", "--ridge", "loo"], "drop --ridge"),
            (["solve", file, "--target", "y", "--loss", "quantile", "--method", "qr"], "drop --method"),
            (["solve", file, "--target", "y", "--loss", "quantile", "--covariance", "hc3"], "drop --covariance"),
            (["solve", file, "--target", "y", "--loss", "quantile", "--delta", "1"], "give --loss huber"),
        ] {
            let run = try mbgd(arguments: arguments)
            #expect(run.status == 2, "\(arguments)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }
}
