import Foundation
import Testing

/// The tool under limits users set: it finishes or says why, and never hangs.
@Suite struct LimitsToolTests {
    @Test func anAddressSpaceLimitNeverHangsOpenBLAS() throws {
        let folder = try scratchFolder()
        let small = try write("a,y\n1,2\n2,4\n3,6.5\n", to: folder + "/small.csv")
        // Before: OpenBLAS, its threads started at load, retried its buffer forever at 100 % CPU.
        let roomy = try run("/usr/bin/prlimit", arguments: ["--as=400000000", toolPath, "solve", small, "--json"], timeout: 60)
        #expect(roomy.status == 0, "\(roomy.stderr)")
        let slope = try #require((try roomy.json["coefficients"] as? [Double])?.first)
        #expect(abs(slope - 2.25) < 1e-12)  // (1, 2), (2, 4), (3, 6.5): Sxy / Sxx = 4.5 / 2
        let tight = try run("/usr/bin/prlimit", arguments: ["--as=200000000", toolPath, "solve", small], timeout: 60)
        #expect(tight.status == 1, "\(tight.stderr)")
        #expect(tight.stderr.contains("(ulimit -v) leaves too little room for OpenBLAS's working buffer"), "\(tight.stderr)")
    }
}

/// Signals in every phase, outputs all or nothing, and standard output that cannot be written.
@Suite struct OutputAndSignalToolTests {
    /// Starts `mbgd command <a FIFO nobody writes> extra…`, which blocks opening it (the loading
    /// phase), sends `signalNumber` after half a second, and returns the process once it ended
    /// (killed after 30 s if it does not) with its stderr.
    private func signalWhileLoading(_ command: String, _ extra: [String] = [], in folder: String, signalNumber: Int32) throws
        -> (process: Process, stderr: String)
    {
        let fifo = folder + "/never.csv"
        #expect(mkfifo(fifo, 0o600) == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: toolPath)
        process.arguments = [command, fifo] + extra
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        Thread.sleep(forTimeInterval: 0.5)
        kill(process.processIdentifier, signalNumber)
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + 30) { if process.isRunning { kill(pid, SIGKILL) } }
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process, stderr)
    }

    @Test func ctrlCWhileLoadingEndsAt130WithNothingWritten() throws {
        let folder = try scratchFolder()
        let (process, stderr) = try signalWhileLoading("fit", ["--save-model", folder + "/model.json"], in: folder, signalNumber: SIGINT)
        #expect(process.terminationStatus == 130 && stderr == "mbgd: interrupted; nothing was written\n", "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/model.json"))
    }

    /// `convert` makes its output's temporary before it opens the input (here a FIFO nobody
    /// writes): every signal that would end the process removes it (before: the temporary stayed,
    /// "nothing was written" beside it).
    @Test(arguments: [SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM])
    func aSignalDuringConvertLeavesNoTemporary(signalNumber: Int32) throws {
        let folder = try scratchFolder()
        let (process, stderr) = try signalWhileLoading("convert", [folder + "/out.npy"], in: folder, signalNumber: signalNumber)
        #expect(process.terminationStatus == 130 && stderr == "mbgd: interrupted; nothing was written\n", "\(stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["never.csv"])
    }

    /// A signal the parent ignored stays ignored (`nohup`): SIGHUP does not end the command,
    /// SIGTERM still does, removing the temporary.
    @Test func aSignalIgnoredByTheParentStaysIgnored() throws {
        let folder = try scratchFolder()
        #expect(mkfifo(folder + "/never.csv", 0o600) == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "trap '' HUP; exec '\(toolPath)' convert never.csv out.npy"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let err = Pipe()
        process.standardError = err
        try process.run()
        Thread.sleep(forTimeInterval: 0.5)
        kill(process.processIdentifier, SIGHUP)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(process.isRunning)
        kill(process.processIdentifier, SIGTERM)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130 && stderr == "mbgd: interrupted; nothing was written\n", "\(stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["never.csv"])
    }

    /// Past `ulimit -f` a write fails with EFBIG and the command says so (before: SIGXFSZ killed
    /// it, status 153, no message, its temporary left behind).
    @Test func theFileSizeLimitIsAnErrorThatLeavesNothing() throws {
        let folder = try scratchFolder()
        let good = try write(houseLikeCSV(rows: 400).text, to: folder + "/good.csv")
        let model = folder + "/model.json"
        #expect(try mbgd("solve", good, "--save-model", model).status == 0)
        let commands: [(arguments: [String], output: String)] = [
            (["convert", good, folder + "/out.npy"], "out.npy"),
            (["fit", good, "--epochs", "2", "--save-model", folder + "/fitted.json"], "fitted.json"),
            (["predict", "--model", model, good, "--output", folder + "/predictions.csv"], "predictions.csv"),
        ]
        for (arguments, output) in commands {
            let run = try run("/usr/bin/prlimit", arguments: ["--fsize=300", toolPath] + arguments, in: folder, timeout: 60)
            #expect(run.status == 1 && !run.endedBySignal, "\(arguments): \(run.status) \(run.stderr)")
            #expect(
                run.stderr.contains("\(output): cannot be written (File too large: past the file size limit, ulimit -f)"), "\(run.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["good.csv", "model.json"])
        }
    }

    @Test func ctrlBackslashQuitsWithoutACrashReport() throws {
        let (process, stderr) = try signalWhileLoading("solve", in: try scratchFolder(), signalNumber: SIGQUIT)
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGQUIT)
        #expect(!stderr.contains("crashed") && !stderr.contains("Backtrace"), "\(stderr)")
    }

    @Test func outputsAreAllOrNothingAndDashIsStandardOutput() throws {
        let folder = try scratchFolder()
        let good = try write("a,y\n1,2\n2,4\n3,6.5\n4,8\n", to: folder + "/good.csv")
        // The plot folder cannot be made (a file is in the way): no model file is left either.
        let blocker = try write("not a folder", to: folder + "/plots")
        let failed = try mbgd("fit", good, "--save-model", folder + "/model.json", "--plot", blocker + "/inside")
        #expect(failed.status == 1 && failed.stderr.contains("cannot be written"), "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/model.json"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["good.csv", "plots"])

        let toStdout = try mbgd("fit", good, "--save-model", "-")
        #expect(toStdout.status == 0, "\(toStdout.stderr)")
        #expect(toStdout.stdout.contains("\"format\" : \"mbgd-linear-model\""))
        let both = try mbgd("fit", good, "--save-model", "-", "--json")
        #expect(both.status == 2 && both.stderr.contains("--save-model - and --json would both write to stdout"))
        let predictions = try mbgd("fit", good, "--save-model", folder + "/saved.json")
        #expect(predictions.status == 0)
        let dash = try mbgd("predict", "--model", folder + "/saved.json", good, "--output", "-")
        let plain = try mbgd("predict", "--model", folder + "/saved.json", good)
        #expect(dash.status == 0 && dash.stdout == plain.stdout && plain.stdout.hasPrefix("y\n"))
    }

    @Test func aFullDiskOnStandardOutputIsAFailure() throws {
        let folder = try scratchFolder()
        let good = try write("a,y\n1,2\n2,4\n3,6.5\n", to: folder + "/good.csv")
        let run = try run("/bin/sh", arguments: ["-c", "'\(toolPath)' solve '\(good)' > /dev/full"], timeout: 60)
        #expect(run.status == 1)
        #expect(run.stderr == "mbgd: error: standard output: cannot be written (No space left on device)\n", "\(run.stderr)")
    }
}

