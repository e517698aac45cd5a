import CMiniBatchGD
import Foundation
import MiniBatchGD

/// What an `mbgd_data` handle holds: rows in memory (copied or read from a file), rows read in
/// place from the caller's buffers or from an Arrow table's columns, or sparse rows; in
/// `Double` or `Float`.
enum DataStorage {
    case dense64(Dataset<Double>)
    case dense32(Dataset<Float>)
    case borrowed64(BorrowedRows<Double>)
    case borrowed32(BorrowedRows<Float>)
    case arrow64(ArrowRows<Double>)
    case arrow32(ArrowRows<Float>)
    case sparse64(SparseDataset<Double>)
    case sparse32(SparseDataset<Float>)
}

/// The object behind `mbgd_data *`.
final class DataHandle {
    let storage: DataStorage

    init(_ storage: DataStorage) { self.storage = storage }

    /// Rows, features and targets.
    var shape: (rows: Int, features: Int, outputs: Int) {
        switch storage {
        case let .dense64(data): (data.rows, data.featureCount, data.outputCount)
        case let .dense32(data): (data.rows, data.featureCount, data.outputCount)
        case let .borrowed64(data): (data.rows, data.featureCount, data.outputCount)
        case let .borrowed32(data): (data.rows, data.featureCount, data.outputCount)
        case let .arrow64(data): (data.rows, data.featureCount, data.outputCount)
        case let .arrow32(data): (data.rows, data.featureCount, data.outputCount)
        case let .sparse64(data): (data.rows, data.featureCount, data.outputCount)
        case let .sparse32(data): (data.rows, data.featureCount, data.outputCount)
        }
    }

    /// The handle behind a pointer C passes back.
    static func from(_ pointer: OpaquePointer?, _ name: String = "data") throws -> DataHandle {
        Unmanaged<DataHandle>.fromOpaque(UnsafeRawPointer(try Arguments.required(pointer, name))).takeUnretainedValue()
    }

    /// A retained pointer for C, released by `mbgd_data_free`.
    var retainedPointer: OpaquePointer { OpaquePointer(Unmanaged.passRetained(self).toOpaque()) }
}

/// Dense rows of one element type from C's arguments (checked by the caller of this function:
/// counts and spans), copied or borrowed.
private func denseStorage<Element: BLASScalar>(
    _ type: Element.Type, rowMajor: Bool, borrow: Bool, rows: Int, features: Int, outputs: Int, x: UnsafeRawPointer, ldx: Int,
    y: UnsafeRawPointer, ldy: Int, weights: [Double]?
) throws -> (borrowed: BorrowedRows<Element>?, copied: Dataset<Element>?) {
    let x = x.assumingMemoryBound(to: Element.self), y = y.assumingMemoryBound(to: Element.self)
    if let weights { try validateRowWeights(weights, rows: rows) }
    if borrow {
        try checkFinite(x, rows: rows, columns: features, ld: ldx, name: "x")
        try checkFinite(y, rows: rows, columns: outputs, ld: ldy, name: "y")
        let borrowed = BorrowedRows(
            x: x, ldx: ldx, y: y, ldy: ldy, rows: rows, featureCount: features, outputCount: outputs, weights: weights)
        return (borrowed, nil)
    }
    let features = try Matrix(
        rows: rows, columns: features, elements: gather(x, rows: rows, columns: features, ld: ldx, rowMajor: rowMajor, name: "x"))
    let targets = try Matrix(
        rows: rows, columns: outputs, elements: gather(y, rows: rows, columns: outputs, ld: ldy, rowMajor: rowMajor, name: "y"))
    return (nil, try Dataset(features: features, targets: targets, weights: weights))
}

@c @implementation
public func mbgd_data_create_dense(
    _ abiVersion: Int32, _ elementType: Int32, _ layout: Int32, _ ownership: Int32, _ rows: Int64, _ features: Int64,
    _ x: UnsafeRawPointer?, _ ldx: Int64, _ outputs: Int64, _ y: UnsafeRawPointer?, _ ldy: Int64, _ weights: UnsafePointer<Double>?,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    guarded {
        try Arguments.checkABI(abiVersion)
        let out = try Arguments.required(out, "out")
        let type = try Arguments.elementType(elementType), rowMajor = try Arguments.rowMajor(layout)
        guard ownership == MBGD_COPY.rawValue || ownership == MBGD_BORROW.rawValue else {
            throw InterfaceError("ownership = \(ownership) is invalid: must be MBGD_COPY (0) or MBGD_BORROW (1)")
        }
        let borrow = ownership == MBGD_BORROW.rawValue
        if borrow, !rowMajor {
            throw InterfaceError(
                "ownership = MBGD_BORROW needs row-major rows (layout = MBGD_ROW_MAJOR): column-major values are read row by row only from a copy; pass MBGD_COPY"
            )
        }
        let n = try Arguments.count(rows, "rows"), p = try Arguments.count(features, "features")
        let k = try Arguments.count(outputs, "outputs")
        let size = type == MBGD_FLOAT64 ? MemoryLayout<Double>.size : MemoryLayout<Float>.size
        _ = try Arguments.span(rows: n, columns: p, ld: ldx, rowMajor: rowMajor, elementSize: size, name: "x", ldName: "ldx")
        _ = try Arguments.span(rows: n, columns: k, ld: ldy, rowMajor: rowMajor, elementSize: size, name: "y", ldName: "ldy")
        let x = try Arguments.required(x, "x"), y = try Arguments.required(y, "y")
        let rowWeights = weights.map { Array(UnsafeBufferPointer(start: $0, count: n)) }
        let storage: DataStorage
        if type == MBGD_FLOAT64 {
            let made = try denseStorage(
                Double.self, rowMajor: rowMajor, borrow: borrow, rows: n, features: p, outputs: k, x: x, ldx: Int(ldx), y: y, ldy: Int(ldy),
                weights: rowWeights)
            storage = made.borrowed.map { .borrowed64($0) } ?? .dense64(made.copied!)
        } else {
            let made = try denseStorage(
                Float.self, rowMajor: rowMajor, borrow: borrow, rows: n, features: p, outputs: k, x: x, ldx: Int(ldx), y: y, ldy: Int(ldy),
                weights: rowWeights)
            storage = made.borrowed.map { .borrowed32($0) } ?? .dense32(made.copied!)
        }
        out.pointee = DataHandle(storage).retainedPointer
        return .ok
    }
}

