import Foundation
import Testing

/// `mbgd-mpi` under `mpirun` on this machine (1 to 4 ranks, oversubscribed): the same answers as
/// `mbgd` in one process, the same parameters on every rank, and a failing rank that ends the job.
@Suite(.serialized) struct MPIToolTests {
    /// The `mbgd-mpi` binary beside `mbgd`.
    static let mpiToolPath = URL(fileURLWithPath: toolPath).deletingLastPathComponent().appendingPathComponent("mbgd-mpi").path

    /// `mbgd-mpi arguments` on `ranks` ranks, as root too (the two variables Open MPI asks for,
    /// set for this command only); killed after two minutes so that a hang fails.
    static func mpirun(_ ranks: Int, _ arguments: [String]) throws -> ToolRun {
        try run(
            "/usr/bin/env",
            arguments: [
                "OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1", "mpirun", "--oversubscribe", "-np", "\(ranks)",
                mpiToolPath,
            ] + arguments, timeout: 120)
    }

    /// `script` run by /bin/sh on each of `ranks` ranks, with `$0` the `mbgd-mpi` binary and the
    /// rank in `$OMPI_COMM_WORLD_RANK`: each rank's own command line, as on nodes that each hold
    /// their own copy of a file.
    static func mpirun(_ ranks: Int, script: String) throws -> ToolRun {
        try run(
            "/usr/bin/env",
            arguments: [
                "OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1", "mpirun", "--oversubscribe", "-np", "\(ranks)", "/bin/sh",
                "-c", script, mpiToolPath,
            ], timeout: 120)
    }

    /// The size in bytes of the file at `path`, as the file system gives it.
    static func size(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    /// A `.npy` (made by `mbgd convert` from a CSV) of 600 rows: four features on different
    /// scales, `y` a plane plus noise, and `z` another target.
    static func data() throws -> (folder: String, npy: String) {
        let folder = try scratchFolder()
        var state: UInt64 = 12345
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var lines = ["a,b,c,d,y,z"]
        for _ in 0..<600 {
            let x = [uniform() * 10, uniform() * 100 - 50, uniform(), uniform() * 3 + 7]
            let y = 2 + 0.5 * x[0] - 0.02 * x[1] + 3 * x[2] - x[3] + (uniform() - 0.5)
            let z = -1 + x[0] + (uniform() - 0.5) * 0.1
            lines.append((x + [y, z]).map { "\($0)" }.joined(separator: ","))
        }
        try write(lines.joined(separator: "\n") + "\n", to: folder + "/data.csv")
        let converted = try mbgd("convert", folder + "/data.csv", folder + "/data.npy")
        #expect(converted.status == 0, "\(converted.stderr)")
        return (folder, folder + "/data.npy")
    }

    static func numbers(_ value: Any?) -> [Double] {
        if let array = value as? [Any] { return array.flatMap(numbers) }
        return (value as? Double).map { [$0] } ?? []
    }

    static func relative(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return .infinity }
        let difference = zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        return difference / max(b.map { $0 * $0 }.reduce(0, +).squareRoot(), .leastNormalMagnitude)
    }

    @Test func theClosedFormOnOneToFourRanksEqualsOneProcess() throws {
        let (_, npy) = try Self.data()
        for (extra, keys) in [
            (
                ["--target", "y", "--features", "a,b,c,d"],
                ["coefficients", "intercept", "standardErrors", "tValues", "r2", "aic", "durbinWatson"]
            ),
            (
                ["--target", "y", "--target", "z", "--covariance", "hc3", "--method", "qr"],
                ["coefficients", "standardErrors", "fStatistic"]
            ),
        ] {
            let expected = try mbgd(arguments: ["solve", npy, "--json"] + extra)
            #expect(expected.status == 0, "\(expected.stderr)")
            let reference = try expected.json
            for ranks in 1...4 {
                let result = try Self.mpirun(ranks, ["solve", npy, "--json"] + extra)
                #expect(result.status == 0, "\(ranks) ranks: \(result.stderr)")
                let json = try result.json
                for key in keys {
                    let difference = Self.relative(Self.numbers(json[key]), Self.numbers(reference[key]))
                    #expect(difference <= 1e-12, "\(ranks) ranks, \(key): \(difference)")
                }
                #expect(json["observations"] as? Int == 600)
                let distributed = json["distributed"] as? [String: Any]
                #expect(distributed?["ranks"] as? Int == ranks)
                #expect(distributed?["rowsPerRank"] as? [Int] == (0..<ranks).map { 600 / ranks + ($0 < 600 % ranks ? 1 : 0) })
                #expect(distributed?["parametersIdenticalOnAllRanks"] as? Bool == true)
            }
        }
    }

