import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The rows of a CSV stream (standard input, a pipe, a FIFO) read once, handed over a window of
/// rows at a time: the window's buffers are allocated once, so the memory is bounded whatever the
/// stream's length. The lines are parsed by ``CSVLines`` (the file reader's parser, its errors
/// naming line and column); a weight column is read as one more target and split off.
package struct CSVWindowReader: RowWindows {
    /// Bytes of parsed values a window holds (its rows: this over 8 × the columns used).
    package static let windowBytes = 1 << 20

    package let featureNames: [String]
    package let targetNames: [String]
    /// Rows per window.
    package let windowRows: Int
    private var stream: LineStream
    private let plan: CSVColumnPlan
    private let name: String
    private let weighted: Bool
    private var features: [Double], targets: [Double], weights: [Double]
    private var outcome = CSVRunOutcome()
    /// Rows handed over before the current window.
    private var rowsBefore = 0
    /// Whether the stream's last line ended without a newline (a stream cut short, perhaps).
    package private(set) var lastLineUnended = false
    /// The number of the last line read, the header's included.
    package var linesRead: Int { 1 + outcome.lines }

    /// Reads the header of `descriptor` (`name` in messages) and plans the columns as the file
    /// reader does: `targets` (the last column when empty), `features` (every other column when
    /// nil), `weights` neither.
    /// - Throws: ``FileError`` for an empty stream or a bad header, ``ArgumentError`` for a
    ///   weight column that is a target or a feature.
    package init(descriptor: Int32, name: String, prefix: [UInt8] = [], targets: [String], features: [String]?, weights: String?) throws {
        stream = try LineStream(descriptor: descriptor, path: name, prefix: prefix)
        let header = try CSVReader.header(of: &stream, path: name)
        let targetNames = targets.isEmpty ? [header.last!] : targets
        if let weights {
            if targetNames.contains(weights) {
                throw ArgumentError(
                    argument: "weights", value: weights,
                    requirement: targets.isEmpty
                        ? "must not be the target (the last column when no target is named)" : "must not be a target column")
            }
            if let features, features.contains(weights) {
                throw ArgumentError(argument: "weights", value: weights, requirement: "must not be one of the features")
            }
        }
        plan = try CSVColumnPlan(header: header, targets: targetNames + (weights.map { [$0] } ?? []), features: features, path: name)
        self.name = name
        weighted = weights != nil
        featureNames = plan.featureNames
        self.targetNames = targetNames
        let width = plan.featureNames.count + plan.targetNames.count
        windowRows = Swift.max(16, Self.windowBytes / (8 * width))
        self.features = [Double](repeating: 0, count: windowRows * featureNames.count)
        self.targets = [Double](repeating: 0, count: windowRows * plan.targetNames.count)
        self.weights = [Double](repeating: 0, count: weighted ? windowRows : 0)
    }

    /// Hands every window of rows to `body` (row-major features, targets, and the weights when a
    /// column was named), in stream order; returns the rows read.
    /// - Throws: ``FileError`` naming the line of a bad cell or a ragged row,
    ///   ``FileError/headerOnly(path:)`` for a stream without rows, ``NegativeWeight``; whatever `body` throws.
    package mutating func forEachWindow(
        _ body: (_ rows: Int, _ features: UnsafePointer<Double>, _ targets: UnsafePointer<Double>, _ weights: UnsafePointer<Double>?)
            throws -> Void
    ) throws -> Int {
        let window = windowRows
        var filled = 0
        // The stream apart from self while its closure fills self's window.
        var stream = self.stream
        defer { self.stream = stream }
        while try stream.nextLines({ bytes, count in
            if count > 0 { lastLineUnended = bytes[count - 1] != 0x0A }
            var position = 0
            while position < count {
                // At most the lines that fit: each line is at most one row.
                var cut = position, lines = 0
                while lines < window - filled, cut < count {
                    cut =
                        memchr(bytes + cut, 0x0A, count - cut).map {
                            UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - bytes + 1
                        } ?? count
                    lines += 1
                }
                outcome.rows = filled
                try features.withUnsafeMutableBufferPointer { f in
                    try targets.withUnsafeMutableBufferPointer { t in
                        try CSVLines.parse(
                            bytes + position, count: cut - position, firstLine: 2 + outcome.lines, plan: plan, features: f.baseAddress,
                            targets: t.baseAddress, path: name, outcome: &outcome)
                    }
                }
                filled = outcome.rows
                position = cut
                if filled == window {
                    try flush(filled, body)
                    filled = 0
                }
            }
        }) {}
        if filled > 0 { try flush(filled, body) }
        guard rowsBefore > 0 else { throw FileError.headerOnly(path: name) }
        return rowsBefore
    }

    /// A negative weight, on `line` (the header is line 1).
    package struct NegativeWeight: Error {
        package let line: Int
        package let value: Double
    }

    /// Splits the weights off the targets (in place), checks them, and hands the window over.
    private mutating func flush(
        _ rows: Int, _ body: (Int, UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>?) throws -> Void
    ) throws {
        let k = targetNames.count
        if weighted {
            for i in 0..<rows {
                let w = targets[i * (k + 1) + k]
                guard w >= 0 else {
                    // Rows are consecutive lines after the header: blank lines may only trail.
                    throw NegativeWeight(line: rowsBefore + i + 2, value: w)
                }
                weights[i] = w
                for o in 0..<k { targets[i * k + o] = targets[i * (k + 1) + o] }
            }
        }
        try features.withUnsafeBufferPointer { f in
            try targets.withUnsafeBufferPointer { t in
                try weights.withUnsafeBufferPointer { w in try body(rows, f.baseAddress!, t.baseAddress!, weighted ? w.baseAddress! : nil) }
            }
        }
        rowsBefore += rows
    }
}
