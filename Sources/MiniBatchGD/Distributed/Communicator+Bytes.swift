extension Communicator {
    /// Every rank's `bytes` (any count on each), one array per rank in rank order, on every rank:
    /// the counts first, then the bytes as 32-bit words, which a Double holds exactly.
    func gather(bytes: [UInt8]) -> [[UInt8]] {
        let counts = gather(words: [UInt64(bytes.count)]).map { Int($0[0]) }
        let words = ((counts.max() ?? 0) + 3) / 4
        let all = gather(Self.packed(bytes, words: words))
        return zip(all, counts).map { Self.unpacked($0, count: $1) }
    }

    /// Rank 0's `bytes` on every rank (the others' are not read): the count, then the bytes as
    /// 32-bit words summed with the other ranks' zeros, which adding leaves the same bits.
    func broadcastFromRankZero(bytes: [UInt8]) -> [UInt8] {
        let count = Int(sum(rank == 0 ? Double(bytes.count) : 0))
        let words = (count + 3) / 4
        let shared = sum(rank == 0 ? Self.packed(bytes, words: words) : [Double](repeating: 0, count: words))
        return Self.unpacked(shared, count: count)
    }

    /// `bytes` as `words` Doubles of 4 bytes each, little-endian, padded with zeros.
    private static func packed(_ bytes: [UInt8], words: Int) -> [Double] {
        var packed = [Double](repeating: 0, count: words)
        for (i, byte) in bytes.enumerated() { packed[i / 4] += Double(UInt32(byte) << (8 * UInt32(i % 4))) }
        return packed
    }

    /// The first `count` bytes of `words` as ``packed(_:words:)`` made them.
    private static func unpacked(_ words: [Double], count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: UInt32(words[$0 / 4]) >> (8 * UInt32($0 % 4))) }
    }
}
