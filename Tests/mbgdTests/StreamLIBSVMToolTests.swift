import Foundation
import Testing

/// `mbgd fit -` and `mbgd solve -` on libsvm rows piped in: sniffed as a file of no telling
/// name is, read once a window at a time, their width given by `--n-features`. Checked against
/// the file's own fits of the same rows (the sparse one-epoch fit in order, bit for bit; the
/// dense solve of the rows written out by `mbgd convert`, to 1e-12), and bad lines against the
/// messages written here.
@Suite struct StreamLIBSVMToolTests {
    static let text = "Examples/data/text.svm"

    static func numbers(_ value: Any?) -> [Double] { StreamFitToolTests.numbers(value) }

    /// Pipes `path` into `mbgd arguments…` through `cat`, as `zcat train.svm.gz |` would.
    static func piped(_ path: String, _ arguments: [String]) throws -> ToolRun {
        try run(
            "/bin/sh", arguments: ["-c", "cat \(shellQuoted(path)) | " + ([toolPath] + arguments).map(shellQuoted).joined(separator: " ")],
            timeout: 120)
    }

    /// One window (1000 rows): planned on all its rows, as the file is, so the sparse file fit
    /// with --no-shuffle --epochs 1 --tolerance 0 takes the same steps, bit for bit, for every
    /// update rule the sparse descent has, lazy L2 and averaging among them, scaled by the
    /// window's deviations (--standardize) or not.
    @Test(arguments: [
        ["--batch-size", "32", "--no-average", "--standardize"],
        ["--batch-size", "32", "--no-average", "--no-standardize"],
        ["--batch-size", "1", "--optimizer", "adam", "--no-average", "--standardize"],
        ["--batch-size", "10", "--optimizer", "rmsprop", "--no-average", "--no-standardize"],
        ["--batch-size", "8", "--optimizer", "adamw", "--weight-decay", "0.001", "--no-average", "--standardize"],
        ["--batch-size", "7", "--optimizer", "adagrad", "--no-average", "--no-standardize"],
        ["--batch-size", "4", "--l2", "0.001", "--average", "--standardize"],
    ])
    func oneWindowIsTheFilesOneEpochFit(options: [String]) throws {
        let stream = try Self.piped(Self.text, ["fit", "-", "--n-features", "300", "--json"] + options.filter { $0 != "--no-average" })
        #expect(stream.status == 0, "\(stream.stderr)")
        let file = try mbgd(arguments: ["fit", Self.text, "--no-shuffle", "--epochs", "1", "--tolerance", "0", "--json"] + options)
        #expect(file.status == 0, "\(file.stderr)")
        let scaled = try stream.json["training"] as? [String: Any]
        #expect(scaled?["standardizedOnFirstWindow"] as? Bool == options.contains("--standardize"))
        let (s, f) = (try stream.json, try file.json)
        #expect(Self.numbers(s["coefficients"]).count == 300)
        #expect(Self.numbers(s["coefficients"]) == Self.numbers(f["coefficients"]), "\(options)")
        #expect(Self.numbers(s["intercept"]) == Self.numbers(f["intercept"]), "\(options)")
        let training = s["training"] as! [String: Any]
        let batch = Int(options[1])!
        #expect(training["rows"] as? Int == 1000 && training["updates"] as? Int == (1000 + batch - 1) / batch)
    }

    /// Several windows (150 000 entries, two windows' worth) at a given rate and unscaled: the
    /// plan then needs no rows, so the stream equals the file's one epoch bit for bit across
    /// windows (rows past a window's last whole batch open the next); its reference is the
    /// dense solve of the same rows, and its progressive loss lies among the windows'.
    @Test func severalWindowsEqualTheFile() throws {
        let folder = try scratchFolder()
        var lines = "# 30000 rows of 5 entries among 12 columns\n", state: UInt64 = 11
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        for i in 0..<30000 {
            var columns = Set<Int>()
            while columns.count < 5 { columns.insert(1 + Int(next() * 12)) }
            let entries = columns.sorted().map { ($0, 2 * next() - 1) }
            let y = 1 + entries.reduce(0.0) { $0 + Double($1.0 % 5 + 1) * $1.1 } + 0.1 * (next() - 0.5)
            lines += "\(y)" + (i % 1000 == 0 ? " qid:\(i)" : "") + entries.map { " \($0.0):\($0.1)" }.joined() + "\n"
        }
        let path = try write(lines, to: folder + "/rows.svm")
        let options = ["--learning-rate", "0.05", "--no-standardize", "--batch-size", "16"]
        let stream = try Self.piped(path, ["fit", "-", "--n-features", "12", "--json"] + options)
        #expect(stream.status == 0, "\(stream.stderr)")
        let file = try mbgd(
            arguments: ["fit", path, "--no-shuffle", "--epochs", "1", "--no-average", "--tolerance", "0", "--json"] + options)
        let (s, f) = (try stream.json, try file.json)
        #expect(Self.numbers(s["coefficients"]) == Self.numbers(f["coefficients"]))
        #expect(Self.numbers(s["intercept"]) == Self.numbers(f["intercept"]))
        let training = s["training"] as! [String: Any]
        let losses = Self.numbers(training["windowProgressiveLosses"])
        #expect(losses.count >= 2 && training["updates"] as? Int == 1875, "\(losses) \(training)")
        #expect(losses.last! < losses[0])
        #expect(try mbgd("convert", path, folder + "/rows.csv").status == 0)
        let solve = try mbgd("solve", folder + "/rows.csv", "--json").json
        let reference = s["reference"] as! [String: Any]
        let exact = Self.numbers(solve["coefficients"]) + Self.numbers(solve["intercept"])
        #expect(relativeDifference(Self.numbers(reference["coefficients"]) + Self.numbers(reference["intercept"]), exact) < 1e-10)
        // Each window's loss is the mean of its rows': the whole lies between the windows'.
        let progressive = training["progressiveLoss"] as! Double
        #expect(progressive > losses.min()! && progressive < losses.max()!)
    }

