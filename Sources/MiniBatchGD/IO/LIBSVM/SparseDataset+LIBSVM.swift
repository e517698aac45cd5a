extension SparseDataset {
    /// Loads a libsvm/svmlight file, the sparse text format of libsvm, liblinear, svmlight and
    /// scikit-learn's `dump_svmlight_file`, with the same rows as scikit-learn's `load_svmlight_file`.
    ///
    /// ```swift
    /// // data.svm:
    /// //   2.5 1:0.5 4:-1.25     # x₁ = 0.5, x₄ = −1.25
    /// //   -1  qid:3 2:3e-2
    /// //   0.75                  # only a target: a row of zeros
    /// let data = try SparseDataset<Double>.load(libsvm: "data.svm")
    /// print(data.rows, data.featureCount, data.rowStarts, data.columnIndices)   // 3 4 [0, 2, 3, 3] [0, 3, 1]
    /// ```
    ///
    /// Each line is `target [qid:N] index:value index:value … [# comment]`. Fields are split at
    /// blanks (trailing ones and CRLF line ends are nothing); a `#` starts a comment that runs to
    /// the line end; blank and comment-only lines are skipped; a `qid:` right after the target
    /// (a ranking query id) is ignored; a line with only its target is a row of zeros. Indices
    /// must increase along each line, as libsvm writes them. Numbers are read correctly rounded
    /// to `Double` and then stored as `Element` (so `Float` gets what scikit-learn's float32
    /// reader gets). A regular file is parsed on every core, with the same result on any number.
    ///
    /// - Parameters:
    ///   - path: the file: a regular file, or a pipe (read on one thread).
    ///   - zeroBased: false (libsvm's convention) when the file's first column is index 1,
    ///     stored as column 0; true when it is index 0.
    ///   - featureCount: the width p (as scikit-learn's `n_features`: to give the training and
    ///     test files of one design the same width); nil for the largest index used, plus one.
    ///     An index beyond it is an error.
    /// - Returns: one row per data line, its target as the single target `y`, features named
    ///   `x1` to `xp`, no weights.
    /// - Throws: ``FileError/badLIBSVMEntry(path:line:entry:text:problem:)`` naming the line and
    ///   the entry, as written, of the first bad target, index or value (see ``LIBSVMProblem``);
    ///   ``FileError/empty(path:)`` or ``FileError/noRows(path:)`` for a file without rows;
    ///   ``FileError/tooLarge(path:neededBytes:availableBytes:)`` when the arrays would not fit
    ///   in memory (checked before they are allocated); ``FileError/notFound(path:)`` and other
    ///   ``FileError`` cases for a file that cannot be read; ``ArgumentError`` for a
    ///   `featureCount` outside 1...``maximumFeatureCount``.
    /// - Complexity: O(file size): two passes over the bytes, one to count, one to parse.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public static func load(libsvm path: String, zeroBased: Bool = false, featureCount: Int? = nil) throws -> SparseDataset {
        try LIBSVMReader.read(path: path, as: Element.self, zeroBased: zeroBased, featureCount: featureCount)
    }
}
