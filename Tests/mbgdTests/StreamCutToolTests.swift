import Foundation
import Testing

/// A CSV stream whose last line has no newline (as a stream cut short by its writer ends) is
/// read as it stands, as a file's last line is, and both stream commands say so on stderr,
/// naming the line; a stream that ends with its newline gets no note.
@Suite struct StreamCutToolTests {
    @Test(arguments: ["fit", "solve"])
    func aLastLineWithoutNewlineIsNoted(command: String) throws {
        var text = "a,b,y\n"
        for i in 0..<40 { text += "\(Double(i % 7)),\(Double(i % 5) * 0.5),\(1 + Double(i % 7) - Double(i % 3))\n" }
        let ended = try mbgd(arguments: [command, "-", "--json"], standardInput: text)
        #expect(ended.status == 0 && ended.stderr.isEmpty, "\(ended.stderr)")
        let cut = try mbgd(arguments: [command, "-", "--json"], standardInput: String(text.dropLast()))
        #expect(cut.status == 0, "\(cut.stderr)")
        #expect(
            cut.stderr
                == "mbgd: note: standard input ends without a newline after line 41: if the stream was cut short, its last row may be cut too\n"
        )
        // The same rows either way: the last line read as it stands.
        #expect(cut.stdout == ended.stdout)
    }
}
