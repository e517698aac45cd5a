/// The processes (MPI ranks, or anything that can sum a vector across its members) that share
/// one fit's rows: each holds a contiguous part of the rows and every reduction gives all of
/// them the same answer.
///
/// The library calls the three collectives in the same order on every rank, so an
/// implementation only has to forward them. `MiniBatchGDMPI` conforms MPI's `MPI_COMM_WORLD`;
/// the core library itself needs no MPI.
///
/// An implementation must give every rank bit-identical results (the sum in one fixed order):
/// synchronous data-parallel descent applies the same update on every rank, and its parameters
/// stay identical only if the summed gradients are. Communication failures end the job (MPI's
/// default): the collectives do not throw.
public protocol Communicator: AnyObject, Sendable {
    /// This process's index, 0 ..< ``size``.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
    /// Replaces `values` on every rank by their elementwise sum over the ranks.
    func sum(_ values: UnsafeMutableBufferPointer<Double>)
    /// Replaces `values` on every rank by their elementwise maximum over the ranks.
    func maximum(_ values: UnsafeMutableBufferPointer<Double>)
    /// Every rank's `values` (the same count on each), in rank order, into `result`
    /// (`size × values.count` elements) on every rank.
    func gather(_ values: UnsafeBufferPointer<Double>, into result: UnsafeMutableBufferPointer<Double>)
    /// Every rank's `bytes` (any count on each) on rank 0 alone, one array per rank in rank
    /// order; nil on the other ranks. A checkpoint's per-rank state travels so: only rank 0
    /// writes it, so no other rank need hold the whole job's.
    ///
    /// The default implementation goes through ``gather(_:into:)`` (every rank receives every
    /// rank's bytes, 6 to a Double); `MiniBatchGDMPI`'s moves the bytes themselves, to rank 0 only.
    func gatherToRankZero(bytes: [UInt8]) -> [[UInt8]]?
    /// Rank 0's `bytes` on every rank (the others' are not read): a checkpoint read by rank 0
    /// for every rank to resume from.
    ///
    /// The default implementation goes through ``sum(_:)`` (rank 0's bytes, 6 to a Double,
    /// summed with the other ranks' zeros); `MiniBatchGDMPI`'s broadcasts the bytes themselves.
    func broadcastFromRankZero(bytes: [UInt8]) -> [UInt8]
}

extension Communicator {
    /// The sum of `values` over the ranks.
    func sum(_ values: [Double]) -> [Double] {
        var result = values
        result.withUnsafeMutableBufferPointer { sum($0) }
        return result
    }

    /// The sum of `value` over the ranks.
    func sum(_ value: Double) -> Double { sum([value])[0] }

    /// The elementwise maximum of `values` over the ranks.
    func maximum(_ values: [Double]) -> [Double] {
        var result = values
        result.withUnsafeMutableBufferPointer { maximum($0) }
        return result
    }

    /// The maximum of `value` over the ranks.
    func maximum(_ value: Double) -> Double { maximum([value])[0] }

    /// Every rank's `values`, one array per rank in rank order.
    func gather(_ values: [Double]) -> [[Double]] {
        let count = values.count
        var all = [Double](repeating: 0, count: count * size)
        values.withUnsafeBufferPointer { mine in all.withUnsafeMutableBufferPointer { gather(mine, into: $0) } }
        return (0..<size).map { Array(all[$0 * count..<($0 + 1) * count]) }
    }

    /// Every rank's `words` (the same count on each), one array per rank in rank order, the same
    /// bits: each word travels as its two 32-bit halves, which a Double holds exactly.
    func gather(words: [UInt64]) -> [[UInt64]] {
        let halves = words.flatMap { [Double($0 >> 32), Double($0 & 0xFFFF_FFFF)] }
        return gather(halves).map { part in
            stride(from: 0, to: part.count, by: 2).map { UInt64(part[$0]) << 32 | UInt64(part[$0 + 1]) }
        }
    }
}

extension Communicator {
    /// Runs `body`, work of this rank alone (opening a file, checking its own rows), then learns
    /// whether every rank succeeded: a rank that failed must not leave the others waiting in
    /// their next exchange. Every rank then returns, or every rank throws.
    /// - Throws: on the lowest failing rank, ``DistributedError/failed(rank:ranks:error:)`` with
    ///   its error; on every other rank, ``DistributedError/failedElsewhere(rank:)``.
    package func agree<Result>(_ body: () throws -> Result) throws -> Result {
        let outcome: Swift.Result<Result, any Error>
        do {
            outcome = .success(try body())
        } catch {
            outcome = .failure(error)
        }
        var failed = false
        if case .failure = outcome { failed = true }
        // The largest of size − rank over the failing ranks names the lowest of them.
        let lowest = size - Int(maximum(failed ? Double(size - rank) : 0))
        switch outcome {
        case let .success(value) where lowest == size: return value
        case let .failure(error) where lowest == rank: throw DistributedError.failed(rank: rank, ranks: size, error: error)
        default: throw DistributedError.failedElsewhere(rank: lowest)
        }
    }
}
