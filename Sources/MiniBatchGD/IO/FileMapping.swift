#if canImport(Glibc)
    import Glibc
#endif

/// A read-only, private memory mapping of the start of a file, unmapped when the last value
/// holding it goes away.
///
/// Pages are read from the page cache as they are touched and can be dropped again under
/// memory pressure (they are clean), so a mapping larger than the memory a process may use
/// works, where reading the file into an array would not. The size is checked when the file is
/// opened; a file truncated while it is mapped still ends the process with SIGBUS on the next
/// read of a lost page (the command-line tool installs a handler that says so).
final class FileMapping: @unchecked Sendable {
    /// The first byte of the file (immutable: the mapping is read-only).
    let base: UnsafeRawPointer
    let length: Int

    init(descriptor: Int32, length: Int, path: String) throws {
        guard length > 0 else { throw FileError.empty(path: path) }
        guard let address = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw FileError.unreadable(path: path, reason: "cannot be mapped: \(String(cString: strerror(errno)))")
        }
        // No madvise: with MADV_SEQUENTIAL (long readahead, pages dropped early) two epochs of a
        // block-shuffled fit of a 3.1 GB file in a 768 MiB cgroup took 112 s, without it 97 s,
        // and a solve 25.8 s against 27.5 s (2026-11-30): the kernel's own readahead serves both.
        base = UnsafeRawPointer(address)
        self.length = length
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }
}
