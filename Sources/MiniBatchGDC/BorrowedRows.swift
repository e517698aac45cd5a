import MiniBatchGD

/// Row-major rows in a C caller's buffers, read in place (`MBGD_BORROW`): a ``RowSource`` whose
/// ``Rows`` point at the caller's values with its leading dimensions as strides. The caller
/// keeps the buffers alive and unchanged while the handle is used (the header says so); they
/// were checked finite when the handle was made.
struct BorrowedRows<Element: BLASScalar>: RowSource, @unchecked Sendable {
    let x: UnsafePointer<Element>
    let ldx: Int
    let y: UnsafePointer<Element>
    let ldy: Int
    let rows: Int
    let featureCount: Int
    let outputCount: Int
    let weights: [Double]?

    var featureNames: [String] { Dataset<Double>.defaultFeatureNames(featureCount) }
    var targetNames: [String] { Dataset<Double>.defaultTargetNames(outputCount) }

    func withRows<Result>(_ body: (Rows<Element>) throws -> Result) rethrows -> Result {
        try body(Rows(count: rows, featureCount: featureCount, outputCount: outputCount, x: x, xStride: ldx, y: y, yStride: ldy))
    }

    /// The first rows train and the last test (rows in place are never gathered); the seed is not used.
    func split(testFraction: Double, shuffleSeed: UInt64?) throws -> (train: Self, test: Self) {
        let test = try heldOutRowCount(rows: rows, testFraction: testFraction), train = rows - test
        func part(_ start: Int, _ count: Int) -> Self {
            Self(
                x: x + start * ldx, ldx: ldx, y: y + start * ldy, ldy: ldy, rows: count, featureCount: featureCount,
                outputCount: outputCount, weights: weights.map { Array($0[start..<start + count]) })
        }
        return (part(0, train), part(train, test))
    }

    /// The rows copied into a data set (for the accumulator, which adds data sets).
    func copied() throws -> Dataset<Element> {
        var features = [Element](), targets = [Element]()
        features.reserveCapacity(rows * featureCount)
        targets.reserveCapacity(rows * outputCount)
        for i in 0..<rows {
            features.append(contentsOf: UnsafeBufferPointer(start: x + i * ldx, count: featureCount))
            targets.append(contentsOf: UnsafeBufferPointer(start: y + i * ldy, count: outputCount))
        }
        return try Dataset(
            features: Matrix(rows: rows, columns: featureCount, elements: features),
            targets: Matrix(rows: rows, columns: outputCount, elements: targets), weights: weights)
    }
}
