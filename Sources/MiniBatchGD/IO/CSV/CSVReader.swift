import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a numeric CSV file into a ``Dataset``.
///
/// The format: a first line of column names; then one row per line of comma-separated cells;
/// `\n` or `\r\n` line ends; blank lines only at the end; a UTF-8 byte-order mark is skipped.
/// Cells and names may be double-quoted (RFC 4180: a quoted cell may hold commas, `""` is a
/// quote) but cannot span lines. Cells in the columns used (targets and features) must be
/// decimal numbers, correctly rounded to `Double`; columns not used are skipped whatever they
/// hold, text included.
///
/// A regular file is read by position in 4 MiB windows and parsed in parallel, one chunk of lines
/// per core, straight into the feature and target matrices (not mapped: a file cut short while
/// it is read is an error, not SIGBUS); other files (pipes, devices) are streamed in 1 MiB
/// chunks. Either way the text is never held whole on the heap.
public enum CSVReader {
    /// The column names of the file's header.
    /// - Throws: ``FileError``.
    public static func header(path: String) throws -> [String] {
        var names: [String] = []
        try withLines(
            path: path,
            header: {
                names = $0
                return nil
            }, memoryLimit: nil)
        return names
    }

    /// Reads `path`, taking the columns named in `targets` (the last column when empty) as
    /// targets and those named in `features` (every other column when nil) as features, each in
    /// the order given. Other columns are skipped unread.
    /// - Throws: ``FileError`` naming the file, and the line and column where that applies:
    ///   a missing or empty file, a header without rows, a cell that is not a finite number,
    ///   a row of the wrong length, an unknown column name; ``ArgumentError``
    ///   for a name given twice or both as a target and a feature.
    /// - Complexity: O(file size), one pass (two over a regular file's bytes: one counts lines).
    public static func read(path: String, targets: [String] = [], features: [String]? = nil) throws -> Dataset<Double> {
        try read(path: path, targets: targets, features: features, memoryLimit: nil)
    }

    /// The columns `columns` of `path`, in that order, as an n×`columns.count` matrix (for
    /// prediction: a model's features, wherever they sit in the file).
    /// - Throws: ``FileError`` as ``read(path:targets:features:)`` does.
    public static func readColumns(path: String, _ columns: [String]) throws -> Matrix<Double> {
        let table = try load(path: path, targets: [], features: columns, memoryLimit: nil)
        return Matrix(uncheckedRows: table.rows, columns: columns.count, elements: table.features)
    }

    /// ``read(path:targets:features:)`` with an explicit memory budget in bytes (nil: what is available).
    static func read(path: String, targets: [String], features: [String]? = nil, memoryLimit: Int?) throws -> Dataset<Double> {
        let table = try load(path: path, targets: targets.isEmpty ? nil : targets, features: features, memoryLimit: memoryLimit)
        let plan = table.plan
        // Every value was checked finite as it was parsed: no second pass.
        return Dataset(
            unchecked: Matrix(uncheckedRows: table.rows, columns: plan.featureNames.count, elements: table.features),
            Matrix(uncheckedRows: table.rows, columns: plan.targetNames.count, elements: table.targets),
            plan.featureNames, plan.targetNames)
    }

    struct Table {
        var plan: CSVColumnPlan
        var rows: Int
        var features: [Double]
        var targets: [Double]
        /// The text columns' levels and each row's, when the plan has text columns.
        var text: CSVTextColumns? = nil
    }

    /// The rows of `path` laid out by the plan built from its header (`text`: the text columns).
    static func load(path: String, targets: [String]?, features: [String]?, text: [String] = [], memoryLimit: Int?) throws -> Table {
        var plan: CSVColumnPlan?
        var table: Table?
        try withLines(
            path: path,
            header: { header in
                plan = try CSVColumnPlan(header: header, targets: targets, features: features, text: text, path: path)
                return plan
            },
            body: { source in
                table = try source.read(plan: plan!, path: path, memoryLimit: memoryLimit)
            }, memoryLimit: memoryLimit)
        guard let table else { throw FileError.headerOnly(path: path) }
        guard table.rows > 0 else { throw FileError.headerOnly(path: path) }
        return table
    }

