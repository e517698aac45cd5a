/// Reads scipy's sparse `.npz` files (`scipy.sparse.save_npz`, compressed or not) into CSR
/// arrays (see ``SparseDataset/load(npz:targets:featureCount:)``).
///
/// The archive's directory is read first, then each array's header; every size is checked
/// against the file, and the memory the arrays need against the budget, before any of them is
/// allocated. Stored int32 indices and values of the element type kept are mapped in place
/// (``mapped(_:path:as:featureCount:extraBytes:memoryLimit:)``), read by unaligned loads:
/// scipy's writer leaves each array at an odd byte offset in the archive. Other arrays are read
/// once, front to back, straight into their final place: a stored member by `pread` into the
/// arrays themselves, a deflated member inflated into them, other types converted a window at
/// a time.
enum NPZReader {
    /// What ``read(path:targets:as:featureCount:memoryLimit:)`` gives before the targets are attached.
    struct Arrays<Element: BLASScalar> {
        var rowStarts: [Int]
        var columns: [Int32]
        var values: [Element]
        var featureCount: Int
        /// Rows whose indices were not in order (sorted, as `.sort_indices()` would).
        var sortedRows: Int
    }

    /// The archive's CSR arrays, their headers, and the shape, checked as far as the headers go.
    struct Members {
        let indptr: NPYArrayStream, indices: NPYArrayStream, data: NPYArrayStream
        let rows: Int, featureCount: Int, nonzeros: Int
    }

    /// Opens `path` and reads its format, shape and the three arrays' headers.
    /// - Throws: ``FileError/malformed(path:reason:)`` saying what is missing or wrong and what to do.
    static func members(path: String) throws -> Members {
        let archive = try ZipArchive(PositionalFile(path: path))
        func malformed(_ reason: String) -> FileError { .malformed(path: path, reason: reason) }
        func array(_ name: String) throws -> NPYArrayStream {
            guard let member = archive.member(name + ".npy") else {
                throw malformed(
                    "the archive has no \(name).npy; a sparse .npz from scipy.sparse.save_npz of a CSR matrix has indices, indptr, format, shape and data"
                )
            }
            return try NPYArrayStream(ZipMemberStream(archive, member))
        }
        guard archive.member("format.npy") != nil else {
            let names = archive.members.map(\.name).prefix(10).joined(separator: ", ")
            throw malformed(
                "not a scipy sparse matrix (no format.npy; the archive holds \(names)): save the matrix with scipy.sparse.save_npz (np.savez arrays are not read)"
            )
        }
        let formatArray = try array("format")
        guard let format = try formatArray.string() else {
            throw malformed("format.npy holds \(formatArray.dtype.numpyName), not the format's name (b'csr')")
        }
        guard format == "csr" else {
            throw malformed(
                "the matrix is stored as '\(format)'; only CSR ('csr') is read: convert it with m.tocsr() and save that with scipy.sparse.save_npz"
            )
        }
        let shapeArray = try array("shape")
        guard shapeArray.dtype.isInteger, shapeArray.shape == [2] else {
            throw malformed(
                "shape.npy is \(shapeArray.dtype.numpyName) of shape \(shapeArray.shapeText), not the two integers (rows, columns)")
        }
        var shape = [0, 0]
        try shape.withUnsafeMutableBufferPointer { try shapeArray.readIntegers(into: $0) }
        let (n, p) = (shape[0], shape[1])
        guard n >= 1 else { throw malformed("the matrix has \(n) rows; at least one is needed") }
        // Counts beyond any memory are refused before n + 1 is formed.
        guard n <= Int.max / 16 else { throw malformed("the matrix has \(n) rows: more than any memory holds; the file is damaged") }
        guard p >= 1, p <= SparseDataset<Double>.maximumFeatureCount else {
            throw malformed(
                "the matrix has \(p) columns; between 1 and \(SparseDataset<Double>.maximumFeatureCount) are read (column indices are 32-bit)"
            )
        }
        let indptr = try array("indptr"), indices = try array("indices"), data = try array("data")
        guard indptr.dtype.isInteger, indptr.shape == [n + 1] else {
            throw malformed(
                "indptr.npy is \(indptr.dtype.numpyName) of shape \(indptr.shapeText); a matrix of \(n) rows has \(n + 1) integer row offsets"
            )
        }
        guard indices.dtype.isInteger, indices.shape.count == 1 else {
            throw malformed(
                "indices.npy is \(indices.dtype.numpyName) of shape \(indices.shapeText), not a 1-D array of integer column indices")
        }
        guard data.dtype.isNumber, data.shape.count == 1 else {
            throw malformed("data.npy is \(data.dtype.numpyName) of shape \(data.shapeText), not a 1-D array of numbers")
        }
        guard indices.count == data.count else {
            throw malformed("indices.npy has \(indices.count) entries and data.npy \(data.count); a CSR matrix has one index per value")
        }
        return Members(indptr: indptr, indices: indices, data: data, rows: n, featureCount: p, nonzeros: data.count)
    }

