import CMPI
import MiniBatchGD

extension MPICommunicator {
    /// The most bytes one MPI call moves (its counts and displacements are 32-bit).
    private static var byteChunk: Int { 1 << 30 }

    /// Every rank's `bytes` on rank 0 alone, as they are: their counts by `MPI_Gather`, then the
    /// bytes by `MPI_Gatherv` when rank 0's total stays under 2 GiB, else rank by rank in pieces
    /// of 1 GiB (`MPI_Send` to rank 0, which receives in rank order). The other ranks hold nothing
    /// but their own.
    public func gatherToRankZero(bytes: [UInt8]) -> [[UInt8]]? {
        var mine = Int64(bytes.count)
        var counts = [Int64](repeating: 0, count: rank == 0 ? size : 1)
        counts.withUnsafeMutableBytes { counts in
            _ = MPI_Gather(&mine, 1, mbgd_mpi_int64(), counts.baseAddress, 1, mbgd_mpi_int64(), 0, mbgd_mpi_comm_world())
        }
        // Every rank learns alike whether rank 0's total fits one call: size × the largest count bounds it.
        var bound = Double(bytes.count) * Double(size)
        MPI_Allreduce(mbgd_mpi_in_place(), &bound, 1, mbgd_mpi_double(), mbgd_mpi_max(), mbgd_mpi_comm_world())
        if bound < Double(Self.byteChunk) {
            return gatheredInOneCall(bytes, counts: counts)
        }
        guard rank == 0 else {
            bytes.withUnsafeBytes { send($0, to: 0) }
            return nil
        }
        return (0..<size).map { source in
            if source == 0 { return bytes }
            let count = Int(counts[source])
            return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                receive(UnsafeMutableRawBufferPointer(buffer), from: source)
                initialized = count
            }
        }
    }

    /// Rank 0's `bytes` on every rank: the count, then the bytes in pieces of 1 GiB, by `MPI_Bcast`.
    public func broadcastFromRankZero(bytes: [UInt8]) -> [UInt8] {
        var count = Int64(rank == 0 ? bytes.count : 0)
        MPI_Bcast(&count, 1, mbgd_mpi_int64(), 0, mbgd_mpi_comm_world())
        var result = rank == 0 ? bytes : [UInt8](repeating: 0, count: Int(count))
        result.withUnsafeMutableBytes { buffer in
            var start = 0
            while start < buffer.count {
                let piece = Swift.min(Self.byteChunk, buffer.count - start)
                MPI_Bcast(buffer.baseAddress! + start, Int32(piece), mbgd_mpi_byte(), 0, mbgd_mpi_comm_world())
                start += piece
            }
        }
        return result
    }

    /// `MPI_Gatherv` of every rank's bytes to rank 0 (the total under 2 GiB).
    private func gatheredInOneCall(_ bytes: [UInt8], counts: [Int64]) -> [[UInt8]]? {
        let receiveCounts = rank == 0 ? counts.map { Int32($0) } : [0]
        var displacements = [Int32](repeating: 0, count: receiveCounts.count)
        for i in receiveCounts.indices.dropFirst() { displacements[i] = displacements[i - 1] + receiveCounts[i - 1] }
        let total = rank == 0 ? Int(counts.reduce(0, +)) : 0
        var all = [UInt8](repeating: 0, count: Swift.max(total, 1))
        bytes.withUnsafeBytes { mine in
            all.withUnsafeMutableBytes { all in
                _ = MPI_Gatherv(
                    mine.baseAddress, Int32(bytes.count), mbgd_mpi_byte(), all.baseAddress, receiveCounts, displacements, mbgd_mpi_byte(),
                    0,
                    mbgd_mpi_comm_world())
            }
        }
        guard rank == 0 else { return nil }
        return (0..<size).map { Array(all[Int(displacements[$0])..<Int(displacements[$0]) + Int(receiveCounts[$0])]) }
    }

    /// Sends `buffer` to `destination` in pieces of at most 1 GiB.
    private func send(_ buffer: UnsafeRawBufferPointer, to destination: Int) {
        var start = 0
        while start < buffer.count {
            let piece = Swift.min(Self.byteChunk, buffer.count - start)
            MPI_Send(buffer.baseAddress! + start, Int32(piece), mbgd_mpi_byte(), Int32(destination), 0, mbgd_mpi_comm_world())
            start += piece
        }
    }

    /// Receives `buffer.count` bytes from `source`, sent as ``send(_:to:)`` sends them.
    private func receive(_ buffer: UnsafeMutableRawBufferPointer, from source: Int) {
        var start = 0
        while start < buffer.count {
            let piece = Swift.min(Self.byteChunk, buffer.count - start)
            MPI_Recv(
                buffer.baseAddress! + start, Int32(piece), mbgd_mpi_byte(), Int32(source), 0, mbgd_mpi_comm_world(),
                mbgd_mpi_status_ignore())
            start += piece
        }
    }
}
