import Foundation
import Testing

/// `mbgd solve --loss huber` and `mbgd fit --loss huber`: statsmodels' answers (Tests/Fixtures/huber,
/// made by its script) through CSV files, the default δ, and the options refused beside it.
@Suite struct HuberToolTests {
    struct Problem {
        let delta: Double, defaultDelta: Double, fitIntercept: Bool, outliers: Int
        let features: [[Double]], target: [Double], coefficients: [Double], intercept: Double

        init(_ name: String) throws {
            let path =
                URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path
                + "/Fixtures/huber/problems.json"
            let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            let problem = try #require((root["problems"] as? [[String: Any]])?.first { $0["name"] as? String == name })
            delta = try #require(problem["delta"] as? Double)
            defaultDelta = try #require(problem["defaultDelta"] as? Double)
            fitIntercept = try #require(problem["fitIntercept"] as? Bool)
            outliers = try #require(problem["outliers"] as? Int)
            features = try #require(problem["features"] as? [[Double]])
            target = try #require(problem["target"] as? [Double])
            coefficients = try #require(problem["coefficients"] as? [Double])
            intercept = try #require(problem["intercept"] as? Double)
        }

        func csv() throws -> String {
            let p = features[0].count
            var lines = [((0..<p).map { "x\($0)" } + ["y"]).joined(separator: ",")]
            for (row, y) in zip(features, target) { lines.append((row.map { "\($0)" } + ["\(y)"]).joined(separator: ",")) }
            return try write(lines.joined(separator: "\n") + "\n", to: scratchFolder() + "/huber.csv")
        }
    }

    @Test(arguments: ["heavy tails", "small delta", "no intercept", "scaled columns"]) func solveGivesStatsmodelsAnswer(name: String) throws
    {
        let problem = try Problem(name)
        let run = try mbgd(
            arguments: ["solve", try problem.csv(), "--target", "y", "--loss", "huber", "--delta", "\(problem.delta)", "--json"]
                + (problem.fitIntercept ? [] : ["--no-intercept"]))
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        #expect(relativeDifference(try #require(json["coefficients"] as? [Double]), problem.coefficients) < 1e-9)
        if problem.fitIntercept {
            #expect(abs(try #require(json["intercept"] as? Double) - problem.intercept) < 1e-9 * max(1, abs(problem.intercept)))
        }
        #expect(json["outliers"] as? Int == problem.outliers && json["converged"] as? Bool == true)
    }

    /// Without --delta, δ is 1.35 × 1.4826 × the median absolute deviation of the least-squares
    /// residuals (numpy's, in the fixture).
    @Test func theDefaultDeltaIsFromTheLeastSquaresResiduals() throws {
        let problem = try Problem("heavy tails")
        let run = try mbgd("solve", try problem.csv(), "--target", "y", "--loss", "huber", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let delta = try #require((try run.json["loss"] as? [String: Any])?["delta"] as? Double)
        #expect(abs(delta - problem.defaultDelta) <= 1e-9 * problem.defaultDelta)
    }

    @Test func fitAtFullBatchReachesTheExactAnswer() throws {
        let problem = try Problem("heavy tails")
        let run = try mbgd(
            "fit", try problem.csv(), "--target", "y", "--loss", "huber", "--delta", "\(problem.delta)", "--batch-size", "full",
            "--optimizer",
            "nesterov", "--epochs", "20000", "--no-early-stopping", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        #expect(relativeDifference(try #require(json["coefficients"] as? [Double]), problem.coefficients) < 1e-7)
        #expect((json["verdict"] as? String)?.hasPrefix("converged") == true)
    }

    @Test func optionsThatMeanNothingBesideHuberAreRefused() throws {
        let file = try Problem("heavy tails").csv()
        let sparse = try write("1 1:2 2:1\n0 2:1\n3 1:1\n", to: scratchFolder() + "/huber.svm")
        let run = try mbgd("solve", sparse, "--loss", "huber", "--delta", "1", "--l2", "1")
        #expect(run.status == 2 && run.stderr.contains("drop --l2"), "\(run.stderr)")
        for (arguments, message, status) in [
            (["solve", file, "--target", "y", "--delta", "1"], "give --loss huber", Int32(2)),
            (["solve", file, "--target", "y", "--loss", "huber", "--delta", "0"], "--delta = 0.0 is invalid", 2),
            (["solve", file, "--target", "y", "--loss", "huber", "--l2", "1"], "drop --l2", 2),
            (["fit", file, "--target", "y", "--loss", "huber", "--l1", "0.1"], "drop --l1", 2),
        ] {
            let run = try mbgd(arguments: arguments)
            #expect(run.status == status, "\(arguments)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }
}
