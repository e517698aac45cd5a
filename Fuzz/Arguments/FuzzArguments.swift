// libFuzzer entry point for the command line: every input is an argument vector (the bytes split
// at NUL, as the kernel passes argv) parsed by the tool's own command tree with its validation,
// without running the command. Parsing either succeeds with a configuration the library accepts
// or fails with a usage error (exit status 2) or help (0); anything else is a bug: a crash, a
// trap, a sanitizer report, or an error the tool would report as bad input (exit status 1).
import ArgumentParser
import Foundation
import MiniBatchGD

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let arguments = UnsafeBufferPointer(start: bytes, count: count).split(separator: 0, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    do {
        let command = try MBGD.parseAsRoot(arguments)
        // Options that passed validation must give the library a configuration it accepts.
        switch command {
        case let fit as Fit: try fit.gradientDescent.validate()
        case let bench as Bench: try bench.configuration.validate()
        case let sweep as Sweep: _ = try (parseBatchSizes(sweep.batchSizes), parseLearningRate(sweep.learningRate))
        default: break
        }
    } catch let error as CLIError where error.isUsage {
    } catch {
        let status = MBGD.exitCode(for: error)
        precondition(status != .failure, "arguments \(arguments) failed as bad input, not as a usage error: \(error)")
        precondition(!MBGD.fullMessage(for: error).isEmpty || status == .success, "an error without a message for \(arguments)")
    }
    return 0
}