/// Memory limits as containers set them: a v1 memory cgroup (root only, where the machine has one).
@Suite struct CgroupToolTests {
    static let controller = "/sys/fs/cgroup/memory"

    /// A new v1 memory cgroup limited to `limit` bytes; remove it with `rmdir` when done.
    static func memoryGroup(_ name: String, limit: Int) throws -> String {
        let group = controller + "/mbgd-\(name)-\(getpid())"
        try FileManager.default.createDirectory(atPath: group, withIntermediateDirectories: false)
        try "\(limit)".write(toFile: group + "/memory.limit_in_bytes", atomically: false, encoding: .utf8)
        return group
    }

    @Test(.enabled(if: getuid() == 0 && FileManager.default.fileExists(atPath: controller + "/memory.limit_in_bytes")))
    func workBeyondTheContainersLimitIsRefusedWithTheAmount() throws {
        let group = try CgroupToolTests.memoryGroup("test", limit: 268435456)
        defer { rmdir(group) }
        // 20 million rows × 16 features: about 5 GiB, far beyond the 256 MiB of the cgroup.
        let run = try run(
            "/bin/sh",
            arguments: ["-c", "echo $$ > \(group)/cgroup.procs && exec '\(toolPath)' bench --rows 20000000 --features 15 --epochs 1"],
            timeout: 120)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(
            run.stderr.hasPrefix("mbgd: error: a synthetic data set of 20000000 rows × 15 features × 1 output needs about "),
            "\(run.stderr)")
        #expect(run.stderr.contains(" MiB is available"), "\(run.stderr)")
    }
}

