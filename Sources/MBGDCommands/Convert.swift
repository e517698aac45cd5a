import ArgumentParser
import Foundation
import MiniBatchGD

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a CSV file (or a .npy of another type or order) into a float64 .npy that fit and solve read in place.",
        discussion: """
            The conversion streams: memory stays at a few MiB whatever the file's size. The column names \
            are kept beside the output in OUT.columns.json, so that --target and --features name the \
            .npy's columns as they named the CSV's. Cells that are not finite numbers stop the conversion \
            with their line and column, and nothing is written.

            Examples:
              mbgd convert houses.csv houses.npy
              mbgd convert survey.csv survey.npy --columns age,income,weight,spend
              mbgd solve houses.npy --target price
            """)

    @Argument(help: "A CSV file with a header row, or a .npy file.") var input: String
    @Argument(
        help:
            "The .npy file to write (replaced when it exists; a device or FIFO is written in place, without a names file; - is standard output)."
    )
    var output: String
    @Option(
        name: .customLong("columns"),
        help: ArgumentHelp("CSV columns to keep, comma-separated, in the order wanted. Default: every column.", valueName: "names"))
    var columnLists: [String] = []

    func validate() throws {
        try DataOptions.validateColumnNames(columns, option: "--columns")
    }

    private var columns: [String]? { DataOptions.columnNames(columnLists) }

    func run() throws {
        // "-" is standard output, as for every reader of the shell; never a file named "-".
        let output = self.output == "-" ? "standard output" : self.output
        let conversion = try NPYWriter.convert(input, to: self.output, columns: columns)
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
}
