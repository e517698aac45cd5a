import Foundation

/// Sparse rows (``SparseDataset``) spread over the processes of a ``Communicator``: each rank
/// holds one contiguous share of the rows, in rank order, and every rank agrees on the width.
///
/// Every process makes the same calls in the same order; each returns the same answer.
/// ``LSQR/solve(_:fitIntercept:ridge:penaltyUnits:tolerance:iterationLimit:)``
/// solves least squares on them: each iteration multiplies this rank's rows by a vector and sums
/// one p-vector (Xᵀu) over the ranks, so no rank ever holds more than its share of the rows or a
/// p×p matrix.
///
/// ```swift
/// let data = try DistributedSparseDataset<Double>.load(libsvm: "text.svm", communicator: world)
/// let solution = try LSQR.solve(data, ridge: 1)     // the same bits on every rank
/// ```
///
/// The width p is given (`featureCount`), or the largest over the ranks of their own rows' widths,
/// so that a rank whose share never reaches the last columns still agrees with the others.
public struct DistributedSparseDataset<Element: BLASScalar>: Sendable {
    /// The processes sharing the rows.
    public let communicator: any Communicator
    /// This rank's rows, as wide as every rank's (``featureCount``).
    public let local: SparseDataset<Element>
    /// Rows held by each rank, in rank order.
    public let rowsPerRank: [Int]
    /// Stored entries over every rank.
    public let nonzeros: Int

    /// Joins each rank's own rows: every rank calls it with its share (any count, one a rank in
    /// rank order), and all learn the width, the row counts and the entries.
    /// - Parameters:
    ///   - local: this rank's rows (their width may be smaller than another rank's).
    ///   - featureCount: p for every rank; nil for the largest of the ranks' widths.
    ///   - communicator: the processes.
    /// - Throws: on every rank alike, ``ArgumentError`` when a rank's rows are wider than a given
    ///   `featureCount` (naming that rank and its widest column), when the ranks' rows have
    ///   different target counts, when some ranks' rows carry weights and others' do not, or when
    ///   every weight is zero; ``DataError/tooFewRows(argument:rows:minimum:)`` when no rank holds a row.
    public init(local: SparseDataset<Element>, featureCount: Int? = nil, communicator: any Communicator) throws {
        self.communicator = communicator
        // Widths, target counts and weights compared in one exchange: each rank's own, its negation for the least.
        let k = Double(local.outputCount), weighted = local.weights == nil ? 0.0 : 1.0
        let extremes = communicator.maximum([Double(local.featureCount), k, -k, weighted, -weighted])
        guard extremes[1] == -extremes[2] else {
            throw ArgumentError(
                argument: "targets", value: "\(Int(-extremes[2])) to \(Int(extremes[1])) a row over the ranks",
                requirement: "must be the same count on every rank")
        }
        guard extremes[3] == -extremes[4] else {
            throw ArgumentError(
                argument: "weights", value: "on some ranks' rows only", requirement: "must be given for every rank's rows or for none")
        }
        let width: Int
        if let featureCount {
            // The widest rank, named: its rows reach past the width every rank was given.
            let widest = communicator.maximum(
                local.featureCount > featureCount ? Double(communicator.size - communicator.rank) : 0)
            guard widest == 0 else {
                let rank = communicator.size - Int(widest)
                throw ArgumentError(
                    argument: "featureCount", value: "\(featureCount)",
                    requirement:
                        "must be at least the rows' width, \(Int(extremes[0])) over the ranks (rank \(rank)'s rows reach past \(featureCount)); give that width or more, or leave the width to the data"
                )
            }
            width = featureCount
        } else {
            width = Int(extremes[0])
        }
        self.local =
            width == local.featureCount
            ? local
            : SparseDataset(
                unchecked: local.rowStarts, local.columnIndices, local.values, local.targets, featureCount: width,
                featureNames: Dataset<Element>.defaultFeatureNames(width), targetNames: local.targetNames, weights: local.weights)
        rowsPerRank = communicator.gather(words: [UInt64(local.rows)]).map { Int($0[0]) }
        nonzeros = Int(communicator.sum(Double(local.nonzeros)))
        guard rowsPerRank.reduce(0, +) > 0 else { throw DataError.tooFewRows(argument: "rows", rows: 0, minimum: 1) }
        if let weights = local.weights, communicator.sum(weights.reduce(0, +)) == 0 {
            throw ArgumentError(argument: "weights", value: "all zero", requirement: "must leave at least one row")
        }
    }

