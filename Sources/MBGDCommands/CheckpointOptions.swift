import ArgumentParser
import Foundation
import MiniBatchGD

/// `--checkpoint`, `--checkpoint-every` and `--resume` of `mbgd fit`: a long fit saved as it
/// goes, and continued after it was stopped.
struct CheckpointOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Save the fit's whole state to this file as it trains (written to a temporary and renamed over it, so a crash never leaves half of one), at --checkpoint-every and when interrupted (Ctrl-C, SIGTERM: then at the batch it stopped at, before exiting with status 130). Dense or sparse rows; under mbgd-mpi, rank 0 writes one file holding every rank's state.",
            valueName: "path"))
    var checkpoint: String?
    @Option(
        name: .customLong("checkpoint-every"),
        help: ArgumentHelp(
            "How often to save: a duration as 60s, 5m or 1h (at the first epoch end after it), or a number of epochs as 10 (default: 60s).",
            valueName: "duration|epochs"))
    var checkpointEvery: String?
    @Option(
        help: ArgumentHelp(
            "Continue the fit saved in this checkpoint: the same data and options then give the same parameters and history, bit for bit, as a fit never stopped; other data or options are refused, saying what differs. Goes on saving to --checkpoint, or to this file when no --checkpoint is given.",
            valueName: "path"))
    var resume: String?

    func validate() throws {
        if let checkpointEvery {
            guard checkpoint != nil || resume != nil else {
                throw ValidationError("--checkpoint-every \(checkpointEvery) says how often to save: give --checkpoint PATH too")
            }
            _ = try interval(checkpointEvery)
        }
        for path in [checkpoint, resume].compactMap({ $0 }) where path.isEmpty || path == "-" {
            throw ValidationError("a checkpoint must be a file (\(path.isEmpty ? "an empty path" : "'-'") was given)")
        }
    }

    /// The library's checkpointing: nil without --checkpoint or --resume.
    var checkpointing: Checkpointing? {
        guard let path = checkpoint ?? resume else { return nil }
        return Checkpointing(path: path, every: (try? interval(checkpointEvery ?? "60s")) ?? .seconds(60), resumesFrom: resume)
    }

    /// `60s`, `5m`, `1h` (a duration) or `10` (epochs).
    private func interval(_ text: String) throws -> Checkpointing.Interval {
        if let epochs = Int(text) {
            guard epochs >= 1 else { throw ValidationError("--checkpoint-every \(text): a number of epochs must be at least 1") }
            return .epochs(epochs)
        }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        guard let unit = text.last.flatMap({ units[$0] }), let amount = Double(text.dropLast()), amount.isFinite, amount >= 0 else {
            throw ValidationError(
                "--checkpoint-every \(text) is neither a duration (60s, 5m, 1h) nor a number of epochs (10)")
        }
        return .seconds(amount * unit)
    }
}
