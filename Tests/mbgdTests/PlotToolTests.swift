import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// One plot of an SVG the tool wrote (a document, or one panel of a stacked one), read back
/// from its elements: what is drawn where, in the panel's own coordinates.
struct SVGPanel {
    typealias Box = (x0: Double, y0: Double, x1: Double, y1: Double)
    var width = 0.0, height = 0.0
    /// The plot area's frame.
    var frame: Box?
    var title = ""
    /// Data marks, drawn inside the clipped group: circles, and the vertices of each polyline.
    var circles: [(x: Double, y: Double, r: Double, hollow: Bool)] = []
    var polylines: [[(x: Double, y: Double)]] = []
    /// What is drawn after the data (the legend): each mark's and text's box, and the texts.
    var legendBoxes: [Box] = []
    var legendTexts: [String] = []
    /// Tick labels: under the x axis (x, value) and left of the y axis (y, value).
    var xTicks: [(at: Double, value: Double)] = []
    var yTicks: [(at: Double, value: Double)] = []
    var xLabel = ""
    /// Every text drawn before the legend, as read.
    var texts: [(x: Double, y: Double, anchor: String, bold: Bool, characters: String)] = []

    /// The panels of the SVG file at `path`, in order.
    static func read(_ path: String) throws -> [SVGPanel] {
        let reader = Reader()
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path)))
        parser.delegate = reader
        guard parser.parse() else { throw ToolError("\(path) is not well-formed XML: \(String(describing: parser.parserError))") }
        return reader.done
    }

    /// The smallest box around the legend's marks and texts.
    var legendBox: Box? {
        guard let first = legendBoxes.first else { return nil }
        return legendBoxes.dropFirst().reduce(first) { (min($0.x0, $1.x0), min($0.y0, $1.y0), max($0.x1, $1.x1), max($0.y1, $1.y1)) }
    }

    /// Every data point: circle centres and polyline vertices.
    var points: [(x: Double, y: Double)] { circles.map { ($0.x, $0.y) } + polylines.flatMap { $0 } }

    /// Where `value` falls on a log axis with these ticks (two distinct ones suffice).
    static func logPosition(_ value: Double, ticks: [(at: Double, value: Double)]) -> Double? {
        guard let a = ticks.first, let b = ticks.last(where: { $0.value != a.value }) else { return nil }
        return a.at + (log10(value) - log10(a.value)) / (log10(b.value) - log10(a.value)) * (b.at - a.at)
    }

    private final class Reader: NSObject, XMLParserDelegate {
        var open: [SVGPanel] = [], done: [SVGPanel] = []
        var phase = 0  // 0 before the data group, 1 inside it, 2 after it
        var text: (attributes: [String: String], characters: String)?

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes a: [String: String] = [:]
        ) {
            func number(_ key: String) -> Double { Double(a[key] ?? "") ?? .nan }
            if name == "svg" {
                open.append(SVGPanel(width: number("width"), height: number("height")))
                phase = 0
                return
            }
            guard !open.isEmpty else { return }
            switch (name, phase) {
            case ("g", _) where a["clip-path"] != nil: phase = 1
            case ("rect", 0) where a["stroke"] == "#333":
                open[open.count - 1].frame = (number("x"), number("y"), number("x") + number("width"), number("y") + number("height"))
            case ("circle", 1):
                open[open.count - 1].circles.append((number("cx"), number("cy"), number("r"), a["fill"] == "none"))
            case ("polyline", 1):
                let vertices = (a["points"] ?? "").split(separator: " ").map { pair in
                    let xy = pair.split(separator: ",").map { Double($0)! }
                    return (x: xy[0], y: xy[1])
                }
                open[open.count - 1].polylines.append(vertices)
            case ("circle", 2):
                let (x, y, r) = (number("cx"), number("cy"), number("r"))
                open[open.count - 1].legendBoxes.append((x - r, y - r, x + r, y + r))
            case ("line", 2):
                open[open.count - 1].legendBoxes.append(
                    (
                        min(number("x1"), number("x2")), min(number("y1"), number("y2")), max(number("x1"), number("x2")),
                        max(number("y1"), number("y2"))
                    ))
            case ("text", _): text = (a, "")
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text?.characters += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "g", phase == 1 { phase = 2 }
            if name == "text", let (a, characters) = text, !open.isEmpty {
                text = nil
                let x = Double(a["x"] ?? "") ?? .nan, y = Double(a["y"] ?? "") ?? .nan
                var panel = open.removeLast()
                if phase == 2 {
                    // A text's box: 13-pixel type on its baseline, at least its first letter wide.
                    panel.legendBoxes.append((x, y - 11, x + 7, y + 3))
                    panel.legendTexts.append(characters)
                } else {
                    panel.texts.append((x, y, a["text-anchor"] ?? "", a["font-weight"] == "bold", characters))
                }
                open.append(panel)
            }
            if name == "svg", var panel = open.popLast() {
                // The document around stacked panels draws nothing itself.
                if let frame = panel.frame {
                    // Title, tick labels and axis label, told apart by where they stand.
                    for text in panel.texts {
                        if text.bold {
                            panel.title = text.characters
                        } else if text.anchor == "middle", text.y > frame.y1, text.y < frame.y1 + 30, let value = Double(text.characters) {
                            panel.xTicks.append((text.x, value))
                        } else if text.anchor == "end", text.x < frame.x0, let value = Double(text.characters) {
                            panel.yTicks.append((text.y - 4, value))
                        } else if text.anchor == "middle", text.y > frame.y1 + 30 {
                            panel.xLabel = text.characters
                        }
                    }
                    done.append(panel)
                }
                phase = 2
            }
        }
    }
}

