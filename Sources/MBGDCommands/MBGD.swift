import ArgumentParser
import Foundation
import MiniBatchGD

/// `mbgd`: linear regression by mini-batch gradient descent, checked against the closed form.
/// The process starts in `Entry.swift`; the argument fuzzer (`Fuzz/Arguments`) builds everything
/// else and parses with this type as the tool does.
package struct MBGD: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "mbgd",
        abstract:
            "Linear regression by batch, stochastic and mini-batch gradient descent, checked against the exact least-squares solution.",
        discussion: """
            Exit status: 0 on success, 1 for bad input (files, data, divergence), 2 for bad arguments, \
            130 when interrupted (Ctrl-C, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2 or SIGALRM).
            """,
        subcommands: [Demo.self, Fit.self, Solve.self, Path.self, Predict.self, Bench.self, Sweep.self, Convert.self]
    )

    /// Runs a subcommand; every failure becomes one line on stderr and a documented exit status:
    /// 0 for help, 2 for bad arguments, 1 for everything else (files, data, divergence).
    package init() {}

    package static func main() {
        ensureOpenFiles()
        startOpenBLASSafely()
        Interruption.install()
        do {
            var command = try parseAsRoot()
            try command.run()
            try finishStandardOutput()
        } catch {
            let ending = Ending(error, root: Self.self)
            if ending.status == 0 {
                print(ending.message)
            } else {
                Terminal.writeError(Terminal.clean(ending.message) + "\n")
            }
            Foundation.exit(ending.status)
        }
    }

    /// Output that could not be written is a failure, not a success (`> /dev/full`, a closed
    /// stdout). A reader that went away (`| head`) ends the command by SIGPIPE, quietly.
    static func finishStandardOutput() throws {
        if let reason = Terminal.writeFailure { throw FileError.unwritable(path: "standard output", reason: reason) }
    }
}

/// How a command that threw ends: its message (help text for `--help`, on standard output) and
/// exit status: 0 for help, 2 for bad arguments, 130 for an interruption, 1 for everything else
/// (files, data, divergence).
struct Ending {
    let message: String
    let status: Int32

    /// The line the tool ends with, its text from files escaped so that it cannot drive a
    /// terminal (``PrintableText``), and the exit status of the error's ``ErrorKind``.
    init<Root: ParsableCommand>(_ error: any Error, root: Root.Type) {
        let (message, status) = Self.ending(error, root: root)
        // ArgumentParser's own messages (usage, help) are its layout: only the errors are escaped.
        self.message = error is MiniBatchGDError || error is CLIError ? PrintableText.escaping(message, keeping: ["\n"]) : message
        self.status = status
    }

    private static func ending<Root: ParsableCommand>(_ error: any Error, root: Root.Type) -> (message: String, status: Int32) {
        let tool = Root.configuration.commandName ?? "mbgd"
        let message: String, status: Int32
        switch error {
        case let error as CLIError where error.isUsage:
            (message, status) = ("\(tool): error: \(error)", 2)
        case let error as ArgumentError:
            // Found by the library once the data was read (a column named twice, a test fraction).
            (message, status) = ("\(tool): error: \(ArgumentNames.message(error))", Self.status(of: error.kind))
        case let error as CLIError where error.isInterruption:
            (message, status) = ("\(tool): \(error)", Self.status(of: .cancelled))
        case let TrainingError.cancelled(epochs):
            (message, status) = ("\(tool): \(CLIError.interrupted(epochsCompleted: epochs, epochs: nil))", Self.status(of: .cancelled))
        case let DistributedError.failed(rank, ranks, underlying):
            // One rank's own failure: its message with the rank, the status of the error itself.
            let inner = Self.ending(underlying, root: root)
            let prefix = ranks > 1 ? "rank \(rank) of \(ranks): " : ""
            let text =
                inner.message.hasPrefix("\(tool): error: ") ? String(inner.message.dropFirst("\(tool): error: ".count)) : inner.message
            (message, status) = ("\(tool): error: \(prefix)\(text)", inner.status)
        case let error as FileError:
            // A word in a number column is usually a text column the command was not told to skip.
            var hint = ""
            if case let .notANumber(_, _, _, text) = error, !text.isEmpty {
                hint =
                    "; if that column holds text, leave it out (--features names the columns fit, solve and sweep use; --columns those convert keeps) or encode it as numbers"
            }
            (message, status) = ("\(tool): error: \(error)\(hint)", Self.status(of: error.kind))
        case let error as MiniBatchGDError:
            (message, status) = ("\(tool): error: \(error)", Self.status(of: error.kind))
        default:
            switch Root.exitCode(for: error) {
            case .success: (message, status) = (Root.fullMessage(for: error), 0)
            // The library's and the tool's own errors: their description is the message.
            case .failure: (message, status) = ("\(tool): error: \(error)", 1)
            // ArgumentParser's parsing and validation errors.
            default: (message, status) = (Root.fullMessage(for: error), 2)
            }
        }
        return (message, status)
    }

