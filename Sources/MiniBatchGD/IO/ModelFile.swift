import Foundation

/// A fitted linear model as a JSON document, for `mbgd predict` and for apps.
///
/// Format version 2, all numbers in original units, coefficients laid out as `mbgd solve --json`
/// and `mbgd fit --json` lay them out (one array per target, in feature order):
/// ```json
/// {
///   "format": "mbgd-linear-model", "version": 2,
///   "featureNames": ["x1", "x2"], "targetNames": ["y"],
///   "fitIntercept": true,
///   "intercept": [1.25],
///   "coefficients": [[0.95, 0.1]],
///   "standardization": {"mean": [...], "scale": [...]},
///   "training": {"precision": "float64"}
/// }
/// ```
/// A closed-form fit saved with its statistics (`mbgd solve --save-model`) adds `"inference"`
/// (see ``PredictionInference``) and is written as version 3, so that builds that cannot use it
/// say so instead of dropping it; files without it stay version 2. A model of encoded CSV
/// columns (one-hot or hashed, see ``FeatureEncoding``) adds `"encoding"`, its categorical
/// columns with their levels, numeric columns and hashing, and is written as version 4, for the
/// same reason. Version 1 files
/// (coefficients one array per feature) are still read; a newer version is refused with a
/// message saying so.
public struct ModelFile: Codable, Equatable, Sendable {
    /// The `format` value of every model file.
    public static let formatName = "mbgd-linear-model"
    /// The version this build writes; it reads this one and every older one.
    public static let currentVersion = 4

    /// Always ``formatName``.
    public var format: String
    /// The format version the file was written in.
    public var version: Int
    /// One name per feature, in the order of each target's coefficients.
    public var featureNames: [String]
    /// One name per target.
    public var targetNames: [String]
    /// Whether the model has an intercept; without one, every intercept is 0.
    public var fitIntercept: Bool
    /// One intercept per target.
    public var intercept: [Double]
    /// One array of coefficients per target, in feature order (version 1: one array per feature).
    public var coefficients: [[Double]]
    /// How the features were standardized in training, or nil.
    public var standardization: Standardization?
    /// The covariance for prediction intervals (version 3), or nil.
    public var inference: PredictionInference?
    /// What the model was trained on, or nil (files written before it was recorded). Informational:
    /// a model predicts from Float or Double features whatever it was trained on.
    public var training: Training?
    /// How raw CSV columns become the features (version 4), or nil: ``LinearRegression/featureEncoding``.
    public var encoding: FeatureEncoding?

    /// What the model was trained on.
    public struct Training: Codable, Equatable, Sendable {
        /// The element type of the training rows (`float32`: mixed precision, arithmetic in Double).
        public var precision: Precision
    }

    /// Mean and scale used in training; predictions do not need them (coefficients are in
    /// original units) but they document how the model was fitted.
    public struct Standardization: Codable, Equatable, Sendable {
        /// Per-feature means.
        public var mean: [Double]
        /// Per-feature scales.
        public var scale: [Double]
    }

    /// The file form of a fitted model.
    /// - Throws: ``ModelError/notFitted``.
    public init(_ model: LinearRegression) throws {
        guard let parameters = model.parameters else { throw ModelError.notFitted }
        format = Self.formatName
        version = model.featureEncoding != nil ? 4 : model.inference == nil ? 2 : 3
        featureNames = model.featureNames
        targetNames = model.targetNames
        fitIntercept = model.fitIntercept
        intercept = parameters.intercept
        coefficients = (0..<parameters.outputCount).map { parameters.coefficients.column($0) }
        standardization = model.standardizer.map { Standardization(mean: $0.mean, scale: $0.scale) }
        inference = model.inference
        training = model.trainingPrecision.map { Training(precision: $0) }
        encoding = model.featureEncoding
        if let encoding, encoding.featureCount != featureNames.count || encoding.featureNames != featureNames {
            throw ModelError.inconsistentFile(
                reason:
                    "the model's feature encoding makes other features than it was fitted on: set featureEncoding to the encoding of its training rows"
            )
        }
    }

