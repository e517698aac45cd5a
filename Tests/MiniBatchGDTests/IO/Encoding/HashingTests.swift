import Foundation
import Testing

@testable import MiniBatchGD

/// MurmurHash3 and feature hashing against scikit-learn: `murmurhash3_32` on a set of strings,
/// and `FeatureHasher`'s CSR matrix on the rows of a CSV (Tests/Fixtures/categorical, made by
/// make_categorical_fixtures.py).
@Suite struct HashingTests {
    static let folder = fixtures + "/categorical"

    struct Expected: Decodable {
        struct Murmur: Decodable {
            let text: String
            let seed: UInt32?
            let hash: Int32
            let unsigned: UInt32?
        }
        struct Hashed: Decodable {
            let bits: Int
            let rowStarts: [Int]
            let columns: [Int32]
            let values: [String]
        }
        let murmurhash3: [Murmur]
        let hashed: [Hashed]
    }

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/expected.json")))
    }

    @Test func murmurHashMatchesScikitLearnOnEveryString() throws {
        let cases = try Self.expected().murmurhash3
        #expect(cases.count > 10)
        for item in cases {
            #expect(MurmurHash3.signed(item.text, seed: item.seed ?? 0) == item.hash, "\(item.text)")
            if let unsigned = item.unsigned { #expect(MurmurHash3.hash(item.text) == unsigned, "\(item.text)") }
        }
    }

    /// The published test vectors of MurmurHash3_x86_32 (SMHasher's), independent of scikit-learn.
    @Test func murmurHashMatchesTheReferenceVectors() {
        #expect(MurmurHash3.hash("", seed: 1) == 0x514E_28B7)
        #expect(MurmurHash3.hash("", seed: 0xFFFF_FFFF) == 0x81F1_6F39)
        #expect(MurmurHash3.hash("Hello, world!", seed: 1234) == 0xFAF6_CDB3)
        #expect(MurmurHash3.hash("The quick brown fox jumps over the lazy dog", seed: 0) == 0x2E4F_F723)
    }

    /// scikit-learn's rule for a hash's column and sign, worked by hand: |h| mod n, the sign of
    /// h; −2³¹ (whose absolute value does not fit in 32 bits) goes to (2³¹ − 1 − (n − 1)) mod n.
    @Test func columnAndSignFollowScikitLearnsRuleIncludingTheMostNegativeHash() {
        #expect(FeatureHashing.slot(hash: 37, columns: 16, alternateSign: true) == (5, 1))
        #expect(FeatureHashing.slot(hash: -37, columns: 16, alternateSign: true) == (5, -1))
        #expect(FeatureHashing.slot(hash: 0, columns: 16, alternateSign: true) == (0, 1))
        #expect(FeatureHashing.slot(hash: .min, columns: 16, alternateSign: true) == (0, -1))
        #expect(FeatureHashing.slot(hash: .min, columns: 3, alternateSign: true) == ((2_147_483_647 - 2) % 3, -1))
        #expect(FeatureHashing.slot(hash: .max, columns: 1 << 18, alternateSign: true) == ((1 << 18) - 1, 1))
        #expect(FeatureHashing.slot(hash: -5, columns: 16, alternateSign: false) == (5, 1))
    }

    @Test func hashedRowsAreFeatureHashersMatrixExactly() throws {
        for reference in try Self.expected().hashed {
            let encoded = try FeatureEncoding.hashed(
                csv: Self.folder + "/cars.csv", bits: reference.bits, categorical: ["city", "kind"], targets: ["y"])
            guard case let .sparse(data) = encoded.rows else {
                Issue.record("hashed rows are sparse")
                continue
            }
            #expect(data.featureCount == 1 << reference.bits && data.featureNames[3] == "hash[3]")
            #expect(data.rowStarts == reference.rowStarts, "bits \(reference.bits)")
            #expect(data.columnIndices == reference.columns, "bits \(reference.bits)")
            #expect(data.values.map(\.bitPattern) == reference.values.map { Double($0)!.bitPattern }, "bits \(reference.bits)")
            #expect(encoded.encoding.numeric == ["x1", "x2"] && encoded.encoding.hashing?.bits == reference.bits)
            // Collisions at 16 columns: fewer entries than features in some rows.
            if reference.bits == 4 { #expect(data.nonzeros < 60 * 4 - 1) }
        }
    }

    @Test func bitsOutOfRangeAreRefused() {
        #expect(throws: ArgumentError.self) { try FeatureHashing(bits: 0) }
        #expect(throws: ArgumentError.self) { try FeatureHashing(bits: FeatureHashing.maximumBits + 1) }
    }
}
