import CMiniBatchGD
import Foundation
import Testing

@testable import MiniBatchGDC

/// Tables through the Arrow C data interface, built here as a producer builds them: a struct of
/// primitive columns with its release callbacks, which the library must call exactly once.
@Suite struct CInterfaceArrowTests {
    /// A producer's exported record batch and the storage it points into.
    final class Export {
        var names: [UnsafeMutablePointer<CChar>]
        var formats: [UnsafeMutablePointer<CChar>]
        var fields: UnsafeMutablePointer<ArrowSchema>
        var arrays: UnsafeMutablePointer<ArrowArray>
        var fieldPointers: UnsafeMutablePointer<UnsafeMutablePointer<ArrowSchema>?>
        var arrayPointers: UnsafeMutablePointer<UnsafeMutablePointer<ArrowArray>?>
        var buffers: UnsafeMutablePointer<UnsafeRawPointer?>
        var values: [UnsafeMutableRawPointer]
        var schema = ArrowSchema()
        var array = ArrowArray()
        /// Release calls of the top structures: the schema's, then the array's.
        var releases = UnsafeMutablePointer<Int>.allocate(capacity: 2)
        let structFormat = strdup("+s")!

        /// Columns of Doubles (format "g") or Floats ("f"), named, with `columnOffset` values
        /// skipped by each column (as pyarrow exports a slice) and `offset` rows by the struct
        /// (`length` rows, else all that remain), and a validity bitmap on `nullColumn` whose
        /// bit `nullRow` is clear.
        init(
            _ columns: [(name: String, format: String, values: [Double])], offset: Int = 0, columnOffset: Int = 0, length rows: Int? = nil,
            nullColumn: Int? = nil, nullRow: Int = 0
        ) {
            let count = columns.count, length = columns[0].values.count
            names = columns.map { strdup($0.name)! }
            formats = columns.map { strdup($0.format)! }
            fields = .allocate(capacity: count)
            arrays = .allocate(capacity: count)
            fieldPointers = .allocate(capacity: count)
            arrayPointers = .allocate(capacity: count)
            buffers = .allocate(capacity: 2 * count + 1)
            values = []
            releases.initialize(repeating: 0, count: 2)
            for (j, column) in columns.enumerated() {
                let width = column.format == "f" ? 4 : 8
                let storage = UnsafeMutableRawPointer.allocate(byteCount: length * width, alignment: 8)
                for (i, value) in column.values.enumerated() {
                    if width == 4 {
                        storage.storeBytes(of: Float(value), toByteOffset: 4 * i, as: Float.self)
                    } else {
                        storage.storeBytes(of: value, toByteOffset: 8 * i, as: Double.self)
                    }
                }
                values.append(storage)
                var bitmap: UnsafeMutableRawPointer?
                if nullColumn == j {
                    let bits = UnsafeMutableRawPointer.allocate(byteCount: (length + 7) / 8, alignment: 8)
                    bits.initializeMemory(as: UInt8.self, repeating: 0xFF, count: (length + 7) / 8)
                    bits.storeBytes(of: ~UInt8(1 << (nullRow & 7)), toByteOffset: nullRow >> 3, as: UInt8.self)
                    bitmap = bits
                    values.append(bits)
                }
                buffers[2 * j] = UnsafeRawPointer(bitmap)
                buffers[2 * j + 1] = UnsafeRawPointer(storage)
                fields[j] = ArrowSchema(
                    format: formats[j], name: names[j], metadata: nil, flags: 0, n_children: 0, children: nil, dictionary: nil,
                    release: { $0?.pointee.release = nil }, private_data: nil)
                arrays[j] = ArrowArray(
                    length: Int64(length - columnOffset), null_count: nullColumn == j ? -1 : 0, offset: Int64(columnOffset), n_buffers: 2,
                    n_children: 0,
                    buffers: buffers + 2 * j, children: nil,
                    dictionary: nil, release: { $0?.pointee.release = nil }, private_data: nil)
                fieldPointers[j] = fields + j
                arrayPointers[j] = arrays + j
            }
            buffers[2 * count] = nil
            schema = ArrowSchema(
                format: structFormat, name: nil, metadata: nil, flags: 0, n_children: Int64(count), children: fieldPointers,
                dictionary: nil,
                release: { schema in
                    schema!.pointee.private_data!.assumingMemoryBound(to: Int.self)[0] += 1
                    schema!.pointee.release = nil
                }, private_data: UnsafeMutableRawPointer(releases))
            array = ArrowArray(
                length: Int64(rows ?? length - columnOffset - offset), null_count: 0, offset: Int64(offset), n_buffers: 1,
                n_children: Int64(count),
                buffers: buffers + 2 * count, children: arrayPointers, dictionary: nil,
                release: { array in
                    array!.pointee.private_data!.assumingMemoryBound(to: Int.self)[1] += 1
                    array!.pointee.release = nil
                }, private_data: UnsafeMutableRawPointer(releases))
        }

