import CMiniBatchGD
import Foundation
import MiniBatchGD

/// A table handed over through the Arrow C data interface: a struct array of float64 and
/// float32 columns without nulls, checked against the specification's rules before a value is
/// read, then read in place by ``ArrowRows`` (the handle keeps the array until it is freed).
struct ArrowTable {
    typealias Column = ColumnTable.Column

    let table: ColumnTable
    var rows: Int { table.rows }
    var columns: [Column] { table.columns }

    /// Reads the layout of `schema` and `array` (neither released here).
    init(schema: UnsafeMutablePointer<ArrowSchema>, array: UnsafeMutablePointer<ArrowArray>) throws {
        let top = schema.pointee, batch = array.pointee
        guard top.release != nil else { throw InterfaceError("schema is already released") }
        guard batch.release != nil else { throw InterfaceError("array is already released") }
        let format = top.format.map { String(cString: $0) } ?? ""
        guard format == "+s" else {
            throw InterfaceError("schema has format '\(format)': a table is a struct ('+s') of columns, as a record batch exports it")
        }
        guard top.n_children >= 1, let children = top.children else { throw InterfaceError("schema has no columns") }
        guard batch.n_children == top.n_children, let arrays = batch.children else {
            throw InterfaceError("array has \(batch.n_children) columns and schema \(top.n_children): they must describe the same table")
        }
        guard batch.length >= 1, let rows = Int(exactly: batch.length) else {
            throw InterfaceError("array has \(batch.length) rows: at least 1 is needed")
        }
        guard batch.offset >= 0, batch.null_count == 0 || Self.allValid(batch, buffer: 0) else {
            throw InterfaceError("array has null rows: a table without nulls is needed")
        }
        var columns: [Column] = []
        for index in 0..<Int(top.n_children) {
            guard let field = children[index]?.pointee, let column = arrays[index]?.pointee else {
                throw InterfaceError("column \(index) is NULL in the schema or the array")
            }
            let name = field.name.map { String(cString: $0) } ?? "column \(index)"
            let type = field.format.map { String(cString: $0) } ?? ""
            guard type == "g" || type == "f" else {
                throw InterfaceError(
                    "column '\(name)' has Arrow format '\(type)': only float64 ('g') and float32 ('f') columns are read; cast the others first"
                )
            }
            guard field.dictionary == nil, column.dictionary == nil else {
                throw InterfaceError("column '\(name)' is dictionary-encoded: decode it first")
            }
            guard column.n_buffers == 2, let buffers = column.buffers, let data = buffers[1] else {
                throw InterfaceError("column '\(name)' has \(column.n_buffers) buffers or no data buffer: a primitive column has 2")
            }
            // A column's length counts its values from its own offset (its buffer holds offset +
            // length), and the table's rows are its values from the table's offset on.
            let (start, overflow) = column.offset.addingReportingOverflow(batch.offset)
            let (end, beyond) = batch.offset.addingReportingOverflow(batch.length)
            guard column.offset >= 0, !overflow, !beyond, end <= column.length else {
                throw InterfaceError(
                    "column '\(name)' has \(column.length) values from its offset \(column.offset): too few for the table's \(batch.length) rows from offset \(batch.offset)"
                )
            }
            guard column.null_count == 0 || Self.allValid(column, buffer: 0, from: Int(batch.offset), count: rows) else {
                throw InterfaceError("column '\(name)' has nulls: fill or drop them first (a table without nulls is needed)")
            }
            let values: ColumnTable.Values =
                type == "f"
                ? .float(data.assumingMemoryBound(to: Float.self) + Int(start))
                : .double(data.assumingMemoryBound(to: Double.self) + Int(start))
            columns.append(Column(name: name, values: values))
        }
        table = ColumnTable(rows: rows, columns: columns)
    }

