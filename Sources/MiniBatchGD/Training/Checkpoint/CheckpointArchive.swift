import CZlib

/// The bytes of a checkpoint: named arrays of Doubles, of integers, and strings, behind a
/// magic number and a format version, closed by a CRC-32 of everything before it.
///
/// Layout (little-endian): `MBGDCKPT`, the version (UInt32), the entry count (UInt32); per entry
/// the name's length (UInt16) and UTF-8 bytes, the kind (UInt8: 0 Doubles, 1 Int64s, 2 a
/// string), the element count (UInt64) and the elements; then the CRC-32 (UInt32). Doubles are
/// stored as their bits, so a value read back is the value written.
struct CheckpointArchive {
    static let magic = Array("MBGDCKPT".utf8)
    static let version: UInt32 = 1

    private(set) var doubles: [String: [Double]] = [:]
    private(set) var integers: [String: [Int64]] = [:]
    private(set) var strings: [String: String] = [:]
    /// Where the archive was read from, for errors.
    let path: String

    init(path: String) { self.path = path }

    mutating func set(_ key: String, _ values: [Double]) { doubles[key] = values }
    mutating func set(_ key: String, _ value: Double) { doubles[key] = [value] }
    mutating func set(_ key: String, _ values: UnsafePointer<Double>, count: Int) {
        doubles[key] = Array(UnsafeBufferPointer(start: values, count: count))
    }
    mutating func set(_ key: String, integers values: [Int]) { integers[key] = values.map(Int64.init) }
    mutating func set(_ key: String, _ value: Int) { integers[key] = [Int64(value)] }
    mutating func set(_ key: String, _ value: Bool) { integers[key] = [value ? 1 : 0] }
    mutating func set(_ key: String, _ value: String) { strings[key] = value }

    /// Adds every entry of `other`, each name after `prefix` (a rank's section of a job's archive).
    mutating func add(_ other: CheckpointArchive, prefix: String) {
        for (key, values) in other.doubles { doubles[prefix + key] = values }
        for (key, values) in other.integers { integers[prefix + key] = values }
        for (key, value) in other.strings { strings[prefix + key] = value }
    }

