/// The triangular factor R of a tall matrix read in blocks of rows (tall-skinny QR): each block
/// is stacked under the R so far and the stack factored again by Householder QR, so the matrix is
/// read once and never held whole. Two factors merge the same way (stack one R under the other),
/// so threads or processes can each factor their own rows.
///
/// R is the Cholesky factor of AᵀA (up to the signs of its rows) without AᵀA ever being formed:
/// it loses digits as κ(A), not κ(A)².
struct TallSkinnyQR: Sendable {
    /// Columns of the matrix.
    let width: Int
    /// Rows of the block buffer below R.
    let blockRows: Int
    /// Column-major (width + blockRows) × width: R in the top rows, the next block below.
    private var stack: [Double]
    /// `dgeqrt`'s block reflectors' factors (blockColumns × width) and its workspace (as many).
    private var reflectorFactors: [Double], work: [Double]
    private var leading: Int { width + blockRows }
    /// Columns per `dgeqrt` panel: a few columns' reflectors applied at once by level-3 BLAS.
    private var blockColumns: Int { Swift.max(1, Swift.min(8, width)) }

    /// - Parameter blockRows: rows factored together (at least `width`).
    init(width: Int, blockRows: Int) {
        self.width = width
        self.blockRows = Swift.max(blockRows, width)
        stack = [Double](repeating: 0, count: (width + Swift.max(blockRows, width)) * width)
        reflectorFactors = [Double](repeating: 0, count: Swift.max(1, Swift.min(8, width)) * width)
        work = reflectorFactors
    }

    /// Adds `count` ≤ ``blockRows`` rows, written by `fill` into the column-major block buffer:
    /// element (i, j) of the block at `buffer[j * leadingDimension + i]`.
    mutating func add(count: Int, fill: (_ buffer: UnsafeMutablePointer<Double>, _ leadingDimension: Int) -> Void) throws {
        precondition(count <= blockRows, "a block larger than the buffer")
        let leading = self.leading, width = self.width, blockColumns = self.blockColumns
        try stack.withUnsafeMutableBufferPointer { stack in
            let base = stack.baseAddress!
            fill(base + width, leading)
            try reflectorFactors.withUnsafeMutableBufferPointer { t in
                try work.withUnsafeMutableBufferPointer { work in
                    try LAPACK.qrFactorColumnMajor(
                        m: width + count, n: width, blockColumns: blockColumns, a: base, lda: leading, t: t.baseAddress!,
                        work: work.baseAddress!)
                }
            }
            // Keep R only: clear the reflectors below its diagonal (the block rows are rewritten next time).
            for j in 0..<width { for i in (j + 1)..<width { base[j * leading + i] = 0 } }
        }
    }

    /// Stacks another factor's R under this one.
    mutating func merge(_ other: TallSkinnyQR) throws {
        try add(triangle: other.upperTriangle)
    }

    /// Stacks a factor's R (row-major width × width, as ``upperTriangle`` gives it) under this one.
    mutating func add(triangle r: [Double]) throws {
        let width = self.width
        var offset = 0
        while offset < width {
            let count = Swift.min(blockRows, width - offset)
            let start = offset
            try add(count: count) { buffer, leadingDimension in
                for j in 0..<width { for i in 0..<count { buffer[j * leadingDimension + i] = r[(start + i) * width + j] } }
            }
            offset += count
        }
    }

    /// Every rank's R stacked in rank order and factored again, the same on every rank: the
    /// merge of factors made by processes that each read their own rows.
    mutating func merge(over communicator: any Communicator) throws {
        let triangles = communicator.gather(upperTriangle)
        var merged = TallSkinnyQR(width: width, blockRows: blockRows)
        for triangle in triangles { try merged.add(triangle: triangle) }
        self = merged
    }

    /// Applies `body` to R's first row (width values): a change of variables that mixes the
    /// first column into the others leaves R triangular and changes that row only.
    mutating func transformFirstRow(_ body: (inout [Double]) -> Void) {
        var row = (0..<width).map { stack[$0 * leading] }
        body(&row)
        for j in 0..<width { stack[j * leading] = row[j] }
    }

    /// R, row-major width × width (zeros below the diagonal).
    var upperTriangle: [Double] {
        var r = [Double](repeating: 0, count: width * width)
        for i in 0..<width { for j in i..<width { r[i * width + j] = stack[j * leading + i] } }
        return r
    }
}
