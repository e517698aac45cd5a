#if canImport(Glibc)
    import Glibc
#endif

/// A file written piece by piece into a temporary beside its target and renamed over it only
/// when complete and flushed: a reader never sees half of it, and a failure leaves nothing behind.
/// For output too large to hold in memory (``FileBatch`` takes whole byte arrays).
final class StreamingFile {
    let path: String
    private let target: String, temporary: String
    private let descriptor: Int32
    private var finished = false
    /// Bytes appended so far.
    private(set) var size = 0

    /// Starts a temporary file for `path` (a symbolic link is followed, as ``FileWriter`` does).
    /// - Throws: ``FileError/unwritable(path:reason:)``.
    init(path: String) throws {
        self.path = path
        target = FileBatch.resolved(path)
        let folder = target.contains("/") ? String(target[..<target.lastIndex(of: "/")!]) : "."
        let name = target.split(separator: "/").last.map(String.init) ?? target
        var template = ((folder.isEmpty ? "/" : folder) + "/." + name + ".XXXXXX").utf8CString
        descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw FileBatch.failure(path, errno) }
        temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        fchmod(descriptor, 0o644)
    }

    deinit {
        close(descriptor)
        if !finished { unlink(temporary) }
    }

    /// Appends `count` bytes from `bytes`.
    func append(_ bytes: UnsafeRawPointer, count: Int) throws {
        try write(bytes, count: count, at: size)
        size += count
    }

    /// Writes `count` bytes at `offset` (within what was appended).
    func write(_ bytes: UnsafeRawPointer, count: Int, at offset: Int) throws {
        var done = 0
        while done < count {
            let written = pwrite(descriptor, bytes + done, count - done, off_t(offset + done))
            if written < 0 {
                if errno == EINTR { continue }
                throw FileBatch.failure(path, errno)
            }
            done += written
        }
    }

    /// Flushes the file and renames it over its target.
    func commit() throws {
        guard fsync(descriptor) == 0 else { throw FileBatch.failure(path, errno) }
        guard rename(temporary, target) == 0 else { throw FileBatch.failure(path, errno) }
        finished = true
    }
}
