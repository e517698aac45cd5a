import Foundation
import Testing

/// `mbgd fit -`: online descent over a CSV stream read once. Checked against the file's own
/// one-epoch fit in order (one window: the same plan and batches, the same bits), against
/// `mbgd solve FILE` for the exact reference accumulated beside it, and against the cost of its
/// coefficients recomputed here from the rows.
@Suite struct StreamFitToolTests {
    /// 40 000 rows of five features and y: two windows of the stream reader.
    static let rows: (text: String, x: [[Double]], y: [Double]) = {
        var text = "a,b,c,d,e,y\n", xs: [[Double]] = [], ys: [Double] = []
        var state: UInt64 = 7
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
        for _ in 0..<40000 {
            let x = [10 + next(), next(), 3 * next(), next() * next(), 100 + 5 * next()]
            let y = 4 + 2 * x[0] - x[1] + 0.5 * x[2] + 3 * x[3] - 0.1 * x[4] + 0.2 * next()
            text += x.map { "\($0)" }.joined(separator: ",") + ",\(y)\n"
            xs.append(x)
            ys.append(y)
        }
        return (text, xs, ys)
    }()

    static func numbers(_ value: Any?) -> [Double] {
        switch value {
        case let number as Double: [number]
        case let list as [Any]: list.flatMap(numbers)
        default: []
        }
    }

    /// A stream shorter than a window is planned on all its rows, as the file is: the file's fit
    /// with --no-shuffle --epochs 1 --no-average gives the same coefficients, bit for bit.
    @Test func oneWindowIsTheFilesOneEpochFit() throws {
        let text = try String(contentsOfFile: "Examples/data/houses.csv", encoding: .utf8)
        for options in [["--batch-size", "16"], ["--batch-size", "1", "--optimizer", "adam"]] {
            let stream = try mbgd(arguments: ["fit", "-", "--target", "price", "--json"] + options, standardInput: text)
            #expect(stream.status == 0, "\(stream.stderr)")
            let file = try mbgd(
                arguments: [
                    "fit", "Examples/data/houses.csv", "--target", "price", "--no-shuffle", "--epochs", "1", "--no-average", "--tolerance",
                    "0", "--json",
                ]
                    + options)
            let (s, f) = (try stream.json, try file.json)
            #expect(Self.numbers(s["coefficients"]) == Self.numbers(f["coefficients"]), "\(options)")
            #expect(Self.numbers(s["intercept"]) == Self.numbers(f["intercept"]), "\(options)")
        }
    }

