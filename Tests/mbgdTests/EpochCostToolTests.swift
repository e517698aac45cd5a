import Foundation
import Testing

/// `mbgd fit --epoch-cost`: the JSON's labels, the final cost as one pass at the end, the steps
/// unchanged, and the stream's refusal.
@Suite struct EpochCostToolTests {
    @Test func aRunningCostFitReportsTheFullCostAtItsEndAndTakesTheSameSteps() throws {
        let folder = try scratchFolder()
        let data = houseLikeCSV()
        let path = try write(data.text, to: folder + "/houses.csv")
        let common = [
            "fit", path, "--target", "y", "--batch-size", "8", "--epochs", "30", "--learning-rate", "0.01", "--no-average",
            "--no-early-stopping", "--json",
        ]
        let running = try mbgd(arguments: common + ["--epoch-cost", "running"])
        let full = try mbgd(arguments: common)
        #expect(running.status == 0 && full.status == 0, "\(running.stderr) \(full.stderr)")
        let (r, f) = (try running.json, try full.json)
        let training = try #require(r["training"] as? [String: Any]), history = try #require(r["history"] as? [String: Any])
        #expect(training["epochCost"] as? String == "running" && history["epochCost"] as? String == "running")
        #expect((f["training"] as? [String: Any])?["epochCost"] as? String == "full")
        // The steps do not depend on the cost reported: the same coefficients, bit for bit.
        let coefficients = try #require(r["coefficients"] as? [Double]), intercept = try #require(r["intercept"] as? Double)
        #expect(coefficients == f["coefficients"] as? [Double] && intercept == f["intercept"] as? Double)
        // The final cost is ½·mean of the squared residuals at the reported parameters, by hand.
        var halfSquares = 0.0
        for i in data.y.indices {
            let residual = intercept + coefficients[0] * data.a[i] + coefficients[1] * data.b[i] - data.y[i]
            halfSquares += 0.5 * residual * residual
        }
        let finalCost = try #require(history["finalCost"] as? Double)
        #expect(abs(finalCost - halfSquares / Double(data.y.count)) <= 1e-9 * finalCost)
        let fullCosts = try #require((f["history"] as? [String: Any])?["epochCosts"] as? [Double])
        #expect(abs(finalCost - fullCosts.last!) <= 1e-12 * finalCost)
        // The running costs are another series: the iterates' losses as the epoch went.
        let runningCosts = try #require(history["epochCosts"] as? [Double])
        #expect(runningCosts.count == 30 && runningCosts != fullCosts)
        let text = try mbgd(arguments: common.filter { $0 != "--json" } + ["--epoch-cost", "running"])
        #expect(text.stdout.contains("; the last epoch's running cost (its batches' before their updates) "), "\(text.stdout)")
    }

    @Test func aStreamRefusesItsEpochCost() throws {
        let run = try mbgd("fit", "-", "--epoch-cost", "running")
        #expect(run.status != 0)
        #expect(run.stderr.contains("--epoch-cost") && run.stderr.contains("progressive validation loss"), "\(run.stderr)")
    }
}