    /// `solve -` on libsvm rows: the one-pass QR of the rows written dense, equal to the dense
    /// file's solve (`mbgd convert` then `mbgd solve`) to 1e-12, with its statistics; LSQR on the
    /// libsvm file agrees to its own tolerance.
    @Test func solveEqualsTheFilesSolve() throws {
        let folder = try scratchFolder()
        #expect(try mbgd("convert", Self.text, folder + "/text.csv").status == 0)
        let stream = try Self.piped(Self.text, ["solve", "-", "--n-features", "300", "--json"])
        #expect(stream.status == 0, "\(stream.stderr)")
        let dense = try mbgd("solve", folder + "/text.csv", "--json").json
        let lsqr = try mbgd("solve", Self.text, "--json").json
        let s = try stream.json
        func all(_ report: [String: Any]) -> [Double] { Self.numbers(report["coefficients"]) + Self.numbers(report["intercept"]) }
        #expect(relativeDifference(all(s), all(dense)) < 1e-12)
        #expect(relativeDifference(Self.numbers(s["standardErrors"]), Self.numbers(dense["standardErrors"])) < 1e-12)
        #expect(abs((s["r2"] as! Double) - (dense["r2"] as! Double)) < 1e-12)
        #expect(relativeDifference(all(s), all(lsqr)) < 1e-8)
        #expect(s["observations"] as? Int == 1000 && s["input"] as? String == "stream")
    }

    /// Bad lines are refused naming their line (comments and blank lines counted), as the file
    /// reader's parser says them; a stream cut inside an entry is such a line; one cut after a
    /// whole entry is read, with a note that it may have been cut.
    @Test(arguments: [
        (
            "1 1:2\n# a comment\n\n2 3:x\n", ["--n-features", "3"],
            "standard input, line 4: entry 1 '3:x': the value 'x' is not a number"
        ),
        (
            "1 1:2 2:1\n2 2:1 1:3\n", ["--n-features", "3"],
            "standard input, line 2: entry 2 '1:3': index 1 comes after index 2; indices must increase along a line: sort each line's indices"
        ),
        (
            "1 1:2\n1,2,3\n", ["--n-features", "3"],
            "standard input, line 2: the target '1,2,3' is not a number (each line starts with its target, then index:value entries)"
        ),
        (
            "1 1:2\n2 0:1\n", ["--n-features", "3"],
            "standard input, line 2: entry 1 '0:1': index 0 in rows read as 1-based; if their indices start at 0, pass --zero-based"
        ),
        ("1 1:0.5 2:1\n2 1:0.25 2:", ["--n-features", "3"], "standard input, line 2: entry 2 '2:': the value '' is not a number"),
        ("1 1:0.5 2:1\n2 1:0.25 2", ["--n-features", "3"], "standard input, line 2: entry 2 '2' is not index:value (no ':')"),
        (
            "1 1:2\n2 2:1\n3 1:1 4:2\n", ["--n-features", "3"],
            "standard input, line 3: entry 2 '4:2': the index 4 is beyond 3, the last of the 3 features of --n-features 3; give --n-features at least the stream's largest index"
        ),
        (
            "1 0:2\n2 1:1\n3 1:1 3:2\n", ["--n-features", "3", "--zero-based"],
            "standard input, line 3: entry 2 '3:2': the index 3 is beyond 2, the last of the 3 features of --n-features 3; give --n-features at least the stream's largest index"
        ),
    ])
    func badLinesAreRefusedNamingTheLine(input: String, arguments: [String], message: String) throws {
        for command in ["fit", "solve"] {
            let run = try mbgd(arguments: [command, "-"] + arguments, standardInput: input)
            #expect(run.status == 1 && run.stderr == "mbgd: error: \(message)\n", "\(command): \(run.status) \(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
    }

    /// A stream whose last line has no newline is read as it stands (a file's is), with a note
    /// that it may have been cut; the rows before it are all there.
    @Test func aStreamCutAfterAWholeEntryIsReadWithANote() throws {
        let rows = (0..<40).map { i in "\(Double(i % 7) + 0.5 * Double(i % 3) + 0.01 * Double(i % 5)) 1:\(i % 7) 2:\(i % 3)" }
        let text = rows.joined(separator: "\n")
        let cut = try mbgd(arguments: ["solve", "-", "--n-features", "2", "--json"], standardInput: text)
        #expect(cut.status == 0, "\(cut.stderr)")
        #expect(
            cut.stderr
                == "mbgd: note: standard input ends without a newline after line 40: if the stream was cut short, its last row may be cut too\n"
        )
        let whole = try mbgd(arguments: ["solve", "-", "--n-features", "2", "--json"], standardInput: text + "\n")
        #expect(whole.status == 0 && whole.stderr.isEmpty, "\(whole.stderr)")
        let (c, w) = (try cut.json, try whole.json)
        #expect(c["observations"] as? Int == 40)
        #expect(Self.numbers(c["coefficients"]) == Self.numbers(w["coefficients"]))
    }

