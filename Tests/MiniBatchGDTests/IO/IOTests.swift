import Foundation
import Testing

@testable import MiniBatchGD

/// A scratch folder for files a test writes.
struct ScratchFolder {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("mbgd-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }
}

@Suite struct CSVReaderTests {
    @Test func aTargetNamedTwiceIsRefusedNotTrapped() throws {
        let folder = try ScratchFolder()
        let csv = try folder.write("t.csv", "a,y\n1,2\n3,4\n")
        #expect(throws: ArgumentError(argument: "targets", value: "'y'", requirement: "names the same column twice")) {
            try CSVReader.read(path: csv, targets: ["y", "y"])
        }
        #expect(throws: ArgumentError(argument: "targets", value: "0", requirement: "names the same column twice")) {
            try NPYReader.dataset(path: fixtures + "/c_f8.npy", targets: [0, 0])
        }
    }

    @Test func readsHeaderRowsCRLFBlanksAndTrailingLine() throws {
        let folder = try ScratchFolder()
        let path = try folder.write("ok.csv", "\u{FEFF}a, \"b\" ,y\r\n1,2,3\r\n4, 5 ,6.5\n-1e-3,.5,7.\n\n")
        let data = try CSVReader.read(path: path)
        #expect(data.featureNames == ["a", "b"] && data.targetNames == ["y"])
        #expect(data.features.elements == [1, 2, 4, 5, -0.001, 0.5])
        #expect(data.targets.elements == [3, 6.5, 7])
        #expect(try CSVReader.header(path: path) == ["a", "b", "y"])
    }

    @Test func targetsByNameInTheOrderAsked() throws {
        let folder = try ScratchFolder()
        let path = try folder.write("multi.csv", "u,v,w,z\n1,2,3,4\n5,6,7,8\n")
        let data = try CSVReader.read(path: path, targets: ["z", "u"])
        #expect(data.featureNames == ["v", "w"] && data.targetNames == ["z", "u"])
        #expect(data.features.elements == [2, 3, 6, 7])
        #expect(data.targets.elements == [4, 1, 8, 5])
        #expect(throws: FileError.unknownColumn(path: path, name: "q", available: ["u", "v", "w", "z"])) {
            try CSVReader.read(path: path, targets: ["q"])
        }
    }

    @Test func numbersAreCorrectlyRounded() throws {
        // Against Swift's own correctly rounded parser, on the fast path and on the fallback.
        let texts = [
            "0.1", "3.141592653589793", "1e-5", "123456789012345678901234", "2.2250738585072014e-308",
            "9007199254740993", "1.7976931348623157e308", "-0.0", "4.9e-324", "0.30000000000000004", "1e22", "1e23",
        ]
        let folder = try ScratchFolder()
        let path = try folder.write("n.csv", "x,y\n" + texts.map { "\($0),0" }.joined(separator: "\n"))
        let data = try CSVReader.read(path: path)
        #expect(data.features.elements.map(\.bitPattern) == texts.map { Double($0)!.bitPattern })
    }

    @Test func badFilesGiveThePlaceAndTheReason() throws {
        let folder = try ScratchFolder()
        let cases: [(String, String, FileError)] = [
            ("empty.csv", "", .empty(path: folder.path + "/empty.csv")),
            ("header.csv", "a,y\n", .headerOnly(path: folder.path + "/header.csv")),
            ("text.csv", "a,y\n1,2\n3,abc\n", .notANumber(path: folder.path + "/text.csv", line: 3, column: 2, text: "abc")),
            ("emptycell.csv", "a,y\n1,\n", .notANumber(path: folder.path + "/emptycell.csv", line: 2, column: 2, text: "")),
            ("nan.csv", "a,y\nNaN,2\n", .nonFinite(path: folder.path + "/nan.csv", line: 2, column: 1, text: "NaN")),
            ("inf.csv", "a,y\n1,-inf\n", .nonFinite(path: folder.path + "/inf.csv", line: 2, column: 2, text: "-inf")),
            ("huge.csv", "a,y\n1,1e400\n", .nonFinite(path: folder.path + "/huge.csv", line: 2, column: 2, text: "1e400")),
            ("short.csv", "a,b,y\n1,2,3\n4,5\n", .raggedRow(path: folder.path + "/short.csv", line: 3, expected: 3, actual: 2)),
            ("long.csv", "a,y\n1,2,3,4\n", .raggedRow(path: folder.path + "/long.csv", line: 2, expected: 2, actual: 4)),
            ("gap.csv", "a,y\n1,2\n\n3,4\n", .raggedRow(path: folder.path + "/gap.csv", line: 3, expected: 2, actual: 0)),
            ("dup.csv", "a,a\n1,2\n", .badHeader(path: folder.path + "/dup.csv", reason: "the name 'a' appears twice")),
            (
                "one.csv", "y\n1\n",
                .badHeader(path: folder.path + "/one.csv", reason: "every column is a target; at least one feature column is needed")
            ),
        ]
        for (name, text, expected) in cases {
            let path = try folder.write(name, text)
            #expect(throws: expected, "\(name)") { try CSVReader.read(path: path) }
        }
        #expect(throws: FileError.notFound(path: folder.path + "/missing.csv")) { try CSVReader.read(path: folder.path + "/missing.csv") }
        let message = FileError.notANumber(path: "d.csv", line: 3, column: 2, text: "abc").description
        #expect(message == "d.csv:3:2: 'abc' is not a number")
    }

    @Test func linesLongerThanTheReadChunkAndManyRows() throws {
        // 3000 columns × 8 rows is wider than no chunk; 200 000 rows span several 1 MiB chunks.
        let folder = try ScratchFolder()
        let wide =
            (0..<3000).map { "c\($0)" }.joined(separator: ",") + "\n"
            + (0..<8).map { r in (0..<3000).map { String(Double(r * 3000 + $0) / 7) }.joined(separator: ",") }.joined(separator: "\n")
        let widePath = try folder.write("wide.csv", wide)
        let w = try CSVReader.read(path: widePath)
        #expect(w.rows == 8 && w.featureCount == 2999)
        #expect(w.targets[7, 0] == Double(7 * 3000 + 2999) / 7)
        var tall = "x,y\n"
        for i in 0..<200_000 { tall += "\(i),\(2 * i)\n" }
        let t = try CSVReader.read(path: try folder.write("tall.csv", tall))
        #expect(t.rows == 200_000)
        #expect(t.features.elements == (0..<200_000).map(Double.init))
        #expect(t.targets[199_999, 0] == 399_998)
    }
}

