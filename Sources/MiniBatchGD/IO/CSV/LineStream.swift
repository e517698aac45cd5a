#if canImport(Glibc)
    import Glibc
#endif

/// Lines read from a file descriptor that cannot be mapped (a pipe, a device), in 1 MiB reads.
struct LineStream {
    /// A line longer than this is refused: the input is not line-structured text (`/dev/zero`).
    static let maximumLineBytes = 256 << 20

    private let descriptor: Int32
    private let path: String
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var start = 0, filled = 0, endOfFile = false
    private var linesDelivered = 0
    /// Bytes read from the descriptor so far.
    private(set) var bytesRead = 0

    /// Lines of `descriptor`, after `prefix`: bytes already read from it (to tell its format).
    init(descriptor: Int32, path: String, prefix: [UInt8] = []) throws {
        self.descriptor = descriptor
        self.path = path
        if !prefix.isEmpty {
            buffer.replaceSubrange(0..<prefix.count, with: prefix)
            (filled, bytesRead) = (prefix.count, prefix.count)
        }
    }

    /// Reads more bytes after `filled`, moving the unread part to the front or growing the
    /// buffer when it is full.
    private mutating func readMore() throws {
        if start > 0 {
            let tail = filled - start
            buffer.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: $0.baseAddress! + start, count: tail) }
            filled = tail
            start = 0
        }
        if filled == buffer.count {
            guard buffer.count < Self.maximumLineBytes else {
                throw FileError.lineTooLong(path: path, line: linesDelivered + 1, limitBytes: Self.maximumLineBytes)
            }
            // Doubled by one copy of the bytes held (appending element by element is slow in
            // debug builds, where a 256 MiB line took a minute).
            let old = buffer
            buffer = [UInt8](unsafeUninitializedCapacity: 2 * old.count) { bytes, initialized in
                old.withUnsafeBytes { UnsafeMutableRawBufferPointer(bytes).copyMemory(from: $0) }
                initialized = 2 * old.count  // the second half is written by read() before it is used
            }
        }
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
        guard count >= 0 else {
            if errno == EINTR { return }
            throw FileError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        if count == 0 { endOfFile = true } else { (filled, bytesRead) = (filled + count, bytesRead + count) }
    }

    /// The offset just after the last newline in the unread bytes, if any.
    private func lastNewline() -> Int? {
        var last: Int?
        while let newline = firstNewline(from: last ?? start) { last = newline + 1 }
        return last
    }

    /// The offset of the first newline at or after `from` in the unread bytes, if any. memchr: a
    /// line of hundreds of megabytes (`/dev/zero`) is searched at memory speed, in debug builds too.
    private func firstNewline(from: Int) -> Int? {
        buffer.withUnsafeBytes { bytes in
            memchr(bytes.baseAddress! + from, 0x0A, filled - from).map { UnsafeRawPointer($0) - bytes.baseAddress! }
        }
    }

    /// The next line without its newline, or nil at the end of the stream.
    mutating func nextLine() throws -> [UInt8]? {
        // Bytes already searched are not searched again when more arrive (the search would be
        // quadratic in a long line).
        var searched = start
        while true {
            if let newline = firstNewline(from: searched) {
                defer {
                    start = newline + 1
                    linesDelivered += 1
                }
                return Array(buffer[start..<newline])
            }
            if endOfFile {
                guard filled > start else { return nil }
                defer {
                    start = filled
                    linesDelivered += 1
                }
                return Array(buffer[start..<filled])
            }
            let searchedBytes = filled - start
            try readMore()  // may move the unread bytes to the front
            searched = start + searchedBytes
        }
    }

    /// Hands `body` the next run of whole lines (the last may lack its newline at the end of the
    /// stream); false when nothing is left.
    mutating func nextLines(_ body: (UnsafePointer<UInt8>, Int) throws -> Void) throws -> Bool {
        while true {
            let end = endOfFile ? filled : lastNewline()
            if let end, end > start {
                try buffer.withUnsafeBufferPointer { try body($0.baseAddress! + start, end - start) }
                start = end
                return true
            }
            if endOfFile { return false }
            try readMore()
        }
    }
}
