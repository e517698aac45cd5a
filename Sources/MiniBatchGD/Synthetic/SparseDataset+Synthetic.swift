import Foundation

extension SparseDataset {
    /// Random sparse rows with a known linear model, for benchmarks and tests: text-like, with
    /// heavy-tailed column frequencies.
    ///
    /// ```swift
    /// let data = try SparseDataset<Double>.synthetic(rows: 100_000, features: 50_000, density: 0.001)
    /// print(data.nonzeros)   // about 100 000 × 50 000 × 0.001 = 5 000 000
    /// ```
    ///
    /// Each row has between 0 and 2·density·p nonzeros (uniformly, so density·p on average), at
    /// distinct columns drawn log-uniformly (column j about as often as 1/(j + 1): a few frequent
    /// columns and a long tail, as terms in text; a repeat is replaced by a uniform draw), with
    /// standard normal values; its target is
    /// 1 + xᵀβ + noise·ε, β and ε standard normal.
    /// - Parameters:
    ///   - rows: n, at least 1.
    ///   - features: p, from 1 to ``maximumFeatureCount``.
    ///   - density: the expected fraction of nonzero entries, in (0, 1].
    ///   - noise: the noise's standard deviation, zero or more.
    ///   - seed: the ``RandomSource`` seed; the same seed gives the same rows.
    /// - Throws: ``ArgumentError`` for a size, density or noise out of range;
    ///   ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)`` when the expected arrays
    ///   (with room for rows of twice the mean) would not fit in memory, checked before allocating.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public static func synthetic(rows: Int, features: Int, density: Double, noise: Double = 0.1, seed: UInt64 = 0) throws
        -> SparseDataset
    {
        for (name, value) in [("rows", rows), ("features", features)] where value < 1 {
            throw ArgumentError(argument: name, value: "\(value)", requirement: "must be at least 1")
        }
        guard features <= maximumFeatureCount else {
            throw ArgumentError(
                argument: "features", value: "\(features)", requirement: "must be at most \(maximumFeatureCount) (32-bit column indices)")
        }
        guard density > 0, density <= 1 else {
            throw ArgumentError(argument: "density", value: "\(density)", requirement: "must lie in (0, 1]")
        }
        guard noise.isFinite, noise >= 0 else {
            throw ArgumentError(argument: "noise", value: "\(noise)", requirement: "must be zero or positive")
        }
        // At most 2·density·p (and p) nonzeros a row.
        let widest = Swift.min(features, Int((2 * density * Double(features)).rounded(.down)))
        let expected = Double(rows) * Double(widest) / 2
        let entryBytes = MemoryLayout<Int32>.stride + MemoryLayout<Element>.stride
        let needed =
            expected * Double(entryBytes) < Double(Int.max / 2)
            ? Int(expected) * entryBytes + (MemoryBudget.doubles(rows, 3) ?? .max / 2) + (MemoryBudget.doubles(features) ?? .max / 2)
            : nil
        try MemoryBudget.require(needed, for: "a synthetic sparse data set of \(rows) rows × \(features) features at density \(density)")
        var generator = RandomSource(seed: seed)
        let coefficients = (0..<features).map { _ in generator.nextGaussian() }
        var starts = [Int](), columns = [Int32](), values = [Element](), targets = [Element]()
        starts.reserveCapacity(rows + 1)
        columns.reserveCapacity(Int(expected))
        values.reserveCapacity(Int(expected))
        targets.reserveCapacity(rows)
        starts.append(0)
        var row = Set<Int32>()
        let logWidth = log(Double(features + 1))
        for _ in 0..<rows {
            let count = Int(generator.nextUniform() * Double(widest + 1))
            row.removeAll(keepingCapacity: true)
            while row.count < Swift.min(count, features) {
                // log-uniform over 1...p + 1, minus one: column j about as often as 1/(j + 1); a
                // column drawn twice is replaced by a uniform one, so dense rows fill quickly.
                let column = Swift.min(Int(exp(generator.nextUniform() * logWidth)) - 1, features - 1)
                if !row.insert(Int32(column)).inserted { row.insert(Int32(Int(generator.nextUniform() * Double(features)) % features)) }
            }
            var value = 1 + noise * generator.nextGaussian()
            for column in row.sorted() {
                let x = Element(generator.nextGaussian())
                columns.append(column)
                values.append(x)
                value += Double(x) * coefficients[Int(column)]
            }
            targets.append(Element(value))
            starts.append(columns.count)
        }
        return try SparseDataset(rowStarts: starts, columns: columns, values: values, targets: targets, featureCount: features)
    }
}
