import Foundation

/// Decimal text to `Double`, correctly rounded.
///
/// A value below 2⁵³ scaled by at most 10²² takes Clinger's fast path (one exact conversion and
/// one correctly rounded multiplication or division); any other number of at most 19
/// significant digits (17-digit output of `repr`, numpy and pandas among them) takes
/// ``EiselLemire``. Only longer mantissas fall back to `strtod`, which rounds correctly too.
/// Runs of eight digits are read eight at a time (Lemire's SWAR conversion).
@_spi(Testing) public enum NumberParser {
    /// What a cell holds.
    public enum Outcome {
        case value(Double)
        case notANumber
        case nonFinite
    }

    /// A plain number at the start of a cell: `[+-]digits[.digits][(e|E)[+-]digits]`, no blanks,
    /// no quotes, at most 19 significant digits. Returns the value and the position after it, or
    /// nil when the cell needs ``parse(_:)`` (blanks, quotes, long mantissas, non-numbers,
    /// non-finite values), which also gives the reason.
    @inline(__always)
    static func plainPrefix(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) -> (value: Double, next: Int)? {
        guard let scan = DecimalScan(bytes, from: start, to: end), scan.exact else { return nil }
        let value = scan.value
        return value.isFinite ? (value, scan.next) : nil
    }

    /// A short plain number at `bytes[start...]`: `[+-]digits[.digits]` with at most 19 digits
    /// in all (leading zeros included) and no exponent, read a run of up to eight digits at a
    /// time (``DigitRun``). Returns its value and the position after it, or nil for anything
    /// else (``plainPrefix(_:from:to:)`` then reads it), and whenever fewer than eight bytes
    /// past a run are readable.
    /// - Parameters:
    ///   - limit: the end of the readable memory: runs read whole words up to it, past the
    ///     field's end (the byte there, a blank, newline or `#`, ends the run).
    @inline(__always)
    static func shortPrefix(_ bytes: UnsafePointer<UInt8>, from start: Int, readable limit: Int) -> (value: Double, next: Int)? {
        // A field may start at the end of readable memory (a file ending in `3:`).
        guard start < limit else { return nil }
        var i = start, negative = false
        if bytes[i] == 0x2D || bytes[i] == 0x2B {
            negative = bytes[i] == 0x2D
            i += 1
        }
        var mantissa: UInt64 = 0, digits = 0, fractionDigits = 0
        // A run of eight is followed by another: at most three runs fit in 19 digits.
        while true {
            guard limit - i >= 8 else { return nil }
            let run = DigitRun.upToEight(bytes + i)
            mantissa = mantissa &* DigitRun.powersOfTen[run.count] &+ run.value
            digits &+= run.count
            i &+= run.count
            if run.count < 8 || digits > 19 { break }
        }
        if i < limit, bytes[i] == 0x2E {
            i &+= 1
            while true {
                guard limit - i >= 8 else { return nil }
                let run = DigitRun.upToEight(bytes + i)
                mantissa = mantissa &* DigitRun.powersOfTen[run.count] &+ run.value
                fractionDigits &+= run.count
                i &+= run.count
                if run.count < 8 || digits + fractionDigits > 19 { break }
            }
        }
        guard digits + fractionDigits > 0, digits + fractionDigits <= 19 else { return nil }
        if i < limit, bytes[i] | 0x20 == 0x65 { return nil }  // an exponent: plainPrefix reads it
        let value = DecimalScan(negative: negative, mantissa: mantissa, exponent: -fractionDigits, next: i).value
        return (value, i)
    }

    /// The number a whole cell holds (blanks around it and double quotes allowed).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        guard let base = bytes.baseAddress else { return .notANumber }
        var i = 0, end = bytes.count
        while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }  // leading blanks
        while end > i, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }  // trailing blanks
        guard i < end else { return .notANumber }
        // A quoted cell ("1.5", as spreadsheets export it) is read as its contents.
        if end - i >= 2, bytes[i] == 0x22, bytes[end - 1] == 0x22 {
            i += 1
            end -= 1
            while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
            while end > i, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            guard i < end else { return .notANumber }
        }
        guard let scan = DecimalScan(base, from: i, to: end) else { return special(bytes, i, end) }
        guard scan.next == end else { return .notANumber }
        guard scan.exact else { return fallback(bytes, i, end) }
        let value = scan.value
        return value.isFinite ? .value(value) : .nonFinite
    }

    /// "nan", "inf", "infinity" in any case and sign are recognized, to be refused as non-finite.
    private static func special(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Outcome {
        var text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self).lowercased()
        if text.hasPrefix("+") || text.hasPrefix("-") { text.removeFirst() }
        return ["nan", "inf", "infinity"].contains(text) ? .nonFinite : .notANumber
    }

    private static func fallback(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Outcome {
        var text = [CChar](repeating: 0, count: end - start + 1)
        for k in start..<end { text[k - start] = CChar(bitPattern: bytes[k]) }
        let value = text.withUnsafeBufferPointer { strtod($0.baseAddress!, nil) }
        return value.isFinite ? .value(value) : .nonFinite
    }
}

