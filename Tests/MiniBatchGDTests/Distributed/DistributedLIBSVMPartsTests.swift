import Foundation
import Testing

@testable import MiniBatchGD

/// A libsvm file read by ranks that each parse only their own part of its bytes: the ranks' rows
/// in rank order are the one-process reader's rows, bit for bit, whatever the edges (comments,
/// blank lines, CRLF, `qid:`, a last line without its newline, a line longer than a part, fewer
/// lines than ranks); a bad line is named by its line in the whole file; ranks left without a
/// row still solve.
@Suite struct DistributedLIBSVMPartsTests {
    /// Every edge at once, small enough that its rows are written out by hand below: with five
    /// ranks each part is about 70 bytes, and the long line is about 350.
    static let edges =
        "# a header comment\r\n1.5 1:2 3:-1\r\n\r\n-2 qid:7 2:0.5   # a trailing comment: 9:9\n   \n0.25\n"
        + "3 " + (1...40).map { "\($0):\($0)" }.joined(separator: " ") + "\n# only a comment\n-1\t4:1e-1"

    /// The rows of ``edges``, worked by hand: (target, 0-based columns, values).
    static let edgeRows: [(Double, [Int32], [Double])] = [
        (1.5, [0, 2], [2, -1]), (-2, [1], [0.5]), (0.25, [], []), (3, (0..<40).map { Int32($0) }, (1...40).map { Double($0) }),
        (-1, [3], [0.1]),
    ]

    /// Files with fewer lines than ranks, with and without a last newline, blank lines between.
    static let tiny = ["1 1:1\n", "1 1:1\n2 2:1", "1 1:1\n\n2 2:2\n", "\n\n-1 3:4\n\n", "0.5 1:1"]

    /// Each rank's rows joined in rank order, as one data set's arrays.
    static func joined(_ locals: [SparseDataset<Double>]) -> (rowStarts: [Int], columns: [Int32], values: [Double], targets: [Double]) {
        var rowStarts = [0], columns: [Int32] = [], values: [Double] = [], targets: [Double] = []
        for local in locals {
            rowStarts += local.rowStarts.dropFirst().map { $0 + columns.count }
            columns += Array(local.columnIndices)
            values += Array(local.values)
            targets += local.targets.elements
        }
        return (rowStarts, columns, values, targets)
    }

    /// The file at `path` loaded by `ranks` threads as ranks, each rank's rows and the width.
    static func loaded(_ path: String, ranks: Int, zeroBased: Bool = false) throws -> (locals: [SparseDataset<Double>], widths: [Int]) {
        let outcomes = ThreadCommunicator.run(ranks: ranks) { communicator in
            let shared = try DistributedSparseDataset<Double>.load(libsvm: path, zeroBased: zeroBased, communicator: communicator)
            #expect(shared.rowsPerRank.reduce(0, +) == shared.rows && shared.localRows.count == shared.local.rows)
            return (shared.local, shared.featureCount)
        }
        let results = try outcomes.map { try $0.get() }
        return (results.map(\.0), results.map(\.1))
    }

    /// Whether the ranks' rows in order are exactly `whole`'s, every rank as wide as `whole`.
    static func expectSame(_ locals: [SparseDataset<Double>], widths: [Int], as whole: SparseDataset<Double>, _ comment: Comment) {
        let parts = joined(locals)
        #expect(parts.rowStarts == whole.rowStarts, comment)
        #expect(parts.columns == Array(whole.columnIndices), comment)
        #expect(parts.values.map(\.bitPattern) == Array(whole.values).map(\.bitPattern), comment)
        #expect(parts.targets.map(\.bitPattern) == whole.targets.elements.map(\.bitPattern), comment)
        #expect(widths.allSatisfy { $0 == whole.featureCount }, comment)
    }

