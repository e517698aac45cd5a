import Foundation
import Testing

@testable import MiniBatchGD

/// A `.npz` CSR matrix read by ranks: stored uncompressed, each rank maps and checks only its own
/// rows' entries, and the members' checksums are made of every rank's parts; compressed, each
/// inflates it through but keeps only its own rows' entries. Either way the ranks' rows in rank order are one process's, and a damaged
/// member or a bad entry is reported as one process reports it.
@Suite struct DistributedNPZPartsTests {
    /// `data` as a stored `.npz` and its targets as a `.npy`, in `folder`.
    static func write(_ data: SparseDataset<Double>, to folder: ScratchFolder, compressed: Bool = false) throws -> (String, String) {
        var bytes = try NPZReaderTests.npz(
            indptr: data.rowStarts, indices: Array(data.columnIndices), data: Array(data.values), shape: (data.rows, data.featureCount))
        if compressed { bytes = try deflated(bytes, in: folder) }
        let targets = data.targets.elements.withUnsafeBytes { Array($0) }
        return (
            try folder.write(compressed ? "m.npz" : "stored-m.npz", bytes: bytes),
            try folder.write("y.npy", bytes: NPYWriter.header(descr: "<f8", shape: [data.rows]) + targets)
        )
    }

    /// The `.npz` `bytes` (stored members) with every member deflated, as `save_npz` writes by default.
    static func deflated(_ bytes: [UInt8], in folder: ScratchFolder) throws -> [UInt8] {
        let stored = try folder.write("stored.npz", bytes: bytes)
        let archive = try ZipArchive(PositionalFile(path: stored))
        let path = folder.path + "/compressed.npz"
        let file = try StreamingFile(path: path)
        let writer = ZipWriter(file, compress: true)
        for member in archive.members {
            let stream = try ZipMemberStream(archive, member)
            var content = [UInt8](repeating: 0, count: member.size)
            try content.withUnsafeMutableBytes { try stream.read(into: $0) }
            try writer.begin(member.name)
            try content.withUnsafeBytes { try writer.write($0.baseAddress!, count: $0.count) }
            try writer.end()
        }
        try writer.finish()
        try file.commit()
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Each rank's rows and whether its entries are read in place.
    static func loaded(_ path: String, targets: String, ranks: Int) throws -> [(SparseDataset<Double>, [Int])] {
        try ThreadCommunicator.run(ranks: ranks) { communicator in
            let shared = try DistributedSparseDataset<Double>.load(npz: path, targets: targets, communicator: communicator)
            return (shared.local, shared.rowsPerRank)
        }.map { try $0.get() }
    }

    @Test(arguments: [false, true])
    func oneToFiveRanksHoldTheWholeMatrixsRowsInOrder(compressed: Bool) throws {
        let folder = try ScratchFolder()
        for data in [try DistributedSparseTests.data(), try SparseDataset(rows: [[0: 1, 2: 2], [1: -1], [0: 3]], targets: [1, 2, 3])] {
            let (path, targets) = try Self.write(data, to: folder, compressed: compressed)
            let whole = try SparseDataset<Double>.load(npz: path, targets: targets)
            for ranks in 1...5 {
                let loaded = try Self.loaded(path, targets: targets, ranks: ranks)
                // ⌊n/K⌋ or ⌈n/K⌉ rows, the first ranks the larger: worked out here, not taken from Sharing.
                let expected = (0..<ranks).map { data.rows / ranks + ($0 < data.rows % ranks ? 1 : 0) }
                #expect(loaded.allSatisfy { $0.1 == expected })
                DistributedLIBSVMPartsTests.expectSame(
                    loaded.map(\.0), widths: loaded.map(\.0.featureCount), as: whole, "\(ranks) ranks, compressed \(compressed)")
                // Stored: every rank with rows reads them in place.
                #expect(loaded.allSatisfy { $0.0.rows == 0 || $0.0.isMapped == !compressed })
            }
        }
    }

    @Test func aValueChangedInOneRanksPartFailsTheChecksumOnEveryRankAsInOneProcess() throws {
        let folder = try ScratchFolder()
        let data = try DistributedSparseTests.data()
        let (clean, targets) = try Self.write(data, to: folder)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: clean)))
        // A value of row 250 (rank 2's of three): its lowest mantissa bit flipped, still finite.
        let value = data.values[data.rowStarts[250]]
        let pattern = withUnsafeBytes(of: value) { Array($0) }
        let at = try #require((0...bytes.count - 8).first { Array(bytes[$0..<$0 + 8]) == pattern })
        bytes[at] ^= 1
        let path = try folder.write("damaged.npz", bytes: bytes)
        try Self.expectChecksumFailsOnEveryRank(path, targets: targets)
    }

    /// Compressed, the member is inflated through on every rank and its checksum checked whole:
    /// a checksum recorded wrong fails on every rank, each keeping a third of the entries.
    @Test func aCompressedMembersChecksumIsCheckedWholeOnEveryRank() throws {
        let folder = try ScratchFolder()
        let data = try DistributedSparseTests.data()
        let (path, targets) = try Self.write(data, to: folder, compressed: true)
        let member = try #require(try ZipArchive(PositionalFile(path: path)).members.first { $0.name == "data.npy" })
        #expect(member.method == 8)
        // The CRC-32 as recorded, in the local header and the central directory, one bit changed.
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let pattern = withUnsafeBytes(of: member.crc.littleEndian) { Array($0) }
        let places = (0...bytes.count - 4).filter { Array(bytes[$0..<$0 + 4]) == pattern }
        #expect(places.count == 2)
        for at in places { bytes[at] ^= 1 }
        try Self.expectChecksumFailsOnEveryRank(try folder.write("damaged.npz", bytes: bytes), targets: targets, inflated: true)
    }

    /// One process and each of three ranks refuse `path` for its data member's checksum: when
    /// `inflated`, while each reads it; else once the ranks' parts are joined.
    static func expectChecksumFailsOnEveryRank(_ path: String, targets: String, inflated: Bool = false) throws {
        let expected = FileError.malformed(
            path: path + " (member data.npy)",
            reason: "its bytes do not match the checksum the archive records (CRC-32): the file is damaged")
        #expect(throws: expected) { try SparseDataset<Double>.load(npz: path, targets: targets) }
        let outcomes = ThreadCommunicator.run(ranks: 3) { communicator in
            try DistributedSparseDataset<Double>.load(npz: path, targets: targets, communicator: communicator).rows
        }
        guard inflated else {
            for outcome in outcomes { #expect(throws: expected) { try outcome.get() } }
            return
        }
        // Each rank meets it while reading its own copy: said as rank 0's, the first.
        #expect {
            try outcomes[0].get()
        } throws: { error in
            guard case let DistributedError.failed(0, 3, inner) = error else { return false }
            return (inner as? FileError) == expected
        }
        for outcome in outcomes.dropFirst() {
            #expect {
                try outcome.get()
            } throws: { error in
                guard case DistributedError.failedElsewhere(rank: 0) = error else { return false }
                return true
            }
        }
    }

    /// Stored or compressed: a compressed member's entries are checked only by the rank keeping them.
    @Test(arguments: [false, true]) func aBadIndexInRankTwosRowsIsNamedByItsRowInTheWholeMatrix(compressed: Bool) throws {
        let folder = try ScratchFolder()
        let data = try DistributedSparseTests.data()
        var columns = Array(data.columnIndices)
        // Row 251 (1-based), rank 2's of three: its last index beyond the 40 columns.
        columns[data.rowStarts[251] - 1] = 40
        let stored = try NPZReaderTests.npz(indptr: data.rowStarts, indices: columns, data: Array(data.values), shape: (300, 40))
        let path = try folder.write("bad.npz", bytes: compressed ? try Self.deflated(stored, in: folder) : stored)
        let (_, targets) = try Self.write(data, to: folder)
        var expected: (any Error)?
        #expect {
            try SparseDataset<Double>.load(npz: path, targets: targets)
        } throws: { error in
            expected = error
            return "\(error)".contains("row 251")
        }
        let outcomes = ThreadCommunicator.run(ranks: 3) { communicator in
            try DistributedSparseDataset<Double>.load(npz: path, targets: targets, communicator: communicator).rows
        }
        #expect {
            try outcomes[2].get()
        } throws: { error in
            guard case let DistributedError.failed(2, 3, inner) = error, let expected else { return false }
            return (inner as? FileError) == (expected as? FileError)
        }
    }
}
