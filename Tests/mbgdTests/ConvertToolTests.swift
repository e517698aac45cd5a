import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `mbgd convert` onto what is already at OUT, and names that must stay with their data.
@Suite struct ConvertToolTests {
    static let csv = "a,b,y\n1,2,3\n4,5,6\n7,8,10\n"

    /// The folder's entries, sorted.
    static func listing(_ folder: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder).sorted() }

    @Test func aFIFOIsWrittenInPlaceWithTheBytesAFileGets() throws {
        let folder = try scratchFolder()
        let input = try write(Self.csv, to: folder + "/in.csv")
        let regular = try mbgd("convert", input, folder + "/regular.npy")
        #expect(regular.status == 0, "\(regular.stderr)")
        #expect(mkfifo(folder + "/pipe", 0o644) == 0)
        // A reader on the FIFO, as a shell pipeline would have.
        let quoted = "'" + toolPath.replacingOccurrences(of: "'", with: "'\\''") + "'"
        let run = try mbgdTests.run(
            "/bin/sh", arguments: ["-c", "cat pipe > copy.npy & \(quoted) convert in.csv pipe; status=$?; wait; exit $status"],
            in: folder, timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("no names file (pipe is not a regular file)"), "\(run.stderr)")
        var status = stat()
        #expect(lstat(folder + "/pipe", &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
        let copy = try Data(contentsOf: URL(fileURLWithPath: folder + "/copy.npy"))
        #expect(copy == (try Data(contentsOf: URL(fileURLWithPath: folder + "/regular.npy"))))
        // No sidecar beside the FIFO, no temporary anywhere in the folder.
        #expect(try Self.listing(folder) == ["copy.npy", "in.csv", "pipe", "regular.npy", "regular.npy.columns.json"])
    }

    @Test func aCharacterDeviceStaysADevice() throws {
        // mknod needs root; elsewhere the FIFO case above covers writing in place.
        guard geteuid() == 0 else { return }
        let folder = try scratchFolder()
        let input = try write(Self.csv, to: folder + "/in.csv")
        // Major 1, minor 3: the null device, as `mknod null c 1 3` makes it (glibc's dev_t encoding).
        #expect(mknod(folder + "/null", S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0)
        let run = try mbgd("convert", input, folder + "/null")
        #expect(run.status == 0, "\(run.stderr)")
        var status = stat()
        #expect(lstat(folder + "/null", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR)
        #expect(try Self.listing(folder) == ["in.csv", "null"])
    }

    @Test func aDashIsStandardOutputAndANaNIsRefused() throws {
        let folder = try scratchFolder()
        let input = try write(Self.csv, to: folder + "/in.csv")
        #expect(try mbgd("convert", input, folder + "/regular.npy").status == 0)
        let quoted = "'" + toolPath.replacingOccurrences(of: "'", with: "'\\''") + "'"
        let run = try mbgdTests.run("/bin/sh", arguments: ["-c", "\(quoted) convert in.csv - > copy.npy"], in: folder, timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: folder + "/copy.npy"))
                == Data(contentsOf: URL(fileURLWithPath: folder + "/regular.npy")))
        #expect(!FileManager.default.fileExists(atPath: folder + "/-"))
        // A .npy holding a NaN (row 2, column 3) is refused where it is, and nothing is written.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/regular.npy")))
        let header = Int(bytes[8]) | Int(bytes[9]) << 8
        withUnsafeBytes(of: Double.nan.bitPattern.littleEndian) {
            for (i, byte) in $0.enumerated() { bytes[10 + header + 5 * 8 + i] = byte }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/nan.npy"))
        let refused = try mbgd("convert", folder + "/nan.npy", folder + "/out.npy")
        #expect(refused.status == 1 && refused.stderr.contains("nan.npy:2:3: 'nan' is not a finite number"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.npy"))
    }

    @Test func aNameOfTheLongestLegalLengthIsWritten() throws {
        // The names file OUT.columns.json is the longest name convert writes: at 255 bytes
        // (NAME_MAX), the temporaries' ".NAME.XXXXXX" must still fit. Before, names of 248 bytes
        // and more were refused ("File name too long").
        let folder = try scratchFolder()
        let input = try write(Self.csv, to: folder + "/in.csv")
        let name = String(repeating: "é", count: 118) + "ab.npy"
        #expect((name + ".columns.json").utf8.count == 255)
        let run = try mbgd("convert", input, folder + "/" + name)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder + "/" + name))
        let model = String(repeating: "m", count: 250) + ".json"
        let fit = try mbgd("solve", input, "--save-model", folder + "/" + model)
        #expect(fit.status == 0 && FileManager.default.fileExists(atPath: folder + "/" + model), "\(fit.stderr)")
    }

    /// A CSV cut short while it is converted (another program rewriting it) is an error naming
    /// that, not a shorter `.npy` with exit 0 (before: 480,000 of 600,000 rows, success).
    @Test func aCSVThatShrinksWhileConvertedIsRefused() throws {
        let folder = try scratchFolder()
        var text = "a,b,y\n"
        for i in 0..<400_000 { text += "\(i),\(i % 7),\(2 * i + 1)\n" }
        let input = try write(text, to: folder + "/in.csv")
        let (process, err) = try launch(["convert", input, folder + "/out.npy"])
        // Stopped once it is reading the file (a position past the first 1 MiB read: the format
        // check opens it first, briefly) and still short of its end, cut to a third while
        // stopped, then let go.
        let pid = process.processIdentifier
        var position: Int?
        for _ in 0..<100_000 where position == nil {
            let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
            for entry in descriptors where (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(entry)")) == input
            {
                kill(pid, SIGSTOP)
                let info = (try? String(contentsOfFile: "/proc/\(pid)/fdinfo/\(entry)", encoding: .utf8)) ?? ""
                let now = info.split(separator: "\n").first { $0.hasPrefix("pos:") }.flatMap {
                    Int($0.dropFirst(4).trimmingCharacters(in: .whitespaces))
                }
                if let now, now >= 1 << 20 { position = now } else { kill(pid, SIGCONT) }
            }
            usleep(100)
        }
        #expect(try #require(position) < text.utf8.count)
        #expect(truncate(input, off_t(text.utf8.count / 3)) == 0)
        kill(pid, SIGCONT)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "\(stderr)")
        #expect(stderr.contains("in.csv: the file changed while it was read (\(text.utf8.count) bytes when opened"), "\(stderr)")
        #expect(try Self.listing(folder) == ["in.csv"])
    }

    @Test func aFailedConversionWritesNoNames() throws {
        let folder = try scratchFolder()
        let input = try write(Self.csv, to: folder + "/in.csv")
        try FileManager.default.createDirectory(atPath: folder + "/out.npy", withIntermediateDirectories: false)
        let run = try mbgd("convert", input, folder + "/out.npy")
        #expect(run.status == 1 && run.stderr.contains("out.npy: cannot be written"), "\(run.stderr)")
        #expect(try Self.listing(folder) == ["in.csv", "out.npy"])
        #expect(try Self.listing(folder + "/out.npy").isEmpty)
    }

    @Test func namesThatDoNotMatchTheColumnsAreRefusedNotHalfUsed() throws {
        // Names for three columns beside a file of four: --target y must not read column 2.
        let folder = try scratchFolder()
        let input = try write("p,q,r,y\n1,2,3,4\n2,3,5,7\n3,5,8,12\n4,7,9,15\n5,8,13,21\n", to: folder + "/in.csv")
        #expect(try mbgd("convert", input, folder + "/out.npy").status == 0)
        _ = try write("{\"columns\": [\"p\", \"q\", \"y\"]}\n", to: folder + "/out.npy.columns.json")
        let run = try mbgd("solve", folder + "/out.npy", "--target", "y")
        #expect(run.status == 1, "\(run.stdout)")
        #expect(run.stderr.contains("out.npy.columns.json: names 3 columns but"), "\(run.stderr)")
        #expect(run.stderr.contains("run mbgd convert again"), "\(run.stderr)")
        // By index the file still works.
        #expect(try mbgd("solve", folder + "/out.npy", "--target", "3").status == 0)
    }
}
