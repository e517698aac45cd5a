import Foundation
import Testing

/// `mbgd convert - FILE.npy`: a CSV stream saved once as the `.npy` the file's own conversion
/// writes, byte for byte, names included; what it cannot write is refused with the way out.
@Suite struct ConvertStreamToolTests {
    @Test func aCSVStreamConvertsAsItsFileDoes() throws {
        let folder = try scratchFolder()
        let text = try String(contentsOfFile: "Examples/data/houses.csv", encoding: .utf8)
        let fromFile = try mbgd("convert", "Examples/data/houses.csv", folder + "/file.npy", "--columns", "size,age,price")
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        let fromStream = try mbgd(
            arguments: ["convert", "-", folder + "/stream.npy", "--columns", "size,age,price"], standardInput: text)
        #expect(fromStream.status == 0, "\(fromStream.stderr)")
        #expect(fromStream.stdout.hasPrefix("Wrote \(folder)/stream.npy: 500 rows × 3 columns"), "\(fromStream.stdout)")
        for suffix in ["", ".columns.json"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: folder + "/file.npy" + suffix))
            let b = try Data(contentsOf: URL(fileURLWithPath: folder + "/stream.npy" + suffix))
            #expect(a == b, "\(suffix)")
        }
        // The .npy fits as the CSV does: a stream's way to several epochs.
        let fit = try mbgd("solve", folder + "/stream.npy", "--target", "price")
        #expect(fit.status == 0 && fit.stdout.contains("size"), "\(fit.stderr)")
    }

    @Test func whatAStreamCannotBecomeIsRefused() throws {
        let folder = try scratchFolder()
        let bad = try mbgd(arguments: ["convert", "-", folder + "/x.npy"], standardInput: "a,y\n1,2\n2,x\n")
        #expect(bad.status == 1 && bad.stderr.contains("standard input:3:2: 'x' is not a number"), "\(bad.stderr)")
        let sparse = try mbgd(arguments: ["convert", "-", folder + "/x.npz"], standardInput: "a,y\n1,2\n")
        #expect(sparse.status != 0 && sparse.stderr.contains("convert - writes a CSV stream to a .npy"), "\(sparse.stderr)")
        let svm = try mbgd(arguments: ["convert", "-", folder + "/x.npy"], standardInput: "1 1:2 3:4\n0 2:1\n")
        #expect(svm.status == 1 && svm.stderr.contains("holds libsvm rows"), "\(svm.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/x.npy"))
    }
}
