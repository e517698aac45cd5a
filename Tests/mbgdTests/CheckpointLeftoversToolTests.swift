import Foundation
import Testing

/// A SIGKILL during a checkpoint's write leaves its temporary (`.NAME.XXXXXX`) beside it; the
/// next fit that checkpoints to the same path removes such leftovers once it has written, and
/// nothing else: not a temporary changed since it began (a live writer's), not a file of
/// another name or of another shape.
@Suite struct CheckpointLeftoversToolTests {
    @Test func aLaterFitRemovesAKilledWritersTemporaries() throws {
        let folder = try scratchFolder()
        let checkpoint = folder + "/fit.ckpt"
        let stale = [folder + "/.fit.ckpt.Ab12Cd", folder + "/.fit.ckpt.zzzzzz"]
        let kept = [
            folder + "/.fit.ckpt.Ab12C", folder + "/.fit.ckpt.Ab12Cd7", folder + "/.fit.ckpt.Ab-2Cd", folder + "/.other.ckpt.Ab12Cd",
            folder + "/fit.ckpt.Ab12Cd", folder + "/.fit.ckpt.Fresh1",
        ]
        for path in stale + kept { _ = try write("leftover", to: path) }
        // The stale ones, and the wrongly named ones, an hour old; the fresh one a minute ahead.
        let hourAgo = Date(timeIntervalSinceNow: -3600), ahead = Date(timeIntervalSinceNow: 60)
        for path in stale + kept.dropLast() {
            try FileManager.default.setAttributes([.modificationDate: hourAgo], ofItemAtPath: path)
        }
        try FileManager.default.setAttributes([.modificationDate: ahead], ofItemAtPath: kept.last!)
        let run = try mbgd(
            "fit", "Examples/data/houses.csv", "--target", "price", "--epochs", "2", "--checkpoint", checkpoint, "--checkpoint-every", "1")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: checkpoint))
        for path in stale { #expect(!FileManager.default.fileExists(atPath: path), "\(path) should be gone") }
        for path in kept { #expect(FileManager.default.fileExists(atPath: path), "\(path) should stay") }
    }
}
