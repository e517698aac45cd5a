import Foundation

/// Decimal text to `Double`, correctly rounded.
///
/// A value below 2⁵³ scaled by at most 10²² takes Clinger's fast path (one exact conversion and
/// one correctly rounded multiplication or division); any other number of at most 19
/// significant digits (17-digit output of `repr`, numpy and pandas among them) takes
/// ``EiselLemire``. Only longer mantissas fall back to `strtod`, which rounds correctly too.
enum NumberParser {
    enum Outcome { case value(Double), notANumber, nonFinite }

    private static let powersOfTen: [Double] = (0 ... 22).map { Foundation.pow(10, Double($0)) }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        var i = 0, end = bytes.count
        while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }              // leading blanks
        while end > i, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 } // trailing blanks
        guard i < end else { return .notANumber }
        // A quoted cell ("1.5", as spreadsheets export it) is read as its contents.
        if end - i >= 2, bytes[i] == 0x22, bytes[end - 1] == 0x22 {
            i += 1; end -= 1
            while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
            while end > i, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            guard i < end else { return .notANumber }
        }
        let start = i
        var negative = false
        if bytes[i] == 0x2B || bytes[i] == 0x2D { negative = bytes[i] == 0x2D; i += 1 }
        var mantissa: UInt64 = 0, digits = 0, exponent = 0, sawDigit = false, exact = true
        while i < end, bytes[i] &- 0x30 < 10 {
            sawDigit = true
            if mantissa == 0 && bytes[i] == 0x30 { i += 1; continue }
            if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 0x30); digits += 1 } else { exponent += 1; exact = false }
            i += 1
        }
        if i < end, bytes[i] == 0x2E {
            i += 1
            while i < end, bytes[i] &- 0x30 < 10 {
                sawDigit = true
                if mantissa == 0 && bytes[i] == 0x30 { exponent -= 1; i += 1; continue }
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 0x30); digits += 1; exponent -= 1 } else { exact = false }
                i += 1
            }
        }
        guard sawDigit else { return special(bytes, start, end) }
        if i < end, bytes[i] == 0x65 || bytes[i] == 0x45 {
            i += 1
            var exponentNegative = false
            if i < end, bytes[i] == 0x2B || bytes[i] == 0x2D { exponentNegative = bytes[i] == 0x2D; i += 1 }
            var value = 0, exponentDigits = 0
            while i < end, bytes[i] &- 0x30 < 10 {
                if value < 100_000 { value = value * 10 + Int(bytes[i] &- 0x30) }
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return .notANumber }
            exponent += exponentNegative ? -value : value
        }
        guard i == end else { return .notANumber }
        guard exact else { return fallback(bytes, start, end) }
        let value: Double
        if mantissa < (1 << 53), abs(exponent) <= 22 {
            value = exponent >= 0 ? Double(mantissa) * powersOfTen[exponent] : Double(mantissa) / powersOfTen[-exponent]
        } else {
            value = EiselLemire.double(mantissa: mantissa, exponent: exponent)
            guard value.isFinite else { return .nonFinite }
        }
        return .value(negative ? -value : value)
    }

    /// "nan", "inf", "infinity" in any case and sign are recognized, to be refused as non-finite.
    private static func special(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Outcome {
        var text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start ..< end]), as: UTF8.self).lowercased()
        if text.hasPrefix("+") || text.hasPrefix("-") { text.removeFirst() }
        return ["nan", "inf", "infinity"].contains(text) ? .nonFinite : .notANumber
    }

    private static func fallback(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Outcome {
        var text = [CChar](repeating: 0, count: end - start + 1)
        for k in start ..< end { text[k - start] = CChar(bitPattern: bytes[k]) }
        let value = text.withUnsafeBufferPointer { strtod($0.baseAddress!, nil) }
        return value.isFinite ? .value(value) : .nonFinite
    }
}
