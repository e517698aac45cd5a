import ArgumentParser
import Foundation
import MiniBatchGD

extension DataOptions {
    /// The reader of a libsvm stream, once the options a stream of sparse rows does not take
    /// are refused (its columns are its indices, its target each line's label) and its width
    /// is given (`--n-features`: a stream's largest index is known only at its end).
    func libsvmStreamReader(_ head: StreamHead, descriptor: Int32, command: String, weights: String?) throws -> LIBSVMWindowReader {
        let name = streamName
        func refuse(_ option: String, _ why: String) -> CLIError {
            .badArgument("\(command) \(file): \(name) holds libsvm rows: \(why); drop \(option)")
        }
        if !targets.isEmpty { throw refuse("--target", "each line's label is its target") }
        if features != nil { throw refuse("--features", "every index is a feature") }
        if weights != nil { throw refuse("--weights", "libsvm rows carry no weight column") }
        guard let featureCount else {
            throw CLIError.badArgument(
                "\(command) \(file): \(name) holds libsvm rows, whose width is not known before the stream ends: give it with --n-features p (the largest index, as scikit-learn's n_features; a larger index is refused with its line), or save the stream to a file (cat > rows.svm) and \(command) that, whose width is its largest index"
            )
        }
        return try LIBSVMWindowReader(
            descriptor: descriptor, name: name, prefix: head.prefix, zeroBased: zeroBased, featureCount: featureCount)
    }

    /// Refuses the options of libsvm rows beside a CSV or `.npy` stream.
    func checkDenseStream(_ head: StreamHead) throws {
        let kind = head.format == .npy ? "a .npy array" : "CSV"
        for (given, option) in [(featureCount != nil, "--n-features"), (zeroBased, "--zero-based")] where given {
            guard head.holdsData else {
                throw CLIError.badInput("\(streamName) holds no rows: it is empty, or only blank and comment lines")
            }
            throw CLIError.badArgument("\(option) is for libsvm rows; \(streamName) holds \(kind), its columns named: drop \(option)")
        }
    }

    /// The libsvm reader's errors said as "standard input, line N: …".
    func libsvmStreamErrors<Result>(_ body: () throws -> Result) throws -> Result {
        let name = streamName
        do {
            return try body()
        } catch let FileError.badLIBSVMEntry(_, line, entry, text, problem) {
            if case let .indexBeyondFeatureCount(count, largest) = problem {
                throw CLIError.badInput(
                    "\(name), line \(line): entry \(entry) '\(text)': the index \(text.prefix { $0 != ":" }) is beyond \(largest), the last of the \(count) features of --n-features \(count); give --n-features at least the stream's largest index"
                )
            }
            throw CLIError.badInput("\(name), line \(line): \(problem.message(entry: entry, text: text))")
        } catch let FileError.lineTooLong(_, line, limit) {
            throw CLIError.badInput(
                "\(name), line \(line): the line is longer than \(limit >> 20) MiB; a libsvm row is one line of index:value entries")
        }
    }

    /// A note when the stream's last line had no newline: a stream cut short ends so (it was
    /// read as it stands, as a file's last line is).
    func noteUnendedLastLine(_ unended: Bool, line: Int) {
        guard unended else { return }
        Terminal.writeError(
            "\(Cluster.tool): note: \(streamName) ends without a newline after line \(line): if the stream was cut short, its last row may be cut too\n"
        )
    }
}
