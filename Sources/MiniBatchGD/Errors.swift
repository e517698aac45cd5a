import Foundation

// One typed error per failure family. Every case carries the context a user needs to act:
// which argument, which row and column, which epoch, which LAPACK routine.

/// What kind of failure an error is, whichever type carries it: what a caller needs to decide
/// what to do (the `mbgd` tool maps it to its exit status: 2 for ``argument``, 130 for
/// ``cancelled``, 1 otherwise).
public enum ErrorKind: String, Sendable, CaseIterable {
    /// A caller's mistake in a call or a configuration: a size, a rate, a fraction, a name.
    case argument
    /// Data that cannot be used as given: shapes that do not fit, values out of range, a model
    /// that does not match, or more than this machine's memory.
    case input
    /// A computation that failed: divergence, rank deficiency, LAPACK.
    case numerical
    /// A file that cannot be read as its format says.
    case file
    /// One of several processes failed, or they read different data.
    case distributed
    /// The caller cancelled the work.
    case cancelled
}

/// Every error the library throws: a message a user can act on (its `description`) and its
/// ``ErrorKind``. Messages hold names and cells from files as they are: a program that prints
/// them to a terminal escapes them (the `mbgd` tool does).
public protocol MiniBatchGDError: Error, CustomStringConvertible {
    /// What kind of failure it is.
    var kind: ErrorKind { get }
}

/// An argument of a library call is out of range: a size, a rate, a fraction, a column list.
///
/// One shape for every family, so that a caller (the `mbgd` tool among them) can tell a caller's
/// mistake (exit status 2) from bad data or a failed computation. `argument` is the parameter or
/// property name as spelled in the API.
public struct ArgumentError: MiniBatchGDError, Equatable, Sendable {
    /// The parameter or property, e.g. `learningRate` or `earlyStopping.patience`.
    public let argument: String
    /// The value given, as text.
    public let value: String
    /// What the value must be.
    public let requirement: String

    /// An argument error; `value` is shown as given.
    public init(argument: String, value: String, requirement: String) {
        self.argument = argument
        self.value = value
        self.requirement = requirement
    }

    /// ``ErrorKind/argument``.
    public var kind: ErrorKind { .argument }

    /// `argument = value is invalid: requirement`.
    public var description: String { "\(argument) = \(value) is invalid: \(requirement)" }

    /// A fraction outside the open interval (0, 1).
    static func fraction(_ argument: String, _ value: Double) -> ArgumentError {
        ArgumentError(argument: argument, value: "\(value)", requirement: "must lie strictly between 0 and 1")
    }
}

/// A matrix or vector had the wrong shape for the operation, or held a value it must not.
public enum MatrixError: MiniBatchGDError, Equatable, Sendable {
    /// `argument` of `operation` was `actual` where `expected` was needed (shapes as "rows×columns").
    case dimensionMismatch(operation: String, argument: String, expected: String, actual: String)
    /// The element count does not match `rows × columns`.
    case elementCount(rows: Int, columns: Int, count: Int)
    /// A negative dimension.
    case negativeDimension(rows: Int, columns: Int)
    /// Rows of a nested array had different lengths.
    case raggedRows(row: Int, expected: Int, actual: Int)
    /// A requested row range is not inside the matrix.
    case rowRangeOutOfBounds(lower: Int, upper: Int, rows: Int)
    /// A NaN or infinity in `argument` at (`row`, `column`), both zero-based.
    case nonFinite(argument: String, row: Int, column: Int, value: Double)
    /// `operation` needs more memory than the process may use (the least of the machine's
    /// available memory, the cgroup's limit and the address-space limit).
    case tooLarge(operation: String, neededBytes: Int, availableBytes: Int)
    /// A dimension beyond what BLAS and LAPACK index with their 32-bit integers (2³¹ − 1).
    case tooLargeForBLAS(operation: String, dimension: Int)

