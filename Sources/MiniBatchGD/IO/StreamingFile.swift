#if canImport(Glibc)
    import Glibc
#endif

/// A file written piece by piece into a temporary beside its target and renamed over it only
/// when complete and flushed: a reader never sees half of it, and a failure leaves nothing behind.
/// For output too large to hold in memory (``FileBatch`` takes whole byte arrays).
///
/// A device or FIFO at the path (`/dev/null`, a pipe) is written in place, as ``FileWriter``
/// writes it: the bytes gather in a temporary file that is unlinked as soon as it is made (so
/// nothing is left behind whatever ends the process) and are copied into the target at commit.
final class StreamingFile {
    let path: String
    private let target: String
    /// The temporary's path beside the target, or nil for a device or FIFO (the temporary is unlinked).
    private let temporary: String?
    private let descriptor: Int32
    private var finished = false
    /// Bytes appended so far.
    private(set) var size = 0

    /// Whether the target is a device or FIFO, written in place at commit.
    var writesInPlace: Bool { temporary == nil }

    /// Starts a temporary file for `path` (a symbolic link is followed, as ``FileWriter`` does).
    /// - Throws: ``FileError/unwritable(path:reason:)``: for a folder, or a temporary that
    ///   cannot be made.
    init(path: String) throws {
        self.path = path
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            guard status.st_mode & S_IFMT != S_IFDIR else { throw FileBatch.failure(path, EISDIR) }
            target = path
            let folder = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            var template = (folder + "/.mbgd-stream.XXXXXX").utf8CString
            descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard descriptor >= 0 else { throw FileBatch.failure(path, errno) }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            temporary = nil
            return
        }
        target = FileBatch.resolved(path)
        var template = FileBatch.temporaryTemplate(beside: target).utf8CString
        descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw FileBatch.failure(path, errno) }
        temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        fchmod(descriptor, 0o644)
    }

    deinit {
        close(descriptor)
        if !finished, let temporary { unlink(temporary) }
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

    /// Flushes the file and renames it over its target, with `companions` (small files that
    /// belong to it, such as a names sidecar) as one unit: they are written to temporaries
    /// first and renamed only after the file itself, so a failure leaves neither. A device or
    /// FIFO target is written in place instead (its companions are the caller's to skip).
    func commit(companions: [(bytes: [UInt8], path: String)] = []) throws {
        guard temporary != nil else { return try copyInPlace() }
        guard fsync(descriptor) == 0 else { throw FileBatch.failure(path, errno) }
        var staged: [(temporary: String, target: String, path: String)] = []
        var renamed = 0
        defer { for file in staged.dropFirst(renamed) { unlink(file.temporary) } }
        for companion in companions { staged.append(try FileBatch.stage(companion.bytes, to: companion.path)) }
        guard rename(temporary!, target) == 0 else { throw FileBatch.failure(path, errno) }
        finished = true
        for file in staged {
            guard rename(file.temporary, file.target) == 0 else { throw FileBatch.failure(file.path, errno) }
            renamed += 1
        }
    }

    /// Copies the temporary into the device or FIFO, in blocks of 1 MiB.
    private func copyInPlace() throws {
        let output = open(target, O_WRONLY)
        guard output >= 0 else { throw FileBatch.failure(path, errno) }
        defer { close(output) }
        let block = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { block.deallocate() }
        var offset = 0
        while offset < size {
            let count = pread(descriptor, block, Swift.min(1 << 20, size - offset), off_t(offset))
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw FileError.unreadable(path: path, reason: String(cString: strerror(errno))) }
            try FileBatch.writeAll(block, count: count, to: output, path: path)
            offset += count
        }
        finished = true
    }
}
