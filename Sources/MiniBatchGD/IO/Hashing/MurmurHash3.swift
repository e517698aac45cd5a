/// MurmurHash3's 32-bit x86 variant (Austin Appleby's `MurmurHash3_x86_32`), the hash behind
/// scikit-learn's `murmurhash3_32` and `FeatureHasher` and Vowpal Wabbit's feature hashing.
///
/// The hash of a string is the hash of its UTF-8 bytes, as scikit-learn's `murmurhash3_32(str)`
/// encodes it; ``signed(_:seed:)-(String,_)`` is scikit-learn's default (`positive=False`) reading of the
/// same 32 bits.
///
/// ```swift
/// MurmurHash3.hash("")                     // 0
/// MurmurHash3.signed("city=Paris")          // what sklearn.utils.murmurhash3_32("city=Paris") returns
/// MurmurHash3.hash("abc", seed: 42)         // another seed, another hash
/// ```
public enum MurmurHash3 {
    /// The unsigned 32-bit hash of `bytes` with `seed` (scikit-learn's `positive=True`).
    /// - Complexity: O(`bytes.count`), no allocation.
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        let c1: UInt32 = 0xcc9e_2d51, c2: UInt32 = 0x1b87_3593
        let count = bytes.count
        var h = seed
        var position = 0
        // Blocks of four bytes, little-endian whatever the machine.
        while position + 4 <= count {
            var k =
                UInt32(bytes[position]) | UInt32(bytes[position + 1]) << 8 | UInt32(bytes[position + 2]) << 16
                | UInt32(bytes[position + 3]) << 24
            k = k &* c1
            k = k << 15 | k >> 17
            k = k &* c2
            h ^= k
            h = h << 13 | h >> 19
            h = h &* 5 &+ 0xe654_6b64
            position += 4
        }
        // The last one to three bytes.
        var k: UInt32 = 0
        let tail = count - position
        if tail >= 3 { k ^= UInt32(bytes[position + 2]) << 16 }
        if tail >= 2 { k ^= UInt32(bytes[position + 1]) << 8 }
        if tail >= 1 {
            k ^= UInt32(bytes[position])
            k = k &* c1
            k = k << 15 | k >> 17
            k = k &* c2
            h ^= k
        }
        // Finalization: the length (modulo 2³², as the reference's int), then the avalanche mix.
        h ^= UInt32(truncatingIfNeeded: count)
        h ^= h >> 16
        h = h &* 0x85eb_ca6b
        h ^= h >> 13
        h = h &* 0xc2b2_ae35
        h ^= h >> 16
        return h
    }

    /// The unsigned hash of a string's UTF-8 bytes.
    public static func hash(_ text: String, seed: UInt32 = 0) -> UInt32 {
        var text = text
        return text.withUTF8 { hash(UnsafeRawBufferPointer($0), seed: seed) }
    }

    /// The hash read as a signed 32-bit integer: scikit-learn's `murmurhash3_32` (`positive=False`,
    /// its default) and the value `FeatureHasher` takes its index and sign from.
    public static func signed(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> Int32 {
        Int32(bitPattern: hash(bytes, seed: seed))
    }

    /// The signed hash of a string's UTF-8 bytes.
    public static func signed(_ text: String, seed: UInt32 = 0) -> Int32 {
        Int32(bitPattern: hash(text, seed: seed))
    }
}