    @Test func weightedLeastSquaresOnRanksEqualsOneProcess() throws {
        // Column d as the weights (positive): features a, b, c side by side, target y.
        let (_, npy) = try Self.data()
        let options = ["solve", npy, "--target", "y", "--features", "a,b,c", "--weights", "d", "--covariance", "hc2", "--json"]
        let expected = try mbgd(arguments: options)
        #expect(expected.status == 0, "\(expected.stderr)")
        let reference = try expected.json
        for ranks in [1, 3] {
            let result = try Self.mpirun(ranks, options)
            #expect(result.status == 0, "\(result.stderr)")
            let json = try result.json
            for key in ["coefficients", "intercept", "standardErrors", "logLikelihood", "r2"] {
                #expect(Self.relative(Self.numbers(json[key]), Self.numbers(reference[key])) <= 1e-12, "\(ranks) ranks, \(key)")
            }
            #expect(json["weights"] as? String == "d")
        }
    }

    @Test func fullBatchDescentOnOneToFourRanksEqualsOneProcess() throws {
        let (_, npy) = try Self.data()
        let options = [
            "fit", npy, "--target", "y", "--features", "a,b,c,d", "--batch-size", "full", "--optimizer", "nesterov", "--epochs", "300",
            "--no-early-stopping", "--json",
        ]
        let expected = try mbgd(arguments: options)
        #expect(expected.status == 0, "\(expected.stderr)")
        let reference = try expected.json
        for ranks in 1...4 {
            let result = try Self.mpirun(ranks, options)
            #expect(result.status == 0, "\(ranks) ranks: \(result.stderr)")
            let json = try result.json
            let parameters = Self.numbers(json["coefficients"]) + Self.numbers(json["intercept"])
            let expectedParameters = Self.numbers(reference["coefficients"]) + Self.numbers(reference["intercept"])
            #expect(Self.relative(parameters, expectedParameters) <= 1e-10, "\(ranks) ranks")
            let costs = Self.numbers((json["history"] as? [String: Any])?["epochCosts"])
            #expect(Self.relative(costs, Self.numbers((reference["history"] as? [String: Any])?["epochCosts"])) <= 1e-10)
            #expect((json["distributed"] as? [String: Any])?["parametersIdenticalOnAllRanks"] as? Bool == true)
        }
    }

