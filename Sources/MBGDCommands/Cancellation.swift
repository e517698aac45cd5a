import Dispatch
import Foundation
import MiniBatchGD
import Synchronization

/// Ctrl-C (SIGINT), SIGTERM and the other signals that would end the process silently (SIGHUP,
/// SIGUSR1, SIGUSR2, SIGALRM), in every phase of a command.
///
/// While a fit runs (``runCancellable(_:)``) a signal cancels its task: the trainer notices
/// within an epoch or 1024 batches and the command reports how far it got. Elsewhere (loading,
/// the closed form, rendering, a `convert` streaming its output) the command ends at once with
/// status 130, after removing every temporary file it had made (``TemporaryFiles``). While
/// outputs are being written (``deferringInterruption(_:)``) the signal waits until they are
/// complete, so no file is left half written or behind as a temporary. SIGXFSZ (past
/// `ulimit -f`) is ignored, so that the write fails with EFBIG and the command says so and
/// removes its temporary. A signal the parent ignored (`nohup`) stays ignored. SIGQUIT (Ctrl-\) keeps its default meaning: quit, with a core file
/// where the system keeps them, without the Swift runtime's crash report.
enum Interruption {
    private enum Phase {
        case immediate
        case cancelling(Task<Void, Never>?)
        case deferring
    }

    private struct State {
        var phase = Phase.immediate
        /// A signal has arrived (a fit's result is then discarded).
        var received = false
        /// A signal arrived while outputs were written and has yet to end the command.
        var pending = false
    }

    private static let state = Mutex(State())
    /// The dispatch sources, kept alive for the whole process.
    private static let sources = Mutex<[DispatchSourceSignal]>([])

    /// Installs the handlers; called once, first thing in `main`.
    static func install() {
        // Default action, and unblocked: a parent that spawned us from a thread blocking it (as
        // libdispatch's threads do) would otherwise leave Ctrl-\ without effect.
        signal(SIGQUIT, SIG_DFL)
        var quit = sigset_t()
        sigemptyset(&quit)
        sigaddset(&quit, SIGQUIT)
        pthread_sigmask(SIG_UNBLOCK, &quit, nil)
        signal(SIGXFSZ, SIG_IGN)
        sources.withLock { sources in
            for number in [SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM] {
                // A signal ignored by whoever started us stays ignored: `nohup mbgd fit …` must
                // outlive its terminal, a shell's background job its Ctrl-C.
                var inherited = sigaction()
                if sigaction(number, nil, &inherited) == 0,
                    unsafeBitCast(inherited.__sigaction_handler.sa_handler, to: Int.self) == 1  // SIG_IGN
                {
                    continue
                }
                signal(number, SIG_IGN)  // delivered to the dispatch source instead of ending the process
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { received() }
                source.resume()
                sources.append(source)
            }
        }
    }

    private static func received() {
        let action = state.withLock { state -> Phase in
            state.received = true
            if case .deferring = state.phase { state.pending = true }
            return state.phase
        }
        switch action {
        case .immediate:
            // The temporaries go first, and no write starts after (a rename in progress finishes).
            let message =
                switch TemporaryFiles.removeAll() {
                case .nothing: "interrupted; nothing was written"
                case .complete: "interrupted after the outputs were written"
                case .inPlace: "interrupted while writing to a device or pipe; what it received may be incomplete"
                }
            Terminal.writeError("mbgd: \(message)\n")
            // From the signal's queue while the main thread works: no exit handlers, which could
            // wait on locks the main thread holds.
            _exit(130)
        case let .cancelling(task):
            task?.cancel()
        case .deferring:
            break  // acted on when the outputs are complete
        }
    }

    /// Whether a signal has arrived.
    static var wasReceived: Bool { state.withLock { $0.received } }

    fileprivate static func cancelling(_ task: Task<Void, Never>?) {
        let already = state.withLock { state -> Bool in
            state.phase = .cancelling(task)
            return state.received
        }
        if already { task?.cancel() }
    }

    fileprivate static func immediate() {
        let pending = state.withLock { state -> Bool in
            state.phase = .immediate
            defer { state.pending = false }
            return state.pending
        }
        if pending {
            Terminal.writeError("mbgd: interrupted; the outputs were written first\n")
            exit(130)
        }
    }

    /// Runs `body` (writing outputs) with signals held back until it returns; a signal that came
    /// meanwhile then ends the command with status 130, its outputs complete.
    /// When writing fails, its error is what the command reports (not the interruption).
    static func deferringInterruption<T>(_ body: () throws -> T) rethrows -> T {
        state.withLock { $0.phase = .deferring }
        do {
            let result = try body()
            immediate()
            return result
        } catch {
            state.withLock { state in
                state.phase = .immediate
                state.pending = false
            }
            throw error
        }
    }
}

/// The result handed from the worker task to the waiting thread (written once, read after the semaphore).
private final class Outcome<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}

/// Runs `work` so that Ctrl-C or SIGTERM cancels it cleanly (see ``Interruption``). A signal
/// that arrives after the training loop, in the closed form that follows it, still counts: the
/// work's result is then discarded and ``TrainingError/cancelled(epochsCompleted:)`` thrown.
func runCancellable<T: Sendable>(_ work: @escaping @Sendable () throws -> T, epochsCompleted: (T) -> Int = { _ in 0 }) throws -> T {
    let outcome = Outcome<T>()
    let done = DispatchSemaphore(value: 0)
    let task = Task.detached {
        do { outcome.result = .success(try work()) } catch { outcome.result = .failure(error) }
        done.signal()
    }
    Interruption.cancelling(task)
    done.wait()
    Interruption.immediate()
    let result = try outcome.result!.get()
    // Over ranks, each rank's signal counts for all (one exchange), so that every rank ends alike.
    var received = [Interruption.wasReceived ? 1.0 : 0]
    if let communicator = Cluster.communicator { received.withUnsafeMutableBufferPointer { communicator.maximum($0) } }
    if received[0] > 0 { throw TrainingError.cancelled(epochsCompleted: epochsCompleted(result)) }
    return result
}
