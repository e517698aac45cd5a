extension ElasticNetCV {
    /// How the rows are split into the folds of the cross-validation: each fold is held out once,
    /// the path fitted on the others.
    ///
    /// ```swift
    /// let seeded = try ElasticNetCV.Folds.seeded(count: 10, seed: 7).assignment(rows: 1000)  // sizes 100 each
    /// let given = try ElasticNetCV.Folds.labels([0, 1, 0, 2, 1, 2]).assignment(rows: 6)       // [0, 1, 0, 2, 1, 2]
    /// let grouped = try ElasticNetCV.Folds.groups(patients, count: 5).assignment(rows: patients.count)
    /// ```
    public enum Folds: Sendable, Equatable {
        /// `count` folds of random rows, reproducible by `seed` on every machine: the row indices
        /// shuffled by ``RandomSource`` (`RandomSource(seed:)`, Fisher–Yates from the last index
        /// down), then dealt in that order into `count` runs of consecutive positions, the first
        /// n mod `count` runs one row longer (scikit-learn's `KFold(shuffle=True)` layout, with
        /// this package's generator): the sizes differ by at most one.
        case seeded(count: Int, seed: UInt64)
        /// One label per row: every distinct value is one fold, the folds in increasing order of
        /// their labels (glmnet's `foldid`, scikit-learn's `PredefinedSplit(test_fold=labels)`,
        /// whose −1 "never held out" has no counterpart here: every label is a fold).
        case labels([Double])
        /// One group per row, the groups dealt into `count` folds so that a group's rows are all
        /// in one fold: scikit-learn's `GroupKFold(n_splits=count)` (unshuffled) exactly — the
        /// groups from the most rows to the fewest (equal counts: the larger value first), each
        /// into the fold with the fewest rows so far (the first such fold on a tie).
        case groups([Double], count: Int)

        /// The default fold count: scikit-learn's `LassoCV(cv=5)`.
        public static let defaultCount = 5

        /// The fold of every row, 0-based: fold f is held out in the f-th fit.
        ///
        /// ```swift
        /// let folds = try ElasticNetCV.Folds.seeded(count: 3, seed: 1).assignment(rows: 7)   // three folds of 3, 2, 2 rows
        /// ```
        /// - Throws: ``ArgumentError`` for fewer than 2 folds, more folds than rows (or groups),
        ///   labels or groups of the wrong count or not finite.
        public func assignment(rows n: Int) throws -> [Int] {
            switch self {
            case let .seeded(count, seed):
                try Self.checkCount(count, of: n, "rows")
                var order = Array(0..<n), generator = RandomSource(seed: seed)
                generator.shuffle(&order)
                var fold = [Int](repeating: 0, count: n)
                let base = n / count, longer = n % count
                var position = 0
                for f in 0..<count {
                    for _ in 0..<(base + (f < longer ? 1 : 0)) {
                        fold[order[position]] = f
                        position += 1
                    }
                }
                return fold
            case let .labels(labels):
                try Self.checkValues(labels, "labels", rows: n)
                let distinct = Array(Set(labels)).sorted()
                guard distinct.count >= 2 else {
                    throw ArgumentError(
                        argument: "labels", value: "\(distinct.count) distinct value\(distinct.count == 1 ? "" : "s")",
                        requirement: "must hold at least 2 distinct labels: each is a fold held out while the others are fitted")
                }
                let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
                return labels.map { index[$0]! }
            case let .groups(groups, count):
                try Self.checkValues(groups, "groups", rows: n)
                let distinct = Array(Set(groups)).sorted()
                try Self.checkCount(count, of: distinct.count, "distinct groups")
                let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
                var sizes = [Int](repeating: 0, count: distinct.count)
                for g in groups { sizes[index[g]!] += 1 }
                let order = distinct.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 > $1 }
                var load = [Int](repeating: 0, count: count), foldOfGroup = [Int](repeating: 0, count: distinct.count)
                for g in order {
                    var lightest = 0
                    for f in 1..<count where load[f] < load[lightest] { lightest = f }
                    load[lightest] += sizes[g]
                    foldOfGroup[g] = lightest
                }
                return groups.map { foldOfGroup[index[$0]!] }
            }
        }

        private static func checkCount(_ count: Int, of available: Int, _ what: String) throws {
            guard count >= 2 else {
                throw ArgumentError(
                    argument: "count", value: "\(count)", requirement: "must be at least 2: one fold held out, at least one fitted")
            }
            guard count <= available else {
                throw ArgumentError(
                    argument: "count", value: "\(count)", requirement: "must be at most the \(available) \(what): every fold needs one")
            }
        }

        private static func checkValues(_ values: [Double], _ name: String, rows n: Int) throws {
            guard values.count == n else {
                throw ArgumentError(argument: name, value: "\(values.count) values", requirement: "must hold one value per row (\(n))")
            }
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw ArgumentError(argument: name, value: "\(values[bad]) (row \(bad + 1))", requirement: "must be finite")
            }
        }
    }

    /// Every fold has a held-out row of positive weight, and rows of positive weight to fit.
    static func checkFolds(_ fold: [Int], count: Int, weights: [Double]?) throws {
        var size = [Int](repeating: 0, count: count), positive = size
        for (i, f) in fold.enumerated() {
            size[f] += 1
            if (weights?[i] ?? 1) > 0 { positive[f] += 1 }
        }
        let total = positive.reduce(0, +)
        for f in 0..<count {
            guard size[f] > 0 else {
                throw ArgumentError(argument: "folds", value: "fold \(f + 1) of \(count)", requirement: "must hold at least one row")
            }
            guard positive[f] > 0 else {
                throw ArgumentError(
                    argument: "folds", value: "fold \(f + 1) of \(count), whose rows all have weight 0",
                    requirement: "must hold a row of positive weight: its held-out error is a weighted mean")
            }
            guard total - positive[f] >= 1 else {
                throw ArgumentError(
                    argument: "folds", value: "fold \(f + 1) of \(count)",
                    requirement: "must leave at least one row of positive weight to fit when it is held out")
            }
        }
    }
}
