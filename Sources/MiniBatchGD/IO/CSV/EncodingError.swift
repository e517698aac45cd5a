/// A categorical (text) column of a CSV file that cannot be encoded: a missing value, text that
/// is not UTF-8, or a level the encoding has not seen. Lines are the file's, 1-based (the header
/// is line 1).
public enum EncodingError: MiniBatchGDError, Equatable, Sendable {
    /// An empty cell in categorical column `column`: a missing value has no level.
    case missingLevel(path: String, line: Int, column: String)
    /// A cell of categorical column `column` that is not UTF-8 text.
    case notUTF8(path: String, line: Int, column: String)
    /// A value of categorical column `column` that the encoding was not learned with: `known`
    /// holds the levels it knows, the first the reference.
    case unknownLevel(path: String, line: Int, column: String, level: String, known: [String])

    /// ``ErrorKind/file`` for a cell that cannot be read as a level, ``ErrorKind/input`` for a level
    /// the encoding does not know.
    public var kind: ErrorKind {
        switch self {
        case .missingLevel, .notUTF8: .file
        case .unknownLevel: .input
        }
    }

    /// The message for a user: what went wrong and where.
    public var description: String {
        switch self {
        case let .missingLevel(path, line, column):
            return
                "\(path):\(line): the categorical column '\(column)' is empty: a missing value has no level; fill it in (with a level of its own, such as 'missing') or drop the row"
        case let .notUTF8(path, line, column):
            return "\(path):\(line): the categorical column '\(column)' holds bytes that are not UTF-8 text"
        case let .unknownLevel(path, line, column, level, known):
            let shown = known.prefix(10).map { "'\($0)'" }.joined(separator: ", ")
            return
                "\(path):\(line): the level '\(level)' of column '\(column)' was not seen in training (it knows \(known.count): \(shown)\(known.count > 10 ? ", …" : ""))"
        }
    }
}
