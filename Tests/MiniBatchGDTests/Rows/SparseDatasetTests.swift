import Testing

@testable import MiniBatchGD

/// CSR rows: built three ways to the same arrays, and every malformed entry refused by name.
@Suite struct SparseDatasetTests {
    /// The 3×5 design [[1, 0, 0, 2, 0], [0, 0, 0, 0, 0], [0, −1, 0, 0, 4]], written out by hand.
    static let rowStarts = [0, 2, 2, 4]
    static let columns: [Int32] = [0, 3, 1, 4]
    static let values: [Double] = [1, 2, -1, 4]

    @Test func theThreeWaysOfBuildingGiveTheSameArrays() throws {
        let csr = try SparseDataset<Double>(
            rowStarts: Self.rowStarts, columns: Self.columns, values: Self.values, targets: [1, 2, 3], featureCount: 5)
        let dictionaries = try SparseDataset<Double>(rows: [[3: 2, 0: 1], [:], [4: 4, 1: -1]], targets: [1, 2, 3], featureCount: 5)
        let dense = SparseDataset(
            try Dataset<Double>(features: [[1, 0, 0, 2, 0], [0, 0, 0, 0, 0], [0, -1, 0, 0, 4]], targets: [[1], [2], [3]]))
        for data in [csr, dictionaries, dense] {
            #expect(data.rowStarts == Self.rowStarts && data.columnIndices == Self.columns && data.values == Self.values)
            #expect(data.rows == 3 && data.featureCount == 5 && data.outputCount == 1)
            #expect(data.nonzeros == 4 && data.density == 4.0 / 15)
            #expect(data.featureNames == ["x1", "x2", "x3", "x4", "x5"] && data.targetNames == ["y"])
        }
        // Without a width: one more than the largest column used.
        #expect(try SparseDataset<Double>(rows: [[3: 2, 0: 1], [:], [4: 4, 1: -1]], targets: [1, 2, 3]).featureCount == 5)
        let back = try csr.densified()
        #expect(back.features.elements == [1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, 4])
        #expect(back.targets.elements == [1, 2, 3])
    }

    @Test func malformedRowsAreRefusedWithTheRowAndEntryNamed() {
        func build(_ starts: [Int], _ columns: [Int32], _ values: [Double], featureCount: Int = 5) -> String? {
            let targets = [Double](repeating: 0, count: Swift.max(0, starts.count - 1))
            do {
                _ = try SparseDataset<Double>(
                    rowStarts: starts, columns: columns, values: values, targets: targets, featureCount: featureCount)
                return nil
            } catch { return "\(error)" }
        }
        #expect(
            build([0, 2, 2, 4], [0, 5, 1, 4], Self.values)
                == "row 1, entry 2: column index 5 is outside 0..<5 (the design's 5 columns, 0-based)")
        #expect(
            build([0, 2, 2, 4], [0, 3, 4, 1], Self.values)
                == "row 3, entry 2: column index 1 comes after 4; indices must increase within a row (sort each row)")
        #expect(
            build([0, 2, 2, 4], [0, 3, 1, 1], Self.values)
                == "row 3, entry 2: column index 1 is repeated; each column appears at most once in a row")
        #expect(
            build([0, 2, 2, 4], [0, 3, 1, -2], Self.values)
                == "row 3, entry 2: column index -2 is outside 0..<5 (the design's 5 columns, 0-based)")
        #expect(build([0, 2, 2, 4], Self.columns, [1, .nan, -1, 4]) == "row 1, entry 2: value nan of column 3 is not finite")
        #expect(build([1, 2, 2, 4], Self.columns, Self.values) == "rowStarts starts at 1; the first row starts at 0")
        #expect(
            build([0, 2, 2, 3], Self.columns, Self.values) == "rowStarts ends at 3, but there are 4 entries; the last offset is their count"
        )
        #expect(build([0, 3, 2, 4], Self.columns, Self.values) == "rowStarts decreases at row 2 (3 then 2); offsets never decrease")
        #expect(build([0, 2, 2, 4], [0, 3, 1], Self.values) == "columns has 3 indices for 4 values: one index per value is needed")
        #expect(build([0], [], []) == "rowStarts has 0 rows; at least 1 are needed")
        #expect(build([0, 0], [], [], featureCount: 0)?.hasPrefix("featureCount = 0 is invalid") == true)
    }

    @Test func aSplitKeepsEachRowWithItsTargetAndWeight() throws {
        let data = try SparseDataset<Double>(
            rows: (0..<10).map { [($0 % 4): Double($0 + 1)] }, targets: (0..<10).map { Double($0) }, featureCount: 4,
            weights: (0..<10).map { Double($0) + 0.5 })
        for seed: UInt64? in [nil, 3] {
            let (train, test) = try data.split(testFraction: 0.3, shuffleSeed: seed)
            #expect(train.rows == 7 && test.rows == 3)
            for part in [train, test] {
                for i in 0..<part.rows {
                    // Row r holds column r mod 4 = r + 1, target r and weight r + ½: all three travel together.
                    let r = Int(part.targets[i, 0])
                    #expect(part.rowStarts[i + 1] - part.rowStarts[i] == 1)
                    #expect(Int(part.columnIndices[part.rowStarts[i]]) == r % 4 && part.values[part.rowStarts[i]] == Double(r + 1))
                    #expect(part.weights?[i] == Double(r) + 0.5)
                }
            }
            let all = (train.targets.elements + test.targets.elements).sorted()
            #expect(all == (0..<10).map { Double($0) })
            if seed == nil { #expect(test.targets.elements == [7, 8, 9]) }
        }
    }

    /// The synthetic rows: reproducible by seed, about density·n·p nonzeros, heavy-tailed column
    /// frequencies, and (without noise) targets that a linear model fits exactly, as LSQR finds.
    @Test func syntheticRowsFollowTheirModel() throws {
        let data = try SparseDataset<Double>.synthetic(rows: 4000, features: 200, density: 0.05, noise: 0, seed: 7)
        let again = try SparseDataset<Double>.synthetic(rows: 4000, features: 200, density: 0.05, noise: 0, seed: 7)
        #expect(data.columnIndices == again.columnIndices && data.values == again.values && data.targets == again.targets)
        // 4000 × 200 × 0.05 = 40 000 expected; row counts uniform on 0...20: a spread of about 6·√4000.
        #expect(abs(data.nonzeros - 40_000) < 1_000)
        var frequency = [Int](repeating: 0, count: 200)
        for column in data.columnIndices { frequency[Int(column)] += 1 }
        #expect(frequency[0] > 5 * frequency[150...].max()!)
        let solution = try LSQR.solve(data, tolerance: 1e-12)
        #expect(abs(solution.parameters.intercept[0] - 1) < 1e-8)
        var residuals = 0.0
        for i in 0..<data.rows {
            var prediction = solution.parameters.intercept[0]
            for position in data.rowStarts[i]..<data.rowStarts[i + 1] {
                prediction += data.values[position] * solution.parameters.coefficients[Int(data.columnIndices[position]), 0]
            }
            residuals = max(residuals, abs(prediction - data.targets[i, 0]))
        }
        #expect(residuals < 1e-8)
        #expect(throws: ArgumentError.self) { try SparseDataset<Double>.synthetic(rows: 10, features: 10, density: 0) }
        #expect(throws: ArgumentError.self) { try SparseDataset<Double>.synthetic(rows: 0, features: 10, density: 0.1) }
    }

}
