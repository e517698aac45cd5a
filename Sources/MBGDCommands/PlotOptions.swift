import ArgumentParser

/// A command that writes SVG plots with `--plot`: what they show, and the file a folder gets
/// when the command draws a single plot.
protocol PlottingCommand {
    /// What the plots show, as `--help` says it: "of samples/s against batch size" for one plot,
    /// "cost per batch and per epoch, the fit" for several.
    static var plotted: String { get }
    /// The file a folder gets for a command that draws one plot (`throughput.svg`); nil for a
    /// command that draws several, one file each.
    static var plotFile: String? { get }
}

/// `--plot`, shared by `demo`, `fit`, `bench` and `sweep`: one spelling, value name, check and
/// layout of the help, with what the command draws.
struct PlotOptions<Command: PlottingCommand>: ParsableArguments {
    @Option(help: ArgumentHelp(Self.help, valueName: "file.svg|folder")) var plot: String?

    static var help: String {
        if let file = Command.plotFile {
            return
                "Write an SVG plot \(Command.plotted): a name ending in .svg is the file; another name is a folder, which gets \(file). A missing folder is created, with a note."
        }
        return
            "Write the SVG plots (\(Command.plotted)): a name ending in .svg is one file, the plots one above the other; another name is a folder, one file per plot. A missing folder is created, with a note."
    }

    func validate() throws { try PlotDestination.validate(plot) }
}
