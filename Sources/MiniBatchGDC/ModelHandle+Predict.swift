import CMiniBatchGD
import Foundation
import MiniBatchGD

/// Rows of features from C (`rows`×`features`, laid out as `layout` says) as a matrix in the
/// element type they were given in, checked finite; `body` gets it as the `Double` or `Float`
/// overload of the model's functions needs it.
private func withFeatures<Result>(
    elementType: Int32, layout: Int32, rows: Int64, features: Int64, x: UnsafeRawPointer?, ldx: Int64, expected: Int,
    double: (Matrix<Double>) throws -> Result, float: (Matrix<Float>) throws -> Result
) throws -> Result {
    let type = try Arguments.elementType(elementType), rowMajor = try Arguments.rowMajor(layout)
    let n = try Arguments.count(rows, "rows"), p = try Arguments.count(features, "features")
    guard p == expected else {
        throw InterfaceError("features = \(p) is invalid: the model was fitted on \(expected) features")
    }
    let size = type == MBGD_FLOAT64 ? MemoryLayout<Double>.size : MemoryLayout<Float>.size
    _ = try Arguments.span(rows: n, columns: p, ld: ldx, rowMajor: rowMajor, elementSize: size, name: "x", ldName: "ldx")
    let x = try Arguments.required(x, "x")
    if type == MBGD_FLOAT64 {
        let values = try gather(x.assumingMemoryBound(to: Double.self), rows: n, columns: p, ld: Int(ldx), rowMajor: rowMajor, name: "x")
        return try double(Matrix(rows: n, columns: p, elements: values))
    }
    let values = try gather(x.assumingMemoryBound(to: Float.self), rows: n, columns: p, ld: Int(ldx), rowMajor: rowMajor, name: "x")
    return try float(Matrix(rows: n, columns: p, elements: values))
}

@c @implementation
public func mbgd_model_predict(
    _ model: OpaquePointer?, _ elementType: Int32, _ layout: Int32, _ rows: Int64, _ features: Int64, _ x: UnsafeRawPointer?,
    _ ldx: Int64, _ predictions: UnsafeMutablePointer<Double>?, _ predictionsLength: Int64
) -> Int32 {
    guarded {
        let handle = try ModelHandle.from(model), parameters = try handle.parameters
        let (needed, overflow) = Int(clamping: max(rows, 0)).multipliedReportingOverflow(by: parameters.outputCount)
        guard !overflow else { throw InterfaceError("rows = \(rows) is too large") }
        let output = try Arguments.output(predictions, length: predictionsLength, needed: needed, "predictions")
        let result = try withFeatures(
            elementType: elementType, layout: layout, rows: rows, features: features, x: x, ldx: ldx, expected: parameters.featureCount,
            double: { try handle.model.predict($0) }, float: { try handle.model.predict($0) })
        for index in 0..<needed { output[index] = result.elements[index] }
        return .ok
    }
}

@c @implementation
public func mbgd_model_prediction_intervals(
    _ model: OpaquePointer?, _ elementType: Int32, _ layout: Int32, _ rows: Int64, _ features: Int64, _ x: UnsafeRawPointer?,
    _ ldx: Int64, _ level: Double, _ intervals: UnsafeMutablePointer<Double>?, _ intervalsLength: Int64
) -> Int32 {
    guarded {
        let handle = try ModelHandle.from(model), parameters = try handle.parameters
        let columns = Int(MBGD_INTERVAL_COLUMNS)
        let (cells, overflow) = Int(clamping: max(rows, 0)).multipliedReportingOverflow(by: parameters.outputCount * columns)
        guard !overflow else { throw InterfaceError("rows = \(rows) is too large") }
        let output = try Arguments.output(intervals, length: intervalsLength, needed: cells, "intervals")
        let result = try withFeatures(
            elementType: elementType, layout: layout, rows: rows, features: features, x: x, ldx: ldx, expected: parameters.featureCount,
            double: { try handle.model.predictionIntervals($0, level: level) },
            float: { try handle.model.predictionIntervals($0, level: level) })
        let frames = [
            result.mean, result.meanStandardError, result.meanLower, result.meanUpper, result.observationLower, result.observationUpper,
        ]
        for index in 0..<cells / columns {
            for (column, frame) in frames.enumerated() { output[index * columns + column] = frame.elements[index] }
        }
        return .ok
    }
}

/// Target `target` of the last solve, checked against the model's targets.
private func target(_ target: Int64, of solution: LeastSquares.Solution) throws -> Int {
    let count = solution.coefficientTables.count
    guard target >= 0, target < Int64(count) else {
        throw InterfaceError("target = \(target) is invalid: the model has \(count) target\(count == 1 ? "" : "s"), numbered from 0")
    }
    return Int(target)
}

@c @implementation
public func mbgd_model_coefficient_table(
    _ model: OpaquePointer?, _ target: Int64, _ table: UnsafeMutablePointer<Double>?, _ tableLength: Int64
) -> Int32 {
    guarded {
        let solution = try ModelHandle.from(model).solved
        let rows = solution.coefficientTables[try MiniBatchGDC.target(target, of: solution)].rows
        let columns = Int(MBGD_TABLE_COLUMNS)
        let output = try Arguments.output(table, length: tableLength, needed: rows.count * columns, "table")
        for (index, row) in rows.enumerated() {
            let values = [
                row.estimate, row.standardError ?? .nan, row.tValue ?? .nan, row.pValue?.value ?? .nan,
                row.confidenceInterval?.lower ?? .nan, row.confidenceInterval?.upper ?? .nan,
            ]
            for (column, value) in values.enumerated() { output[index * columns + column] = value }
        }
        return .ok
    }
}

@c @implementation
public func mbgd_model_fit_statistics(
    _ model: OpaquePointer?, _ target: Int64, _ statistics: UnsafeMutablePointer<mbgd_fit_statistics>?
) -> Int32 {
    guarded {
        let solution = try ModelHandle.from(model).solved
        let o = try MiniBatchGDC.target(target, of: solution)
        let output = try Arguments.required(statistics, "statistics")
        let fit = solution.statistics
        output.pointee = mbgd_fit_statistics(
            observations: Int64(fit.observations), degrees_of_freedom: Int64(fit.degreesOfFreedom), r_squared: fit.rSquared[o],
            adjusted_r_squared: fit.adjustedRSquared?[o] ?? .nan, f_statistic: fit.fStatistics?[o] ?? .nan,
            f_p_value: fit.fPValues?[o] ?? .nan, log_likelihood: fit.logLikelihood[o], aic: fit.aic[o], bic: fit.bic[o],
            residual_sum_of_squares: fit.residualSumOfSquares[o])
        return .ok
    }
}

@c @implementation
public func mbgd_model_summary(
    _ model: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ needed: UnsafeMutablePointer<Int>?
) -> Int32 {
    guarded {
        let solution = try ModelHandle.from(model).solved
        guard size == 0 || buffer != nil else { throw InterfaceError("buffer is NULL and size = \(size)") }
        let text = Array(solution.coefficientTables.map(\.description).joined(separator: "\n").utf8)
        needed?.pointee = text.count + 1
        if let buffer, size > 0 {
            let count = min(text.count, size - 1)
            for index in 0..<count { buffer[index] = CChar(bitPattern: text[index]) }
            buffer[count] = 0
        }
        return .ok
    }
}