    @Test func theEdgeFileIsReadByOneToFiveRanksAsOneProcessReadsIt() throws {
        let folder = try ScratchFolder()
        let path = try folder.write("edges.svm", Self.edges)
        let whole = try SparseDataset<Double>.load(libsvm: path)
        // The one-process reader against the rows worked by hand.
        #expect(whole.rows == Self.edgeRows.count && whole.featureCount == 40)
        for (i, row) in Self.edgeRows.enumerated() {
            let entries = whole.rowStarts[i]..<whole.rowStarts[i + 1]
            #expect(whole.targets[i, 0] == row.0 && entries.map { whole.columnIndices[$0] } == row.1)
            #expect(entries.map { whole.values[$0] } == row.2)
        }
        for ranks in 1...5 {
            let (locals, widths) = try Self.loaded(path, ranks: ranks)
            Self.expectSame(locals, widths: widths, as: whole, "\(ranks) ranks")
            // The long line is longer than a part at five ranks: some rank reads no row.
            if ranks == 5 { #expect(locals.contains { $0.rows == 0 }) }
        }
    }

    @Test func filesWithFewerLinesThanRanksAndZeroBasedIndicesAreReadAsOneProcessReadsThem() throws {
        let folder = try ScratchFolder()
        for (index, text) in (Self.tiny + ["0.5 0:1 2:3\r\n-1 1:2\r\n"]).enumerated() {
            let zeroBased = text.contains(" 0:")
            let path = try folder.write("tiny\(index).svm", text)
            let whole = try SparseDataset<Double>.load(libsvm: path, zeroBased: zeroBased)
            for ranks in 1...5 {
                let (locals, widths) = try Self.loaded(path, ranks: ranks, zeroBased: zeroBased)
                Self.expectSame(locals, widths: widths, as: whole, "file \(index), \(ranks) ranks")
                #expect(locals.filter { $0.rows > 0 }.count <= whole.rows)
            }
        }
    }

    @Test func partsCoverTheFileInWholeLinesAndTheirRowsAreTheWholeFilesWithAnyChunkCount() throws {
        let folder = try ScratchFolder()
        let text = DistributedSparseTests.libsvm(try DistributedSparseTests.data())
        let path = try folder.write("text.svm", "# made by a test\n" + text.replacingOccurrences(of: "\n", with: "\r\n"))
        let whole = try SparseDataset<Double>.load(libsvm: path)
        let file = try PositionalFile(path: path)
        let bytes = try file.bytes(at: 0, count: file.size)
        for parts in 1...5 {
            let ranges = try (0..<parts).map { try LIBSVMReader.lines(ofPart: $0, of: parts, in: file) }
            // Adjacent, from 0 to the end, each starting a line.
            #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == file.size)
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(ranges.allSatisfy { $0.lowerBound == 0 || bytes[$0.lowerBound - 1] == 0x0A })
            for chunks in [1, 3] {
                let locals = try (0..<parts).map {
                    try LIBSVMReader.read(
                        path: path, as: Double.self, zeroBased: false, featureCount: nil, threads: 2, chunks: chunks, part: ($0, parts))
                }
                Self.expectSame(locals, widths: [whole.featureCount], as: whole, "\(parts) parts, \(chunks) chunks")
            }
        }
    }

    /// 60 lines of about equal length, line `bad` (1-based) holding entry 2 `0:1`.
    static func fileWithBadLine(_ bad: Int) -> String {
        (1...60).map { line in "\(line % 7) 1:\(line) " + (line == bad ? "0:1" : "5:1") + " 9:2" }.joined(separator: "\n") + "\n"
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func aBadLineIsNamedByItsLineInTheWholeFileOnTheRankThatReadsIt(ranks: Int) throws {
        let folder = try ScratchFolder()
        // Line 50 lies in the last third of the file: in rank 2's part of three.
        let path = try folder.write("bad.svm", Self.fileWithBadLine(50))
        let expected = FileError.badLIBSVMEntry(path: path, line: 50, entry: 2, text: "0:1", problem: .zeroIndex)
        #expect(throws: expected) { try SparseDataset<Double>.load(libsvm: path) }
        let file = try PositionalFile(path: path)
        let badStart = try file.bytes(at: 0, count: file.size).split(separator: 0x0A, omittingEmptySubsequences: false)
            .prefix(49).reduce(0) { $0 + $1.count + 1 }
        let owner = try (0..<ranks).first { try LIBSVMReader.lines(ofPart: $0, of: ranks, in: file).contains(badStart) }
        if ranks == 3 { #expect(owner == 2) }
        let outcomes = ThreadCommunicator.run(ranks: ranks) { communicator in
            try DistributedSparseDataset<Double>.load(libsvm: path, communicator: communicator).rows
        }
        for (rank, outcome) in outcomes.enumerated() {
            #expect {
                try outcome.get()
            } throws: { error in
                switch error {
                case let DistributedError.failed(failing, _, inner):
                    return rank == owner && failing == owner && (inner as? FileError) == expected
                case let DistributedError.failedElsewhere(failing): return rank != owner && failing == owner
                default: return false
                }
            }
        }
    }

    @Test func theFirstBadLineInTheFileIsNamedWhenSeveralRanksMeetOne() throws {
        let folder = try ScratchFolder()
        // Lines 10 and 55: ranks 0 and 2 of three each meet one; one process names line 10.
        let text = Self.fileWithBadLine(10).split(separator: "\n").enumerated().map { $0 == 54 ? "1 0:1" : String($1) }
        let path = try folder.write("bad.svm", text.joined(separator: "\n"))
        let expected = FileError.badLIBSVMEntry(path: path, line: 10, entry: 2, text: "0:1", problem: .zeroIndex)
        #expect(throws: expected) { try SparseDataset<Double>.load(libsvm: path) }
        let outcomes = ThreadCommunicator.run(ranks: 3) { communicator in
            try DistributedSparseDataset<Double>.load(libsvm: path, communicator: communicator).rows
        }
        #expect {
            try outcomes[0].get()
        } throws: { error in
            guard case let DistributedError.failed(0, 3, inner) = error else { return false }
            return (inner as? FileError) == expected
        }
    }

    @Test func aFileOfCommentsAndBlankLinesHasNoRowsOnAnyRankCount() throws {
        let folder = try ScratchFolder()
        let path = try folder.write("none.svm", "# nothing\n\n  \r\n# still nothing\n")
        #expect(throws: FileError.noRows(path: path)) { try SparseDataset<Double>.load(libsvm: path) }
        for ranks in 1...4 {
            let outcomes = ThreadCommunicator.run(ranks: ranks) { communicator in
                try DistributedSparseDataset<Double>.load(libsvm: path, communicator: communicator).rows
            }
            for outcome in outcomes { #expect(throws: FileError.noRows(path: path)) { try outcome.get() } }
        }
    }

    @Test func ranksWithoutRowsSolveLSQRToTheOneProcessAnswer() throws {
        let folder = try ScratchFolder()
        // Eight rows, the third far longer than a fifth of the file: at five ranks, some hold none.
        var random = RandomSource(seed: 7)
        let lines = (0..<8).map { i in
            let width = i == 2 ? 60 : 4
            let entries = (0..<width).map { j in "\(j + 1 + (i * 3) % 5):\(Double(Int(random.nextUniform() * 200) - 100) / 16)" }
            return "\(Double(i % 5) - 1.25) " + entries.joined(separator: " ")
        }
        let path = try folder.write("uneven.svm", lines.joined(separator: "\n") + "\n")
        let whole = try SparseDataset<Double>.load(libsvm: path)
        for ridge in [0.5, 2.0] {
            // A second algorithm: the dense closed form on the same rows.
            let dense = try LeastSquares.solve(try whole.densified(), ridge: ridge)
            for ranks in [3, 4, 5] {
                let outcomes = ThreadCommunicator.run(ranks: ranks) { communicator in
                    let shared = try DistributedSparseDataset<Double>.load(libsvm: path, communicator: communicator)
                    var model = LinearRegression()
                    let solution = try model.fit(shared, ridge: ridge, tolerance: 1e-14)
                    return (shared.local.rows, solution, shared.identicalOnAllRanks(solution.parameters))
                }
                let results = try outcomes.map { try $0.get() }
                #expect(results.contains { $0.0 == 0 }, "\(ranks) ranks: some rank without rows")
                #expect(results.map(\.0).reduce(0, +) == 8)
                for (_, solution, identical) in results {
                    #expect(identical && solution.parameters.stacked == results[0].1.parameters.stacked)
                    #expect(relativeDifference(solution.parameters, dense.parameters) <= 1e-8, "\(ranks) ranks, ridge \(ridge)")
                }
            }
        }
    }
}