    /// Rows over every rank.
    public var rows: Int { rowsPerRank.reduce(0, +) }
    /// The width p, the same on every rank.
    public var featureCount: Int { local.featureCount }
    /// Number of targets k.
    public var outputCount: Int { local.outputCount }
    /// Feature names.
    public var featureNames: [String] { local.featureNames }
    /// Target names.
    public var targetNames: [String] { local.targetNames }
    /// Stored entries over n·p, over every rank.
    public var density: Double { Double(nonzeros) / (Double(rows) * Double(featureCount)) }
    /// The rows (0-based, among every rank's) this rank holds.
    public var localRows: Range<Int> {
        let start = rowsPerRank[..<communicator.rank].reduce(0, +)
        return start..<start + local.rows
    }

    /// Whether `parameters` are the same bits on every rank (one exchange), as
    /// ``DistributedDataset/identicalOnAllRanks(_:)`` checks.
    public func identicalOnAllRanks(_ parameters: Parameters) -> Bool {
        communicator.identical(parameters)
    }

    /// The errors of `model`'s predictions of every rank's rows (weighted by their weights), the
    /// same on every rank: each rank predicts its own rows, and two exchanges sum the targets'
    /// means, then the errors.
    /// - Throws: ``ModelError`` before a fit or for a model of another width.
    public func evaluate(_ model: LinearRegression) throws -> RegressionMetrics {
        let predictions = try model.predict(local)
        let n = local.rows, k = outputCount, weights = local.weights
        var means = [Double](repeating: 0, count: 1 + k)
        for i in 0..<n {
            let w = weights?[i] ?? 1
            means[0] += w
            for o in 0..<k { means[1 + o] += w * Double(local.targets[i, o]) }
        }
        means = communicator.sum(means)
        let total = means[0]
        // Per target: Σw·e², Σw·|e|, Σw·(y − ȳ)².
        var sums = [Double](repeating: 0, count: 3 * k)
        for i in 0..<n {
            let w = weights?[i] ?? 1
            for o in 0..<k {
                let y = Double(local.targets[i, o]), error = predictions[i, o] - y, centred = y - means[1 + o] / total
                sums[3 * o] += w * error * error
                sums[3 * o + 1] += w * abs(error)
                sums[3 * o + 2] += w * centred * centred
            }
        }
        sums = communicator.sum(sums)
        return RegressionMetrics(
            outputs: (0..<k).map { o in
                let squared = sums[3 * o], spread = sums[3 * o + 2], mse = squared / total
                return RegressionMetrics.Output(
                    meanSquaredError: mse, rootMeanSquaredError: mse.squareRoot(), meanAbsoluteError: sums[3 * o + 1] / total,
                    r2: spread > 0 ? 1 - squared / spread : (squared == 0 ? 1 : 0))
            })
    }
}

extension DistributedSparseDataset {
    /// Loads rank `communicator.rank`'s share of a libsvm file's rows on every rank: each rank
    /// parses only its own part of the file (on its cores, as
    /// ``SparseDataset/load(libsvm:zeroBased:featureCount:)``), so that its memory is its share.
    ///
    /// The file is cut into one range of bytes a rank, each moved forward to the start of a line,
    /// so that every line is read by exactly one rank and the ranks' rows in rank order are the
    /// file's; a rank whose range lies inside one line holds no row. A bad line is named by its
    /// line in the whole file, as one process names it. The ranks first compare their copies of
    /// the file (size and 16 sampled blocks).
    /// - Throws: on the rank that failed, ``DistributedError/failed(rank:ranks:error:)`` with what
    ///   the single-process load throws (a missing file on that node, a bad entry at its line:
    ///   the first in the file when several ranks meet one); on the others
    ///   ``DistributedError/failedElsewhere(rank:)``; on every rank
    ///   ``DistributedError/differentData(path:differences:)`` when the copies differ,
    ///   ``FileError/noRows(path:)`` when no rank found a row, and as
    ///   ``init(local:featureCount:communicator:)``.
    public static func load(
        libsvm path: String, zeroBased: Bool = false, featureCount: Int? = nil, communicator: any Communicator
    ) throws -> DistributedSparseDataset {
        try FileSample.checkSame(path, over: communicator)
        let share = try communicator.agree {
            try LIBSVMReader.read(
                path: path, as: Element.self, zeroBased: zeroBased, featureCount: featureCount,
                part: (communicator.rank, communicator.size))
        }
        // Blank and comment lines only: said as one process says it.
        guard communicator.sum(Double(share.rows)) > 0 else { throw FileError.noRows(path: path) }
        return try DistributedSparseDataset(local: share, featureCount: featureCount, communicator: communicator)
    }

