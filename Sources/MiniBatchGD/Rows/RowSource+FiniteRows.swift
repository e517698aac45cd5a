extension RowSource {
    /// Calls `body(i, features, targets)` for every row i of these rows, read as Doubles (widened
    /// from Float through scratch memory), each value checked finite first: the copy an exact
    /// solver makes of rows in one process.
    /// - Throws: ``MatrixError/nonFinite(argument:row:column:value:)`` naming the first NaN or
    ///   infinity; ``ArgumentError`` for rows spread over processes; what `body` throws.
    func forEachFiniteRow(_ body: (_ row: Int, _ features: UnsafePointer<Double>, _ targets: UnsafePointer<Double>) throws -> Void)
        throws
    {
        let n = rows, p = featureCount, k = outputCount
        try withRows { rows in
            guard rows.sharing == nil else {
                throw ArgumentError(argument: "data", value: "rows spread over processes", requirement: "must be in one process")
            }
            let inPlace = Element.isReadInPlaceAsDouble && !rows.isColumnar
            let scratchX = Buffer<Double>(repeating: 0, count: inPlace ? 0 : n * p)
            let scratchY = Buffer<Double>(repeating: 0, count: inPlace ? 0 : n * k)
            try rows.withDoubleRows(from: 0, rows: n, scratchX: scratchX.base, scratchY: scratchY.base) { rx, ldx, ry, ldy in
                for i in 0..<n {
                    let x = rx + i * ldx, y = ry + i * ldy
                    for j in 0..<p where !x[j].isFinite {
                        throw MatrixError.nonFinite(argument: "features", row: i, column: j, value: x[j])
                    }
                    for o in 0..<k where !y[o].isFinite {
                        throw MatrixError.nonFinite(argument: "targets", row: i, column: o, value: y[o])
                    }
                    try body(i, x, y)
                }
            }
        }
    }
}
