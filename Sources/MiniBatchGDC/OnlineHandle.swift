import CMiniBatchGD
import MiniBatchGD

/// The object behind `mbgd_online *`: an ``OnlineTrainer``.
final class OnlineHandle {
    let trainer: OnlineTrainer

    init(_ trainer: OnlineTrainer) { self.trainer = trainer }

    /// The handle behind a pointer C passes back.
    static func from(_ pointer: OpaquePointer?, _ name: String = "online") throws -> OnlineHandle {
        Unmanaged<OnlineHandle>.fromOpaque(UnsafeRawPointer(try Arguments.required(pointer, name))).takeUnretainedValue()
    }
}

@c @implementation
public func mbgd_online_create(
    _ abiVersion: Int32, _ configJSON: UnsafePointer<CChar>?, _ features: Int64, _ outputs: Int64, _ fitIntercept: Int32,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    guarded {
        try Arguments.checkABI(abiVersion)
        let out = try Arguments.required(out, "out")
        let p = try Arguments.count(features, "features"), k = try Arguments.count(outputs, "outputs")
        // The parameters are (p + 1)·k Doubles, twice or thrice over for the rule's state.
        guard p < 1 << 24, k < 1 << 24, p * k < 1 << 28 else {
            throw InterfaceError("features = \(p) and outputs = \(k): online descent keeps (p + 1)·k parameters; at most 2²⁸ coefficients")
        }
        let configuration = try OnlineOptions.gradientDescent(json: Arguments.text(configJSON), threads: Threads.count)
        var trainer: OnlineTrainer?
        try OptionSpelling.json.validating {
            trainer = try OnlineTrainer(features: p, outputs: k, fitIntercept: fitIntercept != 0, configuration: configuration)
        }
        out.pointee = OpaquePointer(Unmanaged.passRetained(OnlineHandle(trainer!)).toOpaque())
        return .ok
    }
}

@c @implementation
public func mbgd_online_free(_ online: OpaquePointer?) {
    guard let online else { return }
    Unmanaged<OnlineHandle>.fromOpaque(UnsafeRawPointer(online)).release()
}

@c @implementation
public func mbgd_online_partial_fit(_ online: OpaquePointer?, _ chunk: OpaquePointer?, _ progressiveLoss: UnsafeMutablePointer<Double>?)
    -> Int32
{
    guarded {
        let handle = try OnlineHandle.from(online), data = try DataHandle.from(chunk, "chunk")
        let rows: Dataset<Double>
        switch data.storage {
        case let .dense64(dataset): rows = dataset
        case let .dense32(dataset): rows = try dataset.converted(to: Double.self)
        case let .borrowed64(borrowed): rows = try borrowed.copied()
        case let .borrowed32(borrowed): rows = try borrowed.copied().converted(to: Double.self)
        case .sparse64, .sparse32:
            throw InterfaceError("chunk holds sparse rows: online descent trains on dense rows (mbgd_data_create_dense)")
        }
        let loss = try handle.trainer.partialFit(rows)
        progressiveLoss?.pointee = loss
        return .ok
    }
}

@c @implementation
public func mbgd_online_parameters(
    _ online: OpaquePointer?, _ coefficients: UnsafeMutablePointer<Double>?, _ coefficientsLength: Int64,
    _ intercepts: UnsafeMutablePointer<Double>?, _ interceptsLength: Int64
) -> Int32 {
    guarded {
        try Arguments.write(
            OnlineHandle.from(online).trainer.parameters, coefficients: coefficients, coefficientsLength: coefficientsLength,
            intercepts: intercepts, interceptsLength: interceptsLength)
        return .ok
    }
}

@c @implementation
public func mbgd_online_progressive_loss(_ online: OpaquePointer?, _ loss: UnsafeMutablePointer<Double>?) -> Int32 {
    guarded {
        let trainer = try OnlineHandle.from(online).trainer
        try Arguments.required(loss, "loss").pointee = trainer.progressiveLoss ?? .nan
        return .ok
    }
}

@c @implementation
public func mbgd_online_rows(_ online: OpaquePointer?, _ rows: UnsafeMutablePointer<Int64>?) -> Int32 {
    guarded {
        let trainer = try OnlineHandle.from(online).trainer
        try Arguments.required(rows, "rows").pointee = Int64(trainer.rowsSeen)
        return .ok
    }
}

@c @implementation
public func mbgd_online_updates(_ online: OpaquePointer?, _ updates: UnsafeMutablePointer<Int64>?) -> Int32 {
    guarded {
        let trainer = try OnlineHandle.from(online).trainer
        try Arguments.required(updates, "updates").pointee = Int64(trainer.updates)
        return .ok
    }
}

@c @implementation
public func mbgd_online_learning_rate(_ online: OpaquePointer?, _ rate: UnsafeMutablePointer<Double>?) -> Int32 {
    guarded {
        let trainer = try OnlineHandle.from(online).trainer
        try Arguments.required(rate, "learning_rate").pointee = trainer.learningRate?.learningRate ?? .nan
        return .ok
    }
}