@Suite struct NPYReaderTests {
    let expected = try! Matrix([[1.5, -2.0, 3.0], [4.0, 5.25, -6.0]])

    @Test(arguments: ["c_f8.npy", "fortran_f4.npy", "big_endian_f8.npy"])
    func readsWhatNumpyWrites(file: String) throws {
        #expect(try NPYReader.read(path: fixtures + "/" + file) == expected)
    }

    @Test func headerBuiltByHandVersion2() throws {
        // The format spec, by hand: magic, version 2.0, 4-byte header length, dictionary padded to 64 bytes.
        var header = Array("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }".utf8)
        while (12 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [2, 0]
        bytes += (0..<4).map { UInt8((header.count >> (8 * $0)) & 0xFF) }
        bytes += header
        for value in [0.25, -8.0] { bytes += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
        let path = try ScratchFolder().write("v2.npy", bytes: bytes)
        #expect(try NPYReader.read(path: path) == (try Matrix([[0.25, -8.0]])))
    }

    @Test func badFilesAreRefusedWithTheReason() throws {
        #expect(throws: FileError.unsupportedType(path: fixtures + "/int64.npy", descriptor: "<i8")) {
            try NPYReader.read(path: fixtures + "/int64.npy")
        }
        #expect(throws: FileError.truncated(path: fixtures + "/truncated.npy", expectedBytes: 48, actualBytes: 40)) {
            try NPYReader.read(path: fixtures + "/truncated.npy")
        }
        do {
            _ = try NPYReader.read(path: fixtures + "/one_dimensional.npy")
            Issue.record("a 1-D array was accepted")
        } catch let FileError.malformed(_, reason) {
            #expect(reason.contains("2-D"))
        }
        let notNPY = try ScratchFolder().write("x.npy", "a,b\n1,2\n")
        #expect(throws: FileError.self) { try NPYReader.read(path: notNPY) }
    }