    /// ``ErrorKind/input``.
    public var kind: ErrorKind { .input }

    /// The message for a user: what went wrong and where.
    public var description: String { message }

    private var message: String {
        switch self {
        case let .dimensionMismatch(operation, argument, expected, actual):
            return "\(operation): \(argument) must be \(expected), got \(actual)"
        case let .elementCount(rows, columns, count):
            return "a \(rows)×\(columns) matrix needs \(rows * columns) elements, got \(count)"
        case let .negativeDimension(rows, columns):
            return "matrix dimensions must be non-negative, got \(rows)×\(columns)"
        case let .raggedRows(row, expected, actual):
            return "row \(row) has \(actual) values; the first row has \(expected)"
        case let .rowRangeOutOfBounds(lower, upper, rows):
            return "row range \(lower)..<\(upper) is outside a matrix of \(rows) rows"
        case let .tooLarge(operation, needed, available):
            return
                "\(operation) needs \(MemoryBudget.describeNeed(needed)) of memory and \(MemoryBudget.describe(available)) is available"
        case let .tooLargeForBLAS(operation, dimension):
            return "\(operation): a dimension of \(dimension) exceeds the 2147483647 that BLAS and LAPACK can index"
        case let .nonFinite(argument, row, column, value):
            return "\(argument) holds \(value) at row \(row), column \(column): only finite numbers are allowed"
        }
    }
}

/// A LAPACK routine failed, or a design matrix cannot be solved by the requested method.
public enum LinearAlgebraError: MiniBatchGDError, Equatable, Sendable {
    /// LAPACK reported an illegal argument (`info < 0`) or an internal failure; a bug if seen.
    case lapackFailure(routine: String, info: Int)
    /// The columns of the design are linearly dependent (to working precision).
    /// `rank` is the numerical rank found; `columns` the number of unknowns.
    case rankDeficient(method: String, rank: Int, columns: Int, conditionEstimate: Double)
    /// The address-space or data limit (`ulimit -v`, `ulimit -d`) leaves too little room for
    /// OpenBLAS's working buffer.
    case addressSpaceTooSmall(operation: String, limitBytes: Int)
    /// `auto` passed over `method` because the design's condition number is above `limit`,
    /// where forming the Gram matrix (which squares it) loses digits another method keeps.
    case conditionAboveLimit(method: String, conditionEstimate: Double, limit: Double)
    /// A matrix that must be symmetric positive definite is not (leading minor `order` failed).
    case notPositiveDefinite(routine: String, order: Int)
    /// The singular value decomposition did not converge.
    case noConvergence(routine: String, info: Int)

    /// ``ErrorKind/numerical``.
    public var kind: ErrorKind { .numerical }

    /// The message for a user: what went wrong and where.
    public var description: String { message }

    private var message: String {
        switch self {
        case let .lapackFailure(routine, info):
            return "LAPACK \(routine) failed with info = \(info)"
        case let .rankDeficient(method, rank, columns, conditionEstimate):
            return "the design matrix is rank-deficient (numerical rank \(rank) of \(columns) columns, condition ≈ \(conditionEstimate)); "
                + "\(method) cannot solve it: remove duplicated or collinear columns, or use the svd method (--method svd) for the minimum-norm solution"
        case let .addressSpaceTooSmall(operation, limit):
            return
                "\(operation): the \(MemoryBudget.limitOption == "-v" ? "address-space" : "data") limit of \(MemoryBudget.describe(limit)) (ulimit \(MemoryBudget.limitOption)) leaves too little room for OpenBLAS's working buffer (about 144 MiB more); raise the limit"
        case let .conditionAboveLimit(method, condition, limit):
            return
                "the design's condition number ≈ \(condition) is above \(limit), where \(method) (which squares it) would lose digits: a more accurate method was used"
        case let .notPositiveDefinite(routine, order):
            return "\(routine): the matrix is not positive definite (leading minor of order \(order) failed)"
        case let .noConvergence(routine, info):
            return "\(routine): the SVD did not converge (\(info) off-diagonal elements remained)"
        }
    }
}

