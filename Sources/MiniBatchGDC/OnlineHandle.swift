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

    /// `inPlace` with an Arrow table's rows read in place as `Double` (float32 columns widened
    /// exactly as they are gathered) and their weights, or `dense` with another dense data
    /// handle's rows as ``denseRows(_:_:)`` gives them.
    static func withRows<Result>(
        _ pointer: OpaquePointer?, _ name: String, inPlace: (Rows<Double>, [Double]?) throws -> Result,
        dense: (Dataset<Double>) throws -> Result
    ) throws -> Result {
        func read<Element>(_ table: ArrowRows<Element>) throws -> Result {
            let columns = RowColumns<Double>(features: table.columns.features, targets: table.columns.targets)
            return try withExtendedLifetime(table.owner) { try inPlace(Rows(count: table.rows, columns: columns), table.weights) }
        }
        switch try DataHandle.from(pointer, name).storage {
        case let .arrow64(table): return try read(table)
        case let .arrow32(table): return try read(table)
        default: return try dense(denseRows(pointer, name))
        }
    }

    /// The Double rows of a dense data handle (Float rows widened exactly); sparse rows refused.
    static func denseRows(_ pointer: OpaquePointer?, _ name: String) throws -> Dataset<Double> {
        switch try DataHandle.from(pointer, name).storage {
        case let .dense64(dataset): return dataset
        case let .dense32(dataset): return try dataset.converted(to: Double.self)
        case let .borrowed64(borrowed): return try borrowed.copied()
        case let .borrowed32(borrowed): return try borrowed.copied().converted(to: Double.self)
        case let .arrow64(table): return try table.copied()
        case let .arrow32(table): return try table.copied().converted(to: Double.self)
        case .sparse64, .sparse32:
            throw InterfaceError("\(name) holds sparse rows: online descent trains on dense rows (mbgd_data_create_dense)")
        }
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
        let trainer = try OnlineHandle.from(online).trainer
        let loss = try OnlineHandle.withRows(
            chunk, "chunk", inPlace: { try trainer.partialFit(rows: $0, weights: $1) }, dense: { try trainer.partialFit($0) })
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

@c @implementation
public func mbgd_online_plan(_ online: OpaquePointer?, _ sample: OpaquePointer?) -> Int32 {
    guarded {
        let trainer = try OnlineHandle.from(online).trainer
        try OnlineHandle.withRows(
            sample, "sample", inPlace: { try trainer.plan(rows: $0, weights: $1) }, dense: { try trainer.plan(from: $0) })
        return .ok
    }
}

@c @implementation
public func mbgd_online_state(
    _ online: OpaquePointer?, _ buffer: UnsafeMutableRawPointer?, _ size: Int, _ needed: UnsafeMutablePointer<Int>?
)
    -> Int32
{
    guarded {
        let bytes = try OnlineHandle.from(online).trainer.stateBytes()
        // The size first, so a caller whose buffer was too small learns what to retry with.
        needed?.pointee = bytes.count
        guard size == 0 || buffer != nil else { throw InterfaceError("buffer is NULL and size = \(size)") }
        guard size == 0 || size >= bytes.count else {
            throw InterfaceError("size = \(size): the state needs \(bytes.count) bytes (call with size 0 to learn how many)")
        }
        if let buffer, size > 0 { bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) } }
        return .ok
    }
}

@c @implementation
public func mbgd_online_restore(_ online: OpaquePointer?, _ state: UnsafeRawPointer?, _ size: Int) -> Int32 {
    guarded {
        let handle = try OnlineHandle.from(online)
        let state = try Arguments.required(state, "state")
        guard size > 0 else { throw InterfaceError("size = \(size): a state is the bytes mbgd_online_state wrote, at least one") }
        try handle.trainer.restoreState(from: Array(UnsafeRawBufferPointer(start: state, count: size)))
        return .ok
    }
}
