import Foundation
import MiniBatchGD

/// The C interface's status codes (`mbgd_status` in `include/minibatchgd.h`): every exported
/// function returns one, and a message for the calling thread sits in `mbgd_last_error()`.
enum Status: Int32, CaseIterable {
    case ok = 0
    case invalidArgument = 1
    case numerical = 2
    case notConverged = 3
    case file = 4
    case outOfMemory = 5
    case cancelled = 6
    case distributed = 7

    /// What the code means, for `mbgd_status_string`: a static, terminated C string.
    var text: StaticString {
        switch self {
        case .ok: "ok"
        case .invalidArgument: "invalid argument"
        case .numerical: "numerical failure"
        case .notConverged: "not converged"
        case .file: "file error"
        case .outOfMemory: "out of memory"
        case .cancelled: "cancelled"
        case .distributed: "distributed failure"
        }
    }

    /// The code of a library error: its ``ErrorKind``, except that running out of memory and a
    /// solver that did not converge have codes of their own.
    init(_ error: any Error) {
        switch error {
        case let error as MatrixError:
            if case .tooLarge = error { self = .outOfMemory } else { self = .invalidArgument }
        case let error as FileError:
            if case .tooLarge = error { self = .outOfMemory } else { self = .file }
        case let error as LinearAlgebraError:
            switch error {
            case .addressSpaceTooSmall: self = .outOfMemory
            case .noConvergence: self = .notConverged
            default: self = .numerical
            }
        case is CancellationError: self = .cancelled
        case let error as any MiniBatchGDError:
            switch error.kind {
            case .argument, .input: self = .invalidArgument
            case .numerical: self = .numerical
            case .file: self = .file
            case .distributed: self = .distributed
            case .cancelled: self = .cancelled
            }
        default: self = .invalidArgument
        }
    }
}

/// A caller's mistake found by the C layer itself (a null pointer, a size, a stride, an ABI version).
struct InterfaceError: Error, CustomStringConvertible {
    let status: Status
    let description: String

    init(_ description: String, status: Status = .invalidArgument) {
        self.status = status
        self.description = description
    }
}

/// The calling thread's last message (`mbgd_last_error`): one `malloc`ed C string per thread,
/// freed when it is replaced or the thread ends.
enum LastError {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    /// The message, or an empty string when no call on this thread has failed.
    static var current: UnsafePointer<CChar> {
        guard let stored = pthread_getspecific(key) else { return empty }
        return UnsafePointer(stored.assumingMemoryBound(to: CChar.self))
    }

    private static var empty: UnsafePointer<CChar> { cString("") }

    static func set(_ message: String) {
        let copy = strdup(message)
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, copy)
        free(previous)
    }
}

/// A static string's bytes as a C string (a literal's bytes are static and terminated).
func cString(_ text: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// Runs `body` for an exported function: its status, or the code of what it threw with its
/// message kept for `mbgd_last_error()`. Nothing thrown crosses into C.
func guarded(_ body: () throws -> Status) -> Int32 {
    do {
        return try body().rawValue
    } catch let error as InterfaceError {
        LastError.set(error.description)
        return error.status.rawValue
    } catch let error as DistributedError {
        LastError.set(error.description)
        return Status.distributed.rawValue
    } catch {
        LastError.set("\(error)")
        return Status(error).rawValue
    }
}

/// The status for a result that is set but not what was hoped (a fit not converged), with its message.
func warning(_ status: Status, _ message: String) -> Status {
    LastError.set(message)
    return status
}
