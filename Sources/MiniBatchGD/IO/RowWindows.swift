#if canImport(Glibc)
    import Glibc
#endif

/// Rows read once from a stream, handed over a window at a time in buffers allocated once: a
/// CSV stream (``CSVWindowReader``) or a `.npy` written to a pipe (``NPYWindowReader``).
package protocol RowWindows {
    var featureNames: [String] { get }
    var targetNames: [String] { get }
    /// Rows per window.
    var windowRows: Int { get }
    /// Hands every window to `body` (row-major features and targets, and the weights when a
    /// column was named), in stream order; returns the rows read.
    mutating func forEachWindow(
        _ body: (_ rows: Int, _ features: UnsafePointer<Double>, _ targets: UnsafePointer<Double>, _ weights: UnsafePointer<Double>?)
            throws -> Void
    ) throws -> Int
    /// Whether the stream's last line ended without a newline, as a text stream cut short ends
    /// (read as it stands, as a file's last line is); false for a `.npy`, whose header counts its rows.
    var lastLineUnended: Bool { get }
    /// The number of the last line read (blank and comment lines included; 0 for a `.npy`).
    var linesRead: Int { get }
}

extension RowWindows {
    /// False: a `.npy` stream cut short is told by its header's row count.
    package var lastLineUnended: Bool { false }
    /// 0: a `.npy` stream has no lines.
    package var linesRead: Int { 0 }
}

/// What a stream holds, told by its first bytes.
package enum StreamFormat: Sendable {
    /// CSV text with a header line.
    case csv
    /// A `.npy` array (numpy's magic string first).
    case npy
    /// libsvm/svmlight text: its first data line a number then `index:value` entries.
    case libsvm
}

/// A stream's first bytes, read to tell its format (``StreamFormat``), and that format; the
/// bytes go to the format's reader.
package struct StreamHead: Sendable {
    package let format: StreamFormat
    /// The bytes read (none for a `.npy`: its reader reads on after the magic string).
    package let prefix: [UInt8]

    /// Bytes read at most to find the first data line.
    static let sniffLimit = 1 << 16

    /// Reads the first bytes of `descriptor`: `.npy` after numpy's magic string; libsvm when
    /// the first line that is neither blank nor a `#` comment reads as libsvm (as a file of no
    /// telling name is sniffed, ``SparseFileFormat/of(path:)``: a number, then nothing or
    /// `index:value` and `qid:` entries, no comma); CSV otherwise. Reads until that line ends
    /// (or ``sniffLimit`` bytes, or the stream's end), never further than the reader would.
    package init(descriptor: Int32, name: String) throws {
        var bytes = try StreamBytes.read(descriptor, count: NPYWindowReader.magic.count, path: name)
        if bytes == NPYWindowReader.magic {
            (format, prefix) = (.npy, [])
            return
        }
        while bytes.count < Self.sniffLimit, !Self.holdsDataLine(bytes) {
            let more = try StreamBytes.readSome(descriptor, count: Swift.min(4096, Self.sniffLimit - bytes.count), path: name)
            if more.isEmpty { break }
            bytes += more
        }
        format = SparseFileFormat.looksLikeLibSVM(bytes) ? .libsvm : .csv
        prefix = bytes
    }

    /// Whether the bytes read hold anything but blank and comment lines (a `.npy` always does).
    package var holdsData: Bool {
        format == .npy
            || prefix.split(separator: 0x0A).contains { line in
                line.prefix { $0 != 0x23 }.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D })
            }
    }

    /// Whether `bytes` hold a whole line that is neither blank nor only a comment.
    private static func holdsDataLine(_ bytes: [UInt8]) -> Bool {
        var start = 0
        while let newline = bytes[start...].firstIndex(of: 0x0A) {
            let line = bytes[start..<newline].prefix { $0 != 0x23 }
            if line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) { return true }
            start = newline + 1
        }
        return false
    }
}

/// The dense reader a stream's head calls for: ``NPYWindowReader`` or ``CSVWindowReader``.
/// - Throws: what the reader throws for a bad header.
package func rowWindows(_ head: StreamHead, descriptor: Int32, name: String, targets: [String], features: [String]?, weights: String?)
    throws -> any RowWindows
{
    if head.format == .npy {
        return try NPYWindowReader(descriptor: descriptor, name: name, targets: targets, features: features, weights: weights)
    }
    return try CSVWindowReader(
        descriptor: descriptor, name: name, prefix: head.prefix, targets: targets, features: features, weights: weights)
}

/// Exact reads from a descriptor that may return less than asked (a pipe).
enum StreamBytes {
    /// Up to `count` bytes: fewer only at the end of the stream.
    static func read(_ descriptor: Int32, count: Int, path: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count), filled = 0
        try read(descriptor, into: &bytes, count: count, filled: &filled, path: path)
        return Array(bytes[0..<filled])
    }

    /// At least one byte and up to `count` (what one read returns); none only at the end of the stream.
    static func readSome(_ descriptor: Int32, count: Int, path: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        while true {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            return Array(bytes[0..<got])
        }
    }

    /// Reads until `filled` reaches `count` or the stream ends.
    static func read(_ descriptor: Int32, into bytes: inout [UInt8], count: Int, filled: inout Int, path: String) throws {
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, count - filled) }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if got == 0 { return }
            filled += got
        }
    }
}
