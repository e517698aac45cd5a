import Foundation

extension LIBSVMWindowReader {
    /// Trains `trainer` on every window of the stream, in order, each window's rows added to
    /// `reference` (the exact least squares of the rows seen) when one is given, a block of
    /// dense rows at a time; returns the rows read and each window's progressive loss.
    /// - Throws: what the reader, the trainer and the reference throw.
    package mutating func train(_ trainer: SparseOnlineTrainer, reference: inout LeastSquares.OnePassFit?) throws -> (
        rows: Int, windowLosses: [Double]
    ) {
        var losses: [Double] = []
        var blocks = reference.map { _ in DenseBlocks(features: featureCount) }
        let rows = try forEachWindow(batchRows: trainer.batchRows) { window in
            losses.append(try trainer.partialFit(window))
            if reference != nil {
                try BLASThreads.singleThreaded {
                    try blocks!.forEach(window) { try reference!.add(count: $0, features: $1, targets: $2, weights: nil) }
                }
            }
        }
        return (rows, losses)
    }
}

/// Sparse rows written out dense a block at a time (x₁ … x_p row-major, then the targets), into
/// buffers allocated once: the one-pass least squares reads dense rows.
struct DenseBlocks {
    let featureCount: Int
    /// Rows a block: 1 MiB of values (as a CSV stream's window), at least 16.
    let blockRows: Int
    private var features: [Double], targets: [Double]

    init(features p: Int) {
        featureCount = p
        blockRows = Swift.max(16, CSVWindowReader.windowBytes / (8 * (p + 1)))
        features = [Double](repeating: 0, count: blockRows * p)
        targets = [Double](repeating: 0, count: blockRows)
    }

    /// Hands `body` the rows of `window` (one target each) a dense block at a time, in order.
    mutating func forEach(
        _ window: SparseRowsView<Double>,
        _ body: (_ rows: Int, _ features: UnsafePointer<Double>, _ targets: UnsafePointer<Double>) throws -> Void
    ) throws {
        let p = featureCount
        var first = 0
        while first < window.rows {
            let count = Swift.min(blockRows, window.rows - first)
            try features.withUnsafeMutableBufferPointer { x in
                try targets.withUnsafeMutableBufferPointer { y in
                    let x = x.baseAddress!, y = y.baseAddress!
                    x.update(repeating: 0, count: count * p)
                    for r in 0..<count {
                        let i = first + r
                        for position in window.rowStarts[i]..<window.rowStarts[i + 1] {
                            x[r * p + Int(window.columns[position])] = window.values[position]
                        }
                        y[r] = window.targets[i]
                    }
                    try body(count, x, y)
                }
            }
            first += count
        }
    }
}

/// A libsvm stream's rows as dense windows (``RowWindows``): what `solve -` accumulates in one
/// pass. Features `x1` … `xp`, the target `y`, as a libsvm file's.
package struct LIBSVMDenseWindows: RowWindows {
    package let featureNames: [String]
    package let targetNames = ["y"]
    package var windowRows: Int { blocks.blockRows }
    private var reader: LIBSVMWindowReader
    private var blocks: DenseBlocks

    /// The rows of `reader`, dense.
    package init(_ reader: LIBSVMWindowReader) {
        self.reader = reader
        featureNames = Dataset<Double>.defaultFeatureNames(reader.featureCount)
        blocks = DenseBlocks(features: reader.featureCount)
    }

    /// Whether the stream's last line ended without a newline.
    package var lastLineUnended: Bool { reader.lastLineUnended }
    /// Lines read so far.
    package var linesRead: Int { reader.linesRead }

    package mutating func forEachWindow(
        _ body: (_ rows: Int, _ features: UnsafePointer<Double>, _ targets: UnsafePointer<Double>, _ weights: UnsafePointer<Double>?)
            throws -> Void
    ) throws -> Int {
        var blocks = self.blocks
        defer { self.blocks = blocks }
        return try reader.forEachWindow(batchRows: 1) { window in try blocks.forEach(window) { try body($0, $1, $2, nil) } }
    }
}

extension LeastSquares.OnePassFit {
    /// The bytes a one-pass fit of `features` columns and `outputs` targets holds, about: its two
    /// triangular factors with their blocks, and the solution's matrices; nil beyond counting.
    package static func bytesNeeded(features p: Int, outputs k: Int) -> Int? {
        let w = Double(p + 1 + k)
        let doubles = 2 * (w + Swift.max(4 * w, 65536 / w)) * w + 2 * w * w
        let bytes = 8 * doubles
        return bytes < 0x1p62 ? Int(bytes) : nil
    }
}

extension LeastSquares.OnePassFit {
    /// The most features an online descent's exact reference is accumulated for: beyond them
    /// its O(p²) work a row would outweigh the descent's O(nonzeros) (the limit up to which a
    /// sparse fit computes its curvature exactly, ``Curvature/exactLimit``).
    package static let referenceFeatureLimit = Curvature.exactLimit

    /// Why no one-pass exact reference is accumulated beside an online descent on `features`
    /// columns (beyond ``referenceFeatureLimit``, or beyond the memory available), or nil when
    /// it is.
    package static func referenceRefusal(features p: Int, outputs k: Int) -> String? {
        let need = bytesNeeded(features: p, outputs: k).map { MemoryBudget.describeNeed($0) } ?? "more than 8 EiB"
        if p > referenceFeatureLimit {
            return
                "p = \(p) features: its one-pass QR would need \(need) and O(p²) work a row (it is accumulated for up to \(referenceFeatureLimit) features)"
        }
        do {
            try requireMemory(features: p, outputs: k)
        } catch {
            return "p = \(p) features: its one-pass QR would need \(need), more than is available"
        }
        return nil
    }

    /// Refuses a one-pass fit of `features` columns and `outputs` targets that would not fit in memory.
    /// - Throws: ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)``.
    package static func requireMemory(features p: Int, outputs k: Int) throws {
        try MemoryBudget.require(bytesNeeded(features: p, outputs: k), for: "the one-pass least squares of \(p) features")
    }
}
