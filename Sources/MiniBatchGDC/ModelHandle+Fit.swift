import CMiniBatchGD
import Foundation
import MiniBatchGD

/// The caller's progress callback and its user data, called from the fit on the caller's own
/// thread (the box only carries them into the library's `@Sendable` progress closure).
private struct Callback: @unchecked Sendable {
    let function: mbgd_progress_callback
    let userData: UnsafeMutableRawPointer?
}

/// Runs a fit with the caller's progress callback: each epoch's report goes to it, and a
/// non-zero return sets the flag the training loops check (``Cancellation``), so the fit stops
/// at its next check. A request that came after the loop ended still cancels: the result is
/// discarded, as the tool discards a fit interrupted by a signal.
private func withProgress<Result>(
    _ progress: mbgd_progress_callback?, _ userData: UnsafeMutableRawPointer?, epochs: (Result) -> Int,
    _ body: ((@Sendable (EpochReport) -> Void)?) throws -> Result
) throws -> Result {
    guard let progress else { return try body(nil) }
    let flag = CancellationFlag(), callback = Callback(function: progress, userData: userData)
    let report: @Sendable (EpochReport) -> Void = { report in
        var info = mbgd_progress(
            epoch: Int64(report.epoch), epochs: Int64(report.epochs), cost: report.cost, validation_cost: report.validationCost ?? .nan,
            learning_rate: report.learningRate, seconds: report.trainingSeconds)
        if callback.function(&info, callback.userData) != 0 { flag.set() }
    }
    let result = try Cancellation.$flag.withValue(flag) { try body(report) }
    if flag.isSet { throw TrainingError.cancelled(epochsCompleted: epochs(result)) }
    return result
}

@c @implementation
public func mbgd_model_fit(
    _ model: OpaquePointer?, _ data: OpaquePointer?, _ optionsJSON: UnsafePointer<CChar>?, _ progress: mbgd_progress_callback?,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guarded {
        let handle = try ModelHandle.from(model), data = try DataHandle.from(data)
        let configuration = try FitOptions.gradientDescent(json: Arguments.text(optionsJSON), threads: Threads.count)
        var fitted = handle.model
        _ = try withProgress(progress, userData, epochs: { $0.history.epochsRun }) { report in
            switch data.storage {
            case let .dense64(rows): try fitted.fit(rows, using: configuration, progress: report)
            case let .dense32(rows): try fitted.fit(rows, using: configuration, progress: report)
            case let .borrowed64(rows): try fitted.fit(rows, using: configuration, progress: report)
            case let .borrowed32(rows): try fitted.fit(rows, using: configuration, progress: report)
            // An Arrow table's columns are read in place, a batch or a chunk gathered at a time.
            case let .arrow64(rows) where rows.descendsInPlace(configuration): try fitted.fit(rows, using: configuration, progress: report)
            case let .arrow32(rows) where rows.descendsInPlace(configuration): try fitted.fit(rows, using: configuration, progress: report)
            case let .arrow64(rows): try fitted.fit(try rows.copied(), using: configuration, progress: report)
            case let .arrow32(rows): try fitted.fit(try rows.copied(), using: configuration, progress: report)
            case let .sparse64(rows): try fitted.fit(rows, using: configuration, progress: report)
            case let .sparse32(rows): try fitted.fit(rows, using: configuration, progress: report)
            }
        }
        (handle.model, handle.solution) = (fitted, nil)
        return .ok
    }
}

