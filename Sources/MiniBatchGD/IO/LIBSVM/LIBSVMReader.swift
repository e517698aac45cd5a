import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a libsvm/svmlight file into CSR arrays (see ``SparseDataset/load(libsvm:zeroBased:featureCount:)``).
///
/// A regular file is read by position (as ``CSVReader`` reads one: a file cut short while it is
/// read is an error, not SIGBUS) in two passes over its byte chunks, each cut just after a
/// newline and run on its own thread. The first pass counts each chunk's lines and `:` bytes;
/// the memory check is made on those counts and the arrays are allocated once. The second
/// parses each chunk into its own stretch of those arrays, from the offsets the counts give;
/// the stretches are then moved together in file order. Every line is parsed alone and the
/// chunks are joined in order, so the result is the same bits whatever the number of threads
/// or chunks. Other files (pipes) are streamed in runs of lines on one thread.
enum LIBSVMReader {
    /// Below this many bytes a file is parsed as one chunk.
    static let parallelThreshold = 4 << 20

    /// The rows of `path` as CSR arrays.
    /// - Parameters:
    ///   - threads: threads that parse a regular file of at least ``parallelThreshold`` bytes.
    ///   - chunks: the number of chunks to cut a regular file into (nil: one below the
    ///     threshold or on one thread, four per thread otherwise), for tests.
    ///   - memoryLimit: the memory budget in bytes (nil: what is available).
    ///   - part: `(index, count)` to read only the lines of part `index` of `count` of a regular
    ///     file (``lines(ofPart:of:in:)``): rows none when the part holds no line, lines named in
    ///     errors as in the whole file; a pipe is read whole and its ``SparseDataset/share(rank:ranks:)`` kept.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    static func read<Element: BLASScalar>(
        path: String, as element: Element.Type, zeroBased: Bool, featureCount: Int?, threads: Int = Cores.available,
        chunks: Int? = nil, memoryLimit: Int? = nil, part: (index: Int, count: Int)? = nil
    ) throws -> SparseDataset<Element> {
        if let featureCount, !(1...SparseDataset<Element>.maximumFeatureCount).contains(featureCount) {
            throw ArgumentError(
                argument: "featureCount", value: "\(featureCount)",
                requirement: "must be between 1 and \(SparseDataset<Element>.maximumFeatureCount) (column indices are 32-bit)")
        }
        let indexing = LIBSVMIndexing(zeroBased: zeroBased, featureCount: featureCount)
        let (descriptor, status) = try openForReadingWithStatus(path)
        let budget = memoryLimit ?? MemoryBudget.available()
        var arrays: Arrays<Element>
        if (status.st_mode & S_IFMT) == S_IFREG {
            let file = PositionalFile(adopting: descriptor, path: path, size: Int(status.st_size))
            guard file.size > 0 else { throw FileError.empty(path: path) }
            let lines = try part.map { try Self.lines(ofPart: $0.index, of: $0.count, in: file) } ?? 0..<file.size
            do {
                arrays = try readFile(
                    file, from: lines.lowerBound, to: lines.upperBound, indexing: indexing, threads: Swift.max(1, threads),
                    chunks: chunks, budget: budget)
            } catch let error where lines.lowerBound > 0 {
                // Lines were counted from the part's first; the lines before it are counted only now.
                throw renumbered(error, after: try countLinesAndColons(of: file, from: 0, to: lines.lowerBound).lines)
            }
        } else {
            defer { close(descriptor) }
            arrays = try readStream(descriptor: descriptor, path: path, indexing: indexing, budget: budget)
            guard arrays.bytesRead > 0 else { throw FileError.empty(path: path) }
            if let part {
                guard arrays.targets.count > 0 else { throw FileError.noRows(path: path) }
                return try dataset(arrays, path: path, featureCount: featureCount, memoryLimit: memoryLimit, budget: budget)
                    .share(rank: part.index, ranks: part.count)
            }
        }
        // A part may hold no row: whether the whole file holds one is for the caller to learn.
        guard arrays.targets.count > 0 || part != nil else { throw FileError.noRows(path: path) }
        return try dataset(arrays, path: path, featureCount: featureCount, memoryLimit: memoryLimit, budget: budget)
    }

    /// The data set of the CSR arrays read, its width checked against the memory left.
    private static func dataset<Element: BLASScalar>(
        _ arrays: Arrays<Element>, path: String, featureCount: Int?, memoryLimit: Int?, budget: Int?
    ) throws -> SparseDataset<Element> {
        let p = featureCount ?? Swift.max(1, arrays.largestColumn + 1)
        let n = arrays.targets.count
        // The default names take 16 bytes a feature: a file whose largest index is two billion
        // needs 32 GiB of them. A width given was counted with the arrays; one found is checked
        // now, with the arrays against a fixed budget, alone against what is left otherwise.
        if featureCount == nil {
            if memoryLimit == nil {
                try checkMemory(rows: -1, entries: 0, features: p, element: Element.self, path: path, budget: MemoryBudget.available())
            } else {
                try checkMemory(rows: n, entries: arrays.values.count, features: p, element: Element.self, path: path, budget: budget)
            }
        }
        // Every entry was checked as it was parsed (index in range and increasing, value finite).
        return SparseDataset(
            unchecked: arrays.rowStarts, arrays.columns, arrays.values,
            Matrix(uncheckedRows: n, columns: 1, elements: arrays.targets), featureCount: p,
            featureNames: Dataset<Element>.defaultFeatureNames(p), targetNames: Dataset<Element>.defaultTargetNames(1), weights: nil)
    }

    /// The CSR arrays read, and what the checks after reading need.
    struct Arrays<Element: BLASScalar> {
        var rowStarts: [Int] = [0]
        var targets: [Element] = []
        var columns: [Int32] = []
        var values: [Element] = []
        var largestColumn = -1
        var bytesRead = 0

        /// Drops what is beyond `rows` rows and `entries` entries, but `spare` elements.
        mutating func trim(rows: Int, entries: Int, spare: Int) {
            rowStarts.removeLast(rowStarts.count - (rows + 1))
            targets.removeLast(targets.count - (rows + spare))
            columns.removeLast(columns.count - (entries + spare))
            values.removeLast(values.count - (entries + spare))
        }
    }

    /// Refuses arrays for `rows` rows and `entries` entries (and `features` default names) that
    /// the budget cannot hold: 8 bytes a row start, 4 a column index, an element a value and a
    /// target, 16 bytes a name. Rows -1: the names alone.
    private static func checkMemory<Element: BLASScalar>(
        rows: Int, entries: Int, features: Int, element: Element.Type, path: String, budget: Int?
    ) throws {
        let parts = [
            MemoryBudget.bytes(of: Int.self, [rows + 1]), MemoryBudget.bytes(of: Element.self, [rows]),
            MemoryBudget.bytes(of: Int32.self, [entries]), MemoryBudget.bytes(of: Element.self, [entries]),
            MemoryBudget.bytes(of: String.self, [features]),
        ]
        var needed: Int? = 0
        for part in parts {
            guard let sum = needed, let part else {
                needed = nil
                break
            }
            let (total, overflow) = sum.addingReportingOverflow(part)
            needed = overflow ? nil : total
        }
        guard let needed else { throw FileError.tooLarge(path: path, neededBytes: .max, availableBytes: budget ?? 0) }
        try MemoryBudget.check(needed, path: path, limit: budget)
    }

    /// Lines and `:` bytes in `bytes[0 ..< count]`: bounds on the rows (a row per line at most)
    /// and the entries (an entry per `:` at most; a `qid:` or a colon in a comment only
    /// over-counts) that those bytes hold.
    static func countLinesAndColons(_ bytes: UnsafePointer<UInt8>, count: Int) -> (lines: Int, colons: Int) {
        // 32 bytes at a time: each lane of a match mask is all ones, so subtracting it counts the
        // lane up; the byte counters are emptied before they can wrap (at most 255 blocks).
        typealias Block = SIMD32<UInt8>
        let newline = Block(repeating: 0x0A), colon = Block(repeating: 0x3A)
        var lines = 0, colons = 0, position = 0
        while count - position >= Block.scalarCount {
            let blocks = Swift.min(255, (count - position) / Block.scalarCount)
            var lineCounts = SIMD32<Int8>(), colonCounts = SIMD32<Int8>()
            for _ in 0..<blocks {
                let block = UnsafeRawPointer(bytes + position).loadUnaligned(as: Block.self)
                lineCounts &-= unsafeBitCast(block .== newline, to: SIMD32<Int8>.self)
                colonCounts &-= unsafeBitCast(block .== colon, to: SIMD32<Int8>.self)
                position += Block.scalarCount
            }
            lines += Int(SIMD32<UInt16>(truncatingIfNeeded: unsafeBitCast(lineCounts, to: Block.self)).wrappedSum())
            colons += Int(SIMD32<UInt16>(truncatingIfNeeded: unsafeBitCast(colonCounts, to: Block.self)).wrappedSum())
        }
        while position < count {
            lines &+= bytes[position] == 0x0A ? 1 : 0
            colons &+= bytes[position] == 0x3A ? 1 : 0
            position += 1
        }
        return (lines, colons)
    }

    /// Bytes read at a time by the counting pass: small enough that the copy is still in the
    /// core's own cache when it is counted.
    static let countingWindow = 256 << 10

    /// Lines and `:` bytes in `file[start ..< end]`, a last line without its newline counted
    /// too, read in blocks of ``countingWindow`` bytes (a line may span two: only bytes are
    /// counted).
    static func countLinesAndColons(of file: PositionalFile, from start: Int, to end: Int) throws -> (lines: Int, colons: Int) {
        guard start < end else { return (0, 0) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.min(countingWindow, end - start), alignment: 64)
        defer { buffer.deallocate() }
        let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var lines = 0, colons = 0, position = start, last: UInt8 = 0x0A
        while position < end {
            let take = Swift.min(buffer.count, end - position)
            try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<take]), at: position, expectedTotal: file.size)
            let counts = countLinesAndColons(bytes, count: take)
            lines += counts.lines
            colons += counts.colons
            last = bytes[take - 1]
            position += take
        }
        return (lines + (last == 0x0A ? 0 : 1), colons)
    }

    /// Bytes a chunk of a large file holds, about.
    static let chunkBytes = 8 << 20

    /// Bytes read at a time by each thread for parsing.
    static let window = 1 << 20

    /// `file[start ..< end]` in runs of whole lines (the last may lack its newline at `end`), read
    /// into one buffer: a fresh array a window cost a sixth of the reading time in page faults.
    /// A line longer than the buffer grows it, up to ``LineStream/maximumLineBytes``.
    /// - Throws: ``FileError/lineTooLong(path:line:limitBytes:)`` with line 0 (the caller, which
    ///   counts lines, knows which), and what ``PositionalFile/read(into:at:expectedTotal:)`` throws.
    static func forEachRunOfLines(
        of file: PositionalFile, from start: Int, to end: Int, _ body: (UnsafePointer<UInt8>, Int) throws -> Void
    ) throws {
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.min(window, Swift.max(1, end - start)), alignment: 8)
        defer { buffer.deallocate() }
        var carried = 0, position = start
        while position < end {
            if carried == buffer.count {
                guard buffer.count < LineStream.maximumLineBytes else {
                    throw FileError.lineTooLong(path: file.path, line: 0, limitBytes: LineStream.maximumLineBytes)
                }
                let larger = UnsafeMutableRawBufferPointer.allocate(
                    byteCount: Swift.min(2 * buffer.count, LineStream.maximumLineBytes), alignment: 8)
                larger.copyMemory(from: UnsafeRawBufferPointer(buffer))
                buffer.deallocate()
                buffer = larger
            }
            let take = Swift.min(buffer.count - carried, end - position)
            try file.read(
                into: UnsafeMutableRawBufferPointer(rebasing: buffer[carried..<carried + take]), at: position, expectedTotal: file.size)
            position += take
            let filled = carried + take
            let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var cut = filled
            if position < end {
                // Lines are short: the last newline is near the end.
                while cut > 0, bytes[cut - 1] != 0x0A { cut -= 1 }
            }
            if cut > 0 { try body(bytes, cut) }
            carried = filled - cut
            if carried > 0, cut > 0 { memmove(bytes, bytes + cut, carried) }
        }
    }

    /// Two passes over chunks of whole lines, each on its own thread: count, then parse into
    /// the chunk's own stretch of arrays allocated once; then the stretches are joined in order.
    /// Lines are numbered from `file[start]`'s, line 1.
    private static func readFile<Element: BLASScalar>(
        _ file: PositionalFile, from start: Int, to end: Int, indexing: LIBSVMIndexing, threads: Int, chunks: Int?, budget: Int?
    ) throws -> Arrays<Element> {
        // A part of the file without a line of its own: no rows, no entries.
        guard start < end else { return Arrays() }
        let size = end - start, path = file.path
        // Chunks of a few MiB, and at least four a thread: the threads take them as they come, so
        // the last to finish waits at most one small chunk for the others.
        let wanted = chunks ?? (threads == 1 || size < parallelThreshold ? 1 : Swift.max(4 * threads, Swift.min(size / chunkBytes, 4096)))
        let bounds = try CSVSource.chunkBounds(file, from: start, to: end, chunks: wanted)
        let count = bounds.count - 1
        let pool = WorkerPool(threads: Swift.min(threads, count))
        let shared = UncheckedSendable(file)
        // Pass 1: rows and entries are counted, not guessed from the file's size (a file of
        // short entries such as `7:1` holds several times more than long ones do).
        let counted = pool.map(chunks: count) { index in
            Result { try countLinesAndColons(of: shared.value, from: bounds[index], to: bounds[index + 1]) }
        }
        let counts = try counted.map { try $0.get() }
        let rowCapacity = counts.reduce(0) { $0 + $1.lines }, entryCapacity = counts.reduce(0) { $0 + $1.colons }
        try checkMemory(
            rows: rowCapacity, entries: entryCapacity, features: indexing.featureCount ?? 0, element: Element.self, path: path,
            budget: budget)
        // Each chunk's first line, first row and first entry: those of the chunks before it.
        var firstLines = [1], rowOffsets = [0], entryOffsets = [0]
        for index in 0..<count - 1 {
            firstLines.append(firstLines[index] + counts[index].lines)
            rowOffsets.append(rowOffsets[index] + counts[index].lines)
            entryOffsets.append(entryOffsets[index] + counts[index].colons)
        }
        // The arrays are allocated once and left unwritten (they hold plain numbers): each page is
        // first touched by the thread that parses into it, not zeroed on this one beforehand.
        // One spare element each, so that none is empty (an empty one may have no address).
        var arrays = Arrays<Element>()
        var rows = 0, entries = 0
        arrays.rowStarts = try [Int](unsafeUninitializedCapacity: rowCapacity + 1) { rowStarts, rowStartsCount in
            arrays.targets = try [Element](unsafeUninitializedCapacity: rowCapacity + 1) { targets, targetsCount in
                arrays.columns = try [Int32](unsafeUninitializedCapacity: entryCapacity + 1) { columns, columnsCount in
                    arrays.values = try [Element](unsafeUninitializedCapacity: entryCapacity + 1) { values, valuesCount in
                        let bases = UncheckedSendable(
                            (rowStarts.baseAddress!, targets.baseAddress!, columns.baseAddress!, values.baseAddress!))
                        // Pass 2: each chunk writes its rows' ends counted from its own first entry.
                        let outcomes = pool.map(chunks: count) { index in
                            let (rowStarts, targets, columns, values) = bases.value
                            let rows = rowOffsets[index], entries = entryOffsets[index]
                            let storage = LIBSVMStorage<Element>(
                                rowEnds: rowStarts + 1 + rows, targets: targets + rows, columns: columns + entries,
                                values: values + entries,
                                rowCapacity: counts[index].lines, entryCapacity: counts[index].colons)
                            var outcome = LIBSVMRunOutcome()
                            do {
                                try forEachRunOfLines(of: shared.value, from: bounds[index], to: bounds[index + 1]) {
                                    bytes, count in
                                    try LIBSVMLines.parse(
                                        bytes, count: count, firstLine: firstLines[index], indexing: indexing, storage: storage, path: path,
                                        fileSize: file.size, outcome: &outcome)
                                }
                            } catch let FileError.lineTooLong(path, _, limit) {
                                // The window reader cannot know the line; the chunk's count can.
                                outcome.error = FileError.lineTooLong(
                                    path: path, line: firstLines[index] + outcome.lines, limitBytes: limit)
                            } catch {
                                outcome.error = error
                            }
                            return outcome
                        }
                        // The first error in file order: each chunk stopped at its own first one.
                        if let error = outcomes.lazy.compactMap(\.error).first { throw error }
                        // The stretches moved together in order (each moves down or stays, so a
                        // forward copy is safe); row ends counted from the first entry of the file.
                        rowStarts[0] = 0
                        for (index, outcome) in outcomes.enumerated() {
                            let fromRow = rowOffsets[index], fromEntry = entryOffsets[index]
                            for row in 0..<outcome.rows { rowStarts[rows + 1 + row] = entries + rowStarts[fromRow + 1 + row] }
                            if fromRow != rows, outcome.rows > 0 {
                                memmove(
                                    targets.baseAddress! + rows, targets.baseAddress! + fromRow, outcome.rows * MemoryLayout<Element>.stride
                                )
                            }
                            if fromEntry != entries, outcome.entries > 0 {
                                memmove(columns.baseAddress! + entries, columns.baseAddress! + fromEntry, outcome.entries * 4)
                                memmove(
                                    values.baseAddress! + entries, values.baseAddress! + fromEntry,
                                    outcome.entries * MemoryLayout<Element>.stride)
                            }
                            rows += outcome.rows
                            entries += outcome.entries
                            arrays.largestColumn = Swift.max(arrays.largestColumn, outcome.largestColumn)
                        }
                        // Room counted for blank and comment lines, `qid:` and colons in comments stays unused.
                        valuesCount = entries
                    }
                    columnsCount = entries
                }
                targetsCount = rows
            }
            rowStartsCount = rows + 1
        }
        arrays.bytesRead = size
        return arrays
    }

    /// Runs of whole lines from a pipe or device, parsed as they come into growing arrays.
    private static func readStream<Element: BLASScalar>(
        descriptor: Int32, path: String, indexing: LIBSVMIndexing, budget: Int?
    ) throws -> Arrays<Element> {
        var stream = try LineStream(descriptor: descriptor, path: path)
        // One spare element each, as in readFile.
        var arrays = Arrays<Element>(targets: [0], columns: [0], values: [0])
        var outcome = LIBSVMRunOutcome()
        do {
            while try stream.nextLines({ bytes, count in
                let counted = countLinesAndColons(bytes, count: count)
                let lines = counted.lines + (bytes[count - 1] == 0x0A ? 0 : 1)
                // Twice the room: the arrays grow by doubling.
                try checkMemory(
                    rows: 2 * (outcome.rows + lines), entries: 2 * (outcome.entries + counted.colons),
                    features: indexing.featureCount ?? 0, element: Element.self, path: path, budget: budget)
                arrays.rowStarts.append(contentsOf: repeatElement(0, count: lines))
                arrays.targets.append(contentsOf: repeatElement(0, count: lines))
                arrays.columns.append(contentsOf: repeatElement(0, count: counted.colons))
                arrays.values.append(contentsOf: repeatElement(0, count: counted.colons))
                try arrays.rowStarts.withUnsafeMutableBufferPointer { rowStarts in
                    try arrays.targets.withUnsafeMutableBufferPointer { targets in
                        try arrays.columns.withUnsafeMutableBufferPointer { columns in
                            try arrays.values.withUnsafeMutableBufferPointer { values in
                                let storage = LIBSVMStorage<Element>(
                                    rowEnds: rowStarts.baseAddress! + 1, targets: targets.baseAddress!, columns: columns.baseAddress!,
                                    values: values.baseAddress!, rowCapacity: targets.count - 1, entryCapacity: columns.count - 1)
                                try LIBSVMLines.parse(
                                    bytes, count: count, firstLine: 1, indexing: indexing, storage: storage, path: path, fileSize: 0,
                                    outcome: &outcome)
                            }
                        }
                    }
                }
                arrays.trim(rows: outcome.rows, entries: outcome.entries, spare: 1)
            }) {}
        } catch let FileError.lineTooLong(path, _, limit) {
            throw FileError.lineTooLong(path: path, line: outcome.lines + 1, limitBytes: limit)
        }
        arrays.trim(rows: outcome.rows, entries: outcome.entries, spare: 0)
        arrays.largestColumn = outcome.largestColumn
        arrays.bytesRead = stream.bytesRead
        return arrays
    }
}
