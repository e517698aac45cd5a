import Foundation
import Testing

/// Random command lines, grown from the tool's own description of its options
/// (`mbgd --experimental-dump-help`) and values at the edges of what they accept, run as a user
/// would in a folder of small files. Whatever the arguments, the tool ends with 0, 1 or 2 and a
/// message of clean text, leaves no temporary file, and stops at once on Ctrl-C when a valid
/// command runs long. `make test` runs 120 command lines from a fixed seed; `make stress` runs
/// 3000 from `MBGD_FUZZ_SEED` (default: the time, printed with any failure).
@Suite struct ArgumentFuzzToolTests {
    static let stressing = ProcessInfo.processInfo.environment["MBGD_STRESS"] != nil
    static let seed: UInt64 =
        stressing
        ? ProcessInfo.processInfo.environment["MBGD_FUZZ_SEED"].flatMap { UInt64($0) } ?? UInt64(Date().timeIntervalSince1970) : 2026
    static let count = stressing ? 3000 : 120

    @Test(arguments: 0..<count)
    func commandLineEndsCleanly(index: Int) throws {
        let commands = try #require(Self.commands, "mbgd --experimental-dump-help did not describe the commands")
        var random = SplitMix64(seed: Self.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let arguments = ArgumentGenerator(commands: commands).arguments(using: &random)
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try ArgumentGenerator.prepare(folder)
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: folder))

        // A valid command that runs long must stop at once on Ctrl-C (SIGKILL 30 s later fails the status).
        let wait = Self.stressing ? 10.0 : 5.0
        let run = try mbgdTests.run(toolPath, arguments: arguments, in: folder, timeout: wait + 30, interrupt: (SIGINT, wait))

        let context = "seed \(Self.seed) index \(index): mbgd \(arguments.map(\.debugDescription).joined(separator: " "))"
        let allowed: Set<Int32> = run.interrupted ? [130] : [0, 1, 2]
        #expect(!run.endedBySignal && allowed.contains(run.status), "\(context)\nstatus \(run.status)\n\(run.stderr)")
        for crash in ["Fatal error", "crashed", "Backtrac", "runtime failure", "Illegal instruction", "Segmentation"] {
            #expect(!run.stderr.contains(crash), "\(context)\n\(run.stderr)")
        }
        #expect(!run.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(context): raw control character")
        if run.status == 1 { #expect(run.stderr.contains("mbgd: error: "), "\(context)\n\(run.stderr)") }
        if run.status == 2 { #expect(run.stderr.contains("Error: ") || run.stderr.contains("mbgd: error: "), "\(context)\n\(run.stderr)") }
        if run.status == 0, arguments.contains("--json"), !arguments.contains("--help"), !arguments.contains("-h") {
            #expect((try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) != nil, "\(context): stdout is not JSON")
        }
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder)).subtracting(before)
        #expect(!left.contains { $0.hasPrefix(".") }, "\(context): left \(left)")
    }

    /// The tool's commands and options, as it describes them.
    static let commands: [CommandShape]? = {
        guard let run = try? mbgd("--experimental-dump-help"), run.status == 0,
            let root = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any],
            let command = root["command"] as? [String: Any], let subcommands = command["subcommands"] as? [[String: Any]]
        else { return nil }
        return subcommands.compactMap(CommandShape.init)
    }()

}

/// One subcommand: its positional arguments and options, from the help dump.
struct CommandShape {
    struct Option {
        var name: String
        var isFlag: Bool
        var values: [String]
        var defaultValue: String?
    }
    var name: String
    var positionals: Int
    var options: [Option]

    init?(_ json: [String: Any]) {
        guard let name = json["commandName"] as? String else { return nil }
        self.name = name
        let arguments = (json["arguments"] as? [[String: Any]]) ?? []
        positionals = arguments.filter { $0["kind"] as? String == "positional" }.count
        options = arguments.compactMap { argument in
            guard let kind = argument["kind"] as? String, kind != "positional",
                let long = (argument["names"] as? [[String: Any]])?.first(where: { $0["kind"] as? String == "long" })?["name"] as? String
            else { return nil }
            return Option(
                name: "--" + long, isFlag: kind == "flag", values: (argument["allValues"] as? [String]) ?? [],
                defaultValue: argument["defaultValue"] as? String)
        }
    }
}

