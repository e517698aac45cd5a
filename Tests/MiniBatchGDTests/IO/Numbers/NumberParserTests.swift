import Foundation
import Testing

@_spi(Testing) @testable import MiniBatchGD

/// The number parser (CSV and libsvm) against glibc's `strtod` (correctly rounded, a different algorithm):
/// every path (Clinger, Eisel–Lemire, the fallback) must give the same bits.
@Suite struct NumberParserTests {
    private func parsed(_ text: String) -> NumberParser.Outcome {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { NumberParser.parse(UnsafeBufferPointer($0)) }
    }

    private func expectSameAsStrtod(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let reference = strtod(text, nil)
        switch parsed(text) {
        case let .value(value):
            #expect(
                value.bitPattern == reference.bitPattern, "\(text): \(value) against strtod's \(reference)", sourceLocation: sourceLocation)
        case .nonFinite:
            #expect(!reference.isFinite, "\(text) refused as non-finite; strtod gives \(reference)", sourceLocation: sourceLocation)
        case .notANumber:
            Issue.record("\(text) was not recognized as a number", sourceLocation: sourceLocation)
        }
    }

    @Test func hardCasesRoundAsStrtodDoes() {
        let cases = [
            "9007199254740993",  // 2^53 + 1: a tie, to even
            "9007199254740995", "18446744073709551615", "1844674407370955161",
            "2.2250738585072011e-308", "2.2250738585072014e-308",  // largest subnormal, smallest normal
            "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
            "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
            "0.1", "0.30000000000000004", "0.8216181435011584", "0.33043707618338714",
            "-0.36457239618607573", "1e23", "8.589973e9", "7.0420557077594588e-53",
            "1448997445238699", "3.4028234663852886e38", "0.000000000000000000000000000000001",
            "123456789012345678e-5", "1234567890123456789012", "1e-400", "1e400", "-0", "0e999999",
        ]
        for text in cases { expectSameAsStrtod(text) }
    }

    /// Long runs of zeros balanced by long exponents (the exponent saturated at 100,000: a million
    /// zeros after the point and e1000001 gave 0 where strtod and Python give 1).
    @Test func longZeroRunsMeetLongExponents() {
        let zeros = String(repeating: "0", count: 1_000_000)
        for text in ["0." + zeros + "1e1000001", "0." + zeros + "25e1000001", "1" + zeros + "e-1000000", "0." + zeros + "1e999999"] {
            expectSameAsStrtod(text)
        }
        if case let .value(one) = parsed("0." + zeros + "1e1000001") { #expect(one == 1) }
    }

    @Test func randomSeventeenToNineteenDigitNumbersRoundAsStrtodDoes() {
        var generator = RandomSource(seed: 20261130)
        for _ in 0..<200_000 {
            let digits = 15 + Int(generator.next() % 5)
            var mantissa = ""
            for position in 0..<digits { mantissa += String(position == 0 ? 1 + generator.next() % 9 : generator.next() % 10) }
            let exponent = Int(generator.next() % 680) - 360
            let point = Int(generator.next() % UInt64(digits))
            let text = String(mantissa.prefix(point)) + "." + String(mantissa.dropFirst(point)) + "e\(exponent)"
            expectSameAsStrtod(generator.next() % 2 == 0 ? text : "-" + text)
        }
    }

    @Test func randomDoublesPrintedShortestComeBackExactly() {
        var generator = RandomSource(seed: 7)
        for _ in 0..<200_000 {
            let value = Double(bitPattern: generator.next() & ~(0x7FF << 52) | (UInt64(generator.next() % 0x7FF) << 52))
            guard value.isFinite else { continue }
            guard case let .value(back) = parsed("\(value)") else {
                Issue.record("\(value) did not parse")
                continue
            }
            #expect(back.bitPattern == value.bitPattern, "\(value)")
        }
    }

    @Test func halfwayPointsBetweenNeighbouringDoublesRoundToEven() {
        // m·2^e + 2^(e−1) exactly, printed in full: the parser must round to the even neighbour.
        var generator = RandomSource(seed: 11)
        for _ in 0..<2_000 {
            let mantissa = (1 << 52) | (generator.next() & ((1 << 52) - 1))
            let exponent = Int(generator.next() % 40) - 20
            // 2m+1 times 2^(exponent-1): exact decimal via 5^k scaling for negative powers.
            let twice = Decimal(2 * mantissa + 1)
            let value = exponent - 1 >= 0 ? twice * pow(Decimal(2), exponent - 1) : twice / pow(Decimal(2), 1 - exponent)
            let text = "\(value)"
            guard text.count <= 40 else { continue }
            expectSameAsStrtod(text)
        }
    }

    /// ``NumberParser/shortPrefix(_:from:readable:)`` on `text` followed by `padding`.
    private func short(_ text: String, padding: String = "        \n") -> (value: Double, next: Int)? {
        let bytes = Array((text + padding).utf8)
        return bytes.withUnsafeBufferPointer { NumberParser.shortPrefix($0.baseAddress!, from: 0, readable: bytes.count) }
    }

    /// The short path against Swift's own `Double(String)` (another parser): the same bits and
    /// the right end for every plain number of at most 19 digits; no answer for the others,
    /// which the general path reads.
    @Test func shortNumbersReadAsDoubleReadsThem() {
        let accepted = [
            "0", "-0", "+7", ".5", "5.", "-.25", "+0.5", "0.3663054253616224", "0.09957676437952397", "-0.004012254702959027",
            "1234567890123456789", "9999999999999999999", "0.000000000000000001", "12345678.12345678901", "9007199254740993",
            "9007199254740995", "0000000000000000012", "1448997445238699", "0.30000000000000004", "12345678", "123456781234567",
        ]
        for text in accepted {
            guard let (value, next) = short(text) else {
                Issue.record("\(text) was not read")
                continue
            }
            #expect(value.bitPattern == Double(text)!.bitPattern && next == text.utf8.count, "\(text): \(value)")
        }
        // 20 digits (leading zeros count), exponents, signs or points alone, words.
        let declined = [
            "12345678901234567890", "0.0000000000000000001", "00000000000000000012", "1e5", "1.5E-3", "2.e1", "-", "+", ".", "-.",
            "nan", "inf", "", " 1", "0.123456789012345678901",
        ]
        for text in declined { #expect(short(text) == nil, "\(text)") }
        // What follows the number ends it: a blank, ':', '#', '\r' are left for the caller.
        for (text, end) in [("1.5 2", 3), ("7:0.5", 1), ("0.25#x", 4), ("3.\r\n", 2), ("-1\t", 2)] {
            #expect(short(text)?.next == end && short(text)?.value == Double(text.prefix(end).description)!, "\(text)")
        }
    }

    @Test func randomShortNumbersReadAsDoubleReadsThem() {
        var generator = RandomSource(seed: 20261207)
        for _ in 0..<200_000 {
            let digits = 1 + Int(generator.next() % 19)
            var text = ""
            for _ in 0..<digits { text += String(generator.next() % 10) }
            let point = Int(generator.next() % UInt64(digits + 2))
            if point <= digits { text.insert(".", at: text.index(text.startIndex, offsetBy: point)) }
            switch generator.next() % 4 {
            case 0: text = "-" + text
            case 1: text = "+" + text
            default: break
            }
            guard let (value, next) = short(text) else {
                Issue.record("\(text) was not read")
                continue
            }
            #expect(value.bitPattern == Double(text)!.bitPattern && next == text.utf8.count, "\(text): \(value)")
        }
    }

    /// Runs read whole words: with fewer than eight bytes readable past a run the short path
    /// declines, and never reads a wrong value.
    @Test func shortNumbersNearTheEndOfReadableMemoryAreDeclinedOrRight() {
        for text in ["0.3663054253616224", "-12.5", "7", "123456789.123456789"] {
            let bytes = Array((text + "\n").utf8)
            for readable in 1...bytes.count {
                let result = bytes.withUnsafeBufferPointer { NumberParser.shortPrefix($0.baseAddress!, from: 0, readable: readable) }
                if let result { #expect(result.value == Double(text)! && result.next == text.utf8.count, "\(text), \(readable)") }
            }
            let roomy = Array((text + String(repeating: " ", count: 8)).utf8)
            #expect(
                roomy.withUnsafeBufferPointer { NumberParser.shortPrefix($0.baseAddress!, from: 0, readable: roomy.count) }?.value
                    == Double(text)!)
        }
    }

    /// Every run length 0...8, ended by every kind of non-digit (bytes just below '0' and above
    /// '9', and digits with the top bit set), against `UInt64(String)`.
    @Test func digitRunsOfEveryLengthAreReadWhole() {
        var generator = RandomSource(seed: 5)
        let enders: [UInt8] = [0x2F, 0x3A, 0x20, 0x0A, 0x2E, 0x65, 0xB0, 0xB9, 0x00, 0xFF, 0x23, 0x0D]
        for _ in 0..<20_000 {
            let count = Int(generator.next() % 9)
            var bytes = (0..<count).map { _ in UInt8(0x30 + generator.next() % 10) }
            bytes.append(enders[Int(generator.next() % UInt64(enders.count))])
            while bytes.count < 8 { bytes.append(UInt8(truncatingIfNeeded: generator.next())) }
            let run = bytes.withUnsafeBufferPointer { DigitRun.upToEight($0.baseAddress!) }
            let digits = String(decoding: bytes.prefix(count), as: UTF8.self)
            #expect(run.count == count && run.value == (count == 0 ? 0 : UInt64(digits)!), "\(bytes)")
        }
    }
}
