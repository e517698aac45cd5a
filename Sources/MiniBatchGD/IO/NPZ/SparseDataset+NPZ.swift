extension SparseDataset {
    /// Loads a sparse matrix saved by scipy (`scipy.sparse.save_npz`, compressed or not) as the
    /// features, with the targets from a NumPy `.npy` file beside it.
    ///
    /// ```swift
    /// // In Python:
    /// //   X = scipy.sparse.csr_matrix(...)            # n × p
    /// //   scipy.sparse.save_npz("X.npz", X)           # compressed; compressed=False to store
    /// //   numpy.save("y.npy", y)                      # n targets, or n × k
    /// let data = try SparseDataset<Double>.load(npz: "X.npz", targets: "y.npy")
    /// print(data.rows, data.featureCount, data.nonzeros)
    /// ```
    ///
    /// The `.npz` is a zip archive of `.npy` arrays: `indptr` (the row offsets), `indices` (int32
    /// or int64 columns), `data` (float64 or float32; integers and bools are read as their
    /// values), `shape` and `format`, which must be `csr` (a CSC or COO matrix is refused: save
    /// `m.tocsr()`). Members may be stored or deflated (zip64 too); each member's CRC-32 is
    /// checked. Everything is validated as
    /// ``init(rowStarts:columns:values:targets:featureCount:featureNames:targetNames:weights:)``
    /// validates its arrays, with the row and entry of the first fault; one difference: a row
    /// whose indices are out of order (scipy allows it, `has_sorted_indices` False) is sorted,
    /// as `m.sort_indices()` would, where a repeated index (which scipy sums) is refused with
    /// the advice to call `m.sum_duplicates()`.
    ///
    /// When the indices and values are stored uncompressed (`save_npz(..., compressed=False)`)
    /// as int32 indices and values of the element type kept (float64 for `Double`, float32 for
    /// `Float`), they are not copied: the file is mapped and the data set reads them where they
    /// lie (``isMapped``), so memory is the row offsets (8 bytes a row) and the targets, and a
    /// file larger than the memory a process may use can be fitted; the pages are read from the
    /// page cache as they are touched. They are still checked, in one pass that also takes each
    /// member's CRC-32. A row whose indices are out of order cannot be sorted in a read-only
    /// mapping: such a file is read into memory instead. A file truncated while it is mapped
    /// ends the process with SIGBUS on the next read of a lost page (`mbgd` says so).
    ///
    /// Otherwise memory is the arrays themselves (12 bytes a nonzero for `Double`, 8 for
    /// `Float`, plus 8 a row), checked before any is allocated from the sizes the file gives.
    /// A stored member of the element type kept is read by `pread` straight into its array, a
    /// deflated one inflated into it; other types are converted a window at a time (int64
    /// indices to `Int32`, float64 rounded to `Float`).
    ///
    /// - Parameters:
    ///   - path: the `.npz` file.
    ///   - targets: a `.npy` of n numbers (shape `(n,)`, the single target `y`) or n×k (targets
    ///     `y1` to `yk`), n the matrix's rows.
    ///   - featureCount: the width p, at least the matrix's own (to read a test matrix as wide as
    ///     the training one); nil for the matrix's.
    /// - Returns: the rows, features named `x1` to `xp`, no weights.
    /// - Throws: ``FileError/malformed(path:reason:)`` naming the member, row and entry of what is
    ///   wrong and what to do; ``FileError/truncated(path:expectedBytes:actualBytes:)`` for a file
    ///   cut short; ``FileError/tooLarge(path:neededBytes:availableBytes:)`` when the arrays would
    ///   not fit in memory; ``FileError/nonFinite(path:line:column:text:)`` for a target that is
    ///   not finite (line: its 1-based row); ``FileError/notFound(path:)`` and other
    ///   ``FileError`` cases for a file that cannot be read.
    /// - Complexity: O(file size): one pass over each array, O(r log r) more for a row of r
    ///   entries out of order.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public static func load(npz path: String, targets: String, featureCount: Int? = nil) throws -> SparseDataset {
        try NPZReader.dataset(path: path, targets: targets, as: Element.self, featureCount: featureCount)
    }

    /// The features of an `.npz` alone, every target 0: for prediction, which needs no targets.
    package static func loadFeatures(npz path: String, featureCount: Int? = nil) throws -> SparseDataset {
        try NPZReader.dataset(path: path, targets: nil, as: Element.self, featureCount: featureCount)
    }
}
