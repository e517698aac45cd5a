import CMiniBatchGD
import Foundation
import Synchronization
import Testing

@testable import MiniBatchGD
@testable import MiniBatchGDC

/// The C interface called as C calls it: each status code's paths, results against answers
/// known independently (an exact plane, the library's own Swift calls on the same rows), and
/// the threading contract.
@Suite struct CInterfaceTests {
    @Test func versionsAgreeWithTheHeader() {
        #expect(String(cString: mbgd_version()) == MBGD_VERSION)
        #expect(mbgd_version_number() == MBGD_VERSION_NUMBER)
        #expect(mbgd_abi_version() == MBGD_ABI_VERSION)
        #expect(String(cString: mbgd_status_string(0)) == "ok")
        #expect(String(cString: mbgd_status_string(6)) == "cancelled")
        #expect(String(cString: mbgd_status_string(99)) == "unknown status")
        #expect(String(cString: mbgd_status_string(-1)) == "unknown status")
    }

    @Test func solveRecoversAnExactPlaneFromEveryLayout() throws {
        let handles = Handles(), (x, y) = planeRows(40)
        let model = try handles.model()
        try #require(mbgd_model_solve(model, try handles.dense(x, y, rows: 40, features: 2), nil) == 0, "\(lastError)")
        #expect(relativeDifference(try parameters(model, features: 2), [1, 2, -1]) < 1e-14)
        // Column-major with a leading dimension of 45, and Float: the same plane.
        var columns = [Double](repeating: .nan, count: 45 * 2)
        for i in 0..<40 { (columns[i], columns[45 + i]) = (x[2 * i], x[2 * i + 1]) }
        var handle: OpaquePointer?
        try #require(
            mbgd_data_create_dense(
                MBGD_ABI_VERSION, Int32(MBGD_FLOAT64.rawValue), Int32(MBGD_COLUMN_MAJOR.rawValue), Int32(MBGD_COPY.rawValue), 40, 2,
                columns, 45, 1, y, 40, nil, &handle) == 0, "\(lastError)")
        handles.data.append(handle)
        try #require(mbgd_model_solve(model, handle, "{\"method\": \"qr\"}") == 0, "\(lastError)")
        #expect(relativeDifference(try parameters(model, features: 2), [1, 2, -1]) < 1e-14)
        let x32 = x.map(Float.init), y32 = y.map(Float.init)
        try #require(
            mbgd_data_create_dense(
                MBGD_ABI_VERSION, Int32(MBGD_FLOAT32.rawValue), Int32(MBGD_ROW_MAJOR.rawValue), Int32(MBGD_BORROW.rawValue), 40, 2, x32,
                2, 1, y32, 1, nil, &handle) == 0, "\(lastError)")
        handles.data.append(handle)
        try #require(mbgd_model_solve(model, handle, nil) == 0, "\(lastError)")
        // The values are exact in Float (quarters and small integers).
        #expect(relativeDifference(try parameters(model, features: 2), [1, 2, -1]) < 1e-14)
    }

    @Test func descentThroughCIsTheLibrarysDescentBitForBit() throws {
        let data = try syntheticData(rows: 300, weights: [[1], [-2], [0.5]], intercept: [3], noise: 0.2, seed: 4)
        var swift = LinearRegression()
        try swift.fit(data, using: GradientDescent(batchSize: 16, optimizer: .adam(), shuffle: .everyEpoch(seed: 9)))
        let handles = Handles(), model = try handles.model()
        try data.features.elements.withUnsafeBufferPointer { x in
            try data.targets.elements.withUnsafeBufferPointer { y in
                let rows = try handles.dense(x.baseAddress!, y.baseAddress!, rows: 300, features: 3)
                let status = mbgd_model_fit(model, rows, "{\"batchSize\": 16, \"optimizer\": \"adam\", \"seed\": 9}", nil, nil)
                try #require(status == 0, "\(lastError)")
            }
        }
        #expect(try parameters(model, features: 3) == swift.intercept + swift.coefficients.elements)
    }

    @Test func invalidArguments() throws {
        let handles = Handles(), (x, y) = planeRows(10)
        let data = try handles.dense(x, y, rows: 10, features: 2), model = try handles.model()
        var out: OpaquePointer?
        let f64 = Int32(MBGD_FLOAT64.rawValue), rowMajor = Int32(MBGD_ROW_MAJOR.rawValue), copy = Int32(MBGD_COPY.rawValue)
        expectStatus(mbgd_model_fit(nil, data, nil, nil, nil), MBGD_INVALID_ARGUMENT, "model is NULL")
        expectStatus(mbgd_model_solve(model, nil, nil), MBGD_INVALID_ARGUMENT, "data is NULL")
        expectStatus(mbgd_model_create(MBGD_ABI_VERSION, 1, nil), MBGD_INVALID_ARGUMENT, "out is NULL")
        expectStatus(mbgd_model_create(MBGD_ABI_VERSION - 1, 1, &out), MBGD_INVALID_ARGUMENT, "abi_version 0 is not")
        expectStatus(
            mbgd_data_create_dense(MBGD_ABI_VERSION, 7, rowMajor, copy, 10, 2, x, 2, 1, y, 1, nil, &out), MBGD_INVALID_ARGUMENT,
            "element_type = 7")
        expectStatus(
            mbgd_data_create_dense(MBGD_ABI_VERSION, f64, 2, copy, 10, 2, x, 2, 1, y, 1, nil, &out), MBGD_INVALID_ARGUMENT, "layout = 2")
        expectStatus(
            mbgd_data_create_dense(MBGD_ABI_VERSION, f64, rowMajor, 5, 10, 2, x, 2, 1, y, 1, nil, &out), MBGD_INVALID_ARGUMENT,
            "ownership = 5")
        expectStatus(
            mbgd_data_create_dense(
                MBGD_ABI_VERSION, f64, Int32(MBGD_COLUMN_MAJOR.rawValue), Int32(MBGD_BORROW.rawValue), 10, 2, x, 10, 1, y, 10, nil, &out),
            MBGD_INVALID_ARGUMENT, "MBGD_BORROW needs row-major rows")
        expectStatus(
            mbgd_data_create_dense(MBGD_ABI_VERSION, f64, rowMajor, copy, 0, 2, x, 2, 1, y, 1, nil, &out), MBGD_INVALID_ARGUMENT, "rows = 0"
        )
        expectStatus(
            mbgd_data_create_dense(MBGD_ABI_VERSION, f64, rowMajor, copy, 10, 2, nil, 2, 1, y, 1, nil, &out), MBGD_INVALID_ARGUMENT,
            "x is NULL")
        expectStatus(
            mbgd_data_create_dense(MBGD_ABI_VERSION, f64, rowMajor, copy, 10, 2, x, 1, 1, y, 1, nil, &out), MBGD_INVALID_ARGUMENT,
            "ldx = 1 is invalid")
        // Sizes whose span overflows are refused before anything is read.
        expectStatus(
            mbgd_data_create_dense(MBGD_ABI_VERSION, f64, rowMajor, copy, 1 << 40, 2, x, 1 << 40, 1, y, 1, nil, &out),
            MBGD_INVALID_ARGUMENT, "spans more memory than can be addressed")
        var bad = y
        bad[3] = .infinity
        expectStatus(
            mbgd_data_create_dense(MBGD_ABI_VERSION, f64, rowMajor, Int32(MBGD_BORROW.rawValue), 10, 2, x, 2, 1, bad, 1, nil, &out),
            MBGD_INVALID_ARGUMENT, "y holds inf at row 3, column 0")
        let negative = [Double](repeating: 1, count: 9) + [-1]
        expectStatus(
            mbgd_data_create_dense(MBGD_ABI_VERSION, f64, rowMajor, copy, 10, 2, x, 2, 1, y, 1, negative, &out), MBGD_INVALID_ARGUMENT,
            "weights")
        #expect(out == nil)
        // Options: the tool's messages, named as JSON names them.
        expectStatus(
            mbgd_model_fit(model, data, "{\"batchSize\": 0}", nil, nil), MBGD_INVALID_ARGUMENT,
            "batchSize must be a positive integer or 'full', got '0'")
        expectStatus(
            mbgd_model_fit(model, data, "{\"learningRate\": -1}", nil, nil), MBGD_INVALID_ARGUMENT,
            "learningRate must be 'auto' or a positive number, got '-1'")
        expectStatus(
            mbgd_model_fit(model, data, "{\"average\": true, \"noAverage\": true}", nil, nil), MBGD_INVALID_ARGUMENT,
            "average and noAverage exclude each other")
        expectStatus(
            mbgd_model_fit(model, data, "{\"nesterov\": true, \"optimizer\": \"adam\"}", nil, nil), MBGD_INVALID_ARGUMENT,
            "nesterov contradicts optimizer adam")
        expectStatus(mbgd_model_fit(model, data, "{\"beta1\": 1.5}", nil, nil), MBGD_INVALID_ARGUMENT, "beta1 = 1.5 is invalid")
        expectStatus(
            mbgd_model_fit(model, data, "{\"optimizer\": \"lbfgs\"}", nil, nil), MBGD_INVALID_ARGUMENT,
            "optimizer must be sgd, momentum, nesterov, adam, adamw, adagrad or rmsprop, got \"lbfgs\"")
        expectStatus(
            mbgd_model_fit(model, data, "{\"epochs\": \"ten\"}", nil, nil), MBGD_INVALID_ARGUMENT, "epochs must be an integer, got \"ten\"")
        expectStatus(mbgd_model_fit(model, data, "[1]", nil, nil), MBGD_INVALID_ARGUMENT, "must be a JSON object")
        expectStatus(
            mbgd_model_fit(model, data, "{\"batchSize\": 8", nil, nil), MBGD_INVALID_ARGUMENT,
            "the options are not valid JSON (Unexpected end of file during JSON parse)")
        expectStatus(
            mbgd_model_solve(model, data, "{\"confidence\": 1}"), MBGD_INVALID_ARGUMENT,
            "confidence = 1.0 is invalid: must lie strictly between 0 and 1")
        expectStatus(
            mbgd_model_solve(model, data, "{\"threads\": 5000}"), MBGD_INVALID_ARGUMENT, "threads must lie between 1 and 1024, got 5000")
        // Unfitted models, buffers too small, statistics that do not exist.
        var buffer = [Double](repeating: 0, count: 10)
        expectStatus(mbgd_model_predict(model, f64, rowMajor, 10, 2, x, 2, &buffer, 10), MBGD_INVALID_ARGUMENT, "the model is not fitted")
        try #require(mbgd_model_fit(model, data, nil, nil, nil) == 0)
        expectStatus(mbgd_model_predict(model, f64, rowMajor, 10, 2, x, 2, &buffer, 9), MBGD_INVALID_ARGUMENT, "predictions_length = 9")
        expectStatus(
            mbgd_model_predict(model, f64, rowMajor, 10, 3, x, 3, &buffer, 10), MBGD_INVALID_ARGUMENT,
            "features = 3 is invalid: the model was fitted on 2")
        expectStatus(mbgd_model_coefficient_table(model, 0, &buffer, 10), MBGD_INVALID_ARGUMENT, "the model has no statistics")
        try #require(mbgd_model_solve(model, data, nil) == 0)
        expectStatus(mbgd_model_coefficient_table(model, 1, &buffer, 10), MBGD_INVALID_ARGUMENT, "target = 1 is invalid")
        expectStatus(
            mbgd_model_coefficient_table(model, 0, &buffer, 10), MBGD_INVALID_ARGUMENT,
            "table_length = 10 is invalid: the result needs 18 values")
        expectStatus(mbgd_set_threads(0), MBGD_INVALID_ARGUMENT, "threads must lie between 1 and 1024, got 0")
    }

    @Test func numericalFailures() throws {
        let handles = Handles()
        // Two identical columns: the streaming QR cannot separate them.
        let x: [Double] = [1, 1, 2, 2, 3, 3, 4, 4], y: [Double] = [1, 2, 3, 4]
        var accumulator: OpaquePointer?
        try #require(mbgd_accumulator_create(MBGD_ABI_VERSION, 2, 1, 1, &accumulator) == 0)
        handles.accumulators.append(accumulator)
        try #require(mbgd_accumulator_add(accumulator, try handles.dense(x, y, rows: 4, features: 2)) == 0, "\(lastError)")
        expectStatus(mbgd_accumulator_solve(accumulator, try handles.model()), MBGD_NUMERICAL, "rank-deficient")
        // A fixed rate far past the curvature, on raw features: divergence.
        let (px, py) = planeRows(50)
        expectStatus(
            mbgd_model_fit(
                try handles.model(), try handles.dense(px, py, rows: 50, features: 2), "{\"learningRate\": 100, \"noStandardize\": true}",
                nil, nil),
            MBGD_NUMERICAL, "diverged")
    }

    @Test func notConvergedKeepsTheFitAndSaysWhy() throws {
        let handles = Handles(), (x, y) = planeRows(200)
        let data = try handles.dense(x, y, rows: 200, features: 2), model = try handles.model()
        var comparison = mbgd_comparison()
        let status = mbgd_model_fit_and_compare(
            model, data, "{\"epochs\": 1, \"learningRate\": 0.001, \"noEarlyStopping\": true}", nil, nil, &comparison)
        expectStatus(status, MBGD_NOT_CONVERGED, "not converged: ")
        #expect(lastError.contains(" from the exact solution after 1 epoch (it must come within 0.01)"), "\(lastError)")
        #expect(comparison.verdict == Int32(MBGD_VERDICT_NOT_CONVERGED.rawValue))
        #expect(comparison.epochs == 1 && comparison.parameter_gap > 0.5 && comparison.cost_gap > 0)
        // The parameters are the descent's: far from the plane, yet set.
        let found = try parameters(model, features: 2)
        #expect(relativeDifference(found, [1, 2, -1]) == comparison.parameter_gap)
        // Converged by default: MBGD_OK and the verdict that says so.
        try #require(mbgd_model_fit_and_compare(model, data, "{\"batchSize\": \"full\"}", nil, nil, &comparison) == 0, "\(lastError)")
        #expect(comparison.verdict == Int32(MBGD_VERDICT_CONVERGED.rawValue) && comparison.parameter_gap < 1e-2)
    }

    @Test func fileErrors() throws {
        let handles = Handles()
        var out: OpaquePointer?
        expectStatus(mbgd_data_load(MBGD_ABI_VERSION, "/no/such/file.csv", nil, &out), MBGD_FILE, "/no/such/file.csv: no such file")
        expectStatus(mbgd_model_load(MBGD_ABI_VERSION, "\(examples)/houses.csv", &out), MBGD_FILE)
        expectStatus(
            mbgd_data_load(MBGD_ABI_VERSION, "\(examples)/houses.csv", "{\"target\": \"nope\"}", &out), MBGD_FILE, "no column named 'nope'")
        let (x, y) = planeRows(10), model = try handles.model()
        try #require(mbgd_model_solve(model, try handles.dense(x, y, rows: 10, features: 2), nil) == 0)
        expectStatus(mbgd_model_save(model, "/no/such/folder/model.json"), MBGD_FILE, "cannot be written")
        #expect(out == nil)
    }

    @Test func outOfMemoryIsRefusedBeforeAllocating() throws {
        // 2 rows of 600 000 features: the closed form's (p + 1)² Gram matrix alone would need
        // 2.9 TB, beyond any machine's memory.
        let p = 600_000, handles = Handles()
        let x = [Double](repeating: 1, count: 2 * p), y: [Double] = [1, 2]
        let data = try handles.dense(x, y, rows: 2, features: p, borrow: true)
        expectStatus(mbgd_model_solve(try handles.model(), data, "{\"method\": \"cholesky\"}"), MBGD_OUT_OF_MEMORY, "of memory")
        // A copy of 2⁴⁰ rows is refused before a byte is read or allocated.
        var out: OpaquePointer?
        expectStatus(
            mbgd_data_create_dense(
                MBGD_ABI_VERSION, Int32(MBGD_FLOAT64.rawValue), Int32(MBGD_ROW_MAJOR.rawValue), Int32(MBGD_COPY.rawValue), 1 << 40, 2, x,
                2, 1, y, 1, nil, &out), MBGD_OUT_OF_MEMORY, "copying x (1099511627776×2) needs")
        #expect(out == nil)
    }

    @Test func theCallbackSeesEveryEpochAndCancelsCleanly() throws {
        final class Seen: @unchecked Sendable {
            var epochs: [Int64] = []
            var costs: [Double] = []
            var stopAfter: Int64
            init(stopAfter: Int64) { self.stopAfter = stopAfter }
        }
        let callback: mbgd_progress_callback = { progress, userData in
            let seen = Unmanaged<Seen>.fromOpaque(userData!).takeUnretainedValue()
            seen.epochs.append(progress!.pointee.epoch)
            seen.costs.append(progress!.pointee.cost)
            return progress!.pointee.epoch >= seen.stopAfter ? 1 : 0
        }
        let handles = Handles(), (x, y) = planeRows(100)
        let data = try handles.dense(x, y, rows: 100, features: 2), model = try handles.model()
        try #require(mbgd_model_solve(model, data, nil) == 0)
        let before = try parameters(model, features: 2)
        let seen = Seen(stopAfter: 3)
        let options = "{\"epochs\": 40, \"noEarlyStopping\": true, \"batchSize\": 8}"
        let status = withExtendedLifetime(seen) {
            mbgd_model_fit(model, data, options, callback, Unmanaged.passUnretained(seen).toOpaque())
        }
        expectStatus(status, MBGD_CANCELLED, "training was cancelled after 3 completed epochs")
        #expect(seen.epochs == [1, 2, 3])
        #expect(try parameters(model, features: 2) == before)
        // Cancelled at the last epoch, after the loop: still cancelled, the model still unchanged.
        let last = Seen(stopAfter: 40)
        let atEnd = withExtendedLifetime(last) {
            mbgd_model_fit(model, data, options, callback, Unmanaged.passUnretained(last).toOpaque())
        }
        expectStatus(atEnd, MBGD_CANCELLED, "after 40 completed epochs")
        #expect(last.epochs == Array(1...40))
        #expect(try parameters(model, features: 2) == before)
        // A callback that never cancels: every epoch reported, costs falling to the plane's 0.
        let all = Seen(stopAfter: .max)
        let done = withExtendedLifetime(all) {
            mbgd_model_fit(model, data, options, callback, Unmanaged.passUnretained(all).toOpaque())
        }
        try #require(done == 0, "\(lastError)")
        #expect(all.epochs == Array(1...40) && all.costs.last! < all.costs.first!)
    }

    @Test func distributedFailuresHaveTheirCode() {
        // No single-process call fails this way; the mapping every call shares is checked directly.
        let status = guarded { throw DistributedError.failedElsewhere(rank: 3) }
        expectStatus(status, MBGD_DISTRIBUTED, "stopped because rank 3 failed")
    }

    @Test func lastErrorIsPerThreadAndHandlesAreIndependentAcrossThreads() throws {
        let (x, y) = planeRows(500)
        let options = "{\"batchSize\": 4, \"optimizer\": \"momentum\", \"epochs\": 30, \"noEarlyStopping\": true}"
        @Sendable func fit() throws -> [Double] {
            let handles = Handles(), model = try handles.model()
            let status = mbgd_model_fit(model, try handles.dense(x, y, rows: 500, features: 2, borrow: true), options, nil, nil)
            try #require(status == 0, "\(lastError)")
            return try parameters(model, features: 2)
        }
        let alone = try fit()
        let results = Mutex<[[Double]]>([]), messages = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            // Each thread fails with its own message, fits, and still reads its own message.
            _ = mbgd_model_fit(nil, nil, nil, nil, nil)
            _ = mbgd_data_shape(nil, nil, nil, nil)
            if index % 2 == 0 { _ = mbgd_set_threads(Int32(-index)) }
            let fitted = (try? fit()) ?? []
            results.withLock { $0.append(fitted) }
            messages.withLock { $0.append(lastError) }
        }
        #expect(results.withLock { $0 }.allSatisfy { $0 == alone })
        let seen = messages.withLock { $0 }.sorted()
        #expect(
            seen == [
                "data is NULL", "data is NULL", "threads must lie between 1 and 1024, got -2", "threads must lie between 1 and 1024, got 0",
            ])
    }

    @Test func statisticsIntervalsAndSummaryAreTheLibrarys() throws {
        let data = try syntheticData(rows: 60, weights: [[1.5], [-0.5]], intercept: [2], noise: 0.3, seed: 11)
        var swift = LinearRegression()
        let solution = try swift.fit(data, method: .auto)
        let handles = Handles(), model = try handles.model()
        let x = data.features.elements, y = data.targets.elements
        try #require(mbgd_model_solve(model, try handles.dense(x, y, rows: 60, features: 2), nil) == 0, "\(lastError)")
        var table = [Double](repeating: .nan, count: 18)
        try #require(mbgd_model_coefficient_table(model, 0, &table, 18) == 0)
        for (index, row) in solution.coefficientTable.rows.enumerated() {
            #expect(
                Array(table[index * 6..<index * 6 + 6]) == [
                    row.estimate, row.standardError!, row.tValue!, row.pValue!.value, row.confidenceInterval!.lower,
                    row.confidenceInterval!.upper,
                ])
        }
        var statistics = mbgd_fit_statistics()
        try #require(mbgd_model_fit_statistics(model, 0, &statistics) == 0)
        #expect(statistics.observations == 60 && statistics.degrees_of_freedom == 57)
        #expect(statistics.r_squared == solution.statistics.rSquared[0] && statistics.aic == solution.statistics.aic[0])
        var needed = 0
        try #require(mbgd_model_summary(model, nil, 0, &needed) == 0)
        var text = [CChar](repeating: 1, count: needed)
        try #require(mbgd_model_summary(model, &text, needed, nil) == 0)
        #expect(text.last == 0)
        #expect(String(decoding: text.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self) == solution.coefficientTable.description)
        // Cut short as snprintf cuts: terminated, the needed size still the whole.
        var short = [CChar](repeating: 1, count: 5)
        try #require(mbgd_model_summary(model, &short, 5, &needed) == 0)
        #expect(short[4] == 0 && needed == solution.coefficientTable.description.utf8.count + 1)
        var intervals = [Double](repeating: .nan, count: 3 * 6)
        try #require(
            mbgd_model_prediction_intervals(
                model, Int32(MBGD_FLOAT64.rawValue), Int32(MBGD_ROW_MAJOR.rawValue), 3, 2, x, 2, 0.9, &intervals, 18) == 0,
            "\(lastError)")
        let expected = try swift.predictionIntervals(Matrix(rows: 3, columns: 2, elements: Array(x[0..<6])), level: 0.9)
        for i in 0..<3 {
            #expect(
                Array(intervals[i * 6..<i * 6 + 6]) == [
                    expected.mean.elements[i], expected.meanStandardError.elements[i], expected.meanLower.elements[i],
                    expected.meanUpper.elements[i], expected.observationLower.elements[i], expected.observationUpper.elements[i],
                ])
        }
    }

    @Test func savedModelsAreTheToolsFiles() throws {
        let handles = Handles(), (x, y) = planeRows(30), model = try handles.model()
        try #require(mbgd_model_solve(model, try handles.dense(x, y, rows: 30, features: 2), nil) == 0)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("c-interface-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #require(mbgd_model_save(model, path) == 0, "\(lastError)")
        // Read by the library as `mbgd predict --model` reads it, with its covariance.
        let file = try ModelFile.read(path: path)
        #expect(file.format == ModelFile.formatName && file.inference != nil)
        #expect(relativeDifference(file.intercept + file.coefficients[0], [1, 2, -1]) < 1e-14)
        var loaded: OpaquePointer?
        try #require(mbgd_model_load(MBGD_ABI_VERSION, path, &loaded) == 0)
        handles.models.append(loaded)
        var features: Int64 = 0, outputs: Int64 = 0
        try #require(mbgd_model_shape(loaded, &features, &outputs) == 0)
        #expect(features == 2 && outputs == 1)
        #expect(try parameters(loaded!, features: 2) == parameters(model, features: 2))
    }

    @Test func sparseRowsFitAndSolveAsTheLibraryDoes() throws {
        // Rows with one or two entries each, 0-based columns: CSR as scipy holds it.
        let starts: [Int64] = [0, 1, 3, 4, 6, 7, 9], columns: [Int32] = [0, 0, 2, 1, 1, 2, 2, 0, 1]
        let values: [Double] = [1, 2, 1, -1, 3, 1, 2, 1, 1], y: [Double] = [2, 5, 0, 6, 3, 4]
        var handle: OpaquePointer?
        try #require(
            mbgd_data_create_csr(MBGD_ABI_VERSION, Int32(MBGD_FLOAT64.rawValue), 6, 3, starts, columns, values, 1, y, 1, nil, &handle) == 0,
            "\(lastError)")
        let handles = Handles()
        handles.data.append(handle)
        let model = try handles.model()
        try #require(mbgd_model_solve(model, handle, nil) == 0, "\(lastError)")
        // The same rows dense, solved by the closed form.
        let dense: [Double] = [1, 0, 0, 2, 0, 1, 0, -1, 0, 0, 3, 1, 0, 0, 2, 1, 1, 0]
        let denseModel = try handles.model()
        try #require(mbgd_model_solve(denseModel, try handles.dense(dense, y, rows: 6, features: 3), nil) == 0)
        #expect(relativeDifference(try parameters(model, features: 3), try parameters(denseModel, features: 3)) < 1e-9)
        var data: OpaquePointer?
        let badColumns: [Int32] = [0, 0, 2, 1, 1, 2, 2, 0, 3]
        expectStatus(
            mbgd_data_create_csr(MBGD_ABI_VERSION, Int32(MBGD_FLOAT64.rawValue), 6, 3, starts, badColumns, values, 1, y, 1, nil, &data),
            MBGD_INVALID_ARGUMENT, "row 6, entry 2: column index 3 is outside 0..<3")
        expectStatus(
            mbgd_data_create_csr(MBGD_ABI_VERSION, Int32(MBGD_FLOAT64.rawValue), 6, 3, starts, nil, values, 1, y, 1, nil, &data),
            MBGD_INVALID_ARGUMENT, "columns is NULL")
        let decreasing: [Int64] = [0, 1, 3, 2, 6, 7, 9]
        expectStatus(
            mbgd_data_create_csr(MBGD_ABI_VERSION, Int32(MBGD_FLOAT64.rawValue), 6, 3, decreasing, columns, values, 1, y, 1, nil, &data),
            MBGD_INVALID_ARGUMENT, "row_starts[3] = 2 is invalid: it is below row_starts[2] = 3")
        #expect(data == nil)
    }

    @Test func accumulatorsMergeToTheClosedForm() throws {
        let handles = Handles(), (x, y) = planeRows(90)
        var first: OpaquePointer?, second: OpaquePointer?, other: OpaquePointer?
        try #require(mbgd_accumulator_create(MBGD_ABI_VERSION, 2, 1, 1, &first) == 0)
        try #require(mbgd_accumulator_create(MBGD_ABI_VERSION, 2, 1, 1, &second) == 0)
        try #require(mbgd_accumulator_create(MBGD_ABI_VERSION, 3, 1, 1, &other) == 0)
        handles.accumulators += [first, second, other]
        try x.withUnsafeBufferPointer { x in
            try y.withUnsafeBufferPointer { y in
                for (start, accumulator) in [(0, first), (30, second), (60, second)] {
                    let chunk = try handles.dense(x.baseAddress! + 2 * start, y.baseAddress! + start, rows: 30, features: 2, borrow: true)
                    try #require(mbgd_accumulator_add(accumulator, chunk) == 0, "\(lastError)")
                }
            }
        }
        try #require(mbgd_accumulator_merge(first, second) == 0)
        var rows: Int64 = 0
        try #require(mbgd_accumulator_rows(first, &rows) == 0)
        #expect(rows == 90)
        let model = try handles.model()
        try #require(mbgd_accumulator_solve(first, model) == 0, "\(lastError)")
        #expect(relativeDifference(try parameters(model, features: 2), [1, 2, -1]) < 1e-13)
        expectStatus(mbgd_accumulator_merge(first, other), MBGD_INVALID_ARGUMENT)
        expectStatus(mbgd_accumulator_create(MBGD_ABI_VERSION, 0, 1, 1, &other), MBGD_INVALID_ARGUMENT, "features = 0")
    }
}
