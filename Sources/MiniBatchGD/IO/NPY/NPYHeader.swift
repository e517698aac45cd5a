/// The header dictionary of a `.npy` file, read as numpy reads it: a Python literal
/// (`{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`) with quoted strings and their
/// escapes, `True`/`False`, integers and tuples; exactly the keys `descr`, `fortran_order` and
/// `shape`, each once.
struct NPYHeader: Equatable {
    var descriptor: String
    var fortranOrder: Bool
    var shape: [Int]

    init(descriptor: String, fortranOrder: Bool, shape: [Int]) {
        self.descriptor = descriptor
        self.fortranOrder = fortranOrder
        self.shape = shape
    }

    /// - Throws: ``FileError/malformed(path:reason:)`` saying what is wrong and where.
    init(_ text: String, path: String) throws {
        var parser = Parser(characters: Array(text.unicodeScalars), path: path)
        let entries = try parser.dictionary()
        var values: [String: Parser.Value] = [:]
        for (key, value) in entries {
            guard values.updateValue(value, forKey: key) == nil else { throw parser.failure("the header repeats the key '\(key)'") }
        }
        guard Set(values.keys) == ["descr", "fortran_order", "shape"] else {
            throw parser.failure("the header's keys are \(values.keys.sorted()), not descr, fortran_order and shape")
        }
        guard case let .string(descriptor) = values["descr"]! else {
            throw parser.failure("descr is not a string (structured arrays are not supported)")
        }
        guard case let .boolean(fortranOrder) = values["fortran_order"]! else { throw parser.failure("fortran_order is not True or False") }
        guard case let .tuple(shape) = values["shape"]! else { throw parser.failure("shape is not a tuple of integers") }
        self.descriptor = descriptor
        self.fortranOrder = fortranOrder
        self.shape = shape
    }

    private struct Parser {
        enum Value: Equatable {
            case string(String)
            case boolean(Bool)
            case integer(Int)
            case tuple([Int])
        }

        let characters: [Unicode.Scalar]
        let path: String
        var position = 0

        func failure(_ reason: String) -> FileError { .malformed(path: path, reason: "bad header: \(reason)") }

        private mutating func skipBlanks() {
            while position < characters.count, [" ", "\t", "\n", "\r"].contains(characters[position]) { position += 1 }
        }

        private mutating func expect(_ character: Unicode.Scalar) throws {
            skipBlanks()
            guard position < characters.count, characters[position] == character else {
                throw failure("expected '\(character)' at character \(position + 1)")
            }
            position += 1
        }

        /// `true` (and consumed) when the next non-blank character is `character`.
        private mutating func accept(_ character: Unicode.Scalar) -> Bool {
            skipBlanks()
            guard position < characters.count, characters[position] == character else { return false }
            position += 1
            return true
        }

        mutating func dictionary() throws -> [(String, Value)] {
            try expect("{")
            var entries: [(String, Value)] = []
            while !accept("}") {
                guard case let .string(key) = try value() else { throw failure("a key is not a string") }
                try expect(":")
                entries.append((key, try value()))
                if !accept(",") {
                    try expect("}")
                    break
                }
            }
            skipBlanks()
            guard position == characters.count else { throw failure("text after the dictionary at character \(position + 1)") }
            return entries
        }

        private mutating func value() throws -> Value {
            skipBlanks()
            guard position < characters.count else { throw failure("the header ends in the middle") }
            let first = characters[position]
            if first == "'" || first == "\"" { return .string(try string()) }
            if first == "(" { return .tuple(try tuple()) }
            if first == "-" || ("0"..."9").contains(first) { return .integer(try integer()) }
            for (word, value) in [("True", true), ("False", false)] where matches(word) {
                position += word.unicodeScalars.count
                return .boolean(value)
            }
            throw failure("unexpected '\(first)' at character \(position + 1)")
        }

        private func matches(_ word: String) -> Bool {
            let scalars = Array(word.unicodeScalars)
            guard position + scalars.count <= characters.count, Array(characters[position..<position + scalars.count]) == scalars else {
                return false
            }
            // A whole word: `Truex` is not True.
            let next = position + scalars.count
            return next == characters.count || !(characters[next].properties.isAlphabetic || ("0"..."9").contains(characters[next]))
        }

        private mutating func string() throws -> String {
            let quote = characters[position]
            position += 1
            var result = ""
            while true {
                guard position < characters.count else { throw failure("a string is not closed") }
                let character = characters[position]
                position += 1
                if character == quote { return result }
                if character == "\\" {
                    guard position < characters.count else { throw failure("a string is not closed") }
                    let escaped = characters[position]
                    position += 1
                    switch escaped {
                    case "n": result.unicodeScalars.append("\n")
                    case "t": result.unicodeScalars.append("\t")
                    case "\\", "'", "\"": result.unicodeScalars.append(escaped)
                    default: throw failure("the escape '\\\(escaped)' is not supported")
                    }
                } else {
                    result.unicodeScalars.append(character)
                }
            }
        }

        private mutating func integer() throws -> Int {
            skipBlanks()
            let start = position
            if position < characters.count, characters[position] == "-" { position += 1 }
            var value = 0
            var digits = 0
            while position < characters.count, let digit = Int(String(characters[position])), ("0"..."9").contains(characters[position]) {
                let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(digit)
                guard !overflow1, !overflow2 else { throw failure("the integer at character \(start + 1) is too large") }
                value = sum
                digits += 1
                position += 1
            }
            guard digits > 0 else { throw failure("expected an integer at character \(start + 1)") }
            if position < characters.count, characters[position] == "L" { position += 1 }  // Python 2's long suffix
            return characters[start] == "-" ? -value : value
        }

        private mutating func tuple() throws -> [Int] {
            try expect("(")
            var items: [Int] = []
            while !accept(")") {
                items.append(try integer())
                if !accept(",") {
                    try expect(")")
                    break
                }
            }
            return items
        }
    }
}