/// Gradient-descent training was misconfigured, diverged or was cancelled.
public enum TrainingError: MiniBatchGDError, Equatable, Sendable {
    /// The cost or the parameters became non-finite, or grew past the divergence bound.
    case diverged(epoch: Int, batch: Int, cost: Double, learningRate: Double)
    /// Warm start asked for parameters whose shape does not fit the data.
    case warmStartMismatch(expectedFeatures: Int, expectedOutputs: Int, features: Int, outputs: Int)
    /// The surrounding task was cancelled (checked every epoch and every 1024 batches);
    /// `epochsCompleted` epochs had finished. The model is left as it was before the fit.
    case cancelled(epochsCompleted: Int)

    /// ``ErrorKind/numerical`` for divergence, ``ErrorKind/input`` for a warm start that does not
    /// fit, ``ErrorKind/cancelled`` for cancellation.
    public var kind: ErrorKind {
        switch self {
        case .diverged: .numerical
        case .warmStartMismatch: .input
        case .cancelled: .cancelled
        }
    }

    /// The message for a user: what went wrong and where.
    public var description: String { message }

    private var message: String {
        switch self {
        case let .diverged(epoch, batch, cost, learningRate):
            return "gradient descent diverged in epoch \(epoch), batch \(batch) (cost \(cost)) with learning rate \(learningRate): "
                + "use a smaller learning rate, the automatic one (set from the data's curvature), or standardize the features "
                + "(a summed gradient needs a rate about batch-size times smaller than a mean one)"
        case let .warmStartMismatch(expectedFeatures, expectedOutputs, features, outputs):
            return
                "warm start needs \(expectedFeatures)×\(expectedOutputs) coefficients for this data, the model has \(features)×\(outputs)"
        case let .cancelled(epochsCompleted):
            return "training was cancelled after \(epochsCompleted) completed epochs"
        }
    }
}

/// A data set cannot be used as given.
public enum DataError: MiniBatchGDError, Equatable, Sendable {
    /// `argument` needs at least `minimum` rows.
    case tooFewRows(argument: String, rows: Int, minimum: Int)
    /// Features and targets must have the same number of rows.
    case rowCountMismatch(features: Int, targets: Int)
    /// The number of names does not match the number of columns.
    case nameCountMismatch(argument: String, names: Int, columns: Int)
    /// A column with magnitudes beyond 2⁴⁸⁰ (about 3.1e144), or all below 2⁻⁴⁸⁰ (about
    /// 3.2e-145): sums of squares over the rows, and the refinement's exact products, would leave
    /// `Double`'s range.
    case scaleOutOfRange(argument: String, column: String, largest: Double)
    /// As ``scaleOutOfRange(argument:column:largest:)`` for a column of the weighted rows √wᵢ·xᵢ
    /// (`largest` is the largest of those; the lower limit is 2⁻⁵⁰⁰), or for the weights themselves (`argument` "weights",
    /// `largest` the largest weight, outside 2⁻¹⁰⁰⁰ to 2⁹⁶⁰): scaling every weight by one constant
    /// brings it back and leaves the estimates unchanged.
    case weightedScaleOutOfRange(argument: String, column: String, largest: Double)
    /// Sparse rows whose row starts (`argument`) do not delimit the entries: `reason` says how.
    case sparseRowStarts(argument: String, reason: String)
    /// A sparse row's entry that cannot be used: `row` and `position` (the entry's place in its
    /// row) are 1-based, `reason` says what is wrong and what it must be.
    case sparseEntry(row: Int, position: Int, reason: String)

    /// ``ErrorKind/input``.
    public var kind: ErrorKind { .input }

    /// The message for a user: what went wrong and where.
    public var description: String { message }

