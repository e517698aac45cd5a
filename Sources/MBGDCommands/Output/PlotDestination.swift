import ArgumentParser
import Foundation

/// What `--plot NAME` means, the same in every command: a name ending in `.svg` is one file that
/// holds every plot the command makes, one panel above the other; any other name is a folder
/// that holds one file per plot. A folder that is missing (the named one, or the one a file goes
/// into) is created and said so on stderr, never silently.
enum PlotDestination: Equatable {
    case file(String)
    case folder(String)

    init(_ name: String) {
        self = name.lowercased().hasSuffix(".svg") ? .file(name) : .folder(name)
    }

    /// Refuses what cannot be written as asked: an empty name, standard output, a `.svg` name that
    /// is a folder or ends in `/`, another name that is a file.
    static func validate(_ name: String?) throws {
        guard let name else { return }
        // An empty name would resolve to the root folder: plots written into `/`.
        if name.isEmpty { throw ValidationError("--plot needs a file name ending in .svg or a folder name, got ''") }
        if name == "-" {
            throw ValidationError(
                "--plot - would mix the SVG with the report on standard output; give a file name ending in .svg or a folder")
        }
        // `out.svg/` asks for a folder named like a file: the very confusion --plot's rule removes.
        if name.hasSuffix("/"), case .file = Self(String(name.reversed().drop { $0 == "/" }.reversed())) {
            throw ValidationError(
                "--plot \(name) ends in .svg/: a name ending in .svg is one file; drop the final '/', or name a folder without .svg")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: name, isDirectory: &isFolder) else { return }
        switch (Self(name), isFolder.boolValue) {
        case (.file, true):
            throw ValidationError(
                "--plot \(name) is a folder: a name ending in .svg is written as one file; give another name, or the folder without .svg")
        case (.folder, false):
            throw ValidationError(
                "--plot \(name) is a file: a name that does not end in .svg is a folder of plots; give a name ending in .svg for one file")
        default: return
        }
    }

    /// Adds `plots` (a file name each, and its panels) to `outputs`; returns the paths written.
    func add(_ plots: [(file: String, panels: [SVGPlot])], into outputs: inout Outputs) -> [String] {
        switch self {
        case let .file(path):
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { Self.create(folder, into: &outputs) }
            outputs.add(SVGPlot.render(plots.flatMap(\.panels)), to: path)
            return [path]
        case let .folder(folder):
            Self.create(folder, into: &outputs)
            // `plots/` and `plots` name the same folder: one slash before the file's name.
            let prefix = folder.hasSuffix("/") ? folder : folder + "/"
            return plots.map { plot in
                outputs.add(SVGPlot.render(plot.panels), to: prefix + plot.file)
                return prefix + plot.file
            }
        }
    }

    /// Has `outputs` create `folder` (with its parents) if it does not exist, and says so.
    private static func create(_ folder: String, into outputs: inout Outputs) {
        var isFolder: ObjCBool = false
        guard !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) else { return }
        if Cluster.writes {
            Terminal.writeError("\(Cluster.tool): note: the folder \(Terminal.clean(folder)) does not exist: --plot creates it\n")
        }
        outputs.folder(folder)
    }
}

extension SVGPlot {
    /// One panel as its own document, several one above the other.
    static func render(_ panels: [SVGPlot]) -> String {
        panels.count == 1 ? panels[0].render() : renderStacked(panels)
    }
}
