extension Communicator {
    /// `Communicator.gatherToRankZero(bytes:)` over ``Communicator/gather(_:into:)``: every
    /// rank's bytes reach every rank (6 bytes to a Double); the other ranks drop them.
    public func gatherToRankZero(bytes: [UInt8]) -> [[UInt8]]? {
        let all = gather(bytes: bytes)
        return rank == 0 ? all : nil
    }

    /// `Communicator.broadcastFromRankZero(bytes:)` over ``Communicator/sum(_:)``: the count,
    /// then rank 0's bytes 6 to a Double, summed with the other ranks' zeros, which adding leaves
    /// the same bits.
    public func broadcastFromRankZero(bytes: [UInt8]) -> [UInt8] {
        let count = Int(sum(rank == 0 ? Double(bytes.count) : 0))
        let words = (count + Self.bytesPerWord - 1) / Self.bytesPerWord
        let shared = sum(rank == 0 ? Self.packed(bytes, words: words) : [Double](repeating: 0, count: words))
        return Self.unpacked(shared, count: count)
    }

    /// Every rank's `bytes` (any count on each), one array per rank in rank order, on every rank:
    /// the counts first, then the bytes 6 to a Double (a 48-bit integer, which a Double holds
    /// exactly).
    func gather(bytes: [UInt8]) -> [[UInt8]] {
        let counts = gather(words: [UInt64(bytes.count)]).map { Int($0[0]) }
        let words = ((counts.max() ?? 0) + Self.bytesPerWord - 1) / Self.bytesPerWord
        let all = gather(Self.packed(bytes, words: words))
        return zip(all, counts).map { Self.unpacked($0, count: $1) }
    }

    /// Bytes a Double carries exactly as an integer: 6 (48 bits, below its 53-bit significand).
    private static var bytesPerWord: Int { 6 }

    /// `bytes` as `words` Doubles of ``bytesPerWord`` bytes each, little-endian, padded with zeros.
    private static func packed(_ bytes: [UInt8], words: Int) -> [Double] {
        var packed = [Double](repeating: 0, count: words)
        bytes.withUnsafeBufferPointer { bytes in
            // Words past this rank's bytes (another rank's count set `words`) stay zero.
            for word in 0..<Swift.min(words, (bytes.count + bytesPerWord - 1) / bytesPerWord) {
                var value: UInt64 = 0
                let start = word * bytesPerWord
                for i in start..<Swift.min(start + bytesPerWord, bytes.count) { value |= UInt64(bytes[i]) << (8 * UInt64(i - start)) }
                packed[word] = Double(value)
            }
        }
        return packed
    }

    /// The first `count` bytes of `words` as ``packed(_:words:)`` made them.
    private static func unpacked(_ words: [Double], count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
            for i in 0..<count {
                let word = UInt64(words[i / bytesPerWord])
                output[i] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(i % bytesPerWord)))
            }
            initialized = count
        }
    }
}