    /// What a libsvm stream cannot take is refused with the way out; past 512 features the
    /// descent has no exact reference and says why; `solve -` refuses a width beyond memory.
    @Test func refusalsAndTheReferenceLimit() throws {
        let input = "1 1:2\n2 2:1\n3 1:1 2:2\n"
        for (arguments, needle) in [
            (["fit", "-"], "give it with --n-features p"), (["solve", "-"], "give it with --n-features p"),
            (["fit", "-", "--n-features", "2", "--target", "y"], "each line's label is its target; drop --target"),
            (["solve", "-", "--n-features", "2", "--weights", "w"], "libsvm rows carry no weight column; drop --weights"),
        ] {
            let run = try mbgd(arguments: arguments, standardInput: input)
            #expect(run.status == 2 && run.stderr.contains(needle), "\(arguments): \(run.stderr)")
        }
        let csv = try mbgd(arguments: ["solve", "-", "--n-features", "2"], standardInput: "a,y\n1,2\n2,3\n3,5\n")
        #expect(csv.status == 2 && csv.stderr.contains("--n-features is for libsvm rows; standard input holds CSV"), "\(csv.stderr)")
        let wide = try Self.piped(Self.text, ["fit", "-", "--n-features", "600", "--json"])
        #expect(wide.status == 0, "\(wide.stderr)")
        let report = try wide.json
        #expect(report["reference"] is NSNull && report["parameterRelativeDifference"] is NSNull)
        let absent = report["referenceAbsent"] as? String ?? ""
        #expect(
            absent.hasPrefix("p = 600 features: its one-pass QR would need about") && absent.contains("`mbgd fit rows.svm`"), "\(absent)")
        #expect(Self.numbers(report["coefficients"]).count == 600)
        // Unscaled unless --standardize asks: a column rare in the first window would get a tiny scale.
        #expect((report["training"] as? [String: Any])?["standardizedOnFirstWindow"] as? Bool == false)
        let huge = try mbgd(arguments: ["solve", "-", "--n-features", "2000000000"], standardInput: input)
        #expect(
            huge.status == 1 && huge.stderr.contains("the one-pass least squares of 2000000000 features needs")
                && huge.stderr.contains("`mbgd solve rows.svm`, which solves the sparse rows by LSQR"), "\(huge.stderr)")
    }

    /// A libsvm file takes --n-features too (scikit-learn's n_features: a test file as wide as
    /// its training file): columns past the largest index are zero; an index beyond it is
    /// refused with its line; a dense file refuses the option.
    @Test func aFileTakesTheWidthToo() throws {
        let wide = try mbgd("solve", Self.text, "--n-features", "400", "--json")
        #expect(wide.status == 0, "\(wide.stderr)")
        let coefficients = Self.numbers(try wide.json["coefficients"])
        #expect(coefficients.count == 400 && coefficients[300...].allSatisfy { $0 == 0 })
        let narrow = try mbgd("solve", Self.text, "--n-features", "100")
        #expect(
            narrow.status == 1
                && narrow.stderr.hasPrefix(
                    "mbgd: error: Examples/data/text.svm:1: entry 7 '144:0.1710923598519409': the index 144 is beyond 100"),
            "\(narrow.stderr)")
        let dense = try mbgd("solve", "Examples/data/houses.csv", "--n-features", "4")
        #expect(dense.status == 2 && dense.stderr.contains("--n-features is the width of sparse rows"), "\(dense.stderr)")
    }
}
