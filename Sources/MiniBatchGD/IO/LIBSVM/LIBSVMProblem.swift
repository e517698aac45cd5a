/// What is wrong with a libsvm/svmlight line's target or `index:value` entry: the `problem` of
/// ``FileError/badLIBSVMEntry(path:line:entry:text:problem:)``. Indices are as written in the file.
public enum LIBSVMProblem: Equatable, Sendable {
    /// The line's first field is not a number (a line starts with its target).
    case badTarget
    /// The target is NaN, an infinity or beyond `Double`'s range.
    case nonFiniteTarget
    /// An entry without the `:` between index and value.
    case missingColon
    /// An index that is not a whole number.
    case badIndex
    /// Index 0 in a file read as 1-based (libsvm's own convention): the file may be 0-based.
    case zeroIndex
    /// A negative index.
    case negativeIndex
    /// An index beyond `largest`, the last a 32-bit column index reaches.
    case indexTooLarge(largest: Int)
    /// An index beyond `largest`, the last of the `featureCount` features asked for.
    case indexBeyondFeatureCount(featureCount: Int, largest: Int)
    /// An index not above the one before it (`previous`) on its line: libsvm, and scikit-learn's
    /// reader, need each line's indices increasing.
    case indexNotIncreasing(previous: Int)
    /// An index that appears twice on its line.
    case repeatedIndex
    /// A value that is not a number.
    case badValue
    /// A value that is NaN, an infinity or beyond `Double`'s range.
    case nonFiniteValue
    /// A finite value (or target) beyond `Float`'s range, read as `Float`.
    case beyondFloat

    /// What is wrong with the entry `text` (the target when `entry` is 0), and what to do.
    package func message(entry: Int, text: String) -> String {
        let subject = entry == 0 ? "the target '\(text)'" : "entry \(entry) '\(text)'"
        let index = text.prefix { $0 != ":" }
        switch self {
        case .badTarget:
            return "\(subject) is not a number (each line starts with its target, then index:value entries)"
        case .nonFiniteTarget:
            return "\(subject) is not a finite number (NaN, infinity or beyond Double's range)"
        case .missingColon:
            return "\(subject) is not index:value (no ':')"
        case .badIndex:
            return "\(subject): the index '\(index)' is not a whole number"
        case .zeroIndex:
            return "\(subject): index 0 in rows read as 1-based; if their indices start at 0, pass --zero-based"
        case .negativeIndex:
            return "\(subject): the index \(index) is negative; indices count from 1 (from 0 with --zero-based)"
        case let .indexTooLarge(largest):
            return "\(subject): the index \(index) is beyond \(largest), the largest a 32-bit column index allows"
        case let .indexBeyondFeatureCount(featureCount, largest):
            return
                "\(subject): the index \(index) is beyond \(largest), the last of the \(featureCount) features asked for (--n-features \(featureCount)); ask for more, or leave --n-features out to take the largest index"
        case let .indexNotIncreasing(previous):
            return "\(subject): index \(index) comes after index \(previous); indices must increase along a line: sort each line's indices"
        case .repeatedIndex:
            return
                "\(subject): index \(index) appears twice on the line; each index may appear once: sort each line's indices and merge repeated ones"
        case .badValue:
            return "\(subject): the value '\(text.drop { $0 != ":" }.dropFirst())' is not a number"
        case .nonFiniteValue:
            return
                "\(subject): the value '\(text.drop { $0 != ":" }.dropFirst())' is not a finite number (NaN, infinity or beyond Double's range)"
        case .beyondFloat:
            let what = entry == 0 ? subject : "\(subject): the value \(text.drop { $0 != ":" }.dropFirst())"
            return "\(what) is beyond Float's range (±3.4e38); read the file in float64 (--precision float64)"
        }
    }
}
