import Foundation

@testable import MiniBatchGD

/// K ranks as K threads of one test process: each collective waits for every rank, then each rank
/// combines the deposited values in rank order (the same bits on every rank, as MPI's would be).
final class ThreadCommunicator: Communicator, @unchecked Sendable {
    /// The state the ranks of one group share.
    final class Group: @unchecked Sendable {
        let size: Int
        private let condition = NSCondition()
        private var slots: [[Double]]
        private var completed: [[Double]] = []
        private var arrived = 0, generation = 0

        init(size: Int) {
            self.size = size
            slots = Array(repeating: [], count: size)
        }

        /// Every rank's `values`, once every rank has handed its own in.
        func exchange(rank: Int, _ values: [Double]) -> [[Double]] {
            condition.lock()
            defer { condition.unlock() }
            slots[rank] = values
            arrived += 1
            let mine = generation
            if arrived == size {
                // The last to arrive publishes the round; the next round cannot complete before
                // every rank of this one has read it (it needs them all).
                completed = slots
                arrived = 0
                generation += 1
                condition.broadcast()
            } else {
                // Ranks that stopped exchanging alike (a decision taken differently) would wait
                // forever: end the test process instead of hanging the suite.
                let deadline = Date(timeIntervalSinceNow: 120)
                while generation == mine {
                    if !condition.wait(until: deadline) { fatalError("rank \(rank) waited 120 s for the other ranks") }
                }
            }
            return completed
        }
    }

    let rank: Int
    let group: Group
    var size: Int { group.size }

    init(rank: Int, group: Group) {
        self.rank = rank
        self.group = group
    }

    func sum(_ values: UnsafeMutableBufferPointer<Double>) {
        let parts = group.exchange(rank: rank, Array(values))
        for i in values.indices {
            var total = 0.0
            for part in parts { total += part[i] }
            values[i] = total
        }
    }

    func maximum(_ values: UnsafeMutableBufferPointer<Double>) {
        let parts = group.exchange(rank: rank, Array(values))
        for i in values.indices { values[i] = parts.map { $0[i] }.max()! }
    }

    func gather(_ values: UnsafeBufferPointer<Double>, into result: UnsafeMutableBufferPointer<Double>) {
        let parts = group.exchange(rank: rank, Array(values))
        for (index, value) in parts.joined().enumerated() { result[index] = value }
    }

    /// `body` run on `ranks` threads at once, one communicator each; the results in rank order.
    static func run<Result: Sendable>(ranks: Int, _ body: @escaping @Sendable (ThreadCommunicator) throws -> Result) -> [Swift.Result<
        Result, any Error
    >] {
        let group = Group(size: ranks)
        let box = ResultBox<Swift.Result<Result, any Error>>(count: ranks)
        let lock = NSLock(), done = DispatchGroup()
        for rank in 0..<ranks {
            done.enter()
            let thread = Thread {
                let outcome = Swift.Result { try body(ThreadCommunicator(rank: rank, group: group)) }
                lock.lock()
                box.results[rank] = outcome
                lock.unlock()
                done.leave()
            }
            // Training and LAPACK recurse little, but the default 512 KiB of a secondary thread is tight in debug builds.
            thread.stackSize = 8 << 20
            thread.start()
        }
        done.wait()
        return box.results.map { $0! }
    }
}

/// Results written by several threads under a lock.
private final class ResultBox<Value>: @unchecked Sendable {
    var results: [Value?]
    init(count: Int) { results = Array(repeating: nil, count: count) }
}
