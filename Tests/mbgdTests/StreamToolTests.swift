import Foundation
import Testing

/// `mbgd solve -`: a CSV stream read once into the one-pass fit. Its figures are checked against
/// `mbgd solve FILE` on the same text: another reader (by position, in parallel), another
/// factorization (Cholesky of the moments, or QR of all rows) and iterative refinement.
@Suite struct StreamToolTests {
    /// Rows a, b, c, w, y: y = 3 + 2a − b + 0.5c + noise, a with a large mean (the accumulator's
    /// shift matters), a few weights 0, deterministic.
    static func data(rows: Int) -> String {
        var text = "a,b,c,w,y\n"
        for i in 0..<rows {
            let a = 100 + Double(i % 11) - 5 + Double((i * 13) % 7) / 10, b = Double((i * 7) % 13) / 2
            let c = Double((i * 5) % 9) - 4, w = [0.5, 1, 2, 3, 0][i % 5]
            let noise = Double((i * 37) % 17) / 17 - 0.5
            text += "\(a),\(b),\(c),\(w),\(3 + 2 * a - b + 0.5 * c + noise)\n"
        }
        return text
    }

    /// The figures both reports hold, one pass or not.
    static let compared = [
        "intercept", "coefficients", "standardErrors", "interceptStandardError", "tValues", "confidenceIntervals",
        "interceptConfidenceInterval", "residualStandardDeviation", "r2", "adjustedR2", "fStatistic", "logLikelihood", "aic",
        "bic", "durbinWatson", "conditionNumber",
    ]

    static func numbers(_ value: Any?) -> [Double] {
        switch value {
        case let number as Double: [number]
        case let list as [Any]: list.flatMap(numbers)
        default: []
        }
    }

    /// Every figure of `compared` in both JSON reports, equal to `tolerance` relative.
    static func expectSame(_ stream: [String: Any], _ file: [String: Any], tolerance: Double = 1e-12) {
        for key in compared {
            // Absent from both (the intercept's figures without one).
            if file[key] is NSNull {
                #expect(stream[key] is NSNull, "\(key): \(stream[key] ?? "nil")")
                continue
            }
            // R² = 1 − RSS/TSS is compared as 1 − R²: near R² = 0 the subtraction leaves the
            // ratio's rounding as a large relative difference in R² itself.
            let unexplained = key == "r2" || key == "adjustedR2"
            let a = numbers(stream[key]).map { unexplained ? 1 - $0 : $0 }, b = numbers(file[key]).map { unexplained ? 1 - $0 : $0 }
            #expect(!b.isEmpty && a.count == b.count, "\(key): \(stream[key] ?? "nil") vs \(file[key] ?? "nil")")
            for (x, y) in zip(a, b) { #expect(abs(x - y) <= tolerance * max(abs(y), 1e-300), "\(key): \(x) vs \(y)") }
        }
        #expect(stream["observations"] as? Int == file["observations"] as? Int)
        #expect(stream["degreesOfFreedom"] as? Int == file["degreesOfFreedom"] as? Int)
    }

    @Test(arguments: [
        [String](), ["--weights", "w"], ["--target", "a", "--features", "b,c"], ["--no-intercept"], ["--no-intercept", "--weights", "w"],
        ["--features", "c,a", "--confidence", "0.9"],
    ])
    func aStreamEqualsTheFile(arguments: [String]) throws {
        let text = Self.data(rows: 400)
        let file = try write(text, to: try scratchFolder() + "/data.csv")
        let solved = try mbgd(arguments: ["solve", file, "--json"] + arguments)
        let streamed = try mbgd(arguments: ["solve", "-", "--json"] + arguments, standardInput: text)
        #expect(solved.status == 0 && streamed.status == 0, "\(solved.stderr)\(streamed.stderr)")
        let stream = try streamed.json
        Self.expectSame(stream, try solved.json)
        #expect(stream["input"] as? String == "stream" && stream["method"] as? String == "qr")
        // What needs a second pass is null, and said to be absent.
        #expect(stream["errorBounds"] is NSNull && (stream["metrics"] as? [String: Any])?["train"] is NSNull)
        #expect(stream["absent"] as? [String] == ["errorBounds", "interceptErrorBound", "metrics"])
    }

    /// 3 windows and a bit (the window is 1 MiB of values: 43,690 rows of x, w, y), weighted, so
    /// the windows' boundaries cut the weights' split and the Durbin–Watson differences.
    @Test func aStreamLongerThanTheWindowEqualsTheFile() throws {
        let window = (1 << 20) / (8 * 3), rows = 3 * window + 101
        var text = "x,w,y\n"
        text.reserveCapacity(rows * 24)
        for i in 0..<rows {
            let x = Double(i % 1000) / 8, noise = Double((i * 37) % 17) / 17 - 0.5
            text += "\(x),\(i % 3 + 1),\(1 + 2 * x + noise)\n"
        }
        let file = try write(text, to: try scratchFolder() + "/long.csv")
        let solved = try mbgd(arguments: ["solve", file, "--json", "--weights", "w"])
        let streamed = try mbgd(arguments: ["solve", "-", "--json", "--weights", "w"], standardInput: text)
        #expect(solved.status == 0 && streamed.status == 0, "\(solved.stderr)\(streamed.stderr)")
        let stream = try streamed.json
        #expect(stream["windowRows"] as? Int == window && stream["observations"] as? Int == rows)
        Self.expectSame(stream, try solved.json)
        let human = try mbgd(arguments: ["solve", "-", "--weights", "w"], standardInput: text)
        #expect(
            human.stdout.contains("Read once as a stream: \(rows) rows in windows of \(window) rows (1 MiB of parsed values)"),
            "\(human.stdout)")
    }