@c @implementation
public func mbgd_data_create_csr(
    _ abiVersion: Int32, _ elementType: Int32, _ rows: Int64, _ features: Int64, _ rowStarts: UnsafePointer<Int64>?,
    _ columns: UnsafePointer<Int32>?, _ values: UnsafeRawPointer?, _ outputs: Int64, _ y: UnsafeRawPointer?, _ ldy: Int64,
    _ weights: UnsafePointer<Double>?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    guarded {
        try Arguments.checkABI(abiVersion)
        let out = try Arguments.required(out, "out")
        let type = try Arguments.elementType(elementType)
        let n = try Arguments.count(rows, "rows"), p = try Arguments.count(features, "features")
        let k = try Arguments.count(outputs, "outputs")
        let size = type == MBGD_FLOAT64 ? MemoryLayout<Double>.size : MemoryLayout<Float>.size
        _ = try Arguments.span(rows: n, columns: k, ld: ldy, rowMajor: true, elementSize: size, name: "y", ldName: "ldy")
        let rowStarts = try Arguments.required(rowStarts, "row_starts"), y = try Arguments.required(y, "y")
        let starts = try (0...n).map { index in
            guard let start = Int(exactly: rowStarts[index]), start >= 0 else {
                throw InterfaceError("row_starts[\(index)] = \(rowStarts[index]) is invalid: offsets are at least 0")
            }
            return start
        }
        // Offsets that never decrease, so the last is the entries' count (the library checks the rest).
        if let row = (0..<n).first(where: { starts[$0 + 1] < starts[$0] }) {
            throw InterfaceError(
                "row_starts[\(row + 1)] = \(starts[row + 1]) is invalid: it is below row_starts[\(row)] = \(starts[row]) (offsets never decrease)"
            )
        }
        let entries = starts[n]
        try MemoryBudget.require(
            MemoryBudget.bytes(of: UInt8.self, [entries, MemoryLayout<Int32>.size + size]), for: "copying \(entries) sparse entries")
        guard entries == 0 || (columns != nil && values != nil) else {
            throw InterfaceError(
                "\(columns == nil ? "columns" : "values") is NULL, and row_starts[\(n)] = \(entries) entries were promised")
        }
        let indices = entries == 0 ? [] : Array(UnsafeBufferPointer(start: columns!, count: entries))
        let rowWeights = weights.map { Array(UnsafeBufferPointer(start: $0, count: n)) }
        func make<Element: BLASScalar>(_ type: Element.Type) throws -> SparseDataset<Element> {
            let typed = values?.assumingMemoryBound(to: Element.self)
            let entryValues = entries == 0 ? [] : Array(UnsafeBufferPointer(start: typed!, count: entries))
            let targets = try Matrix(
                rows: n, columns: k,
                elements: gather(y.assumingMemoryBound(to: Element.self), rows: n, columns: k, ld: Int(ldy), rowMajor: true, name: "y"))
            return try SparseDataset(
                rowStarts: starts, columns: indices, values: entryValues, targets: targets, featureCount: p, weights: rowWeights)
        }
        let storage: DataStorage = type == MBGD_FLOAT64 ? .sparse64(try make(Double.self)) : .sparse32(try make(Float.self))
        out.pointee = DataHandle(storage).retainedPointer
        return .ok
    }
}

@c @implementation
public func mbgd_data_load(
    _ abiVersion: Int32, _ path: UnsafePointer<CChar>?, _ optionsJSON: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    guarded {
        try Arguments.checkABI(abiVersion)
        let out = try Arguments.required(out, "out")
        let path = String(cString: try Arguments.required(path, "path"))
        let options = try LoadOptions(json: Arguments.text(optionsJSON))
        let data = try Dataset<Double>.load(path: path, targets: options.targets, features: options.features, weights: options.weights)
        out.pointee = DataHandle(.dense64(data)).retainedPointer
        return .ok
    }
}

@c @implementation
public func mbgd_data_free(_ data: OpaquePointer?) {
    guard let data else { return }
    Unmanaged<DataHandle>.fromOpaque(UnsafeRawPointer(data)).release()
}

@c @implementation
public func mbgd_data_shape(
    _ data: OpaquePointer?, _ rows: UnsafeMutablePointer<Int64>?, _ features: UnsafeMutablePointer<Int64>?,
    _ outputs: UnsafeMutablePointer<Int64>?
) -> Int32 {
    guarded {
        let shape = try DataHandle.from(data).shape
        rows?.pointee = Int64(shape.rows)
        features?.pointee = Int64(shape.features)
        outputs?.pointee = Int64(shape.outputs)
        return .ok
    }
}
