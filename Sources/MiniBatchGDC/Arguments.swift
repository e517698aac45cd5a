import CMiniBatchGD
import MiniBatchGD

/// The checks every exported function makes on what C hands it, before any work: each failure
/// an ``InterfaceError`` naming the parameter as the header does.
enum Arguments {
    /// The ABI version a create function was compiled against must be this library's.
    static func checkABI(_ version: Int32) throws {
        guard version == MBGD_ABI_VERSION else {
            throw InterfaceError(
                "abi_version \(version) is not this library's ABI version \(MBGD_ABI_VERSION): the program was compiled against another minibatchgd.h; rebuild it against the header installed with this library"
            )
        }
    }

    /// A pointer the function cannot do without.
    static func required<T>(_ pointer: T?, _ name: String) throws -> T {
        guard let pointer else { throw InterfaceError("\(name) is NULL") }
        return pointer
    }

    /// A count that must be at least `minimum`, as an `Int`.
    static func count(_ value: Int64, _ name: String, minimum: Int64 = 1) throws -> Int {
        guard value >= minimum else { throw InterfaceError("\(name) = \(value) is invalid: must be at least \(minimum)") }
        guard let count = Int(exactly: value) else { throw InterfaceError("\(name) = \(value) is too large") }
        return count
    }

    /// An `mbgd_element_type`.
    static func elementType(_ value: Int32) throws -> mbgd_element_type {
        guard value == MBGD_FLOAT64.rawValue || value == MBGD_FLOAT32.rawValue else {
            throw InterfaceError("element_type = \(value) is invalid: must be MBGD_FLOAT64 (0) or MBGD_FLOAT32 (1)")
        }
        return mbgd_element_type(rawValue: UInt32(value))
    }

    /// An `mbgd_layout`: true for row-major.
    static func rowMajor(_ value: Int32) throws -> Bool {
        guard value == MBGD_ROW_MAJOR.rawValue || value == MBGD_COLUMN_MAJOR.rawValue else {
            throw InterfaceError("layout = \(value) is invalid: must be MBGD_ROW_MAJOR (0) or MBGD_COLUMN_MAJOR (1)")
        }
        return value == MBGD_ROW_MAJOR.rawValue
    }

    /// The elements an `rows`×`columns` matrix with leading dimension `ld` spans, after checking
    /// `ld` against the layout and that the span (in bytes too) is representable.
    static func span(rows: Int, columns: Int, ld: Int64, rowMajor: Bool, elementSize: Int, name: String, ldName: String) throws -> Int {
        let (inner, outer) = rowMajor ? (columns, rows) : (rows, columns)
        guard ld >= Int64(inner) else {
            throw InterfaceError(
                "\(ldName) = \(ld) is invalid: the leading dimension of \(rowMajor ? "a row-major" : "a column-major") \(name) of \(rows)×\(columns) must be at least \(inner)"
            )
        }
        guard let ld = Int(exactly: ld) else { throw InterfaceError("\(ldName) = \(ld) is too large") }
        let (product, overflow) = (outer - 1).multipliedReportingOverflow(by: ld)
        let (span, overflowSum) = product.addingReportingOverflow(inner)
        guard !overflow, !overflowSum, !span.multipliedReportingOverflow(by: elementSize).overflow else {
            throw InterfaceError("\(name): \(rows)×\(columns) with \(ldName) = \(ld) spans more memory than can be addressed")
        }
        return span
    }

    /// A string's text, NULL allowed as nil.
    static func text(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// A buffer the function writes `needed` values into.
    static func output<T>(_ pointer: UnsafeMutablePointer<T>?, length: Int64, needed: Int, _ name: String) throws
        -> UnsafeMutablePointer<T>
    {
        let pointer = try required(pointer, name)
        guard length >= needed else {
            throw InterfaceError("\(name)_length = \(length) is invalid: the result needs \(needed) values")
        }
        return pointer
    }

    /// Writes `parameters` into the caller's buffers: the p×k coefficients row-major, then the k
    /// intercepts, each checked long enough first.
    static func write(
        _ parameters: Parameters, coefficients: UnsafeMutablePointer<Double>?, coefficientsLength: Int64,
        intercepts: UnsafeMutablePointer<Double>?, interceptsLength: Int64
    ) throws {
        let p = parameters.featureCount, k = parameters.outputCount
        let coefficients = try output(coefficients, length: coefficientsLength, needed: p * k, "coefficients")
        let intercepts = try output(intercepts, length: interceptsLength, needed: k, "intercepts")
        for index in 0..<p * k { coefficients[index] = parameters.coefficients.elements[index] }
        for o in 0..<k { intercepts[o] = parameters.intercept[o] }
    }
}

/// Reads a strided matrix of `Element`s into a dense row-major array, checking every value
/// finite, after checking that the copy fits in the memory the process may use.
func gather<Element: BLASScalar>(
    _ base: UnsafePointer<Element>, rows: Int, columns: Int, ld: Int, rowMajor: Bool, name: String
) throws -> [Element] {
    try MemoryBudget.require(MemoryBudget.bytes(of: Element.self, [rows, columns]), for: "copying \(name) (\(rows)×\(columns))")
    var values = [Element]()
    values.reserveCapacity(rows * columns)
    for i in 0..<rows {
        for j in 0..<columns {
            let value = base[rowMajor ? i * ld + j : j * ld + i]
            guard value.isFinite else {
                throw MatrixError.nonFinite(argument: name, row: i, column: j, value: Double(value))
            }
            values.append(value)
        }
    }
    return values
}

/// Checks a strided row-major matrix finite in place (the rows a borrowed handle reads).
func checkFinite<Element: BLASScalar>(_ base: UnsafePointer<Element>, rows: Int, columns: Int, ld: Int, name: String) throws {
    for i in 0..<rows {
        let row = base + i * ld
        for j in 0..<columns where !row[j].isFinite {
            throw MatrixError.nonFinite(argument: name, row: i, column: j, value: Double(row[j]))
        }
    }
}
