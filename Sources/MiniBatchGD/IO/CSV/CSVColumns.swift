/// Where each column of a CSV file goes: into the features, into the targets, or nowhere.
///
/// Skipped columns are split off but never parsed, so they may hold anything (text, dates,
/// empty cells) as long as quotes balance on the line. Text columns (categorical features) are
/// handed, unquoted, to a ``CSVLevels`` that numbers their distinct values.
struct CSVColumnPlan: Sendable {
    /// Per file column: `0..<textBase` a feature position, `-1` skipped, `<= -2` target
    /// `-(slot + 2)`, `>= textBase` text column `slot - textBase`.
    let slots: [Int]
    /// The numeric feature columns.
    let featureNames: [String]
    let targetNames: [String]
    /// The text columns, in the order asked for.
    let textNames: [String]

    static let skipped = -1
    /// The first slot of a text column: beyond any feature position.
    static let textBase = 1 << 40

    /// Features `features` (all other columns when nil) and targets `targets` (the last column
    /// when nil, none when empty), both in the order asked for.
    /// - Throws: ``FileError/unknownColumn(path:name:available:)``, ``ArgumentError``
    ///   for a name given twice or both as a target and a feature, ``FileError/badHeader(path:reason:)``
    ///   when no feature column is left.
    /// `text` names text columns: features whatever `features` says, taken out of the numeric ones.
    init(header: [String], targets: [String]?, features: [String]?, text: [String] = [], path: String) throws {
        let targetNames = targets ?? [header.last!]
        try Self.checkDistinct(targetNames, argument: "targets")
        if let features { try Self.checkDistinct(features, argument: "features") }
        try Self.checkDistinct(text, argument: "categorical")
        // Positions by name: files with a million columns exist, so nothing here is quadratic.
        var position = [String: Int](minimumCapacity: header.count)
        for (index, name) in header.enumerated() { position[name] = index }
        for name in targetNames + (features ?? []) + text where position[name] == nil {
            throw FileError.unknownColumn(path: path, name: name, available: header)
        }
        let isTarget = Set(targetNames)
        if let features, let both = features.first(where: isTarget.contains) {
            throw ArgumentError(argument: "features", value: "'\(both)'", requirement: "is also a target")
        }
        if let both = text.first(where: isTarget.contains) {
            throw ArgumentError(argument: "categorical", value: "'\(both)'", requirement: "is also a target")
        }
        let isText = Set(text)
        let featureNames = (features ?? header.filter { !isTarget.contains($0) }).filter { !isText.contains($0) }
        guard !featureNames.isEmpty || !text.isEmpty else {
            throw FileError.badHeader(path: path, reason: "every column is a target; at least one feature column is needed")
        }
        var slots = [Int](repeating: Self.skipped, count: header.count)
        for (index, name) in featureNames.enumerated() { slots[position[name]!] = index }
        for (index, name) in targetNames.enumerated() { slots[position[name]!] = -(index + 2) }
        for (index, name) in text.enumerated() { slots[position[name]!] = Self.textBase + index }
        self.slots = slots
        self.featureNames = featureNames
        self.targetNames = targetNames
        textNames = text
    }

    private static func checkDistinct(_ names: [String], argument: String) throws {
        if let twice = firstRepeated(names) {
            throw ArgumentError(argument: argument, value: "'\(twice)'", requirement: "names the same column twice")
        }
    }
}

/// The cells of one CSV line, RFC 4180 style: a cell may be double-quoted (then it may hold
/// commas, and `""` stands for a quote); blanks around a cell are ignored. A quoted cell cannot
/// span lines.
enum CSVCells {
    /// The end of the cell that starts at `start` (the position of its comma or `end`).
    /// - Throws: ``FileError/badQuotes(path:line:column:)`` for a quote that does not close on
    ///   the line, or text after a closing quote.
    @inline(__always)
    static func cellEnd(
        _ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int,
        path: String, line: Int, column: Int
    ) throws -> Int {
        var probe = start
        while probe < end, bytes[probe] == 0x20 || bytes[probe] == 0x09 { probe += 1 }
        guard probe < end, bytes[probe] == 0x22 else {
            var position = start
            while position < end, bytes[position] != 0x2C { position += 1 }
            return position
        }
        var position = probe + 1
        while true {
            guard position < end else { throw FileError.badQuotes(path: path, line: line, column: column) }
            if bytes[position] == 0x22 {
                if position + 1 < end, bytes[position + 1] == 0x22 {
                    position += 2
                    continue
                }
                break
            }
            position += 1
        }
        position += 1
        while position < end, bytes[position] == 0x20 || bytes[position] == 0x09 { position += 1 }
        guard position == end || bytes[position] == 0x2C else {
            throw FileError.badQuotes(path: path, line: line, column: column)
        }
        return position
    }

    /// The header's names: unquoted, `""` unescaped, trimmed.
    /// - Throws: ``FileError/badHeader(path:reason:)`` for text that is not UTF-8, an unbalanced
    ///   quote, an empty or repeated name.
    static func header(_ line: UnsafeBufferPointer<UInt8>, path: String) throws -> [String] {
        guard String(validating: line, as: UTF8.self) != nil else {
            throw FileError.badHeader(path: path, reason: "the header is not valid UTF-8")
        }
        var names: [String] = []
        guard let base = line.baseAddress, !line.isEmpty else {
            throw FileError.badHeader(path: path, reason: "column 1 has no name")
        }
        var start = 0
        while true {
            let column = names.count + 1
            let stop: Int
            do { stop = try cellEnd(base, from: start, to: line.count, path: path, line: 1, column: column) } catch {
                throw FileError.badHeader(path: path, reason: "unbalanced quote in column \(column)")
            }
            var name = String(decoding: UnsafeBufferPointer(rebasing: line[start..<stop]), as: UTF8.self)
            name = String(name.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
            if name.hasPrefix("\"") { name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"") }
            guard !name.isEmpty else { throw FileError.badHeader(path: path, reason: "column \(column) has no name") }
            names.append(name)
            if stop == line.count { break }
            start = stop + 1
        }
        if let twice = firstRepeated(names) {
            throw FileError.badHeader(path: path, reason: "the name '\(twice)' appears twice")
        }
        return names
    }
}
