/// Naive updates: the residual kept itself, on compressed sparse columns (only nonzero values
/// stored), so that a coordinate costs its column's nonzeros.
///
/// Centring stays implicit, as it must for sparse columns: the centred column is xⱼ − x̄ⱼ·1, so the
/// residual is kept as r = u + t·1 (a vector u and one offset t). Moving βⱼ by δ subtracts δ·xⱼ
/// from u on the column's nonzeros and adds δ·x̄ⱼ to t; and gⱼ = Σωᵢx̃ᵢⱼrᵢ = Σωᵢxᵢⱼrᵢ over the
/// nonzeros only, since Σωᵢrᵢ = 0 with an intercept (the centred targets and columns each sum
/// to zero). The offset is folded into u whenever every correlation is recomputed.
final class ColumnUpdates: CoordinateUpdates {
    let p: Int
    let curvature: [Double]
    let targetSquares: [Double]
    private let n: Int
    /// p + 1 offsets: column j holds entries `starts[j]..<starts[j + 1]`.
    private let starts: UnsafeMutablePointer<Int>
    private let rowIndices: UnsafeMutablePointer<Int32>
    private let values: UnsafeMutablePointer<Double>
    /// ωᵢ = wᵢ/Σw.
    private let omega: UnsafeMutablePointer<Double>
    /// x̄ⱼ (zeros without an intercept).
    private let mean: UnsafeMutablePointer<Double>
    /// The centred targets, n×k by columns.
    private let targets: UnsafeMutablePointer<Double>
    /// u, and t below: r = u + t·1.
    private let residual: UnsafeMutablePointer<Double>
    private var offset = 0.0

    /// - Parameters:
    ///   - columns: the design by columns.
    ///   - omega: n row weights summing to 1.
    ///   - mean: x̄ (zeros without an intercept).
    ///   - targets: the centred targets, n×k by columns.
    ///   - curvature: Σωx̃ⱼ², or 0 for a column held at zero.
    ///   - targetSquares: Σωỹ² per target.
    init(columns: SparseColumns, omega: [Double], mean: [Double], targets: [Double], curvature: [Double], targetSquares: [Double]) {
        let n = columns.rows, p = columns.columns
        self.n = n
        self.p = p
        self.curvature = curvature
        self.targetSquares = targetSquares
        starts = .allocate(capacity: p + 1)
        starts.initialize(from: columns.starts, count: p + 1)
        let entries = columns.starts[p]
        rowIndices = .allocate(capacity: Swift.max(1, entries))
        rowIndices.initialize(from: columns.rowIndices, count: entries)
        values = .allocate(capacity: Swift.max(1, entries))
        values.initialize(from: columns.values, count: entries)
        self.omega = .allocate(capacity: n)
        self.omega.initialize(from: omega, count: n)
        self.mean = .allocate(capacity: p)
        self.mean.initialize(from: mean, count: p)
        self.targets = .allocate(capacity: targets.count)
        self.targets.initialize(from: targets, count: targets.count)
        residual = .allocate(capacity: n)
        residual.initialize(repeating: 0, count: n)
    }

    deinit {
        starts.deallocate()
        rowIndices.deallocate()
        for pointer in [values, omega, mean, targets, residual] { pointer.deallocate() }
    }

    func begin(target: Int, coefficients: UnsafePointer<Double>) {
        residual.update(from: targets + target * n, count: n)
        offset = 0
        for j in 0..<p where coefficients[j] != 0 { move(j, by: coefficients[j]) }
    }

    @inline(__always)
    func correlation(_ j: Int) -> Double {
        var sum = 0.0
        let t = offset
        for position in starts[j]..<starts[j + 1] {
            let i = Int(rowIndices[position])
            sum += omega[i] * values[position] * (residual[i] + t)
        }
        return sum
    }

    @inline(__always)
    func move(_ j: Int, by delta: Double) {
        for position in starts[j]..<starts[j + 1] { residual[Int(rowIndices[position])] -= delta * values[position] }
        offset += delta * mean[j]
    }

    func correlations(coefficients: UnsafePointer<Double>, into output: UnsafeMutablePointer<Double>) {
        // Fold the offset in: a large x̄ᵀβ kept apart from u would cost digits when they meet.
        if offset != 0 {
            for i in 0..<n { residual[i] += offset }
            offset = 0
        }
        for j in 0..<p { output[j] = correlation(j) }
    }

    func residualSquares(coefficients: UnsafePointer<Double>) -> Double {
        var total = 0.0
        for i in 0..<n {
            let r = residual[i] + offset
            total += omega[i] * r * r
        }
        return total
    }
}

/// A design by columns (compressed sparse columns, CSC): column j's entries are positions
/// `starts[j]..<starts[j + 1]` of `rowIndices` and `values`, rows increasing. Only nonzero
/// values are stored.
struct SparseColumns {
    let rows: Int
    let columns: Int
    let starts: [Int]
    let rowIndices: [Int32]
    let values: [Double]

