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
}

/// The reader a stream's first bytes call for: `.npy` after numpy's magic string, CSV otherwise.
/// - Throws: what the reader throws for a bad header.
package func rowWindows(descriptor: Int32, name: String, targets: [String], features: [String]?, weights: String?) throws
    -> any RowWindows
{
    let prefix = try StreamBytes.read(descriptor, count: NPYWindowReader.magic.count, path: name)
    if prefix == NPYWindowReader.magic {
        return try NPYWindowReader(descriptor: descriptor, name: name, targets: targets, features: features, weights: weights)
    }
    return try CSVWindowReader(descriptor: descriptor, name: name, prefix: prefix, targets: targets, features: features, weights: weights)
}

/// Exact reads from a descriptor that may return less than asked (a pipe).
enum StreamBytes {
    /// Up to `count` bytes: fewer only at the end of the stream.
    static func read(_ descriptor: Int32, count: Int, path: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count), filled = 0
        try read(descriptor, into: &bytes, count: count, filled: &filled, path: path)
        return Array(bytes[0..<filled])
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
