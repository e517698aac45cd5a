/// The rows of one `.npy` file spread over the processes of a ``Communicator`` (the ranks of an
/// MPI job): every process maps the same file and reads only its own contiguous share of the rows,
/// so K machines fit K times the rows one machine could, and each reads 1/K of the file.
///
/// Every process makes the same calls in the same order; each returns the same answer. The
/// closed form merges the ranks' moments or triangular factors; gradient descent is synchronous
/// and data-parallel (each rank adds the gradient of its share of a batch, the shares are summed,
/// every rank takes the same step), so the parameters are the same bits on every rank.
///
/// ```swift
/// let data = try DistributedDataset(path: "big.npy", communicator: world)
/// var model = LinearRegression()
/// try model.fit(data, using: GradientDescent(batchSize: .full, optimizer: .nesterov))
/// ```
///
/// The file must be one that ``MappedDataset`` can read in place (this machine's byte order, C
/// order, the element type: `DistributedDataset<Float>` for float32, `DistributedDataset<Double>`,
/// the default, for float64). Rows are shares of ⌊n/K⌋ or ⌈n/K⌉, the first ranks taking the larger; a rank may hold
/// none. A weight column (weighted least squares) is read for this rank's share alone.
public struct DistributedDataset<Element: BLASScalar>: Sendable {
    /// The processes sharing the rows.
    public let communicator: any Communicator
    /// The whole file, mapped; only this rank's share is ever read.
    let file: MappedDataset<Element>
    /// The file rows this data set covers: all of them, or a part after ``split(testFraction:shuffleSeed:)``.
    let range: Range<Int>
    /// The weights of this rank's rows, or nil without a weight column.
    let localWeights: [Double]?

