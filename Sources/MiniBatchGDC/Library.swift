import CMiniBatchGD
import Foundation
import MiniBatchGD
import Synchronization

/// The library's version, as the header's `MBGD_VERSION` says it.
enum Version {
    static let text: StaticString = "0.1.0"
    static let number: Int32 = 1000
}

/// The process-wide thread count `mbgd_set_threads` gives the fits and solves that do not name
/// their own (OpenBLAS keeps its own count for the whole process anyway).
enum Threads {
    private static let stored = Mutex<Int?>(nil)

    static var count: Int? { stored.withLock { $0 } }

    static func set(_ threads: Int) {
        stored.withLock { $0 = threads }
        BLASThreads.set(threads)
    }
}

@c @implementation
public func mbgd_version() -> UnsafePointer<CChar>? {
    cString(Version.text)
}

@c @implementation
public func mbgd_version_number() -> Int32 { Version.number }

@c @implementation
public func mbgd_abi_version() -> Int32 { MBGD_ABI_VERSION }

@c @implementation
public func mbgd_last_error() -> UnsafePointer<CChar>? { LastError.current }

@c @implementation
public func mbgd_status_string(_ status: Int32) -> UnsafePointer<CChar>? {
    cString(Status(rawValue: status)?.text ?? "unknown status")
}

@c @implementation
public func mbgd_set_threads(_ threads: Int32) -> Int32 {
    guarded {
        try OptionSpelling.json.validateThreads(Int(threads))
        Threads.set(Int(threads))
        return .ok
    }
}
