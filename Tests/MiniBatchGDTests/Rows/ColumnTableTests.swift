import Foundation
import Testing

@testable import MiniBatchGD

/// Columns in buffers of their own, gathered into rows: every bit as written, whatever the block.
@Suite struct ColumnTableTests {
    /// Values whose bits a careless conversion would change: a Float's 0.1 (not a Double's),
    /// −0, the smallest subnormal Float, a large Float, and ordinary numbers.
    static let floats: [Float] = [0.1, -0.0, .leastNonzeroMagnitude, 3.4e38, 1.5, -2.25, 7, 1e-3, 0.3, -9.5, 4]
    static let doubles: [Double] = [0.1, -0.0, .leastNonzeroMagnitude, 1e300, 1.5, -2.25, 7, 1e-3, 0.3, -9.5, 4].map { $0 * 3 }

    @Test(arguments: [1, 3, 4, 512])
    func gatheringBlocksOfRowsWritesEveryColumnsBitsInRowMajorOrder(blockRows: Int) {
        // Two Double and one Float column, each its own allocation, the second read from an offset of 2.
        let n = 9, first = Self.doubles, second = Self.doubles.reversed().map { $0 + 1 }, third = Self.floats
        first.withUnsafeBufferPointer { a in
            second.withUnsafeBufferPointer { b in
                third.withUnsafeBufferPointer { c in
                    let table = ColumnTable(
                        rows: n,
                        columns: [
                            .init(name: "a", values: .double(a.baseAddress!)), .init(name: "b", values: .double(b.baseAddress! + 2)),
                            .init(name: "c", values: .float(c.baseAddress!)),
                        ])
                    // Columns c, a (b left out), as Doubles: each value where a row-major copy puts it.
                    let gathered = table.rowMajor([2, 0], as: Double.self, blockRows: blockRows)
                    #expect(gathered.count == 2 * n)
                    for i in 0..<n {
                        #expect(gathered[2 * i].bitPattern == Double(third[i]).bitPattern)
                        #expect(gathered[2 * i + 1].bitPattern == first[i].bitPattern)
                    }
                    // The Float column as Floats: copied bit for bit.
                    let floats = table.rowMajor([2], as: Float.self, blockRows: blockRows)
                    #expect(floats.map(\.bitPattern) == third.prefix(n).map(\.bitPattern))
                    // A block of rows 4..<7 into a wider destination (stride 5), the rest untouched.
                    var block = [Double](repeating: .nan, count: 3 * 5)
                    block.withUnsafeMutableBufferPointer { table.gather([1, 0], rows: 4..<7, into: $0.baseAddress!, stride: 5) }
                    for r in 0..<3 {
                        #expect(block[r * 5].bitPattern == second[2 + 4 + r].bitPattern)
                        #expect(block[r * 5 + 1].bitPattern == first[4 + r].bitPattern)
                        #expect(block[r * 5 + 2..<r * 5 + 5].allSatisfy { $0.isNaN })
                    }
                }
            }
        }
    }

    @Test func theFirstNonFiniteValueOfAColumnIsNamedByItsRow() {
        let values: [Double] = [1, 2, .infinity, .nan], floats: [Float] = [1, .nan, 3, 4]
        values.withUnsafeBufferPointer { a in
            floats.withUnsafeBufferPointer { b in
                let table = ColumnTable(
                    rows: 4, columns: [.init(name: "a", values: .double(a.baseAddress!)), .init(name: "b", values: .float(b.baseAddress!))])
                #expect(table.firstNonFinite(in: 0)?.row == 2)
                #expect(table.firstNonFinite(in: 0)?.value == .infinity)
                #expect(table.firstNonFinite(in: 1)?.row == 1)
                #expect(table.firstNonFinite(in: 1)?.value.isNaN == true)
                let finite = ColumnTable(rows: 2, columns: [.init(name: "a", values: .double(a.baseAddress!))])
                #expect(finite.firstNonFinite(in: 0) == nil)
            }
        }
    }
}
