import Foundation
import Testing

/// `mbgd-mpi fit --checkpoint/--resume` under `mpirun` with 2 ranks: stopped at the end of an
/// epoch budget's checkpoint, or by SIGTERM at a random moment after its first checkpoint (sent
/// to every rank, as a scheduler sends it, or to mpirun, which passes it on), then resumed, it
/// prints the same `--json`, byte for byte, as the uninterrupted 2-rank fit. Checkpoints of
/// another rank count, other options, other rows, or damaged, are refused saying so.
@Suite(.serialized) struct MPICheckpointToolTests {
    static let fit: [String] = {
        let npy = try! MPIToolTests.data().npy
        return [
            "fit", npy, "--target", "y", "--features", "a,b,c,d", "--batch-size", "1", "--epochs", "150", "--tolerance", "0",
            "--optimizer", "adam", "--json",
        ]
    }()

    /// `mbgd-mpi arguments` started under `mpirun -np 2`, its standard error in a pipe.
    static func launch(_ arguments: [String]) throws -> (process: Process, stderr: Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [
                "OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1", "mpirun", "--oversubscribe", "-np", "2",
                MPIToolTests.mpiToolPath,
            ] + arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + 240) { if process.isRunning { kill(pid, SIGKILL) } }
        return (process, err)
    }

    /// The processes whose parent is `parent` (mpirun's ranks), from /proc.
    static func children(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let end = stat.lastIndex(of: ")")
            else { return false }
            // After "pid (name) state": the parent's pid.
            let fields = stat[stat.index(after: end)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == parent
        }
    }

    /// Stopped by the epoch budget of a first run (its checkpoint at the end of epoch 2 of 3)
    /// and resumed: the uninterrupted run's report; saving every epoch changes nothing.
    @Test func aCheckpointOfTwoRanksResumesToTheSameReport() throws {
        let short = Array(Self.fit[0..<8]) + ["--epochs", "3", "--tolerance", "0", "--json"]
        let whole = try MPIToolTests.mpirun(2, short)
        #expect(whole.status == 0, "\(whole.stderr)")
        let checkpoint = try scratchFolder() + "/epochs.checkpoint"
        let saving = try MPIToolTests.mpirun(2, short + ["--checkpoint", checkpoint, "--checkpoint-every", "1"])
        #expect(saving.status == 0 && saving.stdout == whole.stdout, "\(saving.stderr)")
        let resumed = try MPIToolTests.mpirun(2, short + ["--resume", checkpoint])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout == whole.stdout)
        // The parameters were trained on: not the start's zeros.
        let parameters = MPIToolTests.numbers((try resumed.json)["coefficients"])
        #expect(!parameters.isEmpty && parameters.contains { $0 != 0 })
    }

    /// SIGTERM after the first checkpoint and a random moment more: to both ranks (a
    /// scheduler's preemption) the job ends with status 130 saying where the state is; to
    /// mpirun, which passes it to the ranks a second later, the state is saved too (mpirun's
    /// own status is then 1). Either resumed: the uninterrupted report.
    @Test func terminatedFitsOnTwoRanksResumeToTheSameReport() throws {
        let start = ContinuousClock.now
        let reference = try MPIToolTests.mpirun(2, Self.fit)
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        #expect(reference.status == 0, "\(reference.stderr)")
        let checkpoint = try scratchFolder() + "/terminated.checkpoint"
        var generator = SystemRandomNumberGenerator()
        // 2 stops here; 20 under make stress (MBGD_STRESS=1). A fit that ends before its signal
        // (a loaded machine runs it faster or slower than the reference) is tried again, up to
        // four times the stops wanted.
        let wanted = ProcessInfo.processInfo.environment["MBGD_STRESS"] == nil ? 2 : 20
        var resumedCount = 0
        for trial in 0..<(4 * wanted) where resumedCount < wanted {
            try? FileManager.default.removeItem(atPath: checkpoint)
            let toRanks = trial % 2 == 0
            let (process, stderr) = try Self.launch(Self.fit + ["--checkpoint", checkpoint, "--checkpoint-every", "1"])
            let deadline = Date().addingTimeInterval(200)
            while !FileManager.default.fileExists(atPath: checkpoint), process.isRunning, Date() < deadline { usleep(2000) }
            let delay = Double.random(in: 0...(toRanks ? 0.25 : 0.1), using: &generator) * seconds
            usleep(UInt32(delay * 1e6))
            guard process.isRunning else { continue }
            let ranks = Self.children(of: process.processIdentifier)
            #expect(ranks.count == 2, "mpirun's children: \(ranks)")
            for pid in toRanks ? ranks : [process.processIdentifier] { kill(pid, SIGTERM) }
            process.waitUntilExit()
            let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            // A fit that ended before the signal has nothing to resume.
            guard !message.contains("interrupted after the outputs were written"), process.terminationStatus != 0 else { continue }
            #expect(process.terminationStatus == (toRanks ? 130 : 1), "trial \(trial): \(message)")
            #expect(message.contains("saved in \(checkpoint)") && message.contains("--resume \(checkpoint)"), "\(message)")
            let resumed = try MPIToolTests.mpirun(2, Self.fit + ["--resume", checkpoint])
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(resumed.stdout == reference.stdout, "trial \(trial), stopped \(delay) s after its first checkpoint")
            resumedCount += 1
        }
        // Each stop that landed was checked above; on a loaded machine some fits still finish
        // first (mpirun forwards its SIGTERM a second late), so at least half must have landed.
        #expect(2 * resumedCount >= wanted, "only \(resumedCount) of \(wanted) fits were stopped while they trained")
    }

    /// Another rank count, another batch size, other rows (one value of the last row changed),
    /// or a damaged file: each refused by name, on every rank alike.
    @Test func otherRanksOptionsRowsAndDamagedFilesAreRefused() throws {
        let (folder, npy) = try MPIToolTests.data()
        let short = ["fit", npy, "--target", "y", "--features", "a,b,c,d", "--epochs", "3", "--tolerance", "0"]
        let checkpoint = folder + "/two.checkpoint"
        #expect(try MPIToolTests.mpirun(2, short + ["--checkpoint", checkpoint, "--checkpoint-every", "1"]).status == 0)
        let three = try MPIToolTests.mpirun(3, short + ["--resume", checkpoint])
        #expect(three.status == 1)
        #expect(
            three.stderr.contains("It differs in the number of ranks (mpirun -np): the checkpoint has 2, this fit 3\n"), "\(three.stderr)")
        let single = try mbgd(arguments: short + ["--resume", checkpoint])
        #expect(single.status == 1 && single.stderr.contains("the number of ranks (mpirun -np): the checkpoint has 2, this fit none"))
        let batch = try MPIToolTests.mpirun(2, short + ["--resume", checkpoint, "--batch-size", "64"])
        #expect(
            batch.status == 1 && batch.stderr.contains("the batch size (--batch-size): the checkpoint has 32, this fit 64"),
            "\(batch.stderr)")
        // The last row's last value (z, not a chosen column) is not looked at; its y is: rank 1's last rows.
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: npy)))
        bytes[bytes.count - 16] ^= 1
        let other = folder + "/other.npy"
        try Data(bytes).write(to: URL(fileURLWithPath: other))
        try FileManager.default.copyItem(atPath: npy + ".columns.json", toPath: other + ".columns.json")
        let rows = try MPIToolTests.mpirun(2, ["fit", other] + short.dropFirst(2) + ["--resume", checkpoint])
        #expect(
            rows.status == 1 && rows.stderr.contains("It differs in the last rows' values on rank 1: the checkpoint has "), "\(rows.stderr)"
        )
        var damaged = Array(try Data(contentsOf: URL(fileURLWithPath: checkpoint)))
        damaged[damaged.count / 3] ^= 0x40
        try Data(damaged).write(to: URL(fileURLWithPath: folder + "/damaged.checkpoint"))
        let refused = try MPIToolTests.mpirun(2, short + ["--resume", folder + "/damaged.checkpoint"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("damaged.checkpoint: not a usable checkpoint (its checksum does not match"), "\(refused.stderr)")
    }
}
