/// The members of a zip archive (an `.npz` is one), read from its central directory: names,
/// methods, sizes, checksums and where each member's bytes start. Stored (method 0) and deflated
/// (method 8) members, zip64 sizes and offsets; no encryption, no archive split over disks.
///
/// Every size and offset is checked against the file before anything is allocated from it.
struct ZipArchive {
    /// One member, as the central directory describes it.
    struct Member {
        let name: String
        /// 0: stored; 8: deflated.
        let method: Int
        let crc: UInt32
        let compressedSize: Int
        /// Its bytes once inflated.
        let size: Int
        /// Where its local header starts.
        let headerOffset: Int
    }

    let file: PositionalFile
    let members: [Member]

    /// The most members read: an `.npz` of a sparse matrix has five or six.
    static let maximumMembers = 4096
    /// The longest central directory read.
    static let maximumDirectoryBytes = 16 << 20

    /// - Throws: ``FileError/malformed(path:reason:)`` for a file that is not a zip archive (or
    ///   is cut short: its end record is missing), an encrypted, split or damaged one;
    ///   ``FileError/empty(path:)``.
    init(_ file: PositionalFile) throws {
        self.file = file
        let path = file.path, size = file.size
        guard size > 0 else { throw FileError.empty(path: path) }
        func malformed(_ reason: String) -> FileError { .malformed(path: path, reason: reason) }
        // The end record is the last 22 bytes, before a comment of up to 65,535.
        let tailCount = Swift.min(size, 22 + 65_535)
        let tail = try file.bytes(at: size - tailCount, count: tailCount)
        var end: Int?
        var position = tailCount - 22
        while position >= 0 {
            if tail[position] == 0x50, tail[position + 1] == 0x4B, tail[position + 2] == 0x05, tail[position + 3] == 0x06,
                position + 22 + Int(Self.u16(tail, position + 20)) <= tailCount
            {
                end = position
                break
            }
            position -= 1
        }
        guard let end else {
            let head = try file.bytes(at: 0, count: Swift.min(size, 4))
            if head == [0x50, 0x4B, 0x03, 0x04] {
                throw malformed(
                    "the zip archive's end record is missing: the file was cut short (copy it again, or save it again with scipy.sparse.save_npz)"
                )
            }
            throw malformed("not an .npz file (it is no zip archive; scipy.sparse.save_npz writes one)")
        }
        var entries = Int(Self.u16(tail, end + 10))
        var directorySize = Int(Self.u32(tail, end + 12))
        var directoryOffset = Int(Self.u32(tail, end + 16))
        let disk = Int(Self.u16(tail, end + 4)), directoryDisk = Int(Self.u16(tail, end + 6))
        if entries == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // zip64: a locator just before the end record points at the zip64 end record.
            let locator = size - tailCount + end - 20
            guard locator >= 0 else { throw malformed("the zip64 end locator is missing") }
            let bytes = try file.bytes(at: locator, count: 20)
            guard Self.u32(bytes, 0) == 0x0706_4B50 else { throw malformed("the zip64 end locator is missing") }
            let recordOffset = Self.u64(bytes, 8)
            guard recordOffset >= 0, recordOffset <= locator - 56 else { throw malformed("the zip64 end record lies outside the file") }
            let record = try file.bytes(at: recordOffset, count: 56)
            guard Self.u32(record, 0) == 0x0606_4B50 else { throw malformed("the zip64 end record is missing") }
            entries = Self.u64(record, 32)
            directorySize = Self.u64(record, 40)
            directoryOffset = Self.u64(record, 48)
        } else if disk != 0 || directoryDisk != 0 {
            throw malformed("the zip archive is split over several disks; join it into one file")
        }
        guard entries >= 0, entries <= Self.maximumMembers else {
            throw malformed("the zip archive says it holds \(entries) members; an .npz holds a handful")
        }
        guard directorySize >= 0, directorySize <= Self.maximumDirectoryBytes, directoryOffset >= 0,
            directoryOffset <= size - directorySize
        else {
            throw malformed(
                "the zip archive's directory (\(directorySize) bytes at byte \(directoryOffset)) lies outside the file's \(size) bytes: the file is damaged or cut short"
            )
        }
        let directory = try file.bytes(at: directoryOffset, count: directorySize)
        var members: [Member] = []
        var at = 0
        for index in 0..<entries {
            guard at + 46 <= directory.count, Self.u32(directory, at) == 0x0201_4B50 else {
                throw malformed("the zip archive's directory entry \(index + 1) is damaged")
            }
            let flags = Self.u16(directory, at + 8), method = Int(Self.u16(directory, at + 10))
            let crc = Self.u32(directory, at + 16)
            var compressed = Int(Self.u32(directory, at + 20)), uncompressed = Int(Self.u32(directory, at + 24))
            let nameLength = Int(Self.u16(directory, at + 28)), extraLength = Int(Self.u16(directory, at + 30))
            let commentLength = Int(Self.u16(directory, at + 32))
            var offset = Int(Self.u32(directory, at + 42))
            let next = at + 46 + nameLength + extraLength + commentLength
            guard next <= directory.count else { throw malformed("the zip archive's directory entry \(index + 1) is damaged") }
            let name = String(decoding: directory[at + 46..<at + 46 + nameLength], as: UTF8.self)
            // zip64: the sizes and offset that do not fit 32 bits are in extra field 0x0001, in this order.
            var extra = at + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = Self.u16(directory, extra), length = Int(Self.u16(directory, extra + 2))
                guard extra + 4 + length <= extraEnd else { break }
                if id == 1 {
                    var field = extra + 4
                    func take() throws -> Int {
                        guard field + 8 <= extra + 4 + length else { throw malformed("the zip64 sizes of \(name) are damaged") }
                        defer { field += 8 }
                        return Self.u64(directory, field)
                    }
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try take() }
                    if compressed == 0xFFFF_FFFF { compressed = try take() }
                    if offset == 0xFFFF_FFFF { offset = try take() }
                }
                extra += 4 + length
            }
            guard flags & 1 == 0 else { throw malformed("the member \(name) is encrypted; save the matrix again without a password") }
            guard method == 0 || method == 8 else {
                throw malformed(
                    "the member \(name) is compressed by method \(method); only stored (0) and deflated (8) members are read, as numpy writes them"
                )
            }
            guard compressed >= 0, uncompressed >= 0, offset >= 0, offset < size, compressed <= size else {
                throw malformed("the member \(name)'s sizes or offset lie outside the file: the file is damaged or cut short")
            }
            if members.contains(where: { $0.name == name }) { throw malformed("the member \(name) appears twice") }
            members.append(
                Member(name: name, method: method, crc: crc, compressedSize: compressed, size: uncompressed, headerOffset: offset))
            at = next
        }
        self.members = members
    }

    /// Where `member`'s bytes start, after its local header; checked to lie, with its compressed
    /// bytes, inside the file.
    /// - Throws: ``FileError/malformed(path:reason:)``, ``FileError/truncated(path:expectedBytes:actualBytes:)``.
    func dataOffset(of member: Member) throws -> Int {
        let path = file.path
        guard member.headerOffset <= file.size - 30 else {
            throw FileError.truncated(path: path, expectedBytes: member.headerOffset + 30, actualBytes: file.size)
        }
        let header = try file.bytes(at: member.headerOffset, count: 30)
        guard Self.u32(header, 0) == 0x0403_4B50 else {
            throw FileError.malformed(path: path, reason: "the local header of \(member.name) is damaged")
        }
        let start = member.headerOffset + 30 + Int(Self.u16(header, 26)) + Int(Self.u16(header, 28))
        let (end, overflow) = start.addingReportingOverflow(member.compressedSize)
        guard !overflow, end <= file.size else {
            throw FileError.truncated(path: path, expectedBytes: overflow ? .max : end, actualBytes: file.size)
        }
        return start
    }

    /// The member named `name`, if any.
    func member(_ name: String) -> Member? { members.first { $0.name == name } }

    static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 { UInt32(u16(bytes, at)) | UInt32(u16(bytes, at + 2)) << 16 }
    /// A 64-bit little-endian field; one beyond `Int.max` is -1 (found out of range by the caller).
    static func u64(_ bytes: [UInt8], _ at: Int) -> Int {
        let value = UInt64(u32(bytes, at)) | UInt64(u32(bytes, at + 4)) << 32
        return value > UInt64(Int.max) ? -1 : Int(value)
    }
}
