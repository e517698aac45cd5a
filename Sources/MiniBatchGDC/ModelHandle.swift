import CMiniBatchGD
import Foundation
import MiniBatchGD

/// The object behind `mbgd_model *`: the model and, after a closed-form solve of dense rows,
/// its solution (for the statistics table).
final class ModelHandle {
    var model: LinearRegression
    var solution: LeastSquares.Solution?

    init(_ model: LinearRegression) { self.model = model }

    /// The handle behind a pointer C passes back.
    static func from(_ pointer: OpaquePointer?, _ name: String = "model") throws -> ModelHandle {
        Unmanaged<ModelHandle>.fromOpaque(UnsafeRawPointer(try Arguments.required(pointer, name))).takeUnretainedValue()
    }

    /// A retained pointer for C, released by `mbgd_model_free`.
    var retainedPointer: OpaquePointer { OpaquePointer(Unmanaged.passRetained(self).toOpaque()) }

    /// The fitted parameters, or an error saying to fit first.
    var parameters: Parameters {
        get throws {
            guard let parameters = model.parameters else {
                throw InterfaceError(
                    "the model is not fitted: fit, solve or load it first (mbgd_model_fit, mbgd_model_solve, mbgd_model_load)")
            }
            return parameters
        }
    }

    /// The last solve's solution, or an error saying what gives one.
    var solved: LeastSquares.Solution {
        get throws {
            guard let solution else {
                throw InterfaceError(
                    "the model has no statistics: they come from mbgd_model_solve on dense rows (a descent, a sparse solve, an accumulator or a loaded model has none)"
                )
            }
            return solution
        }
    }
}

@c @implementation
public func mbgd_model_create(_ abiVersion: Int32, _ fitIntercept: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guarded {
        try Arguments.checkABI(abiVersion)
        let out = try Arguments.required(out, "out")
        out.pointee = ModelHandle(LinearRegression(fitIntercept: fitIntercept != 0)).retainedPointer
        return .ok
    }
}

@c @implementation
public func mbgd_model_load(_ abiVersion: Int32, _ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guarded {
        try Arguments.checkABI(abiVersion)
        let out = try Arguments.required(out, "out")
        let path = String(cString: try Arguments.required(path, "path"))
        out.pointee = ModelHandle(try ModelFile.read(path: path).model()).retainedPointer
        return .ok
    }
}

@c @implementation
public func mbgd_model_free(_ model: OpaquePointer?) {
    guard let model else { return }
    Unmanaged<ModelHandle>.fromOpaque(UnsafeRawPointer(model)).release()
}

@c @implementation
public func mbgd_model_save(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    guarded {
        let handle = try ModelHandle.from(model)
        let path = String(cString: try Arguments.required(path, "path"))
        _ = try handle.parameters
        try ModelFile(handle.model).write(to: path)
        return .ok
    }
}

@c @implementation
public func mbgd_model_shape(_ model: OpaquePointer?, _ features: UnsafeMutablePointer<Int64>?, _ outputs: UnsafeMutablePointer<Int64>?)
    -> Int32
{
    guarded {
        let parameters = try ModelHandle.from(model).parameters
        features?.pointee = Int64(parameters.featureCount)
        outputs?.pointee = Int64(parameters.outputCount)
        return .ok
    }
}

@c @implementation
public func mbgd_model_parameters(
    _ model: OpaquePointer?, _ coefficients: UnsafeMutablePointer<Double>?, _ coefficientsLength: Int64,
    _ intercepts: UnsafeMutablePointer<Double>?, _ interceptsLength: Int64
) -> Int32 {
    guarded {
        try Arguments.write(
            ModelHandle.from(model).parameters, coefficients: coefficients, coefficientsLength: coefficientsLength,
            intercepts: intercepts, interceptsLength: interceptsLength)
        return .ok
    }
}
