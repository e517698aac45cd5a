/// One row handed out by a ``SparseRowStream``: its entries (0-based columns, increasing) and
/// its targets, valid during the call that receives it.
struct SparseRow {
    let columns: UnsafeBufferPointer<Int32>
    let values: UnsafeBufferPointer<Double>
    let targets: UnsafeBufferPointer<Double>
}

/// Rows read front to back in bounded memory, as many times as a conversion needs: a libsvm
/// file, an `.npz` with its targets, or a CSV or `.npy` file whose last column is the target.
protocol SparseRowStream {
    /// The file read, for messages.
    var path: String { get }
    /// Targets per row.
    var targetCount: Int { get }
    /// Calls `body` with each row in order.
    func forEachRow(_ body: (SparseRow) throws -> Void) throws
    /// The rows, entries and width: a pass over the rows unless the file says them.
    func shape() throws -> SparseShape
}

/// What a pass over a stream counted: the shape of the matrix it holds.
struct SparseShape {
    var rows = 0, nonzeros = 0
    /// One more than the largest column used (0 before any).
    var featureCount = 0
}

extension SparseRowStream {
    /// One pass that counts rows, entries and the width (one more than the largest column used).
    func shape() throws -> SparseShape {
        var shape = SparseShape()
        try forEachRow { row in
            shape.rows += 1
            shape.nonzeros += row.columns.count
            if let last = row.columns.last { shape.featureCount = Swift.max(shape.featureCount, Int(last) + 1) }
        }
        return shape
    }
}

/// A libsvm file's rows, parsed 4 MiB of lines at a time (as ``LIBSVMReader`` parses each of its
/// chunks) into arrays reused from run to run.
struct LIBSVMRowStream: SparseRowStream {
    let path: String
    let zeroBased: Bool
    var targetCount: Int { 1 }

    func forEachRow(_ body: (SparseRow) throws -> Void) throws {
        let file = try PositionalFile(path: path)
        guard file.size > 0 else { throw FileError.empty(path: path) }
        let indexing = LIBSVMIndexing(zeroBased: zeroBased, featureCount: nil)
        var rowEnds = [Int](), targets = [Double](), columns = [Int32](), values = [Double]()
        var lines = 0, rows = 0
        try LIBSVMReader.forEachRunOfLines(of: file, from: 0, to: file.size) { bytes, count in
            let counted = LIBSVMReader.countLinesAndColons(bytes, count: count)
            // One spare each: none is ever empty (an empty array may have no address).
            let rowCapacity = counted.lines + 1, entryCapacity = counted.colons + 1
            if rowEnds.count < rowCapacity {
                rowEnds = [Int](repeating: 0, count: rowCapacity)
                targets = [Double](repeating: 0, count: rowCapacity)
            }
            if columns.count < entryCapacity {
                columns = [Int32](repeating: 0, count: entryCapacity)
                values = [Double](repeating: 0, count: entryCapacity)
            }
            var outcome = LIBSVMRunOutcome()
            try rowEnds.withUnsafeMutableBufferPointer { rowEnds in
                try targets.withUnsafeMutableBufferPointer { targets in
                    try columns.withUnsafeMutableBufferPointer { columns in
                        try values.withUnsafeMutableBufferPointer { values in
                            let storage = LIBSVMStorage<Double>(
                                rowEnds: rowEnds.baseAddress!, targets: targets.baseAddress!, columns: columns.baseAddress!,
                                values: values.baseAddress!, rowCapacity: rowCapacity, entryCapacity: entryCapacity)
                            do {
                                try LIBSVMLines.parse(
                                    bytes, count: count, firstLine: lines + 1, indexing: indexing, storage: storage, path: path,
                                    fileSize: file.size, outcome: &outcome)
                            } catch let FileError.lineTooLong(path, _, limit) {
                                throw FileError.lineTooLong(path: path, line: lines + outcome.lines + 1, limitBytes: limit)
                            }
                            var start = 0
                            for r in 0..<outcome.rows {
                                let end = rowEnds[r]
                                try body(
                                    SparseRow(
                                        columns: UnsafeBufferPointer(rebasing: columns[start..<end]),
                                        values: UnsafeBufferPointer(rebasing: values[start..<end]),
                                        targets: UnsafeBufferPointer(rebasing: targets[r..<r + 1])))
                                start = end
                            }
                        }
                    }
                }
            }
            lines += outcome.lines
            rows += outcome.rows
        }
        guard rows > 0 else { throw FileError.noRows(path: path) }
    }
}