extension CgroupToolTests {
    /// A cgroup whose limit is filled by the page cache of a file read before (as a mapped file
    /// fills it): the cache is dropped on demand, so work that needs little memory must not be
    /// refused for it (it was, until the file cache stopped counting as used).
    @Test(.enabled(if: getuid() == 0 && FileManager.default.fileExists(atPath: controller + "/memory.limit_in_bytes")))
    func theFileCacheInAContainerIsNotCountedAsUsed() throws {
        let folder = try scratchFolder()
        let filler = folder + "/filler.bin"
        #expect(FileManager.default.createFile(atPath: filler, contents: Data(repeating: 7, count: 96 << 20)))
        let descriptor = open(filler, O_RDONLY)
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
        close(descriptor)
        // 400 rows × 200 features: a few MiB of work, more than a cgroup full of cache has spare.
        var state: UInt64 = 5
        var text = (0..<200).map { "x\($0)" }.joined(separator: ",") + ",y\n"
        for _ in 0..<400 {
            let row = (0...200).map { _ -> String in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return String(Int(state >> 33) % 1000)
            }
            text += row.joined(separator: ",") + "\n"
        }
        let small = try write(text, to: folder + "/wide.csv")
        let group = try Self.memoryGroup("cache", limit: 48 << 20)
        defer { rmdir(group) }
        let run = try run(
            "/bin/sh",
            arguments: [
                "-c", "echo $$ > \(group)/cgroup.procs && cat '\(filler)' > /dev/null && exec '\(toolPath)' solve '\(small)' --json",
            ],
            timeout: 120)
        #expect(run.status == 0, "\(run.stderr)")
        let usage = try String(contentsOfFile: group + "/memory.max_usage_in_bytes", encoding: .utf8)
        // The cache did fill the cgroup: the case this test is about.
        #expect((Int(usage.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) >= 40 << 20)
    }
}

