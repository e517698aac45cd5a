/// One process's share of a scipy `.npz` CSR matrix (``DistributedSparseDataset``): when the
/// indices and values are stored (not deflated) and of the types kept, a process maps the file
/// and reads only its own rows' entries in place, and each member's CRC-32, which covers the
/// whole member, is made of every process's checksum of its own entries
/// (``ZipMemberStream/finish(parts:)``). Otherwise every process reads the members through (a
/// deflated member can only be inflated from its start, and its checksum covers it whole) but
/// keeps and checks only its own rows' entries.
extension NPZReader {
    /// A process's rows, and what is left to check once every process has read its own.
    struct Part<Element: BLASScalar> {
        let share: SparseDataset<Element>
        /// The mapped members, their headers checksummed, and this part's CRC-32 and byte count of
        /// each (indices, then values); nil when the members were read through (and checked so).
        let pending: (streams: [ZipMemberStream], checksums: [UInt64])?
    }

    /// Rank `rank` of `ranks`' contiguous share of the rows (``Sharing/split(_:ranks:)``) of
    /// `path`'s matrix and `targetsPath`'s targets, checked as ``dataset(path:targets:as:featureCount:memoryLimit:mapping:)``
    /// checks the whole (the same messages, rows numbered in the whole matrix), but the members'
    /// checksums when read in place: ``Part/pending``.
    /// - Throws: as ``SparseDataset/load(npz:targets:featureCount:)``.
    static func part<Element: BLASScalar>(
        path: String, targets targetsPath: String, as element: Element.Type, featureCount: Int?, rank: Int, ranks: Int
    ) throws -> Part<Element> {
        let members = try members(path: path)
        let n = members.rows, p = Swift.max(members.featureCount, featureCount ?? 0)
        let counts = Sharing.split(n, ranks: ranks), first = counts[..<rank].reduce(0, +)
        let rows = first..<first + counts[rank]
        let targetArray = try NPYArrayStream(FileByteStream(PositionalFile(path: targetsPath)))
        let k = try targetShape(targetArray, path: targetsPath, rows: n)
        // The row offsets (all of them: 8 bytes a row), the targets and the feature names.
        let extra = [
            MemoryBudget.bytes(of: Element.self, [n, k]), MemoryBudget.bytes(of: String.self, [p]),
            MemoryBudget.bytes(of: Int.self, [n + 1]),
        ].reduce(Int?(0)) { sum, part in
            guard let sum, let part else { return nil }
            let (total, overflow) = sum.addingReportingOverflow(part)
            return overflow ? nil : total
        }
        try checkMemory([], extraBytes: extra, path: path, memoryLimit: nil)
        let targets = { try self.targets(targetArray, path: targetsPath, rows: n, as: Element.self).gatheringRows(rows) }
        guard let mapped = try mappedPart(members, rows: rows, path: path, as: Element.self, featureCount: featureCount) else {
            // Members opened afresh (a mapped attempt may have read some): every byte read through,
            // only the share's entries kept.
            let arrays = try read(
                Self.members(path: path), path: path, as: Element.self, featureCount: featureCount, extraBytes: extra, memoryLimit: nil,
                rows: rows)
            let share = SparseDataset(
                unchecked: arrays.rowStarts, arrays.columns, arrays.values, try targets(), featureCount: arrays.featureCount,
                featureNames: Dataset<Element>.defaultFeatureNames(p), targetNames: Dataset<Element>.defaultTargetNames(k), weights: nil)
            return Part(share: share, pending: nil)
        }
        let share = SparseDataset(
            unchecked: mapped.rowStarts, mapped.columns, mapped.values, try targets(), featureCount: mapped.featureCount,
            featureNames: Dataset<Element>.defaultFeatureNames(p), targetNames: Dataset<Element>.defaultTargetNames(k), weights: nil)
        return Part(share: share, pending: (mapped.streams, mapped.checksums))
    }

    /// `rows`' entries mapped in place and checked, when ``mapped(_:path:as:featureCount:extraBytes:memoryLimit:)``
    /// would map the matrix; nil, with nothing kept, otherwise and when a row's indices are out
    /// of order. Row offsets are from the share's first entry.
    private static func mappedPart<Element: BLASScalar>(
        _ members: Members, rows: Range<Int>, path: String, as element: Element.Type, featureCount: Int?
    ) throws -> (
        rowStarts: [Int], columns: SparseEntries<Int32>, values: SparseEntries<Element>, featureCount: Int,
        streams: [ZipMemberStream], checksums: [UInt64]
    )? {
        let nnz = members.nonzeros
        guard let (indices, data) = storedInPlace(members, as: Element.self) else { return nil }
        let p = try width(members, path: path, featureCount: featureCount)
        let allStarts = try rowStarts(members, path: path)
        let file = indices.file, size = MemoryLayout<Element>.size
        guard indices.remaining == nnz * 4, data.remaining == nnz * size, indices.filePosition <= file.size - nnz * 4,
            data.filePosition <= file.size - nnz * size
        else {
            throw FileError.malformed(path: path, reason: "indices.npy or data.npy does not lie inside the file: the file is damaged")
        }
        let start = allStarts[rows.lowerBound], end = allStarts[rows.upperBound]
        // The whole file mapped, only this share's pages touched.
        let mapping = try file.map(length: file.size)
        let columns = SparseEntries<Int32>(mapping: mapping, offset: indices.filePosition + start * 4, count: end - start)
        let values = SparseEntries<Element>(mapping: mapping, offset: data.filePosition + start * size, count: end - start)
        let sorted = try columns.withPointer { c in
            try values.withPointer { v in
                for i in rows {
                    do throws(SparseRowCheck.Problem) {
                        guard
                            try SparseRowCheck.checkInPlace(
                                columns: c, values: v, start: allStarts[i] - start, count: allStarts[i + 1] - allStarts[i], features: p)
                        else { return false }
                    } catch {
                        // A damaged member is said as such, as one process says it: its whole checksum first.
                        try indices.account(UnsafeRawBufferPointer(start: mapping.base + indices.filePosition, count: nnz * 4))
                        try data.account(UnsafeRawBufferPointer(start: mapping.base + data.filePosition, count: nnz * size))
                        try indices.finish()
                        try data.finish()
                        throw FileError.malformed(path: path, reason: "\(error.place(row: i + 1)): \(error.reason(features: p))")
                    }
                }
                return true
            }
        }
        guard sorted else { return nil }
        let indexCRC = ZipMemberStream.checksum(
            UnsafeRawBufferPointer(start: mapping.base + indices.filePosition + start * 4, count: (end - start) * 4))
        let valueCRC = ZipMemberStream.checksum(
            UnsafeRawBufferPointer(start: mapping.base + data.filePosition + start * size, count: (end - start) * size))
        let rowStarts = allStarts[rows.lowerBound...rows.upperBound].map { $0 - start }
        return (
            rowStarts, columns, values, p, [indices, data],
            [UInt64(indexCRC), UInt64((end - start) * 4), UInt64(valueCRC), UInt64((end - start) * size)]
        )
    }
}

extension NPZReader.Part {
    /// Checks the mapped members' CRC-32s from every process's `checksums` (in rank order).
    /// - Throws: ``FileError/malformed(path:reason:)`` as one process says a damaged member.
    func verify(_ checksums: [[UInt64]]) throws {
        guard let pending else { return }
        for (member, stream) in pending.streams.enumerated() {
            try stream.finish(parts: checksums.map { (UInt($0[2 * member]), Int($0[2 * member + 1])) })
        }
    }
}
