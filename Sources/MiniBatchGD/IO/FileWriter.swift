#if canImport(Glibc)
    import Glibc
#endif

/// Writes a whole file so that a reader never sees half of it: into a temporary file beside the
/// target, flushed to disk, then renamed over it. What is already at the path is respected: a
/// symbolic link is followed and its target replaced; a device or FIFO (`/dev/stdout`,
/// `/dev/null`) is written in place, never replaced by a regular file.
public enum FileWriter {
    /// Writes `text` as UTF-8.
    /// - Throws: ``FileError/unwritable(path:reason:)`` with the system's reason in words.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Writes `bytes`.
    /// - Throws: ``FileError/unwritable(path:reason:)`` with the system's reason in words.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        func failure(_ code: Int32 = errno) -> FileError { .unwritable(path: path, reason: String(cString: strerror(code))) }
        var status = stat()
        if stat(path, &status) == 0, (status.st_mode & S_IFMT) != S_IFREG {
            guard (status.st_mode & S_IFMT) != S_IFDIR else { throw failure(EISDIR) }
            let descriptor = open(path, O_WRONLY)
            guard descriptor >= 0 else { throw failure() }
            defer { close(descriptor) }
            try writeAll(bytes, to: descriptor, failure)
            return
        }
        let exists = stat(path, &status) == 0
        var target = path
        if exists, let resolved = realpath(path, nil) {
            target = String(cString: resolved)
            free(resolved)
        }
        let folder = target.contains("/") ? String(target[..<target.lastIndex(of: "/")!]) : "."
        let name = target.split(separator: "/").last.map(String.init) ?? target
        var template = ((folder.isEmpty ? "/" : folder) + "/." + name + ".XXXXXX").utf8CString
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw failure() }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(descriptor) }
            // A replaced file keeps its permissions; a new one gets rw-r--r-- (mkstemp's are rw-------).
            fchmod(descriptor, exists ? status.st_mode & 0o7777 : 0o644)
            try writeAll(bytes, to: descriptor, failure)
            guard fsync(descriptor) == 0 else { throw failure() }
        }
        guard rename(temporary, target) == 0 else { throw failure() }
        renamed = true
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, _ failure: (Int32) -> FileError) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure(errno)
            }
            offset += written
        }
    }
}
