/// Borrowed pointers to the rows of a data set, wherever they live: two matrices in memory
/// (strides p and k), or runs of columns of one memory-mapped file (both strides the file's
/// width). Row i's features are `x[i·xStride ..< i·xStride + featureCount]` and its targets
/// `y[i·yStride ..< i·yStride + outputCount]`.
///
/// Rows the library reads from columns (an Arrow table's, through the C interface) are gathered
/// a block at a time instead; their `x` and `y` point at NaNs.
///
/// A ``RowSource`` hands them out in ``RowSource/withRows(_:)``, and they are valid only inside
/// that call: every pass of a fit, a solve and an evaluation reads its data through them alone,
/// so a mapped file is read in place, never copied.
///
/// ```swift
/// // Rows that live in a caller's buffer, row-major with a leading dimension of 8:
/// let rows = Rows(count: n, featureCount: 5, outputCount: 1, x: buffer, xStride: 8, y: buffer + 5, yStride: 8)
/// ```
public struct Rows<Element: BLASScalar> {
    /// The number of rows (this process's, for rows spread over processes).
    public let count: Int
    /// The features per row, p.
    public let featureCount: Int
    /// The targets per row, k.
    public let outputCount: Int
    /// The first row's first feature.
    public let x: UnsafePointer<Element>
    /// Elements from one row's features to the next's (≥ p).
    public let xStride: Int
    /// The first row's first target.
    public let y: UnsafePointer<Element>
    /// Elements from one row's targets to the next's (≥ k).
    public let yStride: Int
    /// How these rows sit among rows spread over several processes, or nil when they are all
    /// the rows: every pass over them then sums its results over the ranks.
    var sharing: Sharing? = nil
    /// The columns these rows are gathered from a block at a time, or nil for rows at `x` and `y`
    /// with their strides (see ``RowColumns``).
    var columns: RowColumns<Element>? = nil

    /// Rows at `x` and `y`, read with the given strides.
    public init(
        count: Int, featureCount: Int, outputCount: Int, x: UnsafePointer<Element>, xStride: Int, y: UnsafePointer<Element>,
        yStride: Int
    ) {
        self.count = count
        self.featureCount = featureCount
        self.outputCount = outputCount
        self.x = x
        self.xStride = xStride
        self.y = y
        self.yStride = yStride
    }

    /// Copies rows `start..<start + rows` of X into `into`, densely (stride p), as `Double`.
    @inline(__always)
    func copyFeatures(from start: Int, rows: Int, into z: UnsafeMutablePointer<Double>) {
        if let columns { return RowColumns<Element>.gather(columns.features, from: start, rows: rows, into: z, stride: featureCount) }
        Self.copy(x + start * xStride, stride: xStride, width: featureCount, rows: rows, into: z)
    }

    /// Copies rows `start..<start + rows` of Y densely (stride k) into `into`, as `Double`.
    @inline(__always)
    func copyTargets(from start: Int, rows: Int, into t: UnsafeMutablePointer<Double>) {
        if let columns { return RowColumns<Element>.gather(columns.targets, from: start, rows: rows, into: t, stride: outputCount) }
        Self.copy(y + start * yStride, stride: yStride, width: outputCount, rows: rows, into: t)
    }

    /// `rows` runs of `width` values, `stride` apart, widened into `into` back to back.
    @inline(__always)
    private static func copy(
        _ source: UnsafePointer<Element>, stride: Int, width: Int, rows: Int, into destination: UnsafeMutablePointer<Double>
    ) {
        if stride == width { return Element.widen(source, count: rows * width, into: destination) }
        for i in 0..<rows { Element.widen(source + i * stride, count: width, into: destination + i * width) }
    }

    /// `body` with rows `start..<start + count` of X as `Double` and their stride: the rows in place
    /// when they are `Double` with a stride, else widened or gathered from their columns into
    /// `scratch` (room for `count·p` values, stride p), so BLAS's `Double` routines can read them.
    @inline(__always)
    func withDoubleFeatures<Result>(
        from start: Int, rows count: Int, scratch: UnsafeMutablePointer<Double>, _ body: (UnsafePointer<Double>, Int) throws -> Result
    ) rethrows -> Result {
        if columns != nil {
            copyFeatures(from: start, rows: count, into: scratch)
            return try body(scratch, featureCount)
        }
        return try Element.withDoubles(x + start * xStride, rows: count, columns: featureCount, stride: xStride, scratch: scratch, body)
    }

