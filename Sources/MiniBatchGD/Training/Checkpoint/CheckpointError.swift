/// A checkpoint that cannot be resumed from: damaged, of another format, or written for other
/// rows or options than the fit resuming it.
public enum CheckpointError: MiniBatchGDError, Equatable, Sendable {
    /// Not a checkpoint, of a newer format, truncated, or failing its checksum (a torn or
    /// altered file).
    case damaged(path: String, reason: String)
    /// Written for other rows or options: each difference as `what: checkpoint … , this fit …`.
    case mismatch(path: String, differences: [String])

    /// ``ErrorKind/file`` for a damaged checkpoint, ``ErrorKind/input`` for one of another fit.
    public var kind: ErrorKind {
        switch self {
        case .damaged: .file
        case .mismatch: .input
        }
    }

    /// What is wrong and what to do.
    public var description: String {
        switch self {
        case let .damaged(path, reason):
            return "\(path): not a usable checkpoint (\(reason)); start the fit afresh or resume from another checkpoint"
        case let .mismatch(path, differences):
            return
                "\(path) was written by another fit; resume it with the same data and options, or start afresh. It differs in \(differences.joined(separator: "; "))"
        }
    }
}
