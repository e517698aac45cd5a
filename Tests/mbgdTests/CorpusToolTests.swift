import Foundation
import Testing

/// The hostile and careless uses of Tests/Fixtures/tool-corpus/cases.json, each run in a fresh
/// folder (holding `good.csv` and the case's files) with its exact exit status and message. The
/// folder is listed afterwards: nothing half-written, no temporary file left behind. Cases marked
/// `stress` (limits, signals, special files, slow inputs) run under `make stress` only.
@Suite struct CorpusToolTests {
    static let corpus: [CorpusCase] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tool-corpus/cases.json")
        do {
            return try JSONDecoder().decode([CorpusCase].self, from: Data(contentsOf: url))
        } catch {
            // A corpus that cannot be read is one failing case, not a crash of the test runner.
            return [CorpusCase(unreadable: "\(url.path): \(error)")]
        }
    }()
    static let stressing = ProcessInfo.processInfo.environment["MBGD_STRESS"] != nil
    /// Six rows of y = 3 + 2a − b + noise; the file every case may use.
    static let good = "a,b,y\n1,2,3\n2,1,4\n3,5,2\n4,3,6\n5,8,1\n6,2,9\n"

    @Test(arguments: corpus.filter { $0.stress != true })
    func fastCase(_ testCase: CorpusCase) throws {
        try Self.check(testCase)
    }

    @Test(.enabled(if: stressing, "MBGD_STRESS=1 (make stress)"), arguments: corpus.filter { $0.stress == true })
    func stressCase(_ testCase: CorpusCase) throws {
        try Self.check(testCase)
    }

    @Test func namesAreUniqueAndEveryCategoryIsCovered() {
        let names = Self.corpus.map(\.name)
        #expect(Set(names).count == names.count)
        let categories = Set(Self.corpus.map(\.category))
        #expect(categories == ["sizes", "arguments", "files", "npy-header", "finite", "text", "limits", "signals", "convert"])
    }

    static func check(_ testCase: CorpusCase) throws {
        if let problem = testCase.unreadable {
            Issue.record(Comment(rawValue: problem))
            return
        }
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try write(good, to: folder + "/good.csv")
        for (name, file) in testCase.files ?? [:] { try file.create(at: folder + "/" + name) }
        let before = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()

        let result = try testCase.run(in: folder)

        #expect(result.status == testCase.status, "\(testCase.name): stderr \(result.stderr)")
        if let expected = testCase.stderr { #expect(result.stderr == expected, "\(testCase.name)") }
        if let pattern = testCase.stderrPattern {
            let matches = try Regex(pattern).wholeMatch(in: result.stderr) != nil
            #expect(matches, "\(testCase.name): stderr \(result.stderr.debugDescription) does not match \(pattern.debugDescription)")
        }
        if let expected = testCase.stdout { #expect(result.stdout == expected, "\(testCase.name)") }
        if let prefix = testCase.stdoutPrefix { #expect(result.stdout.hasPrefix(prefix), "\(testCase.name): stdout \(result.stdout)") }
        // Messages never carry raw control characters to the terminal.
        #expect(!result.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(testCase.name)")

        let after = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(after == (testCase.leaves ?? before), "\(testCase.name): the folder holds \(after)")
        for (link, target) in testCase.symlinks ?? [:] {
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + link)) == target, "\(testCase.name)")
        }
        for (name, text) in testCase.contents ?? [:] {
            #expect((try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) == text, "\(testCase.name): \(name)")
        }
    }
}