    /// `body` with rows `start..<start + count` of X and Y as `Double` and their strides: in place
    /// for `Double` rows with strides, else widened or gathered into `scratchX` and `scratchY` (room for `count·p` and
    /// `count·k` values; strides p and k).
    @inline(__always)
    func withDoubleRows<Result>(
        from start: Int, rows count: Int, scratchX: UnsafeMutablePointer<Double>, scratchY: UnsafeMutablePointer<Double>,
        _ body: (UnsafePointer<Double>, Int, UnsafePointer<Double>, Int) throws -> Result
    ) rethrows -> Result {
        if columns != nil {
            copyFeatures(from: start, rows: count, into: scratchX)
            copyTargets(from: start, rows: count, into: scratchY)
            return try body(scratchX, featureCount, scratchY, outputCount)
        }
        return try Element.withDoubles(x + start * xStride, rows: count, columns: featureCount, stride: xStride, scratch: scratchX) {
            x, ldx in
            try Element.withDoubles(y + start * yStride, rows: count, columns: outputCount, stride: yStride, scratch: scratchY) { y, ldy in
                try body(x, ldx, y, ldy)
            }
        }
    }

    /// Checks that every column's squares stay within `Double`'s normal range with room to spare:
    /// magnitudes between 2⁻⁴⁸⁰ and 2⁴⁸⁰ (about 3.2e-145 and 3.1e144; an all-zero column is fine),
    /// so that sums of squares and cross products over up to 2³¹ rows, and the refinement's exact
    /// products, neither overflow nor fall into the subnormals. With row weights, the weighted
    /// rows √wᵢ·xᵢ are checked (what the sums are made of), and the weights' own root (the
    /// intercept's column), between 2⁻⁵⁰⁰ and 2⁴⁸⁰.
    /// - Throws: ``DataError/scaleOutOfRange(argument:column:largest:)`` naming the first column
    ///   that does not, ``DataError/weightedScaleOutOfRange(argument:column:largest:)`` when it is
    ///   the weights that take it out of range.
    /// - Complexity: O(n·(p + k)), one pass, over chunks of 65 536 rows on `pool`'s threads (a
    ///   maximum is the same whatever the order; nil: this thread).
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    func checkRepresentableScale(featureNames: [String], targetNames: [String], weights: [Double]? = nil, pool: WorkerPool? = nil)
        throws
    {
        let high = 0x1p480, low = 0x1p-480, chunks = RowChunks(rows: count, chunkRows: 65_536)
        // Weighted rows only down to 2⁻⁵⁰⁰: weights of 1e-300 on columns near 1 solve exactly, and
        // their squares still sit 2²² above the smallest normal number.
        let weightedLow = 0x1p-500
        func outside(_ value: Double, low: Double = low) -> Bool { value > high || (value > 0 && value < low) }
        if let weights {
            let largest = maximum([weights.max() ?? 0])[0]
            if outside(largest.squareRoot(), low: weightedLow) {
                throw DataError.weightedScaleOutOfRange(argument: "weights", column: "", largest: largest)
            }
        }
        for (argument, base, stride, width, names) in [
            ("feature", x, xStride, featureCount, featureNames), ("target", y, yStride, outputCount, targetNames),
        ] {
            func largest(weighted: Bool) -> [Double] {
                let largest = chunks.reduce(on: pool) { range in
                    if let columns {
                        let values = argument == "feature" ? columns.features : columns.targets
                        return columnMaxima(values, rows: range, weights: weighted ? weights : nil)
                    }
                    var largest = [Double](repeating: 0, count: width)
                    largest.withUnsafeMutableBufferPointer { largest in
                        for i in range {
                            let row = base + i * stride, scale = weighted ? weights![i].squareRoot() : 1
                            for j in 0..<width { largest[j] = Swift.max(largest[j], scale * abs(Double(row[j]))) }
                        }
                    }
                    return largest
                } merge: { largest, part in
                    for j in 0..<width { largest[j] = Swift.max(largest[j], part[j]) }
                }
                return maximum(largest)
            }
            let plain = largest(weighted: false)
            if let j = plain.indices.first(where: { outside(plain[$0]) }) {
                throw DataError.scaleOutOfRange(argument: argument, column: names[j], largest: plain[j])
            }
            guard weights != nil else { continue }
            let weighted = largest(weighted: true)
            if let j = weighted.indices.first(where: { outside(weighted[$0], low: weightedLow) }) {
                throw DataError.weightedScaleOutOfRange(argument: argument, column: names[j], largest: weighted[j])
            }
        }
    }
}
