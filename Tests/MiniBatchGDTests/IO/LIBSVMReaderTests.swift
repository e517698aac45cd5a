import Foundation
import Testing

@testable import MiniBatchGD

/// The libsvm reader: the same arrays as scikit-learn's `load_svmlight_file` on files its
/// `dump_svmlight_file` wrote, every edge of the format, every bad entry refused with its line,
/// the same bits on any number of threads and chunks, and the memory check made on counts.
@Suite struct LIBSVMReaderTests {
    static let folder = fixtures + "/libsvm"

    /// What scikit-learn read from the fixtures (Tests/Fixtures/libsvm/make_libsvm_fixtures.py).
    struct Reference: Decodable {
        let indptr: [Int]
        let indices: [Int32]
        let data: [String]
        let y: [String]
        let features: Int
    }

    static func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/random.json")))
    }

    @Test func readsWhatScikitLearnReadsBitForBit() throws {
        let reference = try Self.reference()
        // 17-digit decimals: Double's own reading of them gives back scikit-learn's doubles.
        let values = reference.data.map { Double($0)! }, targets = reference.y.map { Double($0)! }
        let oneBased = try SparseDataset<Double>.load(libsvm: Self.folder + "/random.svm")
        let zeroBased = try SparseDataset<Double>.load(libsvm: Self.folder + "/random_zero.svm", zeroBased: true)
        for data in [oneBased, zeroBased] {
            #expect(data.rowStarts == reference.indptr)
            #expect(data.columnIndices == reference.indices)
            #expect(data.values.map(\.bitPattern) == values.map(\.bitPattern))
            #expect(data.targets.elements.map(\.bitPattern) == targets.map(\.bitPattern))
            #expect(data.rows == 200 && data.featureCount == reference.features && data.outputCount == 1)
            #expect(data.featureNames.count == 50 && data.featureNames.last == "x50" && data.targetNames == ["y"] && data.weights == nil)
        }
        // The empty rows the script made: the first, two inside, the last.
        for row in [0, 17, 101, 199] { #expect(oneBased.rowStarts[row] == oneBased.rowStarts[row + 1]) }
        // Float: each Double rounded once, as scikit-learn's float32 reader stores float(value).
        let single = try SparseDataset<Float>.load(libsvm: Self.folder + "/random.svm")
        #expect(single.values.map(\.bitPattern) == values.map { Float($0).bitPattern })
        #expect(single.targets.elements.map(\.bitPattern) == targets.map { Float($0).bitPattern })
        #expect(single.rowStarts == reference.indptr && single.columnIndices == reference.indices)
        // A width given (as n_features) keeps the arrays and widens the design.
        let wider = try SparseDataset<Double>.load(libsvm: Self.folder + "/random.svm", featureCount: 64)
        #expect(wider.featureCount == 64 && wider.columnIndices == reference.indices && wider.featureNames.count == 64)
    }

    /// Comments whole-line and trailing, `qid:`, trailing blanks, CRLF, tabs, a signed target, a
    /// target-only row, blank lines, a last line without its newline.
    static let edges =
        "# written by hand\r\n"
        + "\r\n"
        + "1.5 qid:7 1:2 3:-4.25   \t\r\n"
        + "-2 # only its target\n"
        + "   \n"
        + "3e2 2:1e-3 5:7# a comment right after a value\n"
        + "# only a comment: with 1:2 colons\n"
        + "+4\t1:1\t2:+2.5 \n"
        + "0.5   "

    @Test func everyEdgeOfTheFormatGivesTheRightRows() throws {
        let folder = try ScratchFolder()
        let path = try folder.write("edges.svm", Self.edges)
        let data = try SparseDataset<Double>.load(libsvm: path)
        #expect(data.rowStarts == [0, 2, 2, 4, 6, 6])
        #expect(data.columnIndices == [0, 2, 1, 4, 0, 1])
        #expect(data.values == [2, -4.25, 1e-3, 7, 1, 2.5])
        #expect(data.targets.elements == [1.5, -2, 300, 4, 0.5])
        #expect(data.featureCount == 5 && data.featureNames == ["x1", "x2", "x3", "x4", "x5"])
        // 0-based: the same text keeps its indices.
        let zero = try SparseDataset<Double>.load(libsvm: path, zeroBased: true)
        #expect(zero.columnIndices == [1, 3, 2, 5, 1, 2] && zero.featureCount == 6 && zero.rowStarts == data.rowStarts)
        // Only targets: no entries, width 1 (as scikit-learn's).
        let targetsOnly = try SparseDataset<Float>.load(libsvm: try folder.write("targets.svm", "1\n2 \n"))
        #expect(targetsOnly.rowStarts == [0, 0, 0] && targetsOnly.featureCount == 1 && targetsOnly.targets.elements == [1, 2])
        // Explicit zeros stay entries; leading zeros and '+' in an index are read as scikit-learn's int() reads them.
        let zeros = try SparseDataset<Double>.load(libsvm: try folder.write("zeros.svm", "0 +01:0 003:-0\n"))
        #expect(zeros.columnIndices == [0, 2] && zeros.values.map(\.bitPattern) == [Double(0).bitPattern, Double(-0.0).bitPattern])
    }

    /// Numbers the short path reads and those it leaves to the general one, side by side (CRLF
    /// ends, signs, points at either end, 19 and 20 digits, exponents, indices of seven and eight
    /// digits), each value against Swift's own `Double(String)`; the last number ends the file.
    @Test func shortAndLongNumbersGiveTheValuesDoubleGives() throws {
        let values = [
            "+1.5", ".5", "5.", "-0.09957676437952397", "1234567890123456789", "12345678901234567890", "0.0000000000000000001",
            "1e-5", "-2.5E+3", "0.3663054253616224", "7", "-0", "4.9406564584124654e-324",
        ]
        var text = ""
        for value in values { text += "\(value) 2:\(value) 0000004:\(value)\t00000006:\(value) 123456:\(value)\r\n" }
        text += "3 1:0.25"
        let folder = try ScratchFolder()
        let path = try folder.write("numbers.svm", text)
        let data = try SparseDataset<Double>.load(libsvm: path)
        let expected = values.map { Double($0)! }
        #expect(data.rows == values.count + 1 && data.featureCount == 123_456)
        #expect(data.rowStarts == (0...values.count).map { 4 * $0 } + [4 * values.count + 1])
        #expect(data.columnIndices == Array(repeating: [1, 3, 5, 123_455] as [Int32], count: values.count).flatMap { $0 } + [0])
        #expect(data.values.map(\.bitPattern) == expected.flatMap { Array(repeating: $0.bitPattern, count: 4) } + [Double(0.25).bitPattern])
        #expect(data.targets.elements.map(\.bitPattern) == expected.map(\.bitPattern) + [Double(3).bitPattern])
    }

    @Test func theDocumentedExampleHolds() throws {
        let folder = try ScratchFolder()
        let path = try folder.write(
            "data.svm",
            "2.5 1:0.5 4:-1.25     # x\u{2081} = 0.5, x\u{2084} = \u{2212}1.25\n-1  qid:3 2:3e-2\n0.75                  # only a target: a row of zeros\n"
        )
        let data = try SparseDataset<Double>.load(libsvm: path)
        #expect(data.rows == 3 && data.featureCount == 4 && data.rowStarts == [0, 2, 3, 3] && data.columnIndices == [0, 3, 1])
    }

    @Test func aPipeGivesTheSameRowsAsTheFile() throws {
        let folder = try ScratchFolder()
        let text = try String(contentsOfFile: Self.folder + "/random.svm", encoding: .utf8)
        let file = try SparseDataset<Double>.load(libsvm: Self.folder + "/random.svm")
        let piped = try throughFIFO(text, folder: folder, name: "pipe.svm") { try SparseDataset<Double>.load(libsvm: $0) }
        #expect(piped.rowStarts == file.rowStarts && piped.columnIndices == file.columnIndices)
        #expect(piped.values.map(\.bitPattern) == file.values.map(\.bitPattern) && piped.targets == file.targets)
        let edges = try throughFIFO(Self.edges, folder: folder, name: "edges") { try SparseDataset<Double>.load(libsvm: $0) }
        #expect(edges.rowStarts == [0, 2, 2, 4, 6, 6] && edges.values == [2, -4.25, 1e-3, 7, 1, 2.5])
        #expect(throws: FileError.empty(path: folder.path + "/nothing")) {
            try throughFIFO("", folder: folder, name: "nothing") { try SparseDataset<Double>.load(libsvm: $0) }
        }
        let bad = folder.path + "/bad"
        #expect(throws: FileError.badLIBSVMEntry(path: bad, line: 3, entry: 1, text: "0:1", problem: .zeroIndex)) {
            try throughFIFO("# c\n1 1:1\n2 0:1\n", folder: folder, name: "bad") { try SparseDataset<Double>.load(libsvm: $0) }
        }
    }

    /// The message of the error reading `text` throws.
    private func message(
        _ text: String, zeroBased: Bool = false, featureCount: Int? = nil, float: Bool = false, in folder: ScratchFolder
    ) -> String {
        do {
            let path = try folder.write("bad.svm", text)
            if float {
                _ = try SparseDataset<Float>.load(libsvm: path, zeroBased: zeroBased, featureCount: featureCount)
            } else {
                _ = try SparseDataset<Double>.load(libsvm: path, zeroBased: zeroBased, featureCount: featureCount)
            }
            return "no error"
        } catch {
            return "\(error)".replacingOccurrences(of: folder.path + "/bad.svm", with: "bad.svm")
        }
    }

    @Test func everyBadEntryIsRefusedWithItsLineAndText() throws {
        let folder = try ScratchFolder()
        let cases: [(text: String, zeroBased: Bool, featureCount: Int?, float: Bool, message: String)] = [
            (
                "# c\r\n\r\n1 1:1\r\n2 qid:4 0:1.5\r\n", false, nil, false,
                "bad.svm:4: entry 1 '0:1.5': index 0 in rows read as 1-based; if their indices start at 0, pass --zero-based"
            ),
            (
                "1 1:1\n2 -3:1\n", true, nil, false,
                "bad.svm:2: entry 1 '-3:1': the index -3 is negative; indices count from 1 (from 0 with --zero-based)"
            ),
            (
                "1 1:1 5:2 3:3\n", false, nil, false,
                "bad.svm:1: entry 3 '3:3': index 3 comes after index 5; indices must increase along a line: sort each line's indices"
            ),
            (
                "1 2:1 2:2\n", false, nil, false,
                "bad.svm:1: entry 2 '2:2': index 2 appears twice on the line; each index may appear once: sort each line's indices and merge repeated ones"
            ),
            (
                "1 2147483648:1\n", false, nil, false,
                "bad.svm:1: entry 1 '2147483648:1': the index 2147483648 is beyond 2147483647, the largest a 32-bit column index allows"
            ),
            (
                "1 2147483647:1\n", true, nil, false,
                "bad.svm:1: entry 1 '2147483647:1': the index 2147483647 is beyond 2147483646, the largest a 32-bit column index allows"
            ),
            (
                "1 99999999999999999999999:1\n", false, nil, false,
                "bad.svm:1: entry 1 '99999999999999999999999:1': the index 99999999999999999999999 is beyond 2147483647, the largest a 32-bit column index allows"
            ),
            (
                "1 1:1\n1 2:1 4:1\n", false, 3, false,
                "bad.svm:2: entry 2 '4:1': the index 4 is beyond 3, the last of the 3 features asked for (--n-features 3); ask for more, or leave --n-features out to take the largest index"
            ),
            ("1 1:1 3\n", false, nil, false, "bad.svm:1: entry 2 '3' is not index:value (no ':')"),
            ("1 x:1\n", false, nil, false, "bad.svm:1: entry 1 'x:1': the index 'x' is not a whole number"),
            ("1 qid:1 qid:2\n", false, nil, false, "bad.svm:1: entry 1 'qid:2': the index 'qid' is not a whole number"),
            ("1 3:abc\n", false, nil, false, "bad.svm:1: entry 1 '3:abc': the value 'abc' is not a number"),
            ("1 3:\n", false, nil, false, "bad.svm:1: entry 1 '3:': the value '' is not a number"),
            ("1 3:\"2\"\n", false, nil, false, "bad.svm:1: entry 1 '3:\"2\"': the value '\"2\"' is not a number"),
            ("1 3:1:2\n", false, nil, false, "bad.svm:1: entry 1 '3:1:2': the value '1:2' is not a number"),
            (
                "1 3:nan\n", false, nil, false,
                "bad.svm:1: entry 1 '3:nan': the value 'nan' is not a finite number (NaN, infinity or beyond Double's range)"
            ),
            (
                "1 1:2 3:1e400\n", false, nil, false,
                "bad.svm:1: entry 2 '3:1e400': the value '1e400' is not a finite number (NaN, infinity or beyond Double's range)"
            ),
            (
                "abc 1:1\n", false, nil, false,
                "bad.svm:1: the target 'abc' is not a number (each line starts with its target, then index:value entries)"
            ),
            (
                "1 1:1\n1:2 3:4\n", false, nil, false,
                "bad.svm:2: the target '1:2' is not a number (each line starts with its target, then index:value entries)"
            ),
            (
                "-inf 1:1\n", false, nil, false,
                "bad.svm:1: the target '-inf' is not a finite number (NaN, infinity or beyond Double's range)"
            ),
            (
                "1 2:1e39\n", false, nil, true,
                "bad.svm:1: entry 1 '2:1e39': the value 1e39 is beyond Float's range (±3.4e38); read the file in float64 (--precision float64)"
            ),
            (
                "1e39 2:1\n", false, nil, true,
                "bad.svm:1: the target '1e39' is beyond Float's range (±3.4e38); read the file in float64 (--precision float64)"
            ),
            ("", false, nil, false, "bad.svm: the file is empty"),
            ("# only\n\n  \r\n# comments\n", false, nil, false, "bad.svm: no rows: every line is blank or a comment"),
            ("1 1:1\n", false, 0, false, "featureCount = 0 is invalid: must be between 1 and 2147483647 (column indices are 32-bit)"),
        ]
        for bad in cases {
            #expect(
                message(bad.text, zeroBased: bad.zeroBased, featureCount: bad.featureCount, float: bad.float, in: folder) == bad.message,
                "\(bad.text.debugDescription)")
        }
        // The cases carry the entry as written and the problem, for callers that act on them.
        let path = try folder.write("sorted.svm", "1 1:1 5:2 3:3\n")
        #expect(throws: FileError.badLIBSVMEntry(path: path, line: 1, entry: 3, text: "3:3", problem: .indexNotIncreasing(previous: 5))) {
            try SparseDataset<Double>.load(libsvm: path)
        }
        // 1e39 is a finite Double: as Double it loads.
        #expect(try SparseDataset<Double>.load(libsvm: try folder.write("big.svm", "1e39 2:1e39\n")).values == [1e39])
    }

    /// A file with `rows` rows of random entries, comment and blank lines between them.
    static func generated(rows: Int, seed: UInt64) -> String {
        var random = RandomSource(seed: seed)
        var text = "# generated\n"
        for row in 0..<rows {
            var line = String(random.nextGaussian() * 10)
            if row % 97 == 0 { line += " qid:\(row)" }
            var index = 0
            for _ in 0..<Int(random.next() % 40) {
                index += 1 + Int(random.next() % 30)
                line += " \(index):\(random.nextGaussian() * pow(10, Double(Int(random.next() % 13)) - 6))"
            }
            if row % 50 == 0 { line += " # row \(row)" }
            text += line + (row % 7 == 0 ? "\r\n" : "\n")
            if row % 113 == 0 { text += "\n# between: rows\n" }
        }
        return text
    }

    @Test func theSameBitsOnOneOrTwoThreadsAndAnyChunks() throws {
        let folder = try ScratchFolder()
        // Above the parallel threshold, so that two threads cut it into eight chunks.
        var text = Self.generated(rows: 2000, seed: 7)
        while text.utf8.count < LIBSVMReader.parallelThreshold + 1 { text += Self.generated(rows: 2000, seed: UInt64(text.utf8.count)) }
        let path = try folder.write("large.svm", text)
        func same<Element: BLASScalar>(_ a: SparseDataset<Element>, _ b: SparseDataset<Element>) -> Bool {
            a.rowStarts == b.rowStarts && a.columnIndices == b.columnIndices && a.featureCount == b.featureCount
                && a.values.map { Double($0).bitPattern } == b.values.map { Double($0).bitPattern }
                && a.targets.elements.map { Double($0).bitPattern } == b.targets.elements.map { Double($0).bitPattern }
        }
        let one = try LIBSVMReader.read(path: path, as: Double.self, zeroBased: false, featureCount: nil, threads: 1)
        let two = try LIBSVMReader.read(path: path, as: Double.self, zeroBased: false, featureCount: nil, threads: 2)
        #expect(one.rows > 2000 && one.nonzeros > 0 && same(one, two))
        for chunks in [2, 3, 13, 64] {
            #expect(
                same(
                    one, try LIBSVMReader.read(path: path, as: Double.self, zeroBased: false, featureCount: nil, threads: 2, chunks: chunks)
                ))
        }
        let floatOne = try LIBSVMReader.read(path: path, as: Float.self, zeroBased: false, featureCount: nil, threads: 1)
        let floatTwo = try LIBSVMReader.read(path: path, as: Float.self, zeroBased: false, featureCount: nil, threads: 2, chunks: 5)
        #expect(same(floatOne, floatTwo))
        // The small fixture cut into many chunks: every line alone in one, or sharing with others.
        let fixture = Self.folder + "/random.svm"
        let whole = try LIBSVMReader.read(path: fixture, as: Double.self, zeroBased: false, featureCount: nil, threads: 1)
        for chunks in [2, 7, 199, 1000] {
            #expect(
                same(
                    whole,
                    try LIBSVMReader.read(path: fixture, as: Double.self, zeroBased: false, featureCount: nil, threads: 2, chunks: chunks)))
        }
        // Blank and comment lines at chunk edges, a last line without its newline.
        let edges = try folder.write("edges.svm", Self.edges)
        let edgesWhole = try LIBSVMReader.read(path: edges, as: Double.self, zeroBased: false, featureCount: nil, threads: 1)
        for chunks in 2...12 {
            #expect(
                same(
                    edgesWhole,
                    try LIBSVMReader.read(path: edges, as: Double.self, zeroBased: false, featureCount: nil, threads: 2, chunks: chunks)))
        }
    }

    @Test func aLineLongerThanTheReadWindowIsReadWhole() throws {
        let folder = try ScratchFolder()
        // About 6 MiB on one line: the window buffer grows to hold it.
        var long = "2.5"
        for index in 1...600_000 { long += " \(index):0.5" }
        let path = try folder.write("long.svm", "1 1:1\n" + long + "\n3 7:2\n")
        #expect(long.utf8.count > LIBSVMReader.window)
        for chunks in [1, 3] {
            let data = try LIBSVMReader.read(path: path, as: Double.self, zeroBased: false, featureCount: nil, threads: 2, chunks: chunks)
            #expect(data.rowStarts == [0, 1, 600_001, 600_002] && data.featureCount == 600_000)
            #expect(data.columnIndices[600_000] == 599_999 && data.columnIndices[600_001] == 6 && data.targets.elements == [1, 2.5, 3])
        }
    }

    @Test func linesAndColonsAreCountedManyBytesAtATime() {
        var random = RandomSource(seed: 3)
        let alphabet: [UInt8] = [0x0A, 0x3A, 0x20, 0x31, 0x8A, 0xBA, 0x0B, 0x3B, 0x00, 0xFF]
        // Around the 32-byte block and the 255 blocks after which the byte counters are emptied.
        for length in [0, 1, 7, 8, 9, 31, 32, 33, 63, 64, 1000, 8159, 8160, 8161, 16_320, 16_353, 100_003] {
            let bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            let counted = bytes.withUnsafeBufferPointer { LIBSVMReader.countLinesAndColons($0.baseAddress!, count: length) }
            #expect(counted.lines == bytes.count { $0 == 0x0A } && counted.colons == bytes.count { $0 == 0x3A })
        }
        // Every byte a newline, then every byte a colon: each counter lane reaches 255 before it is emptied.
        for byte: UInt8 in [0x0A, 0x3A] {
            let bytes = [UInt8](repeating: byte, count: 2 * 255 * 32 + 5)
            let counted = bytes.withUnsafeBufferPointer { LIBSVMReader.countLinesAndColons($0.baseAddress!, count: bytes.count) }
            #expect(counted == (byte == 0x0A ? (bytes.count, 0) : (0, bytes.count)))
        }
    }

    @Test func theFirstErrorInTheFileIsReportedWhicheverChunkMeetsIt() throws {
        let folder = try ScratchFolder()
        var text = ""
        for row in 0..<400 { text += "\(row) 1:1 2:2\n" }
        let lines = text + "1 0:1\n" + text + "1 3:1 2:1\n" + text
        let path = try folder.write("two.svm", lines)
        for chunks in [1, 2, 3, 8, 50] {
            #expect(throws: FileError.badLIBSVMEntry(path: path, line: 401, entry: 1, text: "0:1", problem: .zeroIndex)) {
                try LIBSVMReader.read(path: path, as: Double.self, zeroBased: false, featureCount: nil, threads: 2, chunks: chunks)
            }
        }
    }

    @Test func theMemoryCheckIsMadeOnCountedRowsAndEntriesBeforeAllocating() throws {
        let folder = try ScratchFolder()
        // 3 lines (at most 3 rows) and 6 colons (5 entries and a qid: at most 6 entries).
        let path = try folder.write("small.svm", "1 qid:2 1:1 2:2\n\n3 1:1 4:1 5:1\n")
        // Row starts 8·(3 + 1), targets 8·3, column indices 4·6, values 8·6.
        let needed = 8 * 4 + 8 * 3 + 4 * 6 + 8 * 6
        #expect(throws: FileError.tooLarge(path: path, neededBytes: needed, availableBytes: needed - 1)) {
            try LIBSVMReader.read(path: path, as: Double.self, zeroBased: false, featureCount: nil, memoryLimit: needed - 1)
        }
        // Without a width given, the default names are checked once it is known, with the arrays
        // as read: row starts 8·3, targets 8·2, indices 4·5, values 8·5, names 16·5.
        let read = 8 * 3 + 8 * 2 + 4 * 5 + 8 * 5 + 16 * 5
        #expect(throws: FileError.tooLarge(path: path, neededBytes: read, availableBytes: read - 1)) {
            try LIBSVMReader.read(path: path, as: Double.self, zeroBased: false, featureCount: nil, memoryLimit: read - 1)
        }
        let data = try LIBSVMReader.read(path: path, as: Double.self, zeroBased: false, featureCount: nil, memoryLimit: read)
        #expect(data.rowStarts == [0, 2, 5] && data.featureCount == 5)
        // Float: 4 bytes a value and a target.
        let floatNeeded = 8 * 4 + 4 * 3 + 4 * 6 + 4 * 6 + 16 * 6
        #expect(throws: FileError.tooLarge(path: path, neededBytes: floatNeeded, availableBytes: floatNeeded - 1)) {
            try LIBSVMReader.read(path: path, as: Float.self, zeroBased: false, featureCount: 6, memoryLimit: floatNeeded - 1)
        }
        // A width of two billion features: 32 GiB of names, refused before they are made.
        let wide = 8 * 4 + 4 * 3 + 4 * 6 + 4 * 6 + 16 * 2_000_000_000
        #expect(throws: FileError.tooLarge(path: path, neededBytes: wide, availableBytes: 1 << 30)) {
            try LIBSVMReader.read(path: path, as: Float.self, zeroBased: false, featureCount: 2_000_000_000, memoryLimit: 1 << 30)
        }
    }

}
