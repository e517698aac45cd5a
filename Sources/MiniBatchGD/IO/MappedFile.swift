#if canImport(Glibc)
    import Glibc
#endif

/// A file mapped read-only into memory for the duration of a closure, then unmapped: no copy of
/// its bytes on the heap, and nothing left behind (Foundation's mapped `Data` leaked a page per
/// read under LeakSanitizer here).
enum MappedFile {
    static func withContents<R>(of path: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let descriptor = try openForReading(path)
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw FileError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw FileError.unreadable(path: path, reason: "not a regular file")
        }
        let size = Int(status.st_size)
        guard size > 0 else { throw FileError.empty(path: path) }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw FileError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { munmap(address, size) }
        return try body(UnsafeRawBufferPointer(start: address, count: size))
    }
}

/// Opens `path` read-only, turning failure into ``FileError/notFound(path:)`` or
/// ``FileError/unreadable(path:reason:)``.
func openForReading(_ path: String) throws -> Int32 {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else {
        if errno == ENOENT { throw FileError.notFound(path: path) }
        throw FileError.unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    return descriptor
}
