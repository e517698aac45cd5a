import CMiniBatchGD
import Foundation
import Testing

@testable import MiniBatchGD
@testable import MiniBatchGDC

/// Online descent through `mbgd_online`: the handle's results against ``OnlineTrainer`` used
/// directly on the same chunks, and each argument the calls refuse.
@Suite struct CInterfaceOnlineTests {
    /// 300 rows of 3 features and 2 targets.
    static let data = try! syntheticData(
        rows: 300, weights: [[1, 0.5], [-2, 1], [0.5, -1]], intercept: [3, -1], noise: 0.2, seed: 11)

    /// Rows `first..<last` of `data` as a data set (weights `w` if given).
    static func rows(_ first: Int, _ last: Int, weights w: [Double]? = nil) throws -> Dataset<Double> {
        let p = data.featureCount, k = data.outputCount
        return try Dataset(
            features: Matrix(rows: last - first, columns: p, elements: Array(data.features.elements[(first * p)..<(last * p)])),
            targets: Matrix(rows: last - first, columns: k, elements: Array(data.targets.elements[(first * k)..<(last * k)])),
            weights: w.map { Array($0[first..<last]) })
    }

    /// A copied C data handle over `chunk`'s rows.
    static func handle(_ chunk: Dataset<Double>, _ handles: Handles) throws -> OpaquePointer {
        var handle: OpaquePointer?
        let status = chunk.features.elements.withUnsafeBufferPointer { x in
            chunk.targets.elements.withUnsafeBufferPointer { y in
                withOptionalPointer(chunk.weights) { w in
                    mbgd_data_create_dense(
                        MBGD_ABI_VERSION, Int32(MBGD_FLOAT64.rawValue), Int32(MBGD_ROW_MAJOR.rawValue), Int32(MBGD_COPY.rawValue),
                        Int64(chunk.rows), Int64(chunk.featureCount), x.baseAddress, Int64(chunk.featureCount),
                        Int64(chunk.outputCount), y.baseAddress, Int64(chunk.outputCount), w, &handle)
                }
            }
        }
        try #require(status == 0, "\(lastError)")
        handles.data.append(handle)
        return handle!
    }

    static func online(_ json: String?, features: Int64 = 3, outputs: Int64 = 2, _ handles: Handles) throws -> OpaquePointer {
        var online: OpaquePointer?
        try #require(mbgd_online_create(MBGD_ABI_VERSION, json, features, outputs, 1, &online) == 0, "\(lastError)")
        handles.online.append(online)
        return online!
    }

    /// Coefficients (p×k row-major) then intercepts.
    static func parameters(_ online: OpaquePointer, p: Int = 3, k: Int = 2) throws -> [Double] {
        var coefficients = [Double](repeating: .nan, count: p * k), intercepts = [Double](repeating: .nan, count: k)
        try #require(mbgd_online_parameters(online, &coefficients, Int64(p * k), &intercepts, Int64(k)) == 0, "\(lastError)")
        return coefficients + intercepts
    }

    /// The handle trains as the trainer does, chunk for chunk, with weights, Adam, averaging, L2
    /// and the automatic rate: parameters, losses, counts and rate, bit for bit.
    @Test func theHandleIsTheTrainerBitForBit() throws {
        let weights = (0..<300).map { Double($0 % 4) / 2 }  // a quarter of the rows weigh 0
        var config = GradientDescent(
            batchSize: 16, epochs: 1, optimizer: .adam(), averaging: .fromStart, shuffle: .none, earlyStopping: nil)
        config.l2Penalty = 0.01
        let trainer = try OnlineTrainer(features: 3, outputs: 2, configuration: config)
        let handles = Handles()
        let online = try Self.online("{\"batchSize\": 16, \"optimizer\": \"adam\", \"average\": true, \"l2\": 0.01}", handles)
        var loss = 0.0, nan = 0.0
        try #require(mbgd_online_progressive_loss(online, &nan) == 0)
        #expect(nan.isNaN)
        #expect(try Self.parameters(online) == [Double](repeating: 0, count: 8))
        for (first, last) in [(0, 64), (64, 200), (200, 300)] {
            let chunk = try Self.rows(first, last, weights: weights)
            try #require(mbgd_online_partial_fit(online, try Self.handle(chunk, handles), &loss) == 0, "\(lastError)")
            #expect(loss == (try trainer.partialFit(chunk)))
        }
        let expected = trainer.parameters
        #expect(try Self.parameters(online) == expected.coefficients.elements + expected.intercept)
        var progressive = 0.0, rate = 0.0, rows: Int64 = 0, updates: Int64 = 0
        try #require(mbgd_online_progressive_loss(online, &progressive) == 0)
        try #require(mbgd_online_learning_rate(online, &rate) == 0)
        try #require(mbgd_online_rows(online, &rows) == 0 && mbgd_online_updates(online, &updates) == 0)
        #expect(progressive == trainer.progressiveLoss! && rate == trainer.learningRate!.learningRate)
        // Weights 0, 0.5, 1, 1.5: three rows in four count; 4 + 9 (8 + one of 8) + 7 batches.
        #expect(rows == 225 && updates == 20 && Int(rows) == trainer.rowsSeen && Int(updates) == trainer.updates)
    }