@Suite struct PlotToolTests {
    static let real = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/Fixtures/real"

    /// In every plot the tool draws, the legend lies right of the plot area, inside the panel,
    /// and holds no data point; every data point lies inside the plot area, off its frame (a
    /// batch size of 1 sat on the frame of a whole-decade axis, half clipped). The legend used
    /// to sit at the plot's top left, on the curves.
    @Test func legendsLieBesideThePlotAreaAndCoverNoPoint() throws {
        let folder = try scratchFolder()
        let data = try write(houseLikeCSV(rows: 200).text, to: folder + "/data.csv")
        let runs: [[String]] = [
            ["fit", Self.real + "/engel.csv", "--target", "foodexp", "--plot", folder + "/engel.svg"],
            ["fit", data, "--test-fraction", "0.2", "--validation-fraction", "0.2", "--plot", folder + "/houses.svg"],
            ["demo", "--plot", folder + "/demo.svg"],
            [
                "sweep", "--rows", "500", "--features", "3", "--batch-sizes", "1,8,64,full", "--gap", "1e-4", "--max-epochs", "3",
                "--plot", folder + "/sweep.svg",
            ],
            ["bench", "--rows", "2000", "--features", "4", "--batch-sizes", "1,64,full", "--epochs", "1", "--plot", folder + "/bench.svg"],
            ["solve", data, "--ridge", "loo", "--plot", folder + "/ridge.svg"],
        ]
        var legends = 0
        for arguments in runs {
            let run = try mbgd(arguments: arguments)
            #expect(run.status == 0, "\(arguments[0]): \(run.stderr)")
            for panel in try SVGPanel.read(arguments.last!) {
                let frame = try #require(panel.frame)
                #expect(!panel.points.isEmpty, "\(panel.title)")
                for point in panel.points {
                    let inside = point.x > frame.x0 + 1 && point.x < frame.x1 - 1 && point.y > frame.y0 + 1 && point.y < frame.y1 - 1
                    #expect(inside, "\(panel.title): (\(point.x), \(point.y)) outside or on the frame \(frame)")
                }
                guard let box = panel.legendBox else { continue }
                legends += 1
                #expect(box.x0 > frame.x1, "\(panel.title): legend from x = \(box.x0), plot area to \(frame.x1)")
                #expect(box.y1 <= panel.height && box.x1 <= panel.width, "\(panel.title): legend \(box) outside the panel")
                let covered = panel.points.filter { $0.x >= box.x0 && $0.x <= box.x1 && $0.y >= box.y0 && $0.y <= box.y1 }
                #expect(covered.isEmpty, "\(panel.title): the legend covers \(covered.count) points")
            }
        }
        // engel and houses 4 panels each, demo 6, sweep 3, bench 1, the ridge path 2: each has a legend.
        #expect(legends == 20)
    }

