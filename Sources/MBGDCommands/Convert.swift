import ArgumentParser
import Foundation
import MiniBatchGD

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Convert a CSV file (or a .npy of another type or order) into a float64 .npy that fit and solve read in place, or sparse rows between libsvm, scipy's .npz and dense files.",
        discussion: """
            The conversion streams: memory stays at a few MiB whatever the file's size. The column names \
            are kept beside the output in OUT.columns.json, so that --target and --features name the \
            .npy's columns as they named the CSV's. Cells that are not finite numbers stop the conversion \
            with their line and column, and nothing is written.

            Sparse rows (chosen by extension: .svm, .libsvm, .svmlight, .npz) convert to and from each \
            other and dense files, both ways. An .npz holds the features only: --targets names the \
            targets' .npy, read beside an .npz input, written beside an .npz output. A dense input's \
            last column (of --columns) is the target, its other non-zero cells the entries; a dense \
            output (.npy, or .csv) holds x1 … xp, then y. Memory is bounded by a few MiB of windows and \
            the longest row (a dense output row holds every feature); an .npz output, or a dense one \
            from libsvm, needs counts first, so a libsvm or dense input is read once more per array \
            (up to four times) and must be a regular file. An .npz is written stored (as \
            scipy.sparse.save_npz(..., compressed=False)), deflated with --compress.

            Examples:
              mbgd convert houses.csv houses.npy
              zcat big.csv.gz | mbgd convert - big.npy
              mbgd convert survey.csv survey.npy --columns age,income,weight,spend
              mbgd solve houses.npy --target price
              mbgd convert text.svm text.npz --targets text_y.npy
              mbgd convert text.npz text.svm --targets text_y.npy
              mbgd convert small.npz small.npy --targets small_y.npy
            """)

    @Argument(
        help:
            "A CSV file with a header row, a .npy file, a libsvm file (.svm, .libsvm, .svmlight) or a scipy sparse .npz; - reads a CSV stream from standard input once (written to a .npy)."
    )
    var input: String
    @Argument(
        help:
            "The file to write, its format by extension: .npy (the default), .csv, .svm/.libsvm/.svmlight or .npz (replaced when it exists; a device or FIFO is written in place, without a names file; - is standard output)."
    )
    var output: String
    @Option(
        name: .customLong("columns"),
        help: ArgumentHelp("CSV columns to keep, comma-separated, in the order wanted. Default: every column.", valueName: "names"))
    var columnLists: [String] = []
    @Option(
        name: .customLong("targets"),
        help: ArgumentHelp("The targets' .npy of an .npz: read for an .npz input, written for an .npz output.", valueName: "y.npy"))
    var targets: String?
    @Flag(name: .customLong("zero-based"), help: "The libsvm file's indices, read or written, start at 0 (default: at 1).")
    var zeroBased = false
    @Flag(help: "Deflate an .npz output's members (as scipy.sparse.save_npz's default); they are stored otherwise.")
    var compress = false

    func validate() throws {
        try DataOptions.validateColumnNames(columns, option: "--columns")
    }

    private var columns: [String]? { DataOptions.columnNames(columnLists) }

    func run() throws {
        if input == "-" { return try runStream() }
        let from = try SparseConversion.Format.of(path: input, reading: true),
            to = try SparseConversion.Format.of(path: output, reading: false)
        if from.isSparse || to.isSparse { return try runSparse(from: from, to: to) }
        for (flag, given) in [("--targets", targets != nil), ("--zero-based", zeroBased), ("--compress", compress)] where given {
            throw CLIError.badArgument("\(flag) is for sparse files (.svm, .npz); \(input) and \(output) are dense: drop \(flag)")
        }
        report(try NPYWriter.convert(input, to: self.output, columns: columns))
    }

    /// `mbgd convert - FILE.npy`: a CSV stream saved once as a `.npy`, which fit and solve then
    /// read in place, and as often as they like.
    private func runStream() throws {
        let to = try SparseConversion.Format.of(path: output, reading: false)
        for (flag, given) in [("--targets", targets != nil), ("--zero-based", zeroBased), ("--compress", compress)] where given {
            throw CLIError.badArgument("\(flag) is for sparse files (.svm, .npz); convert - reads a CSV stream: drop \(flag)")
        }
        guard to == .npy else {
            throw CLIError.badArgument(
                "convert - writes a CSV stream to a .npy; \(output) is \(to.rawValue): give a .npy (or save the stream as it is: cat > \(output))"
            )
        }
        let head = try StreamHead(descriptor: STDIN_FILENO, name: "standard input")
        switch head.format {
        case .csv:
            report(try NPYWriter.convert(stream: STDIN_FILENO, name: "standard input", prefix: head.prefix, to: output, columns: columns))
        case .npy:
            throw CLIError.badInput("standard input is a .npy already: save it as it is (cat > \(output))")
        case .libsvm:
            throw CLIError.badInput(
                "standard input holds libsvm rows: save them as they are (cat > rows.svm), then mbgd convert rows.svm \(output) if a dense file is wanted"
            )
        }
    }

    /// Says what a dense conversion wrote.
    private func report(_ conversion: NPYWriter.Conversion) {
        // "-" is standard output, as for every reader of the shell; never a file named "-".
        let output = self.output == "-" ? "standard output" : self.output
        let line =
            "Wrote \(output): \(conversion.rows) rows × \(conversion.columns.count) columns (float64, C order); "
            + (conversion.namesPath.map { "names in \($0)" } ?? "no names file (\(output) is not a regular file)")
        // A device or FIFO may be standard output itself: the line then goes to standard error.
        if conversion.namesPath == nil {
            Terminal.writeError(line + "\n")
        } else {
            print(line)
        }
    }

    private func runSparse(from: SparseConversion.Format, to: SparseConversion.Format) throws {
        if from == to { throw CLIError.badArgument("\(input) and \(output) are both \(to.rawValue): nothing to convert") }
        let npz = from == .npz ? input : to == .npz ? output : nil
        if let npz, targets == nil {
            throw CLIError.badArgument(
                "\(npz) is an .npz: it holds the features only; name the targets' .npy with --targets (\(from == .npz ? "read" : "written") beside it)"
            )
        }
        if npz == nil, targets != nil {
            throw CLIError.badArgument(
                "--targets names the targets' .npy of an .npz; neither \(input) nor \(output) is one: drop --targets")
        }
        if zeroBased, from != .libsvm, to != .libsvm {
            throw CLIError.badArgument("--zero-based is for a libsvm file; neither \(input) nor \(output) is one: drop --zero-based")
        }
        if compress, to != .npz {
            throw CLIError.badArgument("--compress is for an .npz output; \(output) is \(to.rawValue): drop --compress")
        }
        if !columnLists.isEmpty, from != .csv {
            throw CLIError.badArgument("--columns chooses a CSV input's columns; \(input) is \(from.rawValue): drop --columns")
        }
        if to == .npz, output == "-" || targets == "-" {
            throw CLIError.badArgument("an .npz and its targets are written to files (the archive is completed at its start): not -")
        }
        let conversion = try SparseConversion.convert(
            input, to: output, targets: targets, zeroBased: zeroBased, compress: compress, columns: columns)
        let written = output == "-" ? "standard output" : output
        let line =
            "Wrote \(written): \(conversion.rows) rows × \(Format.count(conversion.featureCount, "feature")), \(conversion.nonzeros) nonzeros"
            + (to == .npz ? "; targets in \(targets!)" : "") + (to == .libsvm ? " (\(zeroBased ? "0" : "1")-based)" : "")
        if output == "-" { Terminal.writeError(line + "\n") } else { print(line) }
    }
}
