import Foundation

/// The column names of a `.npy` file, kept beside it in `FILE.npy.columns.json`
/// (`{"columns": ["a", "b", …]}`, written by ``NPYWriter/convert(_:to:columns:)``): with it,
/// `--target price` and the model's feature names work on the `.npy` as on the CSV it came from.
enum NPYColumnNames {
    /// Where the names of `path` are kept.
    static func sidecar(for path: String) -> String { path + ".columns.json" }

    /// The names beside `path`, when the sidecar exists, parses and (given `columns`) names that
    /// many distinct columns; nil otherwise (the columns are then `x1, x2, …`).
    static func read(for path: String, columns: Int? = nil) -> [String]? {
        struct Names: Decodable { let columns: [String] }
        guard let data = FileManager.default.contents(atPath: sidecar(for: path)),
            let names = try? JSONDecoder().decode(Names.self, from: data).columns,
            columns.map({ names.count == $0 }) ?? true, Set(names).count == names.count
        else { return nil }
        return names
    }

    /// The sidecar's bytes for `names`.
    static func encoded(_ names: [String]) throws -> [UInt8] {
        struct Names: Encodable { let columns: [String] }
        return Array(try JSONEncoder().encode(Names(columns: names))) + [0x0A]
    }
}
