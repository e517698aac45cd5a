import Foundation
import MiniBatchGD

/// Everything one command writes, gathered while it runs and written together at the end: all
/// or nothing (a model file is never left behind by a command that fails at its plots), with
/// Ctrl-C held back while the files are written. `-` as a path means standard output.
struct Outputs {
    private var files = FileBatch()
    private var standardOutput: [String] = []
    private var folders: [String] = []

    /// Adds `text` for `path` (`-`: standard output).
    mutating func add(_ text: String, to path: String) {
        if path == "-" { standardOutput.append(text) } else { files.add(text, to: path) }
    }

    /// Adds `bytes` for `path` (`-`: standard output).
    mutating func add(_ bytes: [UInt8], to path: String) {
        if path == "-" { standardOutput.append(String(decoding: bytes, as: UTF8.self)) } else { files.add(bytes, to: path) }
    }

    /// A folder to create (with its parents) before the files are written.
    mutating func folder(_ path: String) { folders.append(path) }

    /// Writes everything.
    /// - Throws: ``FileError/unwritable(path:reason:)``.
    func commit() throws {
        try Interruption.deferringInterruption {
            for folder in folders {
                do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                    throw FileError.unwritable(path: folder, reason: "cannot create the folder")
                }
            }
            try files.commit()
            for text in standardOutput { print(text, terminator: text.hasSuffix("\n") ? "" : "\n") }
        }
    }
}
