// libFuzzer entry point for NPYReader: every input is written to a scratch file and read.
import Foundation

let scratch = "/dev/shm/mbgd-fuzz-npy-\(getpid()).npy"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    FileManager.default.createFile(atPath: scratch, contents: Data(bytes: bytes, count: count))
    do {
        let matrix = try NPYReader.read(path: scratch)
        precondition(matrix.elements.count == matrix.rows * matrix.columns, "a matrix that breaks its invariants")
        _ = try NPYReader.dataset(path: scratch)
    } catch is FileError {
    } catch is MatrixError {
        // NaN or infinity in a well-formed file: reported with its position.
    } catch {
        fatalError("NPYReader threw an unexpected error: \(error)")
    }
    return 0
}
