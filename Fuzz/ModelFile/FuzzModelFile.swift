// libFuzzer entry point for the model-file reader: every input is written to a scratch file and
// read. A file either gives a model that predicts finite numbers or a FileError; anything else
// (a crash, a trap, a sanitizer report, another error type) is a bug.
import Foundation

let scratch = "/dev/shm/mbgd-fuzz-model-\(getpid()).json"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    FileManager.default.createFile(atPath: scratch, contents: Data(bytes: bytes, count: count))
    do {
        let model = try ModelFile.read(path: scratch).model()
        let row = Matrix(
            uncheckedRows: 1, columns: model.featureNames.count, elements: Array(repeating: 1, count: model.featureNames.count))
        let prediction = try model.predict(row)
        precondition(prediction.rows == 1 && prediction.columns == model.targetNames.count, "a prediction of the wrong shape")
    } catch is FileError {
    } catch {
        fatalError("the model reader threw an unexpected error: \(error)")
    }
    return 0
}