        deinit {
            (names + formats).forEach { free($0) }
            free(structFormat)
            values.forEach { $0.deallocate() }
            [UnsafeMutableRawPointer(fields), UnsafeMutableRawPointer(arrays), UnsafeMutableRawPointer(fieldPointers)].forEach {
                $0.deallocate()
            }
            arrayPointers.deallocate()
            buffers.deallocate()
            releases.deallocate()
        }

        /// `mbgd_data_create_arrow` on this export.
        func create(_ options: String? = nil, _ out: inout OpaquePointer?) -> Int32 {
            mbgd_data_create_arrow(MBGD_ABI_VERSION, &schema, &array, options, &out)
        }
    }

    @Test func aTableOfColumnsIsTheSameRowsAsADenseHandle() throws {
        let (x, y) = planeRows(30)
        let a = (0..<30).map { x[2 * $0] }, b = (0..<30).map { x[2 * $0 + 1] }
        // The target first and a weight-free table: the columns are named, not placed.
        let export = Export([("y", "g", y), ("a", "g", a), ("b", "f", b)])
        var table: OpaquePointer?
        try #require(export.create("{\"target\": \"y\"}", &table) == 0, "\(lastError)")
        // The schema is released once read; the array is moved into the handle (the caller's copy
        // marked released) and released when the handle is freed.
        #expect(export.releases[0] == 1 && export.releases[1] == 0 && export.schema.release == nil && export.array.release == nil)
        defer { withExtendedLifetime(export) {} }
        let handles = Handles()
        handles.data.append(table)
        var rows: Int64 = 0, features: Int64 = 0
        try #require(mbgd_data_shape(table, &rows, &features, nil) == 0)
        #expect(rows == 30 && features == 2)
        let model = try handles.model()
        try #require(mbgd_model_solve(model, table, nil) == 0, "\(lastError)")
        // b's values are quarters: exact in Float, so the plane is found exactly.
        #expect(relativeDifference(try parameters(model, features: 2), [1, 2, -1]) < 1e-14)
        if case let .arrow64(data) = try DataHandle.from(table).storage {
            #expect(data.featureNames == ["a", "b"] && data.targetNames == ["y"])
        } else {
            Issue.record("a table with a float64 column must give Double rows")
        }
        mbgd_data_free(handles.data.removeFirst())
        #expect(export.releases[1] == 1)
    }

    @Test func offsetsSkipRowsAndFloatTablesStayFloat() throws {
        let (x, y) = planeRows(12)
        let export = Export([("a", "f", (0..<12).map { x[2 * $0] }), ("b", "f", (0..<12).map { x[2 * $0 + 1] }), ("y", "f", y)], offset: 2)
        var table: OpaquePointer?
        try #require(export.create(nil, &table) == 0, "\(lastError)")
        defer { withExtendedLifetime(export) { mbgd_data_free(table) } }
        guard case let .arrow32(data) = try DataHandle.from(table).storage else {
            Issue.record("a table of float32 columns must give Float rows")
            return
        }
        let copy = try data.copied()
        #expect(data.rows == 10 && copy.features.elements[0] == Float(x[4]) && copy.targets.elements[0] == Float(y[2]))
    }

