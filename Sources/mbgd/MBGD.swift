import ArgumentParser
import Foundation
import MiniBatchGD

/// `mbgd`: linear regression by mini-batch gradient descent, checked against the closed form.
/// The process starts in `Entry.swift`; the argument fuzzer (`Fuzz/Arguments`) builds everything
/// else and parses with this type as the tool does.
struct MBGD: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mbgd",
        abstract:
            "Linear regression by batch, stochastic and mini-batch gradient descent, checked against the exact least-squares solution.",
        discussion: """
            Exit status: 0 on success, 1 for bad input (files, data, divergence), 2 for bad arguments,
            130 when a fit is interrupted (Ctrl-C or SIGTERM).
            """,
        subcommands: [Demo.self, Fit.self, Solve.self, Predict.self, Bench.self, Sweep.self, Convert.self]
    )

    /// Runs a subcommand; every failure becomes one line on stderr and a documented exit status:
    /// 0 for help, 2 for bad arguments, 1 for everything else (files, data, divergence).
    static func main() {
        startOpenBLASSafely()
        Interruption.install()
        do {
            var command = try parseAsRoot()
            try command.run()
            try finishStandardOutput()
        } catch let error as CLIError where error.isUsage {
            fail("mbgd: error: \(error)", status: 2)
        } catch let error as ArgumentError {
            // Found by the library once the data was read (a column named twice, a test fraction).
            fail("mbgd: error: \(ArgumentNames.message(error))", status: 2)
        } catch let error as CLIError where error.isInterruption {
            fail("mbgd: \(error)", status: 130)
        } catch let TrainingError.cancelled(epochs) {
            fail("mbgd: \(CLIError.interrupted(epochsCompleted: epochs, epochs: nil))", status: 130)
        } catch {
            switch exitCode(for: error) {
            case .success:
                print(fullMessage(for: error))
                Foundation.exit(0)
            case .failure:
                // The library's and the tool's own errors: their description is the message.
                fail("mbgd: error: \(error)", status: 1)
            default:
                // ArgumentParser's parsing and validation errors.
                fail(fullMessage(for: error), status: 2)
            }
        }
    }

    /// Output that could not be written is a failure, not a success (`> /dev/full`, a closed
    /// stdout). A reader that went away (`| head`) ends the command by SIGPIPE, quietly.
    private static func finishStandardOutput() throws {
        if let reason = Terminal.writeFailure { throw FileError.unwritable(path: "standard output", reason: reason) }
    }

    private static func fail(_ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data((Terminal.clean(message) + "\n").utf8))
        Foundation.exit(status)
    }
}

/// Failures of the tool itself (the library's errors pass through with their own messages).
enum CLIError: Error, CustomStringConvertible {
    case badArgument(String)
    case missingColumns(path: String, names: [String])
    case interrupted(epochsCompleted: Int, epochs: Int?)

    var isUsage: Bool { if case .badArgument = self { true } else { false } }
    var isInterruption: Bool { if case .interrupted = self { true } else { false } }

    var description: String {
        switch self {
        case let .badArgument(message): return message
        case let .missingColumns(path, names):
            return "\(path): the model needs columns \(names.joined(separator: ", ")), which the file lacks"
        case let .interrupted(done, epochs):
            return "interrupted after \(done)\(epochs.map { " of \($0)" } ?? "") epochs; nothing was written"
        }
    }
}

/// OpenBLAS starts its threads, each with a large buffer, when it is loaded: under an address-space
/// limit (`ulimit -v`) that can leave no room for the buffer of the first call, which OpenBLAS
/// then retries forever. Only the environment, read at load, prevents it, so the tool starts
/// itself again once with `OPENBLAS_NUM_THREADS=1` when a limit is set and the variable is not.
private func startOpenBLASSafely() {
    guard getenv("OPENBLAS_NUM_THREADS") == nil, BLASThreads.addressSpaceLimited else { return }
    setenv("OPENBLAS_NUM_THREADS", "1", 1)
    let arguments = CommandLine.unsafeArgv
    execv("/proc/self/exe", arguments)
    // execv returned: carry on in this process (the library still sets one thread).
}