/// The parts of a decimal number: sign, up to 19 significant digits, a power of ten.
struct DecimalScan {
    var negative = false
    var mantissa: UInt64 = 0
    var exponent = 0
    /// False when digits beyond the 19th were dropped (the value needs `strtod`).
    var exact = true
    /// The position after the number.
    var next: Int

    /// The number `±mantissa × 10^exponent` (at most 19 digits), ending at `next`.
    @inline(__always)
    init(negative: Bool, mantissa: UInt64, exponent: Int, next: Int) {
        self.negative = negative
        self.mantissa = mantissa
        self.exponent = exponent
        self.next = next
    }

    /// Scans `[+-]digits[.digits][(e|E)[+-]digits]` from `start`; nil when no digit is found or
    /// an exponent marker has no digits.
    @inline(__always)
    init?(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) {
        var i = start
        if i < end, bytes[i] == 0x2B || bytes[i] == 0x2D {
            negative = bytes[i] == 0x2D
            i += 1
        }
        var digits = 0, sawDigit = false
        while i < end, bytes[i] == 0x30 {
            i += 1
            sawDigit = true
        }  // leading zeros
        Self.eightDigitRuns(bytes, &i, end, &mantissa, &digits, &exponent, inFraction: false)
        while i < end, bytes[i] &- 0x30 < 10 {
            if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 0x30)
                digits += 1
            } else {
                exponent += 1
                exact = false
            }
            i += 1
        }
        sawDigit = sawDigit || digits > 0 || !exact
        if i < end, bytes[i] == 0x2E {
            i += 1
            let fractionStart = i
            if mantissa == 0 {
                while i < end, bytes[i] == 0x30 {
                    i += 1
                    exponent -= 1
                }
            }
            Self.eightDigitRuns(bytes, &i, end, &mantissa, &digits, &exponent, inFraction: true)
            while i < end, bytes[i] &- 0x30 < 10 {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 0x30)
                    digits += 1
                    exponent -= 1
                } else {
                    exact = false
                }
                i += 1
            }
            sawDigit = sawDigit || i > fractionStart
        }
        guard sawDigit else { return nil }
        if i < end, bytes[i] == 0x65 || bytes[i] == 0x45 {
            i += 1
            var exponentNegative = false
            if i < end, bytes[i] == 0x2B || bytes[i] == 0x2D {
                exponentNegative = bytes[i] == 0x2D
                i += 1
            }
            var value = 0, exponentDigits = 0
            while i < end, bytes[i] &- 0x30 < 10 {
                // Saturates far above any digit count a line can hold (256 MiB), so that a million
                // zeros after the point still meet their exponent: 0.000…1e1000001 is 1.
                if value < 100_000_000_000_000_000 { value = value * 10 + Int(bytes[i] &- 0x30) }
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent += exponentNegative ? -value : value
        }
        next = i
    }

    /// Consumes runs of eight digits while the mantissa has room for them (at most 19 digits),
    /// lowering `exponent` by eight per run in the fraction.
    @inline(__always)
    private static func eightDigitRuns(
        _ bytes: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int, _ mantissa: inout UInt64,
        _ digits: inout Int, _ exponent: inout Int, inFraction: Bool
    ) {
        while digits <= 11, end - i >= 8 {
            let chunk = UInt64(littleEndian: UnsafeRawPointer(bytes + i).loadUnaligned(as: UInt64.self))
            // All eight bytes are '0'...'9' (Lemire's test), else leave them to the byte loop.
            // (In Swift `|` binds like `+`: every group is parenthesized.)
            guard ((chunk &+ 0x4646_4646_4646_4646) | (chunk &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080 == 0 else { return }
            var value = chunk &- 0x3030_3030_3030_3030
            value = (value &* 10) &+ (value >> 8)  // pairs of digits
            value =
                (((value & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064)
                    &+ (((value >> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001)) >> 32
            value &= 0xFFFF_FFFF
            mantissa = mantissa &* 100_000_000 &+ value
            digits += 8
            if inFraction { exponent -= 8 }
            i += 8
        }
    }

    /// 10⁰ … 10²², each exact in `Double`; a literal, so that it is laid out at compile time
    /// instead of behind a lazy initializer checked at every number.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21,
        1e22,
    ]

    /// The correctly rounded value (for ``exact`` scans): Clinger's fast path or Eisel–Lemire.
    @inline(__always)
    var value: Double {
        let magnitude: Double
        if mantissa < (1 << 53), exponent >= -22, exponent <= 22 {
            magnitude = Self.powersOfTen.withUnsafeBufferPointer { powers in
                exponent >= 0 ? Double(mantissa) * powers[exponent] : Double(mantissa) / powers[-exponent]
            }
        } else {
            magnitude = EiselLemire.double(mantissa: mantissa, exponent: exponent)
        }
        return negative ? -magnitude : magnitude
    }
}
