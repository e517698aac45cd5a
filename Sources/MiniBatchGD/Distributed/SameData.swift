/// What each rank knows of the file it mapped, compared over the ranks before they share its
/// rows: node-local copies of "the same" path can differ (one stale, one cut short), and rows
/// combined from different files give a wrong answer with no error.
///
/// Every word is exact (sizes, counts, 64-bit FNV-1a hashes) and the ranks compare bits, not
/// doubles. The contents are sampled, not read whole, so the check costs O(1) in the rows: the
/// header, the first and last blocks of the data and blocks spread evenly between them. A
/// difference between samples goes unseen; a stale copy of another length or shape never does.
struct DataFingerprint: Equatable {
    /// The file's size in bytes.
    var size: UInt64
    /// Rows and columns of the array.
    var rows: UInt64, columns: UInt64
    /// Bytes per element: 4 for float32, 8 for float64.
    var elementBytes: UInt64
    /// A hash of the columns chosen as features, targets and weights (positions and names).
    var columnsHash: UInt64
    /// A hash of the bytes before the data: the .npy magic, version and header.
    var headerHash: UInt64
    /// A hash of the sampled blocks of the data.
    var contentsHash: UInt64

    /// Bytes in one sampled block.
    static let blockBytes = 4096
    /// Blocks sampled when the data is larger than they are: the first, the last, and the others
    /// spread evenly between (all of a smaller data part is hashed).
    static let blocks = 16

    /// The fingerprint of `file`, reading its header and at most ``blocks`` × ``blockBytes``
    /// bytes of its data through the mapping.
    init<Element: BLASScalar>(of file: MappedDataset<Element>) {
        let base = file.mapping.base, length = file.mapping.length, offset = file.dataOffset
        size = UInt64(length)
        rows = UInt64(file.rows)
        columns = UInt64(file.width)
        elementBytes = UInt64(MemoryLayout<Element>.size)
        var chosen = FNV1a()
        for (first, count) in [(file.firstFeature, file.featureCount), (file.firstTarget, file.outputCount)] {
            chosen.add(UInt64(first))
            chosen.add(UInt64(count))
        }
        chosen.add(file.weightColumn.map { UInt64($0) + 1 } ?? 0)
        for name in file.featureNames + ["|"] + file.targetNames { chosen.add(name) }
        columnsHash = chosen.value
        (headerHash, contentsHash) = withExtendedLifetime(file.mapping) {
            var header = FNV1a(), contents = FNV1a()
            header.add(UnsafeRawBufferPointer(start: base, count: offset))
            let data = length - offset
            if data <= Self.blocks * Self.blockBytes {
                contents.add(UnsafeRawBufferPointer(start: base + offset, count: data))
            } else {
                // The first block, the last, and the others evenly between: placed by the size alone.
                let last = data - Self.blockBytes
                for block in 0..<Self.blocks {
                    contents.add(UnsafeRawBufferPointer(start: base + offset + last * block / (Self.blocks - 1), count: Self.blockBytes))
                }
            }
            return (header.value, contents.value)
        }
    }

    /// The fingerprint as words, in a fixed order (as ``init(words:)`` reads them).
    var words: [UInt64] { [size, rows, columns, elementBytes, columnsHash, headerHash, contentsHash] }

    /// Words in the order of ``words``.
    init(words: [UInt64]) {
        precondition(words.count == 7, "a data fingerprint has 7 words")
        (size, rows, columns, elementBytes) = (words[0], words[1], words[2], words[3])
        (columnsHash, headerHash, contentsHash) = (words[4], words[5], words[6])
    }

    /// What differs in `self` (one rank's copy) from `reference` (rank 0's), in words a user
    /// can check with `ls -l` and numpy: each as "this rank's against rank 0's".
    func differences(from reference: DataFingerprint) -> [String] {
        func type(_ bytes: UInt64) -> String { bytes == 4 ? "float32" : bytes == 8 ? "float64" : "\(bytes)-byte" }
        var found: [String] = []
        if size != reference.size { found.append("size \(size) bytes against \(reference.size)") }
        if rows != reference.rows { found.append("\(rows) rows against \(reference.rows)") }
        if columns != reference.columns { found.append("\(columns) columns against \(reference.columns)") }
        if elementBytes != reference.elementBytes { found.append("\(type(elementBytes)) elements against \(type(reference.elementBytes))") }
        if columnsHash != reference.columnsHash {
            found.append("other columns chosen, by position or by the names in its .columns.json")
        }
        // The header holds the shape and type: a difference in them is already told.
        let shapeDiffers = rows != reference.rows || columns != reference.columns || elementBytes != reference.elementBytes
        if headerHash != reference.headerHash, !shapeDiffers { found.append("a different .npy header") }
        if contentsHash != reference.contentsHash, size == reference.size {
            let sampled = rows * columns * elementBytes > UInt64(Self.blocks * Self.blockBytes)
            found.append(
                sampled
                    ? "different values in \(Self.blocks) sampled blocks of \(Self.blockBytes / 1024) KiB of the data"
                    : "different values in the data")
        }
        return found
    }
}

extension DataFingerprint {
    /// Throws on every rank, alike, when any rank's fingerprint differs from rank 0's: one
    /// exchange of every rank's words.
    /// - Throws: ``DistributedError/differentData(path:differences:)``.
    func checkSame(over communicator: any Communicator, path: String) throws {
        let all = communicator.gather(words: words).map(DataFingerprint.init(words:))
        let differences = all.indices.dropFirst().compactMap { rank -> (rank: Int, details: [String])? in
            let details = all[rank].differences(from: all[0])
            return details.isEmpty ? nil : (rank, details)
        }
        if !differences.isEmpty { throw DistributedError.differentData(path: path, differences: differences) }
    }
}

/// The 64-bit FNV-1a hash: small, byte by byte, the same on every machine.
struct FNV1a {
    /// The hash of the bytes added so far.
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    /// Adds `bytes`.
    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var hash = value
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        value = hash
    }

    /// Adds the 8 bytes of `word`, least significant first.
    mutating func add(_ word: UInt64) {
        withUnsafeBytes(of: word.littleEndian) { add($0) }
    }

    /// Adds `text`'s UTF-8 bytes after their count (so that "ab", "c" and "a", "bc" differ).
    mutating func add(_ text: String) {
        var text = text
        add(UInt64(text.utf8.count))
        text.withUTF8 { add(UnsafeRawBufferPointer($0)) }
    }
}