    /// The names on the first line of `stream` (a UTF-8 byte order mark and a `\r` dropped).
    /// - Throws: ``FileError/empty(path:)``, ``FileError/badHeader(path:reason:)``.
    static func header(of stream: inout LineStream, path: String) throws -> [String] {
        guard let line = try stream.nextLine() else { throw FileError.empty(path: path) }
        var text = line
        if text.count >= 3, text[0] == 0xEF, text[1] == 0xBB, text[2] == 0xBF { text.removeFirst(3) }
        if text.last == 0x0D { text.removeLast() }
        return try text.withUnsafeBufferPointer { try CSVCells.header($0, path: path) }
    }

    /// Opens `path`, hands the header's names to `header` and, when it returns a plan, the rest
    /// of the file to `body` as a positional file (regular files) or a stream.
    private static func withLines(
        path: String, header: ([String]) throws -> CSVColumnPlan?,
        body: (CSVSource) throws -> Void = { _ in }, memoryLimit: Int?
    ) throws {
        let (descriptor, status) = try openForReadingWithStatus(path)
        if (status.st_mode & S_IFMT) == S_IFREG {
            // Read by position, not mapped: a file cut short while it is read is an error, not SIGBUS.
            let file = PositionalFile(adopting: descriptor, path: path, size: Int(status.st_size))
            let size = file.size
            guard size > 0 else { throw FileError.empty(path: path) }
            // The header: the first line, read in growing windows.
            var window = Swift.min(size, 1 << 16)
            var head = try file.bytes(at: 0, count: window, expectedTotal: size)
            while head.firstIndex(of: 0x0A) == nil, window < size {
                guard window < LineStream.maximumLineBytes else {
                    throw FileError.lineTooLong(path: path, line: 1, limitBytes: LineStream.maximumLineBytes)
                }
                window = Swift.min(size, 4 * window)
                head = try file.bytes(at: 0, count: window, expectedTotal: size)
            }
            var start = 0
            if head.count >= 3, head[0] == 0xEF, head[1] == 0xBB, head[2] == 0xBF { start = 3 }
            if start == size { throw FileError.empty(path: path) }
            let newline = head[start...].firstIndex(of: 0x0A) ?? head.count
            var headerEnd = newline
            if headerEnd > start, head[headerEnd - 1] == 0x0D { headerEnd -= 1 }
            let names = try head.withUnsafeBufferPointer {
                try CSVCells.header(UnsafeBufferPointer(rebasing: $0[start..<headerEnd]), path: path)
            }
            guard try header(names) != nil, newline + 1 < size else { return }
            try body(.file(file, start: newline + 1))
        } else {
            defer { close(descriptor) }
            var stream = try LineStream(descriptor: descriptor, path: path)
            let names = try Self.header(of: &stream, path: path)
            guard try header(names) != nil else { return }
            try body(.stream(stream))
        }
    }
}

/// The lines after the header: a regular file from `start`, or a stream.
enum CSVSource {
    case file(PositionalFile, start: Int)
    case stream(LineStream)

    /// Below this many bytes a file is parsed on one thread.
    static let parallelThreshold = 4 << 20

    func read(plan: CSVColumnPlan, path: String, memoryLimit: Int?) throws -> CSVReader.Table {
        switch self {
        case let .file(file, start):
            return try Self.readFile(file, from: start, plan: plan, path: path, memoryLimit: memoryLimit)
        case var .stream(stream):
            return try Self.readStream(&stream, plan: plan, path: path, memoryLimit: memoryLimit)
        }
    }

    /// Bytes for `rows` rows of the plan's columns, or nil when that overflows.
    private static func bytesNeeded(rows: Int, plan: CSVColumnPlan) -> Int? {
        // A text cell's number is half a Double.
        let width = plan.featureNames.count + plan.targetNames.count + (plan.textNames.count + 1) / 2
        let (values, overflow) = rows.multipliedReportingOverflow(by: width)
        let (bytes, overflow2) = values.multipliedReportingOverflow(by: MemoryLayout<Double>.stride)
        return overflow || overflow2 ? nil : bytes
    }

    private static func checkMemory(rows: Int, plan: CSVColumnPlan, path: String, limit: Int?) throws {
        guard let needed = bytesNeeded(rows: rows, plan: plan) else {
            throw FileError.tooLarge(path: path, neededBytes: .max, availableBytes: limit ?? MemoryBudget.available() ?? 0)
        }
        try MemoryBudget.check(needed, path: path, limit: limit)
    }

