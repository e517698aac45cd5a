import Foundation
import Testing

@testable import MiniBatchGD

/// The `.npz` reader on files scipy's `save_npz` wrote (Tests/Fixtures/npz/make_npz_fixtures.py):
/// the rows the libsvm reader gives for the same matrix, whatever the storage (compressed or
/// stored, int32 or int64 indices, float32 values), and every bad file refused with what to do.
@Suite struct NPZReaderTests {
    static let folder = fixtures + "/npz"

    /// The matrix of ../libsvm/random.svm as the libsvm reader reads it.
    static func libsvm<Element: BLASScalar>(_ element: Element.Type) throws -> SparseDataset<Element> {
        try SparseDataset<Element>.load(libsvm: fixtures + "/libsvm/random.svm", featureCount: 50)
    }

    @Test(arguments: ["random.npz", "random_stored.npz", "random_int64.npz", "random_int64_compressed.npz"])
    func readsTheRowsOfTheSameMatrixAsLibSVM(file: String) throws {
        let reference = try Self.libsvm(Double.self)
        let data = try SparseDataset<Double>.load(npz: Self.folder + "/" + file, targets: Self.folder + "/random_y.npy")
        #expect(data.rowStarts == reference.rowStarts)
        #expect(data.columnIndices == reference.columnIndices)
        #expect(data.values.map(\.bitPattern) == reference.values.map(\.bitPattern))
        #expect(data.targets.elements.map(\.bitPattern) == reference.targets.elements.map(\.bitPattern))
        #expect(data.rows == 200 && data.featureCount == 50 && data.targetNames == ["y"] && data.featureNames.last == "x50")
        // The four empty rows of the script.
        for row in [0, 17, 101, 199] { #expect(data.rowStarts[row] == data.rowStarts[row + 1]) }
        // As Float: each float64 rounded once, as the libsvm reader rounds each parsed Double.
        let single = try SparseDataset<Float>.load(npz: Self.folder + "/" + file, targets: Self.folder + "/random_y.npy")
        let singleReference = try Self.libsvm(Float.self)
        #expect(single.values.map(\.bitPattern) == singleReference.values.map(\.bitPattern))
        #expect(single.targets.elements.map(\.bitPattern) == singleReference.targets.elements.map(\.bitPattern))
    }

    @Test func readsFloat32ValuesAsNumpyRoundedThem() throws {
        let reference = try Self.libsvm(Float.self)
        let single = try SparseDataset<Float>.load(npz: Self.folder + "/random_f32.npz", targets: Self.folder + "/random_y.npy")
        #expect(single.values.map(\.bitPattern) == reference.values.map(\.bitPattern))
        #expect(single.columnIndices == reference.columnIndices && single.rowStarts == reference.rowStarts)
        // Widened to Double exactly.
        let double = try SparseDataset<Double>.load(npz: Self.folder + "/random_f32.npz", targets: Self.folder + "/random_y.npy")
        #expect(double.values == reference.values.map(Double.init))
    }

    @Test func readsSeveralTargetsAndAWiderDesign() throws {
        let data = try SparseDataset<Double>.load(
            npz: Self.folder + "/random.npz", targets: Self.folder + "/random_y2.npy", featureCount: 64)
        let y = try Self.libsvm(Double.self).targets.elements
        #expect(data.outputCount == 2 && data.targetNames == ["y1", "y2"] && data.featureCount == 64)
        #expect((0..<200).allSatisfy { data.targets[$0, 0] == y[$0] && data.targets[$0, 1] == 2 * y[$0] - 1 })
        #expect(throws: FileError.self) {
            try SparseDataset<Double>.load(npz: Self.folder + "/random.npz", targets: Self.folder + "/random_y.npy", featureCount: 49)
        }
    }

    struct Unsorted: Decodable {
        let indptr: [Int]
        let indices: [Int32]
        let data: [Double]
    }

    @Test func sortsRowsWhoseIndicesAreOutOfOrder() throws {
        let reference = try JSONDecoder().decode(
            Unsorted.self, from: Data(contentsOf: URL(fileURLWithPath: Self.folder + "/unsorted.json")))
        let data = try SparseDataset<Double>.load(npz: Self.folder + "/unsorted.npz", targets: Self.folder + "/unsorted_y.npy")
        #expect(data.rowStarts == reference.indptr && data.columnIndices == reference.indices && data.values == reference.data)
        #expect(data.rowStarts == [0, 3, 3, 5, 6] && data.values == [7, -2, 5, 3, 1, 4])
        #expect(data.targets.elements == [1, 2, 3, 4] && data.featureCount == 6)
    }

