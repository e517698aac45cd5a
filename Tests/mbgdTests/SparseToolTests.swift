import Foundation
import Testing

/// `mbgd fit` and `mbgd solve` on libsvm files.
@Suite struct SparseToolTests {
    /// y = 1 + 2·x1 − 3·x3 exactly, on eight sparse rows of four features (x2 and x4 never
    /// matter): the least-squares answer is those numbers, worked by hand.
    static func exactFile(zeroBased: Bool = false) throws -> String {
        let rows: [[Int: Double]] = [
            [1: 1], [3: 1], [1: 2, 3: 1], [2: 5], [1: -1, 4: 2], [3: -2, 2: 1], [1: 0.5, 3: 0.5, 4: -1], [:],
        ]
        let lines = rows.map { row -> String in
            let target = 1 + 2 * (row[1] ?? 0) - 3 * (row[3] ?? 0)
            let entries = row.keys.sorted().map { "\(zeroBased ? $0 - 1 : $0):\(row[$0]!)" }
            return ([String(target)] + entries).joined(separator: " ")
        }
        return try write(lines.joined(separator: "\n") + "\n", to: scratchFolder() + "/exact.svm")
    }

    @Test func solveFindsTheExactModelWorkedByHand() throws {
        let run = try mbgd("solve", try Self.exactFile(), "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        let coefficients = try #require(json["coefficients"] as? [Double])
        let intercept = try #require(json["intercept"] as? Double)
        #expect(relativeDifference(coefficients, [2, 0, -3, 0]) < 1e-10 && abs(intercept - 1) < 1e-10)
        #expect(json["method"] as? String == "lsqr")
        #expect((json["sparse"] as? [String: Any])?["nonzeros"] as? Int == 12)
        #expect((json["lsqr"] as? [String: Any])?["stop"] as? String != "iterationLimit")
        let text = try mbgd("solve", try Self.exactFile())
        #expect(text.stdout.contains("8 rows × 4 features, 12 nonzeros (37.5 % dense)"))
        #expect(text.stdout.contains("LSQR: ") && text.stdout.contains("stopped"))
    }

    @Test func fitConvergesToTheSameModelWithAVerdict() throws {
        // The certified stop: the fit ends once its certificate puts it within --tolerance of the
        // optimum, and it is (μ exact: four features are well under the Gram route's limit).
        let run = try mbgd(
            "fit", try Self.exactFile(), "--batch-size", "full", "--epochs", "20000", "--no-standardize", "--tolerance", "1e-6", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        let coefficients = try #require(json["coefficients"] as? [Double])
        let intercept = try #require(json["intercept"] as? Double)
        #expect(relativeDifference(coefficients + [intercept], [2, 0, -3, 0, 1]) < 1e-6)
        #expect(relativeDifference(coefficients + [intercept], [2, 0, -3, 0, 1]) > 1e-12, "stopped by the certificate, not at the optimum")
        #expect((json["verdict"] as? String)?.hasPrefix("converged") == true)
        #expect((json["closedForm"] as? [String: Any])?["method"] as? String == "lsqr")
    }

    /// `mbgd fit FILE.svm --l1 A`: plain SGD on the sparse rows, soft-thresholded lazily, at
    /// full batch certified within 1e-12 (the shortest subgradient's bound) reaches scikit-learn's `Lasso(alpha=0.3, tol=1e-14)` on these rows
    /// (coefficients 1.3265822784810115, 0, −2.387341772151898, 0, intercept 1.1721518987341775),
    /// x2 and x4 exactly zero.
    @Test func fitDescendsTheLassoOnSparseRows() throws {
        let run = try mbgd(
            "fit", try Self.exactFile(), "--l1", "0.3", "--batch-size", "full", "--epochs", "20000", "--no-standardize", "--tolerance",
            "1e-12", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        let coefficients = try #require(json["coefficients"] as? [Double])
        let intercept = try #require(json["intercept"] as? Double)
        let scikitLearn = [1.3265822784810115, 0, -2.387341772151898, 0, 1.1721518987341775]
        #expect(relativeDifference(coefficients + [intercept], scikitLearn) < 1e-9)
        #expect(coefficients[1] == 0 && coefficients[3] == 0)
        #expect(json["zeroCoefficients"] as? Int == 2)
        #expect((json["closedForm"] as? [String: Any])?["method"] as? String == "coordinateDescent")
        #expect((json["verdict"] as? String)?.hasPrefix("converged") == true)
        let text = try mbgd("fit", try Self.exactFile(), "--l1", "0.3", "--epochs", "5")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("lazily on the columns a step skips"))
        let refused = try mbgd("fit", try Self.exactFile(), "--l1", "auto")
        #expect(refused.status != 0 && refused.stderr.contains("--l1 auto cross-validates on dense rows only"))
    }

    /// A model saved by fit or solve predicts a libsvm file's rows: y = 1 + 2·x1 − 3·x3 worked by hand.
    @Test func predictTakesALibSVMFile() throws {
        let folder = try scratchFolder()
        let saved = try mbgd("solve", try Self.exactFile(), "--save-model", folder + "/model.json")
        #expect(saved.status == 0, "\(saved.stderr)")
        let rows = try write("0 1:1 3:1\n0 2:7\n0 1:-2 4:3\n", to: folder + "/new.svm")
        let run = try mbgd("predict", "--model", folder + "/model.json", rows)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "y")
        let values = lines.dropFirst().compactMap(Double.init)
        #expect(values.count == 3 && relativeDifference(values, [0, 1, -3]) < 1e-9)
        let wide = try write("0 5:1\n", to: folder + "/wide.svm")
        let refused = try mbgd("predict", "--model", folder + "/model.json", wide)
        #expect(refused.status != 0 && refused.stderr.contains("wide.svm"), "\(refused.stderr)")
        let intervals = try mbgd("predict", "--model", folder + "/model.json", rows, "--intervals", "0.9")
        #expect(intervals.status != 0 && intervals.stderr.contains("--intervals"), "\(intervals.stderr)")
    }

    @Test func zeroBasedFilesNeedTheFlagAndGiveTheSameAnswer() throws {
        let refused = try mbgd("solve", try Self.exactFile(zeroBased: true))
        #expect(refused.status != 0 && refused.stderr.contains("--zero-based"), "\(refused.stderr)")
        let run = try mbgd("solve", try Self.exactFile(zeroBased: true), "--zero-based", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(relativeDifference(try #require(try run.json["coefficients"] as? [Double]), [2, 0, -3, 0]) < 1e-10)
    }

    @Test(arguments: [
        (["solve", "--target", "y"], "drop --target"), (["fit", "--features", "x1"], "drop --features"),
        (["solve", "--weights", "w"], "drop --weights"), (["solve", "--method", "qr"], "drop it"),
        (["solve", "--covariance", "hc1"], "drop --covariance"), (["fit", "--plot", "plots"], "drop --plot"),
        (["fit", "--optimizer", "momentum"], "--optimizer sgd"),
        (["fit", "--optimizer", "adam", "--l2", "0.1"], "--optimizer adamw --weight-decay"),
        (["solve", "--no-refine"], "drop --no-refine"),
        (["solve", "--confidence", "0.9"], "drop --confidence"),
    ])
    func optionsThatDoNotApplyAreRefusedByName(arguments: [String], expected: String) throws {
        let run = try mbgd(arguments: [arguments[0], try Self.exactFile()] + arguments.dropFirst())
        #expect(run.status != 0)
        #expect(run.stderr.contains(expected), "\(run.stderr)")
    }

    /// `bench` on a libsvm file and on synthetic sparse rows: one result per batch size (the
    /// full batch is the file's 8 rows), LSQR timed as the closed form, the shape reported.
    @Test func benchMeasuresSparseRows() throws {
        let run = try mbgd("bench", "--file", try Self.exactFile(), "--batch-sizes", "1,4,full", "--epochs", "2", "--closed-form", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.map { $0["batchSize"] as? Int } == [1, 4, 8])
        #expect(results.allSatisfy { ($0["samplesPerSecond"] as? Double ?? 0) > 0 && ($0["finalCost"] as? Double)?.isFinite == true })
        let config = try #require(json["config"] as? [String: Any])
        #expect((config["sparse"] as? [String: Any])?["nonzeros"] as? Int == 12)
        #expect((json["closedForm"] as? [[String: Any]])?.map { $0["method"] as? String } == ["lsqr"])
        let synthetic = try mbgd("bench", "--sparse", "--rows", "3000", "--features", "500", "--density", "0.01", "--batch-sizes", "1,64")
        #expect(synthetic.status == 0, "\(synthetic.stderr)")
        #expect(synthetic.stdout.contains("Data: synthetic sparse, 3000 rows × 500 features, "))
        #expect(synthetic.stdout.contains("scaled by the columns' deviations"))
        let blocks = try mbgd("bench", "--sparse", "--rows", "3000", "--features", "500", "--batch-sizes", "16", "--shuffle-blocks", "8")
        #expect(blocks.status == 0 && blocks.stdout.contains("shuffled in blocks of 8 rows"), "\(blocks.stdout)\(blocks.stderr)")
        for (arguments, message) in [
            (["--sparse", "--outputs", "2"], "drop --outputs"), (["--sparse", "--density", "1.5"], "--density must lie in (0, 1]"),
            (["--density", "0.5"], "add --sparse"),
        ] {
            let refused = try mbgd(arguments: ["bench"] + arguments)
            #expect(refused.status == 2 && refused.stderr.contains(message), "\(refused.stderr)")
        }
    }

    /// `sweep` on a libsvm file races every batch size to the gap of LSQR's optimum, whose cost
    /// is half the mean squared error `solve` reports for the same rows; the options that choose
    /// columns are refused with the reason.
    @Test func sweepRacesSparseRows() throws {
        let text =
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
            + "/Examples/data/text.svm"
        let run = try mbgd("sweep", "--file", text, "--batch-sizes", "8,64", "--gap", "0.1", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.map { $0["batchSize"] as? Int } == [8, 64])
        #expect(results.allSatisfy { $0["reached"] as? Bool == true })
        // Fewer, larger updates: batch 64 needs fewer updates than batch 8 to the same gap.
        #expect((results[1]["updatesToGap"] as? Int ?? .max) < (results[0]["updatesToGap"] as? Int ?? 0))
        let optimum = try #require((json["optimum"] as? [String: Any])?["cost"] as? Double)
        let solved = try mbgd("solve", text, "--json").json
        let mse = try #require((solved["metrics"] as? [String: Any])?["mse"] as? Double)
        #expect(abs(optimum - mse / 2) <= 1e-9 * optimum)
        let report = try mbgd("sweep", "--file", text, "--batch-sizes", "64", "--gap", "0.1")
        #expect(report.stdout.contains("11936 nonzeros (3.98 % dense), sparse descent"), "\(report.stdout)")
        // Rows fitted exactly: LSQR's optimum costs rounding (about 1e-31), taken as 0, and the
        // gap as absolute; a gap relative to rounding could never be reached.
        let exact = try mbgd("sweep", "--file", try Self.exactFile(), "--batch-sizes", "1,full", "--gap", "1e-6", "--json").json
        #expect((exact["optimum"] as? [String: Any])?["cost"] as? Double == 0)
        #expect((exact["results"] as? [[String: Any]])?.allSatisfy { $0["reached"] as? Bool == true } == true)
        let refused = try mbgd("sweep", "--file", text, "--target", "y")
        #expect(refused.status != 0 && refused.stderr.contains("drop --target"), "\(refused.stderr)")
    }

    /// A libsvm file whose name says nothing is told by its content: `solve` on `exact.txt`
    /// gives the `.svm`'s answer.
    @Test func aLibSVMFileIsToldByItsContent() throws {
        let named = try Self.exactFile()
        let unnamed = try write(try String(contentsOfFile: named, encoding: .utf8), to: scratchFolder() + "/exact.txt")
        let a = try mbgd("solve", named, "--json"), b = try mbgd("solve", unnamed, "--json")
        #expect(b.status == 0, "\(b.stderr)")
        #expect(try a.json["coefficients"] as? [Double] == b.json["coefficients"] as? [Double])
        #expect(try b.json["method"] as? String == "lsqr")
    }

}