    private var message: String {
        switch self {
        case let .tooFewRows(argument, rows, minimum):
            return "\(argument) has \(rows) rows; at least \(minimum) are needed"
        case let .rowCountMismatch(features, targets):
            return "features have \(features) rows but targets have \(targets)"
        case let .scaleOutOfRange(argument, column, largest):
            return
                "\(argument) column '\(column)' has values of magnitude \(largest > 1 ? "up to \(largest), above 2^480 (about 3.1e144)" : "at most \(largest), below 2^-480 (about 3.2e-145)"): sums of their squares over the rows would leave Double's range; rescale the column (multiply or divide it by a power of ten) and the coefficients follow"
        case let .weightedScaleOutOfRange(argument, column, largest):
            let direction = largest > 1 ? "divide" : "multiply"
            if argument == "weights" {
                return
                    "the row weights reach \(largest), \(largest > 1 ? "above 2^960 (about 9.7e288)" : "all below 2^-1000 (about 9.3e-302)"): weighted sums would leave Double's range; \(direction) every weight by one constant (the estimates do not change)"
            }
            return
                "\(argument) column '\(column)' times the square root of the row weights reaches \(largest), \(largest > 1 ? "above 2^480 (about 3.1e144)" : "below 2^-500 (about 3.1e-151)"): weighted sums of squares would leave Double's range; \(direction) every weight by one constant (the estimates do not change), or rescale the column"
        case let .nameCountMismatch(argument, names, columns):
            return "\(argument) has \(names) names for \(columns) columns"
        case let .sparseRowStarts(argument, reason):
            return "\(argument) \(reason)"
        case let .sparseEntry(row, position, reason):
            return "row \(row), entry \(position): \(reason)"
        }
    }
}

/// A model was used before it was fitted, or on data of the wrong width.
public enum ModelError: MiniBatchGDError, Equatable, Sendable {
    /// `predict`, `evaluate` or a warm start needs fitted parameters.
    case notFitted
    /// The data has `actual` feature columns; the model was fitted on `expected`.
    case featureCountMismatch(expected: Int, actual: Int)
    /// The data has `actual` target columns; the model predicts `expected`.
    case outputCountMismatch(expected: Int, actual: Int)
    /// A single-value prediction was asked of a model with `outputs` targets.
    case severalOutputs(outputs: Int)
    /// A model file's content does not describe a model.
    case inconsistentFile(reason: String)
    /// The prediction for `row` (0-based) of target `output` overflows Double: the coefficients
    /// or the features are too large for each other.
    case predictionOverflow(row: Int, output: Int)
    /// A prediction's interval reaches beyond the range of `Double` (its features are too large
    /// for the model's covariance).
    case intervalOverflow(row: Int, output: Int)
    /// Prediction intervals were asked of a model without a covariance: one trained by gradient
    /// descent, penalized, rank-deficient, or loaded from a file saved without inference.
    case noInference

    /// ``ErrorKind/input``.
    public var kind: ErrorKind { .input }

    /// The message for a user: what went wrong and where.
    public var description: String { message }

    private var message: String {
        switch self {
        case .notFitted:
            return "the model has not been fitted: call fit(_:using:) or fit(_:method:) first"
        case let .featureCountMismatch(expected, actual):
            return "the model was fitted on \(expected) features but the data has \(actual)"
        case let .outputCountMismatch(expected, actual):
            return "the model predicts \(expected) targets but the data has \(actual)"
        case let .severalOutputs(outputs):
            return "the model predicts \(outputs) targets: predict(_:) of a row gives one value; use predict(_:) of a Matrix"
        case let .inconsistentFile(reason):
            return "not a usable model: \(reason)"
        case .noInference:
            return
                "the model has no covariance for prediction intervals: they need a closed-form fit without ridge (mbgd solve --save-model), not gradient descent"
        case let .intervalOverflow(row, output):
            return
                "the interval for row \(row + 1)\(output > 0 ? ", target \(output + 1)," : "") is beyond the range of Double (±1.8e308): the features are too large for the model's covariance"
        case let .predictionOverflow(row, output):
            return
                "the prediction for row \(row + 1)\(output > 0 ? ", target \(output + 1)," : "") is beyond the range of Double (±1.8e308): the model's coefficients are too large for these features"
        }
    }
}

