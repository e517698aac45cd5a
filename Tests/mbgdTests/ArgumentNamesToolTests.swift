import Foundation
import MiniBatchGD
import Testing

@testable import MBGDCommands

/// The tool's choices and defaults are the library's: every name a library enum declares is
/// in the `(values: …)` list of each command's `--help` that takes it, in the library's order,
/// and parses to that very choice; the defaults `--help` shows and the options left out mean
/// are the library's. The expected names and values come from the library's own declarations,
/// so a choice the library adds is checked here without a change to this file.
@Suite struct ArgumentNamesToolTests {
    /// One option's entry in a `--help` text: its first line and the indented lines under it,
    /// every run of blanks made one space.
    static func entry(_ option: String, in help: String) -> String? {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Options are listed two spaces in (the discussion above may start a line with one).
        guard let start = lines.firstIndex(where: { $0.hasPrefix("  \(option) ") }) else { return nil }
        var text = lines[start].trimmingCharacters(in: .whitespaces)
        // The next option's line starts "  -"; the entry's own lines are indented further.
        for line in lines[(start + 1)...] {
            guard !line.hasPrefix("  -"), !line.trimmingCharacters(in: .whitespaces).isEmpty else { break }
            text += " " + line.trimmingCharacters(in: .whitespaces)
        }
        return text.split(separator: " ").joined(separator: " ")
    }

