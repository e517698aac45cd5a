/// Feature hashing (the "hashing trick"): each feature's name goes to one of 2^bits columns by
/// its hash, with a sign from the same hash, exactly as scikit-learn's
/// `FeatureHasher(n_features=2**bits, input_type="dict", alternate_sign=True)`.
///
/// A row is a set of named features: a text cell of column `city` holding `Paris` is the
/// feature `city=Paris` with value 1; a numeric cell of column `rooms` holding 3 is the feature
/// `rooms` with value 3 (a value of 0 is left out, as `FeatureHasher` leaves it). The name's
/// UTF-8 bytes are hashed by ``MurmurHash3`` with seed 0 into a signed 32-bit h; the column is
/// |h| mod 2^bits (h = −2³¹, whose absolute value does not fit, goes where scikit-learn sends it:
/// column 0) and the value is multiplied by −1 when h < 0. Features landing in the same column
/// of a row add up (collisions), as `FeatureHasher`'s `sum_duplicates` adds them.
///
/// ```swift
/// let hashing = try FeatureHashing(bits: 18)
/// let (column, sign) = hashing.slot(for: "city=Paris")   // where "city=Paris" lands, and its sign
/// ```
public struct FeatureHashing: Codable, Equatable, Hashable, Sendable {
    /// log₂ of the number of columns.
    public let bits: Int
    /// Whether a feature's value takes the sign of its hash (scikit-learn's `alternate_sign`,
    /// always true here): collisions then cancel on average instead of adding up.
    public let alternateSign: Bool
    /// The hash's seed: 0, as `FeatureHasher`'s.
    public let seed: UInt32

    /// The widest hashing: 2²⁴ columns. A model keeps a coefficient and a name per column (the
    /// model file writes them all), so its size grows as 2^bits; Vowpal Wabbit's default is 2¹⁸.
    public static let maximumBits = 24

    /// Hashing into 2^`bits` columns.
    /// - Throws: ``ArgumentError`` for `bits` outside 1…``maximumBits``.
    public init(bits: Int) throws {
        guard (1...Self.maximumBits).contains(bits) else {
            throw ArgumentError(
                argument: "bits", value: "\(bits)", requirement: "must be between 1 and \(Self.maximumBits) (2^bits columns)")
        }
        self.bits = bits
        alternateSign = true
        seed = 0
    }

    private enum CodingKeys: String, CodingKey { case bits, alternateSign, seed }

    /// Reads a hashing as ``ModelFile`` stores it, checked as ``init(bits:)`` checks.
    /// - Throws: `DecodingError` for bits out of range, a sign or seed other than scikit-learn's.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let bits = try container.decode(Int.self, forKey: .bits)
        guard (1...Self.maximumBits).contains(bits), try container.decode(Bool.self, forKey: .alternateSign),
            try container.decode(UInt32.self, forKey: .seed) == 0
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .bits, in: container, debugDescription: "bits 1…\(Self.maximumBits), alternateSign true, seed 0")
        }
        try self.init(bits: bits)
    }

    /// The number of columns, 2^``bits``.
    public var columns: Int { 1 << bits }

    /// The column and sign of the feature named by `bytes` (UTF-8).
    /// - Complexity: O(`bytes.count`), no allocation.
    @inlinable
    public func slot(for bytes: UnsafeRawBufferPointer) -> (column: Int, sign: Double) {
        Self.slot(hash: MurmurHash3.signed(bytes, seed: seed), columns: columns, alternateSign: alternateSign)
    }

    /// The column and sign of the feature named `name`.
    public func slot(for name: String) -> (column: Int, sign: Double) {
        var name = name
        return name.withUTF8 { slot(for: UnsafeRawBufferPointer($0)) }
    }

    /// scikit-learn's rule from a signed hash: column |h| mod n, sign + for h ≥ 0 and − below.
    /// |−2³¹| is out of Int32's range: scikit-learn defines its column as (2³¹ − 1 − (n − 1)) mod n,
    /// which is 2³¹ mod n.
    @inlinable
    static func slot(hash h: Int32, columns n: Int, alternateSign: Bool) -> (column: Int, sign: Double) {
        let column = h == .min ? (2_147_483_647 - (n - 1)) % n : Int(h.magnitude) % n
        return (column, alternateSign && h < 0 ? -1 : 1)
    }

    /// The name of hashed column `index`: `hash[index]`.
    public static func columnName(_ index: Int) -> String { "hash[\(index)]" }
}
