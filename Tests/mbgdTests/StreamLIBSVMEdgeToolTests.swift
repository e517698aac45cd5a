import Foundation
import Testing

/// libsvm streams at their edges: a first line longer than the sniffer reads, an empty or
/// comment-only stream, and a batch too large to hold, each told apart clearly.
@Suite struct StreamLIBSVMEdgeToolTests {
    /// A first row of 12 000 entries (about 100 KB, past the 64 KiB the format is told from) is
    /// still libsvm, and fits as its file does.
    @Test func aFirstLineLongerThanTheSnifferReadsIsStillLibSVM() throws {
        let folder = try scratchFolder()
        let long = "1 " + (1...12000).map { "\($0):\(Double($0 % 7) + 0.5)" }.joined(separator: " ") + "\n"
        let text = long + "2 3:1.5 7:2\n0 1:1\n1.5 12000:3\n"
        let path = try write(text, to: folder + "/long.svm")
        let stream = try mbgd(arguments: ["fit", "-", "--n-features", "12000", "--no-standardize", "--json"], standardInput: text)
        #expect(stream.status == 0, "\(stream.stderr)")
        let file = try mbgd(
            arguments: [
                "fit", path, "--n-features", "12000", "--no-standardize", "--no-shuffle", "--epochs", "1", "--no-average", "--tolerance",
                "0", "--json",
            ])
        #expect(file.status == 0, "\(file.stderr)")
        #expect(
            StreamFitToolTests.numbers(try stream.json["coefficients"]) == StreamFitToolTests.numbers(try file.json["coefficients"]))
    }

    @Test(arguments: ["", "# only a comment\n\n"])
    func aStreamWithoutRowsIsSaidToBeEmpty(text: String) throws {
        let run = try mbgd(arguments: ["fit", "-", "--n-features", "2"], standardInput: text)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr == "mbgd: error: standard input holds no rows: it is empty, or only blank and comment lines\n", "\(run.stderr)")
    }

    @Test func aBatchTooLargeToHoldIsRefusedByItsFlag() throws {
        let run = try mbgd(
            arguments: ["fit", "-", "--n-features", "2", "--batch-size", "100000000000000"], standardInput: "1 1:1\n2 2:1\n")
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("a batch of 100000000000000 rows of the stream (--batch-size) needs about"), "\(run.stderr)")
    }
}