    /// Chunks of whole lines, counted, then parsed in parallel, each into its rows' place, each
    /// read in windows of `window` bytes.
    private static func readFile(
        _ file: PositionalFile, from start: Int, plan: CSVColumnPlan, path: String, memoryLimit: Int?
    ) throws -> CSVReader.Table {
        let end = file.size
        let threads = end - start >= parallelThreshold ? max(1, ProcessInfo.processInfo.activeProcessorCount) : 1
        // Several chunks per thread, so that a slow chunk does not hold the others up.
        let bounds = try chunkBounds(file, from: start, to: end, chunks: threads == 1 ? 1 : 4 * threads)
        let chunks = bounds.count - 1
        let shared = UncheckedSendable(file)
        var counted = [Result<Int, Error>](repeating: .success(0), count: chunks)
        counted.withUnsafeMutableBufferPointer { counts in
            let counts = UncheckedSendable(counts)
            DispatchQueue.concurrentPerform(iterations: chunks) { index in
                counts.value[index] = Result {
                    var lines = 0
                    try forEachWindow(of: shared.value, from: bounds[index], to: bounds[index + 1]) { bytes, count in
                        lines += CSVLines.lineCount(bytes, count: count, isEnd: false)
                    }
                    // A last line without its newline is a line too.
                    if index == chunks - 1, bounds[index] < end, try shared.value.bytes(at: end - 1, count: 1, expectedTotal: end) != [0x0A]
                    {
                        lines += 1
                    }
                    return lines
                }
            }
        }
        let lineCounts = try counted.map { try $0.get() }
        let capacity = lineCounts.reduce(0, +)
        try checkMemory(rows: capacity, plan: plan, path: path, limit: memoryLimit)
        let p = plan.featureNames.count, k = plan.targetNames.count
        // The header is line 1; each chunk starts after the lines of those before it.
        let firstLines = lineCounts.dropLast().reduce(into: [2]) { $0.append($0.last! + $1) }
        var features = [Double](repeating: 0, count: capacity * p)
        var targets = [Double](repeating: 0, count: capacity * k)
        var outcomes = [CSVRunOutcome](repeating: CSVRunOutcome(), count: chunks)
        // One table of levels per chunk, each touched by its chunk's thread alone.
        let levels = plan.textNames.isEmpty ? nil : (0..<chunks).map { _ in CSVLevels(names: plan.textNames, path: path) }
        let sharedLevels = UncheckedSendable(levels)
        features.withUnsafeMutableBufferPointer { featureStorage in
            targets.withUnsafeMutableBufferPointer { targetStorage in
                outcomes.withUnsafeMutableBufferPointer { outcomeStorage in
                    let storage = UncheckedSendable((featureStorage.baseAddress, targetStorage.baseAddress, outcomeStorage))
                    DispatchQueue.concurrentPerform(iterations: chunks) { index in
                        // Lines before this chunk are rows before its rows: blank lines may only
                        // trail, so a chunk after a blank line has no rows or is an error.
                        let rowOffset = firstLines[index] - 2
                        var outcome = CSVRunOutcome()
                        do {
                            try forEachRunOfLines(of: shared.value, from: bounds[index], to: bounds[index + 1]) { bytes, count in
                                try CSVLines.parse(
                                    bytes, count: count, firstLine: firstLines[index] + outcome.lines, plan: plan,
                                    features: storage.value.0.map { $0 + rowOffset * p },
                                    targets: storage.value.1.map { $0 + rowOffset * k },
                                    levels: sharedLevels.value?[index], path: path, outcome: &outcome)
                            }
                        } catch let FileError.lineTooLong(path, _, limit) {
                            // The window reader cannot know the line; the chunk's count can.
                            outcome.error = FileError.lineTooLong(path: path, line: firstLines[index] + outcome.lines, limitBytes: limit)
                        } catch {
                            outcome.error = error
                        }
                        storage.value.2[index] = outcome
                    }
                }
            }
        }
        let rows = try combine(outcomes, columns: plan.slots.count, path: path)
        features.removeLast(features.count - rows * p)
        targets.removeLast(targets.count - rows * k)
        let text = try levels.map { try CSVLevels.merged($0, rows: outcomes.map(\.rows), path: path) }
        return CSVReader.Table(plan: plan, rows: rows, features: features, targets: targets, text: text)
    }

    /// Bytes read at a time by each thread.
    static let window = 4 << 20

    /// `file[from..<to]` in windows, as they come.
    private static func forEachWindow(
        of file: PositionalFile, from start: Int, to end: Int, _ body: (UnsafePointer<UInt8>, Int) throws -> Void
    ) throws {
        var position = start
        while position < end {
            let bytes = try file.bytes(at: position, count: Swift.min(window, end - position), expectedTotal: file.size)
            try bytes.withUnsafeBufferPointer { try body($0.baseAddress!, $0.count) }
            position += bytes.count
        }
    }

