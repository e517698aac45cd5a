import ArgumentParser
import Foundation
import MiniBatchGD

/// `mbgd`: linear regression by mini-batch gradient descent, checked against the closed form.
@main
struct MBGD: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mbgd",
        abstract: "Linear regression by batch, stochastic and mini-batch gradient descent, checked against the exact least-squares solution.",
        discussion: """
        Exit status: 0 on success, 1 for bad input (files, data, divergence), 2 for bad arguments.
        """,
        subcommands: [Demo.self, Fit.self, Solve.self, Predict.self, Bench.self]
    )

    /// Runs a subcommand; every failure becomes one line on stderr and a documented exit status.
    static func main() {
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
        do {
            var command = command
            try command.run()
        } catch let error as CLIError where error.isUsage {
            FileHandle.standardError.write(Data("mbgd: error: \(error)\n".utf8))
            Foundation.exit(2)
        } catch {
            FileHandle.standardError.write(Data("mbgd: error: \(error)\n".utf8))
            Foundation.exit(1)
        }
    }
}

/// Failures of the tool itself (the library's errors pass through with their own messages).
enum CLIError: Error, CustomStringConvertible {
    case badArgument(String)
    case cannotWrite(path: String, reason: String)
    case missingColumns(path: String, names: [String])

    var isUsage: Bool { if case .badArgument = self { true } else { false } }

    var description: String {
        switch self {
        case let .badArgument(message): return message
        case let .cannotWrite(path, reason): return "\(path): cannot write (\(reason))"
        case let .missingColumns(path, names): return "\(path): the model needs columns \(names.joined(separator: ", ")), which the file lacks"
        }
    }
}