    @Test func datasetTakesTheTargetColumns() throws {
        let data = try NPYReader.dataset(path: fixtures + "/c_f8.npy")
        #expect(data.features == (try Matrix([[1.5, -2.0], [4.0, 5.25]])))
        #expect(data.targets.elements == [3, -6])
        let first = try NPYReader.dataset(path: fixtures + "/c_f8.npy", targets: [0])
        #expect(first.targets.elements == [1.5, 4] && first.featureNames == ["x2", "x3"])
        #expect(throws: FileError.self) { try NPYReader.dataset(path: fixtures + "/c_f8.npy", targets: [3]) }
    }
}

@Suite struct ModelFileTests {
    @Test func roundTripPredictsTheSame() throws {
        let data = try syntheticData(rows: 100, weights: [[1, 2], [-1, 0.5]], intercept: [3, -3], noise: 0.1, seed: 12)
        var model = LinearRegression()
        try model.fit(data, using: GradientDescent(batchSize: 20, epochs: 3, learningRate: 0.05, standardize: true))
        let path = try ScratchFolder().path + "/model.json"
        try ModelFile(model).write(to: path)
        let loaded = try ModelFile.read(path: path).model()
        #expect(loaded.parameters == model.parameters)
        #expect(loaded.featureNames == model.featureNames && loaded.targetNames == model.targetNames)
        #expect(try loaded.predict(data.features) == model.predict(data.features))
        #expect(try ModelFile.read(path: path).standardization?.scale == model.standardizer?.scale)
    }

    @Test func corruptOrForeignFilesAreRefused() throws {
        let folder = try ScratchFolder()
        for (name, text) in [
            ("garbage.json", "{not json"), ("foreign.json", "{\"format\": \"other\", \"version\": 1}"),
            (
                "shape.json",
                "{\"format\":\"mbgd-linear-model\",\"version\":1,\"featureNames\":[\"a\"],\"targetNames\":[\"y\"],\"fitIntercept\":true,\"intercept\":[1],\"coefficients\":[[1,2]]}"
            ),
            (
                "future.json",
                "{\"format\":\"mbgd-linear-model\",\"version\":9,\"featureNames\":[\"a\"],\"targetNames\":[\"y\"],\"fitIntercept\":true,\"intercept\":[1],\"coefficients\":[[1]]}"
            ),
        ] {
            let path = try folder.write(name, text)
            #expect(throws: FileError.self, "\(name)") { try ModelFile.read(path: path) }
        }
        #expect(throws: ModelError.notFitted) { try ModelFile(LinearRegression()) }
    }
}

@Suite struct MemoryLimitTests {
    @Test func csvTooLargeForTheMemoryBudgetFailsClearly() throws {
        let folder = try ScratchFolder()
        var text = "a,b,y\n"
        for i in 0..<3000 { text += "\(i),\(2 * i),\(3 * i)\n" }
        let path = try folder.write("big.csv", text)
        // A mapped file's lines are counted first: 3000 rows × 3 values × 8 bytes exactly.
        #expect(throws: FileError.tooLarge(path: path, neededBytes: 72_000, availableBytes: 50_000)) {
            try CSVReader.read(path: path, targets: [], memoryLimit: 50_000)
        }
        #expect(try CSVReader.read(path: path, targets: [], memoryLimit: 1_000_000).rows == 3000)
        let message = FileError.tooLarge(path: "x.csv", neededBytes: 3 << 30, availableBytes: 1 << 30).description
        #expect(message == "x.csv: too large to load: it needs about 3.0 GiB of memory and 1.0 GiB is available")
    }

    @Test func npyTooLargeForTheMemoryBudgetFailsBeforeAllocating() throws {
        #expect(throws: FileError.tooLarge(path: fixtures + "/c_f8.npy", neededBytes: 48, availableBytes: 40)) {
            try NPYReader.read(path: fixtures + "/c_f8.npy", memoryLimit: 40)
        }
        #expect(try NPYReader.read(path: fixtures + "/c_f8.npy", memoryLimit: 48).rows == 2)
    }
}
