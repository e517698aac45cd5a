import CMiniBatchGD
import Foundation
import Testing

@testable import MiniBatchGD
@testable import MiniBatchGDC

/// The calling thread's `mbgd_last_error()`.
var lastError: String { String(cString: mbgd_last_error()) }

/// Expects `status` to be `expected` with a last error containing `fragment`.
func expectStatus(
    _ status: Int32, _ expected: mbgd_status, _ fragment: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        status == Int32(expected.rawValue), "\(String(cString: mbgd_status_string(status))): \(lastError)", sourceLocation: sourceLocation)
    if !fragment.isEmpty {
        #expect(lastError.contains(fragment), "\(lastError)", sourceLocation: sourceLocation)
    }
}

/// Rows on the plane y = 1 + 2·x1 − x2 exactly, in row-major order: x (n×2) and y (n).
func planeRows(_ n: Int) -> (x: [Double], y: [Double]) {
    var x = [Double](), y = [Double]()
    for i in 0..<n {
        let (a, b) = (Double(i % 7) - 3, Double((i * 5) % 11) / 4 - 1)
        x += [a, b]
        y.append(1 + 2 * a - b)
    }
    return (x, y)
}

/// Owns C handles for a test and frees them at its end.
final class Handles {
    var data: [OpaquePointer?] = []
    var models: [OpaquePointer?] = []
    var accumulators: [OpaquePointer?] = []
    var online: [OpaquePointer?] = []

    deinit {
        data.forEach(mbgd_data_free)
        models.forEach(mbgd_model_free)
        accumulators.forEach(mbgd_accumulator_free)
        online.forEach(mbgd_online_free)
    }

    /// A copied (or borrowed) row-major Double data handle over `x` (n×p) and `y` (n).
    func dense(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, rows: Int, features: Int, borrow: Bool = false) throws
        -> OpaquePointer
    {
        var handle: OpaquePointer?
        let status = mbgd_data_create_dense(
            MBGD_ABI_VERSION, Int32(MBGD_FLOAT64.rawValue), Int32(MBGD_ROW_MAJOR.rawValue),
            Int32(borrow ? MBGD_BORROW.rawValue : MBGD_COPY.rawValue), Int64(rows), Int64(features), x, Int64(features), 1, y, 1, nil,
            &handle)
        try #require(status == 0, "\(lastError)")
        data.append(handle)
        return handle!
    }

    func model(fitIntercept: Bool = true) throws -> OpaquePointer {
        var handle: OpaquePointer?
        try #require(mbgd_model_create(MBGD_ABI_VERSION, fitIntercept ? 1 : 0, &handle) == 0)
        models.append(handle)
        return handle!
    }
}

/// A model's intercept followed by its coefficients (one target).
func parameters(_ model: OpaquePointer, features: Int) throws -> [Double] {
    var coefficients = [Double](repeating: .nan, count: features), intercept = [Double.nan]
    try #require(mbgd_model_parameters(model, &coefficients, Int64(features), &intercept, 1) == 0, "\(lastError)")
    return intercept + coefficients
}
