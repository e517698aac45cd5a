#if canImport(Glibc)
    import Glibc
#endif

/// A regular file read by position (`pread`), closed when the value goes away. Unlike a memory
/// mapping, a file that shrinks while it is read gives an error, not SIGBUS.
final class PositionalFile {
    let path: String
    private let descriptor: Int32
    /// The size when the file was opened.
    let size: Int

    /// - Throws: ``FileError/notFound(path:)``, ``FileError/unreadable(path:reason:)`` (also for
    ///   a path that is not a regular file).
    init(path: String) throws {
        self.path = path
        // Non-blocking, so that a FIFO is refused below instead of waiting forever for a writer.
        descriptor = try openForReading(path, flags: O_NONBLOCK)
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw FileError.unreadable(path: path, reason: reason)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw FileError.unreadable(path: path, reason: "not a regular file")
        }
        size = Int(status.st_size)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    }

    /// A file already opened (and checked to be regular) by the caller, which hands over
    /// `descriptor`: it is closed with this value.
    init(adopting descriptor: Int32, path: String, size: Int) {
        self.path = path
        self.descriptor = descriptor
        self.size = size
    }

    deinit { close(descriptor) }

    /// The first `length` bytes mapped read-only and private.
    /// - Throws: ``FileError/unreadable(path:reason:)`` when the system refuses the mapping.
    func map(length: Int) throws -> FileMapping {
        try FileMapping(descriptor: descriptor, length: length, path: path)
    }

    /// `count` bytes from `offset`.
    /// - Throws: ``FileError/changedWhileRead(path:bytesWhenOpened:bytesRead:)`` when the file
    ///   ends before its size when opened (it shrank while being read);
    ///   ``FileError/truncated(path:expectedBytes:actualBytes:)`` when it ends where it did then,
    ///   short of the `expectedTotal` bytes expected in all.
    func bytes(at offset: Int, count: Int, expectedTotal: Int? = nil) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        try result.withUnsafeMutableBytes { try read(into: $0, at: offset, expectedTotal: expectedTotal) }
        return result
    }

    /// ``bytes(at:count:expectedTotal:)`` into `buffer` (`buffer.count` bytes): for readers that
    /// reuse one buffer, whose pages are not faulted in and zeroed again for every window.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, expectedTotal: Int? = nil) throws {
        let count = buffer.count
        var done = 0
        while done < count {
            let read = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
            if read < 0 {
                if errno == EINTR { continue }
                throw FileError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if read == 0 {
                // Short of its size when opened: it shrank (another program is writing it).
                if offset + done < size { throw FileError.changedWhileRead(path: path, bytesWhenOpened: size, bytesRead: offset + done) }
                throw FileError.truncated(path: path, expectedBytes: expectedTotal ?? offset + count, actualBytes: offset + done)
            }
            done += read
        }
    }
}

/// Opens `path` read-only, turning failure into ``FileError/notFound(path:)`` or
/// ``FileError/unreadable(path:reason:)``.
func openForReading(_ path: String, flags: Int32 = 0) throws -> Int32 {
    let descriptor = open(path, O_RDONLY | flags)
    guard descriptor >= 0 else {
        if errno == ENOENT { throw FileError.notFound(path: path) }
        throw FileError.unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    return descriptor
}

/// ``openForReading(_:flags:)`` and the opened file's status (closed again if that fails).
func openForReadingWithStatus(_ path: String) throws -> (descriptor: Int32, status: stat) {
    let descriptor = try openForReading(path)
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
        let reason = String(cString: strerror(errno))
        close(descriptor)
        throw FileError.unreadable(path: path, reason: reason)
    }
    return (descriptor, status)
}