/// One case of the corpus; see cases.json for the fields in use.
struct CorpusCase: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var category: String
    var arguments: [String] = []
    var files: [String: CorpusFile]?
    var status: Int32 = 0
    var stderr: String?
    var stderrPattern: String?
    var stdout: String?
    var stdoutPrefix: String?
    /// The folder's listing afterwards (default: as before the run).
    var leaves: [String]?
    var symlinks: [String: String]?
    var contents: [String: String]?
    var stress: Bool?
    /// Run under `prlimit --as` of this many bytes.
    var addressSpaceLimit: Int?
    /// Run under `prlimit --fsize` (`ulimit -f`) of this many bytes.
    var fileSizeLimit: Int?
    /// Run under `prlimit --data` (`ulimit -d`) of this many bytes.
    var dataLimit: Int?
    /// Standard output redirected to this path (`/dev/full`).
    var standardOutput: String?
    var signal: SignalPlan?
    var unreadable: String?

    struct SignalPlan: Decodable, Sendable {
        var name: String
        var afterSeconds: Double
        var number: Int32 {
            ["INT": SIGINT, "TERM": SIGTERM, "QUIT": SIGQUIT, "HUP": SIGHUP, "USR1": SIGUSR1, "USR2": SIGUSR2, "ALRM": SIGALRM][name]
                ?? SIGKILL
        }
    }

    init(unreadable: String) {
        (name, category, self.unreadable) = ("the corpus", "", unreadable)
    }

    var testDescription: String { name }

    /// Runs the tool as the case says; a hang is killed after two minutes (and fails the status).
    func run(in folder: String) throws -> ToolRun {
        if let signal {
            return try mbgdTests.run(
                toolPath, arguments: arguments, in: folder, timeout: signal.afterSeconds + 60,
                interrupt: (signal.number, signal.afterSeconds))
        }
        if let path = standardOutput {
            let quoted = ([toolPath] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            return try mbgdTests.run("/bin/sh", arguments: ["-c", quoted.joined(separator: " ") + " > " + path], in: folder, timeout: 120)
        }
        if let addressSpaceLimit {
            return try mbgdTests.run(
                "/usr/bin/prlimit", arguments: ["--as=\(addressSpaceLimit)", toolPath] + arguments, in: folder, timeout: 120)
        }
        let limits = [("--fsize", fileSizeLimit), ("--data", dataLimit)].compactMap { option, bytes in bytes.map { "\(option)=\($0)" } }
        if !limits.isEmpty {
            return try mbgdTests.run("/usr/bin/prlimit", arguments: limits + [toolPath] + arguments, in: folder, timeout: 120)
        }
        return try mbgdTests.run(toolPath, arguments: arguments, in: folder, timeout: 120)
    }

}

/// A file a case needs: text, a `.npy` made from a header, a wide generated CSV, a symlink or a
/// FIFO (that nobody writes: a reader blocks on it).
enum CorpusFile: Decodable, Sendable {
    case text(String)
    case npy(header: String, payload: [UInt8], padding: Int)
    case wideCSV(rows: Int, columns: Int)
    case symlink(to: String)
    case fifo

    private enum Keys: String, CodingKey { case npyHeader, headerPadding, doubles, zeroBytes, wideCSV, symlinkTo, fifo }
    private struct Shape: Decodable { var rows: Int, columns: Int }

    init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            self = .text(text)
            return
        }
        let container = try decoder.container(keyedBy: Keys.self)
        if let header = try container.decodeIfPresent(String.self, forKey: .npyHeader) {
            let doubles = try container.decodeIfPresent([Double].self, forKey: .doubles) ?? []
            let zeros = try container.decodeIfPresent(Int.self, forKey: .zeroBytes) ?? 0
            let payload =
                doubles.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } + [UInt8](repeating: 0, count: zeros)
            let padding = try container.decodeIfPresent(Int.self, forKey: .headerPadding) ?? 0
            self = .npy(header: header, payload: payload, padding: padding)
        } else if let shape = try container.decodeIfPresent(Shape.self, forKey: .wideCSV) {
            self = .wideCSV(rows: shape.rows, columns: shape.columns)
        } else if try container.decodeIfPresent(Bool.self, forKey: .fifo) == true {
            self = .fifo
        } else {
            self = .symlink(to: try container.decode(String.self, forKey: .symlinkTo))
        }
    }

    func create(at path: String) throws {
        switch self {
        case let .text(text):
            try write(text, to: path)
        case let .npy(header, payload, extra):
            // Magic, version, little-endian header length, the header (with `extra` spaces)
            // padded with spaces and ended by a newline so that the data starts on a multiple of
            // 64; version 2.0 (a 4-byte length) when the header is longer than 65,535 bytes.
            var headerBytes = Array(header.utf8) + [UInt8](repeating: 0x20, count: extra)
            let long = headerBytes.count + 64 > 65535
            let prefix = long ? 12 : 10
            let padding = (64 - (prefix + headerBytes.count + 1) % 64) % 64
            headerBytes += [UInt8](repeating: 0x20, count: padding) + [0x0A]
            let length = headerBytes.count
            let lengthBytes = (0..<(long ? 4 : 2)).map { UInt8((length >> (8 * $0)) & 0xFF) }
            let bytes = [0x93] + Array("NUMPY".utf8) + [long ? 2 : 1, 0] + lengthBytes + headerBytes + payload
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        case let .wideCSV(rows, columns):
            // Columns c0, c1, …; cell (i, j) = (i·j) mod 7, so no column is constant beyond row 1.
            var text = (0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n"
            for i in 0..<rows { text += (0..<columns).map { String((i * $0) % 7) }.joined(separator: ",") + "\n" }
            try write(text, to: path)
        case let .symlink(target):
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        case .fifo:
            guard mkfifo(path, 0o600) == 0 else { throw ToolError("mkfifo \(path): \(String(cString: strerror(errno)))") }
        }
    }
}