    /// One partial fit over all rows is `mbgd_model_fit` of one epoch in order (rows in place too).
    @Test func oneCallIsTheOneEpochFit() throws {
        let handles = Handles(), online = try Self.online("{\"batchSize\": 32, \"seed\": 5}", handles)
        let all = try Self.rows(0, 300)
        var borrowed: OpaquePointer?
        let status = Self.data.features.elements.withUnsafeBufferPointer { x in
            Self.data.targets.elements.withUnsafeBufferPointer { y in
                mbgd_data_create_dense(
                    MBGD_ABI_VERSION, Int32(MBGD_FLOAT64.rawValue), Int32(MBGD_ROW_MAJOR.rawValue), Int32(MBGD_BORROW.rawValue), 300, 3,
                    x.baseAddress, 3, 2, y.baseAddress, 2, nil, &borrowed)
            }
        }
        try #require(status == 0, "\(lastError)")
        handles.data.append(borrowed)
        try #require(mbgd_online_partial_fit(online, borrowed, nil) == 0, "\(lastError)")
        let model = try handles.model()
        let options = "{\"batchSize\": 32, \"epochs\": 1, \"noShuffle\": true, \"noAverage\": true, \"noEarlyStopping\": true}"
        try #require(mbgd_model_fit(model, try Self.handle(all, handles), options, nil, nil) == 0, "\(lastError)")
        var coefficients = [Double](repeating: .nan, count: 6), intercepts = [Double](repeating: .nan, count: 2)
        try #require(mbgd_model_parameters(model, &coefficients, 6, &intercepts, 2) == 0)
        #expect(try Self.parameters(online) == coefficients + intercepts)
    }

