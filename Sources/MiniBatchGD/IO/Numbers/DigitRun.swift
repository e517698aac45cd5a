/// Up to eight decimal digits read at once, without a branch per digit (SWAR: the eight bytes
/// are tested and converted as one 64-bit word).
///
/// Numbers in text files have digit runs of varying length (indices of one to six digits,
/// fractions of sixteen or seventeen): a loop that stops at the first non-digit mispredicts
/// once a run. Here the run's length comes from the word's non-digit bytes and the digits are
/// shifted to the top of the word, the bytes shifted in standing for leading zeros, then
/// converted by Lemire's multiplications.
enum DigitRun {
    /// The digits at the start of `bytes[0 ..< 8]` (all eight bytes must be readable): their
    /// value and how many there are (0 to 8).
    @inline(__always)
    static func upToEight(_ bytes: UnsafePointer<UInt8>) -> (value: UInt64, count: Int) {
        let word = UInt64(littleEndian: UnsafeRawPointer(bytes).loadUnaligned(as: UInt64.self))
        // Byte by byte without carries between bytes: with the top bit cleared, adding 0x50 sets
        // it from '0' up and adding 0x46 from ':' up; a byte with its top bit set is no digit.
        let low = word & 0x7F7F_7F7F_7F7F_7F7F
        let digits = (low &+ 0x5050_5050_5050_5050) & ~(low &+ 0x4646_4646_4646_4646) & ~word & 0x8080_8080_8080_8080
        let count = (~digits & 0x8080_8080_8080_8080).trailingZeroBitCount >> 3
        // The first digit is the lowest byte: shifting left drops the bytes after the run and
        // brings in zero digits in front of it (a shift by 64, for no digit, gives 0).
        var value = (word &- 0x3030_3030_3030_3030) << UInt64(64 - 8 * count)
        value = (value &* 10) &+ (value >> 8)  // pairs of digits
        value =
            (((value & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064)
                &+ (((value >> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001)) >> 32
        return (value & 0xFFFF_FFFF, count)
    }

    /// 10⁰ … 10⁸.
    static let powersOfTen: [UInt64] = [1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000]
}
