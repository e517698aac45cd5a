import Foundation
import Testing

@testable import MiniBatchGD

/// The loops the sparse descent is made of, against the plain loops they replace: a row's dot
/// product, the split of a row at a column, the column ranges of a shared update, and the
/// adaptive rules' changes in every vector width.
@Suite struct SparseKernelTests {
    /// Rows of every length from 0 to 23 (each unroll's tails), sorted random columns of 1000.
    static func rows(outputs k: Int = 1) throws -> SparseDataset<Double> {
        var random = RandomSource(seed: 11)
        var starts = [0], columns = [Int32](), values = [Double]()
        for length in 0..<24 {
            let picked = Set((0..<length).map { _ in Int(random.nextUniform() * 1000) }).sorted()
            columns += picked.map { Int32($0) }
            values += picked.map { _ in random.nextUniform() * 2 - 1 }
            starts.append(columns.count)
        }
        let n = starts.count - 1
        return try SparseDataset(
            rowStarts: starts, columns: columns, values: values,
            targets: try Matrix(rows: n, columns: k, elements: [Double](repeating: 0, count: n * k)),
            featureCount: 1000)
    }

    /// The four partial sums agree with one running sum to rounding, for one output and for
    /// each of several (coefficients interleaved by output).
    @Test(arguments: [1, 3]) func theRowDotProductIsTheSum(outputs k: Int) throws {
        let data = try Self.rows(outputs: k)
        var random = RandomSource(seed: 5)
        let w = (0..<1000 * k).map { _ in random.nextUniform() * 2 - 1 }
        data.withView { view in
            w.withUnsafeBufferPointer { w in
                for i in 0..<view.rows {
                    for o in 0..<k {
                        var sum = 0.0, magnitude = 0.0
                        for e in view.rowStarts[i]..<view.rowStarts[i + 1] {
                            let term = view.values[e] * w[Int(view.columns[e]) * k + o]
                            sum += term
                            magnitude += abs(term)
                        }
                        let dot = view.dot(from: view.rowStarts[i], to: view.rowStarts[i + 1], w.baseAddress!, outputs: k, output: o)
                        #expect(abs(dot - sum) <= 4 * Double.ulpOfOne * magnitude, "row \(i), output \(o)")
                    }
                }
            }
        }
    }

    /// The first position at or past a column, by search, is the linear scan's, for columns
    /// below, inside, between and past every row's.
    @Test func theSplitOfARowIsTheLinearScans() throws {
        let data = try Self.rows()
        data.withView { view in
            for i in 0..<view.rows {
                let start = view.rowStarts[i], end = view.rowStarts[i + 1]
                for column in [0, 1, 250, 499, 500, 501, 998, 999, 1000] as [Int32] {
                    let scan = (start..<end).first { view.columns[$0] >= column } ?? end
                    #expect(view.firstPosition(from: start, to: end, atLeast: column) == scan, "row \(i), column \(column)")
                }
                // Two ranges cut at 500 cover the row once, in order.
                let first = ColumnRange(lowerBound: 0, upperBound: 500, isFirst: true, isLast: false).positions(view, from: start, to: end)
                let last = ColumnRange(lowerBound: 500, upperBound: 1000, isFirst: false, isLast: true).positions(
                    view, from: start, to: end)
                #expect(first.lowerBound == start && first.upperBound == last.lowerBound && last.upperBound == end)
                #expect(first.allSatisfy { view.columns[$0] < 500 } && last.allSatisfy { view.columns[$0] >= 500 })
            }
        }
    }

    /// Each vector width's changes rate·m/(√v + ε) are the scalar expression's bits, for counts
    /// on both sides of every width's multiples.
    @Test func adaptiveChangesAreTheScalarExpressionInEveryWidth() {
        var random = RandomSource(seed: 8)
        let rate = 0.37, epsilon = 1e-8
        for count in [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 33, 100] {
            let m = (0..<count).map { _ in random.nextUniform() * 4 - 2 }
            // Squares from 0 (the root of 0, ε alone below) to large.
            let v = (0..<count).map { $0 == 0 ? 0 : random.nextUniform() * pow(10, Double($0 % 9) - 4) }
            let expected = (0..<count).map { rate * m[$0] / (v[$0].squareRoot() + epsilon) }
            for width in VectorWidth.tested where width.isSupported {
                var changes = m
                changes.withUnsafeMutableBufferPointer { changes in
                    v.withUnsafeBufferPointer { v in
                        width.adaptiveChanges(
                            count: count, numerators: changes.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!,
                            squares: v.baseAddress ?? UnsafePointer(bitPattern: 8)!, rate: rate, epsilon: epsilon)
                    }
                }
                #expect(changes == expected, "\(width), \(count)")
            }
        }
    }

    /// The column ranges of a shared update hold about equal nonzeros: each range's count is
    /// within one column's count of its share, the bounds rise from 0 to p, and more ranges
    /// than columns leave empty ranges, not bad bounds.
    @Test(arguments: [2, 3, 5, 1500]) func columnRangesShareTheNonzeros(ranges: Int) throws {
        // Heavy-tailed column counts: column j is in about 1/(j + 1) of the rows.
        var random = RandomSource(seed: 4)
        var starts = [0], columns = [Int32]()
        for _ in 0..<400 {
            columns += (0..<1000).filter { random.nextUniform() < 1 / Double($0 + 1) }.map { Int32($0) }
            starts.append(columns.count)
        }
        let data = try SparseDataset(
            rowStarts: starts, columns: columns, values: [Double](repeating: 1, count: columns.count),
            targets: try Matrix(rows: 400, columns: 1, elements: [Double](repeating: 0, count: 400)), featureCount: 1000)
        var counts = [Int](repeating: 0, count: 1000)
        for j in columns { counts[Int(j)] += 1 }
        let bounds = data.withView { SparseSharedWork<Double>.balancedBounds($0, features: 1000, ranges: ranges) }
        #expect(bounds.count == ranges + 1 && bounds.first == 0 && bounds.last == 1000)
        #expect(zip(bounds, bounds.dropFirst()).allSatisfy { $0 <= $1 })
        let share = Double(columns.count) / Double(ranges), widest = Double(counts.max()!)
        for r in 0..<ranges {
            let held = counts[Int(bounds[r])..<Int(bounds[r + 1])].reduce(0, +)
            #expect(abs(Double(held) - share) <= widest, "range \(r): \(held) of \(columns.count)")
        }
    }
}
