/// A contiguous run of rows of a ``Matrix``, sharing its storage.
///
/// Row-major storage makes rows `lower..<upper` one contiguous block, so a view reaches BLAS
/// as a pointer and a row count: a mini-batch of contiguous rows is never copied.
public struct MatrixView<Element: BLASScalar>: Sendable {
    /// The matrix whose rows are viewed (held, not copied: storage is copy-on-write).
    public let base: Matrix<Element>
    /// The rows of `base` that this view covers.
    public let rowRange: Range<Int>

    init(unchecked base: Matrix<Element>, rows: Range<Int>) {
        self.base = base
        self.rowRange = rows
    }

    /// Number of rows in the view.
    public var rows: Int { rowRange.count }
    /// Number of columns.
    public var columns: Int { base.columns }

    /// The element at (`row`, `column`) relative to the view.
    public subscript(row: Int, column: Int) -> Element {
        precondition(row >= 0 && row < rows, "MatrixView row out of range")
        return base[rowRange.lowerBound + row, column]
    }

    /// A new matrix holding these rows.
    public func copy() -> Matrix<Element> {
        let start = rowRange.lowerBound * columns
        return Matrix(
            uncheckedRows: rows, columns: columns,
            elements: Array(base.elements[start..<start + rows * columns]))
    }

    /// Throws ``MatrixError/nonFinite(argument:row:column:value:)`` at the first NaN or
    /// infinity; `row` is reported relative to the view.
    public func validateFinite(argument: String) throws {
        let columns = columns
        guard rows > 0, columns > 0 else { return }
        try withUnsafePointer { pointer in
            for index in 0..<rows * columns where !pointer[index].isFinite {
                throw MatrixError.nonFinite(
                    argument: argument, row: index / columns,
                    column: index % columns, value: Double(pointer[index]))
            }
        }
    }

    func withUnsafePointer<R>(_ body: (UnsafePointer<Element>) throws -> R) rethrows -> R {
        try base.withUnsafePointer { try body($0 + rowRange.lowerBound * base.columns) }
    }
}