    /// The entries named after `prefix`, the prefix taken off: what ``add(_:prefix:)`` added.
    func section(_ prefix: String) -> CheckpointArchive {
        func strip<Value>(_ entries: [String: Value]) -> [String: Value] {
            Dictionary(
                uniqueKeysWithValues: entries.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) }
            )
        }
        var section = CheckpointArchive(path: path)
        (section.doubles, section.integers, section.strings) = (strip(doubles), strip(integers), strip(strings))
        return section
    }

    func doubles(_ key: String, count: Int? = nil) throws -> [Double] {
        guard let values = doubles[key] else { throw missing(key) }
        if let count, values.count != count { throw wrongCount(key, values.count, count) }
        return values
    }
    func double(_ key: String) throws -> Double { try doubles(key, count: 1)[0] }
    /// Copies `key`'s `count` Doubles into `target`.
    func read(_ key: String, into target: UnsafeMutablePointer<Double>, count: Int) throws {
        let values = try doubles(key, count: count)
        values.withUnsafeBufferPointer { target.update(from: $0.baseAddress!, count: count) }
    }
    func integers(_ key: String, count: Int? = nil) throws -> [Int] {
        guard let values = integers[key] else { throw missing(key) }
        if let count, values.count != count { throw wrongCount(key, values.count, count) }
        return values.map { Int($0) }
    }
    func integer(_ key: String) throws -> Int { try integers(key, count: 1)[0] }
    func bool(_ key: String) throws -> Bool { try integer(key) != 0 }
    func string(_ key: String) throws -> String {
        guard let value = strings[key] else { throw missing(key) }
        return value
    }

    private func missing(_ key: String) -> CheckpointError {
        .damaged(path: path, reason: "it lacks \(key): written by another version of mbgd")
    }
    private func wrongCount(_ key: String, _ count: Int, _ expected: Int) -> CheckpointError {
        .damaged(path: path, reason: "\(key) holds \(count) values where this fit has \(expected)")
    }

    // MARK: Bytes

    /// The archive's bytes, entries in name order (so equal archives are equal bytes).
    func encoded() -> [UInt8] {
        var bytes = Self.magic
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        append(Self.version)
        append(UInt32(doubles.count + integers.count + strings.count))
        func header(_ name: String, kind: UInt8, count: Int) {
            let utf8 = Array(name.utf8)
            append(UInt16(utf8.count))
            bytes.append(contentsOf: utf8)
            bytes.append(kind)
            append(UInt64(count))
        }
        for (name, values) in doubles.sorted(by: { $0.key < $1.key }) {
            header(name, kind: 0, count: values.count)
            bytes.reserveCapacity(bytes.count + 8 * values.count)
            for value in values { append(value.bitPattern) }
        }
        for (name, values) in integers.sorted(by: { $0.key < $1.key }) {
            header(name, kind: 1, count: values.count)
            for value in values { append(value) }
        }
        for (name, value) in strings.sorted(by: { $0.key < $1.key }) {
            let utf8 = Array(value.utf8)
            header(name, kind: 2, count: utf8.count)
            bytes.append(contentsOf: utf8)
        }
        append(Self.checksum(bytes[...]))
        return bytes
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            // zlib takes at most 4 GiB a call.
            var crc = crc32(0, nil, 0), offset = 0
            while offset < buffer.count {
                let take = Swift.min(buffer.count - offset, 1 << 30)
                crc = crc32(crc, buffer.baseAddress! + offset, uInt(take))
                offset += take
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }

    /// Reads `bytes` (the file at `path`), checking every length against what remains before
    /// using it.
    init(decoding bytes: [UInt8], path: String) throws {
        self.path = path
        func damaged(_ reason: String) -> CheckpointError { .damaged(path: path, reason: reason) }
        guard bytes.count >= Self.magic.count + 12, Array(bytes[0..<Self.magic.count]) == Self.magic else {
            throw damaged("it does not start as an mbgd checkpoint does")
        }
        let stored = bytes[(bytes.count - 4)...].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard stored == Self.checksum(bytes[..<(bytes.count - 4)]) else {
            throw damaged("its checksum does not match its contents: the file was cut short or altered")
        }
        var position = Self.magic.count
        let end = bytes.count - 4
        func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
            let size = MemoryLayout<T>.size
            guard end - position >= size else { throw damaged("it ends inside an entry") }
            var value: T = 0
            for i in 0..<size { value |= T(bytes[position + i]) << (8 * i) }
            position += size
            return value
        }
        let version = try read(UInt32.self)
        guard version == Self.version else {
            throw damaged("it is of format version \(version); this mbgd reads version \(Self.version)")
        }
        let entries = try read(UInt32.self)
        for _ in 0..<entries {
            let nameLength = Int(try read(UInt16.self))
            guard end - position >= nameLength else { throw damaged("it ends inside an entry's name") }
            let name = String(decoding: bytes[position..<(position + nameLength)], as: UTF8.self)
            position += nameLength
            let kind = try read(UInt8.self)
            let count = try read(UInt64.self)
            let width: UInt64 = kind == 2 ? 1 : 8
            guard kind <= 2, count <= UInt64(end - position) / width else {
                throw damaged("entry \(name) claims more bytes than the file holds")
            }
            let n = Int(count)
            switch kind {
            case 0: doubles[name] = (0..<n).map { _ in Double(bitPattern: (try? read(UInt64.self)) ?? 0) }
            case 1: integers[name] = (0..<n).map { _ in (try? read(Int64.self)) ?? 0 }
            default:
                strings[name] = String(decoding: bytes[position..<(position + n)], as: UTF8.self)
                position += n
            }
        }
        guard position == end else { throw damaged("it holds bytes after its last entry") }
    }
}
