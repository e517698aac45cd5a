import Foundation
import Testing

/// The options several commands take are declared once (one option group each) and so read the
/// same in every `--help` that lists them: the same value name and the same words.
@Suite struct SharedOptionsToolTests {
    static let shared: [(option: String, commands: [String])] = [
        ("--target", ["fit", "solve", "bench", "sweep"]),
        ("--weights", ["fit", "solve", "sweep"]),
        ("--precision", ["fit", "solve", "bench"]),
        ("--no-intercept", ["fit", "solve", "sweep"]),
        ("--file", ["bench", "sweep"]),
    ]

    @Test func aSharedOptionReadsTheSameInEveryCommandThatTakesIt() throws {
        var helps: [String: String] = [:]
        for command in Set(Self.shared.flatMap(\.commands)) { helps[command] = try mbgd(command, "--help").stdout }
        for (option, commands) in Self.shared {
            let entries = try commands.map { command in
                try #require(ArgumentNamesToolTests.entry(option, in: helps[command]!), "mbgd \(command) --help has no \(option)")
            }
            #expect(Set(entries).count == 1, "\(option) reads differently in \(commands): \(entries)")
        }
    }

    /// `--threads` is one option too, but says what the threads do in each command.
    @Test func threadsAreOneOptionWithEachCommandsOwnWords() throws {
        let entries = try ["fit", "solve", "bench"].map { command in
            try #require(ArgumentNamesToolTests.entry("--threads", in: try mbgd(command, "--help").stdout))
        }
        #expect(entries.allSatisfy { $0.hasPrefix("--threads <threads> Threads for ") })
        #expect(Set(entries).count == 3)
    }
}
