import Foundation

/// The column names of a `.npy` file, kept beside it in `FILE.npy.columns.json`
/// (`{"columns": ["a", "b", …]}`, written by ``NPYWriter/convert(_:to:columns:)``): with it,
/// `--target price` and the model's feature names work on the `.npy` as on the CSV it came from.
enum NPYColumnNames {
    /// Where the names of `path` are kept: beside the file itself, where a symbolic link leads
    /// (the data are written there, so the names go with them whichever name reads them).
    static func sidecar(for path: String) -> String {
        var status = stat()
        let isLink = lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
        return (isLink ? FileBatch.resolved(path) : path) + ".columns.json"
    }

    /// The sidecar's bytes for reading `path`: beside the file, or for a link (whose names an
    /// earlier version kept beside the link itself) beside the link.
    private static func sidecarContents(for path: String) -> (path: String, data: Data)? {
        for candidate in [sidecar(for: path), path + ".columns.json"] {
            if let data = FileManager.default.contents(atPath: candidate) { return (candidate, data) }
        }
        return nil
    }

    /// The names beside `path`, when the sidecar exists, parses and (given `columns`) names that
    /// many distinct columns; nil otherwise (the columns are then `x1, x2, …`).
    static func read(for path: String, columns: Int? = nil) -> [String]? {
        struct Names: Decodable { let columns: [String] }
        guard let data = sidecarContents(for: path)?.data,
            let names = try? JSONDecoder().decode(Names.self, from: data).columns,
            columns.map({ names.count == $0 }) ?? true, Set(names).count == names.count
        else { return nil }
        return names
    }

    /// The names beside `path` checked against the file's `columns`: nil without a sidecar; a
    /// sidecar that does not name exactly that many distinct columns belongs to other data (a
    /// stale one, or one copied beside another file) and is an error, never half used.
    /// - Throws: ``FileError/malformed(path:reason:)`` naming the sidecar and what to do.
    static func checked(for path: String, columns: Int) throws -> [String]? {
        guard let (sidecar, data) = sidecarContents(for: path) else { return nil }
        struct Names: Decodable { let columns: [String] }
        let remedy = "run mbgd convert again to rewrite it, or remove it to name the columns by index"
        guard let names = try? JSONDecoder().decode(Names.self, from: data).columns else {
            throw FileError.malformed(path: sidecar, reason: "not a list of column names ({\"columns\": [...]}): \(remedy)")
        }
        guard names.count == columns else {
            throw FileError.malformed(
                path: sidecar, reason: "names \(names.count) columns but \(path) has \(columns): it belongs to other data; \(remedy)")
        }
        guard Set(names).count == names.count else {
            throw FileError.malformed(path: sidecar, reason: "names a column twice: \(remedy)")
        }
        return names
    }

    /// The sidecar's bytes for `names`.
    static func encoded(_ names: [String]) throws -> [UInt8] {
        struct Names: Encodable { let columns: [String] }
        return Array(try JSONEncoder().encode(Names(columns: names))) + [0x0A]
    }
}
