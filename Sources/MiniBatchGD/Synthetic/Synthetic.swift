extension Dataset {
    /// A reproducible regression problem: features with independent standard normal entries,
    /// targets y = X·W + 1 + N(0, noise²) with W drawn once from N(0, 1), all from `seed`.
    /// The data the benchmarks and `mbgd bench` sweep over.
    /// - Throws: ``ArgumentError`` for a size below 1 or
    ///   a negative noise.
    /// - Complexity: O(rows × features × outputs).
    ///
    /// `Dataset<Float>.synthetic` draws the same values and rounds them to `Float`.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public static func synthetic(rows: Int, features: Int, outputs: Int = 1, noise: Double = 0.1, seed: UInt64 = 0) throws -> Dataset<
        Element
    > {
        for (name, value) in [("rows", rows), ("features", features), ("outputs", outputs)] where value < 1 {
            throw ArgumentError(argument: name, value: "\(value)", requirement: "must be at least 1")
        }
        guard noise.isFinite, noise >= 0 else {
            throw ArgumentError(argument: "noise", value: "\(noise)", requirement: "must be zero or positive")
        }
        // The rows are generated, then copied into the data set; the weights are features × outputs.
        let (columns, columnsOverflow) = features.addingReportingOverflow(outputs)
        let rowBytes = columnsOverflow ? nil : MemoryBudget.bytes(of: Element.self, [2, rows, columns])
        let weightBytes = MemoryBudget.doubles(features, outputs)
        try MemoryBudget.require(
            rowBytes.flatMap { rows in weightBytes.flatMap { rows.addingReportingOverflow($0).overflow ? nil : rows + $0 } },
            for:
                "a synthetic data set of \(rows) row\(rows == 1 ? "" : "s") × \(features) features × \(outputs) output\(outputs == 1 ? "" : "s")"
        )
        var generator = RandomSource(seed: seed)
        let weights = (0..<features * outputs).map { _ in generator.nextGaussian() }
        var x = [Element](repeating: 0, count: rows * features)
        var y = [Element](repeating: 0, count: rows * outputs)
        for i in 0..<rows {
            for j in 0..<features { x[i * features + j] = Element(generator.nextGaussian()) }
            for o in 0..<outputs {
                var value = 1 + noise * generator.nextGaussian()
                for j in 0..<features { value += Double(x[i * features + j]) * weights[j * outputs + o] }
                y[i * outputs + o] = Element(value)
            }
        }
        return try Dataset(
            features: Matrix(rows: rows, columns: features, elements: x),
            targets: Matrix(rows: rows, columns: outputs, elements: y))
    }
}