    /// `message` of the error loading `file` (with the good targets unless given).
    static func failure(_ file: String, targets: String = "random_y.npy") -> String {
        do {
            _ = try SparseDataset<Double>.load(npz: folder + "/" + file, targets: folder + "/" + targets)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func refusesEveryBadFileSayingWhatToDo() throws {
        #expect(Self.failure("random_csc.npz").contains("stored as 'csc'; only CSR ('csr') is read: convert it with m.tocsr()"))
        #expect(Self.failure("random_coo.npz").contains("stored as 'coo'"))
        #expect(Self.failure("random_truncated.npz").contains("end record is missing: the file was cut short"))
        #expect(Self.failure("not_zip.npz").contains("not an .npz file (it is no zip archive"))
        #expect(Self.failure("arrays.npz").contains("not a scipy sparse matrix (no format.npy"))
        #expect(Self.failure("random_damaged.npz").contains("(member data.npy): its bytes do not match the checksum"))
        #expect(Self.failure("repeated.npz", targets: "small_y.npy").contains("row 2: column index 1 appears twice"))
        #expect(Self.failure("out_of_range.npz", targets: "small_y.npy").contains("row 2, entry 2: column index 3 is outside 0..<3"))
        #expect(Self.failure("nan.npz", targets: "small_y.npy").contains("row 1, entry 2: the value of column 2 is not finite"))
        let short = Self.failure("random.npz", targets: "random_y_short.npy")
        #expect(short.contains("random_y_short.npy: the targets have shape (199,), but the features have 200 rows"))
        #expect(Self.failure("missing.npz").contains("no such file"))
        // Targets of shape (4, 0): no columns, said as such rather than as a row count.
        var header = Array("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 0), }".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(UInt8(ascii: " ")) }
        header.append(UInt8(ascii: "\n"))
        let npy = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
        let empty = try ScratchFolder().write("no_columns.npy", bytes: npy)
        do {
            _ = try SparseDataset<Double>.load(npz: Self.folder + "/unsorted.npz", targets: empty)
            Issue.record("targets without columns were accepted")
        } catch {
            #expect("\(error)".contains("the targets have shape (4, 0): no target columns"), "\(error)")
        }
        // Sizes from the file, checked before anything is allocated from them.
        #expect(Self.failure("huge_shape.npz", targets: "small_y.npy").contains("4611686018427387904 rows: more than any memory holds"))
        #expect(
            Self.failure("lying_header.npz", targets: "small_y.npy").contains(
                "(member data.npy): truncated: the header promises 8000000000000 data bytes"))
    }

    @Test func checksMemoryBeforeAllocating() throws {
        let members = try NPZReader.members(path: Self.folder + "/random.npz")
        // 201 offsets of 8 bytes, 1000-odd entries of 4 + 8 bytes: far beyond 1 KiB.
        #expect(throws: FileError.self) {
            try NPZReader.read(members, path: "random.npz", as: Double.self, featureCount: nil, extraBytes: 0, memoryLimit: 1024)
        }
        let fresh = try NPZReader.members(path: Self.folder + "/random.npz")
        let arrays = try NPZReader.read(fresh, path: "random.npz", as: Double.self, featureCount: nil, extraBytes: 0, memoryLimit: 1 << 20)
        let needed = 8 * 201 + 12 * arrays.values.count
        let again = try NPZReader.members(path: Self.folder + "/random.npz")
        #expect(throws: FileError.tooLarge(path: "random.npz", neededBytes: needed, availableBytes: needed - 1)) {
            try NPZReader.read(again, path: "random.npz", as: Double.self, featureCount: nil, extraBytes: 0, memoryLimit: needed - 1)
        }
    }

    /// An uncompressed file of int32 indices and float64 values (scipy's `compressed=False`) is
    /// borrowed, not copied: the same rows, bit for bit, as reading it into memory and as the
    /// libsvm reader's, and the same fit; a Float data set (float64 values to round) and a
    /// compressed file are copied.
    @Test func mapsAStoredFileInPlaceWithTheSameRowsAndFit() throws {
        let path = Self.folder + "/random_stored.npz", targets = Self.folder + "/random_y.npy"
        let mapped = try SparseDataset<Double>.load(npz: path, targets: targets)
        let copied = try NPZReader.dataset(path: path, targets: targets, as: Double.self, featureCount: nil, mapping: false)
        let reference = try Self.libsvm(Double.self)
        #expect(mapped.isMapped && mapped.columnIndices.isMapped && mapped.values.isMapped && !copied.isMapped)
        for data in [copied, reference] {
            #expect(mapped.rowStarts == data.rowStarts && mapped.columnIndices == data.columnIndices)
            #expect(mapped.values.map(\.bitPattern) == data.values.map(\.bitPattern))
            #expect(mapped.targets.elements.map(\.bitPattern) == data.targets.elements.map(\.bitPattern))
        }
        #expect(try !SparseDataset<Float>.load(npz: path, targets: targets).isMapped)
        #expect(try !SparseDataset<Double>.load(npz: Self.folder + "/random.npz", targets: targets).isMapped)
        // Float values stored as float32 are borrowed by a Float data set.
        let single = try SparseDataset<Float>.load(npz: try Self.storedCopy(of: "random_f32.npz"), targets: targets)
        let singleReference = try Self.libsvm(Float.self)
        #expect(single.isMapped && single.values == singleReference.values)

        // The automatic rate and standardizing: the curvature and scales are read from the rows too.
        let config = GradientDescent(batchSize: .rows(8), epochs: 3, shuffle: .everyEpoch(seed: 3), earlyStopping: nil)
        var a = LinearRegression(), b = LinearRegression()
        try a.fit(mapped, using: config)
        try b.fit(copied, using: config)
        #expect(a.parameters!.coefficients.elements.contains { $0 != 0 })
        #expect(a.parameters!.coefficients.elements.map(\.bitPattern) == b.parameters!.coefficients.elements.map(\.bitPattern))
        #expect(a.parameters!.intercept.map(\.bitPattern) == b.parameters!.intercept.map(\.bitPattern))
        #expect(try a.predict(mapped).elements.map(\.bitPattern) == b.predict(copied).elements.map(\.bitPattern))
    }

    /// Mapped, the memory counted is the row offsets, targets and names alone: a budget the
    /// copied arrays (12 bytes a nonzero more) exceed is enough.
    @Test func aMappedFileNeedsMemoryForItsRowOffsetsOnly() throws {
        let path = Self.folder + "/random_stored.npz", targets = Self.folder + "/random_y.npy"
        // 201 offsets and 200 targets of 8 bytes, 50 names of 16; 975 entries of 12 bytes more copied.
        let mapped = 8 * 201 + 8 * 200 + 16 * 50, copied = mapped + 12 * 975
        let data = try NPZReader.dataset(path: path, targets: targets, as: Double.self, featureCount: nil, memoryLimit: mapped)
        #expect(data.isMapped && data.nonzeros == 975)
        #expect(throws: FileError.tooLarge(path: path, neededBytes: mapped, availableBytes: mapped - 1)) {
            try NPZReader.dataset(path: path, targets: targets, as: Double.self, featureCount: nil, memoryLimit: mapped - 1)
        }
        #expect(throws: FileError.tooLarge(path: path, neededBytes: copied, availableBytes: mapped)) {
            try NPZReader.dataset(path: path, targets: targets, as: Double.self, featureCount: nil, memoryLimit: mapped, mapping: false)
        }
    }

    /// `name` of the fixtures rewritten stored (uncompressed), as scipy's `compressed=False`
    /// writes it, into a scratch folder.
    static func storedCopy(of name: String) throws -> String {
        let archive = try ZipArchive(PositionalFile(path: folder + "/" + name))
        let out = try ScratchFolder().path + "/" + name
        let file = try StreamingFile(path: out)
        let writer = ZipWriter(file, compress: false)
        for member in archive.members {
            let stream = try ZipMemberStream(archive, member)
            var bytes = [UInt8](repeating: 0, count: member.size)
            try bytes.withUnsafeMutableBytes { try stream.read(into: $0) }
            try stream.finish()
            try writer.begin(member.name)
            try bytes.withUnsafeBytes { try writer.write($0.baseAddress!, count: $0.count) }
            try writer.end()
        }
        try writer.finish()
        try file.commit()
        return out
    }

    /// The data set reads the file's own bytes: a value changed in the file after loading is
    /// seen by the mapped data set (a private mapping shows the file's later writes to pages it
    /// has not copied, and it never writes), not by the copy.
    @Test func theMappedDataSetReadsTheFilesBytes() throws {
        let scratch = try ScratchFolder()
        let path = scratch.path + "/stored.npz"
        try FileManager.default.copyItem(atPath: Self.folder + "/random_stored.npz", toPath: path)
        let targets = Self.folder + "/random_y.npy"
        let mapped = try SparseDataset<Double>.load(npz: path, targets: targets)
        let copied = try NPZReader.dataset(path: path, targets: targets, as: Double.self, featureCount: nil, mapping: false)
        let offset = try #require(try NPZReader.members(path: path).data.stream as? ZipMemberStream).filePosition
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: withUnsafeBytes(of: 12345.5.bitPattern.littleEndian) { Data($0) })
        try handle.close()
        #expect(mapped.values[0] == 12345.5 && copied.values[0] != 12345.5)
    }

    /// Every fault of a stored file is said as the copying reader says it (the checksum first
    /// for a damaged member), and a file whose rows are out of order is read into memory, sorted.
    @Test func theMappedReaderRefusesWhatTheCopyingOneRefuses() throws {
        let cases = [
            ("repeated.npz", "small_y.npy", "row 2: column index 1 appears twice"),
            ("out_of_range.npz", "small_y.npy", "row 2, entry 2: column index 3 is outside 0..<3"),
            ("nan.npz", "small_y.npy", "row 1, entry 2: the value of column 2 is not finite"),
            ("random_damaged.npz", "random_y.npy", "(member data.npy): its bytes do not match the checksum"),
        ]
        for (file, targets, message) in cases {
            for mapping in [true, false] {
                do {
                    _ = try NPZReader.dataset(
                        path: Self.folder + "/" + file, targets: Self.folder + "/" + targets, as: Double.self, featureCount: nil,
                        mapping: mapping)
                    Issue.record("\(file) was accepted")
                } catch {
                    #expect("\(error)".contains(message), "\(file), mapping \(mapping): \(error)")
                }
            }
        }
        // Out of order, int32 and float64: a mappable file that needs the copying reader's sort.
        let reference = try JSONDecoder().decode(
            Unsorted.self, from: Data(contentsOf: URL(fileURLWithPath: Self.folder + "/unsorted.json")))
        let unsorted = try ScratchFolder().write(
            "unsorted32.npz",
            bytes: Self.npz(indptr: reference.indptr, indices: [4, 1, 0, 5, 2, 3], data: [5, -2, 7, 1, 3, 4], shape: (4, 6)))
        let data = try SparseDataset<Double>.load(npz: unsorted, targets: Self.folder + "/unsorted_y.npy")
        #expect(!data.isMapped && data.columnIndices == reference.indices && data.values == reference.data)
    }

    /// A stored CSR `.npz` of int32 indices and float64 values, as scipy's `compressed=False` writes one.
    static func npz(indptr: [Int], indices: [Int32], data: [Double], shape: (Int, Int)) throws -> [UInt8] {
        func npy(_ descr: String, _ shape: [Int], _ payload: [UInt8]) -> [UInt8] {
            NPYWriter.header(descr: descr, shape: shape) + payload
        }
        func bytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }
        let members: [(String, [UInt8])] = [
            ("indices.npy", npy("<i4", [indices.count], bytes(indices))),
            ("indptr.npy", npy("<i8", [indptr.count], bytes(indptr))),
            ("format.npy", npy("|S3", [], Array("csr".utf8))),
            ("shape.npy", npy("<i8", [2], bytes([shape.0, shape.1]))),
            ("data.npy", npy("<f8", [data.count], bytes(data))),
        ]
        let path = try ScratchFolder().path + "/m.npz"
        let file = try StreamingFile(path: path)
        let writer = ZipWriter(file, compress: false)
        for (name, content) in members {
            try writer.begin(name)
            try content.withUnsafeBytes { try writer.write($0.baseAddress!, count: $0.count) }
            try writer.end()
        }
        try writer.finish()
        try file.commit()
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
