#if canImport(Glibc)
    import Glibc
#endif

/// Distinct byte strings numbered 0, 1, 2, … as they are first met: the levels of one text
/// column in one chunk of lines. Open addressing on MurmurHash3, the strings side by side in one
/// array: looking a cell up allocates nothing (only growth does).
struct LevelTable {
    /// Every level's bytes, one after another.
    private var arena: [UInt8] = []
    /// Level i is `arena[starts[i]..<starts[i + 1]]`.
    private var starts: [Int] = [0]
    private var hashes: [UInt32] = []
    /// A power of two of places, each −1 or a level number; at most half are taken.
    private var places = [Int32](repeating: -1, count: 16)

    /// The number of levels.
    var count: Int { hashes.count }

    /// The bytes of level `index`.
    func level(_ index: Int) -> [UInt8] { Array(arena[starts[index]..<starts[index + 1]]) }

    /// The number of `bytes`, a new one when they have not been met.
    mutating func number(of bytes: UnsafeRawBufferPointer) -> Int32 {
        let hash = MurmurHash3.hash(bytes)
        let mask = places.count - 1
        var place = Int(hash) & mask
        while true {
            let taken = places[place]
            if taken < 0 { break }
            let index = Int(taken)
            if hashes[index] == hash, starts[index + 1] - starts[index] == bytes.count,
                arena.withUnsafeBytes({ bytes.count == 0 || memcmp($0.baseAddress! + starts[index], bytes.baseAddress!, bytes.count) == 0 })
            {
                return taken
            }
            place = (place + 1) & mask
        }
        let number = Int32(count)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        hashes.append(hash)
        places[place] = number
        if 2 * count > places.count { grow() }
        return number
    }

    private mutating func grow() {
        places = [Int32](repeating: -1, count: 2 * places.count)
        let mask = places.count - 1
        for (index, hash) in hashes.enumerated() {
            var place = Int(hash) & mask
            while places[place] >= 0 { place = (place + 1) & mask }
            places[place] = Int32(index)
        }
    }
}