    /// A long run's epochs are on a log axis: ticks at 1, 10, 100, 1000 equally spaced and
    /// epoch N drawn log10(N) decades right of epoch 1. It was linear, the movement one spike at
    /// the left. A short run keeps a linear axis, epochs equally spaced.
    @Test func longRunsHaveALogEpochAxisShortRunsALinearOne() throws {
        let folder = try scratchFolder()
        let long = try mbgd("fit", Self.real + "/engel.csv", "--target", "foodexp", "--plot", folder + "/long.svg")
        #expect(long.status == 0, "\(long.stderr)")
        let panels = try SVGPanel.read(folder + "/long.svg")
        let epochs = try #require(panels.first { $0.title == "Cost after each epoch" })
        let ticks = epochs.xTicks.map(\.value)
        #expect([1.0, 10, 100, 1000].allSatisfy(ticks.contains), "\(ticks)")
        let at = Dictionary(epochs.xTicks.map { ($0.value, $0.at) }, uniquingKeysWith: { a, _ in a })
        let decade = at[10]! - at[1]!
        #expect(abs((at[100]! - at[10]!) - decade) < 0.5 && abs((at[1000]! - at[100]!) - decade) < 0.5)
        let line = try #require(epochs.polylines.first)
        #expect(line.count > 50, "a long run: \(line.count) epochs")
        #expect(abs(line[0].x - at[1]!) < 0.5)
        #expect(abs((line.last!.x - line[0].x) / decade - log10(Double(line.count))) < 0.01)
        // The gap panel below and the batches above share the log time axis.
        let gap = try #require(panels.first { $0.title.contains("gap") })
        #expect([1.0, 10, 100, 1000].allSatisfy(gap.xTicks.map(\.value).contains))
        let batches = try #require(panels.first { $0.title == "Cost of each batch" })
        #expect([1.0, 10, 100, 1000].allSatisfy(batches.xTicks.map(\.value).contains))
        // The gap panel's curve is the gap, and its legend says so, not "training cost".
        #expect(gap.legendTexts.count == 1 && gap.legendTexts[0].contains("gap") && gap.legendTexts[0] != "training cost")

        let data = try write(houseLikeCSV(rows: 100).text, to: folder + "/data.csv")
        let short = try mbgd("fit", data, "--epochs", "20", "--no-early-stopping", "--plot", folder + "/short.svg")
        #expect(short.status == 0, "\(short.stderr)")
        let shortEpochs = try #require(try SVGPanel.read(folder + "/short.svg").first { $0.title == "Cost after each epoch" })
        let vertices = try #require(shortEpochs.polylines.first)
        #expect(vertices.count == 20, "a short run: \(vertices.count) epochs")
        let steps = zip(vertices.dropFirst(), vertices).map { $0.x - $1.x }
        #expect(steps.allSatisfy { abs($0 - steps[0]) < 0.2 }, "\(steps)")
    }