    /// The names of an entry's `(values: a, b, c; default: a)`.
    static func values(_ entry: String) -> [String]? {
        guard let start = entry.range(of: "(values: ") else { return nil }
        let rest = entry[start.upperBound...]
        guard let end = rest.firstIndex(where: { $0 == ";" || $0 == ")" }) else { return nil }
        return rest[..<end].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The names of every library choice an option takes, by command.
    static let choices: [(command: String, option: String, names: [String])] = [
        ("fit", "--optimizer", Optimizer.Kind.allCases.map(\.rawValue)),
        ("sweep", "--optimizer", Optimizer.Kind.allCases.map(\.rawValue)),
        ("fit", "--schedule", LearningRateSchedule.Kind.allCases.map(\.rawValue)),
        ("fit", "--reduction", Reduction.allCases.map(\.rawValue)),
        ("solve", "--method", LeastSquares.Method.allCases.map(\.rawValue)),
        ("solve", "--covariance", LeastSquares.CovarianceType.allCases.map(\.rawValue)),
        // `auto` is the tool's own: the file's type.
        ("fit", "--precision", ["auto"] + Precision.allCases.map(\.rawValue)),
        ("solve", "--precision", ["auto"] + Precision.allCases.map(\.rawValue)),
        ("bench", "--precision", ["auto"] + Precision.allCases.map(\.rawValue)),
    ]

    @Test func everyLibraryChoiceIsListedInTheHelpOfEachCommandThatTakesIt() throws {
        for (command, option, names) in Self.choices {
            let help = try mbgd(command, "--help")
            #expect(help.status == 0)
            let entry = try #require(Self.entry(option, in: help.stdout), "mbgd \(command) --help has no \(option)")
            #expect(Self.values(entry) == names, "mbgd \(command) \(option): \(entry)")
            // The value name and the sentence name them too where they list them.
            for name in names { #expect(entry.contains(name), "mbgd \(command) \(option) does not name \(name)") }
        }
    }

    @Test func everyLibraryChoiceParsesToItself() throws {
        for kind in Optimizer.Kind.allCases {
            #expect(try Fit.parse(["data.csv", "--optimizer", kind.rawValue]).gradientDescent.optimizer.kind == kind)
            #expect(try Sweep.parse(["--optimizer", kind.rawValue]).optimizer.value.kind == kind)
        }
        for kind in LearningRateSchedule.Kind.allCases {
            #expect(try Fit.parse(["data.csv", "--schedule", kind.rawValue]).gradientDescent.schedule.kind == kind)
        }
        for reduction in Reduction.allCases {
            #expect(try Fit.parse(["data.csv", "--reduction", reduction.rawValue]).gradientDescent.reduction == reduction)
        }
        for method in LeastSquares.Method.allCases {
            #expect(try Solve.parse(["data.csv", "--method", method.rawValue]).method == method)
        }
        for covariance in LeastSquares.CovarianceType.allCases {
            #expect(try Solve.parse(["data.csv", "--covariance", covariance.rawValue]).covariance == covariance)
        }
        for precision in Precision.allCases {
            // A precision given is used whatever the file: none is read to resolve it.
            #expect(try Fit.parse(["missing.csv", "--precision", precision.rawValue]).data.resolvedPrecision() == precision)
            #expect(try Solve.parse(["missing.csv", "--precision", precision.rawValue]).data.resolvedPrecision() == precision)
        }
        #expect(try Fit.parse(["data.csv", "--batch-size", BatchSize.full.description]).gradientDescent.batchSize == .full)
    }

    /// `mbgd fit FILE` trains with the library's configuration: only the batch costs, which
    /// only `--plot` draws, are not recorded.
    @Test func optionsLeftOutMeanTheLibrarysDefaults() throws {
        #expect(try Fit.parse(["data.csv"]).gradientDescent == GradientDescent(recordsBatchCosts: false))
        #expect(try Solve.parse(["data.csv"]).confidence == LeastSquares.defaultConfidenceLevel)
        // A rule's constants left out are the library's own defaults for that rule.
        for kind in Optimizer.Kind.allCases {
            let rule = try Fit.parse(["data.csv", "--optimizer", kind.rawValue]).gradientDescent.optimizer
            let byDefault: Optimizer =
                switch kind {
                case .sgd: .sgd
                case .momentum: .momentum()
                case .nesterov: .nesterov()
                case .adam: .adam()
                case .adamW: .adamW()
                case .adagrad: .adagrad()
                case .rmsprop: .rmsprop()
                }
            #expect(rule == byDefault)
        }
        for kind in LearningRateSchedule.Kind.allCases {
            let schedule = try Fit.parse(["data.csv", "--schedule", kind.rawValue]).gradientDescent.schedule
            let byDefault: LearningRateSchedule =
                switch kind {
                case .constant: .constant
                case .inverseScaling: .inverseScaling()
                case .step: .stepDecay()
                case .cosine: .cosine
                case .plateau: .reduceOnPlateau()
                }
            #expect(schedule == byDefault)
        }
    }

    /// The defaults `--help` states are the library's, read back as numbers.
    @Test func theDefaultsTheHelpShowsAreTheLibrarys() throws {
        let fit = try mbgd("fit", "--help").stdout
        func entry(_ option: String) throws -> String { try #require(Self.entry(option, in: fit), "no \(option)") }
        /// The number right after `marker` in `text`.
        func number(after marker: String, in text: String) -> Double? {
            guard let range = text.range(of: marker) else { return nil }
            let digits = text[range.upperBound...].prefix { $0.isNumber || "+-.e".contains($0) }
            return Double(digits.hasSuffix(".") ? String(digits.dropLast()) : String(digits))
        }
        guard case let .adamW(beta1, beta2, _, weightDecay) = Optimizer.adamW(), case let .rmsprop(alpha, _) = Optimizer.rmsprop(),
            case let .adagrad(adagradEpsilon) = Optimizer.adagrad(),
            case let .stepDecay(stepFactor, every) = LearningRateSchedule.stepDecay(),
            case let .reduceOnPlateau(plateauFactor, _, _) = LearningRateSchedule.reduceOnPlateau(),
            case let .inverseScaling(power) = LearningRateSchedule.inverseScaling()
        else {
            Issue.record("the library's cases changed shape")
            return
        }
        #expect(number(after: "(default: ", in: try entry("--beta1")) == beta1)
        #expect(number(after: "(default: ", in: try entry("--beta2")) == beta2)
        #expect(number(after: "(default: ", in: try entry("--weight-decay")) == weightDecay)
        #expect(number(after: "(default: ", in: try entry("--alpha")) == alpha)
        #expect(number(after: "AdaGrad: ", in: try entry("--epsilon")) == adagradEpsilon)
        #expect(number(after: "else ", in: try entry("--momentum")) == Optimizer.defaultMomentum)
        #expect(number(after: "(default: ", in: try entry("--decay-power")) == power)
        #expect(number(after: "(default: ", in: try entry("--decay-every")) == Double(every))
        #expect(number(after: "step schedule (default ", in: try entry("--decay-factor")) == stepFactor)
        #expect(number(after: "plateau schedule (default ", in: try entry("--decay-factor")) == plateauFactor)
        // "Default 1e-3 and 1e-6": the certificate's tolerance, then the plateau's.
        let stopping = EarlyStopping(), tolerance = try entry("--tolerance")
        let stated = try #require(tolerance.range(of: "Default ").map { String(tolerance[$0.lowerBound...]) })
        #expect(number(after: "Default ", in: stated) == stopping.parameterTolerance)
        #expect(number(after: " and ", in: stated) == stopping.tolerance)
        let defaults = GradientDescent()
        #expect(try entry("--batch-size").contains("(default: \(defaults.batchSize))"))
        #expect(try entry("--learning-rate").contains("(default: \(defaults.learningRate))"))
        #expect(try entry("--reduction").contains("default: \(defaults.reduction.rawValue))"))
        #expect(try entry("--schedule").contains("default: \(defaults.schedule.name))"))
        let solve = try #require(Self.entry("--confidence", in: try mbgd("solve", "--help").stdout))
        #expect(number(after: "(default: ", in: solve) == LeastSquares.defaultConfidenceLevel)
    }
}
