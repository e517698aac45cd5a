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
package final class StreamingFile {
    let path: String
    /// Where the bytes go at commit: a file path (renamed over, or opened in place), or a
    /// descriptor already open (standard output).
    private let target: String
    private let targetDescriptor: Int32?
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
    package init(path: String) throws {
        self.path = path
        targetDescriptor = nil
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            guard status.st_mode & S_IFMT != S_IFDIR else { throw FileBatch.failure(path, EISDIR) }
            target = path
            descriptor = try Self.unlinkedTemporary(for: path)
            temporary = nil
            return
        }
        target = FileBatch.resolved(path)
        (descriptor, temporary) = try TemporaryFiles.make(template: FileBatch.temporaryTemplate(beside: target), for: path)
        fchmod(descriptor, 0o644)
    }

    /// Starts a temporary whose bytes go to the open descriptor `output` at commit, named `name`
    /// in errors: standard output (`STDOUT_FILENO`, "standard output"), whatever it is (a file
    /// the shell opened, appended to with `>>`, is written where the shell left it).
    package init(descriptor output: Int32, name: String) throws {
        path = name
        target = name
        targetDescriptor = output
        descriptor = try Self.unlinkedTemporary(for: name)
        temporary = nil
    }

    /// A temporary in `$TMPDIR` (or /tmp), unlinked as soon as it is made, so that nothing is
    /// left behind whatever ends the process.
    private static func unlinkedTemporary(for path: String) throws -> Int32 {
        let folder = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let made = try TemporaryFiles.make(template: folder + "/.mbgd-stream.XXXXXX", for: path)
        TemporaryFiles.remove(made.path)
        return made.descriptor
    }

    deinit {
        close(descriptor)
        if !finished, let temporary { TemporaryFiles.remove(temporary) }
    }

    /// Appends `count` bytes from `bytes`.
    package func append(_ bytes: UnsafeRawPointer, count: Int) throws {
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
    package func commit(companions: [(bytes: [UInt8], path: String)] = []) throws {
        guard temporary != nil else { return try copyInPlace() }
        guard fsync(descriptor) == 0 else { throw FileBatch.failure(path, errno) }
        var staged: [(temporary: String, target: String, path: String)] = []
        defer { for file in staged { TemporaryFiles.remove(file.temporary) } }
        for companion in companions { staged.append(try FileBatch.stage(companion.bytes, to: companion.path)) }
        // The data first: a failure after it leaves no names file beside other data.
        try TemporaryFiles.rename([(temporary!, target, path)] + staged)
        finished = true
    }

    /// Copies the temporary into the device or FIFO, in blocks of 1 MiB.
    private func copyInPlace() throws {
        let output = targetDescriptor ?? open(target, O_WRONLY)
        guard output >= 0 else { throw FileBatch.failure(path, errno) }
        defer { if targetDescriptor == nil { close(output) } }
        let block = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { block.deallocate() }
        try TemporaryFiles.writingInPlace(path)
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
