import Foundation
import MiniBatchGD

extension Fit {
    /// What `mbgd-mpi fit` on sparse rows does not spread over the ranks yet, refused by its flags
    /// before any row is read.
    func checkSparseRanks() throws {
        guard Cluster.communicator != nil else { return }
        let kind = "\(data.file) is \(SparseInput.kind(data.file))"
        if testFraction != nil || validationFraction != nil {
            throw CLIError.badArgument(
                "\(kind): mbgd-mpi fit does not hold rows out of sparse rows spread over the ranks yet; drop \(testFraction != nil ? "--test-fraction" : "--validation-fraction"), or run mbgd fit in one process"
            )
        }
    }

    /// `mbgd-mpi fit FILE.svm` (or `FILE.npz --targets y.npy`): each rank reads and keeps its share
    /// of the rows (as `mbgd-mpi solve`); every batch is gathered from the ranks holding its rows,
    /// and every rank takes `mbgd fit`'s step on it, so the parameters and the history are
    /// `mbgd fit`'s bits on any number of ranks; the reference is LSQR over the ranks. Rank 0
    /// reports as `mbgd fit` does, with the ranks' rows.
    func runSparse<Element: BLASScalar>(as element: Element.Type, over communicator: any Communicator) throws {
        let status = Status(quiet: json || communicator.rank != 0)
        let rows = try status.during(Status.loading(data.file)) { try Solve.sparseShare(data, as: Element.self, over: communicator) }
        let config = gradientDescent
        let (model, comparison) = try fitAndCompare(
            config, { model, progress in try model.fitAndCompare(rows, using: config, progress: progress) },
            epochsRun: { $0.run.history.epochsRun })
        for note in comparison.run.notes { Terminal.writeError("\(Cluster.tool): note: \(note)\n") }
        let metrics = try rows.evaluate(model)
        let distributed = DistributedSummary(
            ranks: communicator.size, rowsPerRank: rows.rowsPerRank, identical: rows.identicalOnAllRanks(model.parameters!))
        var outputs = Outputs()
        if let path = saveModel { outputs.add(try ModelFile(model).encoded(), to: path) }
        try outputs.commit()
        let shape =
            "\(rows.rows) rows × \(Format.count(rows.featureCount, "feature")), \(rows.nonzeros) nonzeros (\(Format.number(100 * rows.density, digits: 3)) % dense)"
        let sparse = JSON.object([
            ("nonzeros", .integer(rows.nonzeros)), ("density", .number(rows.density)), ("mapped", .bool(rows.local.isMapped)),
        ])
        printSparseDescent(
            model: model, comparison: comparison, metrics: (metrics, nil), data: (shape, sparse, rows.targetNames), distributed: distributed
        )
    }
}
