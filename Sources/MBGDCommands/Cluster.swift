import MiniBatchGD

/// The processes a command's rows are spread over: set by `mbgd-mpi` around its commands (a
/// task-local binding, not a global), nil under `mbgd`.
package enum Cluster {
    /// The job's communicator, while `mbgd-mpi` runs a command.
    @TaskLocal package static var communicator: (any Communicator)?

    /// Whether this process writes: every process of `mbgd`; rank 0 alone of `mbgd-mpi`, so that
    /// K ranks do not write one file K times.
    static var writes: Bool { (communicator?.rank ?? 0) == 0 }

    /// The tool's name in its messages.
    static var tool: String { communicator == nil ? "mbgd" : "mbgd-mpi" }
}
