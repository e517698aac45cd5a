import ArgumentParser
import Foundation
import MiniBatchGD

/// The data file and how to read it, shared by `fit` and `solve`.
struct DataOptions: ParsableArguments {
    @Argument(help: "A CSV file with a header row, or a NumPy .npy 2-D float array.")
    var file: String

    @Option(name: .customLong("target"), help: ArgumentHelp(
        "Target column: a name for CSV, a 0-based index for .npy. Repeat for several targets. Default: the last column.",
        valueName: "name"))
    var targets: [String] = []

    @Flag(name: .customLong("no-intercept"), help: "Fit without an intercept.")
    var noIntercept = false

    var fitIntercept: Bool { !noIntercept }

    func validate() throws {
        if let twice = targets.indices.first(where: { targets[..<$0].contains(targets[$0]) }).map({ targets[$0] }) {
            throw ValidationError("--target '\(twice)' is given twice")
        }
        if file.lowercased().hasSuffix(".npy") {
            for target in targets where Int(target) == nil {
                throw ValidationError("--target for a .npy file is a column index (0-based), got '\(target)'")
            }
        }
    }

    func load() throws -> Dataset {
        try DataOptions.load(path: file, targets: targets)
    }

    static func load(path: String, targets: [String]) throws -> Dataset {
        if path.lowercased().hasSuffix(".npy") {
            return try NPYReader.dataset(path: path, targets: targets.compactMap { Int($0) })
        }
        return try CSVReader.read(path: path, targets: targets)
    }
}

/// A fraction in the open interval (0, 1), for argument validation.
func checkFraction(_ value: Double?, _ option: String) throws {
    if let value, !(value > 0 && value < 1) {
        throw ValidationError("\(option) must lie strictly between 0 and 1, got \(value)")
    }
}

/// Writes `text` to `path`, creating nothing but the file.
func writeText(_ text: String, to path: String) throws {
    do { try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
        throw CLIError.cannotWrite(path: path, reason: error.localizedDescription)
    }
}

/// Creates the `--plot` folder if needed.
func preparePlotFolder(_ path: String) throws {
    do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
        throw CLIError.cannotWrite(path: path, reason: error.localizedDescription)
    }
}