    /// The exit status of a failure of `kind`: 2 for a caller's mistake, 130 for an
    /// interruption (128 + SIGINT), 1 for bad data, files, computations and processes.
    static func status(of kind: ErrorKind) -> Int32 {
        switch kind {
        case .argument: 2
        case .cancelled: 130
        case .input, .numerical, .file, .distributed: 1
        }
    }
}

/// Failures of the tool itself (the library's errors pass through with their own messages).
enum CLIError: Error, CustomStringConvertible {
    case badArgument(String)
    /// Bad data the tool found itself (a stream's line), not an argument: exit status 1.
    case badInput(String)
    case missingColumns(path: String, names: [String])
    /// With the checkpoint that holds the fit's state, when there is one.
    case interrupted(epochsCompleted: Int, epochs: Int?, checkpoint: String? = nil)

    var isUsage: Bool { if case .badArgument = self { true } else { false } }
    var isInterruption: Bool { if case .interrupted = self { true } else { false } }

    var description: String {
        switch self {
        case let .badArgument(message), let .badInput(message): return message
        case let .missingColumns(path, names):
            return "\(path): the model needs columns \(names.joined(separator: ", ")), which the file lacks"
        case let .interrupted(done, epochs, checkpoint?):
            return
                "interrupted after \(done)\(epochs.map { " of \($0)" } ?? "") epochs; the fit's state is saved in \(checkpoint): run the same command with --resume \(checkpoint) to continue"
        case let .interrupted(done, epochs, nil):
            return "interrupted after \(done)\(epochs.map { " of \($0)" } ?? "") epochs; nothing was written"
        }
    }
}

/// OpenBLAS starts its threads, each with a large buffer, when it is loaded: under an address-space
/// or data limit (`ulimit -v`, `ulimit -d`) that can leave no room for the buffer of the first call, which OpenBLAS
/// then retries forever. Only the environment, read at load, prevents it, so the tool starts
/// itself again once with `OPENBLAS_NUM_THREADS=1` when a limit is set and the variable is not.
private func startOpenBLASSafely() {
    guard getenv("OPENBLAS_NUM_THREADS") == nil, BLASThreads.addressSpaceLimited else { return }
    setenv("OPENBLAS_NUM_THREADS", "1", 1)
    let arguments = CommandLine.unsafeArgv
    execv("/proc/self/exe", arguments)
    // execv returned: carry on in this process (the library still sets one thread).
}

/// libdispatch, OpenBLAS and the files a command opens need over a dozen descriptors;
/// with fewer (`ulimit -n 8`) libdispatch traps (SIGILL) at its first queue. The soft limit is
/// raised toward the hard one where it is lower than a comfortable 256; below 16 even then, the
/// tool stops at once with the way out (measured: 12 failed, 16 ran).
func ensureOpenFiles(tool: String = "mbgd") {
    let needed: rlim_t = 16, comfortable: rlim_t = 256
    var limit = rlimit()
    guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < comfortable else { return }
    let raised = Swift.min(limit.rlim_max, comfortable)
    if raised > limit.rlim_cur {
        var wanted = limit
        wanted.rlim_cur = raised
        if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &wanted) == 0 { return }
    }
    guard limit.rlim_cur < needed else { return }
    let message =
        "\(tool): error: ulimit -n allows \(limit.rlim_cur) open files (its hard limit is \(limit.rlim_max)) and \(tool) needs at least \(needed) (for its threads and files); raise the hard limit (ulimit -Hn 256 where allowed, or in the session's limits)\n"
    _ = message.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    exit(1)
}
