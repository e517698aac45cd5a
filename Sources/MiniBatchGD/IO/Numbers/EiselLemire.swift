/// Decimal-to-binary conversion of `w × 10^q` (w < 2⁶⁴, at most 19 significant digits) by the
/// Eisel–Lemire algorithm: one or two 64×64→128-bit products with a truncated power of five,
/// correctly rounded (ties to even) for every such input, without a fallback
/// (Lemire, "Number Parsing at a Gigabyte per Second", 2021; Mushtak and Lemire, "Fast number
/// parsing without fallback", 2023).
enum EiselLemire {
    /// The double nearest to `w × 10^q`; 0 below the smallest subnormal, infinity above the
    /// largest finite double.
    @inline(__always)
    static func double(mantissa w: UInt64, exponent q: Int) -> Double {
        if w == 0 || q < PowersOfFive.smallestExponent { return 0 }
        if q > PowersOfFive.largestExponent { return .infinity }
        let leadingZeros = w.leadingZeroBitCount
        let normalized = w << UInt64(leadingZeros)
        let index = 2 * (q - PowersOfFive.smallestExponent)
        let (high, low) = PowersOfFive.table.withUnsafeBufferPointer { powers -> (UInt64, UInt64) in
            var product = normalized.multipliedFullWidth(by: powers[index])
            // 55 bits = 52 explicit mantissa bits + 3 for rounding; only when those low bits are all
            // ones can the truncated power's missing part carry into them.
            let precisionMask: UInt64 = .max >> 55
            if product.high & precisionMask == precisionMask {
                let second = normalized.multipliedFullWidth(by: powers[index + 1]).high
                let (sum, carry) = product.low.addingReportingOverflow(second)
                product.low = sum
                if carry { product.high &+= 1 }
            }
            return (product.high, product.low)
        }
        let upperBit = Int(high >> 63)
        let shift = upperBit + 64 - 52 - 3
        var mantissa = high >> UInt64(shift)
        // floor(q × log2(10)) + 63, exactly, for |q| ≤ 350; 1023 is the exponent bias.
        var power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upperBit - leadingZeros + 1023
        if power2 <= 0 {  // subnormal
            if -power2 + 1 >= 64 { return 0 }
            mantissa >>= UInt64(-power2 + 1)
            mantissa += mantissa & 1
            mantissa >>= 1
            power2 = mantissa < (1 << 52) ? 0 : 1
            return Double(bitPattern: UInt64(power2) << 52 | mantissa)
        }
        // Exactly halfway between two doubles is possible only for small |q|: round to even there.
        if low <= 1, q >= -4, q <= 23, mantissa & 3 == 1, mantissa << UInt64(shift) == high {
            mantissa &= ~1
        }
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= (2 << 52) {
            mantissa = 1 << 52
            power2 += 1
        }
        mantissa &= ~(1 << 52)
        if power2 >= 0x7FF { return .infinity }
        return Double(bitPattern: UInt64(power2) << 52 | mantissa)
    }
}
