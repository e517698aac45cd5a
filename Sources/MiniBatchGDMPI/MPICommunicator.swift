import CMPI
import Foundation
import MiniBatchGD

/// MPI's `MPI_COMM_WORLD` as a ``MiniBatchGD/Communicator``: the processes `mpirun` started, or
/// this process alone when it was started without `mpirun` (MPI's singleton start).
///
/// ```swift
/// let world = MPICommunicator()
/// let data = try DistributedDataset(path: "big.npy", communicator: world)
/// let solution = try LeastSquares.solve(data)       // the same on every rank
/// ```
///
/// Sums are `MPI_Allreduce` in place, maxima the same with `MPI_MAX`, gathers `MPI_Allgather`;
/// a checkpoint's bytes go to rank 0 by `MPI_Gatherv` and come back from it by `MPI_Bcast`, as bytes.
/// Open MPI's reductions combine the ranks' values in one order for a given job size and
/// message, so every rank receives the same bits (``MiniBatchGD/DistributedDataset/identicalOnAllRanks(_:)``
/// checks the result of a fit). An MPI error ends the job (`MPI_ERRORS_ARE_FATAL`, MPI's default).
///
/// The instance that initialized MPI finalizes it when released; MPI cannot be initialized
/// again in the same process, so make one per process and keep it.
public final class MPICommunicator: Communicator, @unchecked Sendable {
    /// This process's rank in `MPI_COMM_WORLD`.
    public let rank: Int
    /// The number of processes in `MPI_COMM_WORLD`.
    public let size: Int
    /// Whether this instance called `MPI_Init_thread` (and so calls `MPI_Finalize`).
    private let ownsRuntime: Bool
    /// The most elements one MPI call moves (its counts are 32-bit).
    private static let chunk = 1 << 30

    /// Joins `MPI_COMM_WORLD`, initializing MPI unless the process already has. MPI is asked for
    /// `MPI_THREAD_SERIALIZED`: the library calls MPI from whichever thread runs a fit, one at a
    /// time.
    public init() {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            var provided: Int32 = 0
            MPI_Init_thread(nil, nil, mbgd_mpi_thread_serialized(), &provided)
        }
        ownsRuntime = initialized == 0
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(mbgd_mpi_comm_world(), &rank)
        MPI_Comm_size(mbgd_mpi_comm_world(), &size)
        self.rank = Int(rank)
        self.size = Int(size)
    }

    deinit { finalize() }

    /// Ends this process's part in MPI (`MPI_Finalize`, collective: every rank calls it) if this
    /// instance started it and nothing ended it yet; no exchange may follow. Called on release.
    public func finalize() {
        guard ownsRuntime else { return }
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0 { MPI_Finalize() }
    }

    public func sum(_ values: UnsafeMutableBufferPointer<Double>) {
        reduce(values, mbgd_mpi_sum())
    }

    public func maximum(_ values: UnsafeMutableBufferPointer<Double>) {
        reduce(values, mbgd_mpi_max())
    }

    public func gather(_ values: UnsafeBufferPointer<Double>, into result: UnsafeMutableBufferPointer<Double>) {
        precondition(result.count == values.count * size, "gather needs size × count elements")
        guard let base = values.baseAddress, let target = result.baseAddress, values.count > 0 else { return }
        if values.count <= Self.chunk {
            MPI_Allgather(
                base, Int32(values.count), mbgd_mpi_double(), target, Int32(values.count), mbgd_mpi_double(), mbgd_mpi_comm_world())
            return
        }
        // Larger than one call moves: rank by rank, each broadcasting its values.
        for root in 0..<size {
            let slot = target + root * values.count
            if root == rank { slot.update(from: base, count: values.count) }
            var start = 0
            while start < values.count {
                let count = Swift.min(Self.chunk, values.count - start)
                MPI_Bcast(slot + start, Int32(count), mbgd_mpi_double(), Int32(root), mbgd_mpi_comm_world())
                start += count
            }
        }
    }

    /// Ends every process of the job with `status` (`MPI_Abort`): for a failure on one rank that
    /// the others cannot learn of.
    public func abort(status: Int32) -> Never {
        MPI_Abort(mbgd_mpi_comm_world(), status)
        // MPI_Abort does not return; should an implementation let it, the process still ends.
        exit(status)
    }

    private func reduce(_ values: UnsafeMutableBufferPointer<Double>, _ operation: MPI_Op) {
        guard let base = values.baseAddress else { return }
        var start = 0
        while start < values.count {
            let count = Swift.min(Self.chunk, values.count - start)
            MPI_Allreduce(mbgd_mpi_in_place(), base + start, Int32(count), mbgd_mpi_double(), operation, mbgd_mpi_comm_world())
            start += count
        }
    }
}
