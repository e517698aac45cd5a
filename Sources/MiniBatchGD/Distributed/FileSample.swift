import Foundation

/// What each rank knows of a file it is about to read whole (a libsvm text, a `.npz`, a targets'
/// `.npy`), compared over the ranks before any reads its share: its size and a hash of 16 blocks
/// of 4 KiB sampled at fixed places (the first, the last, the others evenly between), as
/// ``DataFingerprint`` samples a mapped `.npy`. A copy of another size is always seen; one that
/// differs only between the samples is not.
enum FileSample {
    /// The file's size and the hash of its sampled blocks; (0, 0) when it cannot be read (the
    /// load that follows says why, on the rank that cannot).
    static func words(of path: String) -> [UInt64] {
        guard let file = FileHandle(forReadingAtPath: path) else { return [0, 0] }
        defer { try? file.close() }
        guard let end = try? file.seekToEnd() else { return [0, 0] }
        let size = Int(end), block = DataFingerprint.blockBytes, blocks = DataFingerprint.blocks
        var hash = FNV1a()
        let starts = size <= blocks * block ? [0] : (0..<blocks).map { (size - block) * $0 / (blocks - 1) }
        for start in starts {
            guard (try? file.seek(toOffset: UInt64(start))) != nil,
                let bytes = try? file.read(upToCount: size <= blocks * block ? size : block)
            else { return [UInt64(size), 0] }
            bytes.withUnsafeBytes { hash.add($0) }
        }
        return [UInt64(size), hash.value]
    }

    /// Throws on every rank alike when any rank's copy of `path` differs from rank 0's (one
    /// exchange). A rank that cannot read its copy is left to the load that follows, which
    /// names it.
    /// - Throws: ``DistributedError/differentData(path:differences:)``.
    static func checkSame(_ path: String, over communicator: any Communicator) throws {
        let all = communicator.gather(words: words(of: path))
        let differences = all.indices.dropFirst().compactMap { rank -> (rank: Int, details: [String])? in
            let (size, hash) = (all[rank][0], all[rank][1]), (size0, hash0) = (all[0][0], all[0][1])
            // An unreadable copy (size 0 and hash 0) is the load's to report.
            guard size != 0 || hash != 0, size0 != 0 || hash0 != 0 else { return nil }
            if size != size0 { return (rank, ["size \(size) bytes against \(size0)"]) }
            if hash != hash0 {
                return (rank, ["different bytes in \(DataFingerprint.blocks) sampled blocks of \(DataFingerprint.blockBytes / 1024) KiB"])
            }
            return nil
        }
        if !differences.isEmpty { throw DistributedError.differentData(path: path, differences: differences) }
    }
}
