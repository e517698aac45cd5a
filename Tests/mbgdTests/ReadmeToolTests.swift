import Foundation
import Testing

/// The README's sessions run as written: every shell block that starts with `$ ` is run, in
/// order, in one scratch folder that holds the repository's `Examples` and `Tests` (so the paths
/// read as from the repository's root), with `mbgd` and `mbgd-mpi` on the path, and what each
/// command prints (stdout and stderr, as on a terminal) must be what the README shows.
///
/// - A line `…` (or `...`) in the README stands for any number of lines.
/// - Figures that depend on the machine are not compared: the OpenBLAS kernel and thread count
///   (a line naming OpenBLAS), and the timed columns of a table whose header has `samples/s`
///   (`samples/s`, `ms per epoch`, `seconds`).
/// - Numbers agree to 1e-12 relative (a last digit that OpenBLAS's kernel, `OPENBLAS_CORETYPE`,
///   rounds differently), and two below 1e-10 agree (rounding's own size, such as a gap at the
///   optimum, which the kernel changes by a factor).
/// - A block right after `<!-- README test: skip (why) -->` is not run (big data, a cgroup).
@Suite(.serialized) struct ReadmeToolTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Command {
        let line: Int
        let text: String
        var expected: [String] = []
    }

    /// The commands of the README's runnable blocks, with the lines each is shown to print.
    static func commands(_ readme: String) -> [Command] {
        var commands: [Command] = []
        var inBlock = false, firstLine = false, runnable = false, skipNext = false
        for (index, line) in readme.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("<!-- README test: skip") {
                skipNext = true
                continue
            }
            if line.hasPrefix("```") {
                inBlock.toggle()
                firstLine = inBlock
                continue
            }
            guard inBlock else { continue }
            if firstLine {
                // A block is a session when its first line is a command.
                runnable = !skipNext && line.hasPrefix("$ ")
                (firstLine, skipNext) = (false, false)
            }
            guard runnable else { continue }
            if line.hasPrefix("$ ") {
                commands.append(Command(line: index + 1, text: String(line.dropFirst(2))))
            } else {
                commands[commands.count - 1].expected.append(String(line))
            }
        }
        return commands
    }

    /// Whether `actual` shows what `expected` does, up to the figures that vary by machine.
    static func matches(_ expected: String, _ actual: String, timedColumns: [Int]) -> Bool {
        if expected == actual { return true }
        if expected.contains("OpenBLAS") { return masked(expected) == masked(actual) }
        if sameUpToRounding(expected, actual) { return true }
        guard !timedColumns.isEmpty else { return false }
        let e = expected.split(separator: " "), a = actual.split(separator: " ")
        guard e.count == a.count else { return false }
        return zip(e, a).enumerated().allSatisfy { column, pair in pair.0 == pair.1 || timedColumns.contains(column) }
    }

    /// The same words and the same numbers to rounding: each number to 1e-12 relative, or both
    /// below 1e-10 in magnitude.
    static func sameUpToRounding(_ expected: String, _ actual: String) -> Bool {
        let e = numbersAndText(expected), a = numbersAndText(actual)
        guard e.text == a.text, e.numbers.count == a.numbers.count else { return false }
        return zip(e.numbers, a.numbers).allSatisfy { x, y in
            x == y || abs(x - y) <= 1e-12 * Swift.max(abs(x), abs(y)) || Swift.max(abs(x), abs(y)) < 1e-10
        }
    }

    /// The numbers of `line` (a run of digits not inside a word, with its sign, fraction and
    /// exponent), and the line with each replaced by `#`.
    static func numbersAndText(_ line: String) -> (numbers: [Double], text: String) {
        let characters = Array(line)
        var numbers: [Double] = [], text = "", i = 0
        func isDigit(_ index: Int) -> Bool { index < characters.count && characters[index].isASCII && characters[index].isNumber }
        while i < characters.count {
            let afterWord = i > 0 && (characters[i - 1].isLetter || characters[i - 1].isNumber || characters[i - 1] == "_")
            let sign = characters[i] == "-" && isDigit(i + 1)
            guard !afterWord, sign || isDigit(i) else {
                text.append(characters[i])
                i += 1
                continue
            }
            var end = i + (sign ? 1 : 0)
            while isDigit(end) { end += 1 }
            if end < characters.count, characters[end] == ".", isDigit(end + 1) {
                end += 1
                while isDigit(end) { end += 1 }
            }
            if end < characters.count, characters[end] == "e" || characters[end] == "E" {
                var exponent = end + 1
                if exponent < characters.count, characters[exponent] == "-" || characters[exponent] == "+" { exponent += 1 }
                if isDigit(exponent) {
                    end = exponent
                    while isDigit(end) { end += 1 }
                }
            }
            numbers.append(Double(String(characters[i..<end]))!)
            text.append("#")
            i = end
        }
        return (numbers, text)
    }

    /// Numbers and the word after "OpenBLAS" replaced by `#`.
    static func masked(_ line: String) -> String {
        var words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        for index in words.indices {
            if words[index].contains(where: \.isNumber) || (index > 0 && words[index - 1].hasSuffix("OpenBLAS")) { words[index] = "#" }
        }
        return words.joined(separator: " ")
    }

    /// The positions (in whitespace-separated cells) of a timed table's timed columns.
    static func timedColumns(header: String) -> [Int] {
        guard header.contains("samples/s") else { return [] }
        let names = header.split(separator: "   ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // A row has one cell per column, whatever the words of its header.
        let timed = names.enumerated().filter { ["samples/s", "ms per epoch", "seconds"].contains($0.element) }.map(\.offset)
        return timed
    }

    /// The lines `expected` shows that `actual` lacks, or nil when they agree.
    static func difference(expected: [String], actual: [String]) -> String? {
        var e = expected[...], a = actual[...]
        var timed: [Int] = []
        while let line = e.first {
            if line == "…" || line == "..." {
                e = e.dropFirst()
                guard let next = e.first else { return nil }
                guard let found = a.firstIndex(where: { matches(next, $0, timedColumns: timed) }) else {
                    return "after a skip, no line matches '\(next)'"
                }
                a = a[found...]
                continue
            }
            guard let got = a.first else { return "missing '\(line)'" }
            if line.isEmpty { timed = [] }
            guard matches(line, got, timedColumns: timed) else { return "expected '\(line)'\n     got '\(got)'" }
            if line.contains("samples/s") { timed = timedColumns(header: line) }
            e = e.dropFirst()
            a = a.dropFirst()
        }
        return a.isEmpty ? nil : "unexpected '\(a.first!)'"
    }

    @Test func theReadmesSessionsRunAsWritten() throws {
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let commands = Self.commands(readme)
        #expect(commands.count >= 12, "\(commands.count) commands found")
        let folder = try scratchFolder()
        for name in ["Examples", "Tests"] {
            try FileManager.default.createSymbolicLink(
                atPath: folder + "/" + name, withDestinationPath: Self.repository.appendingPathComponent(name).path)
        }
        let bin = URL(fileURLWithPath: toolPath).deletingLastPathComponent().path
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        // mpirun as root, and more ranks than this machine's cores, without changing the commands.
        environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        environment["OMPI_MCA_rmaps_base_oversubscribe"] = "1"
        for command in commands {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "exec 2>&1; " + command.text]
            process.currentDirectoryURL = URL(fileURLWithPath: folder)
            process.environment = environment
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            var actual = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if actual.last == "" { actual.removeLast() }
            let problem = Self.difference(expected: command.expected, actual: actual)
            #expect(
                problem == nil,
                "README.md:\(command.line): $ \(command.text)\n\(problem ?? "")\n--- it printed:\n\(actual.joined(separator: "\n"))")
        }
    }

    /// The README's command reference gives each command's full synopsis: every option its
    /// `--help` lists (`fit` once lacked `--features`).
    @Test(arguments: ["fit", "solve", "path", "predict", "sweep", "convert", "bench", "demo"])
    func theCommandReferenceListsEveryOption(command: String) throws {
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let row = try #require(readme.split(separator: "\n").first { $0.hasPrefix("| `mbgd \(command) ") })
        // The first code span of the row (its pipes are escaped as \\|).
        let synopsis = String(row.split(separator: "`", omittingEmptySubsequences: false)[1])
        let help = try mbgd(command, "--help").stdout
        for line in help.split(separator: "\n") where line.hasPrefix("  -") {
            guard let option = line.split(separator: " ").first(where: { $0.hasPrefix("--") }).map(String.init), option != "--help"
            else { continue }
            let name = option.trimmingCharacters(in: CharacterSet(charactersIn: ","))
            // Whole words: --epochs is not --max-epochs.
            let found = synopsis.ranges(of: name).contains { range in
                range.upperBound == synopsis.endIndex || !(synopsis[range.upperBound].isLetter || synopsis[range.upperBound] == "-")
            }
            #expect(found, "README's `mbgd \(command)` synopsis lacks \(name)")
        }
    }

    /// The comparison itself: skips, timed columns and the OpenBLAS line.
    @Test func theComparisonSkipsOnlyWhatVariesByMachine() {
        let header = "   batch size   learning rate   samples/s   ms per epoch   cost after 5 epochs"
        #expect(Self.timedColumns(header: header) == [2, 3])
        #expect(
            Self.difference(
                expected: [header, "   1   0.0619   2.78e+07   0.259   0.16581"],
                actual: [header, "   1   0.0619   3.1e+07   0.2   0.16581"])
                == nil)
        #expect(
            Self.difference(
                expected: [header, "   1   0.0619   2.78e+07   0.259   0.16581"],
                actual: [header, "   1   0.0619   3.1e+07   0.2   0.16582"])
                != nil)
        #expect(Self.difference(expected: ["a", "…", "d"], actual: ["a", "b", "c", "d"]) == nil)
        #expect(Self.difference(expected: ["a", "…", "d"], actual: ["a", "b", "c"]) != nil)
        #expect(Self.difference(expected: ["a"], actual: ["a", "b"]) != nil)
        #expect(
            Self.difference(
                expected: ["4. Throughput (OpenBLAS Zen, up to 2 threads)"], actual: ["4. Throughput (OpenBLAS Haswell, up to 8 threads)"])
                == nil)
        // A last digit, and rounding-sized figures, as another OpenBLAS kernel prints them.
        #expect(Self.matches("360.0069794811385", "360.00697948113844", timedColumns: []))
        #expect(Self.matches("1.3191355161185885,357.5", "1.3191355161185887,357.5", timedColumns: []))
        #expect(
            Self.matches(
                "differ by 1.14e-14 (relative); -6.66e-13 above", "differ by 2.37e-14 (relative); -1.28e-12 above", timedColumns: []))
        // Anything more is a difference.
        #expect(!Self.matches("R² 0.93713", "R² 0.93714", timedColumns: []))
        #expect(!Self.matches("gap 1.14e-14", "gap 2.1e-9", timedColumns: []))
        #expect(!Self.matches("360.0069794811385", "360.00697949", timedColumns: []))
        #expect(!Self.matches("x1 3", "x2 3", timedColumns: []))
        #expect(!Self.matches("3 rows", "3 columns", timedColumns: []))
    }
}
