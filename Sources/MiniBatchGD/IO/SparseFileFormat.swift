import Foundation

/// The file formats that hold sparse rows, told apart from dense ones (``DataFileFormat``) by
/// name and, for a name that says nothing, by content.
public enum SparseFileFormat: String, Sendable, CaseIterable {
    /// libsvm/svmlight text: `target index:value …` (``SparseDataset/load(libsvm:zeroBased:featureCount:)``).
    case libsvm
    /// scipy's sparse `.npz` (``SparseDataset/load(npz:targets:featureCount:)``).
    case npz

    /// The extensions read as libsvm text.
    public static let libsvmExtensions: Set<String> = ["svm", "libsvm", "svmlight"]

    /// The sparse format of `path`, or nil for a dense file (CSV or `.npy`).
    ///
    /// ```swift
    /// SparseFileFormat.of(path: "text.svm")    // .libsvm, by name
    /// SparseFileFormat.of(path: "rows.txt")    // .libsvm when its first data line is "1.5 3:0.25 7:1"
    /// SparseFileFormat.of(path: "houses.csv")  // nil
    /// ```
    ///
    /// `.svm`, `.libsvm` and `.svmlight` are libsvm and `.npz` is an `.npz`; `.csv` and `.npy`
    /// are dense. Any other regular file is read from its start: a zip archive (`PK\u{3}\u{4}`) is
    /// an `.npz`, and a first line that is neither blank nor a `#` comment, holds no comma, and
    /// reads as a number followed by nothing or by `index:value` or `qid:` entries is libsvm.
    /// Pipes and devices are not read (that would take their first bytes): nil, unless named.
    public static func of(path: String) -> SparseFileFormat? {
        let suffix = URL(fileURLWithPath: path).pathExtension.lowercased()
        if libsvmExtensions.contains(suffix) { return .libsvm }
        if suffix == "npz" { return .npz }
        if suffix == "csv" || suffix == "npy" { return nil }
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG,
            let descriptor = try? openForReading(path)
        else { return nil }
        defer { close(descriptor) }
        var head = [UInt8](repeating: 0, count: 1 << 16)
        let count = head.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
        guard count > 0 else { return nil }
        head.removeSubrange(count...)
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .npz }
        return looksLikeLibSVM(head) ? .libsvm : nil
    }

    /// Whether the first data line of `head` reads as libsvm. A head cut inside a line (a first
    /// line longer than was read) is judged without its last, perhaps cut, field.
    static func looksLikeLibSVM(_ head: [UInt8]) -> Bool {
        var head = head[...]
        if head.last != 0x0A, let cut = head.lastIndex(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A }) { head = head[..<cut] }
        for rawLine in head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            guard let line = String(bytes: rawLine, encoding: .utf8) else { return false }
            let text = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let first = fields.first else { continue }
            guard !line.contains(","), Double(first) != nil else { return false }
            return fields.dropFirst().allSatisfy { field in
                let parts = field.split(separator: ":", maxSplits: 1)
                return parts.count == 2 && (parts[0] == "qid" || Int(parts[0]) != nil) && Double(parts[1]) != nil
            }
        }
        return false
    }
}
