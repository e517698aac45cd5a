import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Parses libsvm/svmlight lines, `target [qid:N] index:value … [# comment]`, as scikit-learn's
/// `load_svmlight_file` reads them: fields split at ASCII blanks (space, tab, `\r`, `\v`, `\f`,
/// so CRLF ends and trailing blanks are nothing), everything from a `#` on dropped, a line
/// left blank skipped, a `qid:` right after the target ignored, indices strictly increasing.
/// Numbers are read by ``NumberParser`` (correctly rounded to `Double`), then stored as `Element`.
enum LIBSVMLines {
    /// Parses the lines in `bytes[0 ..< count]` (each ended by `\n`, the last one possibly not),
    /// the first of them line `firstLine + outcome.lines`, writing row `outcome.rows` on and entry
    /// `outcome.entries` on into `storage`. `outcome` carries on from the previous run of the
    /// same storage.
    /// - Throws: ``FileError/badLIBSVMEntry(path:line:entry:text:problem:)`` for the first bad
    ///   target or entry; ``FileError/changedWhileRead(path:bytesWhenOpened:bytesRead:)`` when
    ///   the lines hold more rows or entries than were counted (the file changed between passes).
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    static func parse<Element: BLASScalar>(
        _ bytes: UnsafePointer<UInt8>, count: Int, firstLine: Int, indexing: LIBSVMIndexing, storage: LIBSVMStorage<Element>,
        path: String, fileSize: Int, outcome: inout LIBSVMRunOutcome
    ) throws {
        var lineStart = 0
        while lineStart < count {
            let newline =
                memchr(bytes + lineStart, 0x0A, count - lineStart).map {
                    UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - bytes
                } ?? count
            // A comment runs from the first '#' to the line end, wherever it starts (scikit-learn's rule).
            let end =
                memchr(bytes + lineStart, 0x23, newline - lineStart).map {
                    UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - bytes
                } ?? newline
            try parseLine(
                bytes, from: lineStart, to: end, readable: count, line: firstLine + outcome.lines, indexing: indexing, storage: storage,
                path: path, fileSize: fileSize, outcome: &outcome)
            outcome.lines += 1
            lineStart = newline + 1
        }
    }

