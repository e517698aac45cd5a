import ArgumentParser
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

    /// Writes everything (on rank 0 alone under `mbgd-mpi`).
    /// - Throws: ``FileError/unwritable(path:reason:)``.
    func commit() throws {
        guard Cluster.writes else { return }
        try Interruption.deferringInterruption {
            for folder in folders { try Self.createFolder(folder) }
            try files.commit()
            for text in standardOutput { print(text, terminator: text.hasSuffix("\n") ? "" : "\n") }
        }
    }

    /// `mkdir -p`, with the reason a folder on the way cannot be made: the system's, or that a
    /// file stands where a folder should be.
    private static func createFolder(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if mkdir(prefix, 0o777) == 0 { continue }
            let code = errno
            var status = stat()
            guard code == EEXIST, stat(prefix, &status) == 0 else {
                throw FileError.unwritable(path: path, reason: "cannot create the folder \(prefix): \(String(cString: strerror(code)))")
            }
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw FileError.unwritable(path: path, reason: "\(prefix) is not a folder")
            }
        }
    }
}

/// Whether `path` is standard output: `-`, or a path that leads to the same file or device as
/// file descriptor 1 (`/dev/stdout`, `/proc/self/fd/1`, or the file stdout is redirected to).
func isStandardOutput(_ path: String) -> Bool {
    path == "-" || isSameFile(path, "/proc/self/fd/1")
}

/// Whether two paths lead to one existing file (links and other spellings followed).
func isSameFile(_ a: String, _ b: String) -> Bool {
    var first = stat(), second = stat()
    guard stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
    return first.st_dev == second.st_dev && first.st_ino == second.st_ino
}
