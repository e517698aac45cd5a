/// A libsvm file cut into parts of whole lines, one a process (``DistributedSparseDataset``):
/// each reads only its own bytes, every line is read by exactly one, and the parts' rows in
/// order are the whole file's.
extension LIBSVMReader {
    /// The bytes of part `index` of `count`: the file cut at `size · k / count`, each cut moved
    /// forward to the start of a line (just after a newline), so that a part runs from the first
    /// line starting in its bytes to the end of the line its last byte is in. A part whose bytes
    /// lie inside one long line is empty.
    /// - Throws: what ``PositionalFile/read(into:at:expectedTotal:)`` throws.
    static func lines(ofPart index: Int, of count: Int, in file: PositionalFile) throws -> Range<Int> {
        precondition(count >= 1 && (0..<count).contains(index), "part \(index) of \(count)")
        let start = try lineStart(atOrAfter: cut(index, of: count, size: file.size), in: file)
        let end = index == count - 1 ? file.size : try lineStart(atOrAfter: cut(index + 1, of: count, size: file.size), in: file)
        return start..<Swift.max(start, end)
    }

    /// ⌊size · k / count⌋, without forming the product.
    private static func cut(_ k: Int, of count: Int, size: Int) -> Int {
        size / count * k + size % count * k / count
    }

    /// The first position at or after `position` where a line starts (0, or just after a
    /// newline), or the file's end.
    private static func lineStart(atOrAfter position: Int, in file: PositionalFile) throws -> Int {
        guard position > 0 else { return 0 }
        // Line starts at `position` itself when the byte before it ends a line.
        var probe = position - 1
        while probe < file.size {
            let bytes = try file.bytes(at: probe, count: Swift.min(1 << 16, file.size - probe), expectedTotal: file.size)
            if let newline = bytes.firstIndex(of: 0x0A) { return probe + newline + 1 }
            probe += bytes.count
        }
        return file.size
    }

    /// `error` with its line number moved on by `lines`, the lines before the part it was met in.
    static func renumbered(_ error: any Error, after lines: Int) -> any Error {
        switch error {
        case let FileError.badLIBSVMEntry(path, line, entry, text, problem):
            return FileError.badLIBSVMEntry(path: path, line: line + lines, entry: entry, text: text, problem: problem)
        case let FileError.lineTooLong(path, line, limit):
            return FileError.lineTooLong(path: path, line: line + lines, limitBytes: limit)
        default:
            return error
        }
    }
}
