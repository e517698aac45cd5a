import Dispatch
import Foundation
import MiniBatchGD

/// The result handed from the worker task to the waiting thread (written once, read after the semaphore).
private final class Outcome<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}

/// Runs `work` so that Ctrl-C (SIGINT) or SIGTERM cancels it cleanly: the signal cancels the
/// task, the trainer notices within an epoch or 1024 batches and throws
/// ``TrainingError/cancelled(epochsCompleted:)``, which the caller reports.
func runCancellable<T: Sendable>(_ work: @escaping @Sendable () throws -> T) throws -> T {
    let outcome = Outcome<T>()
    let done = DispatchSemaphore(value: 0)
    let task = Task.detached { try work() }
    let signals = [SIGINT, SIGTERM]
    let sources = signals.map { number -> DispatchSourceSignal in
        signal(number, SIG_IGN)  // handled by the dispatch source instead of ending the process
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { task.cancel() }
        source.resume()
        return source
    }
    Task.detached {
        outcome.result = await task.result
        done.signal()
    }
    done.wait()
    for (source, number) in zip(sources, signals) {
        source.cancel()
        signal(number, SIG_DFL)
    }
    return try outcome.result!.get()
}