    /// Maps `path` on every rank, checks that every rank mapped the same data, and checks this
    /// rank's share of its rows (each value finite, each weight finite and ≥ 0). Columns are named
    /// as for ``MappedDataset/mapIfPossible(path:targets:features:weights:)->MappedDataset<Element>?``.
    ///
    /// The ranks compare their files' size, shape, element type, chosen columns (positions and
    /// names), a hash of the `.npy` header and a hash of 16 blocks of 4 KiB sampled at fixed
    /// places (the first, the last, the others evenly between): node-local copies of one path that
    /// differ in length or shape are always refused, a copy that differs only between the samples
    /// is not seen.
    /// - Throws: on the rank that failed, ``DistributedError/failed(rank:ranks:error:)`` with what
    ///   `MappedDataset.init(path:targets:features:weights:)` throws (a NaN at its file line, a
    ///   bad weight at its row, a file that cannot be read in place); on the other ranks
    ///   ``DistributedError/failedElsewhere(rank:)``. On every rank,
    ///   ``DistributedError/differentData(path:differences:)`` when the ranks' files differ, and
    ///   ``ArgumentError`` when every weight is zero.
    /// - Complexity: O(n·width/K) on each rank: one pass over its share, and O(1) to compare files.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public init(
        path: String, targets: [String] = [], features: [String]? = nil, weights: String? = nil, communicator: any Communicator
    ) throws {
        try self.init(elementsOf: path, targets: targets, features: features, weights: weights, communicator: communicator)
    }

    private init(
        elementsOf path: String, targets: [String], features: [String]?, weights: String?, communicator: any Communicator
    ) throws {
        self.communicator = communicator
        let (file, fingerprint) = try communicator.agree {
            guard try DataFileFormat.of(path: path) == .npy else {
                throw FileError.notMappable(path: path, reason: "it is not a .npy file (convert it to .npy first)")
            }
            let file = try MappedDataset<Element>.map(
                path: path, targets: targets, features: features, weights: weights, checkingValues: false)
            return (file, DataFingerprint(of: file))
        }
        // Before any rank reads its share: shares of different files would combine into a wrong
        // answer without an error.
        try fingerprint.checkSame(over: communicator, path: path)
        self.file = file
        localWeights = try communicator.agree {
            let share = Self.share(of: 0..<file.rows, rank: communicator.rank, ranks: communicator.size)
            try file.rows(share).checkFinite()
            let local = file.rows(share).readWeights()
            if let local, let bad = local.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
                throw ArgumentError(
                    argument: "weights", value: "\(local[bad]) (row \(share.lowerBound + bad + 1))",
                    requirement: "must be finite and zero or positive")
            }
            return local
        }
        range = 0..<file.rows
        if let localWeights, communicator.sum(localWeights.reduce(0, +)) == 0 {
            throw ArgumentError(argument: "weights", value: "all zero", requirement: "must leave at least one row")
        }
    }

    private init(communicator: any Communicator, file: MappedDataset<Element>, range: Range<Int>) {
        self.communicator = communicator
        self.file = file
        self.range = range
        localWeights = file.rows(Self.share(of: range, rank: communicator.rank, ranks: communicator.size)).readWeights()
    }

    /// The file.
    public var path: String { file.path }
    /// Rows over every rank.
    public var rows: Int { range.count }
    /// Number of features p.
    public var featureCount: Int { file.featureCount }
    /// Number of targets k.
    public var outputCount: Int { file.outputCount }
    /// Feature names, as ``MappedDataset/featureNames``.
    public var featureNames: [String] { file.featureNames }
    /// Target names, as ``MappedDataset/targetNames``.
    public var targetNames: [String] { file.targetNames }
    /// Rows held by each rank, in rank order.
    public var rowsPerRank: [Int] { Sharing.split(rows, ranks: communicator.size) }
    /// The file rows (0-based) this rank holds.
    public var localRows: Range<Int> { Self.share(of: range, rank: communicator.rank, ranks: communicator.size) }

    /// Rank `rank`'s share of `range`.
    private static func share(of range: Range<Int>, rank: Int, ranks: Int) -> Range<Int> {
        let counts = Sharing.split(range.count, ranks: ranks)
        let start = range.lowerBound + counts[..<rank].reduce(0, +)
        return start..<start + counts[rank]
    }

    /// Splits into a training part (the first rows of the file) and a test part (the last
    /// `round(testFraction × n)` rows, at least one, leaving at least one), each spread over every
    /// rank again, as ``MappedDataset/split(testFraction:shuffleSeed:)`` splits.
    /// - Throws: ``ArgumentError`` for a fraction outside (0, 1), ``DataError/tooFewRows(argument:rows:minimum:)``.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public func split(testFraction: Double, shuffleSeed: UInt64? = nil) throws -> (train: DistributedDataset, test: DistributedDataset) {
        let testCount = try heldOutRowCount(rows: rows, testFraction: testFraction)
        let boundary = range.upperBound - testCount
        return (
            DistributedDataset(communicator: communicator, file: file, range: range.lowerBound..<boundary),
            DistributedDataset(communicator: communicator, file: file, range: boundary..<range.upperBound)
        )
    }

    /// At most `limit` evenly spaced rows of every rank's rows, copied into a ``Dataset`` on
    /// this rank (for a plot), as ``MappedDataset/sample(rows:)`` takes them.
    /// - Throws: ``ArgumentError`` for a limit below 1.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public func sample(rows limit: Int) throws -> Dataset<Element> {
        try file.rows(range).sample(rows: limit)
    }

    /// Rows per block when a fit shuffles: the mapped file's (about 1 MiB, read in order).
    var shuffleBlockRows: Int { file.rows(range).shuffleBlockRows }

    /// Whether `parameters` are the same bits on every rank: a 64-bit hash of their bit patterns,
    /// its largest and smallest value over the ranks compared (one exchange).
    public func identicalOnAllRanks(_ parameters: Parameters) -> Bool {
        communicator.identical(parameters)
    }
}

extension DistributedDataset: InPlaceRows {
    /// The weights of this rank's rows.
    public var weights: [Double]? { localWeights }

    /// Every rank shuffles its own share in blocks, so that any rank count reads in order.
    var shufflesInBlocks: Bool { true }

    func blockShuffleNote(blockRows: Int) -> String {
        "each rank shuffles its rows in blocks of \(blockRows) rows, each read in order: shuffling single rows would read the file at random"
    }

    func heldOutNote(rows: Int) -> String { "the last \(rows) rows of the file are held out for early stopping" }

    /// `body` with this rank's rows, which know how they sit among every rank's.
    public func withRows<Result>(_ body: (Rows<Element>) throws -> Result) rethrows -> Result {
        let sharing = Sharing(communicator: communicator, rowsPerRank: rowsPerRank)
        return try file.rows(localRows).withRows { local in
            var rows = local
            rows.sharing = sharing
            return try body(rows)
        }
    }
}

extension DistributedDataset where Element == Double {
    /// ``init(path:targets:features:weights:communicator:)`` of a float64 file: what
    /// `DistributedDataset(path: …)` without an element type maps.
    /// - Throws: what that initializer throws.
    public init(
        path: String, targets: [String] = [], features: [String]? = nil, weights: String? = nil, communicator: any Communicator
    ) throws {
        try self.init(elementsOf: path, targets: targets, features: features, weights: weights, communicator: communicator)
    }
}
