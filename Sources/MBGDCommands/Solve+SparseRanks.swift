import Foundation
import MiniBatchGD

extension Solve {
    /// `mbgd-mpi solve FILE.svm` (or `FILE.npz --targets y.npy`): each rank holds its share of the
    /// sparse rows, and LSQR runs over the ranks (each iteration sums one p-vector over them).
    /// Rank 0 reports as `mbgd solve` does, with the ranks' rows and whether every rank ended with
    /// the same bits.
    func runSparse<Element: BLASScalar>(as element: Element.Type, over communicator: any Communicator) throws {
        let status = Status(quiet: json || communicator.rank != 0)
        let rows = try status.during(Status.loading(data.file)) { try Self.sparseShare(data, as: Element.self, over: communicator) }
        var model = LinearRegression(fitIntercept: data.fitIntercept)
        let solution = try status.during(
            "solving \(rows.rows) sparse rows × \(Format.count(rows.featureCount, "feature")) by LSQR on \(communicator.size) ranks"
        ) {
            try model.fit(rows, ridge: l2)
        }
        let metrics = try rows.evaluate(model)
        let distributed = DistributedSummary(
            ranks: communicator.size, rowsPerRank: rows.rowsPerRank, identical: rows.identicalOnAllRanks(solution.parameters))
        var outputs = Outputs()
        if let saveModel { outputs.add(try ModelFile(model).encoded(), to: saveModel) }
        try outputs.commit()
        let sparse = JSON.object([
            ("nonzeros", .integer(rows.nonzeros)), ("density", .number(rows.density)), ("mapped", .bool(rows.local.isMapped)),
        ])
        printLSQRReport(
            solution, fitIntercept: model.fitIntercept, metrics: metrics, featureNames: rows.featureNames, targetNames: rows.targetNames,
            shape:
                "\(rows.rows) rows × \(Format.count(rows.featureCount, "feature")), \(rows.nonzeros) nonzeros (\(Format.number(100 * rows.density, digits: 3)) % dense)",
            sparse: sparse, distributed: distributed)
    }

    /// This rank's share of a sparse file's rows, the width agreed over the ranks.
    static func sparseShare<Element: BLASScalar>(_ options: DataOptions, as element: Element.Type, over communicator: any Communicator)
        throws -> DistributedSparseDataset<Element>
    {
        if SparseInput.isNPZ(options.file), let targets = options.targetsFile {
            return try DistributedSparseDataset<Element>.load(
                npz: options.file, targets: targets, featureCount: options.featureCount, communicator: communicator)
        }
        return try DistributedSparseDataset<Element>.load(
            libsvm: options.file, zeroBased: options.zeroBased, featureCount: options.featureCount, communicator: communicator)
    }
}
