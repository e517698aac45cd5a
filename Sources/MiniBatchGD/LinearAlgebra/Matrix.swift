/// A dense, row-major matrix of `Float` or `Double` (``BLASScalar``).
///
/// Storage is one contiguous array, so a run of rows is itself a contiguous block: that is
/// what lets a mini-batch be a ``MatrixView`` (a row range) and reach BLAS without a copy.
/// `Matrix` is a value type with copy-on-write storage.
public struct Matrix<Element: BLASScalar>: Equatable, Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The elements in row-major order: element (i, j) is at `i * columns + j`.
    public internal(set) var elements: [Element]

    /// A matrix with every element equal to `value`.
    /// - Throws: ``MatrixError/negativeDimension(rows:columns:)`` for a negative size,
    ///   ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)`` for more than memory holds.
    public init(rows: Int, columns: Int, repeating value: Element = 0) throws {
        guard rows >= 0, columns >= 0 else { throw MatrixError.negativeDimension(rows: rows, columns: columns) }
        try MemoryBudget.require(MemoryBudget.bytes(of: Element.self, [rows, columns]), for: "a \(rows)×\(columns) matrix")
        self.init(uncheckedRows: rows, columns: columns, elements: Array(repeating: value, count: rows * columns))
    }

    /// A matrix over row-major `elements`.
    /// - Throws: ``MatrixError/elementCount(rows:columns:count:)`` when `elements.count != rows * columns`.
    public init(rows: Int, columns: Int, elements: [Element]) throws {
        guard rows >= 0, columns >= 0 else { throw MatrixError.negativeDimension(rows: rows, columns: columns) }
        guard elements.count == rows * columns else {
            throw MatrixError.elementCount(rows: rows, columns: columns, count: elements.count)
        }
        self.init(uncheckedRows: rows, columns: columns, elements: elements)
    }

    /// A matrix from an array of rows.
    /// - Throws: ``MatrixError/raggedRows(row:expected:actual:)`` when rows differ in length.
    public init(_ rowArrays: [[Element]]) throws {
        let columns = rowArrays.first?.count ?? 0
        var elements: [Element] = []
        elements.reserveCapacity(rowArrays.count * columns)
        for (index, row) in rowArrays.enumerated() {
            guard row.count == columns else {
                throw MatrixError.raggedRows(row: index, expected: columns, actual: row.count)
            }
            elements.append(contentsOf: row)
        }
        self.init(uncheckedRows: rowArrays.count, columns: columns, elements: elements)
    }

    /// A matrix from an array of rows: `Matrix(rows: [[1, 2], [3, 4]])`.
    /// - Throws: ``MatrixError/raggedRows(row:expected:actual:)`` when rows differ in length.
    public init(rows rowArrays: [[Element]]) throws {
        try self.init(rowArrays)
    }

    /// A one-column matrix holding `values`.
    public init(column values: [Element]) {
        self.init(uncheckedRows: values.count, columns: 1, elements: values)
    }

    init(uncheckedRows rows: Int, columns: Int, elements: [Element]) {
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    static func zeros(_ rows: Int, _ columns: Int) -> Matrix {
        Matrix(uncheckedRows: rows, columns: columns, elements: Array(repeating: 0, count: rows * columns))
    }

    /// The element at zero-based (`row`, `column`). Out-of-range indices trap, as for arrays.
    public subscript(row: Int, column: Int) -> Element {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix index out of range")
            return elements[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix index out of range")
            elements[row * columns + column] = newValue
        }
    }

    /// A copy of row `index`.
    public func row(_ index: Int) -> [Element] {
        Array(elements[index * columns..<(index + 1) * columns])
    }

    /// A copy of column `index`.
    /// - Complexity: O(rows).
    public func column(_ index: Int) -> [Element] {
        (0..<rows).map { elements[$0 * columns + index] }
    }

    /// The transpose.
    /// - Complexity: O(rows × columns).
    public var transposed: Matrix {
        var result = Matrix.zeros(columns, rows)
        for i in 0..<rows {
            for j in 0..<columns { result.elements[j * rows + i] = elements[i * columns + j] }
        }
        return result
    }

    /// The whole matrix as a view.
    public var view: MatrixView<Element> { MatrixView(unchecked: self, rows: 0..<rows) }

    /// A view of the rows in `range`, sharing this matrix's storage (no copy).
    /// - Throws: ``MatrixError/rowRangeOutOfBounds(lower:upper:rows:)``.
    /// - Complexity: O(1).
    public func rows(_ range: Range<Int>) throws -> MatrixView<Element> {
        guard range.lowerBound >= 0, range.upperBound <= rows else {
            throw MatrixError.rowRangeOutOfBounds(lower: range.lowerBound, upper: range.upperBound, rows: rows)
        }
        return MatrixView(unchecked: self, rows: range)
    }

    /// A new matrix holding the rows at `indices`, in that order.
    /// - Complexity: O(indices.count × columns).
    public func gatheringRows<C: Collection>(_ indices: C) throws -> Matrix where C.Element == Int {
        var result: [Element] = []
        result.reserveCapacity(indices.count * columns)
        for index in indices {
            guard index >= 0, index < rows else {
                throw MatrixError.rowRangeOutOfBounds(lower: index, upper: index + 1, rows: rows)
            }
            result.append(contentsOf: elements[index * columns..<(index + 1) * columns])
        }
        return Matrix(uncheckedRows: indices.count, columns: columns, elements: result)
    }

    /// Throws ``MatrixError/nonFinite(argument:row:column:value:)`` at the first NaN or infinity.
    /// - Parameter argument: the name reported in the error.
    public func validateFinite(argument: String) throws {
        try view.validateFinite(argument: argument)
    }

    // Callers guarantee a non-empty matrix (an empty array may have no base address).
    func withUnsafePointer<R>(_ body: (UnsafePointer<Element>) throws -> R) rethrows -> R {
        try elements.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    mutating func withUnsafeMutablePointer<R>(_ body: (UnsafeMutablePointer<Element>) throws -> R) rethrows -> R {
        try elements.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }
}

extension Matrix: CustomStringConvertible {
    /// The first rows and columns, for printing.
    public var description: String {
        var lines: [String] = []
        for i in 0..<Swift.min(rows, 12) {
            let values = (0..<Swift.min(columns, 8)).map { String(elements[i * columns + $0]) }
            lines.append("[" + values.joined(separator: ", ") + (columns > 8 ? ", …" : "") + "]")
        }
        if rows > 12 { lines.append("… (\(rows) rows)") }
        return "Matrix \(rows)×\(columns)\n" + lines.joined(separator: "\n")
    }
}
