import Foundation
import Testing

@testable import MBGDCommands

@Suite struct ReportsTests {
    /// Per-target plot files: none for one target, the cleaned name otherwise, and the position
    /// added where two names clean to the same file.
    @Test func pathPlotSuffixesNeverCollide() {
        #expect(PathPlotData.fileSuffixes(targetNames: ["y"]) == [""])
        #expect(PathPlotData.fileSuffixes(targetNames: ["y0", "price (€)"]) == ["-y0", "-price____"])
        #expect(PathPlotData.fileSuffixes(targetNames: ["y.1", "y_1", "z"]) == ["-y_1-1", "-y_1-2", "-z"])
    }

    @Test func movingAveragesAreTheMeansOfEachWindowByHand() {
        let points = Reports.movingAverage([1, 2, 3, 4, 10], window: 2)
        #expect(points.map(\.x) == [2, 3, 4, 5])
        #expect(points.map(\.y) == [1.5, 2.5, 3.5, 7])
        #expect(Reports.movingAverage([5], window: 2).isEmpty)
        #expect(Reports.movingAverage([5, 7], window: 1).map(\.y) == [5, 7])
    }
}

/// What the SVG plots draw, read back from the SVG.
@Suite struct PlotTests {
    /// The x coordinates of every data mark (circles and polyline points inside the clipped
    /// group) and of every legend element (after it), from rendered SVG.
    static func xs(_ svg: String) -> (data: [Double], legend: [Double]) {
        let parts = svg.components(separatedBy: "</g>")
        func numbers(_ text: String, _ pattern: String) -> [Double] {
            let regex = try! NSRegularExpression(pattern: pattern)
            return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
                Range($0.range(at: 1), in: text).flatMap { Double(text[$0]) }
            }
        }
        let data = parts[0].components(separatedBy: "clip-path=\"url(#area)\">").last!
        let circles = numbers(data, "cx=\"([-0-9.]+)\"")
        let polylines = numbers(data, "[ \"]([-0-9.]+),[-0-9.]+")
        let legend = numbers(parts[1], "x=\"([-0-9.]+)\"") + numbers(parts[1], "x1=\"([-0-9.]+)\"") + numbers(parts[1], "cx=\"([-0-9.]+)\"")
        return (circles + polylines, legend)
    }

    /// The legend never covers data: whatever the names and where the points lie, every legend
    /// mark and text starts right of every data mark (it sat on the curves at the top left).
    @Test func legendsNeverCoverData() {
        var plot = SVGPlot(title: "t", xLabel: "x", yLabel: "y", yLog: true)
        plot.series = [
            .init(name: "a long name for a curve that runs along the top", points: (1...50).map { (Double($0), 1e6 - Double($0)) }),
            .init(name: "b", points: (1...50).map { (Double($0), Double($0)) }, line: false, markers: true),
            .init(name: "c", points: [(1, 5), (50, 5)], dashed: true),
        ]
        let (data, legend) = Self.xs(plot.render())
        #expect(!data.isEmpty && legend.count >= 6)
        #expect(legend.min()! > data.max()!, "legend from x = \(legend.min()!), data to x = \(data.max()!)")
        let area = plot.plotArea, box = plot.legendBox
        #expect(box.x >= area.x + area.width && box.x + box.width <= plot.documentWidth)
    }

    /// Long runs get a logarithmic epoch axis (the movement of a 1373-epoch fit was one spike at
    /// the left of a linear one); the lower panel's curve is named for the gap it draws.
    @Test func longRunsHaveALogEpochAxis() throws {
        let folder = try scratchFolder()
        let real = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/Fixtures/real"
        let long = try mbgd("fit", real + "/engel.csv", "--target", "foodexp", "--plot", folder + "/long.svg")
        #expect(long.status == 0, "\(long.stderr)")
        let svg = try String(contentsOfFile: folder + "/long.svg", encoding: .utf8)
        #expect(svg.contains(">epoch (log scale)<") && svg.contains(">training cost's gap to the optimum<"))
        let short = try mbgd("fit", real + "/engel.csv", "--target", "foodexp", "--batch-size", "full", "--plot", folder + "/short.svg")
        #expect(short.status == 0, "\(short.stderr)")
        #expect(try String(contentsOfFile: folder + "/short.svg", encoding: .utf8).contains(">epoch<"))
    }

    /// --plot means one thing everywhere: a name ending in .svg is one file, any other a folder,
    /// created when missing and said so; a folder is never made where a file was meant.
    @Test func plotNamesAFileOrAFolderTheSameInEveryCommand() throws {
        let folder = try scratchFolder()
        let path = try write(houseLikeCSV(rows: 100).text, to: folder + "/data.csv")
        let file = try mbgd("fit", path, "--epochs", "3", "--plot", folder + "/out.svg")
        #expect(file.status == 0, "\(file.stderr)")
        var isFolder: ObjCBool = true
        #expect(FileManager.default.fileExists(atPath: folder + "/out.svg", isDirectory: &isFolder) && !isFolder.boolValue)
        try expectValidSVG(folder + "/out.svg")
        // Every panel of the fit in the one file.
        let text = try String(contentsOfFile: folder + "/out.svg", encoding: .utf8)
        #expect(text.contains("Cost after each epoch") && text.contains("Predicted against actual"))
        let made = try mbgd("fit", path, "--epochs", "3", "--plot", folder + "/new/plots")
        #expect(made.stderr.contains("note: the folder \(folder)/new/plots does not exist: --plot creates it"), "\(made.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/new/plots").contains("cost-per-epoch.svg"))
        // sweep and bench into a folder: a fixed name inside it.
        let sweep = try mbgd(
            "sweep", "--rows", "300", "--features", "2", "--batch-sizes", "full", "--max-epochs", "3", "--plot", folder + "/new")
        #expect(sweep.status == 0 && FileManager.default.fileExists(atPath: folder + "/new/sweep.svg"), "\(sweep.stderr)")
        try FileManager.default.createDirectory(atPath: folder + "/d.svg", withIntermediateDirectories: true)
        let svgFolder = try mbgd("fit", path, "--plot", folder + "/d.svg")
        #expect(svgFolder.status == 2 && svgFolder.stderr.contains("is a folder: a name ending in .svg is written as one file"))
        let fileFolder = try mbgd("demo", "--plot", path)
        #expect(fileFolder.status == 2 && fileFolder.stderr.contains("is a file: a name that does not end in .svg is a folder"))
    }

    /// Batch sizes that never reach the gap stay in the sweep's plot, drawn where they stopped
    /// with open markers (they vanished).
    @Test func sizesThatMissTheGapAreDrawnAndMarked() throws {
        let folder = try scratchFolder()
        let run = try mbgd(
            "sweep", "--rows", "500", "--features", "3", "--batch-sizes", "1,8,full", "--gap", "1e-9", "--max-epochs", "2", "--plot",
            folder + "/sweep.svg")
        #expect(run.status == 0, "\(run.stderr)")
        let svg = try String(contentsOfFile: folder + "/sweep.svg", encoding: .utf8)
        #expect(svg.contains("updates run (did not reach the gap)") && svg.contains("samples run (did not reach the gap)"))
        // Three sizes missed: an open marker each for updates, samples and seconds, plus three
        // in the legends.
        #expect(svg.components(separatedBy: "r=\"4\" fill=\"none\"").count - 1 == 3 * 3 + 3)
    }
}

@Suite struct FeatureListTests {
    @Test func featureListsAreReadAsOneCSVRecord() {
        #expect(DataOptions.csvRecord("a, b ,c") == ["a", "b", "c"])
        #expect(DataOptions.csvRecord("a,\"b, c\" ,\"d\"\"e\"") == ["a", "b, c", "d\"e"])
        #expect(DataOptions.csvRecord("") == [""])
    }
}