    /// Whether every bit of validity `buffer` is set over the array's rows `from..<from + count`
    /// (its own offset added), or there is no bitmap (all valid).
    private static func allValid(_ array: ArrowArray, buffer: Int, from: Int = 0, count: Int? = nil) -> Bool {
        guard array.n_buffers > buffer, let bitmap = array.buffers?[buffer] else { return array.null_count <= 0 }
        let bytes = bitmap.assumingMemoryBound(to: UInt8.self), first = Int(array.offset) + from
        for bit in first..<first + (count ?? Int(array.length)) where bytes[bit >> 3] & (1 << UInt8(bit & 7)) == 0 {
            return false
        }
        return true
    }

    /// Checks that every value of `selection`'s columns is finite, column by column in order.
    private func checkFinite(_ selection: [Int]) throws {
        for index in selection {
            if let (row, value) = table.firstNonFinite(in: index) {
                throw InterfaceError("column '\(columns[index].name)' holds \(value) at row \(row): only finite numbers are allowed")
            }
        }
    }

    /// The rows of the columns `options` chooses (indices into ``columns``), read in place as
    /// `Element`s while the array is kept by `owner()` (called once every check has passed); the
    /// weights (checked) are copied.
    func rows<Element: BLASScalar>(_ type: Element.Type, targets: [Int], features: [Int], weights: Int?, owner: () -> ArrowOwner) throws
        -> ArrowRows<Element>
    {
        try checkFinite((weights.map { [$0] } ?? []) + features + targets)
        let rowWeights = weights.map { index in (0..<rows).map { columns[index].values.value($0) } }
        if let rowWeights { try validateRowWeights(rowWeights, rows: rows) }
        return ArrowRows(
            owner: owner(), columns: RowColumns(features: features.map { columns[$0].values }, targets: targets.map { columns[$0].values }),
            rows: rows, featureNames: features.map { columns[$0].name }, targetNames: targets.map { columns[$0].name }, weights: rowWeights)
    }

    /// The data handle's rows: the columns `options` names (the last column the target by
    /// default, every other column but the weights a feature), read in place from the array
    /// `owner` holds.
    func storage(_ options: LoadOptions, owner: () -> ArrowOwner) throws -> DataStorage {
        let names = columns.map(\.name)
        func column(_ name: String) throws -> Int {
            guard let found = names.firstIndex(of: name) else {
                throw InterfaceError("the table has no column named '\(name)' (columns: \(names.joined(separator: ", ")))")
            }
            return found
        }
        let targets = try options.targets.isEmpty ? [columns.count - 1] : options.targets.map(column)
        let weights = try options.weights.map(column)
        let excluded = Set((targets + (weights.map { [$0] } ?? [])).map { names[$0] })
        let features = try options.features.map { try $0.map(column) } ?? columns.indices.filter { !excluded.contains(names[$0]) }
        guard !features.isEmpty else { throw InterfaceError("the table has no feature columns besides its targets and weights") }
        if (targets + features).allSatisfy({ columns[$0].values.isFloat }) {
            return .arrow32(try rows(Float.self, targets: targets, features: features, weights: weights, owner: owner))
        }
        return .arrow64(try rows(Double.self, targets: targets, features: features, weights: weights, owner: owner))
    }
}

@c @implementation
public func mbgd_data_create_arrow(
    _ abiVersion: Int32, _ schema: UnsafeMutablePointer<ArrowSchema>?, _ array: UnsafeMutablePointer<ArrowArray>?,
    _ optionsJSON: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    // Taken over whatever happens: the schema released once read, the array moved into the
    // handle (released when it is freed), or both released on any error.
    defer {
        if let schema, let release = schema.pointee.release { release(schema) }
        if let array, let release = array.pointee.release { release(array) }
    }
    return guarded {
        try Arguments.checkABI(abiVersion)
        let out = try Arguments.required(out, "out")
        let schema = try Arguments.required(schema, "schema"), array = try Arguments.required(array, "array")
        let table = try ArrowTable(schema: schema, array: array)
        // Moved only once every check has passed (the weights' included), so an error releases it.
        let storage = try table.storage(LoadOptions(json: Arguments.text(optionsJSON))) { ArrowOwner(moving: array) }
        out.pointee = DataHandle(storage).retainedPointer
        return .ok
    }
}
