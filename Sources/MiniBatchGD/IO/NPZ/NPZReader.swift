/// Reads scipy's sparse `.npz` files (`scipy.sparse.save_npz`, compressed or not) into CSR
/// arrays (see ``SparseDataset/load(npz:targets:featureCount:)``).
///
/// The archive's directory is read first, then each array's header; every size is checked
/// against the file, and the memory the arrays need against the budget, before any of them is
/// allocated. Each array is then read once, front to back, straight into its final place: a
/// stored member by `pread` into the arrays themselves when its type is the one kept (int32
/// indices; float64 values for `Double`, float32 for `Float`), a deflated member inflated into
/// them, other types converted a window at a time. Nothing else is copied: no whole-file
/// buffer, no mapping (scipy's writer leaves each array at an odd byte offset, where `Int32`
/// and `Double` cannot be read in place).
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

    /// The whole matrix as CSR arrays, checked as ``SparseDataset``'s validating initializer
    /// checks them (rows whose indices are out of order are sorted).
    /// - Parameters:
    ///   - extraBytes: memory needed beside the arrays (the targets, the feature names), for the one check.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    static func read<Element: BLASScalar>(
        _ members: Members, path: String, as element: Element.Type, featureCount: Int?, extraBytes: Int?, memoryLimit: Int?
    ) throws -> Arrays<Element> {
        let n = members.rows, nnz = members.nonzeros
        func malformed(_ reason: String) -> FileError { .malformed(path: path, reason: reason) }
        var p = members.featureCount
        if let featureCount {
            guard featureCount >= p else {
                throw malformed("the matrix has \(p) columns, more than the \(featureCount) features asked for (the model's)")
            }
            p = featureCount
        }
        // 8 bytes a row offset, 4 an index, one element a value, and what the caller adds.
        let parts = [
            MemoryBudget.bytes(of: Int.self, [n + 1]), MemoryBudget.bytes(of: Int32.self, [nnz]),
            MemoryBudget.bytes(of: Element.self, [nnz]), extraBytes,
        ]
        let needed = parts.reduce(Int?(0)) { sum, part in
            guard let sum, let part else { return nil }
            let (total, overflow) = sum.addingReportingOverflow(part)
            return overflow ? nil : total
        }
        try MemoryBudget.check(needed ?? .max, path: path, limit: memoryLimit)

        var rowStarts = [Int](repeating: 0, count: n + 1)
        try rowStarts.withUnsafeMutableBufferPointer { try members.indptr.readIntegers(into: $0) }
        guard rowStarts[0] == 0 else { throw malformed("indptr.npy starts at \(rowStarts[0]); the first row starts at 0") }
        if let i = (0..<n).first(where: { rowStarts[$0] > rowStarts[$0 + 1] }) {
            throw malformed("indptr.npy decreases at row \(i + 1) (\(rowStarts[i]) then \(rowStarts[i + 1])); row offsets never decrease")
        }
        guard rowStarts[n] == nnz else {
            throw malformed("indptr.npy ends at \(rowStarts[n]), but there are \(nnz) entries; the last offset is their count")
        }
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
        var columns = [Int32](repeating: 0, count: nnz)
        try columns.withUnsafeMutableBufferPointer { buffer in
            try members.indices.readIntegers(into: buffer) { position, value in
                throw entryError(position, "column index \(value) is outside \(columnRange)")
            }
        }
        var values = [Element](repeating: 0, count: nnz)
        try values.withUnsafeMutableBufferPointer { try members.data.readNumbers(into: $0) }

        // Each row: indices in range, values finite, sorted here when out of order.
        var sortedRows = 0
        var scratch: [(Int32, Element)] = []
        let narrowed = members.data.dtype.kind == .float && members.data.dtype.width == 8 && Element.self == Float.self
        if nnz > 0 {
            try columns.withUnsafeMutableBufferPointer { c in
                try values.withUnsafeMutableBufferPointer { v in
                    for i in 0..<n {
                        let start = rowStarts[i]
                        do throws(SparseRowCheck.Problem) {
                            if try SparseRowCheck.check(
                                columns: c.baseAddress! + start, values: v.baseAddress! + start, count: rowStarts[i + 1] - start,
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
        return Arrays(rowStarts: rowStarts, columns: columns, values: values, featureCount: p, sortedRows: sortedRows)
    }

    /// The data set of `path`'s matrix and the targets in `targets` (every target 0 when nil:
    /// for prediction, which reads the features alone).
    /// - Throws: as ``SparseDataset/load(npz:targets:featureCount:)``.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    static func dataset<Element: BLASScalar>(
        path: String, targets targetsPath: String?, as element: Element.Type, featureCount: Int?, memoryLimit: Int? = nil
    ) throws -> SparseDataset<Element> {
        let members = try members(path: path)
        let n = members.rows, p = Swift.max(members.featureCount, featureCount ?? 0)
        let targetArray = try targetsPath.map { try NPYArrayStream(FileByteStream(PositionalFile(path: $0))) }
        let k = try targetArray.map { try targetShape($0, path: targetsPath!, rows: n) } ?? 1
        // The targets and the default feature names (16 bytes each) are counted with the arrays.
        let extra = MemoryBudget.bytes(of: Element.self, [n, k]).flatMap { targets in
            MemoryBudget.bytes(of: String.self, [p]).map { targets.addingReportingOverflow($0) }
        }.flatMap { $0.overflow ? nil : $0.partialValue }
        let arrays = try read(
            members, path: path, as: Element.self, featureCount: featureCount, extraBytes: extra, memoryLimit: memoryLimit)
        let targets = try targetArray.map { try self.targets($0, path: targetsPath!, rows: n, as: Element.self) }
        return SparseDataset(
            unchecked: arrays.rowStarts, arrays.columns, arrays.values,
            targets ?? Matrix(uncheckedRows: n, columns: 1, elements: [Element](repeating: 0, count: n)), featureCount: arrays.featureCount,
            featureNames: Dataset<Element>.defaultFeatureNames(arrays.featureCount), targetNames: Dataset<Element>.defaultTargetNames(k),
            weights: nil)
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
