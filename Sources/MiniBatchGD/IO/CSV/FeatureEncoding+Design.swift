extension FeatureEncoding {
    /// The one-hot design of `read`, whose rows hold level `codes` (row-major rows × categorical
    /// columns, each a place in its column's ``CategoricalColumn/levels``, −1 for an ignored
    /// unknown level).
    func rows(_ read: CSVRead, codes: [Int32], layout: Layout, path: String) throws -> EncodedRows {
        let n = read.rows, p = featureCount, width = categorical.count, pn = numeric.count
        // Where each categorical column's columns start; the numeric columns come last.
        var starts: [Int] = []
        var next = 0
        for column in categorical {
            starts.append(next)
            next += column.columnNames.count
        }
        let dense: Bool
        switch layout {
        case .dense: dense = true
        case .sparse: dense = false
        case .automatic:
            let values = n.multipliedReportingOverflow(by: p)
            dense =
                p <= Self.denseColumnLimit && !values.overflow && values.partialValue <= Self.denseValueLimit
                && MemoryBudget.available().map { 8 * values.partialValue <= $0 / 2 } ?? true
        }
        if dense {
            try MemoryBudget.check(MemoryBudget.doubles(n, p) ?? .max, path: path, limit: nil)
            var x = [Double](repeating: 0, count: n * p)
            x.withUnsafeMutableBufferPointer { x in
                read.numeric.withUnsafeBufferPointer { numbers in
                    for i in 0..<n {
                        let row = i * p
                        for c in 0..<width {
                            let code = Int(codes[i * width + c])
                            if code >= 0, let offset = categorical[c].offset(ofLevel: code) { x[row + starts[c] + offset] = 1 }
                        }
                        for j in 0..<pn { x[row + next + j] = numbers[i * pn + j] }
                    }
                }
            }
            return .dense(
                Dataset(
                    unchecked: Matrix(uncheckedRows: n, columns: p, elements: x), read.targets, featureNames, read.targetNames,
                    weights: read.weights))
        }
        // At most one entry per categorical column and one per non-zero number, in column order.
        var rowStarts = [0], columns: [Int32] = [], values: [Double] = []
        rowStarts.reserveCapacity(n + 1)
        columns.reserveCapacity(n * width)
        values.reserveCapacity(n * width)
        for i in 0..<n {
            for c in 0..<width {
                let code = Int(codes[i * width + c])
                if code >= 0, let offset = categorical[c].offset(ofLevel: code) {
                    columns.append(Int32(starts[c] + offset))
                    values.append(1)
                }
            }
            for j in 0..<pn where read.numeric[i * pn + j] != 0 {
                columns.append(Int32(next + j))
                values.append(read.numeric[i * pn + j])
            }
            rowStarts.append(columns.count)
        }
        return .sparse(
            SparseDataset(
                unchecked: rowStarts, columns, values, read.targets, featureCount: p, featureNames: featureNames,
                targetNames: read.targetNames, weights: read.weights))
    }

    /// The hashed design of `read`: per row, each categorical column's `name=level` with value 1
    /// and each numeric column's name with its value (0 left out), at their hashed columns with
    /// their signs; entries landing in the same column summed in column order, as scipy's
    /// `sum_duplicates` sums `FeatureHasher`'s.
    func hashedRows(_ read: CSVRead, path: String) throws -> SparseDataset<Double> {
        guard let hashing else { preconditionFailure("hashedRows needs a hashing") }
        let n = read.rows, width = categorical.count, pn = numeric.count
        // Each level is hashed once, not once a row.
        let levelSlots = (0..<width).map { c in
            read.text.levels[c].map { level in hashing.slot(for: "\(categorical[c].name)=" + String(decoding: level, as: UTF8.self)) }
        }
        let numericSlots = numeric.map { hashing.slot(for: $0) }
        var rowStarts = [0], columns: [Int32] = [], values: [Double] = []
        rowStarts.reserveCapacity(n + 1)
        columns.reserveCapacity(n * (width + pn))
        values.reserveCapacity(n * (width + pn))
        // One row's entries, sorted by column with equal columns kept in order (insertion sort:
        // rows are short), then summed.
        var entries = [(column: Int, value: Double)](repeating: (0, 0), count: width + pn)
        for i in 0..<n {
            var count = 0
            func insert(_ column: Int, _ value: Double) {
                var place = count
                while place > 0, entries[place - 1].column > column {
                    entries[place] = entries[place - 1]
                    place -= 1
                }
                entries[place] = (column, value)
                count += 1
            }
            for c in 0..<width {
                let slot = levelSlots[c][Int(read.text.codes[i * width + c])]
                insert(slot.column, slot.sign)
            }
            for j in 0..<pn {
                let value = read.numeric[i * pn + j]
                if value != 0 { insert(numericSlots[j].column, numericSlots[j].sign * value) }
            }
            var position = 0
            while position < count {
                let column = entries[position].column
                var sum = entries[position].value
                position += 1
                while position < count, entries[position].column == column {
                    sum += entries[position].value
                    position += 1
                }
                columns.append(Int32(column))
                values.append(sum)
            }
            rowStarts.append(columns.count)
        }
        guard values.allSatisfy(\.isFinite) else {
            throw FileError.malformed(
                path: path, reason: "hashed features that collide add up beyond Double's range; hash into more columns")
        }
        return SparseDataset(
            unchecked: rowStarts, columns, values, read.targets, featureCount: hashing.columns, featureNames: featureNames,
            targetNames: read.targetNames, weights: read.weights)
    }
}
