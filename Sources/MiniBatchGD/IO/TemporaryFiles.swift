import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Every temporary file the writers have made and not yet renamed or removed, so that a signal
/// that ends the process can remove them first (``removeAll()``): a temporary beside its
/// target never outlives an interrupted command.
///
/// Making a temporary, renaming a group of them into place and removing them all take one lock,
/// so a signal's clean-up never lands between two renames of one group (a `.npy` renamed, its
/// names file not) and nothing is made or renamed once it has run.
package enum TemporaryFiles {
    /// What had reached the outputs when ``removeAll()`` ran.
    package enum Written: Sendable {
        /// No output was touched.
        case nothing
        /// Whole files were renamed into place.
        case complete
        /// Bytes had started to go to a device or FIFO, which may have received only part.
        case inPlace
    }

    private struct State {
        var paths: Set<String> = []
        var written = Written.nothing
        /// ``removeAll()`` has run: the process is ending and writes nothing more.
        var closed = false
    }

    private static let state = Mutex(State())

    /// A new temporary from mkstemp's `template` (`…XXXXXX`), registered: its descriptor and path.
    /// - Throws: ``FileError/unwritable(path:reason:)`` for `path` when it cannot be made.
    static func make(template: String, for path: String) throws -> (descriptor: Int32, path: String) {
        try state.withLock { state in
            guard !state.closed else { throw FileError.unwritable(path: path, reason: "the command was interrupted") }
            var bytes = template.utf8CString
            let descriptor = bytes.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard descriptor >= 0 else { throw FileBatch.failure(path, errno) }
            let temporary = bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            state.paths.insert(temporary)
            return (descriptor, temporary)
        }
    }

    /// Removes `temporary` (a failed or abandoned write).
    static func remove(_ temporary: String) {
        state.withLock { state in
            if state.paths.remove(temporary) != nil { unlink(temporary) }
        }
    }

    /// Renames each temporary over its target, in order, as one step against ``removeAll()``.
    /// Renamed temporaries are forgotten; on failure the rest stay registered for the caller to
    /// ``remove(_:)``.
    /// - Throws: ``FileError/unwritable(path:reason:)`` naming the file whose rename failed.
    static func rename(_ files: [(temporary: String, target: String, path: String)]) throws {
        try state.withLock { state in
            guard !state.closed else {
                throw FileError.unwritable(path: files.first?.path ?? "", reason: "the command was interrupted")
            }
            for file in files {
                guard Glibc.rename(file.temporary, file.target) == 0 else { throw FileBatch.failure(file.path, errno) }
                state.paths.remove(file.temporary)
                if state.written == .nothing { state.written = .complete }
            }
        }
    }

    /// Records that bytes are about to be written to a device or FIFO in place (an interruption
    /// then cannot say that nothing was written).
    /// - Throws: ``FileError/unwritable(path:reason:)`` for `path` once ``removeAll()`` has run.
    static func writingInPlace(_ path: String) throws {
        try state.withLock { state in
            guard !state.closed else { throw FileError.unwritable(path: path, reason: "the command was interrupted") }
            state.written = .inPlace
        }
    }

    /// Removes every registered temporary and stops further writes; what had already been
    /// written. For a signal handler's queue, just before the process ends.
    package static func removeAll() -> Written {
        state.withLock { state in
            for path in state.paths { unlink(path) }
            state.paths.removeAll()
            state.closed = true
            return state.written
        }
    }
}
