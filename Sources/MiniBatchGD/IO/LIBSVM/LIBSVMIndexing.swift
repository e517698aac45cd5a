/// How a libsvm file's indices are read: the first one (1 as libsvm writes them, or 0) and the
/// largest one allowed, both as written in the file.
struct LIBSVMIndexing: Sendable {
    /// The index of the first column as written: 1, or 0 for a 0-based file.
    let first: Int
    /// The largest index a 32-bit column reaches, as written.
    let largestRepresentable: Int
    /// The feature count asked for, if any.
    let featureCount: Int?
    /// The largest index allowed, as written: the last of `featureCount` columns, or the last
    /// representable one.
    let largest: Int

    init(zeroBased: Bool, featureCount: Int?) {
        let first = zeroBased ? 0 : 1
        self.first = first
        largestRepresentable = SparseDataset<Double>.maximumFeatureCount - 1 + first
        self.featureCount = featureCount
        largest = featureCount.map { $0 - 1 + first } ?? SparseDataset<Double>.maximumFeatureCount - 1 + first
    }
}
