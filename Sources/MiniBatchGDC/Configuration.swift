import Foundation
import MiniBatchGD

/// One JSON value of a configuration, as written: the C interface takes its options as a JSON
/// object whose names are the tool's options in lower camel case.
enum JSONValue: Decodable {
    case bool(Bool)
    case integer(Int)
    case unsigned(UInt64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(UInt64.self) {
            self = .unsigned(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The value as JSON writes it, for messages.
    var text: String {
        switch self {
        case let .bool(value): "\(value)"
        case let .integer(value): "\(value)"
        case let .unsigned(value): "\(value)"
        case let .number(value): "\(value)"
        case let .string(value): "\"\(value)\""
        case let .array(values): "[\(values.map(\.text).joined(separator: ", "))]"
        case .object: "{…}"
        case .null: "null"
        }
    }
}

/// A configuration's options, read one name at a time; what is left unread at the end is an
/// unknown option.
struct Options {
    private var values: [String: JSONValue]
    private let known: [String]

    /// The object in `json` (nil or blank: no options), whose names must be among `known`.
    init(json: String?, known: [String]) throws {
        self.known = known
        guard let json, !json.allSatisfy(\.isWhitespace) else {
            values = [:]
            return
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        } catch {
            throw OptionError("the options are not valid JSON (\(Self.reason(json))); write an object such as {\"batchSize\": 256}")
        }
        guard case let .object(object) = value else {
            throw OptionError("the options must be a JSON object such as {\"batchSize\": 256}, got \(value.text)")
        }
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw OptionError("unknown option '\(unknown)'; the options here are \(known.joined(separator: ", "))")
        }
        values = object
    }

    /// Where the text stops being JSON, in Foundation's words ("Unexpected end of file during
    /// JSON parse."): the decoder only says that it is not.
    private static func reason(_ json: String) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
            return "it cannot be read"
        } catch {
            let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            return text.hasSuffix(".") ? String(text.dropLast()) : text
        }
    }

    private func mistyped(_ name: String, _ value: JSONValue, _ what: String) -> OptionError {
        OptionError("\(name) must be \(what), got \(value.text)")
    }

    /// A boolean option (a flag of the tool), false when absent.
    func flag(_ name: String) throws -> Bool {
        guard let value = values[name] else { return false }
        guard case let .bool(flag) = value else { throw mistyped(name, value, "true or false") }
        return flag
    }

    func integer(_ name: String) throws -> Int? {
        guard let value = values[name] else { return nil }
        switch value {
        case let .integer(number): return number
        case let .number(number) where number.rounded() == number && abs(number) < 0x1p62: return Int(number)
        default: throw mistyped(name, value, "an integer")
        }
    }

    func unsigned(_ name: String) throws -> UInt64? {
        guard let value = values[name] else { return nil }
        switch value {
        case let .integer(number) where number >= 0: return UInt64(number)
        case let .unsigned(number): return number
        default: throw mistyped(name, value, "an integer from 0 to \(UInt64.max)")
        }
    }

    func number(_ name: String) throws -> Double? {
        guard let value = values[name] else { return nil }
        switch value {
        case let .integer(number): return Double(number)
        case let .unsigned(number): return Double(number)
        case let .number(number): return number
        default: throw mistyped(name, value, "a number")
        }
    }

    func string(_ name: String) throws -> String? {
        guard let value = values[name] else { return nil }
        guard case let .string(text) = value else { throw mistyped(name, value, "a string") }
        return text
    }

    /// A number or a word, as the tool's `--batch-size 32|full` and `--learning-rate auto|0.1` take
    /// them: its text, checked by the shared settings with their messages.
    func numberOrWord(_ name: String) throws -> String? {
        guard let value = values[name] else { return nil }
        switch value {
        case let .string(text): return text
        case let .integer(number): return "\(number)"
        case let .unsigned(number): return "\(number)"
        case let .number(number): return "\(number)"
        default: throw mistyped(name, value, "a number or a string")
        }
    }