    /// Loads rank `communicator.rank`'s share of a scipy `.npz` CSR matrix and its targets' `.npy`
    /// (as ``SparseDataset/load(npz:targets:featureCount:)``): each rank keeps its ⌊n/K⌋ or ⌈n/K⌉
    /// rows, the first ranks taking the larger shares.
    ///
    /// When the indices and values are stored uncompressed (`save_npz(..., compressed=False)`)
    /// and in the types kept, a rank maps the file and reads and checks only its own rows'
    /// entries, in place; each member's checksum (which covers the whole member) is then made of
    /// every rank's checksum of its own entries, in one exchange. The row offsets and the targets
    /// are read whole on every rank (8 bytes and k values a row). A compressed member can only be
    /// inflated from its start, and its checksum covers it whole, so every rank inflates it
    /// through but keeps and checks only its own rows' entries: the time of a whole read, the
    /// memory of a share.
    /// - Throws: as ``load(libsvm:zeroBased:featureCount:communicator:)``; on every rank
    ///   ``FileError/malformed(path:reason:)`` when a member read in parts does not match its checksum.
    public static func load(
        npz path: String, targets: String, featureCount: Int? = nil, communicator: any Communicator
    ) throws -> DistributedSparseDataset {
        try FileSample.checkSame(path, over: communicator)
        try FileSample.checkSame(targets, over: communicator)
        let part = try communicator.agree {
            try NPZReader.part(
                path: path, targets: targets, as: Element.self, featureCount: featureCount, rank: communicator.rank,
                ranks: communicator.size)
        }
        // Every rank's checksums of its entries; a rank that read the matrix whole checked it whole.
        let checksums = communicator.gather(words: part.pending.map { [1] + $0.checksums } ?? [0, 0, 0, 0, 0])
        if checksums.allSatisfy({ $0[0] == 1 }) { try part.verify(checksums.map { Array($0.dropFirst()) }) }
        return try DistributedSparseDataset(local: part.share, featureCount: featureCount, communicator: communicator)
    }
}

extension SparseDataset {
    /// Rank `rank`'s contiguous share of the rows among `ranks` (``Sharing/split(_:ranks:)``).
    func share(rank: Int, ranks: Int) throws -> SparseDataset {
        // One rank's share is every row: kept as read (a mapping stays one).
        guard ranks > 1 else { return self }
        let counts = Sharing.split(rows, ranks: ranks)
        let start = counts[..<rank].reduce(0, +)
        return try gathering(start..<start + counts[rank])
    }
}

extension RegressionMetrics {
    /// Figures already computed (over ranks), one per target.
    init(outputs: [Output]) { self.outputs = outputs }
}

extension Communicator {
    /// Whether `parameters` are the same bits on every rank: a 64-bit hash of their bit
    /// patterns, its largest and smallest value over the ranks compared (one exchange).
    func identical(_ parameters: Parameters) -> Bool {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for value in parameters.stacked {
            hash = (hash ^ value.bitPattern) &* 0x0000_0100_0000_01B3
        }
        // Two 32-bit halves are exact in a Double; the maximum of −h is −(the minimum).
        let halves = [Double(hash >> 32), Double(hash & 0xFFFF_FFFF)]
        let extremes = maximum(halves + halves.map { -$0 })
        return extremes[0] == -extremes[2] && extremes[1] == -extremes[3]
    }
}
