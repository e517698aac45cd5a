import Foundation
import Testing

/// `mbgd fit`, `solve`, `predict` and `convert` on scipy's `.npz` files (Tests/Fixtures/npz,
/// written by save_npz): the same answers as on the libsvm file of the same matrix.
@Suite struct NPZToolTests {
    static let npz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/npz").path
    static let svm = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/libsvm/random.svm").path

    /// The coefficients and intercept of a `--json` run.
    static func parameters(_ arguments: [String]) throws -> [Double] {
        let run = try mbgd(arguments: arguments + ["--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        return (json["coefficients"] as? [Double] ?? []) + [json["intercept"] as? Double ?? .nan]
    }

    @Test(arguments: ["random.npz", "random_stored.npz", "random_int64.npz"])
    func solveGivesTheLibSVMFilesAnswer(file: String) throws {
        let svm = try Self.parameters(["solve", Self.svm])
        let npz = try Self.parameters(["solve", Self.npz + "/" + file, "--targets", Self.npz + "/random_y.npy"])
        #expect(svm.count == 51 && npz.map(\.bitPattern) == svm.map(\.bitPattern))
        let text = try mbgd("solve", Self.npz + "/" + file, "--targets", Self.npz + "/random_y.npy")
        #expect(text.stdout.contains("200 rows × 50 features, 975 nonzeros (9.75 % dense)"), "\(text.stdout)")
        // The stored file of int32 indices and float64 values is mapped, not copied.
        #expect(text.stdout.contains("dense), read in place") == (file == "random_stored.npz"), "\(text.stdout)")
    }

    @Test func fitGivesTheLibSVMFilesAnswer() throws {
        let options = ["--epochs", "30", "--seed", "7"]
        let svm = try Self.parameters(["fit", Self.svm] + options)
        for file in ["random.npz", "random_stored.npz"] {
            let npz = try Self.parameters(["fit", Self.npz + "/" + file, "--targets", Self.npz + "/random_y.npy"] + options)
            #expect(svm.count == 51 && npz.map(\.bitPattern) == svm.map(\.bitPattern), "\(file)")
        }
    }

    @Test func predictTakesAnNPZWithOrWithoutTargets() throws {
        let folder = try scratchFolder()
        let saved = try mbgd("solve", Self.svm, "--save-model", folder + "/model.json")
        #expect(saved.status == 0, "\(saved.stderr)")
        let fromSVM = try mbgd("predict", "--model", folder + "/model.json", Self.svm)
        let fromNPZ = try mbgd("predict", "--model", folder + "/model.json", Self.npz + "/random_stored.npz")
        #expect(
            fromNPZ.status == 0 && fromNPZ.stdout == fromSVM.stdout && fromNPZ.stdout.split(separator: "\n").count == 201,
            "\(fromNPZ.stderr)")
        let scored = try mbgd(
            "predict", "--model", folder + "/model.json", Self.npz + "/random.npz", "--targets", Self.npz + "/random_y.npy")
        #expect(scored.status == 0 && scored.stdout == fromSVM.stdout)
        // The solve's own errors on the same rows.
        let solve = try mbgd("solve", Self.svm)
        let r2 = solve.stdout.split(separator: "\n").last { $0.contains("train") }?.split(separator: " ").last.map(String.init)
        #expect(scored.stderr.contains("Errors of the predictions against") && r2 != nil && scored.stderr.contains(r2!), "\(scored.stderr)")
    }

    @Test(arguments: [
        (["solve", "NPZ"], "give the targets' .npy with --targets"),
        (["solve", "NPZ", "--targets", "Y", "--target", "y"], "its targets come from --targets y.npy; drop --target"),
        (["fit", "NPZ", "--targets", "Y", "--zero-based"], "0-based; drop --zero-based"),
        (["solve", "SVM", "--targets", "Y"], "each line's label is its target): drop --targets"),
        (["solve", "NPZ", "--targets", "SHORT"], "the targets have shape (199,), but the features have 200 rows"),
        (["solve", "CSC", "--targets", "Y"], "convert it with m.tocsr()"),
        (["predict", "--model", "M", "SVM", "--targets", "Y"], "drop --targets"),
    ])
    func badUsesAreRefusedWithWhatToDo(arguments: [String], expected: String) throws {
        let folder = try scratchFolder()
        try write(
            "{\"format\": \"mbgd-linear-model\", \"version\": 2, \"featureNames\": [\"a\"], \"targetNames\": [\"y\"], \"fitIntercept\": true, \"intercept\": [1.0], \"coefficients\": [[2.0]]}",
            to: folder + "/m.json")
        let names = [
            "NPZ": Self.npz + "/random.npz", "Y": Self.npz + "/random_y.npy", "SVM": Self.svm, "SHORT": Self.npz + "/random_y_short.npy",
            "CSC": Self.npz + "/random_csc.npz", "M": folder + "/m.json",
        ]
        let run = try mbgd(arguments: arguments.map { names[$0] ?? $0 })
        #expect(run.status != 0 && run.stderr.contains(expected), "\(run.stderr)")
    }

    @Test func convertRoundTripsThroughTheCommand() throws {
        let folder = try scratchFolder()
        let toNPZ = try mbgd("convert", Self.svm, folder + "/x.npz", "--targets", folder + "/y.npy", "--compress")
        #expect(toNPZ.status == 0 && toNPZ.stdout.contains("200 rows × 50 features, 975 nonzeros; targets in"), "\(toNPZ.stderr)")
        let back = try mbgd("convert", folder + "/x.npz", folder + "/back.svm", "--targets", folder + "/y.npy")
        #expect(back.status == 0, "\(back.stderr)")
        #expect(
            try String(contentsOfFile: folder + "/back.svm", encoding: .utf8) == String(contentsOfFile: Self.svm, encoding: .utf8)
                .replacingOccurrences(of: " \n", with: "\n").split(separator: "\n").map { line in
                    // scikit-learn writes 16 significant digits and trailing blanks; the round trip writes the shortest.
                    line.split(separator: " ").map { field -> String in
                        let parts = field.split(separator: ":")
                        let value = Double(String(parts.last!))!
                        let text = value.description.hasSuffix(".0") ? String(value.description.dropLast(2)) : value.description
                        return parts.count == 2 ? "\(parts[0]):\(text)" : text
                    }.joined(separator: " ")
                }.joined(separator: "\n") + "\n")
        for (arguments, expected) in [
            (["convert", Self.svm, folder + "/z.npz"], "name the targets' .npy with --targets"),
            (["convert", Self.svm, folder + "/z.npy", "--compress"], "drop --compress"),
            (["convert", Self.svm, folder + "/z.svm"], "nothing to convert"),
        ] {
            let run = try mbgd(arguments: arguments)
            #expect(run.status == 2 && run.stderr.contains(expected), "\(run.stderr)")
        }
    }
}
