/// Bytes that ``OnlineTrainer/restoreState(from:)`` cannot restore.
public enum OnlineStateError: MiniBatchGDError, Equatable, Sendable {
    /// Not a state ``OnlineTrainer/stateBytes()`` wrote, or cut short, altered, of another format.
    case damaged(reason: String)
    /// The state of a trainer of another shape or configuration: each difference as
    /// `what: the state has …, this trainer …`.
    case mismatch(differences: [String])

    /// ``ErrorKind/file`` for damaged bytes (as a damaged checkpoint), ``ErrorKind/input`` for another trainer's state.
    public var kind: ErrorKind {
        switch self {
        case .damaged: .file
        case .mismatch: .input
        }
    }

    /// What is wrong and what to do.
    public var description: String {
        switch self {
        case let .damaged(reason):
            return "the online trainer state is not usable (\(reason)); restore the bytes the trainer's state gave, whole and unchanged"
        case let .mismatch(differences):
            return
                "the online trainer state was saved by a trainer of other options or shape; restore it into one made with the same options, features, targets and intercept. It differs in \(differences.joined(separator: "; "))"
        }
    }
}