/// A data or model file cannot be read. Every case names the file; positions are 1-based.
public enum FileError: MiniBatchGDError, Equatable, Sendable {
    /// No file at `path`.
    case notFound(path: String)
    /// The file exists but cannot be read (the system's reason).
    case unreadable(path: String, reason: String)
    /// The file has no bytes.
    case empty(path: String)
    /// A CSV file with a header and no data rows.
    case headerOnly(path: String)
    /// A cell that is not a number.
    case notANumber(path: String, line: Int, column: Int, text: String)
    /// A NaN, an infinity, or a number too large for a Double.
    case nonFinite(path: String, line: Int, column: Int, text: String)
    /// A row with a different number of cells than the header.
    case raggedRow(path: String, line: Int, expected: Int, actual: Int)
    /// A malformed header (empty or duplicated names, unbalanced quotes).
    case badHeader(path: String, reason: String)
    /// A requested target column that the file does not have.
    case unknownColumn(path: String, name: String, available: [String])
    /// A structurally invalid file (for `.npy`: magic, header, shape).
    case malformed(path: String, reason: String)
    /// A CSV cell whose opening quote does not close on its line, or with text after the
    /// closing quote.
    case badQuotes(path: String, line: Int, column: Int)
    /// A CSV line longer than the reader accepts (a file that is not line-structured text).
    case lineTooLong(path: String, line: Int, limitBytes: Int)
    /// A `.npy` element type other than float64 or float32.
    case unsupportedType(path: String, descriptor: String)
    /// Fewer data bytes than the header promises.
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    /// A file that ended before its size when it was opened (or grew past it) while it was read:
    /// another program is writing it.
    case changedWhileRead(path: String, bytesWhenOpened: Int, bytesRead: Int)
    /// A value of a file read in place that was finite when the file was opened and no longer is:
    /// another program wrote into the file while it was read.
    case modifiedWhileRead(path: String, line: Int, column: Int, text: String)
    /// A file that cannot be written (the reason in words).
    case unwritable(path: String, reason: String)
    /// Loading would need more memory than the machine has available.
    case tooLarge(path: String, neededBytes: Int, availableBytes: Int)
    /// A `.npy` file that cannot be used in place (the reason in words): it can still be loaded.
    case notMappable(path: String, reason: String)
    /// A file with lines but no rows: every line is blank or a comment.
    case noRows(path: String)
    /// A libsvm/svmlight line's target or `index:value` entry that cannot be read: `entry` is its
    /// 1-based place among the line's `index:value` entries (0 for the target), `text` the entry
    /// as written, `problem` what is wrong with it.
    case badLIBSVMEntry(path: String, line: Int, entry: Int, text: String, problem: LIBSVMProblem)

    /// ``ErrorKind/file``.
    public var kind: ErrorKind { .file }

    /// The message for a user: what went wrong and where.
    public var description: String { message }

