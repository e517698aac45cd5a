import Foundation

/// A fitted linear model as a JSON document, for `mbgd predict` and for apps.
///
/// Format (version 1), all numbers in original units:
/// ```json
/// {
///   "format": "mbgd-linear-model", "version": 1,
///   "featureNames": ["x1", "x2"], "targetNames": ["y"],
///   "fitIntercept": true,
///   "intercept": [1.25],
///   "coefficients": [[0.95], [0.1]],          // one row per feature, one column per target
///   "standardization": {"mean": [...], "scale": [...]}   // or null: informational only
/// }
/// ```
public struct ModelFile: Codable, Equatable, Sendable {
    public static let formatName = "mbgd-linear-model"
    public static let currentVersion = 1

    public var format: String
    public var version: Int
    public var featureNames: [String]
    public var targetNames: [String]
    public var fitIntercept: Bool
    public var intercept: [Double]
    public var coefficients: [[Double]]
    public var standardization: Standardization?

    /// Mean and scale used in training; predictions do not need them (coefficients are in
    /// original units) but they document how the model was fitted.
    public struct Standardization: Codable, Equatable, Sendable {
        public var mean: [Double]
        public var scale: [Double]
    }

    /// The file form of a fitted model.
    /// - Throws: ``ModelError/notFitted``.
    public init(_ model: LinearRegression) throws {
        guard let parameters = model.parameters else { throw ModelError.notFitted }
        format = Self.formatName
        version = Self.currentVersion
        featureNames = model.featureNames
        targetNames = model.targetNames
        fitIntercept = model.fitIntercept
        intercept = parameters.intercept
        coefficients = (0 ..< parameters.featureCount).map { parameters.coefficients.row($0) }
        standardization = model.standardizer.map { Standardization(mean: $0.mean, scale: $0.scale) }
    }

    /// The model this file describes.
    /// - Throws: ``FileError/malformed(path:reason:)`` (path "model") for inconsistent shapes or non-finite numbers.
    public func model() throws -> LinearRegression {
        let p = coefficients.count, k = intercept.count
        guard p >= 1, k >= 1, coefficients.allSatisfy({ $0.count == k }) else {
            throw FileError.malformed(path: "model", reason: "coefficients must be \(p)×\(k) (one row per feature, one value per target)")
        }
        do {
            let parameters = try Parameters(coefficients: Matrix(coefficients), intercept: intercept)
            return try LinearRegression(parameters: parameters, fitIntercept: fitIntercept, featureNames: featureNames, targetNames: targetNames)
        } catch {
            throw FileError.malformed(path: "model", reason: "\(error)")
        }
    }

    /// Writes the model atomically: to a temporary file in the same folder, then renamed over
    /// `path`, so a crash mid-write never leaves half a model behind.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw FileError.unreadable(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    /// Reads and checks a model file.
    /// - Throws: ``FileError``: missing, not JSON, not a model of this format, or inconsistent.
    public static func read(path: String) throws -> ModelFile {
        guard FileManager.default.fileExists(atPath: path) else { throw FileError.notFound(path: path) }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw FileError.unreadable(path: path, reason: error.localizedDescription)
        }
        guard !data.isEmpty else { throw FileError.empty(path: path) }
        let file: ModelFile
        do { file = try JSONDecoder().decode(ModelFile.self, from: data) } catch {
            throw FileError.malformed(path: path, reason: "not an mbgd model file (\(Self.describe(error)))")
        }
        guard file.format == formatName else {
            throw FileError.malformed(path: path, reason: "format is '\(file.format)', expected '\(formatName)'")
        }
        guard file.version == currentVersion else {
            throw FileError.malformed(path: path, reason: "model file version \(file.version) is not supported (this build reads version \(currentVersion))")
        }
        do { _ = try file.model() } catch FileError.malformed(_, let reason) { throw FileError.malformed(path: path, reason: reason) }
        return file
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, _): return "missing key '\(key.stringValue)'"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted: return "invalid JSON"
        default: return "\(error)"
        }
    }
}
