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
}