/// Command lines from the commands' shapes: each option's own values and default, and values at
/// the edges (signs, overflow, NaN, infinities, empty, control characters, special paths).
struct ArgumentGenerator {
    let commands: [CommandShape]

    static let edges = [
        "0", "1", "2", "3", "-1", "-0", "0.5", "1e-300", "1e308", "nan", "-nan", "inf", "-inf", "", " ", "full", "auto", "1,full",
        ",", "1,,2", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "2147483648", "1e400", "0x10",
        "y", "a", "a,b", "a,a", "\"b, c\"", "\u{1B}[31m", "\u{7}", "--json", "-", "/dev/null", "/dev/full", ".", "out.json",
        "plots", "missing/x", "good.csv", "model.json",
    ]
    static let files = ["good.csv", "good.npy", "model.json", "missing.csv", ".", "/dev/null", "-", "", "bad.csv", "\u{1B}]0;x\u{7}"]

    /// Small files a command line may name: data as CSV and .npy, a model, a bad CSV.
    static func prepare(_ folder: String) throws {
        try write("a,b,y\n1,2,3\n2,1,4\n3,5,2\n4,3,6\n5,8,1\n6,2,9\n", to: folder + "/good.csv")
        try write("a,b,y\n1,2,3\n2,x,4\n", to: folder + "/bad.csv")
        try write(
            """
            {"format": "mbgd-linear-model", "version": 2, "featureNames": ["a", "b"], "targetNames": ["y"],
             "fitIntercept": true, "intercept": [1.0], "coefficients": [[2.0, -1.0]]}
            """, to: folder + "/model.json")
        // float64, C order, 6 × 3: the rows of good.csv.
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (6, 3), }"
        var headerBytes = Array(header.utf8)
        headerBytes += [UInt8](repeating: 0x20, count: (64 - (10 + headerBytes.count + 1) % 64) % 64) + [0x0A]
        let values: [Double] = [1, 2, 3, 2, 1, 4, 3, 5, 2, 4, 3, 6, 5, 8, 1, 6, 2, 9]
        let bytes =
            [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(headerBytes.count & 0xFF), UInt8(headerBytes.count >> 8)] + headerBytes
            + values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/good.npy"))
    }

    func arguments(using random: inout SplitMix64) -> [String] {
        if random.below(20) == 0 {  // now and then, no subcommand or an unknown one
            return [["", "fit2", "--json", "-h", "help"][random.below(5)]]
        }
        let command = commands[random.below(commands.count)]
        var arguments = [command.name]
        for _ in 0..<command.positionals { arguments.append(Self.files[random.below(Self.files.count)]) }
        // Synthetic data stays small unless the line itself sets the sizes.
        var chosen: [String] = []
        for _ in 0..<random.below(7) {
            guard !command.options.isEmpty else { break }
            let option = command.options[random.below(command.options.count)]
            chosen.append(option.name)
            arguments.append(option.name)
            if option.isFlag { continue }
            switch random.below(4) {
            case 0 where !option.values.isEmpty: arguments.append(option.values[random.below(option.values.count)])
            case 1 where option.defaultValue != nil: arguments.append(option.defaultValue!)
            default: arguments.append(Self.edges[random.below(Self.edges.count)])
            }
        }
        if ["bench", "sweep"].contains(command.name) {
            if !chosen.contains("--rows") { arguments += ["--rows", "60"] }
            if !chosen.contains("--features") { arguments += ["--features", "3"] }
            if !chosen.contains("--batch-sizes") { arguments += ["--batch-sizes", "1,8,full"] }
        }
        if random.below(10) == 0 { arguments.swapAt(1 % arguments.count, random.below(arguments.count)) }
        return arguments
    }
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a small, well-mixed generator for test inputs.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in 0..<bound (the tiny modulo bias is harmless here).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
