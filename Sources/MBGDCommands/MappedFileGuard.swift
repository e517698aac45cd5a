import Foundation
import MiniBatchGD
import Synchronization

/// Turns the SIGBUS of a mapped file that shrank while it was read into one line on stderr and
/// exit status 1, instead of a crash report.
///
/// The library maps `.npy` files read-only and private and checks their size when they are
/// opened; a file truncated afterwards loses pages, and reading one raises SIGBUS, which no
/// Swift error can catch. The handler only writes a message prepared beforehand to a descriptor
/// chosen beforehand and exits: both async-signal-safe.
enum MappedFileGuard {
    /// Where the message goes: standard error, or under `mbgd-mpi` the descriptor a silenced
    /// rank kept of its standard error (its fd 2 then points at /dev/null).
    nonisolated(unsafe) static var descriptor: Int32 = STDERR_FILENO

    /// The descriptor and the message as C bytes, ready before any mapped page is read (one
    /// value, so that the handler reads one variable that is already initialized).
    nonisolated(unsafe) private static var report: (descriptor: Int32, message: UnsafeMutableBufferPointer<UInt8>)?
    /// Set by the first thread to fault: when several threads read lost pages at once (a solve's
    /// passes run on every core), one writes the message and exits, the others wait for it.
    private static let claimed = Atomic<Bool>(false)

    /// Installs the handler for reads of `path`'s mapping; under `mbgd-mpi` with several ranks
    /// the message names this rank, since every rank may meet it.
    static func watch(_ path: String) {
        let rank = Cluster.communicator.map { $0.size > 1 ? "rank \($0.rank) of \($0.size): " : "" } ?? ""
        let text = "\(Cluster.tool): error: \(rank)\(path): the file changed size while it was read in place (SIGBUS); nothing was written"
        let bytes = Array((PrintableText.escaping(text) + "\n").utf8)
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = buffer.initialize(from: bytes)
        report = (descriptor, buffer)
        _ = claimed.load(ordering: .relaxed)  // initialized here, never first in the handler
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            // A lock-free exchange and pause(): both async-signal-safe.
            guard !MappedFileGuard.claimed.exchange(true, ordering: .acquiringAndReleasing) else {
                while true { pause() }
            }
            if let report = MappedFileGuard.report { _ = write(report.descriptor, report.message.baseAddress, report.message.count) }
            _exit(1)
        }
        sigemptyset(&action.sa_mask)
        sigaction(SIGBUS, &action, nil)
    }
}
