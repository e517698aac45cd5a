import CZlib

/// Writes a zip archive into a ``StreamingFile``, one member after another, each stored or
/// deflated as its bytes come (its size need not be known first): the local header is written
/// with room for zip64 sizes (as numpy's `savez` writes it) and completed when the member ends.
/// The headers are those numpy writes (through Python's `zipfile`), so that an `.npz` of the
/// same arrays is the same bytes as `scipy.sparse.save_npz`'s.
final class ZipWriter {
    private let file: StreamingFile
    private let compress: Bool
    private var entries: [(name: [UInt8], offset: Int, crc: UInt32, compressed: Int, size: Int)] = []
    /// The open member: its name, the offset of its local header, its CRC, sizes so far.
    private var current: (name: [UInt8], offset: Int, crc: UInt, size: Int)?
    private var stream = z_stream()
    private var deflating = false
    private let output = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 20)

    /// Members are deflated (zlib's default level, as `numpy.savez_compressed`) when `compress`, stored otherwise.
    init(_ file: StreamingFile, compress: Bool) {
        self.file = file
        self.compress = compress
    }

    deinit {
        if deflating { deflateEnd(&stream) }
        output.deallocate()
    }

    /// 1980-01-01 00:00, the earliest time a zip header holds: the archive is the same bytes for the same data.
    private static let date: UInt16 = 0x21

    /// Starts the member `name`.
    func begin(_ name: String) throws {
        let nameBytes = Array(name.utf8)
        var header = [UInt8]()
        header.reserveCapacity(30 + nameBytes.count + 20)
        Self.append32(0x0403_4B50, to: &header)
        Self.append16(45, to: &header)  // version 4.5: zip64
        Self.append16(0, to: &header)
        Self.append16(compress ? 8 : 0, to: &header)
        Self.append16(0, to: &header)
        Self.append16(Self.date, to: &header)
        Self.append32(0, to: &header)  // CRC, written at the end
        Self.append32(0xFFFF_FFFF, to: &header)  // sizes: in the zip64 field
        Self.append32(0xFFFF_FFFF, to: &header)
        Self.append16(UInt16(nameBytes.count), to: &header)
        Self.append16(20, to: &header)
        header += nameBytes
        Self.append16(1, to: &header)
        Self.append16(16, to: &header)
        header += [UInt8](repeating: 0, count: 16)
        current = (nameBytes, file.size, 0, 0)
        try file.append(&header, count: header.count)
        if compress {
            guard
                deflateInit2_(
                    &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                    Int32(MemoryLayout<z_stream>.size)) == Z_OK
            else { throw FileError.unwritable(path: file.path, reason: "zlib could not start compressing") }
            deflating = true
        }
    }

    /// Appends `count` bytes to the open member.
    func write(_ bytes: UnsafeRawPointer, count: Int) throws {
        guard count > 0 else { return }
        var offset = 0
        while offset < count {
            let take = Swift.min(1 << 30, count - offset)
            current!.crc = crc32(current!.crc, bytes.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(take))
            if compress {
                try deflate(bytes.advanced(by: offset), count: take, finish: false)
            } else {
                try file.append(bytes.advanced(by: offset), count: take)
            }
            offset += take
        }
        current!.size += count
    }

    private func deflate(_ bytes: UnsafeRawPointer?, count: Int, finish: Bool) throws {
        stream.next_in = UnsafeMutablePointer(mutating: bytes?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(count)
        while true {
            stream.next_out = output
            stream.avail_out = uInt(1 << 20)
            let status = CZlib.deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw FileError.unwritable(path: file.path, reason: "zlib failed to compress (error \(status))")
            }
            let produced = (1 << 20) - Int(stream.avail_out)
            if produced > 0 { try file.append(output, count: produced) }
            if finish ? status == Z_STREAM_END : (stream.avail_in == 0 && stream.avail_out > 0) { break }
        }
    }

    /// Ends the open member: its CRC and sizes written into its local header.
    func end() throws {
        guard let member = current else { return }
        if compress {
            try deflate(nil, count: 0, finish: true)
            deflateEnd(&stream)
            deflating = false
        }
        let dataStart = member.offset + 30 + member.name.count + 20
        let compressed = file.size - dataStart
        var crc = [UInt8](), sizes = [UInt8]()
        Self.append32(UInt32(truncatingIfNeeded: member.crc), to: &crc)
        Self.append64(member.size, to: &sizes)
        Self.append64(compressed, to: &sizes)
        try file.write(&crc, count: 4, at: member.offset + 14)
        try file.write(&sizes, count: 16, at: member.offset + 30 + member.name.count + 4)
        entries.append((member.name, member.offset, UInt32(truncatingIfNeeded: member.crc), compressed, member.size))
        current = nil
    }

    /// Writes the central directory and the end records (zip64 ones when an offset or size needs them).
    func finish() throws {
        var directory = [UInt8]()
        let limit = 0xFFFF_FFFF
        for entry in entries {
            var extra = [UInt8]()
            if entry.size >= limit { Self.append64(entry.size, to: &extra) }
            if entry.compressed >= limit { Self.append64(entry.compressed, to: &extra) }
            if entry.offset >= limit { Self.append64(entry.offset, to: &extra) }
            Self.append32(0x0201_4B50, to: &directory)
            Self.append16(3 << 8 | 45, to: &directory)  // made on Unix (as Python's zipfile), version 4.5
            Self.append16(45, to: &directory)
            Self.append16(0, to: &directory)
            Self.append16(compress ? 8 : 0, to: &directory)
            Self.append16(0, to: &directory)
            Self.append16(Self.date, to: &directory)
            Self.append32(entry.crc, to: &directory)
            Self.append32(UInt32(Swift.min(entry.compressed, limit)), to: &directory)
            Self.append32(UInt32(Swift.min(entry.size, limit)), to: &directory)
            Self.append16(UInt16(entry.name.count), to: &directory)
            Self.append16(UInt16(extra.isEmpty ? 0 : extra.count + 4), to: &directory)
            for _ in 0..<3 { Self.append16(0, to: &directory) }  // comment length, disk, internal attributes
            Self.append32(0o600 << 16, to: &directory)  // rw------- (as numpy's savez leaves it)
            Self.append32(UInt32(Swift.min(entry.offset, limit)), to: &directory)
            directory += entry.name
            if !extra.isEmpty {
                Self.append16(1, to: &directory)
                Self.append16(UInt16(extra.count), to: &directory)
                directory += extra
            }
        }
        let start = file.size
        var end = [UInt8]()
        if start >= limit || directory.count >= limit {
            let record = start + directory.count
            Self.append32(0x0606_4B50, to: &end)
            Self.append64(44, to: &end)
            Self.append16(45, to: &end)
            Self.append16(45, to: &end)
            Self.append32(0, to: &end)
            Self.append32(0, to: &end)
            Self.append64(entries.count, to: &end)
            Self.append64(entries.count, to: &end)
            Self.append64(directory.count, to: &end)
            Self.append64(start, to: &end)
            Self.append32(0x0706_4B50, to: &end)
            Self.append32(0, to: &end)
            Self.append64(record, to: &end)
            Self.append32(1, to: &end)
        }
        Self.append32(0x0605_4B50, to: &end)
        Self.append32(0, to: &end)
        Self.append16(UInt16(entries.count), to: &end)
        Self.append16(UInt16(entries.count), to: &end)
        Self.append32(UInt32(Swift.min(directory.count, limit)), to: &end)
        Self.append32(UInt32(Swift.min(start, limit)), to: &end)
        Self.append16(0, to: &end)
        directory += end
        try file.append(&directory, count: directory.count)
    }

    static func append16(_ value: UInt16, to bytes: inout [UInt8]) { bytes += [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func append32(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }
    static func append64(_ value: Int, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }
}

extension NPYWriter {
    /// A version 1.0 `.npy` header for an array of `descr` (`'<i4'`) and `shape`, padded (as numpy
    /// pads it) so that the data starts at a multiple of 64 bytes.
    static func header(descr: String, shape: [Int]) -> [UInt8] {
        let shapeText = "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
        var text = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        while (10 + text.count + 1) % 64 != 0 { text.append(0x20) }
        text.append(0x0A)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text
    }
}