    @Test func miniBatchDescentKeepsEveryRankIdenticalAndReachesTheClosedForm() throws {
        let (folder, npy) = try Self.data()
        let result = try Self.mpirun(
            3,
            [
                "fit", npy, "--target", "y", "--features", "a,b,c,d", "--batch-size", "16", "--test-fraction", "0.25", "--json",
                "--save-model", folder + "/model.json",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json
        let distributed = json["distributed"] as? [String: Any]
        #expect(distributed?["rowsPerRank"] as? [Int] == [150, 150, 150])
        #expect(distributed?["parametersIdenticalOnAllRanks"] as? Bool == true)
        let closedForm = json["closedForm"] as? [String: Any]
        #expect((closedForm?["relativeDifference"] as? Double ?? 1) <= 1e-2)
        // Rank 0 alone writes the model and prints the notes.
        #expect(FileManager.default.fileExists(atPath: folder + "/model.json"))
        #expect(result.stderr.components(separatedBy: "the test rows of a mapped .npy are its last 150 rows").count == 2)
    }

    @Test func withoutMPIRunItRunsAsOneRank() throws {
        let (_, npy) = try Self.data()
        let result = try run(Self.mpiToolPath, arguments: ["solve", npy, "--target", "y", "--features", "a,b,c,d"], timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Ranks: 1 (rows 600); parameters identical on every rank"))
    }

    @Test func aRankThatFailsEndsTheJobWithItsMessage() throws {
        let (folder, npy) = try Self.data()
        // A NaN in row 560 (file line 560), column 3: on rank 3 of 4 (rows 450..<600). The
        // converter refuses NaNs, so it goes into the file's bytes.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: npy)))
        let header = Int(bytes[8]) | Int(bytes[9]) << 8
        let offset = 10 + header + (559 * 6 + 2) * 8
        withUnsafeBytes(of: Double.nan.bitPattern.littleEndian) { for (i, byte) in $0.enumerated() { bytes[offset + i] = byte } }
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/bad.npy"))
        try? FileManager.default.copyItem(atPath: npy + ".columns.json", toPath: folder + "/bad.npy.columns.json")
        for command in ["solve", "fit"] {
            let result = try Self.mpirun(4, [command, folder + "/bad.npy", "--target", "y", "--features", "a,b,c,d"])
            #expect(!result.endedBySignal && result.status == 1, "\(command): \(result.status) \(result.stderr)")
            #expect(
                result.stderr.contains("mbgd-mpi: error: rank 3 of 4: \(folder)/bad.npy:560:3: 'nan' is not a finite number"),
                "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func ranksReadingDifferentCopiesOfTheFileStopWithWhatDiffers() throws {
        let (folder, npy) = try Self.data()
        // Rank 1's node holds a stale copy: the CSV's first 350 rows.
        let lines = try String(contentsOfFile: folder + "/data.csv", encoding: .utf8).split(separator: "\n")
        try write(lines[..<351].joined(separator: "\n") + "\n", to: folder + "/stale.csv")
        let converted = try mbgd("convert", folder + "/stale.csv", folder + "/stale.npy")
        #expect(converted.status == 0, "\(converted.stderr)")
        let (size, staleSize) = (try Self.size(npy), try Self.size(folder + "/stale.npy"))
        for command in ["solve", "fit"] {
            let result = try Self.mpirun(
                2,
                script: """
                    if [ "$OMPI_COMM_WORLD_RANK" = 1 ]; then f='\(folder)/stale.npy'; else f='\(npy)'; fi
                    exec "$0" \(command) "$f" --target y --features a,b,c,d --json
                    """)
            #expect(!result.endedBySignal && result.status == 1, "\(command): \(result.status) \(result.stderr)")
            #expect(
                result.stderr.contains(
                    "mbgd-mpi: error: rank 1's copy of \(npy) differs from rank 0's (size \(staleSize) bytes against \(size), 350 rows against 600); every rank must read the same file"
                ), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func aFileThatOneRankCannotOpenIsReportedByThatRank() throws {
        let (folder, npy) = try Self.data()
        try FileManager.default.createDirectory(atPath: folder + "/folder.npy", withIntermediateDirectories: false)
        for (name, reason) in [("missing.npy", "no such file"), ("folder.npy", "cannot be read (not a regular file)")] {
            let result = try Self.mpirun(
                2,
                script: """
                    if [ "$OMPI_COMM_WORLD_RANK" = 1 ]; then f='\(folder)/\(name)'; else f='\(npy)'; fi
                    exec "$0" solve "$f" --target y --features a,b,c,d
                    """)
            #expect(!result.endedBySignal && result.status == 1, "\(name): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("mbgd-mpi: error: rank 1 of 2: \(folder)/\(name): \(reason)\n"), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func aFileCutShortOnOneRankIsReportedByThatRank() throws {
        let folder = try scratchFolder(), npy = folder + "/data.npy", copy = folder + "/copy.npy"
        try MappedFileToolTests.writeExactNPY(rows: 400_000, features: 5, to: npy)
        try FileManager.default.copyItem(atPath: npy, toPath: copy)
        // Rank 1 reads its own copy and cuts it short once it has mapped it: SIGBUS on rank 1 alone,
        // whose standard error is silenced.
        let result = try Self.mpirun(
            2,
            script: """
                if [ "$OMPI_COMM_WORLD_RANK" = 1 ]; then
                  "$0" solve '\(copy)' & p=$!
                  while kill -0 $p 2>/dev/null && ! grep -q copy.npy /proc/$p/maps 2>/dev/null; do sleep 0.01; done
                  truncate -s 4096 '\(copy)'
                  wait $p
                else
                  exec "$0" solve '\(npy)'
                fi
                """)
        #expect(result.status == 1, "\(result.status) \(result.stderr)")
        #expect(
            result.stderr.contains(
                "mbgd-mpi: error: rank 1 of 2: \(copy): the file changed size while it was read in place (SIGBUS); nothing was written\n"),
            "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func theExchangeTimeIsTheSlowestRanksMedian() throws {
        let result = try Self.mpirun(2, ["exchange", "--doubles", "4", "--doubles", "36", "--repeats", "50", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json
        #expect(json["ranks"] as? Int == 2)
        let exchanges = json["exchanges"] as? [[String: Any]] ?? []
        #expect(exchanges.map { $0["doubles"] as? Int } == [4, 36])
        for exchange in exchanges {
            let low = exchange["p10Seconds"] as? Double ?? -1, median = exchange["medianSeconds"] as? Double ?? -1
            let high = exchange["p90Seconds"] as? Double ?? -1
            #expect(low > 0 && low <= median && median <= high && high < 1, "\(exchange)")
        }
        let refused = try Self.mpirun(1, ["exchange", "--doubles", "0"])
        #expect(refused.status == 2 && refused.stderr.contains("--doubles must lie in"), "\(refused.stderr)")
    }

    @Test func filesThatCannotBeReadInPlaceAreRefusedWithTheWayOut() throws {
        let (folder, _) = try Self.data()
        let result = try Self.mpirun(2, ["solve", folder + "/data.csv", "--target", "y"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("mbgd-mpi reads .npy files in place, and this one cannot be as float64"))
        #expect(result.stderr.contains("`mbgd convert \(folder)/data.csv OUT.npy` writes a float64 one (with --columns"))
        // y between the features and z: the features are not one run of columns.
        let scattered = try Self.mpirun(2, ["solve", folder + "/data.npy", "--target", "y"])
        #expect(
            scattered.status == 2 && scattered.stderr.contains("the feature columns are not adjacent and in order"), "\(scattered.stderr)")
        // mbgd convert copies a .npy whole (it refuses --columns for one): no --columns for a .npy.
        #expect(
            scattered.stderr.contains(
                "; choose --target and --features that are each adjacent columns in order, or reorder the file's columns (mbgd convert keeps a .npy's order)\n"
            ), "\(scattered.stderr)")
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/Fixtures"
        for (file, reason) in [
            ("fortran_f4.npy", "it is in Fortran (column) order"), ("big_endian_f8.npy", "its byte order is not this machine's"),
        ] {
            let refused = try Self.mpirun(2, ["solve", "\(fixtures)/\(file)"])
            #expect(refused.status == 2, "\(refused.stderr)")
            #expect(
                refused.stderr.contains("\(reason); `mbgd convert \(fixtures)/\(file) OUT.npy` writes a float64, C-order copy\n"),
                "\(refused.stderr)")
            #expect(!refused.stderr.contains("--columns"), "\(refused.stderr)")
        }
        // y as weights holds negative values: the first rank with one reports its row.
        let weighted = try Self.mpirun(2, ["solve", folder + "/data.npy", "--target", "z", "--weights", "y"])
        #expect(weighted.status == 2, "\(weighted.stderr)")
        #expect(weighted.stderr.contains("mbgd-mpi: error: rank 0 of 2: --weights = -"), "\(weighted.stderr)")
        #expect(weighted.stderr.contains("is invalid: must be finite and zero or positive"), "\(weighted.stderr)")
    }

    /// `mbgd-mpi solve` on the repository's libsvm example over 2 ranks: LSQR across the ranks
    /// reaches `mbgd solve`'s answer (and its metrics), the same bits on both ranks, and a file
    /// one rank cannot read is reported by that rank.
    @Test func sparseRowsAreSolvedByLSQROverTheRanks() throws {
        let text =
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
            + "/Examples/data/text.svm"
        for extra in [[String](), ["--l2", "0.5"]] {
            let single = try mbgd(arguments: ["solve", text, "--json"] + extra)
            #expect(single.status == 0, "\(single.stderr)")
            let shared = try Self.mpirun(2, ["solve", text, "--json"] + extra)
            #expect(shared.status == 0, "\(shared.stderr)")
            let (a, b) = (try single.json, try shared.json)
            for key in ["coefficients", "intercept"] {
                #expect(Self.relative(Self.numbers(b[key]), Self.numbers(a[key])) <= 1e-9, "\(key) \(extra)")
            }
            let (ma, mb) = (try #require(a["metrics"] as? [String: Any]), try #require(b["metrics"] as? [String: Any]))
            #expect(
                Self.relative(Self.numbers(mb["mse"]) + Self.numbers(mb["r2"]), Self.numbers(ma["mse"]) + Self.numbers(ma["r2"])) <= 1e-9)
            let distributed = try #require(b["distributed"] as? [String: Any])
            // Rank 0 reads the lines that start in the first half of the bytes (501 of them), rank 1 the rest.
            #expect(distributed["rowsPerRank"] as? [Int] == [501, 499])
            #expect(distributed["parametersIdenticalOnAllRanks"] as? Bool == true)
            #expect((b["lsqr"] as? [String: Any])?["stop"] as? String == "leastSquares")
        }
        // Rank 1's copy is missing (each rank in its own folder, as on its own node): it says so itself, with its rank.
        let folder = try scratchFolder()
        try FileManager.default.createDirectory(atPath: folder + "/rank0", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/rank1", withIntermediateDirectories: true)
        _ = try write(try String(contentsOfFile: text, encoding: .utf8), to: folder + "/rank0/mine.svm")
        let missing = try Self.mpirun(2, script: "cd \(folder)/rank$OMPI_COMM_WORLD_RANK && exec \"$0\" solve mine.svm")
        #expect(missing.status != 0 && missing.stderr.contains("rank 1 of 2: ") && missing.stderr.contains("mine.svm"), "\(missing.stderr)")
    }
}