    /// Space, `\t`, `\n`, `\v`, `\f`, `\r`: what Python's `bytes.split()` splits at.
    @inline(__always)
    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte &- 0x09 < 5 }

    @inline(__always)
    private static func parseLine<Element: BLASScalar>(
        _ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int, readable limit: Int, line: Int, indexing: LIBSVMIndexing,
        storage: LIBSVMStorage<Element>, path: String, fileSize: Int, outcome: inout LIBSVMRunOutcome
    ) throws {
        // The number that starts at `i` and fills its field, if plain: short ones a run of
        // digits at a time, others digit by digit.
        @inline(__always) func plainField(_ i: Int) -> (value: Double, next: Int)? {
            if let (value, next) = NumberParser.shortPrefix(bytes, from: i, readable: limit), next == end || isBlank(bytes[next]) {
                return (value, next)
            }
            if let (value, next) = NumberParser.plainPrefix(bytes, from: i, to: end), next == end || isBlank(bytes[next]) {
                return (value, next)
            }
            return nil
        }
        var i = start
        while i < end, isBlank(bytes[i]) { i += 1 }
        if i == end { return }  // blank, or only a comment
        func tokenEnd(_ from: Int) -> Int {
            var position = from
            while position < end, !isBlank(bytes[position]) { position += 1 }
            return position
        }
        func refuse(_ entry: Int, _ from: Int, _ problem: LIBSVMProblem) -> FileError {
            let text = String(decoding: UnsafeBufferPointer(start: bytes + from, count: tokenEnd(from) - from), as: UTF8.self)
            return .badLIBSVMEntry(path: path, line: line, entry: entry, text: text, problem: problem)
        }
        guard outcome.rows < storage.rowCapacity else {
            throw FileError.changedWhileRead(path: path, bytesWhenOpened: fileSize, bytesRead: fileSize)
        }
        // The target.
        let targetStart = i
        let target: Double
        if let (value, next) = plainField(i) {
            target = value
            i = next
        } else {
            i = tokenEnd(i)
            switch number(bytes, from: targetStart, to: i) {
            case let .value(value): target = value
            case .notANumber: throw refuse(0, targetStart, .badTarget)
            case .nonFinite: throw refuse(0, targetStart, .nonFiniteTarget)
            }
        }
        let storedTarget = Element(target)
        guard storedTarget.isFinite else { throw refuse(0, targetStart, .beyondFloat) }
        // The entries.
        var entry = 0, previous = -1
        while true {
            while i < end, isBlank(bytes[i]) { i += 1 }
            if i == end { break }
            let entryStart = i
            if entry == 0, end - i >= 4, bytes[i] == 0x71, bytes[i + 1] == 0x69, bytes[i + 2] == 0x64, bytes[i + 3] == 0x3A {
                i = tokenEnd(i)  // qid:N, a query id for ranking: not a feature
                entry = -1  // only right after the target
                continue
            }
            entry = entry < 0 ? 1 : entry + 1
            // The index: [+-]digits, then ':'.
            var negative = false
            if bytes[i] == 0x2B || bytes[i] == 0x2D {
                negative = bytes[i] == 0x2D
                i += 1
            }
            let digitsStart = i
            var index = 0
            if limit - i >= 8 {
                // One to seven digits then ':' (nearly every index): read as one run.
                let run = DigitRun.upToEight(bytes + i)
                if run.count < 8, bytes[i + run.count] == 0x3A {
                    index = Int(run.value)
                    i += run.count
                }
            }
            while i < end, bytes[i] &- 0x30 < 10 {
                // Saturates far above any 32-bit index, so that a long run of digits stays too large.
                if index < 1 << 40 { index = index * 10 + Int(bytes[i] &- 0x30) }
                i += 1
            }
            guard i > digitsStart, i < end, bytes[i] == 0x3A else {
                let tokenEnd = tokenEnd(entryStart)
                let hasColon = memchr(bytes + entryStart, 0x3A, tokenEnd - entryStart) != nil
                throw refuse(entry, entryStart, hasColon ? .badIndex : .missingColon)
            }
            if negative, index != 0 { throw refuse(entry, entryStart, .negativeIndex) }
            if index < indexing.first { throw refuse(entry, entryStart, .zeroIndex) }
            if index > indexing.largestRepresentable {
                throw refuse(entry, entryStart, .indexTooLarge(largest: indexing.largestRepresentable))
            }
            if index > indexing.largest, let featureCount = indexing.featureCount {
                throw refuse(entry, entryStart, .indexBeyondFeatureCount(featureCount: featureCount, largest: indexing.largest))
            }
            if index <= previous {
                throw refuse(entry, entryStart, index == previous ? .repeatedIndex : .indexNotIncreasing(previous: previous))
            }
            // The value.
            i += 1
            let valueStart = i
            let value: Double
            if let (parsed, next) = plainField(i) {
                value = parsed
                i = next
            } else {
                i = tokenEnd(i)
                switch number(bytes, from: valueStart, to: i) {
                case let .value(parsed): value = parsed
                case .notANumber: throw refuse(entry, entryStart, .badValue)
                case .nonFinite: throw refuse(entry, entryStart, .nonFiniteValue)
                }
            }
            let stored = Element(value)
            guard stored.isFinite else { throw refuse(entry, entryStart, .beyondFloat) }
            guard outcome.entries < storage.entryCapacity else {
                throw FileError.changedWhileRead(path: path, bytesWhenOpened: fileSize, bytesRead: fileSize)
            }
            storage.columns[outcome.entries] = Int32(truncatingIfNeeded: index - indexing.first)
            storage.values[outcome.entries] = stored
            outcome.entries += 1
            previous = index
        }
        // Indices increase along a line: its last is its largest.
        if previous >= 0 { outcome.largestColumn = Swift.max(outcome.largestColumn, previous - indexing.first) }
        storage.targets[outcome.rows] = storedTarget
        storage.rowEnds[outcome.rows] = outcome.entries
        outcome.rows += 1
    }

    /// The number a whole field `bytes[start ..< end]` holds; quotes, which ``NumberParser``
    /// allows in a CSV cell, are refused (scikit-learn's `float` refuses them).
    private static func number(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) -> NumberParser.Outcome {
        guard start < end, bytes[start] != 0x22 else { return .notANumber }
        return NumberParser.parse(UnsafeBufferPointer(start: bytes + start, count: end - start))
    }
}
