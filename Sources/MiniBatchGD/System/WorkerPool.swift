import CKernels
import Foundation
import Synchronization

/// Throws ``ArgumentError`` for a thread count a caller asked for outside 1...1024 (nil, the
/// default, is always valid).
func validateThreadCount(_ threads: Int?) throws {
    if let threads, !(1...1024).contains(threads) {
        throw ArgumentError(argument: "threads", value: "\(threads)", requirement: "must lie between 1 and 1024")
    }
}

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
/// bits on one thread or eight. ``perform(_:chunks:)`` allocates nothing and takes the
/// condition's lock once, briefly, to wake workers that went to sleep; the threads end when the
/// pool is released.
///
/// Hand-offs are by atomics, not locks, so that a batch of a few thousand rows (tens of
/// microseconds of work) is still worth sharing: between performs a worker spins for a while
/// (``spinsBeforeSleeping`` pauses, some tens of microseconds: the gap between two batches) and
/// only then sleeps on a condition until the next one.
final class WorkerPool: @unchecked Sendable {
    /// Threads that run chunks, the caller's included.
    let threads: Int
    /// What the threads share. The workers hold it, not the pool, so that the pool's deinit can
    /// stop them and wait for them while they still reach it.
    private let state: State

    /// Pauses a worker spins through, watching for work, before it sleeps.
    static let spinsBeforeSleeping = 4000

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

    /// The work in hand and the threads' progress through it.
    private final class State: @unchecked Sendable {
        /// The chunk count of the work in hand (high 32 bits) and the next chunk to take (low 32):
        /// one word, so that a claim (a compare-and-exchange) is valid for the work it was made
        /// on. A worker still holding the word of a finished perform cannot claim: the word has
        /// changed, or it says every chunk is taken.
        private let claims = Atomic<Int>(0)
        /// Chunks run to the end in the current perform.
        private let finished = Atomic<Int>(0)
        /// Bumped by each perform once its work is in place: what idle workers watch.
        private let generation = Atomic<Int>(0)
        private let stopping = Atomic<Bool>(false)
        /// Written by perform before it publishes the claims word, read by a worker only after a
        /// claim succeeds (which acquires that word): never at the same time.
        private var work: (any ChunkWork)?
        // Sleeping workers and the count still running, under the condition's lock.
        private let condition = NSCondition()
        private var sleepers = 0, running: Int

        init(workers: Int) { running = workers }

        func perform(_ work: any ChunkWork, chunks count: Int) {
            precondition(count < 1 << 31, "too many chunks")
            self.work = work
            finished.store(0, ordering: .relaxed)
            claims.store(count << 32, ordering: .releasing)
            generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
            condition.lock()
            if sleepers > 0 { condition.broadcast() }
            condition.unlock()
            runChunks(worker: 0)
            // The last chunks may still run on other threads; they take tens of microseconds.
            var spins = 0
            while finished.load(ordering: .acquiring) < count {
                if spins < 1000 {
                    mbgd_spin_pause()
                    spins += 1
                } else {
                    // More threads than cores: let the ones with work run.
                    sched_yield()
                }
            }
            self.work = nil
        }

        /// Takes chunks of the current work until none is left.
        private func runChunks(worker: Int) {
            var word = claims.load(ordering: .acquiring)
            while true {
                let count = word >> 32, chunk = word & 0xFFFF_FFFF
                guard chunk < count else { return }
                let (exchanged, original) = claims.compareExchange(
                    expected: word, desired: word + 1, ordering: .acquiringAndReleasing)
                guard exchanged else {
                    word = original
                    continue
                }
                work!.run(chunk: chunk, worker: worker)
                finished.wrappingAdd(1, ordering: .releasing)
                word = claims.load(ordering: .acquiring)
            }
        }

        /// A worker thread: watches for work, helps with it, until stopped.
        func serve(worker: Int) {
            // The generation the pool was made with, not the one this thread first sees: a thread
            // that starts after the first perform has begun must still join it (reading the
            // counter here made it wait for the second, so a pool's first pass ran on its caller).
            var seen = 0
            while true {
                var spins = 0
                while generation.load(ordering: .acquiring) == seen, !stopping.load(ordering: .acquiring) {
                    if spins < WorkerPool.spinsBeforeSleeping {
                        mbgd_spin_pause()
                        spins += 1
                        continue
                    }
                    condition.lock()
                    sleepers += 1
                    while generation.load(ordering: .sequentiallyConsistent) == seen, !stopping.load(ordering: .sequentiallyConsistent) {
                        condition.wait()
                    }
                    sleepers -= 1
                    condition.unlock()
                }
                if stopping.load(ordering: .acquiring) {
                    condition.lock()
                    running -= 1
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                seen = generation.load(ordering: .acquiring)
                runChunks(worker: worker)
            }
        }

        /// Ends every worker and waits until they have left.
        func stop() {
            stopping.store(true, ordering: .sequentiallyConsistent)
            condition.lock()
            condition.broadcast()
            while running > 0 { condition.wait() }
            condition.unlock()
        }
    }
}

extension WorkerPool {
    /// `part(c)` for every chunk c in `0..<chunks`, run on the pool's threads and returned in
    /// chunk order: for passes whose chunks each make a value of their own (moments, residual
    /// sums) that the caller then merges in order.
    func map<Part>(chunks: Int, _ part: @escaping (Int) -> Part) -> [Part] {
        let work = ChunkMap(count: chunks, part)
        perform(work, chunks: chunks)
        return work.results
    }
}

/// The results of ``WorkerPool/map(chunks:_:)``: one slot per chunk in raw memory, each written by
/// its own chunk only (an array mutated from several threads at once would race on the array
/// itself), freed in `deinit`.
private final class ChunkMap<Part>: ChunkWork, @unchecked Sendable {
    private let part: (Int) -> Part
    private let slots: UnsafeMutableBufferPointer<Part?>

    init(count: Int, _ part: @escaping (Int) -> Part) {
        self.part = part
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    /// Every chunk's result; call once every chunk has run.
    var results: [Part] { slots.map { $0! } }

    func run(chunk: Int, worker: Int) { slots[chunk] = part(chunk) }
}