    /// A column's length counts from its own offset (the Arrow C data interface's rule): columns
    /// sliced by 3 under a struct sliced by 2 hold the struct's rows from value 5 of each buffer.
    @Test func aColumnsLengthCountsFromItsOwnOffset() throws {
        let (x, y) = planeRows(12)
        let columns = [("a", "g", (0..<12).map { x[2 * $0] }), ("b", "g", (0..<12).map { x[2 * $0 + 1] }), ("y", "g", y)]
        let export = Export(columns, offset: 2, columnOffset: 3)
        var table: OpaquePointer?
        try #require(export.create(nil, &table) == 0, "\(lastError)")
        defer { withExtendedLifetime(export) { mbgd_data_free(table) } }
        guard case let .arrow64(data) = try DataHandle.from(table).storage else {
            Issue.record("a table of float64 columns must give Double rows")
            return
        }
        let copy = try data.copied()
        #expect(
            data.rows == 7 && copy.features.elements[0] == x[10] && copy.features.elements[1] == x[11] && copy.targets.elements[0] == y[5])
        #expect(copy.targets.elements[6] == y[11])
        // One row more than the columns hold past the struct's offset: refused, and still released.
        let long = Export(columns, offset: 2, columnOffset: 3, length: 8)
        var refused: OpaquePointer?
        #expect(long.create(nil, &refused) != 0)
        #expect(lastError.contains("column 'a' has 9 values from its offset 3: too few for the table's 8 rows from offset 2"))
        #expect(long.releases[0] == 1 && long.releases[1] == 1)
    }

    @Test func badTablesAreRefusedAndStillReleased() throws {
        let (x, y) = planeRows(10)
        let a = (0..<10).map { x[2 * $0] }
        var out: OpaquePointer?
        let cases: [(Export, String?, String)] = [
            (Export([("a", "l", a), ("y", "g", y)]), nil, "column 'a' has Arrow format 'l'"),
            (Export([("a", "g", a), ("y", "g", y)], nullColumn: 0, nullRow: 3), nil, "column 'a' has nulls"),
            (Export([("a", "g", a.enumerated().map { $0 == 4 ? .nan : $1 }), ("y", "g", y)]), nil, "column 'a' holds nan at row 4"),
            (Export([("a", "g", a), ("y", "g", y)]), "{\"target\": \"z\"}", "no column named 'z' (columns: a, y)"),
            (Export([("y", "g", y)]), nil, "no feature columns"),
        ]
        for (export, options, message) in cases {
            expectStatus(export.create(options, &out), MBGD_INVALID_ARGUMENT, message)
            #expect(export.releases[0] == 1 && export.releases[1] == 1 && out == nil)
        }
        // A validity bitmap whose null lies outside the rows read is no null.
        let valid = Export([("a", "g", a), ("y", "g", y)], offset: 4, nullColumn: 0, nullRow: 3)
        try #require(valid.create(nil, &out) == 0, "\(lastError)")
        mbgd_data_free(out)
        // Released structures, and NULL ones, are refused without a call to release.
        let twice = Export([("a", "g", a), ("y", "g", y)])
        try #require(twice.create(nil, &out) == 0)
        #expect(twice.releases[1] == 0)
        mbgd_data_free(out)
        #expect(twice.releases[1] == 1)
        out = nil
        expectStatus(twice.create(nil, &out), MBGD_INVALID_ARGUMENT, "schema is already released")
        #expect(twice.releases[0] == 1 && twice.releases[1] == 1 && out == nil)
        expectStatus(mbgd_data_create_arrow(MBGD_ABI_VERSION, nil, nil, nil, &out), MBGD_INVALID_ARGUMENT, "schema is NULL")
    }
}
