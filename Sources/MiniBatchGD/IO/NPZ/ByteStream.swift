import CZlib

/// Bytes read front to back: a `.npy` file, or one member of a zip archive (stored or deflated).
/// What the `.npy` arrays of an `.npz` and the targets' `.npy` beside it are read through.
protocol ByteStream: AnyObject {
    /// The name errors give: the file, or the archive and the member.
    var name: String { get }
    /// Bytes not read yet.
    var remaining: Int { get }
    /// The next `buffer.count` bytes (at most ``remaining``).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws
    /// Checks, once every byte was read, that they are the bytes written (a member's CRC-32).
    func finish() throws
}

extension ByteStream {
    /// The next `count` bytes as an array.
    func bytes(_ count: Int) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        try result.withUnsafeMutableBytes { try read(into: $0) }
        return result
    }
}

/// A whole regular file, read by position.
final class FileByteStream: ByteStream {
    private let file: PositionalFile
    private var position = 0
    var name: String { file.path }
    var remaining: Int { file.size - position }

    init(_ file: PositionalFile) { self.file = file }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws {
        guard buffer.count > 0 else { return }
        try file.read(into: buffer, at: position, expectedTotal: file.size)
        position += buffer.count
    }

    func finish() throws {}
}

/// One member of a zip archive: stored bytes read by position, or deflated ones inflated by zlib
/// through a window of 1 MiB of compressed input; its CRC-32 checked at the end.
final class ZipMemberStream: ByteStream {
    let name: String
    let file: PositionalFile
    private let member: ZipArchive.Member
    private let start: Int
    /// Inflated bytes handed out, and compressed bytes taken from the file.
    private var produced = 0, consumed = 0
    private var crc: UInt = 0
    private var stream = z_stream()
    private var window: UnsafeMutableRawBufferPointer?
    private var ended = false
    var remaining: Int { member.size - produced }

    /// - Throws: as ``ZipArchive/dataOffset(of:)``; ``FileError/malformed(path:reason:)`` when
    ///   zlib cannot start.
    init(_ archive: ZipArchive, _ member: ZipArchive.Member) throws {
        file = archive.file
        self.member = member
        name = "\(archive.file.path) (member \(member.name))"
        start = try archive.dataOffset(of: member)
        if member.method == 8 {
            // Raw deflate (no zlib header): windowBits −15.
            guard inflateInit2_(&stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw FileError.malformed(path: name, reason: "zlib could not start inflating")
            }
            window = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        } else if member.compressedSize != member.size {
            throw FileError.malformed(
                path: name, reason: "the member is stored, but its sizes differ (\(member.compressedSize) and \(member.size) bytes)")
        }
    }

    deinit {
        if let window {
            inflateEnd(&stream)
            window.deallocate()
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws {
        guard buffer.count > 0 else { return }
        guard buffer.count <= remaining else {
            throw FileError.malformed(path: name, reason: "the member ends at \(member.size) bytes, before the array it describes")
        }
        if member.method == 0 {
            try file.read(into: buffer, at: start + produced, expectedTotal: start + member.size)
        } else {
            try inflate(into: buffer)
        }
        checksum(UnsafeRawBufferPointer(buffer))
        produced += buffer.count
    }

    private func inflate(into buffer: UnsafeMutableRawBufferPointer) throws {
        var filled = 0
        while filled < buffer.count {
            if stream.avail_in == 0 {
                let take = Swift.min(window!.count, member.compressedSize - consumed)
                guard take > 0, !ended else {
                    throw FileError.malformed(
                        path: name,
                        reason: "the compressed bytes end before the \(member.size) bytes the archive promises: the file is damaged")
                }
                try file.read(
                    into: UnsafeMutableRawBufferPointer(rebasing: window![0..<take]), at: start + consumed,
                    expectedTotal: start + member.compressedSize)
                consumed += take
                stream.next_in = window!.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = uInt(take)
            }
            let want = Swift.min(1 << 30, buffer.count - filled)
            stream.next_out = buffer.baseAddress!.advanced(by: filled).assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(want)
            let status = CZlib.inflate(&stream, Z_NO_FLUSH)
            filled += want - Int(stream.avail_out)
            switch status {
            case Z_OK, Z_BUF_ERROR: continue
            case Z_STREAM_END:
                ended = true
                guard filled == buffer.count else {
                    throw FileError.malformed(
                        path: name,
                        reason: "the compressed bytes end before the \(member.size) bytes the archive promises: the file is damaged")
                }
            default:
                throw FileError.malformed(
                    path: name,
                    reason:
                        "the compressed bytes are damaged (zlib: \(stream.msg.map { String(cString: $0) } ?? "error \(status)")); save the matrix again"
                )
            }
        }
    }

    /// Whether the member is stored: its bytes lie in the file as they are, from ``filePosition``.
    var isStored: Bool { member.method == 0 }
    /// Where in the file the next byte of a stored member lies.
    var filePosition: Int { start + produced }

    /// Takes the member's next `bytes.count` bytes, read by the caller from a mapping of the
    /// file at ``filePosition``, into the checksum as ``read(into:)`` would have.
    func account(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count <= remaining else {
            throw FileError.malformed(path: name, reason: "the member ends at \(member.size) bytes, before the array it describes")
        }
        checksum(bytes)
        produced += bytes.count
    }

    /// `bytes` into the running CRC-32.
    private func checksum(_ bytes: UnsafeRawBufferPointer) {
        crc = Self.checksum(bytes, after: crc)
    }

    /// The CRC-32 of `bytes` continued from `crc`, 1 GiB at a time (zlib's counts are 32-bit).
    static func checksum(_ bytes: UnsafeRawBufferPointer, after crc: UInt = 0) -> UInt {
        var crc = crc, offset = 0
        while offset < bytes.count {
            let take = Swift.min(1 << 30, bytes.count - offset)
            crc = crc32(crc, bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(take))
            offset += take
        }
        return crc
    }

    /// Checks the CRC-32 of a member whose remaining bytes were checksummed elsewhere, in
    /// consecutive parts (one a process, each reading its own): `parts` in order, each its
    /// CRC-32 from 0 and its byte count, joined to the bytes taken here by zlib's `crc32_combine`.
    /// - Throws: as ``finish()``; ``FileError/malformed(path:reason:)`` when the parts are not
    ///   the member's remaining bytes.
    func finish(parts: [(crc: UInt, bytes: Int)]) throws {
        guard parts.reduce(0, { $0 + $1.bytes }) == remaining else {
            throw FileError.malformed(path: name, reason: "the parts read do not make up the member: the file changed while it was read")
        }
        for part in parts { crc = crc32_combine(crc, part.crc, .init(part.bytes)) }
        produced = member.size
        try finish()
    }

    func finish() throws {
        guard UInt32(truncatingIfNeeded: crc) == member.crc else {
            throw FileError.malformed(
                path: name, reason: "its bytes do not match the checksum the archive records (CRC-32): the file is damaged")
        }
    }
}