    /// The model this file describes.
    /// - Throws: ``ModelError/inconsistentFile(reason:)`` for shapes that do not fit together,
    ///   names given twice, non-finite numbers, or an intercept in a model without one.
    public func model() throws -> LinearRegression {
        let k = intercept.count
        let perTarget = version >= 2
        let p = perTarget ? coefficients.first?.count ?? 0 : coefficients.count
        let rows = perTarget ? k : p, width = perTarget ? p : k
        guard p >= 1, k >= 1, coefficients.count == rows, coefficients.allSatisfy({ $0.count == width }) else {
            throw ModelError.inconsistentFile(
                reason: perTarget
                    ? "coefficients must hold one array per target (\(k)), each with one value per feature"
                    : "coefficients must be \(p)×\(k) (one row per feature, one value per target)")
        }
        guard featureNames.count == p, targetNames.count == k else {
            throw ModelError.inconsistentFile(
                reason: "\(featureNames.count) feature names and \(targetNames.count) target names for \(p) features and \(k) targets")
        }
        if let twice = firstRepeated(featureNames) ?? firstRepeated(targetNames) {
            throw ModelError.inconsistentFile(reason: "the name '\(twice)' appears twice")
        }
        guard (coefficients.joined() + intercept).allSatisfy(\.isFinite) else {
            throw ModelError.inconsistentFile(reason: "a coefficient or intercept is not a finite number")
        }
        if !fitIntercept, intercept.contains(where: { $0 != 0 }) {
            throw ModelError.inconsistentFile(reason: "fitIntercept is false but an intercept is not 0")
        }
        try inference?.validate(unknowns: p + (fitIntercept ? 1 : 0), targets: k)
        if let encoding, encoding.featureCount != p || encoding.featureNames != featureNames {
            throw ModelError.inconsistentFile(reason: "the encoding's columns are not the model's features")
        }
        let byFeature = perTarget ? (0..<p).map { j in (0..<k).map { coefficients[$0][j] } } : coefficients
        let parameters = try Parameters(coefficients: Matrix(byFeature), intercept: intercept)
        var model = try LinearRegression(
            parameters: parameters, fitIntercept: fitIntercept, featureNames: featureNames, targetNames: targetNames)
        model.inference = inference
        model.trainingPrecision = training?.precision
        model.featureEncoding = encoding
        return model
    }

    /// Writes the model as ``FileWriter`` writes: atomically, so a crash mid-write never leaves
    /// half a model behind.
    /// - Throws: ``FileError/unwritable(path:reason:)``.
    public func write(to path: String) throws {
        try FileWriter.write(try encoded(), to: path)
    }

    /// The file's bytes: pretty-printed JSON with sorted keys.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array(try encoder.encode(self))
    }

    /// Reads and checks a model file.
    /// - Throws: ``FileError``: missing, not JSON, not a model of this format, a newer version,
    ///   or inconsistent content.
    public static func read(path: String) throws -> ModelFile {
        // Read by position, not through Foundation's Data(contentsOf:), which leaked a page for
        // an empty file under LeakSanitizer (found by the model-file fuzz target).
        let source = try PositionalFile(path: path)
        guard source.size > 0 else { throw FileError.empty(path: path) }
        try MemoryBudget.check(source.size, path: path, limit: nil)
        let data = Data(try source.bytes(at: 0, count: source.size))
        struct Header: Decodable { var format: String?, version: Int? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw FileError.malformed(path: path, reason: "not an mbgd model file (invalid JSON)")
        }
        guard header.format == formatName else {
            throw FileError.malformed(
                path: path,
                reason: header.format.map { "format is '\($0)', expected '\(formatName)'" }
                    ?? "not an mbgd model file (no 'format' key)")
        }
        guard let version = header.version, version >= 1 else {
            throw FileError.malformed(path: path, reason: "the model file has no valid version")
        }
        guard version <= currentVersion else {
            throw FileError.malformed(
                path: path,
                reason: "model file version \(version) is newer than this build reads (up to \(currentVersion)): update MiniBatchGD")
        }
        let file: ModelFile
        do { file = try JSONDecoder().decode(ModelFile.self, from: data) } catch {
            throw FileError.malformed(path: path, reason: "not an mbgd model file (\(Self.describe(error)))")
        }
        do { _ = try file.model() } catch let ModelError.inconsistentFile(reason) { throw FileError.malformed(path: path, reason: reason) }
        return file
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, _): return "missing key '\(key.stringValue)'"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty:
            // A value of the wrong kind at a known place (an unknown covariance type).
            return "invalid value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted: return "invalid JSON"
        default: return "\(error)"
        }
    }
}

extension LinearRegression {
    /// Loads a model saved by ``save(to:)`` or `mbgd fit --save-model`. Errors name the path as
    /// the URL was made (a relative path stays relative).
    /// - Throws: ``FileError`` naming the file and what is wrong with it.
    public init(contentsOf url: URL) throws {
        self = try ModelFile.read(path: url.relativePath).model()
    }

    /// Saves the fitted model as a model file (see ``ModelFile``), atomically.
    /// - Throws: ``ModelError/notFitted``, ``FileError/unwritable(path:reason:)``.
    public func save(to url: URL) throws {
        try ModelFile(self).write(to: url.relativePath)
    }
}