    /// The whole matrix as CSR arrays, or the rows `share` of it, checked as ``SparseDataset``'s
    /// validating initializer checks them (rows whose indices are out of order are sorted).
    /// A share's entries are kept and checked, the others' bytes only read through (a deflated
    /// member can only be inflated from its start), so each member's checksum is still checked
    /// whole; its row offsets start from the share's first entry.
    /// - Parameters:
    ///   - extraBytes: memory needed beside the arrays (the targets, the feature names), for the one check.
    ///   - share: the rows kept (all when nil); an entry's error names its row in the whole matrix.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    static func read<Element: BLASScalar>(
        _ members: Members, path: String, as element: Element.Type, featureCount: Int?, extraBytes: Int?, memoryLimit: Int?,
        rows share: Range<Int>? = nil
    ) throws -> Arrays<Element> {
        let n = members.rows, nnz = members.nonzeros
        func malformed(_ reason: String) -> FileError { .malformed(path: path, reason: reason) }
        let p = try width(members, path: path, featureCount: featureCount)
        // 8 bytes a row offset, 4 an index, one element a value, and what the caller adds; a
        // share's entries are counted once the offsets (counted first) say how many.
        let offsets = MemoryBudget.bytes(of: Int.self, [n + 1])
        func checkArrays(_ entries: Int) throws {
            try checkMemory(
                [offsets, MemoryBudget.bytes(of: Int32.self, [entries]), MemoryBudget.bytes(of: Element.self, [entries])],
                extraBytes: extraBytes, path: path, memoryLimit: memoryLimit)
        }
        if share == nil {
            try checkArrays(nnz)
        } else {
            try checkMemory([offsets], extraBytes: extraBytes, path: path, memoryLimit: memoryLimit)
        }
        let rowStarts = try rowStarts(members, path: path)
        let kept = share ?? 0..<n
        let first = rowStarts[kept.lowerBound], count = rowStarts[kept.upperBound] - first
        if share != nil { try checkArrays(count) }
        /// Row (1-based) and place in it (1-based) of entry `position`.
        func locate(_ position: Int) -> (row: Int, entry: Int) {
            var low = 0, high = n  // the row i with rowStarts[i] <= position < rowStarts[i + 1]
            while high - low > 1 {
                let middle = (low + high) / 2
                if rowStarts[middle] <= position { low = middle } else { high = middle }
            }
            return (low + 1, position - rowStarts[low] + 1)
        }
        func entryError(_ position: Int, _ reason: String) -> FileError {
            let (row, entry) = locate(position)
            return malformed("row \(row), entry \(entry): \(reason)")
        }
        let columnRange = "0..<\(p) (the matrix's \(p) columns, 0-based)"
        var columns = [Int32](repeating: 0, count: count)
        try members.indices.skip(first)
        try columns.withUnsafeMutableBufferPointer { buffer in
            try members.indices.readIntegers(into: buffer) { position, value in
                throw entryError(position, "column index \(value) is outside \(columnRange)")
            }
        }
        try members.indices.skip(nnz - first - count)
        var values = [Element](repeating: 0, count: count)
        try members.data.skip(first)
        try values.withUnsafeMutableBufferPointer { try members.data.readNumbers(into: $0) }
        try members.data.skip(nnz - first - count)

        // Each row: indices in range, values finite, sorted here when out of order.
        var sortedRows = 0
        var scratch: [(Int32, Element)] = []
        let narrowed = members.data.dtype.kind == .float && members.data.dtype.width == 8 && Element.self == Float.self
        if count > 0 {
            try columns.withUnsafeMutableBufferPointer { c in
                try values.withUnsafeMutableBufferPointer { v in
                    for i in kept {
                        let start = rowStarts[i] - first
                        do throws(SparseRowCheck.Problem) {
                            if try SparseRowCheck.check(
                                columns: c.baseAddress! + start, values: v.baseAddress! + start, count: rowStarts[i + 1] - rowStarts[i],
                                features: p, scratch: &scratch)
                            {
                                sortedRows += 1
                            }
                        } catch {
                            let hint =
                                narrowed
                                ? " (NaN, infinity, or beyond Float's range: read it as float64, --precision float64)"
                                : " (NaN or infinity)"
                            throw malformed("\(error.place(row: i + 1)): \(error.reason(features: p, notFiniteHint: hint))")
                        }
                    }
                }
            }
        }
        let keptStarts = share.map { rows in rowStarts[rows.lowerBound...rows.upperBound].map { $0 - first } } ?? rowStarts
        return Arrays(rowStarts: keptStarts, columns: columns, values: values, featureCount: p, sortedRows: sortedRows)
    }

    /// The design's width: the matrix's, or `featureCount` when given (at least the matrix's).
    static func width(_ members: Members, path: String, featureCount: Int?) throws -> Int {
        guard let featureCount else { return members.featureCount }
        guard featureCount >= members.featureCount else {
            throw FileError.malformed(
                path: path,
                reason: "the matrix has \(members.featureCount) columns, more than the \(featureCount) features asked for (the model's)")
        }
        return featureCount
    }

    /// Checks the sum of `parts` and `extraBytes` (nil: beyond counting) against the budget.
    static func checkMemory(_ parts: [Int?], extraBytes: Int?, path: String, memoryLimit: Int?) throws {
        let needed = (parts + [extraBytes]).reduce(Int?(0)) { sum, part in
            guard let sum, let part else { return nil }
            let (total, overflow) = sum.addingReportingOverflow(part)
            return overflow ? nil : total
        }
        try MemoryBudget.check(needed ?? .max, path: path, limit: memoryLimit)
    }

    /// The n + 1 row offsets, checked to start at 0, never decrease and end at the entry count.
    static func rowStarts(_ members: Members, path: String) throws -> [Int] {
        let n = members.rows, nnz = members.nonzeros
        func malformed(_ reason: String) -> FileError { .malformed(path: path, reason: reason) }
        var rowStarts = [Int](repeating: 0, count: n + 1)
        try rowStarts.withUnsafeMutableBufferPointer { try members.indptr.readIntegers(into: $0) }
        guard rowStarts[0] == 0 else { throw malformed("indptr.npy starts at \(rowStarts[0]); the first row starts at 0") }
        if let i = (0..<n).first(where: { rowStarts[$0] > rowStarts[$0 + 1] }) {
            throw malformed("indptr.npy decreases at row \(i + 1) (\(rowStarts[i]) then \(rowStarts[i + 1])); row offsets never decrease")
        }
        guard rowStarts[n] == nnz else {
            throw malformed("indptr.npy ends at \(rowStarts[n]), but there are \(nnz) entries; the last offset is their count")
        }
        return rowStarts
    }

    /// Entries whose bytes are checksummed, then checked, at a time when mapped: the file is read
    /// once, the checksum and the checks taking each page while it is in the cache.
    static let mappedChunkEntries = 1 << 20

    /// The indices and values members, when they can be read in place as `Element`: stored (not
    /// compressed), nonempty, 32-bit indices and `Element`'s float width, both in the machine's
    /// byte order.
    static func storedInPlace<Element: BLASScalar>(_ members: Members, as element: Element.Type) -> (
        indices: ZipMemberStream, data: ZipMemberStream
    )? {
        let machineLittle = 1.littleEndian == 1
        guard members.nonzeros > 0, let indices = members.indices.stream as? ZipMemberStream,
            let data = members.data.stream as? ZipMemberStream, indices.isStored, data.isStored,
            members.indices.dtype.kind == .signed, members.indices.dtype.width == 4, members.indices.dtype.littleEndian == machineLittle,
            members.data.dtype.kind == .float, members.data.dtype.width == MemoryLayout<Element>.size,
            members.data.dtype.littleEndian == machineLittle
        else { return nil }
        return (indices, data)
    }

    /// The CSR arrays with the indices and values read in place from a mapping of the file, when
    /// both members are stored and hold the types kept (int32 indices, little-endian; `Element`
    /// values); nil, with nothing read, when they are not, and nil after reading when a row's
    /// indices are out of order (a mapping cannot be sorted: ``read(_:path:as:featureCount:extraBytes:memoryLimit:)``
    /// sorts them, on members opened afresh). Memory is the row offsets alone.
    /// - Throws: as ``read(_:path:as:featureCount:extraBytes:memoryLimit:)``, with the same
    ///   messages; a damaged member's checksum is reported before any fault of its rows.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    static func mapped<Element: BLASScalar>(
        _ members: Members, path: String, as element: Element.Type, featureCount: Int?, extraBytes: Int?, memoryLimit: Int?
    ) throws -> (rowStarts: [Int], columns: SparseEntries<Int32>, values: SparseEntries<Element>, featureCount: Int)? {
        let nnz = members.nonzeros
        guard let (indices, data) = storedInPlace(members, as: Element.self) else { return nil }
        let p = try width(members, path: path, featureCount: featureCount)
        try checkMemory(
            [MemoryBudget.bytes(of: Int.self, [members.rows + 1])], extraBytes: extraBytes, path: path, memoryLimit: memoryLimit)
        let rowStarts = try rowStarts(members, path: path)
        // Each array's bytes were checked, by its header's shape, to fill the rest of its member,
        // and each member to lie inside the file; checked again here before any address is formed.
        let file = indices.file, indexBytes = nnz * 4, valueBytes = nnz * MemoryLayout<Element>.size
        guard indices.remaining == indexBytes, data.remaining == valueBytes, indices.filePosition <= file.size - indexBytes,
            data.filePosition <= file.size - valueBytes
        else {
            throw FileError.malformed(path: path, reason: "indices.npy or data.npy does not lie inside the file: the file is damaged")
        }
        let mapping = try file.map(length: file.size)
        let columns = SparseEntries<Int32>(mapping: mapping, offset: indices.filePosition, count: nnz)
        let values = SparseEntries<Element>(mapping: mapping, offset: data.filePosition, count: nnz)
        var accounted = 0
        /// The entries up to `end` into the members' checksums.
        func account(to end: Int) throws {
            guard end > accounted else { return }
            try indices.account(UnsafeRawBufferPointer(start: mapping.base + indices.filePosition, count: (end - accounted) * 4))
            try data.account(
                UnsafeRawBufferPointer(
                    start: mapping.base + data.filePosition, count: (end - accounted) * MemoryLayout<Element>.size))
            accounted = end
        }
        let sorted = try columns.withPointer { c in
            try values.withPointer { v in
                for i in 0..<members.rows {
                    let start = rowStarts[i], end = rowStarts[i + 1]
                    try account(to: Swift.min(nnz, Swift.max(end, accounted + mappedChunkEntries)))
                    do throws(SparseRowCheck.Problem) {
                        guard try SparseRowCheck.checkInPlace(columns: c, values: v, start: start, count: end - start, features: p) else {
                            return false
                        }
                    } catch {
                        // A damaged member is said as such, as the copying reader (which checks
                        // each member's checksum before its rows) says it.
                        try account(to: nnz)
                        try indices.finish()
                        try data.finish()
                        throw FileError.malformed(path: path, reason: "\(error.place(row: i + 1)): \(error.reason(features: p))")
                    }
                }
                return true
            }
        }
        guard sorted else { return nil }
        try account(to: nnz)
        try indices.finish()
        try data.finish()
        return (rowStarts, columns, values, p)
    }

    /// The data set of `path`'s matrix and the targets in `targets` (every target 0 when nil:
    /// for prediction, which reads the features alone).
    /// - Throws: as ``SparseDataset/load(npz:targets:featureCount:)``.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    static func dataset<Element: BLASScalar>(
        path: String, targets targetsPath: String?, as element: Element.Type, featureCount: Int?, memoryLimit: Int? = nil,
        mapping: Bool = true
    ) throws -> SparseDataset<Element> {
        let members = try members(path: path)
        let n = members.rows, p = Swift.max(members.featureCount, featureCount ?? 0)
        let targetArray = try targetsPath.map { try NPYArrayStream(FileByteStream(PositionalFile(path: $0))) }
        let k = try targetArray.map { try targetShape($0, path: targetsPath!, rows: n) } ?? 1
        // The targets and the default feature names (16 bytes each) are counted with the arrays.
        let extra = MemoryBudget.bytes(of: Element.self, [n, k]).flatMap { targets in
            MemoryBudget.bytes(of: String.self, [p]).map { targets.addingReportingOverflow($0) }
        }.flatMap { $0.overflow ? nil : $0.partialValue }
        let targets = {
            try targetArray.map { try self.targets($0, path: targetsPath!, rows: n, as: Element.self) }
                ?? Matrix(uncheckedRows: n, columns: 1, elements: [Element](repeating: 0, count: n))
        }
        let featureNames = Dataset<Element>.defaultFeatureNames(p), targetNames = Dataset<Element>.defaultTargetNames(k)
        if mapping,
            let mapped = try mapped(
                members, path: path, as: Element.self, featureCount: featureCount, extraBytes: extra, memoryLimit: memoryLimit)
        {
            return SparseDataset(
                unchecked: mapped.rowStarts, mapped.columns, mapped.values, try targets(), featureCount: mapped.featureCount,
                featureNames: featureNames, targetNames: targetNames, weights: nil)
        }
        // Members opened afresh: a mapped attempt may have read some (rows out of order).
        let arrays = try read(
            mapping ? Self.members(path: path) : members, path: path, as: Element.self, featureCount: featureCount, extraBytes: extra,
            memoryLimit: memoryLimit)
        return SparseDataset(
            unchecked: arrays.rowStarts, arrays.columns, arrays.values, try targets(), featureCount: arrays.featureCount,
            featureNames: featureNames, targetNames: targetNames, weights: nil)
    }

    /// The shape of the targets' `.npy`: its rows and columns, checked against n.
    static func targetShape(_ array: NPYArrayStream, path: String, rows n: Int) throws -> Int {
        guard array.dtype.isNumber else {
            throw FileError.malformed(path: path, reason: "holds \(array.dtype.numpyName); the targets are numbers")
        }
        if array.shape.count == 2, array.shape[0] == n, array.shape[1] == 0 {
            throw FileError.malformed(
                path: path,
                reason: "the targets have shape \(array.shapeText): no target columns; give at least one (shape (\(n),) or (\(n), k))")
        }
        guard array.shape.count == 1 || array.shape.count == 2, array.shape[0] == n else {
            throw FileError.malformed(
                path: path,
                reason:
                    "the targets have shape \(array.shapeText), but the features have \(n) rows: the targets must be \(n) values (shape (\(n),)) or \(n) rows of targets (shape (\(n), k))"
            )
        }
        return array.shape.count == 1 ? 1 : array.shape[1]
    }

    /// The targets' `.npy` (1-D of n, or 2-D n×k) as an n×k matrix, checked finite (its memory
    /// counted by the caller).
    /// - Throws: ``FileError`` naming the file for a shape that does not fit n rows, a type that
    ///   is not numbers, or a value that is not finite (its 1-based row and column).
    static func targets<Element: BLASScalar>(_ array: NPYArrayStream, path: String, rows n: Int, as element: Element.Type) throws
        -> Matrix<Element>
    {
        let k = try targetShape(array, path: path, rows: n)
        var elements = [Element](repeating: 0, count: n * k)
        try elements.withUnsafeMutableBufferPointer { try array.readNumbers(into: $0) }
        if let index = elements.firstIndex(where: { !$0.isFinite }) {
            throw FileError.nonFinite(path: path, line: index / k + 1, column: index % k + 1, text: String(describing: elements[index]))
        }
        return Matrix(uncheckedRows: n, columns: k, elements: elements)
    }
}
