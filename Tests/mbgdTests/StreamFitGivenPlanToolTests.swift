import Foundation
import Testing

/// `mbgd fit -` over a stream of several windows with the plan given (`--learning-rate`,
/// `--no-standardize`): nothing is taken from the first window, so the online pass is the file's
/// one-epoch fit in order, bit for bit, however many windows the stream spans.
@Suite struct StreamFitGivenPlanToolTests {
    @Test(arguments: [
        ["--batch-size", "32", "--learning-rate", "0.0001"],
        ["--batch-size", "1", "--learning-rate", "0.00002", "--optimizer", "momentum"],
        ["--batch-size", "7", "--learning-rate", "0.01", "--optimizer", "adam"],
    ])
    func severalWindowsAreTheFilesOneEpochFit(options: [String]) throws {
        let folder = try scratchFolder()
        let text = StreamFitToolTests.rows.text
        let path = try write(text, to: folder + "/rows.csv")
        let given = options + ["--no-standardize", "--json"]
        let stream = try mbgd(arguments: ["fit", "-"] + given, standardInput: text)
        #expect(stream.status == 0, "\(stream.stderr)")
        let report = try stream.json
        // The stream spans several windows, so this is not the one-window case.
        let windowRows = try #require(report["windowRows"] as? Int)
        #expect(windowRows < 40000, "\(windowRows)")
        let file = try mbgd(
            arguments: ["fit", path, "--no-shuffle", "--epochs", "1", "--no-average", "--tolerance", "0"] + given)
        #expect(file.status == 0, "\(file.stderr)")
        let fileReport = try file.json
        #expect(
            StreamFitToolTests.numbers(report["coefficients"]) == StreamFitToolTests.numbers(fileReport["coefficients"]), "\(options)")
        #expect(StreamFitToolTests.numbers(report["intercept"]) == StreamFitToolTests.numbers(fileReport["intercept"]), "\(options)")
    }
}