    @Test func invalidArguments() throws {
        let handles = Handles()
        var out: OpaquePointer?
        expectStatus(mbgd_online_create(MBGD_ABI_VERSION + 1, nil, 3, 2, 1, &out), MBGD_INVALID_ARGUMENT, "abi_version")
        expectStatus(mbgd_online_create(MBGD_ABI_VERSION, nil, 3, 2, 1, nil), MBGD_INVALID_ARGUMENT, "out is NULL")
        expectStatus(mbgd_online_create(MBGD_ABI_VERSION, nil, 0, 2, 1, &out), MBGD_INVALID_ARGUMENT, "features = 0")
        expectStatus(mbgd_online_create(MBGD_ABI_VERSION, nil, 3, -1, 1, &out), MBGD_INVALID_ARGUMENT, "outputs = -1")
        expectStatus(mbgd_online_create(MBGD_ABI_VERSION, nil, 1 << 40, 1, 1, &out), MBGD_INVALID_ARGUMENT, "at most 2²⁸")
        expectStatus(mbgd_online_create(MBGD_ABI_VERSION, "{\"batch\": 3}", 3, 2, 1, &out), MBGD_INVALID_ARGUMENT, "unknown option 'batch'")
        expectStatus(
            mbgd_online_create(MBGD_ABI_VERSION, "{\"batchSize\": 0}", 3, 2, 1, &out), MBGD_INVALID_ARGUMENT,
            "batchSize must be a positive integer")
        // What the trainer refuses, with its reason, the option named as JSON names it.
        expectStatus(
            mbgd_online_create(MBGD_ABI_VERSION, "{\"schedule\": \"cosine\"}", 3, 2, 1, &out), MBGD_INVALID_ARGUMENT,
            "schedule = cosine is invalid: must be constant or inverse-scaling online")
        expectStatus(
            mbgd_online_create(MBGD_ABI_VERSION, "{\"validationFraction\": 0.1}", 3, 2, 1, &out), MBGD_INVALID_ARGUMENT,
            "validationFraction = set is invalid: is not available online")
        expectStatus(
            mbgd_online_create(MBGD_ABI_VERSION, "{\"reduction\": \"sum\"}", 3, 2, 1, &out), MBGD_INVALID_ARGUMENT,
            "reduction = sum is invalid: is not available online")
        expectStatus(
            mbgd_online_create(MBGD_ABI_VERSION, "{\"epochs\": 3}", 3, 2, 1, &out), MBGD_INVALID_ARGUMENT,
            "epochs = 3 is not available online")
        expectStatus(
            mbgd_online_create(MBGD_ABI_VERSION, "{\"patience\": 3}", 3, 2, 1, &out), MBGD_INVALID_ARGUMENT,
            "patience is not available online")
        #expect(out == nil)

        let online = try Self.online("{\"batchSize\": 8, \"learningRate\": 0.01}", handles)
        let chunk = try Self.handle(try Self.rows(0, 40), handles)
        var loss = 0.0, rows: Int64 = 0
        expectStatus(mbgd_online_partial_fit(nil, chunk, &loss), MBGD_INVALID_ARGUMENT, "online is NULL")
        expectStatus(mbgd_online_partial_fit(online, nil, &loss), MBGD_INVALID_ARGUMENT, "chunk is NULL")
        // Another shape: 3 features and 2 targets against a trainer of 2 features and 2 targets.
        let narrow = try Self.online(nil, features: 2, handles)
        expectStatus(
            mbgd_online_partial_fit(narrow, chunk, &loss), MBGD_INVALID_ARGUMENT, "must have the trainer's 2 features and 2 targets")
        try #require(mbgd_online_rows(narrow, &rows) == 0)
        #expect(rows == 0)
        // Sparse rows.
        let starts: [Int64] = [0, 1, 2], columns: [Int32] = [0, 2], values: [Double] = [1, 2], y: [Double] = [1, 2, 3, 4]
        var sparse: OpaquePointer?
        try #require(
            mbgd_data_create_csr(MBGD_ABI_VERSION, Int32(MBGD_FLOAT64.rawValue), 2, 3, starts, columns, values, 2, y, 2, nil, &sparse) == 0,
            "\(lastError)")
        handles.data.append(sparse)
        expectStatus(mbgd_online_partial_fit(online, sparse, &loss), MBGD_INVALID_ARGUMENT, "chunk holds sparse rows")
        // Buffers.
        try #require(mbgd_online_partial_fit(online, chunk, nil) == 0, "\(lastError)")
        var coefficients = [Double](repeating: .nan, count: 6), intercepts = [Double](repeating: .nan, count: 2)
        expectStatus(
            mbgd_online_parameters(online, &coefficients, 5, &intercepts, 2), MBGD_INVALID_ARGUMENT,
            "coefficients_length = 5 is invalid: the result needs 6 values")
        expectStatus(mbgd_online_parameters(online, &coefficients, 6, &intercepts, 1), MBGD_INVALID_ARGUMENT, "intercepts_length = 1")
        expectStatus(mbgd_online_parameters(online, nil, 6, &intercepts, 2), MBGD_INVALID_ARGUMENT, "coefficients is NULL")
        #expect(coefficients.allSatisfy { $0.isNaN })
        expectStatus(mbgd_online_parameters(nil, &coefficients, 6, &intercepts, 2), MBGD_INVALID_ARGUMENT, "online is NULL")
        expectStatus(mbgd_online_progressive_loss(online, nil), MBGD_INVALID_ARGUMENT, "loss is NULL")
        expectStatus(mbgd_online_rows(online, nil), MBGD_INVALID_ARGUMENT, "rows is NULL")
        expectStatus(mbgd_online_updates(nil, nil), MBGD_INVALID_ARGUMENT, "online is NULL")
        expectStatus(mbgd_online_learning_rate(online, nil), MBGD_INVALID_ARGUMENT, "learning_rate is NULL")
        mbgd_online_free(nil)
    }

    /// Divergence is a numerical failure that names the batch.
    @Test func divergenceIsNumerical() throws {
        let handles = Handles(), online = try Self.online("{\"batchSize\": 8, \"learningRate\": 1e200, \"noStandardize\": true}", handles)
        let chunk = try Self.handle(try Self.rows(0, 64), handles)
        expectStatus(mbgd_online_partial_fit(online, chunk, nil), MBGD_NUMERICAL, "batch")
    }
}