@c @implementation
public func mbgd_model_fit_and_compare(
    _ model: OpaquePointer?, _ data: OpaquePointer?, _ optionsJSON: UnsafePointer<CChar>?, _ progress: mbgd_progress_callback?,
    _ userData: UnsafeMutableRawPointer?, _ comparison: UnsafeMutablePointer<mbgd_comparison>?
) -> Int32 {
    guarded {
        let handle = try ModelHandle.from(model), data = try DataHandle.from(data)
        let configuration = try FitOptions.gradientDescent(json: Arguments.text(optionsJSON), threads: Threads.count)
        var fitted = handle.model
        typealias Gap = (run: TrainingRun, parameters: Double, descent: Double, exact: Double, cost: Double)
        func gap<Reference>(_ result: DescentComparison<Reference>) -> Gap {
            (
                result.run, result.parameterRelativeDifference, result.gradientDescentCost, result.referenceCost,
                result.costRelativeDifference
            )
        }
        let result: Gap = try withProgress(progress, userData, epochs: { $0.run.history.epochsRun }) { report in
            switch data.storage {
            case let .dense64(rows): gap(try fitted.fitAndCompare(rows, using: configuration, progress: report))
            case let .dense32(rows): gap(try fitted.fitAndCompare(rows, using: configuration, progress: report))
            case let .borrowed64(rows): gap(try fitted.fitAndCompare(rows, using: configuration, progress: report))
            case let .borrowed32(rows): gap(try fitted.fitAndCompare(rows, using: configuration, progress: report))
            case let .arrow64(rows) where rows.descendsInPlace(configuration):
                gap(try fitted.fitAndCompare(rows, using: configuration, progress: report))
            case let .arrow32(rows) where rows.descendsInPlace(configuration):
                gap(try fitted.fitAndCompare(rows, using: configuration, progress: report))
            case let .arrow64(rows): gap(try fitted.fitAndCompare(try rows.copied(), using: configuration, progress: report))
            case let .arrow32(rows): gap(try fitted.fitAndCompare(try rows.copied(), using: configuration, progress: report))
            case let .sparse64(rows): gap(try fitted.fitAndCompare(rows, using: configuration, progress: report))
            case let .sparse32(rows): gap(try fitted.fitAndCompare(rows, using: configuration, progress: report))
            }
        }
        (handle.model, handle.solution) = (fitted, nil)
        let verdict = Verdict(gap: result.parameters, run: result.run), epochs = result.run.history.epochsRun
        comparison?.pointee = mbgd_comparison(
            verdict: Int32(verdict.rawValue), epochs: Int64(epochs), parameter_gap: result.parameters, cost_gap: result.cost,
            descent_cost: result.descent, exact_cost: result.exact)
        let gapText = String(format: "%.2g", result.parameters), ran = epochs == 1 ? "1 epoch" : "\(epochs) epochs"
        switch verdict {
        case .converged: return .ok
        case .closeNotCertified:
            return warning(
                .notConverged,
                "close, not certified: \(gapText) from the exact solution after \(ran); the stop rule had not confirmed it when the epoch budget ran out"
            )
        case .notConverged:
            return warning(
                .notConverged,
                "not converged: \(gapText) from the exact solution after \(ran) (it must come within \(Verdict.convergedGap)); train longer (epochs), use a larger batch (batchSize), or solve exactly (mbgd_model_solve)"
            )
        }
    }
}

@c @implementation
public func mbgd_model_solve(_ model: OpaquePointer?, _ data: OpaquePointer?, _ optionsJSON: UnsafePointer<CChar>?) -> Int32 {
    guarded {
        let handle = try ModelHandle.from(model), data = try DataHandle.from(data)
        let options = try SolveOptions(json: Arguments.text(optionsJSON), threads: Threads.count)
        var fitted = handle.model
        func solve<Source: RowSource>(_ rows: Source) throws -> LeastSquares.Solution {
            try fitted.fit(
                rows, method: options.method, ridge: options.l2, covariance: options.covariance, confidenceLevel: options.confidence,
                refine: options.refine, threads: options.threads)
        }
        func solveSparse<Element: BLASScalar>(_ rows: SparseDataset<Element>) throws -> LSQR.Solution {
            guard options.method == .auto, options.covariance == .nonrobust, options.confidence == LeastSquares.defaultConfidenceLevel
            else {
                throw InterfaceError(
                    "sparse rows are solved by LSQR, without a factorization or a covariance: leave out method, covariance and confidence")
            }
            return try fitted.fit(rows, ridge: options.l2)
        }
        var solution: LeastSquares.Solution?, sparse: LSQR.Solution?
        switch data.storage {
        case let .dense64(rows): solution = try solve(rows)
        case let .dense32(rows): solution = try solve(rows)
        case let .borrowed64(rows): solution = try solve(rows)
        case let .borrowed32(rows): solution = try solve(rows)
        // Read in place: the solve's passes gather their blocks from the columns.
        case let .arrow64(rows): solution = try solve(rows)
        case let .arrow32(rows): solution = try solve(rows)
        case let .sparse64(rows): sparse = try solveSparse(rows)
        case let .sparse32(rows): sparse = try solveSparse(rows)
        }
        (handle.model, handle.solution) = (fitted, solution)
        if let sparse, let stopped = sparse.targets.firstIndex(where: { $0.stop == .iterationLimit }) {
            return warning(
                .notConverged,
                "LSQR reached its iteration limit on target \(stopped) before the least-squares optimum: the parameters are its last iterate"
            )
        }
        return .ok
    }
}
