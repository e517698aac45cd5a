import Foundation
@_spi(Testing) import MiniBatchGD
import Testing

/// The CSV number parser against glibc's `strtod` (correctly rounded, a different algorithm):
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
}
