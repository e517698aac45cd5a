/// The two loops every sparse pass is made of: a row's dot product with a coefficient column, and
/// the split of a row's sorted columns at a column boundary.
extension SparseRowsView {
    /// Σₑ xₑ·w[columnₑ·k + o] over the positions `start..<end` (one row's nonzeros).
    ///
    /// Four partial sums, added as (s₀ + s₁) + (s₂ + s₃): one running sum waits on each
    /// addition's latency, so a row's dot product would cost four cycles a nonzero. The order is
    /// fixed by the row alone, so the bits do not depend on the threads.
    @inline(__always)
    func dot(from start: Int, to end: Int, _ w: UnsafePointer<Double>, outputs k: Int, output o: Int) -> Double {
        k == 1 ? dot(from: start, to: end, w, stride: 1, offset: 0) : dot(from: start, to: end, w, stride: k, offset: o)
    }

    @inline(__always)
    private func dot(from start: Int, to end: Int, _ w: UnsafePointer<Double>, stride k: Int, offset o: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var e = start
        while e + 4 <= end {
            s0 += Double(values[e]) * w[Int(columns[e]) * k + o]
            s1 += Double(values[e + 1]) * w[Int(columns[e + 1]) * k + o]
            s2 += Double(values[e + 2]) * w[Int(columns[e + 2]) * k + o]
            s3 += Double(values[e + 3]) * w[Int(columns[e + 3]) * k + o]
            e += 4
        }
        while e < end {
            s0 += Double(values[e]) * w[Int(columns[e]) * k + o]
            e += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// The first position in `start..<end` whose column is at least `column` (`end` if none): a
    /// row's columns are sorted, so its entries below a column range's start are a prefix.
    @inline(__always)
    func firstPosition(from start: Int, to end: Int, atLeast column: Int32) -> Int {
        var low = start, count = end - start
        while count > 0 {
            let half = count >> 1
            if columns[low + half] < column {
                low += half + 1
                count -= half + 1
            } else {
                count = half
            }
        }
        return low
    }
}

/// A per-column factor of a sparse step (1/sⱼ² or 1/sⱼ of the columns' scales).
protocol ColumnFactors {
    subscript(_ column: Int) -> Double { get }
}

/// The factors of columns a fit does not scale: 1, known at compile time, so the loop reads no
/// table (its products by 1 are exact: the bits are those of a table of ones).
struct UnitColumnFactors: ColumnFactors {
    @inline(__always) subscript(_ column: Int) -> Double { 1 }
}

/// Factors read from a table, one a column.
struct ColumnFactorTable: ColumnFactors {
    let base: UnsafePointer<Double>
    @inline(__always) subscript(_ column: Int) -> Double { base[column] }
}
