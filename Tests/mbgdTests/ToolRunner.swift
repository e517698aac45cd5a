import Foundation
import Testing

/// Runs the built `mbgd` executable as a user would and captures what it prints.
struct ToolRun {
    let status: Int32
    let stdout: String
    let stderr: String
    /// Killed by a signal (then `status` is its number), not ended by exit.
    var endedBySignal = false
    /// The `interrupt` signal of ``run(_:arguments:in:timeout:interrupt:)`` was sent.
    var interrupted = false

    /// stdout parsed as one JSON object.
    var json: [String: Any] {
        get throws {
            let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            guard let dictionary = object as? [String: Any] else { throw ToolError("stdout is not a JSON object: \(stdout)") }
            return dictionary
        }
    }
}

struct ToolError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The `mbgd` binary beside the test bundle in the build folder.
let toolPath: String = {
    let candidates = [
        Bundle.main.executableURL?.deletingLastPathComponent(), Bundle.main.bundleURL,
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
    ]
    .compactMap { $0?.appendingPathComponent("mbgd").path }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
}()

func mbgd(_ arguments: String...) throws -> ToolRun {
    try mbgd(arguments: arguments)
}

func mbgd(arguments: [String], in folder: String? = nil) throws -> ToolRun {
    try run(toolPath, arguments: arguments, in: folder)
}

/// Starts `mbgd arguments…` and returns at once, for a test that acts on the running process
/// (signals, files changed under it): the process, and its stderr to read once it ends. It is
/// killed (SIGKILL) after `timeout` seconds if still running.
func launch(_ arguments: [String], timeout: Double = 120) throws -> (process: Process, stderr: Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: toolPath)
    process.arguments = arguments
    let err = Pipe()
    process.standardError = err
    process.standardOutput = Pipe()
    try process.run()
    let pid = process.processIdentifier
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if process.isRunning { kill(pid, SIGKILL) } }
    return (process, err)
}

/// Runs `executable`; with `timeout`, kills it (SIGKILL) after that many seconds, so that a
/// hang fails the test (status 9 by signal) instead of stopping the suite. With `interrupt`,
/// sends that signal after that many seconds if it is still running (``ToolRun/interrupted``).
func run(
    _ executable: String, arguments: [String], in folder: String? = nil, timeout: Double? = nil,
    interrupt: (signal: Int32, after: Double)? = nil
) throws -> ToolRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let pid = process.processIdentifier
    let interrupted = Flag()
    if let interrupt {
        DispatchQueue.global().asyncAfter(deadline: .now() + interrupt.after) {
            if process.isRunning {
                interrupted.set()
                kill(pid, interrupt.signal)
            }
        }
    }
    if let timeout {
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if process.isRunning { kill(pid, SIGKILL) } }
    }
    // Read both pipes before waiting, so a full pipe cannot block the tool.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ToolRun(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self), endedBySignal: process.terminationReason == .uncaughtSignal,
        interrupted: interrupted.value)
}

/// A flag set from another thread.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false
    func set() { lock.withLock { isSet = true } }
    var value: Bool { lock.withLock { isSet } }
}

/// A fresh folder with files for one test.
func scratchFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("mbgd-tool-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@discardableResult
func write(_ text: String, to path: String) throws -> String {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

/// ‖a − b‖ / ‖b‖.
func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    let difference = zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    return difference / b.map { $0 * $0 }.reduce(0, +).squareRoot()
}

/// Rows of a small regression problem, deterministic and written as CSV text: y = 3 + 2a − b + noise.
func houseLikeCSV(rows: Int = 60) -> (text: String, a: [Double], b: [Double], y: [Double]) {
    var a: [Double] = [], b: [Double] = [], y: [Double] = []
    for i in 0..<rows {
        let u = Double(i % 11) - 5, v = Double((i * 7) % 13) / 2
        let noise = Double((i * 37) % 17) / 17 - 0.5
        a.append(u)
        b.append(v)
        y.append(3 + 2 * u - v + 0.3 * noise)
    }
    let text = "a,b,y\n" + (0..<rows).map { "\(a[$0]),\(b[$0]),\(y[$0])" }.joined(separator: "\n") + "\n"
    return (text, a, b, y)
}

/// Ordinary least squares of y on (1, a, b) by the centred 2×2 normal equations, solved by hand.
func handSolve(a: [Double], b: [Double], y: [Double]) -> [Double] {
    let n = Double(a.count)
    let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n, my = y.reduce(0, +) / n
    var saa = 0.0, sab = 0.0, sbb = 0.0, say = 0.0, sby = 0.0
    for i in a.indices {
        let da = a[i] - ma, db = b[i] - mb, dy = y[i] - my
        saa += da * da
        sab += da * db
        sbb += db * db
        say += da * dy
        sby += db * dy
    }
    let determinant = saa * sbb - sab * sab
    let wa = (sbb * say - sab * sby) / determinant, wb = (saa * sby - sab * say) / determinant
    return [my - wa * ma - wb * mb, wa, wb]
}

/// Runs `mbgd arguments…` with `input` on its standard input through a pipe, as a shell makes it
/// (`cat FILE | mbgd …`): cat, not this process, writes the pipe, so a tool that stops reading
/// early cannot raise SIGPIPE here. The status is mbgd's (the pipeline's last command).
func mbgd(arguments: [String], standardInput input: String) throws -> ToolRun {
    let file = try write(input, to: try scratchFolder() + "/stdin.csv")
    return try run(
        "/bin/sh", arguments: ["-c", "cat \(shellQuoted(file)) | " + ([toolPath] + arguments).map(shellQuoted).joined(separator: " ")],
        timeout: 120)
}

/// `text` as one word for /bin/sh.
func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