    /// The columns of sparse rows: their transpose, O(n + p + nonzeros).
    // Specialized: unspecialized, each value's comparison and conversion to Double was a
    // generic call (a third of a sparse `mbgd fit --l1` in perf, this copy for its reference).
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    init<Element: BLASScalar>(_ data: SparseDataset<Element>) throws {
        try Self.checkMemory(entries: data.nonzeros, rows: data.rows, columns: data.featureCount)
        try self.init(rows: data.rows, columns: data.featureCount) { visit in
            for i in 0..<data.rows {
                for position in data.rowStarts[i]..<data.rowStarts[i + 1] where data.values[position] != 0 {
                    visit(i, Int(data.columnIndices[position]), Double(data.values[position]))
                }
            }
        }
    }

    /// The nonzero values of dense rows, by columns: for naive updates on a wide dense design.
    /// - Throws: ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)`` when the copy
    ///   does not fit the memory budget (checked before allocating);
    ///   ``MatrixError/tooLargeForBLAS(operation:dimension:)`` for more than 2³¹ − 1 rows.
    init<Element: BLASScalar>(_ data: Rows<Element>) throws {
        // Each row widened to Double once by the element type's own kernel: the generic
        // comparison and conversion per value had made this copy most of a wide lasso's time.
        let p = data.featureCount, row = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(1, p))
        defer { row.deallocate() }
        try self.init(rows: data.count, columns: p) { visit in
            for i in 0..<data.count {
                data.copyFeatures(from: i, rows: 1, into: row)
                for j in 0..<p where row[j] != 0 { visit(i, j, row[j]) }
            }
        }
    }

    /// The transpose of the nonzero entries `entries` visits (row by row, each row's columns
    /// once): a pass to count each column's entries, the memory check, a pass to place them.
    init(rows n: Int, columns p: Int, entries: ((Int, Int, Double) -> Void) -> Void) throws {
        guard n <= Int(Int32.max) else { throw MatrixError.tooLargeForBLAS(operation: "coordinate descent's columns", dimension: n) }
        // Through buffer pointers: the closures writing captured arrays retained them and
        // checked their uniqueness at every entry.
        var counts = [Int](repeating: 0, count: p + 1)
        counts.withUnsafeMutableBufferPointer { counts in entries { _, j, _ in counts[j + 1] += 1 } }
        for j in 0..<p { counts[j + 1] += counts[j] }
        try Self.checkMemory(entries: counts[p], rows: n, columns: p)
        var next = counts
        var rowIndices = [Int32](repeating: 0, count: counts[p]), values = [Double](repeating: 0, count: counts[p])
        next.withUnsafeMutableBufferPointer { next in
            rowIndices.withUnsafeMutableBufferPointer { rowIndices in
                values.withUnsafeMutableBufferPointer { values in
                    entries { i, j, value in
                        rowIndices[next[j]] = Int32(i)
                        values[next[j]] = value
                        next[j] += 1
                    }
                }
            }
        }
        self.rows = n
        self.columns = p
        starts = counts
        self.rowIndices = rowIndices
        self.values = values
    }

    /// The copy's bytes: 12 a value (its row index and the value), 8 a column, and the
    /// residual, weights and targets' 8 bytes a row several times over.
    private static func checkMemory(entries: Int, rows: Int, columns: Int) throws {
        let bytes = MemoryBudget.bytes(of: UInt8.self, [12, entries]).flatMap { values in
            MemoryBudget.doubles(4, rows + columns).map { values + $0 }
        }
        try MemoryBudget.require(bytes, for: "coordinate descent's copy of \(entries) nonzero values by columns")
    }

    /// Per column: the weighted mean Σωᵢxᵢⱼ, Σωᵢ(xᵢⱼ − x̄ⱼ)² (the zeros' share added as a whole,
    /// so a constant column gives 0, not a cancellation) and Σωᵢxᵢⱼ².
    func moments(omega: [Double]) -> (mean: [Double], aboutMean: [Double], aboutZero: [Double]) {
        var mean = [Double](repeating: 0, count: columns), aboutMean = mean, aboutZero = mean
        for j in 0..<columns {
            var sum = 0.0, squares = 0.0, present = 0.0
            for position in starts[j]..<starts[j + 1] {
                let w = omega[Int(rowIndices[position])], x = values[position]
                sum += w * x
                squares += w * x * x
                present += w
            }
            var deviations = 0.0
            for position in starts[j]..<starts[j + 1] {
                let d = values[position] - sum
                deviations += omega[Int(rowIndices[position])] * d * d
            }
            mean[j] = sum
            aboutMean[j] = deviations + Swift.max(0, 1 - present) * sum * sum
            aboutZero[j] = squares
        }
        return (mean, aboutMean, aboutZero)
    }
}
