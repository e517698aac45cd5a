import ArgumentParser
import MiniBatchGD

/// A command that takes `--threads`, and what its threads do, as its `--help` says it.
protocol ThreadedCommand {
    static var threadsHelp: String { get }
}

/// `--threads`, shared by `fit`, `solve` and `bench`: one spelling, type and parsing, with the
/// help text of the command that takes it (the threads do different work in each).
struct ThreadOptions<Command: ThreadedCommand>: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp(Command.threadsHelp)) var threads: Int?

    /// For the commands that hand the count to OpenBLAS (``setOpenBLAS()``) before the library
    /// sees it: OpenBLAS would try to start every one of them (and hang or fail at an absurd count).
    func validateForOpenBLAS() throws {
        do { try OptionSpelling.commandLine.validateThreads(threads) } catch let error as OptionError {
            throw ValidationError(error.message)
        }
    }

    /// Gives OpenBLAS the count asked for, if any.
    func setOpenBLAS() {
        if let threads { BLASThreads.set(threads) }
    }
}