    /// Several windows: the reference is `mbgd solve`'s least squares; the reported gaps are those
    /// recomputed here from the rows; one progressive loss per window, falling as it learns.
    @Test func severalWindowsAgainstSolveAndTheRows() throws {
        let folder = try scratchFolder()
        let path = try write(Self.rows.text, to: folder + "/rows.csv")
        let stream = try mbgd(arguments: ["fit", "-", "--json"], standardInput: Self.rows.text)
        #expect(stream.status == 0, "\(stream.stderr)")
        let report = try stream.json
        let solve = try mbgd("solve", path, "--json").json
        let reference = report["reference"] as! [String: Any]
        let exact = Self.numbers(solve["coefficients"]) + Self.numbers(solve["intercept"])
        let accumulated = Self.numbers(reference["coefficients"]) + Self.numbers(reference["intercept"])
        #expect(relativeDifference(accumulated, exact) < 1e-10)
        let training = report["training"] as! [String: Any]
        let losses = Self.numbers(training["windowProgressiveLosses"])
        let windowRows = report["windowRows"] as! Int
        #expect(losses.count == (40000 + windowRows - 1) / windowRows && losses.count >= 2 && losses.last! < losses[0], "\(losses)")
        #expect(training["rows"] as? Int == 40000)
        // Rows past a window's last whole batch wait for the next window: 40 000 / 32 updates.
        #expect(training["updates"] as? Int == 1250)

        let w = Self.numbers(report["coefficients"]), c = Self.numbers(report["intercept"])[0]
        let found = w + [c]
        let gap =
            (zip(found, exact).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)).squareRoot()
            / exact.map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(abs(gap - (report["parameterRelativeDifference"] as! Double)) < 1e-12 * Swift.max(1, gap))
        func rss(_ coefficients: [Double], _ intercept: Double) -> Double {
            zip(Self.rows.x, Self.rows.y).reduce(0.0) { sum, row in
                let r = row.1 - intercept - zip(coefficients, row.0).reduce(0.0) { $0 + $1.0 * $1.1 }
                return sum + r * r
            }
        }
        let best = rss(Array(exact.prefix(5)), exact[5]), ours = rss(w, c)
        #expect(abs((ours - best) / best - (report["costRelativeDifference"] as! Double)) < 1e-8)
    }

    /// What needs the rows again, or whole, is refused beside a stream with the way out.
    @Test func refusals() throws {
        for (options, needle) in [
            (["--epochs", "3"], "a second pass needs the rows again"), (["--test-fraction", "0.2"], "progressive validation loss"),
            (["--loss", "huber"], "drop --loss huber"), (["--schedule", "cosine"], "drop --schedule cosine"),
            (["--checkpoint", "x.ckpt"], "drop --checkpoint and --resume"),
        ] {
            let run = try mbgd(arguments: ["fit", "-", "--target", "price"] + options, standardInput: "size,price\n1,2\n")
            #expect(
                run.status == 2 && run.stderr.contains("reads the stream once") && run.stderr.contains(needle), "\(options): \(run.stderr)")
        }
    }

    /// Bad streams are refused naming the line, as `solve -` refuses them; a first window of
    /// weight 0 waits for rows that weigh something.
    @Test(arguments: [
        ("", [String](), "standard input, line 1: the stream is empty; a header line of column names must come first"),
        ("a,y\n", [], "standard input, line 2: the stream ends after its header, with no rows to fit"),
        ("a,y\n1,2\n2,3\n3,4,5\n", [], "standard input, line 4: the row has 3 cells but the header has 2"),
        (
            "a,w,y\n1,1,2\n2,1,3\n3,-2,5\n", ["--weights", "w"],
            "standard input, line 4: the weight -2 (--weights w) must be zero or positive"
        ),
        ("a,w,y\n1,0,2\n2,0,3\n", ["--weights", "w"], "--weights w: every weight in standard input is 0, which leaves no row to fit"),
        (
            "a,y\n1,2\n", [],
            "standard input: the 1 row do not determine the exact least squares (too few rows, or dependent columns), so the descent has no reference; save the stream to a file and fit that"
        ),
    ])
    func badStreamsAreRefusedNamingTheLine(input: String, arguments: [String], message: String) throws {
        let run = try mbgd(arguments: ["fit", "-"] + arguments, standardInput: input)
        #expect(run.status == 1 && run.stderr == "mbgd: error: \(message)\n", "\(run.status) \(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    /// Rows of weight 0 before any that weigh something are skipped, not planned from.
    @Test func aFirstWindowOfWeightZeroWaits() throws {
        var text = "a,w,y\n"
        // 50 000 rows of weight 0 fill the first window (43 690 rows of three columns).
        for i in 0..<55000 { text += "\(Double(i % 17) / 4),\(i < 50000 ? 0 : 1),\(1 + 2 * Double(i % 17) / 4)\n" }
        let run = try mbgd(arguments: ["fit", "-", "--weights", "w", "--json"], standardInput: text)
        #expect(run.status == 0, "\(run.stderr)")
        let training = try run.json["training"] as! [String: Any]
        #expect(training["rows"] as? Int == 55000 && training["rowsTrainedOn"] as? Int == 5000)
        // Batches of 32 rows from row 50 000 on, whole but the last: ⌈5000/32⌉ updates.
        #expect(training["updates"] as? Int == 157)
    }

    /// A `.npy` written to the pipe is a stream too: its columns named by index, the same fit as
    /// the CSV of the same values, and `solve -` the file's coefficients; cut short, refused.
    @Test func anNPYStreamIsReadAsTheCSVIs() throws {
        let folder = try scratchFolder()
        let csv = try write(Self.rows.text, to: folder + "/rows.csv")
        #expect(try mbgd("convert", csv, folder + "/rows.npy").status == 0)
        let npy = folder + "/rows.npy"
        func piped(_ path: String, _ arguments: [String]) throws -> ToolRun {
            try run(
                "/bin/sh",
                arguments: ["-c", "cat \(shellQuoted(path)) | " + ([toolPath] + arguments).map(shellQuoted).joined(separator: " ")],
                timeout: 120)
        }
        let fromNPY = try piped(npy, ["fit", "-", "--target", "5", "--json"])
        let fromCSV = try piped(csv, ["fit", "-", "--json"])
        #expect(fromNPY.status == 0, "\(fromNPY.stderr)")
        #expect(Self.numbers(try fromNPY.json["coefficients"]) == Self.numbers(try fromCSV.json["coefficients"]))
        #expect(try fromNPY.json["features"] as? [String] == ["x1", "x2", "x3", "x4", "x5"])
        let solved = try piped(npy, ["solve", "-", "--target", "x6", "--json"])
        let file = try mbgd("solve", npy, "--target", "5", "--json")
        #expect(relativeDifference(Self.numbers(try solved.json["coefficients"]), Self.numbers(try file.json["coefficients"])) < 1e-12)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: npy))
        try bytes.prefix(1000).write(to: URL(fileURLWithPath: folder + "/cut.npy"))
        let cut = try piped(folder + "/cut.npy", ["fit", "-"])
        #expect(cut.status == 1 && cut.stderr.contains("the stream ends inside row"), "\(cut.stderr)")
    }
}