    /// One of a library choice's names.
    func choice<Choice: CaseIterable & RawRepresentable>(_ name: String, _ type: Choice.Type) throws -> Choice?
    where Choice.RawValue == String {
        guard let text = try string(name) else { return nil }
        guard let choice = Choice(rawValue: text) else {
            let names = Choice.allCases.map(\.rawValue)
            throw OptionError(
                "\(name) must be \(names.dropLast().joined(separator: ", ")) or \(names.last ?? ""), got \"\(text)\"")
        }
        return choice
    }

    /// A list of names, or one name.
    func names(_ name: String) throws -> [String]? {
        guard let value = values[name] else { return nil }
        switch value {
        case let .string(text): return [text]
        case let .array(items):
            return try items.map { item in
                guard case let .string(text) = item, !text.isEmpty else { throw mistyped(name, value, "a list of non-empty names") }
                return text
            }
        default: throw mistyped(name, value, "a name or a list of names")
        }
    }
}

/// The options of `mbgd_data_load`: which columns are the targets, the features and the weights.
struct LoadOptions {
    static let names = ["target", "features", "weights"]
    var targets: [String] = []
    var features: [String]?
    var weights: String?

    init(json: String?) throws {
        let options = try Options(json: json, known: Self.names)
        targets = try options.names("target") ?? []
        features = try options.names("features")
        weights = try options.string("weights")
    }
}

/// The descent options of `mbgd_model_fit`: `mbgd fit`'s, checked by the settings the tool
/// checks them with, named as JSON names them.
enum FitOptions {
    static let names = [
        "batchSize", "epochs", "learningRate", "optimizer", "momentum", "nesterov", "beta1", "beta2", "epsilon", "alpha", "weightDecay",
        "average", "noAverage", "reduction", "schedule", "warmup", "decayPower", "decayFactor", "decayEvery", "l2", "standardize",
        "noStandardize", "noShuffle", "shuffleBlocks", "seed", "validationFraction", "tolerance", "patience", "noEarlyStopping",
        "threads", "epochCost",
    ]

    /// The descent `json` describes, with `threads` (``Threads/count``) unless it names its own.
    static func gradientDescent(json: String?, threads: Int?) throws -> GradientDescent {
        let options = try Options(json: json, known: names)
        var settings = DescentSettings()
        if let batchSize = try options.numberOrWord("batchSize") { settings.batchSize = batchSize }
        settings.epochs = try options.integer("epochs")
        if let rate = try options.numberOrWord("learningRate") { settings.learningRate = rate }
        settings.optimizer.optimizer = try options.choice("optimizer", Optimizer.Kind.self)
        settings.optimizer.momentum = try options.number("momentum")
        settings.optimizer.nesterov = try options.flag("nesterov")
        if let beta1 = try options.number("beta1") { settings.optimizer.beta1 = beta1 }
        if let beta2 = try options.number("beta2") { settings.optimizer.beta2 = beta2 }
        settings.optimizer.epsilon = try options.number("epsilon")
        if let alpha = try options.number("alpha") { settings.optimizer.alpha = alpha }
        if let decay = try options.number("weightDecay") { settings.optimizer.weightDecay = decay }
        settings.average = try options.flag("average")
        settings.noAverage = try options.flag("noAverage")
        if let reduction = try options.choice("reduction", Reduction.self) { settings.reduction = reduction }
        if let schedule = try options.choice("schedule", LearningRateSchedule.Kind.self) { settings.schedule = schedule }
        if let warmup = try options.integer("warmup") { settings.warmup = warmup }
        if let power = try options.number("decayPower") { settings.decayPower = power }
        settings.decayFactor = try options.number("decayFactor")
        if let every = try options.integer("decayEvery") { settings.decayEvery = every }
        if let l2 = try options.number("l2") { settings.l2 = l2 }
        settings.standardize = try options.flag("standardize")
        settings.noStandardize = try options.flag("noStandardize")
        settings.noShuffle = try options.flag("noShuffle")
        settings.shuffleBlocks = try options.integer("shuffleBlocks")
        if let seed = try options.unsigned("seed") { settings.seed = seed }
        settings.validationFraction = try options.number("validationFraction")
        settings.tolerance = try options.number("tolerance")
        settings.patience = try options.integer("patience")
        settings.noEarlyStopping = try options.flag("noEarlyStopping")
        settings.threads = try options.integer("threads") ?? threads
        if let epochCost = try options.choice("epochCost", EpochCost.self) { settings.epochCost = epochCost }
        try OptionSpelling.json.validateThreads(settings.threads)
        try settings.validate(.json)
        return settings.gradientDescent
    }
}