    private var message: String {
        switch self {
        case let .notFound(path): return "\(path): no such file"
        case let .unreadable(path, reason): return "\(path): cannot be read (\(reason))"
        case let .unwritable(path, reason): return "\(path): cannot be written (\(reason))"
        case let .empty(path): return "\(path): the file is empty"
        case let .headerOnly(path): return "\(path): the file has a header but no data rows"
        case let .notANumber(path, line, column, text):
            return "\(path):\(line):\(column): \(text.isEmpty ? "empty cell" : "'\(text)' is not a number")"
        case let .nonFinite(path, line, column, text):
            return "\(path):\(line):\(column): '\(text)' is not a finite number (NaN, infinity or out of range)"
        case let .raggedRow(path, line, expected, actual):
            return "\(path):\(line): the row has \(actual) cells but the header has \(expected)"
        case let .badHeader(path, reason): return "\(path):1: bad header: \(reason)"
        case let .unknownColumn(path, name, available):
            let shown = available.prefix(20).joined(separator: ", ")
            return "\(path): no column named '\(name)' (columns: \(shown)\(available.count > 20 ? ", … \(available.count) in all" : ""))"
        case let .malformed(path, reason): return "\(path): \(reason)"
        case let .badQuotes(path, line, column):
            return "\(path):\(line):\(column): a quoted cell must close on its line, followed by a comma or the line end"
        case let .lineTooLong(path, line, limit):
            return "\(path):\(line): the line is longer than \(MemoryBudget.describe(limit)) (is this a CSV file?)"
        case let .unsupportedType(path, descriptor):
            return "\(path): unsupported element type '\(descriptor)' (float64 '<f8' and float32 '<f4' are supported)"
        case let .truncated(path, expectedBytes, actualBytes):
            return "\(path): truncated: the header promises \(expectedBytes) data bytes, the file has \(actualBytes)"
        case let .changedWhileRead(path, opened, read):
            return
                "\(path): the file changed while it was read (\(opened) bytes when opened, \(read) read\(read > opened ? "" : " before it changed")): another program is writing it; read it once it is complete, or a copy"
        case let .modifiedWhileRead(path, line, column, text):
            return
                "\(path):\(line):\(column): '\(text)' was written into the file while it was read in place (every value was finite when it was opened): another program is writing it; read it once it is complete, or a copy"
        case let .tooLarge(path, needed, available):
            return
                "\(path): too large to load: it needs \(MemoryBudget.describeNeed(needed)) of memory and \(MemoryBudget.describe(available)) is available"
        case let .notMappable(path, reason): return "\(path): cannot be read in place: \(reason)"
        case let .noRows(path): return "\(path): no rows: every line is blank or a comment"
        case let .badLIBSVMEntry(path, line, entry, text, problem):
            return "\(path):\(line): \(problem.message(entry: entry, text: text))"
        }
    }
}

/// A fit or solve over rows spread across processes (see ``DistributedDataset``) stopped because
/// one process could not do its own part: every process throws, none is left waiting.
public enum DistributedError: MiniBatchGDError, Sendable {
    /// This process (`rank` of `ranks`) failed with `error` before the processes' next exchange.
    case failed(rank: Int, ranks: Int, error: any Error)
    /// Process `rank` failed (it reports its own error); this one stopped with it.
    case failedElsewhere(rank: Int)
    /// The processes mapped files that differ at `path` (node-local copies, one stale or cut
    /// short): each rank in `differences` with what differs in its copy from rank 0's. Every
    /// process throws it alike.
    case differentData(path: String, differences: [(rank: Int, details: [String])])

    /// ``ErrorKind/distributed``.
    public var kind: ErrorKind { .distributed }

    /// The failing process's error, prefixed with its rank when there are several; for
    /// ``failedElsewhere(rank:)``, which process failed; for ``differentData(path:differences:)``,
    /// which ranks' copies differ, and in what.
    public var description: String {
        switch self {
        case let .failed(rank, ranks, error): ranks > 1 ? "rank \(rank) of \(ranks): \(error)" : "\(error)"
        case let .failedElsewhere(rank): "stopped because rank \(rank) failed"
        case let .differentData(path, differences):
            differences.enumerated().map { index, difference in
                let copy = index == 0 ? "'s copy of \(path)" : "'s copy"
                return "rank \(difference.rank)\(copy) differs from rank 0's (\(difference.details.joined(separator: ", ")))"
            }.joined(separator: "; ")
                + "; every rank must read the same file (copy it to every node again, or read it from a file system they share)"
        }
    }
}
