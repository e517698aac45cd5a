// libFuzzer entry point for CSVReader: every input is written to a scratch file and read.
// Any outcome other than a Dataset or a FileError (a crash, a sanitizer report, a hang) is a bug.
import Foundation

let scratch = "/dev/shm/mbgd-fuzz-csv-\(getpid()).csv"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    FileManager.default.createFile(atPath: scratch, contents: Data(bytes: bytes, count: count))
    do {
        let data = try CSVReader.read(path: scratch)
        precondition(data.rows >= 1 && data.features.elements.allSatisfy(\.isFinite), "a dataset that breaks its invariants")
        _ = try CSVReader.readColumns(path: scratch, try CSVReader.header(path: scratch))
    } catch is FileError {
    } catch {
        fatalError("CSVReader threw a non-FileError: \(error)")
    }
    return 0
}
