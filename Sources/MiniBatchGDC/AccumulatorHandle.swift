import CMiniBatchGD
import MiniBatchGD

/// The object behind `mbgd_accumulator *`.
final class AccumulatorHandle {
    var accumulator: LeastSquares.Accumulator

    init(_ accumulator: LeastSquares.Accumulator) { self.accumulator = accumulator }

    /// The handle behind a pointer C passes back.
    static func from(_ pointer: OpaquePointer?, _ name: String = "accumulator") throws -> AccumulatorHandle {
        Unmanaged<AccumulatorHandle>.fromOpaque(UnsafeRawPointer(try Arguments.required(pointer, name))).takeUnretainedValue()
    }
}

@c @implementation
public func mbgd_accumulator_create(
    _ abiVersion: Int32, _ features: Int64, _ outputs: Int64, _ fitIntercept: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    guarded {
        try Arguments.checkABI(abiVersion)
        let out = try Arguments.required(out, "out")
        let p = try Arguments.count(features, "features"), k = try Arguments.count(outputs, "outputs")
        // The factor is (1 + p + k)² Doubles: refuse what could never be allocated.
        guard p < 1 << 20, k < 1 << 20 else {
            throw InterfaceError("features = \(p) and outputs = \(k): the accumulator keeps a (1 + p + k)² triangle; at most 2²⁰ each")
        }
        let accumulator = LeastSquares.Accumulator(featureCount: p, outputCount: k, fitIntercept: fitIntercept != 0)
        out.pointee = OpaquePointer(Unmanaged.passRetained(AccumulatorHandle(accumulator)).toOpaque())
        return .ok
    }
}

@c @implementation
public func mbgd_accumulator_free(_ accumulator: OpaquePointer?) {
    guard let accumulator else { return }
    Unmanaged<AccumulatorHandle>.fromOpaque(UnsafeRawPointer(accumulator)).release()
}

@c @implementation
public func mbgd_accumulator_add(_ accumulator: OpaquePointer?, _ chunk: OpaquePointer?) -> Int32 {
    guarded {
        let handle = try AccumulatorHandle.from(accumulator), data = try DataHandle.from(chunk, "chunk")
        switch data.storage {
        case let .dense64(rows): try handle.accumulator.add(rows)
        case let .dense32(rows): try handle.accumulator.add(rows)
        case let .borrowed64(rows): try handle.accumulator.add(try rows.copied())
        case let .borrowed32(rows): try handle.accumulator.add(try rows.copied())
        // An Arrow table's columns are read in place, a block gathered at a time.
        case let .arrow64(table): try table.withRows { try handle.accumulator.add(rows: $0) }
        case let .arrow32(table): try table.withRows { try handle.accumulator.add(rows: $0) }
        case .sparse64, .sparse32:
            throw InterfaceError("chunk holds sparse rows: the accumulator adds dense rows (mbgd_data_create_dense)")
        }
        return .ok
    }
}

@c @implementation
public func mbgd_accumulator_merge(_ accumulator: OpaquePointer?, _ other: OpaquePointer?) -> Int32 {
    guarded {
        let handle = try AccumulatorHandle.from(accumulator), other = try AccumulatorHandle.from(other, "other")
        try handle.accumulator.merge(other.accumulator)
        return .ok
    }
}

@c @implementation
public func mbgd_accumulator_rows(_ accumulator: OpaquePointer?, _ rows: UnsafeMutablePointer<Int64>?) -> Int32 {
    guarded {
        let handle = try AccumulatorHandle.from(accumulator)
        try Arguments.required(rows, "rows").pointee = Int64(handle.accumulator.rows)
        return .ok
    }
}

@c @implementation
public func mbgd_accumulator_solve(_ accumulator: OpaquePointer?, _ model: OpaquePointer?) -> Int32 {
    guarded {
        let handle = try AccumulatorHandle.from(accumulator), target = try ModelHandle.from(model)
        let fit = try handle.accumulator.solve()
        target.model = try LinearRegression(parameters: fit.parameters, fitIntercept: handle.accumulator.fitIntercept)
        target.solution = nil
        return .ok
    }
}
