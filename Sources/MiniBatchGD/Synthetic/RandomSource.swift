import Foundation

/// A seeded pseudo-random generator that yields the same numbers on every machine.
///
/// The algorithm is fixed and documented so that runs reproduce across platforms and Swift
/// versions (the standard library's generators and `shuffled()` promise neither):
/// - state: xoshiro256** (Blackman & Vigna, 2018), seeded by expanding `seed` with SplitMix64;
/// - uniforms: the top 53 bits of a draw, times 2⁻⁵³, so values lie in [0, 1);
/// - bounded integers: Lemire's multiply-and-reject method, without bias;
/// - normals: Marsaglia's polar method (uses only `sqrt`, which IEEE 754 rounds exactly, and
///   `log`), the second value of each pair kept for the next call;
/// - shuffles: Fisher–Yates from the last index down.
public struct RandomSource: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64
    private var spareGaussian: Double?

    /// A generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// A generator started from a raw xoshiro256** state (for checking against reference vectors).
    init(state: (UInt64, UInt64, UInt64, UInt64)) {
        (s0, s1, s2, s3) = state
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform number in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `0..<bound`, without modulo bias.
    /// - Throws: ``ArgumentError`` when `bound` is not positive.
    public mutating func nextInt(below bound: Int) throws -> Int {
        guard bound > 0 else {
            throw ArgumentError(argument: "bound", value: "\(bound)", requirement: "must be positive")
        }
        return uncheckedInt(below: bound)
    }

    /// ``nextInt(below:)`` for a bound the caller knows is positive.
    @inline(__always)
    mutating func uncheckedInt(below bound: Int) -> Int {
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// A standard normal deviate (mean 0, variance 1).
    public mutating func nextGaussian() -> Double {
        if let spare = spareGaussian {
            spareGaussian = nil
            return spare
        }
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s > 0, s < 1 {
                let factor = (-2 * Foundation.log(s) / s).squareRoot()
                spareGaussian = v * factor
                return u * factor
            }
        }
    }

    /// Shuffles `values` in place (Fisher–Yates).
    public mutating func shuffle<T>(_ values: inout [T]) {
        values.withUnsafeMutableBufferPointer { shuffle($0) }
    }

    mutating func shuffle<T>(_ values: UnsafeMutableBufferPointer<T>) {
        var i = values.count - 1
        while i > 0 {
            let j = uncheckedInt(below: i + 1)
            values.swapAt(i, j)
            i -= 1
        }
    }

    /// The generator's whole state, for a checkpoint: xoshiro's four words, and the spare
    /// Gaussian's bits after a flag.
    var checkpointState: [UInt64] {
        get { [s0, s1, s2, s3, spareGaussian == nil ? 0 : 1, spareGaussian?.bitPattern ?? 0] }
        set {
            (s0, s1, s2, s3) = (newValue[0], newValue[1], newValue[2], newValue[3])
            spareGaussian = newValue[4] == 0 ? nil : Double(bitPattern: newValue[5])
        }
    }
}
