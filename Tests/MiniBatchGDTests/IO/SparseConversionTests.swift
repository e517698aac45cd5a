import Foundation
import Testing

@testable import MiniBatchGD

/// `SparseConversion` between libsvm, `.npz` and dense files: round trips give the same rows,
/// a dense output is scipy's `toarray()` (Tests/Fixtures/npz/random_dense.npy), and the written
/// `.npz` reads back whether stored or deflated.
@Suite struct SparseConversionTests {
    static let npz = fixtures + "/npz", svm = fixtures + "/libsvm/random.svm"

    static func same(_ a: SparseDataset<Double>, _ b: SparseDataset<Double>) -> Bool {
        a.rowStarts == b.rowStarts && a.columnIndices == b.columnIndices && a.values.map(\.bitPattern) == b.values.map(\.bitPattern)
            && a.targets.elements.map(\.bitPattern) == b.targets.elements.map(\.bitPattern)
    }

    @Test(arguments: [false, true])
    func libsvmToNPZAndBackGivesTheSameRows(compress: Bool) throws {
        let folder = try ScratchFolder()
        let original = try SparseDataset<Double>.load(libsvm: Self.svm, featureCount: 50)
        let out = try SparseConversion.convert(
            Self.svm, to: folder.path + "/x.npz", targets: folder.path + "/y.npy", compress: compress)
        #expect(out == SparseConversion.Conversion(rows: 200, featureCount: 50, nonzeros: original.nonzeros, targetCount: 1))
        let npz = try SparseDataset<Double>.load(npz: folder.path + "/x.npz", targets: folder.path + "/y.npy")
        #expect(Self.same(npz, original) && npz.featureCount == 50)
        try SparseConversion.convert(folder.path + "/x.npz", to: folder.path + "/back.svm", targets: folder.path + "/y.npy")
        #expect(Self.same(try SparseDataset<Double>.load(libsvm: folder.path + "/back.svm", featureCount: 50), original))
        // 0-based, both ways.
        try SparseConversion.convert(
            folder.path + "/x.npz", to: folder.path + "/zero.svm", targets: folder.path + "/y.npy", zeroBased: true)
        #expect(Self.same(try SparseDataset<Double>.load(libsvm: folder.path + "/zero.svm", zeroBased: true, featureCount: 50), original))
        // The archive is the bytes scipy's save_npz wrote for the same matrix, stored or deflated
        // (zlib's default level, as numpy's), and the targets numpy.save's.
        let bytes = { (path: String) in try Data(contentsOf: URL(fileURLWithPath: path)) }
        #expect(try bytes(folder.path + "/x.npz") == bytes(Self.npz + (compress ? "/random.npz" : "/random_stored.npz")))
        #expect(try bytes(folder.path + "/y.npy") == bytes(Self.npz + "/random_y.npy"))
    }

    @Test(arguments: ["random.npz", "random_int64.npz", "random_f32.npz"])
    func npzToDenseIsScipysToArray(file: String) throws {
        let folder = try ScratchFolder()
        try SparseConversion.convert(Self.npz + "/" + file, to: folder.path + "/dense.npy", targets: Self.npz + "/random_y.npy")
        let written = try NPYReader.read(path: folder.path + "/dense.npy")
        var expected = try NPYReader.read(path: Self.npz + "/random_dense.npy")
        if file == "random_f32.npz" {
            // float32 values, widened exactly; the targets stay float64.
            for i in 0..<200 { for j in 0..<50 { expected[i, j] = Double(Float(expected[i, j])) } }
        }
        #expect(written.rows == 200 && written.columns == 51)
        #expect(written.elements.map(\.bitPattern) == expected.elements.map(\.bitPattern))
        #expect(NPYColumnNames.read(for: folder.path + "/dense.npy", columns: 51)?.suffix(2) == ["x50", "y"])
        // And as CSV: the same numbers, the same names.
        try SparseConversion.convert(Self.npz + "/" + file, to: folder.path + "/dense.csv", targets: Self.npz + "/random_y.npy")
        let csv = try Dataset<Double>.load(URL(fileURLWithPath: folder.path + "/dense.csv"), targets: ["y"])
        #expect(csv.featureNames.first == "x1" && csv.features.elements == (0..<200).flatMap { i in (0..<50).map { expected[i, $0] } })
        #expect(csv.targets.elements == (0..<200).map { expected[$0, 50] })
    }

    @Test func denseToSparseKeepsTheNonZeroCellsAndTheLastColumnAsTarget() throws {
        let folder = try ScratchFolder()
        let original = try SparseDataset<Double>.load(libsvm: Self.svm, featureCount: 50)
        try SparseConversion.convert(Self.npz + "/random_dense.npy", to: folder.path + "/d.svm")
        #expect(Self.same(try SparseDataset<Double>.load(libsvm: folder.path + "/d.svm", featureCount: 50), original))
        let out = try SparseConversion.convert(Self.npz + "/random_dense.npy", to: folder.path + "/d.npz", targets: folder.path + "/dy.npy")
        #expect(out.featureCount == 50 && out.rows == 200)
        #expect(Self.same(try SparseDataset<Double>.load(npz: folder.path + "/d.npz", targets: folder.path + "/dy.npy"), original))
        // A CSV's columns chosen: the last one named is the target.
        let csv = try folder.write("small.csv", "a,b,c\n1,0,5\n0,0,6\n0,2.5,7\n")
        try SparseConversion.convert(csv, to: folder.path + "/small.svm", columns: ["c", "b", "a"])
        #expect(try String(contentsOfFile: folder.path + "/small.svm", encoding: .utf8) == "1 1:5\n0 1:6\n0 1:7 2:2.5\n")
    }

    @Test func unsortedRowsAreWrittenSorted() throws {
        let folder = try ScratchFolder()
        try SparseConversion.convert(Self.npz + "/unsorted.npz", to: folder.path + "/u.svm", targets: Self.npz + "/unsorted_y.npy")
        #expect(try String(contentsOfFile: folder.path + "/u.svm", encoding: .utf8) == "1 1:7 2:-2 5:5\n2\n3 3:3 6:1\n4 4:4\n")
        #expect(throws: FileError.self) {
            try SparseConversion.convert(Self.npz + "/repeated.npz", to: folder.path + "/r.svm", targets: Self.npz + "/small_y.npy")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/r.svm"))
    }

    @Test func refusesWhatItCannotConvert() throws {
        let folder = try ScratchFolder()
        #expect(throws: ArgumentError.self) { try SparseConversion.convert(Self.svm, to: folder.path + "/x.npz") }
        #expect(throws: ArgumentError.self) { try SparseConversion.convert(Self.svm, to: folder.path + "/x.svm") }
        #expect(throws: ArgumentError.self) {
            try SparseConversion.convert(Self.svm, to: folder.path + "/x.npy", targets: folder.path + "/y.npy")
        }
        #expect(throws: ArgumentError.self) {
            try SparseConversion.convert(Self.npz + "/random.npz", to: folder.path + "/x.svm", targets: Self.npz + "/random_y2.npy")
        }
    }
}
