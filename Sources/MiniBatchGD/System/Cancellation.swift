import Synchronization

/// Whether long work should stop: its task is cancelled, or a caller outside Swift concurrency
/// asked through a ``CancellationFlag`` bound around the call (the C interface's progress
/// callback, which runs on the caller's own thread, where there is no task to cancel).
///
/// Every check of the training loops, the sparse trainer and LSQR goes through
/// ``isRequested``, so both ways stop a fit at the same points.
package enum Cancellation {
    /// The flag of the work running on this thread, if a caller bound one.
    @TaskLocal package static var flag: CancellationFlag?

    /// Whether the current task is cancelled or the bound flag is set.
    package static var isRequested: Bool { Task.isCancelled || (flag?.isSet ?? false) }
}

/// A flag any thread may set once to ask the work it is bound to (``Cancellation/flag``) to stop.
package final class CancellationFlag: Sendable {
    private let state = Atomic<Bool>(false)

    /// A flag not yet set.
    package init() {}

    /// Asks the work to stop.
    package func set() { state.store(true, ordering: .relaxed) }

    /// Whether ``set()`` was called.
    package var isSet: Bool { state.load(ordering: .relaxed) }
}