    /// `file[from..<to]` in runs of whole lines (the last one may lack its newline at `to`),
    /// a line longer than a window carried into the next read.
    private static func forEachRunOfLines(
        of file: PositionalFile, from start: Int, to end: Int, _ body: (UnsafePointer<UInt8>, Int) throws -> Void
    ) throws {
        var carry: [UInt8] = []
        var position = start
        while position < end {
            let take = Swift.min(window, end - position)
            let bytes = carry + (try file.bytes(at: position, count: take, expectedTotal: file.size))
            position += take
            let cut = position >= end ? bytes.count : (bytes.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0)
            if cut > 0 { try bytes.withUnsafeBufferPointer { try body($0.baseAddress!, cut) } }
            carry = Array(bytes[cut...])
            if carry.count > LineStream.maximumLineBytes {
                // The line number is filled in by the caller, which counts the chunk's lines.
                throw FileError.lineTooLong(path: file.path, line: 0, limitBytes: LineStream.maximumLineBytes)
            }
        }
    }

    /// `chunks + 1` offsets from `start` to `end`, each inner one just after a newline.
    static func chunkBounds(_ file: PositionalFile, from start: Int, to end: Int, chunks: Int) throws -> [Int] {
        var bounds = [start]
        for index in 1..<max(chunks, 1) {
            var position = max(bounds.last!, start + (end - start) / chunks * index)
            var found: Int?
            while found == nil, position < end {
                let probe = try file.bytes(at: position, count: Swift.min(1 << 16, end - position), expectedTotal: end)
                if let newline = probe.firstIndex(of: 0x0A) { found = position + newline + 1 } else { position += probe.count }
            }
            guard let found, found < end else { break }
            bounds.append(found)
        }
        if bounds.last! < end { bounds.append(end) }
        return bounds
    }

    /// The chunks' outcomes in file order: the first error a one-pass reader would have met.
    private static func combine(_ outcomes: [CSVRunOutcome], columns: Int, path: String) throws -> Int {
        var rows = 0
        var blankLine: Int?
        for outcome in outcomes {
            if let blankLine, outcome.firstDataLine != nil {
                throw FileError.raggedRow(path: path, line: blankLine, expected: columns, actual: 0)
            }
            if let error = outcome.error { throw error }
            rows += outcome.rows
            blankLine = blankLine ?? outcome.trailingBlankLine
        }
        return rows
    }

    /// Runs of whole lines from the stream, parsed as they come into growing storage.
    private static func readStream(
        _ stream: inout LineStream, plan: CSVColumnPlan, path: String,
        memoryLimit: Int?
    ) throws -> CSVReader.Table {
        let p = plan.featureNames.count, k = plan.targetNames.count
        let budget = memoryLimit ?? MemoryBudget.available()
        var features: [Double] = [], targets: [Double] = []
        var outcome = CSVRunOutcome()
        let levels = plan.textNames.isEmpty ? nil : CSVLevels(names: plan.textNames, path: path)
        var nextLine = 2, capacity = 0
        while try stream.nextLines({ bytes, count in
            let lines = CSVLines.lineCount(bytes, count: count, isEnd: true)
            capacity += lines
            // Twice the values: the arrays grow by doubling.
            try checkMemory(rows: 2 * capacity, plan: plan, path: path, limit: budget)
            features.append(contentsOf: repeatElement(0, count: lines * p))
            targets.append(contentsOf: repeatElement(0, count: lines * k))
            try features.withUnsafeMutableBufferPointer { featureStorage in
                try targets.withUnsafeMutableBufferPointer { targetStorage in
                    try CSVLines.parse(
                        bytes, count: count, firstLine: nextLine, plan: plan, features: featureStorage.baseAddress,
                        targets: targetStorage.baseAddress, levels: levels, path: path, outcome: &outcome)
                }
            }
            nextLine += lines
        }) {}
        features.removeLast(features.count - outcome.rows * p)
        targets.removeLast(targets.count - outcome.rows * k)
        let text = try levels.map { try CSVLevels.merged([$0], rows: [outcome.rows], path: path) }
        return CSVReader.Table(plan: plan, rows: outcome.rows, features: features, targets: targets, text: text)
    }
}

/// A value handed to the threads of `concurrentPerform`, each of which touches only its own part.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