/// The rows of an `.npz` and its targets, each array read through a window of its own: memory is
/// the windows and the longest row, whatever the file's size. Checked as ``NPZReader`` checks
/// them (rows out of order sorted).
struct NPZRowStream: SparseRowStream {
    let path: String
    let targetsPath: String
    let targetCount: Int
    private let knownShape: SparseShape

    func shape() throws -> SparseShape { knownShape }

    init(path: String, targets: String) throws {
        self.path = path
        targetsPath = targets
        let members = try NPZReader.members(path: path)
        let array = try NPYArrayStream(FileByteStream(PositionalFile(path: targets)))
        targetCount = try NPZReader.targetShape(array, path: targets, rows: members.rows)
        knownShape = SparseShape(rows: members.rows, nonzeros: members.nonzeros, featureCount: members.featureCount)
    }

    /// Elements of one array handed out in order, refilled a window at a time.
    private struct Window<T: Numeric> {
        var buffer: [T]
        var position = 0, filled = 0
        var left: Int
        let fill: (UnsafeMutableBufferPointer<T>) throws -> Void

        init(count: Int, fill: @escaping (UnsafeMutableBufferPointer<T>) throws -> Void) {
            buffer = [T](repeating: 0, count: Swift.max(1, Swift.min(count, NPYArrayStream.windowElements)))
            left = count
            self.fill = fill
        }

        /// The next `count` elements into `destination[0..<count]`.
        mutating func take(_ count: Int, into destination: UnsafeMutablePointer<T>) throws {
            var done = 0
            while done < count {
                if position == filled {
                    let size = Swift.min(buffer.count, left)
                    try buffer.withUnsafeMutableBufferPointer { try fill(UnsafeMutableBufferPointer(rebasing: $0[0..<size])) }
                    (position, filled, left) = (0, size, left - size)
                }
                let move = Swift.min(count - done, filled - position)
                buffer.withUnsafeBufferPointer { (destination + done).update(from: $0.baseAddress! + position, count: move) }
                position += move
                done += move
            }
        }
    }

