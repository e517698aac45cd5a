/// What a run of libsvm lines held so far: rows and entries written, lines read (blank and
/// comment lines included), the largest column used; and, for a chunk parsed apart from the
/// others, the error that stopped it.
struct LIBSVMRunOutcome {
    var rows = 0
    var entries = 0
    var lines = 0
    /// The largest 0-based column written, -1 before any.
    var largestColumn = -1
    var error: Error?
}
