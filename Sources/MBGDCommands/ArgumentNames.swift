import ArgumentParser
import Foundation
import MiniBatchGD

/// The library validates every argument; the tool only spells its errors with option names.
enum ArgumentNames {
    /// Library argument names as the tool's options spell them.
    static var options: [String: String] { OptionSpelling.flags }

    /// The error's message with the option's name in place of the library's.
    static func message(_ error: ArgumentError) -> String { OptionSpelling.commandLine.message(error) }

    /// The library's defaults for gradient descent: what an option left out means.
    static let defaults = GradientDescent()

    /// Every name of a library choice, in the library's order, as help text lists them:
    /// "mean (one rate fits every batch size) or sum (the seed article)". A name without a
    /// gloss is listed bare, so that a choice the library adds is listed before it is described.
    static func list<Choice: CaseIterable & RawRepresentable & Hashable>(_ choice: Choice.Type, glosses: [Choice: String] = [:]) -> String
    where Choice.RawValue == String {
        let names = Choice.allCases.map { name in glosses[name].map { "\(name.rawValue) (\($0))" } ?? name.rawValue }
        guard let last = names.last, names.count > 1 else { return names.joined() }
        return names.dropLast().joined(separator: ", ") + " or " + last
    }

    /// A library constant as help text writes it: as Swift prints it (0.5, 0.01), or with a
    /// short exponent below 0.01 (1e-3, 1e-10).
    static func constant(_ value: Double) -> String {
        guard value != 0, abs(value) < 0.01 else { return "\(value)" }
        let digits = (0...16).first { Double(String(format: "%.\($0)e", value)) == value } ?? 16
        let text = String(format: "%.\(digits)e", value)
        guard let e = text.firstIndex(of: "e") else { return text }
        let exponent = Int(text[text.index(after: e)...]) ?? 0
        return String(text[..<e]) + "e\(exponent)"
    }
}

// The library's choices are the options' values: `--help` lists the library's names, and a
// choice the library adds is accepted and listed without a change here.
extension Optimizer.Kind: ExpressibleByArgument {}
extension LearningRateSchedule.Kind: ExpressibleByArgument {}
extension Reduction: ExpressibleByArgument {}
extension EpochCost: ExpressibleByArgument {}
extension LeastSquares.Method: ExpressibleByArgument {}
extension LeastSquares.CovarianceType: ExpressibleByArgument {}
extension LeastSquares.PenaltyUnits: ExpressibleByArgument {}
extension ElasticNetPenalty.L1Method: ExpressibleByArgument {}
extension RidgePath.Criterion: ExpressibleByArgument {}

/// Runs the library's own validation inside a command's `validate()`: its argument errors become
/// the tool's usage errors (exit status 2) before any data is read.
func validatingArguments(_ body: () throws -> Void) throws {
    do { try body() } catch let error as ArgumentError { throw ValidationError(ArgumentNames.message(error)) }
}

/// `n|full`, as `--batch-size` and each item of `--batch-sizes` write a batch size; nil for
/// anything else, a count below 1 included.
func parseBatchSize(_ text: String) -> BatchSize? { DescentSettings.batchSize(text) }