/// The options of `mbgd_online_create`: `mbgd_model_fit`'s names, made into the descent
/// `mbgd fit -` runs on a stream: one pass in the order given (epochs 1, no shuffle), no early
/// stopping, averaging from the start with `average` and none without. What needs the rows more
/// than once is refused here by name; what ``OnlineTrainer`` refuses, with its message.
enum OnlineOptions {
    static func gradientDescent(json: String?, threads: Int?) throws -> GradientDescent {
        let options = try Options(json: json, known: FitOptions.names)
        if let epochs = try options.integer("epochs"), epochs != 1 {
            throw OptionError(
                "epochs = \(epochs) is not available online: each partial fit is one pass over its chunk; pass the rows again for another")
        }
        let given = [
            ("tolerance", try options.number("tolerance") != nil), ("patience", try options.integer("patience") != nil),
            ("shuffleBlocks", try options.integer("shuffleBlocks") != nil),
            ("epochCost", try options.string("epochCost") != nil),
        ]
        for (name, isGiven) in given where isGiven {
            throw OptionError(
                "\(name) is not available online: \(name == "shuffleBlocks" ? "chunks are trained on in the order given" : name == "epochCost" ? "a partial fit has no epochs; its batch costs are the running cost" : "one pass has no epochs to stop after")"
            )
        }
        var configuration = try FitOptions.gradientDescent(json: json, threads: threads)
        configuration.epochs = 1
        configuration.shuffle = .none
        // A validation fraction stays, for the trainer to refuse with its reason.
        if configuration.earlyStopping?.validationFraction == nil { configuration.earlyStopping = nil }
        if configuration.averaging == .automatic { configuration.averaging = .none }
        return configuration
    }
}

/// The options of `mbgd_model_solve`: `mbgd solve`'s for a least-squares fit.
struct SolveOptions {
    static let names = ["method", "l2", "covariance", "confidence", "noRefine", "threads"]
    var method = LeastSquares.Method.auto
    var l2 = 0.0
    var covariance = LeastSquares.CovarianceType.nonrobust
    var confidence = LeastSquares.defaultConfidenceLevel
    var refine = true
    var threads: Int?

    init(json: String?, threads: Int?) throws {
        let options = try Options(json: json, known: Self.names)
        if let method = try options.choice("method", LeastSquares.Method.self) { self.method = method }
        if let l2 = try options.number("l2") { self.l2 = l2 }
        if let covariance = try options.choice("covariance", LeastSquares.CovarianceType.self) { self.covariance = covariance }
        if let confidence = try options.number("confidence") { self.confidence = confidence }
        refine = !(try options.flag("noRefine"))
        self.threads = try options.integer("threads") ?? threads
        try OptionSpelling.json.validateThreads(self.threads)
        let (l2, confidence, threads) = (self.l2, self.confidence, self.threads)
        try OptionSpelling.json.validating {
            try LeastSquares.checkArguments(ridge: l2, rankTolerance: nil, confidenceLevel: confidence, threads: threads)
        }
    }
}