/// `.npy` files read in place: larger than the memory a container allows, or cut short while read.
@Suite struct MappedFileToolTests {
    /// A float64 C-order `.npy` of `rows` rows: `features` integer-valued columns from a
    /// congruential generator and a target exactly 3 + Σ (j + 1)·xⱼ, so that the least-squares
    /// answer is known without solving anything (all values are small integers: no rounding).
    static func writeExactNPY(rows: Int, features: Int, to path: String) throws {
        var header = Array("{'descr': '<f8', 'fortran_order': False, 'shape': (\(rows), \(features + 1)), }".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        #expect(
            FileManager.default.createFile(
                atPath: path,
                contents: Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header)))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        var state: UInt64 = 12345
        var chunk = [Double]()
        for i in 0..<rows {
            var y = 3.0
            for j in 0..<features {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let x = Double(Int(state >> 33) % 201 - 100)
                chunk.append(x)
                y += Double(j + 1) * x
            }
            chunk.append(y)
            if chunk.count >= 1 << 16 || i == rows - 1 {
                try handle.write(contentsOf: chunk.withUnsafeBytes { Data($0) })
                chunk.removeAll(keepingCapacity: true)
            }
        }
        try handle.synchronize()
        // Out of the page cache, so that the solve's reads are charged to its own cgroup.
        let descriptor = open(path, O_RDONLY)
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
        close(descriptor)
    }

    @Test(.enabled(if: getuid() == 0 && FileManager.default.fileExists(atPath: CgroupToolTests.controller + "/memory.limit_in_bytes")))
    func aFileLargerThanTheContainersLimitIsSolvedInPlace() throws {
        let folder = try scratchFolder(), path = folder + "/big.npy"
        // 800 000 rows × 16 columns: 102 MB, twice the cgroup's 48 MiB.
        try Self.writeExactNPY(rows: 800_000, features: 15, to: path)
        let group = try CgroupToolTests.memoryGroup("mapped", limit: 50331648)
        defer { rmdir(group) }
        let solved = try run(
            "/bin/sh", arguments: ["-c", "echo $$ > \(group)/cgroup.procs && exec '\(toolPath)' solve '\(path)' --json"], timeout: 300)
        #expect(solved.status == 0, "\(solved.stderr)")
        let json = try solved.json
        let coefficients = try #require(json["coefficients"] as? [Double])
        #expect(coefficients.count == 15)
        for (j, value) in coefficients.enumerated() { #expect(abs(value - Double(j + 1)) <= 1e-12 * Double(j + 1), "\(j): \(value)") }
        #expect(abs((json["intercept"] as? Double ?? 0) - 3) <= 1e-11)
        // Gradient descent reads the map too (full batch here: a debug build's fused loop is slow).
        let fitted = try run(
            "/bin/sh",
            arguments: ["-c", "echo $$ > \(group)/cgroup.procs && exec '\(toolPath)' fit '\(path)' --batch-size full --epochs 40 --json"],
            timeout: 300)
        #expect(fitted.status == 0, "\(fitted.stderr)")
        let descent = try #require(try fitted.json["coefficients"] as? [Double])
        // Stopped once certified within 1e-3 of the optimum (the default tolerance).
        for (j, value) in descent.enumerated() { #expect(abs(value - Double(j + 1)) <= 1e-4 * Double(j + 1), "\(j): \(value)") }
        // Columns that are not adjacent must be loaded (9 of the 16 here: 58 MB), and loading is
        // refused: the map is what made it fit.
        let loaded = try run(
            "/bin/sh",
            arguments: ["-c", "echo $$ > \(group)/cgroup.procs && exec '\(toolPath)' solve '\(path)' --features 0,2,4,6,8,10,12,14"],
            timeout: 300)
        #expect(loaded.status == 1 && loaded.stderr.contains("too large to load"), "\(loaded.stderr)")
    }

    @Test(.enabled(if: getuid() == 0 && FileManager.default.fileExists(atPath: CgroupToolTests.controller + "/memory.limit_in_bytes")))
    func aCSVLargerThanTheContainersLimitConvertsInBoundedMemory() throws {
        let folder = try scratchFolder(), csv = folder + "/big.csv", npy = folder + "/big.npy"
        // 750 000 rows of 15 integer features and y = 3 + Σ (j + 1)·xⱼ: about 48 MB of text.
        #expect(
            FileManager.default.createFile(
                atPath: csv, contents: Data(((0..<15).map { "x\($0 + 1)" } + ["y"]).joined(separator: ",").utf8 + [0x0A])))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: csv))
        try handle.seekToEnd()
        var state: UInt64 = 99, text = ""
        for i in 0..<750_000 {
            var y = 3
            for j in 0..<15 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let x = Int(state >> 33) % 201 - 100
                y += (j + 1) * x
                text += "\(x),"
            }
            text += "\(y)\n"
            if i % 50_000 == 49_999 {
                try handle.write(contentsOf: Data(text.utf8))
                text = ""
            }
        }
        try handle.close()
        let group = try CgroupToolTests.memoryGroup("convert", limit: 33554432)
        defer { rmdir(group) }
        let converted = try run(
            "/bin/sh", arguments: ["-c", "echo $$ > \(group)/cgroup.procs && exec '\(toolPath)' convert '\(csv)' '\(npy)'"], timeout: 300)
        #expect(converted.status == 0, "\(converted.stderr)")
        #expect(converted.stdout == "Wrote \(npy): 750000 rows × 16 columns (float64, C order); names in \(npy).columns.json\n")
        // Inside the same 32 MiB the CSV itself is refused: loading it whole needs more.
        let loaded = try run(
            "/bin/sh", arguments: ["-c", "echo $$ > \(group)/cgroup.procs && exec '\(toolPath)' solve '\(csv)' --target y"], timeout: 300)
        #expect(loaded.status == 1 && loaded.stderr.contains("MiB"), "\(loaded.stderr)")
        // The .npy answers to the CSV's names and holds its values: the exact plane.
        let solved = try mbgd("solve", npy, "--target", "y", "--json")
        #expect(solved.status == 0, "\(solved.stderr)")
        let json = try solved.json
        #expect(json["features"] as? [String] == (0..<15).map { "x\($0 + 1)" })
        let coefficients = try #require(json["coefficients"] as? [Double])
        for (j, value) in coefficients.enumerated() { #expect(abs(value - Double(j + 1)) <= 1e-12 * Double(j + 1), "\(j): \(value)") }
    }

    @Test func aFileCutShortWhileReadInPlaceIsAnErrorNotACrash() throws {
        let folder = try scratchFolder(), path = folder + "/shrinking.npy"
        try Self.writeExactNPY(rows: 1_000_000, features: 15, to: path)
        // The file loses all but its first page while the solve reads it.
        let run = try run(
            "/bin/sh", arguments: ["-c", "(sleep 0.3; truncate -s 4096 '\(path)') & exec '\(toolPath)' solve '\(path)'"], timeout: 120)
        #expect(run.status == 1)
        #expect(
            run.stderr == "mbgd: error: \(path): the file changed size while it was read in place (SIGBUS); nothing was written\n",
            "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    /// A NaN written into a mapped file while a fit reads it is named with its row and column, not
    /// blamed on the learning rate ("diverged … use a smaller learning rate").
    @Test func aNaNWrittenIntoAFileReadInPlaceIsNamedNotCalledDivergence() throws {
        let folder = try scratchFolder(), path = folder + "/changing.npy"
        let rows = 200_000, features = 3
        try Self.writeExactNPY(rows: rows, features: features, to: path)
        let (process, err) = try launch(["fit", path, "--epochs", "100000", "--no-early-stopping", "--batch-size", "64"])
        let pid = process.processIdentifier
        // Once the file is mapped (and its values checked), a second later: training.
        var mapped = false
        for _ in 0..<600 where !mapped {
            mapped = ((try? String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8)) ?? "").contains(path)
            usleep(50_000)
        }
        #expect(mapped)
        sleep(1)
        var size = stat()
        #expect(stat(path, &size) == 0)
        let offset = Int(size.st_size) - rows * (features + 1) * 8 + 5 * (features + 1) * 8  // row 6, column 1
        let descriptor = open(path, O_WRONLY)
        var nan = Double.nan.bitPattern.littleEndian
        #expect(pwrite(descriptor, &nan, 8, off_t(offset)) == 8)
        close(descriptor)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "\(stderr)")
        #expect(
            stderr == "mbgd: error: \(path):6:1: 'nan' was written into the file while it was read in place (every value was finite "
                + "when it was opened): another program is writing it; read it once it is complete, or a copy\n", "\(stderr)")
    }
}
