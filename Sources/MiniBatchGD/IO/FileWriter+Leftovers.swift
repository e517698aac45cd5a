#if canImport(Glibc)
    import Glibc
#endif

extension FileWriter {
    /// Removes the temporaries a killed writer of `path` left beside it: regular files named as
    /// ``FileBatch`` names its temporaries (`.NAME.` and mkstemp's six letters or digits) whose
    /// last change is before `time` (seconds since the epoch). A SIGKILL lands between making a
    /// temporary and renaming it with no chance to clean up; a later writer of the same path,
    /// started after that, is the first that can. Temporaries changed since `time` may be another
    /// live writer's and are kept. Failures are ignored: this only tidies.
    /// - Returns: the paths removed.
    @discardableResult
    static func removeLeftoverTemporaries(of path: String, changedBefore time: Int) -> [String] {
        let template = FileBatch.temporaryTemplate(beside: FileBatch.resolved(path))
        let prefixEnd = template.index(template.endIndex, offsetBy: -6)
        let folderEnd = template.lastIndex(of: "/")!
        let folder = String(template[..<folderEnd]), prefix = String(template[template.index(after: folderEnd)..<prefixEnd])
        guard let directory = opendir(folder.isEmpty ? "/" : folder) else { return [] }
        defer { closedir(directory) }
        var removed: [String] = []
        while let entry = readdir(directory) {
            // Read in place: copying `entry.pointee` reads sizeof(dirent) bytes, past the end of a
            // short last record of readdir's buffer (a crash when that buffer ends a mapped page).
            let name = String(
                cString: UnsafeRawPointer(entry).advanced(by: MemoryLayout<dirent>.offset(of: \dirent.d_name)!).assumingMemoryBound(
                    to: CChar.self))
            guard name.hasPrefix(prefix), name.utf8.count == prefix.utf8.count + 6,
                name.utf8.suffix(6).allSatisfy({ (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) })
            else { continue }
            let candidate = folder + "/" + name
            var status = stat()
            guard lstat(candidate, &status) == 0, status.st_mode & S_IFMT == S_IFREG, Int(status.st_mtim.tv_sec) < time,
                unlink(candidate) == 0
            else { continue }
            removed.append(candidate)
        }
        return removed
    }
}