    /// Every batch size of a sweep is in its plot: those that reached the gap with filled
    /// markers, those that did not with open ones where they stopped (their updates, samples
    /// and seconds run), named as such in the legend. They used to vanish.
    @Test func sweepSizesThatMissTheGapAreDrawnWhereTheyStopped() throws {
        let folder = try scratchFolder()
        let rows = 500
        let run = try mbgd(
            "sweep", "--rows", String(rows), "--features", "3", "--batch-sizes", "1,8,64,full", "--gap", "1e-4", "--max-epochs", "6",
            "--json", "--plot", folder + "/sweep.svg")
        #expect(run.status == 0, "\(run.stderr)")
        let results = try #require(try run.json["results"] as? [[String: Any]])
        let missed = results.filter { $0["reached"] as? Bool == false }
        let reached = results.filter { $0["reached"] as? Bool == true }
        // The case needs both kinds.
        #expect(!missed.isEmpty && !reached.isEmpty, "\(results)")
        let panels = try SVGPanel.read(folder + "/sweep.svg")
        #expect(panels.count == 3)
        let counts = panels[0], seconds = panels[1]
        #expect(counts.circles.filter(\.hollow).count == 2 * missed.count)
        #expect(counts.circles.filter { !$0.hollow }.count == 2 * reached.count)
        #expect(seconds.circles.filter(\.hollow).count == missed.count)
        #expect(seconds.circles.filter { !$0.hollow }.count == reached.count)
        #expect(counts.legendTexts.filter { $0.contains("did not reach the gap") }.count == 2, "\(counts.legendTexts)")
        #expect(seconds.legendTexts.filter { $0.contains("did not reach the gap") }.count == 1, "\(seconds.legendTexts)")
        // Each missed size is drawn at its batch size, at the updates and samples it ran:
        // every epoch of its budget, each of ⌈rows/b⌉ updates.
        for result in missed {
            let b = try #require(result["batchSize"] as? Int), epochs = try #require(result["epochsRun"] as? Int)
            let x = try #require(SVGPanel.logPosition(Double(b), ticks: counts.xTicks))
            for count in [epochs * ((rows + b - 1) / b), epochs * rows] {
                let y = try #require(SVGPanel.logPosition(Double(count), ticks: counts.yTicks))
                let near = counts.circles.contains { $0.hollow && abs($0.x - x) < 1 && abs($0.y - y) < 1 }
                #expect(near, "batch size \(b): no open marker at \(count)")
            }
        }
    }

    /// A .svg name inside a folder that does not exist: the folder is created and said so (as
    /// for a folder name), the plot is one file in it. `x.svg/` is refused, naming --plot.
    @Test func aFileInAMissingFolderIsWrittenAndTheFolderAnnounced() throws {
        let folder = try scratchFolder()
        let data = try write(houseLikeCSV(rows: 100).text, to: folder + "/data.csv")
        let run = try mbgd("fit", data, "--epochs", "3", "--plot", folder + "/new/deeper/out.svg")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("the folder \(folder)/new/deeper does not exist: --plot creates it"), "\(run.stderr)")
        var isFolder: ObjCBool = true
        #expect(FileManager.default.fileExists(atPath: folder + "/new/deeper/out.svg", isDirectory: &isFolder) && !isFolder.boolValue)
        #expect(try SVGPanel.read(folder + "/new/deeper/out.svg").count == 4)
        // A folder name with a final slash: files directly inside it.
        let slash = try mbgd("fit", data, "--epochs", "3", "--plot", folder + "/plots/")
        #expect(slash.status == 0 && !slash.stdout.contains("//"), "\(slash.stdout)")
        #expect(FileManager.default.fileExists(atPath: folder + "/plots/cost-per-epoch.svg"))
        for command in [
            ["fit", data], ["demo"], ["sweep"], ["bench"], ["solve", data, "--ridge", "loo"], ["path", data, "--penalty", "l1"],
        ] {
            let refused = try mbgd(arguments: command + ["--plot", folder + "/x.svg/"])
            #expect(refused.status == 2 && refused.stderr.hasPrefix("Error: --plot \(folder)/x.svg/ ends in .svg/"), "\(refused.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/x.svg"))
    }
}
