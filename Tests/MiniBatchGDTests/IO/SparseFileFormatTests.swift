import Foundation
import Testing

@testable import MiniBatchGD

/// Sparse files told from dense ones by name, and by content when the name says nothing.
@Suite struct SparseFileFormatTests {
    @Test func namesDecideWhereTheySayAndContentElsewhere() throws {
        let folder = try ScratchFolder()
        let libsvm = "# a comment first\n\n2.5 qid:3 1:0.5 4:-1.25\n-1 2:3e-2\n"
        #expect(SparseFileFormat.of(path: try folder.write("a.svm", "x,y\n1,2\n")) == .libsvm)
        #expect(SparseFileFormat.of(path: try folder.write("a.csv", libsvm)) == nil)
        #expect(SparseFileFormat.of(path: try folder.write("rows.txt", libsvm)) == .libsvm)
        #expect(SparseFileFormat.of(path: try folder.write("only-targets.txt", "1\n2.5\n")) == .libsvm)
        #expect(SparseFileFormat.of(path: try folder.write("table.txt", "x,y\n1,2\n")) == nil)
        #expect(SparseFileFormat.of(path: try folder.write("words.txt", "size rooms\n1 2\n")) == nil)
        #expect(SparseFileFormat.of(path: try folder.write("bad-index.txt", "1 a:2\n")) == nil)
        #expect(SparseFileFormat.of(path: try folder.write("empty.txt", "")) == nil)
        let npz = try Data(contentsOf: URL(fileURLWithPath: fixtures + "/npz/random.npz"))
        #expect(SparseFileFormat.of(path: try folder.write("matrix.bin", bytes: [UInt8](npz))) == .npz)
        #expect(SparseFileFormat.of(path: folder.path + "/missing.txt") == nil)
    }
}
