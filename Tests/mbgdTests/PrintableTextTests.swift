import MiniBatchGD
import Testing

@testable import MBGDCommands

@Suite struct PrintableTextTests {
    @Test func controlsAndOverridesAreEscapedByHand() {
        #expect(PrintableText.escaping("plain, ünïcode ✓") == "plain, ünïcode ✓")
        #expect(PrintableText.escaping("a\u{1B}[2Jb\u{7F}\u{9B}\u{202E}\u{0}") == "a\\u{1B}[2Jb\\u{7F}\\u{9B}\\u{202E}\\u{0}")
        #expect(PrintableText.escaping("line\nbreak\tand tab", keeping: ["\n"]) == "line\nbreak\\u{9}and tab")
        // The marks that reorder text without overriding it (RLM, LRM, ALM) and the Unicode line
        // and paragraph separators (they passed unescaped); Arabic and Hebrew letters stay.
        let marks = "x\u{200F}y\u{200E}z\u{061C}w\u{2028}v\u{2029}"
        #expect(PrintableText.escaping(marks) == "x\\u{200F}y\\u{200E}z\\u{61C}w\\u{2028}v\\u{2029}")
        #expect(PrintableText.escaping("سعر שלום") == "سعر שלום")
    }

    @Test func theLibrarysMessagesKeepTheTextAndTheToolEscapesItWithTheStatusOfItsKind() {
        let error = FileError.notANumber(path: "x.csv", line: 2, column: 1, text: "\u{1B}[31mred")
        #expect(error.description == "x.csv:2:1: '\u{1B}[31mred' is not a number")
        let ending = Ending(error, root: MBGD.self)
        #expect(ending.message.hasPrefix("mbgd: error: x.csv:2:1: '\\u{1B}[31mred' is not a number"))
        #expect(ending.status == 1)
        let argument = Ending(ArgumentError(argument: "batchSize", value: "0", requirement: "must be at least 1"), root: MBGD.self)
        #expect(argument.status == 2)
        #expect(Ending(TrainingError.cancelled(epochsCompleted: 3), root: MBGD.self).status == 130)
        #expect(Ending(LinearAlgebraError.lapackFailure(routine: "dgesv", info: -4), root: MBGD.self).status == 1)
        #expect(Ending(DataError.tooFewRows(argument: "rows", rows: 1, minimum: 2), root: MBGD.self).status == 1)
    }
}
