#if canImport(Glibc)
    import Glibc
#endif

/// Writes whole files so that a reader never sees half of one: each into a temporary file beside
/// its target, flushed to disk, then renamed over it. What is already at a path is respected: a
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
        var batch = FileBatch()
        batch.add(bytes, to: path)
        try batch.commit()
    }
}

/// Several files written as one: all or none.
///
/// ``commit()`` first writes every regular file to a temporary beside its target; only when all
/// of them are complete are they renamed into place, so a failure (a full disk, a missing
/// folder) leaves none of them behind, and no temporary either. Devices and FIFOs are written
/// last, in place.
public struct FileBatch: Sendable {
    private var files: [(path: String, bytes: [UInt8])] = []

    /// An empty batch.
    public init() {}

    /// Adds `text` (UTF-8) to be written to `path`.
    public mutating func add(_ text: String, to path: String) { add(Array(text.utf8), to: path) }

    /// Adds `bytes` to be written to `path`.
    public mutating func add(_ bytes: [UInt8], to path: String) { files.append((path, bytes)) }

    /// Writes every file.
    /// - Throws: ``FileError/unwritable(path:reason:)`` for the first file that cannot be written,
    ///   with the system's reason in words; then no regular file of the batch has been replaced.
    public func commit() throws {
        var staged: [(temporary: String, target: String, path: String)] = []
        var inPlace: [(path: String, bytes: [UInt8])] = []
        defer { for file in staged { TemporaryFiles.remove(file.temporary) } }
        for (path, bytes) in files {
            var status = stat()
            if stat(path, &status) == 0, (status.st_mode & S_IFMT) != S_IFREG {
                guard (status.st_mode & S_IFMT) != S_IFDIR else { throw Self.failure(path, EISDIR) }
                inPlace.append((path, bytes))
                continue
            }
            staged.append(try Self.stage(bytes, to: path))
        }
        try TemporaryFiles.rename(staged)
        for (path, bytes) in inPlace {
            try TemporaryFiles.writingInPlace(path)
            let descriptor = open(path, O_WRONLY)
            guard descriptor >= 0 else { throw Self.failure(path, errno) }
            defer { close(descriptor) }
            try Self.writeAll(bytes, to: descriptor, path: path)
        }
    }

    /// `bytes` staged for `path`: a flushed temporary beside where the path leads, to be renamed
    /// over it (a replaced file keeps its permissions).
    static func stage(_ bytes: [UInt8], to path: String) throws -> (temporary: String, target: String, path: String) {
        var status = stat()
        let target = resolved(path)
        let temporary = try temporaryCopy(of: bytes, beside: target, path: path, keepingModeOf: stat(path, &status) == 0 ? status : nil)
        return (temporary, target, path)
    }

    /// mkstemp's template for a temporary in `target`'s folder: `.NAME.XXXXXX`, with NAME cut to
    /// 240 bytes (at a character boundary) so that a legal name of up to 255 bytes still leaves
    /// room for the dot and the suffix.
    static func temporaryTemplate(beside target: String) -> String {
        let folder = target.contains("/") ? String(target[..<target.lastIndex(of: "/")!]) : "."
        var name = target.split(separator: "/").last.map(String.init) ?? target
        while name.utf8.count > 240 { name.removeLast() }
        return (folder.isEmpty ? "/" : folder) + "/." + name + ".XXXXXX"
    }

    static func failure(_ path: String, _ code: Int32) -> FileError {
        // EFBIG is also the file size limit's error (SIGXFSZ ignored): say which limit.
        let limit = code == EFBIG ? ": past the file size limit, ulimit -f" : ""
        return .unwritable(path: path, reason: String(cString: strerror(code)) + limit)
    }

    /// The path a symbolic link leads to (the path itself when it is not one). A link to a file
    /// not made yet is followed too, so the file is created where it points, as the shell's `>`
    /// does, and the link stays a link.
    static func resolved(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        var current = path
        for _ in 0..<40 {  // the kernel's own limit on links in a row (ELOOP)
            var status = stat()
            guard lstat(current, &status) == 0, status.st_mode & S_IFMT == S_IFLNK else { return current }
            var target = [UInt8](repeating: 0, count: Int(PATH_MAX))
            let length = target.withUnsafeMutableBufferPointer { readlink(current, $0.baseAddress!, $0.count) }
            guard length > 0 else { return current }
            let destination = String(decoding: target[..<length], as: UTF8.self)
            let folder = current.contains("/") ? String(current[..<current.lastIndex(of: "/")!]) : "."
            current = destination.hasPrefix("/") ? destination : (folder.isEmpty ? "" : folder) + "/" + destination
        }
        return current
    }

    /// `bytes` in a new temporary file in `target`'s folder, flushed to disk; its path.
    private static func temporaryCopy(of bytes: [UInt8], beside target: String, path: String, keepingModeOf existing: stat?) throws
        -> String
    {
        let (descriptor, temporary) = try TemporaryFiles.make(template: temporaryTemplate(beside: target), for: path)
        do {
            defer { close(descriptor) }
            // A replaced file keeps its permissions; a new one gets rw-r--r-- (mkstemp's are rw-------).
            fchmod(descriptor, existing.map { $0.st_mode & 0o7777 } ?? 0o644)
            try writeAll(bytes, to: descriptor, path: path)
            guard fsync(descriptor) == 0 else { throw failure(path, errno) }
        } catch {
            TemporaryFiles.remove(temporary)
            throw error
        }
        return temporary
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        try bytes.withUnsafeBytes { try writeAll($0.baseAddress!, count: bytes.count, to: descriptor, path: path) }
    }

    /// Writes `count` bytes from `bytes` to `descriptor`, resuming after interruptions and short writes.
    static func writeAll(_ bytes: UnsafeRawPointer, count: Int, to descriptor: Int32, path: String) throws {
        var offset = 0
        while offset < count {
            let written = Glibc.write(descriptor, bytes + offset, count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw failure(path, errno)
            }
            offset += written
        }
    }
}
