import Foundation

/// Work a ``WorkerPool`` spreads over its threads: chunks run in any order and on any thread,
/// each exactly once, each writing only its own results.
protocol ChunkWork: AnyObject {
    /// Runs chunk `chunk` on worker `worker` (0 is the thread that called
    /// ``WorkerPool/perform(_:chunks:)``).
    func run(chunk: Int, worker: Int)
}

/// The calling thread and `threads − 1` worker threads, kept for a whole fit, that run the chunks
/// of a ``ChunkWork`` together. Which thread runs a chunk never changes a result: each chunk
/// writes its own slot and the caller combines the slots in chunk order, so a fit gives the same
/// bits on one thread or eight. ``perform(_:chunks:)`` allocates nothing; the threads end when
/// the pool is released.
final class WorkerPool: @unchecked Sendable {
    /// Threads that run chunks, the caller's included.
    let threads: Int
    /// What the threads share. The workers hold it, not the pool, so that the pool's deinit can
    /// stop them and wait for them while they still reach it.
    private let state: State

    init(threads: Int) {
        self.threads = Swift.max(1, threads)
        let state = State(workers: self.threads - 1)
        self.state = state
        for worker in 1..<self.threads {
            let thread = Thread { state.serve(worker: worker) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit { state.stop() }

    /// Runs chunks `0..<chunks` of `work` on every thread and returns when all are done.
    func perform(_ work: any ChunkWork, chunks count: Int) {
        guard threads > 1, count > 1 else {
            for chunk in 0..<count { work.run(chunk: chunk, worker: 0) }
            return
        }
        state.perform(work, chunks: count)
    }

    /// The work in hand and the threads' progress through it, under one lock.
    private final class State: @unchecked Sendable {
        private let condition = NSCondition()
        private var work: (any ChunkWork)?
        private var chunks = 0, next = 0, finished = 0, generation = 0
        private var stopping = false, running: Int

        init(workers: Int) { running = workers }

        func perform(_ work: any ChunkWork, chunks count: Int) {
            condition.lock()
            self.work = work
            chunks = count
            next = 0
            finished = 0
            generation &+= 1
            condition.broadcast()
            condition.unlock()
            runChunks(worker: 0)
            condition.lock()
            while finished < chunks { condition.wait() }
            self.work = nil
            condition.unlock()
        }

        /// Takes chunks of the current work until none is left.
        private func runChunks(worker: Int) {
            while true {
                condition.lock()
                guard let work, next < chunks else {
                    condition.unlock()
                    return
                }
                let chunk = next
                next += 1
                condition.unlock()
                work.run(chunk: chunk, worker: worker)
                condition.lock()
                finished += 1
                if finished == chunks { condition.broadcast() }
                condition.unlock()
            }
        }

        /// A worker thread: waits for work, helps with it, until stopped.
        func serve(worker: Int) {
            var seen = 0
            while true {
                condition.lock()
                while generation == seen, !stopping { condition.wait() }
                if stopping {
                    running -= 1
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                seen = generation
                condition.unlock()
                runChunks(worker: worker)
            }
        }

        /// Ends every worker and waits until they have left.
        func stop() {
            condition.lock()
            stopping = true
            condition.broadcast()
            while running > 0 { condition.wait() }
            condition.unlock()
        }
    }
}