    /// The stream runs OpenBLAS on one thread: the same bits whatever --threads says.
    @Test func theSameBitsWhateverTheThreadCount() throws {
        let text = Self.data(rows: 3000)
        let one = try mbgd(arguments: ["solve", "-", "--json", "--threads", "1"], standardInput: text)
        let two = try mbgd(arguments: ["solve", "-", "--json", "--threads", "2"], standardInput: text)
        #expect(one.status == 0 && two.status == 0, "\(one.stderr)\(two.stderr)")
        #expect(one.stdout == two.stdout)
    }

    /// The stream's model carries its covariance: predict's intervals from it are the file's.
    @Test func aStreamsSavedModelPredictsWithTheFilesIntervals() throws {
        let text = Self.data(rows: 300), folder = try scratchFolder()
        let file = try write(text, to: folder + "/data.csv")
        let saved = try mbgd(arguments: ["solve", "-", "--weights", "w", "--save-model", folder + "/stream.json"], standardInput: text)
        let reference = try mbgd("solve", file, "--weights", "w", "--save-model", folder + "/file.json")
        #expect(saved.status == 0 && reference.status == 0, "\(saved.stderr)\(reference.stderr)")
        func predicted(_ model: String) throws -> [Double] {
            let run = try mbgd("predict", "--model", folder + "/" + model, file, "--intervals", "0.95")
            #expect(run.status == 0, "\(run.stderr)")
            return run.stdout.split(separator: "\n").dropFirst().flatMap { $0.split(separator: ",").compactMap { Double($0) } }
        }
        let a = try predicted("stream.json"), b = try predicted("file.json")
        #expect(a.count == 300 * 6 && a.count == b.count)
        for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-12 * abs(y), "\(x) vs \(y)") }
    }

    /// /dev/stdin on a pipe and a named FIFO are streams too: the same report as `-`.
    @Test func devStdinAndAFIFOAreStreams() throws {
        let text = Self.data(rows: 50), folder = try scratchFolder()
        let file = try write(text, to: folder + "/data.csv")
        let dash = try mbgd(arguments: ["solve", "-", "--json"], standardInput: text)
        let stdin = try mbgd(arguments: ["solve", "/dev/stdin", "--json"], standardInput: text)
        #expect(mkfifo(folder + "/pipe", 0o600) == 0)
        let fifo = try run(
            "/bin/sh",
            arguments: [
                "-c", "cat \(shellQuoted(file)) > \(shellQuoted(folder + "/pipe")) & exec \(shellQuoted(toolPath)) solve pipe --json",
            ],
            in: folder, timeout: 60)
        #expect(dash.status == 0 && stdin.status == 0 && fifo.status == 0, "\(dash.stderr)\(stdin.stderr)\(fifo.stderr)")
        let reference = try dash.json
        #expect(reference["input"] as? String == "stream")
        for other in [try stdin.json, try fifo.json] { Self.expectSame(other, reference, tolerance: 0) }
    }

    @Test(arguments: [
        ("", [String](), "standard input, line 1: the stream is empty; a header line of column names must come first"),
        ("a,y\n", [], "standard input, line 2: the stream ends after its header, with no rows to fit"),
        (
            "a,y\n1,2\n2,3.5\n3,4\nx,5\n", [],
            "standard input, line 5, column 1: 'x' is not a number; if that column holds text, leave it out (--features names the columns to use)"
        ),
        ("a,y\n1,2\n2,3\n3,4,5\n", [], "standard input, line 4: the row has 3 cells but the header has 2"),
        (
            "a,w,y\n1,1,2\n2,1,3\n3,-2,5\n", ["--weights", "w"],
            "standard input, line 4: the weight -2 (--weights w) must be zero or positive"
        ),
        ("a,w,y\n1,0,2\n2,0,3\n", ["--weights", "w"], "--weights w: every weight in standard input is 0, which leaves no row to fit"),
        (
            "a,y\n1,2\n", [],
            "standard input: the 1 row do not determine the 2 coefficients (too few rows, or dependent columns); a stream is solved by QR alone: save it to a file (cat > data.csv) for --method svd's minimum-norm solution"
        ),
    ])
    func badStreamsAreRefusedNamingTheLine(input: String, arguments: [String], message: String) throws {
        let run = try mbgd(arguments: ["solve", "-"] + arguments, standardInput: input)
        #expect(run.status == 1 && run.stderr == "mbgd: error: \(message)\n", "\(run.status) \(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test(arguments: [
        (["--method", "svd"], "a stream is solved by tall-skinny QR as it is read (qr, or auto); drop --method svd"),
        (
            ["--covariance", "hc3"],
            "the HC covariances need each row's leverage and residual once β is known, a second pass; save the stream to a file first (mbgd convert - data.npy, or cat > data.csv) and solve that; drop --covariance hc3"
        ),
        (["--l2", "1"], "drop --l2"), (["--l1", "0.1"], "drop --l1"), (["--ridge", "loo"], "drop --ridge"),
        (["--loss", "huber"], "drop --loss huber"), (["--loss", "quantile"], "drop --loss quantile"),
        (["--categorical", "a"], "drop --categorical"), (["--plot", "p.svg"], "drop --plot"),
        (["--precision", "float32"], "drop --precision float32"),
    ])
    func optionsThatNeedTheRowsAgainAreRefused(arguments: [String], reason: String) throws {
        let run = try mbgd(arguments: ["solve", "-"] + arguments, standardInput: Self.data(rows: 20))
        #expect(
            run.status == 2 && run.stderr.contains("Error: solve - reads the stream once: ") && run.stderr.contains(reason), "\(run.stderr)"
        )
    }
}