    func forEachRow(_ body: (SparseRow) throws -> Void) throws {
        let members = try NPZReader.members(path: path)
        let targets = try NPYArrayStream(FileByteStream(PositionalFile(path: targetsPath)))
        let n = members.rows, p = members.featureCount, nnz = members.nonzeros, k = targetCount
        func malformed(_ reason: String) -> FileError { .malformed(path: path, reason: reason) }
        var offsets = Window<Int>(count: n + 1) { try members.indptr.readIntegers(into: $0) }
        var indices = Window<Int32>(count: nnz) { buffer in
            try members.indices.readIntegers(into: buffer) { _, value in
                throw malformed("column index \(value) is outside 0..<\(p) (the matrix's \(p) columns, 0-based)")
            }
        }
        var data = Window<Double>(count: nnz) { try members.data.readNumbers(into: $0) }
        var y = Window<Double>(count: n * k) { try targets.readNumbers(into: $0) }
        var start = 0, end = 0
        try offsets.take(1, into: &start)
        guard start == 0 else { throw malformed("indptr.npy starts at \(start); the first row starts at 0") }
        var columns = [Int32](), values = [Double](), rowTargets = [Double](repeating: 0, count: k)
        var pairs: [(Int32, Double)] = []
        for i in 0..<n {
            try offsets.take(1, into: &end)
            guard end >= start, end <= nnz else {
                throw malformed(
                    end < start
                        ? "indptr.npy decreases at row \(i + 1) (\(start) then \(end)); row offsets never decrease"
                        : "indptr.npy reaches \(end) at row \(i + 1), beyond the \(nnz) entries")
            }
            let count = end - start
            if columns.count < count {
                columns = [Int32](repeating: 0, count: count)
                values = [Double](repeating: 0, count: count)
            }
            try columns.withUnsafeMutableBufferPointer { try indices.take(count, into: $0.baseAddress!) }
            try values.withUnsafeMutableBufferPointer { try data.take(count, into: $0.baseAddress!) }
            try rowTargets.withUnsafeMutableBufferPointer { try y.take(k, into: $0.baseAddress!) }
            try columns.withUnsafeMutableBufferPointer { c in
                try values.withUnsafeMutableBufferPointer { v in
                    guard count > 0 else { return }
                    do throws(SparseRowCheck.Problem) {
                        _ = try SparseRowCheck.check(
                            columns: c.baseAddress!, values: v.baseAddress!, count: count, features: p, scratch: &pairs)
                    } catch {
                        throw malformed("\(error.place(row: i + 1)): \(error.reason(features: p))")
                    }
                }
            }
            if let o = (0..<k).first(where: { !rowTargets[$0].isFinite }) {
                throw FileError.nonFinite(path: targetsPath, line: i + 1, column: o + 1, text: String(rowTargets[o]))
            }
            try columns.withUnsafeBufferPointer { c in
                try values.withUnsafeBufferPointer { v in
                    try rowTargets.withUnsafeBufferPointer { t in
                        try body(
                            SparseRow(
                                columns: UnsafeBufferPointer(rebasing: c[0..<count]), values: UnsafeBufferPointer(rebasing: v[0..<count]),
                                targets: t))
                    }
                }
            }
            start = end
        }
        guard end == nnz else { throw malformed("indptr.npy ends at \(end), but there are \(nnz) entries; the last offset is their count") }
    }
}

/// A CSV or `.npy` file's rows written sparse: every non-zero value of the features an entry, the
/// last column (of those chosen) the target. Read a block at a time (see ``NPYWriter``).
struct DenseRowStream: SparseRowStream {
    let path: String
    let columns: [String]?
    var targetCount: Int { 1 }

    /// A pass that counts rows and entries; the width is every column but the target.
    func shape() throws -> SparseShape {
        var shape = SparseShape()
        let names = try rows { row in
            shape.rows += 1
            shape.nonzeros += row.columns.count
        }
        shape.featureCount = names.count - 1
        return shape
    }

    func forEachRow(_ body: (SparseRow) throws -> Void) throws { _ = try rows(body) }

    /// The rows, and the columns' names.
    private func rows(_ body: (SparseRow) throws -> Void) throws -> [String] {
        var indices = [Int32](), values = [Double]()
        let (names, _) = try NPYWriter.forEachBlock(of: path, columns: columns) { names, block, rows in
            let width = names.count
            guard width >= 2 else {
                throw FileError.malformed(
                    path: path, reason: "has \(width) column; sparse rows need features and a target (the last column)")
            }
            if indices.count < width {
                indices = [Int32](repeating: 0, count: width)
                values = [Double](repeating: 0, count: width)
            }
            for i in 0..<rows {
                let row = block + i * width
                var count = 0
                for j in 0..<width - 1 where row[j] != 0 {
                    indices[count] = Int32(j)
                    values[count] = row[j]
                    count += 1
                }
                try indices.withUnsafeBufferPointer { c in
                    try values.withUnsafeBufferPointer { v in
                        try body(
                            SparseRow(
                                columns: UnsafeBufferPointer(rebasing: c[0..<count]), values: UnsafeBufferPointer(rebasing: v[0..<count]),
                                targets: UnsafeBufferPointer(start: row + width - 1, count: 1)))
                    }
                }
            }
        }
        guard names.count >= 2 else {
            throw FileError.malformed(
                path: path, reason: "has \(names.count) column; sparse rows need features and a target (the last column)")
        }
        return names
    }
}
