import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct DemoToolTests {
    @Test func demoJSONReplaysTheArticleAndGivesTheClosedForm() throws {
        let run = try mbgd("demo", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        let intercept = try #require(json["intercept"] as? Double)
        let coefficients = try #require(json["coefficients"] as? [Double])
        let mae = try #require(((json["metrics"] as? [String: Any])?["test"] as? [String: Any])?["mae"] as? Double)
        #expect(abs(intercept - 0.82) < 0.1 && abs(coefficients[0] - 1.05) < 0.06 && abs(mae - 0.44) < 0.03)
        let closed = try #require(json["closedForm"] as? [String: Any])
        let exactIntercept = try #require(closed["intercept"] as? Double)
        let exactSlope = try #require((closed["coefficients"] as? [Double])?.first)
        // The population line is y = 1.25 + 0.95·x; the replay is far from the exact fit.
        #expect(abs(exactSlope - 0.95) < 0.03 && abs(exactIntercept - 1.25) < 0.15)
        #expect(abs(intercept - exactIntercept) > 0.3)
        #expect((json["throughput"] as? [Any])?.count == 7)
    }

    @Test func demoTextAndPlots() throws {
        let folder = try scratchFolder()
        let run = try mbgd("demo", "--plot", folder + "/plots")
        #expect(run.status == 0)
        for phrase in ["article's configuration", "exact least-squares solution", "done right", "samples/s"] {
            #expect(run.stdout.contains(phrase), "missing '\(phrase)'")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: folder + "/plots").sorted()
        #expect(files == ["article-vs-corrected.svg", "cost-per-batch.svg", "cost-per-epoch.svg", "fit.svg", "throughput.svg"])
        for file in files { try expectValidSVG(folder + "/plots/" + file) }
        // The optimum as a dashed line, the relative gap on its own log panel, the batch costs
        // as a faint band under their moving average.
        let epochPlot = try String(contentsOfFile: folder + "/plots/cost-per-epoch.svg", encoding: .utf8)
        #expect(epochPlot.contains("closed-form optimum") && epochPlot.contains("stroke-dasharray=\"7 4\""))
        #expect(epochPlot.contains("Relative gap to the closed-form optimum") && epochPlot.contains("(J − J*) / J* (log scale)"))
        let batchPlot = try String(contentsOfFile: folder + "/plots/cost-per-batch.svg", encoding: .utf8)
        #expect(batchPlot.contains("moving average of ") && batchPlot.contains("stroke-opacity=\"0.3\""))
    }
}

@Suite struct FitToolTests {
    /// (1, 2), (2, 4), (3, 6.5), (4, 8) by hand: x̄ = 2.5, ȳ = 5.125, Sxy = 10.25, Sxx = 5, so the
    /// slope is 2.05 and the intercept exactly 0. Computed as about 1e-31, its relative error
    /// read "within 5 relative (about -0.699 correct digits)"; it is now zero within its bound.
    @Test func anEstimateThatIsZeroIsSaidToBeZeroNotGivenNegativeDigits() throws {
        let folder = try scratchFolder()
        let data = try write("a,y\n1,2\n2,4\n3,6.5\n4,8\n", to: folder + "/zero.csv")
        let run = try mbgd("solve", data)
        #expect(run.status == 0, "\(run.stderr)")
        let line = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("Refined") })
        #expect(line.contains("every other estimate within ") && line.contains("; zero within its bound: (Intercept) ±"), "\(line)")
        #expect(!line.contains("-0."), "\(line)")
    }

    /// y = 2a ± 1e-6 for a = 1…200: σ ≈ 1e-6 and Sxx = 200·(200² − 1)/12 ≈ 6.7e5, so the slope's
    /// standard error is about 1.2e-9 and its t about 1.6e9; on 198 degrees of freedom the tail
    /// is of order t^−198 ≈ 10^−1800, far below any Double. The slope's p-value is the bound,
    /// never 0; the intercept's (t ≈ 0.1) is a number.
    @Test func aPValueBelowTheSmallestDoubleIsSaidAsTheBound() throws {
        let folder = try scratchFolder()
        let rows = (1...200).map { a in "\(a),\(2 * Double(a) + (a % 2 == 1 ? 1e-6 : -1e-6))" }
        let data = try write("a,y\n" + rows.joined(separator: "\n") + "\n", to: folder + "/under.csv")
        let run = try mbgd("solve", data)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.first?.hasSuffix(": 200 rows, 1 feature") == true, "\(lines.first ?? "")")
        let slope = try #require(lines.first { $0.hasPrefix("  a ") })
        #expect(slope.contains("< 2.2e-308") && slope.contains("***"), "\(slope)")
        let intercept = try #require(lines.first { $0.hasPrefix("  (Intercept)") })
        #expect(!intercept.contains("< 2.2e-308") && !intercept.contains("***"), "\(intercept)")
    }

    @Test func fitJSONMatchesAHandSolvedClosedForm() throws {
        let folder = try scratchFolder()
        let data = houseLikeCSV()
        let path = try write(data.text, to: folder + "/data.csv")
        let run = try mbgd(
            "fit", path, "--batch-size", "full", "--epochs", "400", "--learning-rate", "0.5", "--standardize",
            "--no-early-stopping", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        let exact = handSolve(a: data.a, b: data.b, y: data.y)
        let closed = try #require(json["closedForm"] as? [String: Any])
        let closedParameters = [try #require(closed["intercept"] as? Double)] + (try #require(closed["coefficients"] as? [Double]))
        #expect(relativeDifference(closedParameters, exact) < 1e-12)
        let fitted = [try #require(json["intercept"] as? Double)] + (try #require(json["coefficients"] as? [Double]))
        #expect(relativeDifference(fitted, exact) < 1e-8)
        #expect((closed["relativeDifference"] as? Double ?? 1) < 1e-8)
        #expect(json["features"] as? [String] == ["a", "b"])
        let history = try #require(json["history"] as? [String: Any])
        #expect(history["epochsRun"] as? Int == 400 && history["stopReason"] as? String == "maximumEpochs")
        #expect((history["epochCosts"] as? [Double])?.count == 400)
        let metrics = try #require(json["metrics"] as? [String: Any])
        #expect(metrics["test"] is NSNull)
        #expect(Set(((metrics["train"] as? [String: Any]) ?? [:]).keys) == ["mse", "rmse", "mae", "r2"])
    }

    @Test func fitInFloat32SaysSoAndLandsWithinFloatRoundingOfTheExactFit() throws {
        let folder = try scratchFolder()
        let data = houseLikeCSV()
        let path = try write(data.text, to: folder + "/data.csv")
        let exact = handSolve(a: data.a, b: data.b, y: data.y)
        for (precision, tolerance) in [("float32", 1e-5), ("float64", 1e-8)] {
            let model = folder + "/\(precision).json"
            let run = try mbgd(
                "fit", path, "--precision", precision, "--batch-size", "full", "--epochs", "400", "--learning-rate", "0.5",
                "--no-early-stopping", "--json", "--save-model", model)
            #expect(run.status == 0, "\(run.stderr)")
            let json = try run.json
            #expect((json["training"] as? [String: Any])?["precision"] as? String == precision)
            let fitted = [try #require(json["intercept"] as? Double)] + (try #require(json["coefficients"] as? [Double]))
            #expect(relativeDifference(fitted, exact) < tolerance, "\(precision)")
            let saved = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as? [String: Any])
            #expect((saved["training"] as? [String: Any])?["precision"] as? String == precision)
            // Predictions read the features as float64 whatever the model was trained on.
            let predicted = try mbgd("predict", "--model", model, path)
            #expect(predicted.status == 0, "\(predicted.stderr)")
        }
        let bad = try mbgd("fit", path, "--precision", "float16")
        #expect(bad.status != 0 && bad.stderr.contains("precision"))
    }

    /// On a terminal, every phase that can take long names itself on stderr (loading, the exact
    /// solve, each batch size of a sweep) and is erased once done; never with --json or off a
    /// terminal. `script` gives the tool a terminal.
    @Test func longPhasesSayWhatTheyDoOnATerminal() throws {
        let folder = try scratchFolder()
        let path = try write(houseLikeCSV(rows: 200).text, to: folder + "/data.csv")
        func onTerminal(_ arguments: String) throws -> String {
            let run = try run("/usr/bin/script", arguments: ["-qec", "'\(toolPath)' \(arguments)", "/dev/null"])
            #expect(run.status == 0, "\(run.stdout)")
            return run.stdout
        }
        let solve = try onTerminal("solve '\(path)'")
        #expect(solve.contains("\r\u{1B}[Kloading \(path) (") && solve.contains("\r\u{1B}[Ksolving 200 rows × 2 features in closed form…"))
        #expect(solve.contains("Closed-form least squares on"))
        let sweep = try onTerminal("sweep --file '\(path)' --batch-sizes 8,full --max-epochs 5")
        #expect(
            sweep.contains("racing batch size 8 to the gap (1 of 2)…") && sweep.contains("racing batch size 200 to the gap (2 of 2)…"),
            "\(sweep)")
        let json = try onTerminal("solve '\(path)' --json")
        #expect(!json.contains("loading") && !json.contains("\u{1B}"), "\(json)")
        // Off a terminal: no status line at all.
        let piped = try mbgd("solve", path)
        #expect(!piped.stderr.contains("loading") && piped.stderr.isEmpty, "\(piped.stderr)")
    }

    /// Precision said: values rounded to float32 are named so, with what the rounding cost where a
    /// float64 solve is cheap; a float32 file read as stored is not "rounded".
    @Test func roundingToFloat32IsSaidWithWhatItCost() throws {
        let folder = try scratchFolder()
        let path = try write(houseLikeCSV(rows: 200).text, to: folder + "/data.csv")
        let single = try mbgd("solve", path, "--precision", "float32", "--json")
        let double = try mbgd("solve", path, "--json")
        #expect(single.status == 0 && double.status == 0, "\(single.stderr)")
        func parameters(_ json: [String: Any]) throws -> [Double] {
            [try #require(json["intercept"] as? Double)] + (try #require(json["coefficients"] as? [Double]))
        }
        let expected = relativeDifference(try parameters(try single.json), try parameters(try double.json))
        let reported = try #require(try single.json["float64RelativeDifference"] as? Double)
        #expect(expected > 0 && abs(reported - expected) <= 1e-6 * expected, "\(reported) against \(expected)")
        #expect(try double.json["float64RelativeDifference"] is NSNull)
        let text = try mbgd("solve", path, "--precision", "float32")
        #expect(text.stdout.contains("the solution of the float64 values differs by "), "\(text.stdout)")

        let fit = try mbgd("fit", path, "--precision", "float32", "--epochs", "3")
        #expect(
            fit.stdout.contains("; values rounded to float32 (arithmetic in float64): the gap and the verdict compare"), "\(fit.stdout)")
        // A float32 file is read as stored: nothing was rounded.
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/Fixtures"
        let stored = try mbgd("fit", fixtures + "/fortran_f4.npy", "--batch-size", "full", "--epochs", "3")
        #expect(stored.status == 0, "\(stored.stderr)")
        #expect(stored.stdout.contains("; rows in float32 as stored") && !stored.stdout.contains("rounded"), "\(stored.stdout)")
    }

    @Test func fitWithTestSplitEarlyStoppingPlotsAndSavedModelThenPredict() throws {
        let folder = try scratchFolder()
        let data = houseLikeCSV(rows: 200)
        let path = try write(data.text, to: folder + "/data.csv")
        let run = try mbgd(
            "fit", path, "--target", "y", "--batch-size", "16", "--epochs", "300", "--learning-rate", "0.05",
            "--standardize", "--momentum", "0.5", "--nesterov", "--test-fraction", "0.25", "--tolerance", "1e-7",
            "--patience", "3", "--save-model", folder + "/model.json", "--plot", folder + "/plots")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("(150 train, 50 test)"))
        #expect(run.stdout.contains("closed form"))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder + "/plots").sorted()
        #expect(files == ["cost-per-batch.svg", "cost-per-epoch.svg", "predicted-vs-actual.svg"])
        for file in files { try expectValidSVG(folder + "/plots/" + file) }

        // predict recomputes intercept + coefficients·x from the saved file's own numbers.
        let model = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/model.json"))) as? [String: Any])
        let intercept = try #require((model["intercept"] as? [Double])?.first)
        let coefficients = try #require((model["coefficients"] as? [[Double]])?.first)  // per target, in feature order
        let predicted = try mbgd("predict", "--model", folder + "/model.json", path)
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let lines = predicted.stdout.split(separator: "\n")
        #expect(lines.first == "y" && lines.count == 201)
        for i in [0, 57, 199] {
            let expected = intercept + coefficients[0] * data.a[i] + coefficients[1] * data.b[i]
            #expect(abs(Double(lines[i + 1])! - expected) < 1e-9 * max(1, abs(expected)))
        }
        let toFile = try mbgd("predict", "--model", folder + "/model.json", path, "--output", folder + "/out.csv")
        #expect(toFile.status == 0 && toFile.stdout.isEmpty)
        #expect(try String(contentsOfFile: folder + "/out.csv", encoding: .utf8) == predicted.stdout)
    }

    /// Two nearly equal columns: the standardized design has κ² of about 10⁶.
    static func illConditionedCSV(rows: Int = 300) -> String {
        var text = "a,b,c,y\n"
        for i in 0..<rows {
            let a = Double((i * 37) % 101) / 50 - 1, c = Double((i * 11) % 23) / 11 - 1
            let b = a + 1e-3 * (Double((i * 7) % 13) / 6 - 1)
            text += "\(a),\(b),\(c),\(2 + 3 * a - b + 0.5 * c + 0.01 * Double(i % 5))\n"
        }
        return text
    }

    @Test func defaultsNeverDivergeAndEndWithAVerdict() throws {
        let folder = try scratchFolder()
        // Well conditioned: the defaults reach the closed form by themselves.
        let easy = try write(houseLikeCSV(rows: 200).text, to: folder + "/easy.csv")
        let converged = try mbgd("fit", easy, "--json")
        #expect(converged.status == 0, "\(converged.stderr)")
        let json = try converged.json
        let closed = try #require(json["closedForm"] as? [String: Any])
        #expect((closed["relativeDifference"] as? Double ?? 1) < 1e-2)
        #expect((json["verdict"] as? String)?.hasPrefix("converged") == true)
        let training = try #require(json["training"] as? [String: Any])
        #expect(training["optimizer"] as? String == "sgd" && training["learningRateSource"] as? String == "automatic")
        #expect(training["standardized"] as? Bool == true)
        for key in ["learningRate", "smoothness", "conditionNumber", "predictedEpochs", "epochBudget"] {
            #expect((training[key] as? Double ?? Double(training[key] as? Int ?? -1)) > 0, "\(key)")
        }
        // Ill conditioned: exit 0, the gap printed, and a verdict that says what would get there.
        let hard = try write(Self.illConditionedCSV(rows: 50), to: folder + "/hard.csv")
        let run = try mbgd("fit", hard)
        #expect(run.status == 0, "\(run.stderr)")
        let verdict = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("Verdict: ") })
        // Averaged mini-batches lag the contraction: no count of epochs is promised (7.7 million
        // were, and left the average 0.14 away), but what would get there.
        #expect(
            verdict.contains("not converged") && verdict.contains("κ = ") && !verdict.contains("more epochs")
                && verdict.contains("--batch-size full --optimizer nesterov") && verdict.contains("mbgd solve"), "\(verdict)")
        #expect(run.stdout.contains("Gap: parameters differ by"))
        let advised = try mbgd("fit", hard, "--batch-size", "full", "--optimizer", "nesterov", "--json")
        let gap = try #require((try advised.json["closedForm"] as? [String: Any])?["relativeDifference"] as? Double)
        #expect(gap <= 1e-2, "\(gap)")
    }

    /// A wide fit's coefficients read as statsmodels prints them: one row per coefficient (33
    /// features were one 430-character line).
    @Test func wideCoefficientTablesHaveOneRowPerCoefficient() throws {
        let folder = try scratchFolder()
        let p = 33
        var text = (0..<p).map { "feature\($0)" }.joined(separator: ",") + ",y\n"
        for i in 0..<200 {
            let x = (0..<p).map { Double((i * (2 * $0 + 3) + $0) % 17) / 8 - 1 }
            text += x.map { "\($0)" }.joined(separator: ",") + ",\(x.enumerated().reduce(1) { $0 + Double($1.offset % 5) * $1.element })\n"
        }
        let path = try write(text, to: folder + "/wide.csv")
        let run = try mbgd("fit", path, "--epochs", "3")
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix("Coefficients") })
        #expect(lines[start + 1].contains("gradient descent") && lines[start + 1].contains("closed form"))
        #expect(lines[start + 2].hasPrefix("  intercept "))
        for j in 0..<p {
            let row = lines[start + 3 + j]
            #expect(row.hasPrefix("  feature\(j) ") && row.count <= 80, "\(row)")
            #expect(row.split(separator: " ").count == 3, "\(row)")
        }
    }

    /// Help texts are wrapped by the parser, not by hand: a greedy wrap breaks a line only where
    /// the next word would not fit, so a break with room left for that word is a hard-coded one
    /// ("…, so\none learning rate" in bench's help).
    @Test(arguments: ["", "fit", "solve", "path", "predict", "sweep", "convert", "bench", "demo"])
    func helpIsWrappedByTheParser(command: String) throws {
        let help = try mbgd(arguments: (command.isEmpty ? [] : [command]) + ["--help"])
        #expect(help.status == 0)
        let overview = help.stdout.components(separatedBy: "\nUSAGE:")[0].split(separator: "\n", omittingEmptySubsequences: false)
        let width = overview.map(\.count).max() ?? 0
        for (line, next) in zip(overview, overview.dropFirst()) where !line.isEmpty && !line.hasPrefix(" ") {
            guard let word = next.split(separator: " ").first, !next.hasPrefix(" ") else { continue }
            #expect(line.count + 1 + word.count > max(width, 80) - 2, "mbgd \(command) --help: '\(line)' breaks before '\(word)'")
        }
    }

    /// N of the verdict's "(--epochs N)".
    static func advisedEpochs(_ verdict: String) -> Int? {
        guard let range = verdict.range(of: "(--epochs ") else { return nil }
        return Int(verdict[range.upperBound...].prefix { $0.isNumber })
    }

    /// The stop reason, the epochs line and the verdict never contradict each other, and the
    /// advice of "about N more epochs" gets there when followed.
    @Test func theStopReasonTheEpochsAndTheVerdictAgree() throws {
        let real = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/Fixtures/real"
        // Diabetes, defaults: the budget runs out 0.00028 from the optimum, uncertified. It printed
        // "stopped: maximumEpochs" beside "Verdict: converged".
        let diabetes = try mbgd("fit", real + "/diabetes.csv")
        #expect(diabetes.status == 0, "\(diabetes.stderr)")
        #expect(diabetes.stdout.contains("(stopped: the epoch budget ran out)"), "\(diabetes.stdout)")
        #expect(diabetes.stdout.contains("Verdict: close, not certified: "), "\(diabetes.stdout)")
        // 22624 epochs against the 309 the contraction predicts: the line says where they went.
        #expect(diabetes.stdout.contains("the epochs after went to averaging the noise away"), "\(diabetes.stdout)")
        // Two condition numbers, each named for what it is.
        #expect(diabetes.stdout.contains("ratio 470.1 (κ = L/μ: the Hessian's condition number)"), "\(diabetes.stdout)")
        #expect(diabetes.stdout.contains("condition number of the design 29.1"), "\(diabetes.stdout)")
        #expect(!diabetes.stdout.contains("curvature: L ="))

        // Longley at full batch with too few epochs: the contraction's advice, then followed.
        let short = try mbgd("fit", real + "/longley.csv", "--target", "TOTEMP", "--batch-size", "full", "--epochs", "2000")
        #expect(short.stdout.contains("(stopped: all --epochs ran)") && short.stdout.contains("1 update per epoch"), "\(short.stdout)")
        let verdict = try #require(short.stdout.split(separator: "\n").first { $0.hasPrefix("Verdict: not converged: ") })
        let epochs = try #require(Self.advisedEpochs(String(verdict)), "\(verdict)")
        let followed = try mbgd(
            "fit", real + "/longley.csv", "--target", "TOTEMP", "--batch-size", "full", "--epochs", "\(epochs)", "--json")
        let gap = try #require((try followed.json["closedForm"] as? [String: Any])?["relativeDifference"] as? Double)
        #expect(gap <= 1e-2, "\(epochs) epochs: \(gap)")

        // A certified stop is "converged", with its tolerance.
        let engel = try mbgd("fit", real + "/engel.csv", "--target", "foodexp")
        #expect(engel.stdout.contains("(stopped: certified within 0.001 of the optimum)"), "\(engel.stdout)")
        #expect(engel.stdout.contains("Verdict: converged: "), "\(engel.stdout)")
        // Without averaging, the noise is not said to be averaged away.
        let noisy = try mbgd("fit", real + "/engel.csv", "--target", "foodexp", "--no-average", "--epochs", "300")
        #expect(noisy.stdout.contains("not averaged, keeps the iterate from settling"), "\(noisy.stdout)")
    }

    @Test func realDataRunsAsTheHelpSaysWithAVerdictThatAgreesWithItsNumbers() throws {
        let real = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/Fixtures/real"
        // The help's own example on longley (κ ≈ 1.2e4): a tolerance of 0 runs every epoch.
        let longley = try mbgd(
            "fit", real + "/longley.csv", "--target", "TOTEMP", "--batch-size", "full", "--optimizer", "nesterov", "--tolerance", "0",
            "--epochs", "20000", "--json")
        #expect(longley.status == 0, "\(longley.stderr)")
        let training = try #require(try longley.json["training"] as? [String: Any])
        #expect(training["epochsRun"] as? Int == 20000)
        #expect((try #require(try longley.json["closedForm"] as? [String: Any])["relativeDifference"] as? Double ?? 1) < 1e-10)
        // Engel's heavy-tailed rows: the defaults halve the averaged rate and say so.
        let engel = try mbgd("fit", real + "/engel.csv", "--target", "foodexp")
        #expect(engel.status == 0, "\(engel.stderr)")
        #expect(engel.stdout.contains("rate halved") && engel.stdout.contains("Verdict: converged"), "\(engel.stdout)")
        // 300 epochs without averaging, far past the 2 the contraction needs: what remains is
        // mini-batch noise, and the verdict must not promise convergence in a few more epochs.
        let noisy = try mbgd("fit", real + "/engel.csv", "--target", "foodexp", "--no-average", "--epochs", "300", "--json")
        let json = try noisy.json
        let run = try #require(json["training"] as? [String: Any])
        let gap = try #require((json["closedForm"] as? [String: Any])?["relativeDifference"] as? Double)
        let predicted = try #require(run["predictedEpochs"] as? Int), ran = try #require(run["epochsRun"] as? Int)
        // The numbers the verdict must agree with: far past the prediction, still short of 0.01.
        #expect(ran > 10 * predicted && gap > 1e-2)
        let verdict = try #require(json["verdict"] as? String)
        #expect(verdict.hasPrefix("not converged") && !verdict.contains("more epochs at this batch size"), "\(verdict)")
        #expect(verdict.contains("mini-batch noise"), "\(verdict)")
    }

    @Test func fullBatchNesterovWithTheAutomaticRateReachesTheClosedForm() throws {
        let folder = try scratchFolder()
        let path = try write(houseLikeCSV(rows: 100).text, to: folder + "/data.csv")
        let run = try mbgd(
            "fit", path, "--batch-size", "full", "--optimizer", "nesterov", "--tolerance", "0", "--epochs", "20000", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        #expect(((json["closedForm"] as? [String: Any])?["relativeDifference"] as? Double ?? 1) < 1e-6)
        let training = try #require(json["training"] as? [String: Any])
        #expect(training["optimizer"] as? String == "nesterov")
        #expect((training["momentum"] as? Double ?? 0) > 0)
    }

    @Test func everyOptimizerAndScheduleRunsFromTheCommandLine() throws {
        let folder = try scratchFolder()
        let path = try write(houseLikeCSV(rows: 120).text, to: folder + "/data.csv")
        for optimizer in ["sgd", "momentum", "nesterov", "adam", "adamw", "adagrad", "rmsprop"] {
            for schedule in ["constant", "inverse-scaling", "step", "cosine", "plateau"] {
                let run = try mbgd(
                    "fit", path, "--optimizer", optimizer, "--schedule", schedule, "--warmup", "5", "--epochs", "20", "--json")
                #expect(run.status == 0, "\(optimizer) \(schedule): \(run.stderr)")
                let training = try run.json["training"] as? [String: Any]
                #expect(training?["optimizer"] as? String == optimizer && training?["schedule"] as? String == schedule)
            }
        }
        let averaged = try mbgd("fit", path, "--average", "--learning-rate", "0.05", "--epochs", "5", "--json")
        #expect(((try averaged.json["training"] as? [String: Any])?["averaging"] as? String) == "fromStart")
        #expect(((try averaged.json["training"] as? [String: Any])?["learningRateSource"] as? String) == "given")
    }

    @Test func plotsOfACostThatIsExactlyZeroAreDrawnNotTrapped() throws {
        // A zero target is fitted exactly: every cost is 0, which a log axis cannot show.
        let folder = try scratchFolder()
        let path = try write("a,y\n1,0\n2,0\n3,0\n", to: folder + "/zero.csv")
        let run = try mbgd("fit", path, "--plot", folder + "/plots")
        #expect(run.status == 0, "\(run.stderr)")
        for file in try FileManager.default.contentsOfDirectory(atPath: folder + "/plots") { try expectValidSVG(folder + "/plots/" + file) }
    }

    @Test func aShuffleBlockLargerThanAnyCountIsOneBlock() throws {
        let folder = try scratchFolder()
        let path = try write(houseLikeCSV(rows: 40).text, to: folder + "/data.csv")
        let run = try mbgd("fit", path, "--shuffle-blocks", "9223372036854775807", "--epochs", "3", "--json")
        #expect(run.status == 0, "\(run.stderr)")
    }

    @Test func aBatchLargerThanTheDataTrainsAsOneBatchWithANote() throws {
        let folder = try scratchFolder()
        let path = try write(houseLikeCSV(rows: 16).text, to: folder + "/small.csv")
        let run = try mbgd("fit", path, "--json")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            run.stderr
                == "mbgd: note: batch size 32 exceeds the 16 training rows: all rows form one batch (full-batch descent) (as --batch-size full)\n"
        )
        #expect(((try run.json["training"] as? [String: Any])?["batchSize"] as? Int) == 16)
    }

    @Test func severalTargetsAndNPYInput() throws {
        let folder = try scratchFolder()
        var text = "a,b,y1,y2\n"
        for i in 0..<40 { text += "\(i % 7),\((i * 3) % 5),\(1 + 2 * Double(i % 7)),\(Double((i * 3) % 5) - 4 + Double(i % 2) * 0.1)\n" }
        let path = try write(text, to: folder + "/multi.csv")
        let run = try mbgd("solve", path, "--target", "y1", "--target", "y2", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        let coefficients = try #require(json["coefficients"] as? [[Double]])
        #expect(coefficients.count == 2 && abs(coefficients[0][0] - 2) < 1e-12 && abs(coefficients[0][1]) < 1e-12)
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "Fixtures"
        ).path
        let npy = try mbgd("solve", fixtures + "/c_f8.npy", "--target", "2", "--no-intercept", "--json")
        #expect(npy.status == 0, "\(npy.stderr)")
        #expect(try npy.json["intercept"] is NSNull)
    }
}

@Suite struct SolveAndBenchToolTests {
    @Test func solveGivesTheSameAnswerOnOneAndThreeThreads() throws {
        // 12 000 rows: three chunks of refinement's pass.
        let folder = try scratchFolder()
        var text = "a,b,y\n"
        for i in 0..<12_000 {
            let a = Double(i % 97), b = Double(i % 13) / 7, noise = Double(i % 5) * 0.01
            text += "\(a),\(b),\(0.5 + 3 * a - b + noise)\n"
        }
        let path = try write(text, to: folder + "/rows.csv")
        let one = try mbgd("solve", path, "--threads", "1", "--json"), three = try mbgd("solve", path, "--threads", "3", "--json")
        #expect(one.status == 0 && three.status == 0, "\(one.stderr)\(three.stderr)")
        // The refined answer is the same bits; the statistics come from OpenBLAS's sums, which
        // it splits by its own thread count: equal to rounding.
        let a = try one.json, b = try three.json
        #expect(a["coefficients"] as? [Double] == b["coefficients"] as? [Double] && a["intercept"] as? Double == b["intercept"] as? Double)
        let errorsA = try #require(a["standardErrors"] as? [Double]), errorsB = try #require(b["standardErrors"] as? [Double])
        #expect(zip(errorsA, errorsB).allSatisfy { abs($0 - $1) <= 1e-12 * abs($1) })
        #expect(a["refinementIterations"] as? Int ?? 0 > 0)
    }

    @Test func solveReportsTextbookStatistics() throws {
        let folder = try scratchFolder()
        let xs = (0..<30).map { Double($0) / 3 }
        let ys = xs.enumerated().map { 1.5 + 0.75 * $1 + Double(($0 * 13) % 7 - 3) / 10 }
        let path = try write("x,y\n" + zip(xs, ys).map { "\($0),\($1)" }.joined(separator: "\n"), to: folder + "/line.csv")
        let run = try mbgd("solve", path, "--method", "qr", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        // Simple regression by hand: slope = Sxy/Sxx, SE = σ/√Sxx, σ² = RSS/(n − 2).
        let n = Double(xs.count), mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
        var sxx = 0.0, sxy = 0.0
        for i in xs.indices {
            sxx += (xs[i] - mx) * (xs[i] - mx)
            sxy += (xs[i] - mx) * (ys[i] - my)
        }
        let slope = sxy / sxx, intercept = my - slope * mx
        let rss = xs.indices.map { pow(ys[$0] - intercept - slope * xs[$0], 2) }.reduce(0, +)
        let sigma = (rss / (n - 2)).squareRoot()
        #expect(abs((json["coefficients"] as! [Double])[0] - slope) < 1e-12 * slope)
        #expect(abs((json["standardErrors"] as! [Double])[0] - sigma / sxx.squareRoot()) < 1e-10)
        #expect(abs((json["residualStandardDeviation"] as! Double) - sigma) < 1e-10)
        #expect(json["method"] as? String == "qr" && json["rank"] as? Int == 1 && json["degreesOfFreedom"] as? Int == 28)
        for key in ["conditionNumber", "r2", "adjustedR2", "tValues", "interceptStandardError"] { #expect(json[key] != nil, "\(key)") }
        let text = try mbgd("solve", path)
        for phrase in [
            "Std. Error", "Pr(>|t|)", "(Intercept)", "Multiple R-squared", "F-statistic: ", "on 1 and 28 DF", "Signif. codes", "2.5 %",
        ] {
            #expect(text.stdout.contains(phrase), "missing \(phrase) in\n\(text.stdout)")
        }
    }

    /// The weighted, heteroscedasticity-consistent case of the statsmodels fixture, through the
    /// tool: a CSV with a weight column, `--weights`, `--covariance hc3`, `--confidence 0.99`.
    @Test func solveMatchesStatsmodelsWLSWithHC3ThroughTheTool() throws {
        struct Fixture: Decodable {
            struct Case: Decodable {
                var name: String, x: [[Double]], y: [Double], weights: [Double]?
                var results: [Result]
            }
            struct Result: Decodable {
                var covarianceType: String, confidenceLevel: Double
                var params, bse, pvalues: [Double]
                var confInt: [[Double]]
                var fvalue, llf, aic, bic, durbinWatson, rsquared: Double
            }
            var cases: [Case]
        }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/statsmodels/ols.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let c = try #require(fixture.cases.first { $0.weights != nil })
        let expected = try #require(c.results.first { $0.covarianceType == "HC3" })
        let weights = try #require(c.weights)
        let rows = c.x.indices.map { i in (c.x[i] + [weights[i], c.y[i]]).map { "\($0)" }.joined(separator: ",") }
        let folder = try scratchFolder()
        let path = try write("a,b,c,w,y\n" + rows.joined(separator: "\n") + "\n", to: folder + "/wls.csv")
        let run = try mbgd(
            "solve", path, "--target", "y", "--weights", "w", "--covariance", "hc3", "--confidence", "\(expected.confidenceLevel)", "--json"
        )
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) <= 1e-8 * abs(b) } ?? false }
        #expect(json["features"] as? [String] == ["a", "b", "c"] && json["covarianceType"] as? String == "HC3")
        #expect(close(json["intercept"] as? Double, expected.params[0]) && close(json["interceptPValue"] as? Double, expected.pvalues[0]))
        let coefficients = try #require(json["coefficients"] as? [Double])
        let errors = try #require(json["standardErrors"] as? [Double]), p = try #require(json["pValues"] as? [Double])
        let intervals = try #require(json["confidenceIntervals"] as? [[Double]])
        for j in 0..<3 {
            #expect(
                close(coefficients[j], expected.params[j + 1]) && close(errors[j], expected.bse[j + 1])
                    && close(p[j], expected.pvalues[j + 1]))
            #expect(close(intervals[j][0], expected.confInt[j + 1][0]) && close(intervals[j][1], expected.confInt[j + 1][1]))
        }
        for (key, value) in [
            ("fStatistic", expected.fvalue), ("logLikelihood", expected.llf), ("aic", expected.aic), ("bic", expected.bic),
            ("durbinWatson", expected.durbinWatson), ("r2", expected.rsquared),
        ] {
            #expect(close(json[key] as? Double, value), "\(key): \(String(describing: json[key])) vs \(value)")
        }
        let asTarget = try mbgd("solve", path, "--target", "y", "--weights", "y")
        #expect(
            asTarget.status == 2 && asTarget.stderr.contains("--weights = y is invalid: must not be a target column"), "\(asTarget.stderr)")

        // fit --weights descends on the weighted cost and compares with the same WLS solution.
        let fit = try mbgd("fit", path, "--target", "y", "--weights", "w", "--batch-size", "full", "--tolerance", "1e-6", "--json")
        #expect(fit.status == 0, "\(fit.stderr)")
        let fitted = try fit.json
        let closedForm = try #require(fitted["closedForm"] as? [String: Any])
        #expect(fitted["weights"] as? String == "w")
        #expect(close(closedForm["intercept"] as? Double, expected.params[0]))
        let exact = try #require(closedForm["coefficients"] as? [Double]), descent = try #require(fitted["coefficients"] as? [Double])
        for j in 0..<3 {
            #expect(close(exact[j], expected.params[j + 1]))
            #expect(
                abs(descent[j] - expected.params[j + 1]) <= 1e-4 * abs(expected.params[j + 1]), "\(descent[j]) vs \(expected.params[j + 1])"
            )
        }
        let metrics = try #require((fitted["metrics"] as? [String: Any])?["train"] as? [String: Any])
        #expect(abs((metrics["r2"] as? Double ?? 0) - expected.rsquared) <= 1e-6, "weighted R² as statsmodels' WLS")
        let negative = try write("a,w,y\n1,1,2\n2,-1,3\n3,1,5\n", to: folder + "/negative.csv")
        let refused = try mbgd("solve", negative, "--target", "y", "--weights", "w")
        #expect(refused.status == 2 && refused.stderr.contains("--weights = -1.0 (row 2) is invalid"), "\(refused.stderr)")
    }

    /// `solve --save-model` then `predict --intervals`: statsmodels' summary_frame at new rows.
    @Test func predictionIntervalsFromASavedClosedFormMatchStatsmodels() throws {
        struct Frame: Decodable {
            var x: [[Double]]
            var mean, mean_se, mean_ci_lower, mean_ci_upper, obs_ci_lower, obs_ci_upper: [Double]
        }
        struct FrameFixture: Decodable {
            struct Case: Decodable {
                var name: String, x: [[Double]], y: [Double]
                var results: [Result]
            }
            struct Result: Decodable {
                var covarianceType: String, confidenceLevel: Double
                var prediction: Frame
            }
            var cases: [Case]
        }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/statsmodels/ols.json")
        let fixture = try JSONDecoder().decode(FrameFixture.self, from: Data(contentsOf: url))
        let c = try #require(fixture.cases.first { $0.name == "heteroscedastic" })
        let expected = try #require(c.results.first { $0.covarianceType == "nonrobust" && $0.confidenceLevel == 0.95 }).prediction
        let folder = try scratchFolder()
        let rows = c.x.indices.map { i in (c.x[i] + [c.y[i]]).map { "\($0)" }.joined(separator: ",") }
        let data = try write("a,b,c,y\n" + rows.joined(separator: "\n") + "\n", to: folder + "/data.csv")
        let new = try write(
            "c,b,a\n" + expected.x.map { "\($0[2]),\($0[1]),\($0[0])" }.joined(separator: "\n") + "\n", to: folder + "/new.csv")
        let solved = try mbgd("solve", data, "--save-model", folder + "/model.json")
        #expect(solved.status == 0 && solved.stdout.contains("Model written to"), "\(solved.stderr)")
        let run = try mbgd("predict", "--model", folder + "/model.json", new, "--intervals", "0.95")
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "y,mean_se,mean_ci_lower,mean_ci_upper,obs_ci_lower,obs_ci_upper")
        #expect(lines.count == 1 + expected.mean.count)
        for (i, line) in lines.dropFirst().enumerated() {
            let values = line.split(separator: ",").compactMap { Double($0) }
            let reference = [
                expected.mean[i], expected.mean_se[i], expected.mean_ci_lower[i], expected.mean_ci_upper[i], expected.obs_ci_lower[i],
                expected.obs_ci_upper[i],
            ]
            #expect(
                values.count == 6 && zip(values, reference).allSatisfy { abs($0 - $1) <= 1e-8 * abs($1) },
                "row \(i): \(line) vs \(reference)")
        }
        // A gradient-descent model has no covariance.
        _ = try mbgd("fit", data, "--save-model", folder + "/descent.json")
        let refused = try mbgd("predict", "--model", folder + "/descent.json", new, "--intervals", "0.9")
        #expect(refused.status == 1 && refused.stderr.contains("the model has no covariance for prediction intervals"), "\(refused.stderr)")
        let badLevel = try mbgd("predict", "--model", folder + "/model.json", new, "--intervals", "1.5")
        #expect(badLevel.status == 2 && badLevel.stderr.contains("--intervals must lie strictly between 0 and 1"))
    }

    @Test func benchSweepsTheRequestedBatchSizes() throws {
        let run = try mbgd("bench", "--rows", "2000", "--features", "4", "--batch-sizes", "1,32,full", "--epochs", "2", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.map { $0["batchSize"] as? Int } == [1, 32, 2000])
        for result in results {
            #expect((result["samplesPerSecond"] as? Double ?? 0) > 0)
            #expect((result["finalCost"] as? Double)?.isFinite == true)
        }
        #expect((json["config"] as? [String: Any])?["rows"] as? Int == 2000)
        let csv = try mbgd("bench", "--rows", "500", "--features", "2", "--batch-sizes", "8,full", "--epochs", "1", "--csv")
        #expect(csv.stdout.hasPrefix("batchSize,learningRate,samplesPerSecond,secondsPerEpoch,finalCost\n8,"))
    }
}

@Suite struct ToolErrorTests {
    /// Each bad input: exit status, one line on stderr that names the problem, nothing on stdout.
    @Test func badInputsGiveOneClearLineAndTheDocumentedStatus() throws {
        let folder = try scratchFolder()
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "Fixtures"
        ).path
        let good = try write("a,y\n1,2\n2,4\n3,6.5\n", to: folder + "/good.csv")
        let cases: [([String], Int32, String)] = [
            (["fit", folder + "/missing.csv", "--json"], 1, "missing.csv: no such file"),
            (["fit", try write("", to: folder + "/empty.csv")], 1, "empty.csv: the file is empty"),
            (["fit", try write("a,y\n", to: folder + "/header.csv")], 1, "header but no data rows"),
            (["fit", try write("a,y\n1,2\n3,x\n", to: folder + "/text.csv"), "--json"], 1, "text.csv:3:2: 'x' is not a number"),
            (["solve", try write("a,y\n1,nan\n", to: folder + "/nan.csv")], 1, "nan.csv:2:2: 'nan' is not a finite number"),
            (
                ["solve", try write("a,y\n1,2\n3\n", to: folder + "/ragged.csv")], 1,
                "ragged.csv:3: the row has 1 cells but the header has 2"
            ),
            (["fit", good, "--target", "q"], 1, "no column named 'q'"),
            (["fit", good, "--batch-size", "0"], 2, "--batch-size must be a positive integer"),
            (["fit", good, "--learning-rate=-1"], 2, "--learning-rate must be 'auto' or a positive number, got '-1'"),
            (["fit", good, "--learning-rate", "fast"], 2, "--learning-rate must be 'auto' or a positive number, got 'fast'"),
            (["fit", good, "--optimizer", "lbfgs"], 2, "--optimizer"),
            (["fit", good, "--target", "y", "--target", "y"], 2, "--target = 'y' is invalid: names the same column twice"),
            (
                ["solve", good, "--target", "y", "--target", "a", "--target", "y"], 2,
                "--target = 'y' is invalid: names the same column twice"
            ),
            (["bench", "--threads", "9999999999"], 2, "--threads must lie between 1 and 1024"),
            (["bench", "--threads", "2147483647"], 2, "--threads must lie between 1 and 1024"),
            (["solve", good, "--threads", "0"], 2, "--threads must lie between 1 and 1024, got 0"),
            (["bench", "--no-shuffle", "--shuffle-blocks", "8"], 2, "choose one of --no-shuffle and --shuffle-blocks"),
            (["bench", "--batch-sizes", ""], 2, "--batch-sizes must name at least one batch size"),
            (["fit", good, "--decay-power", "inf"], 2, "--decay-power = inf is invalid: must be a positive number"),
            (
                ["fit", good, "--optimizer", "adam", "--momentum", "0.9"], 2,
                "--momentum applies to --optimizer momentum or nesterov, not adam"
            ),
            (["fit", good, "--beta2", "1"], 2, "--beta2 = 1.0 is invalid: must lie in [0, 1)"),
            (["fit", good, "--schedule", "cosine", "--warmup=-3"], 2, "--warmup = -3 is invalid: must be zero or positive"),
            (["fit", good, "--tolerance", "inf"], 2, "--tolerance = inf is invalid: must be zero or positive"),
            (["fit", good, "--no-early-stopping", "--patience", "3"], 2, "--no-early-stopping excludes"),
            (["fit", good, "--average", "--no-average"], 2, "--average and --no-average exclude each other"),
            (["fit", good, "--epochs", "0"], 2, "--epochs = 0 is invalid: must be at least 1"),
            (["fit", good, "--test-fraction", "1.5"], 2, "--test-fraction = 1.5 is invalid: must lie strictly between 0 and 1"),
            (["fit", good, "--reduction", "sum", "--learning-rate", "5", "--batch-size", "full", "--json"], 1, "diverged in epoch"),
            (["fit", good, "--frobnicate"], 2, "Unknown option"),
            (["predict", "--model", try write("{}", to: folder + "/bad.json"), good], 1, "bad.json: not an mbgd model file"),
            (["solve", fixtures + "/int64.npy"], 1, "unsupported element type '<i8'"),
            (["solve", fixtures + "/truncated.npy"], 1, "truncated"),
        ]
        for (arguments, status, message) in cases {
            let run = try mbgd(arguments: arguments)
            #expect(run.status == status, "\(arguments): status \(run.status), stderr \(run.stderr)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
            #expect(run.stdout.isEmpty, "\(arguments) printed to stdout: \(run.stdout)")
            if status == 1 { #expect(run.stderr.split(separator: "\n").count == 1, "\(arguments): \(run.stderr)") }
        }
    }

    @Test func everySubcommandHasHelpWithExamples() throws {
        for command in ["demo", "fit", "solve", "predict", "bench", "sweep"] {
            let run = try mbgd(command, "--help")
            #expect(run.status == 0)
            #expect(run.stdout.contains("Examples:"), "\(command)")
        }
    }
}

/// Parses the file as XML and checks it is an SVG with axes text.
func expectValidSVG(_ path: String) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let parser = XMLParser(data: data)
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            elements.append(name)
        }
    }
    let collector = Collector()
    parser.delegate = collector
    #expect(parser.parse(), "\(path) is not well-formed XML: \(String(describing: parser.parserError))")
    #expect(collector.elements.first == "svg", "\(path)")
    #expect(collector.elements.filter { $0 == "text" }.count >= 4, "\(path) has too little text for axes and title")
}

@Suite struct SweepToolTests {
    @Test func sweepReportsTheRaceTheNoiseScaleAndAPlot() throws {
        let folder = try scratchFolder()
        let run = try mbgd(
            "sweep", "--rows", "3000", "--features", "4", "--batch-sizes", "8,64,full", "--gap", "0.01",
            "--max-epochs", "50", "--json", "--plot", folder + "/sweep.svg")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        for key in ["config", "optimum", "noiseScale", "criticalBatchSize", "model", "results", "fastest", "conclusion"] {
            #expect(json[key] != nil, "\(key)")
        }
        #expect(((json["optimum"] as? [String: Any])?["cost"] as? Double ?? -1) > 0)
        #expect(((json["noiseScale"] as? [String: Any])?["atStart"] as? Double ?? -1) > 0)
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.map { $0["batchSize"] as? Int } == [8, 64, 3000])
        for result in results {
            for key in ["learningRate", "reached", "epochsToGap", "updatesToGap", "samplesToGap", "secondsToGap", "samplesPerSecond"] {
                #expect(result[key] != nil, "\(key)")
            }
            #expect(result["learningRateSource"] as? String == "automatic")
        }
        try expectValidSVG(folder + "/sweep.svg")
        let text = try mbgd("sweep", "--rows", "3000", "--features", "4", "--batch-sizes", "8,full", "--gap", "0.01", "--max-epochs", "50")
        #expect(text.status == 0 && text.stdout.contains("Fastest to a gap of 0.01: batch "), "\(text.stdout)")
    }

    /// One critical batch size in the text, with how it was obtained; both estimates in --json.
    /// The seed article's sweep printed "2.3e+03 (noise scale), 465 (fitted)" side by side.
    @Test func oneCriticalBatchSizeSaysHowItWasObtained() throws {
        let run = try mbgd("sweep", "--seed-article", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        let critical = try #require(json["critical"] as? [String: Any])
        let model = try #require(json["model"] as? [String: Any])
        let fitted = try #require(model["noiseScale"] as? Double)
        let reached = try #require(json["results"] as? [[String: Any]]).filter { $0["reached"] as? Bool == true }
        let sizes = reached.compactMap { $0["batchSize"] as? Int }.map(Double.init)
        // Seven sizes reached the gap and B_noise lies among them: the fitted model is the one used.
        #expect(sizes.count >= 3 && sizes.min()! <= fitted && fitted <= sizes.max()!)
        #expect(critical["from"] as? String == "fitted model" && critical["batchSize"] as? Double == fitted)
        #expect(critical["noiseScale"] as? Double == json["criticalBatchSize"] as? Double && critical["fitted"] as? Double == fitted)
        let conclusion = try #require(json["conclusion"] as? String)
        #expect(conclusion.components(separatedBy: "critical batch size").count == 2, "\(conclusion)")
        #expect(conclusion.contains("critical batch size \(String(format: "%.3g", fitted)): B_noise fitted to"), "\(conclusion)")
        // Nothing reached: the noise scale, said so.
        let none = try mbgd("sweep", "--rows", "500", "--features", "3", "--batch-sizes", "1,8", "--gap", "1e-9", "--max-epochs", "1")
        #expect(none.stdout.contains("the gradient noise scale B_simple, which predicts it (fewer than two sizes"), "\(none.stdout)")
    }

    /// `--features` chooses a file's columns, as in fit; without a file it stays the synthetic count.
    @Test func sweepTakesTheFeaturesOfAFile() throws {
        let real = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/Fixtures/real"
        let run = try mbgd(
            "sweep", "--file", real + "/diabetes.csv", "--features", "bmi,bp", "--features", "age", "--batch-sizes", "32,full",
            "--max-epochs", "5", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let config = try #require(try run.json["config"] as? [String: Any])
        #expect(config["featureNames"] as? [String] == ["bmi", "bp", "age"] && config["features"] as? Int == 3)
        let synthetic = try mbgd("sweep", "--rows", "300", "--features", "5", "--batch-sizes", "full", "--max-epochs", "2", "--json")
        #expect((try synthetic.json["config"] as? [String: Any])?["features"] as? Int == 5)
        let bad = try mbgd("sweep", "--features", "bmi")
        #expect(bad.status == 2 && bad.stderr.contains("--features without --file is the number of synthetic features"), "\(bad.stderr)")
    }

    @Test func aSizeThatCannotReachTheGapSaysSoAndTheSweepSucceeds() throws {
        let run = try mbgd(
            "sweep", "--rows", "500", "--features", "3", "--batch-sizes", "1", "--gap", "1e-9", "--max-epochs", "1",
            "--learning-rate", "1e-6", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let result = try #require((try run.json["results"] as? [[String: Any]])?.first)
        #expect(result["reached"] as? Bool == false && result["updatesToGap"] is NSNull)
        #expect((result["bestGap"] as? Double ?? 0) > 1e-9)
        #expect(try run.json["fastest"] is NSNull)
    }

    @Test func badSweepArgumentsExitTwo() throws {
        for (arguments, message) in [
            (["--gap", "0"], "--gap = 0.0 is invalid: must lie strictly between 0 and 1"),
            (["--gap", "1"], "--gap = 1.0 is invalid: must lie strictly between 0 and 1"),
            (["--batch-sizes", ""], "--batch-sizes must name at least one batch size"),
            (["--batch-sizes", "8,,16"], "--batch-sizes: '' is not a positive integer"),
            (["--max-epochs", "0"], "--max-epochs = 0 is invalid: must be at least 1"),
        ] {
            let run = try mbgd(arguments: ["sweep"] + arguments)
            #expect(run.status == 2, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }
}

@Suite struct InterruptionToolTests {
    /// A long fit stops cleanly on SIGINT and on SIGTERM: exit 130, one line saying how far it
    /// got, nothing on stdout (no partial JSON).
    @Test(arguments: [SIGINT, SIGTERM])
    func longFitStopsOnASignal(signalNumber: Int32) throws {
        let folder = try scratchFolder()
        var text = "a,b,y\n"
        for i in 0..<5000 { text += "\(Double(i % 97) / 10),\(Double(i % 31) / 7),\(Double(i % 13))\n" }
        let path = try write(text, to: folder + "/long.csv")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: toolPath)
        process.arguments = [
            "fit", path, "--batch-size", "1", "--epochs", "1000000", "--learning-rate", "0.0001", "--no-early-stopping", "--json",
        ]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        Thread.sleep(forTimeInterval: 1.0)
        kill(process.processIdentifier, signalNumber)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = String(decoding: errData, as: UTF8.self)
        #expect(process.terminationStatus == 130, "\(stderr)")
        #expect(stderr.hasPrefix("mbgd: interrupted after ") && stderr.contains("of 1000000 epochs"))
        #expect(outData.isEmpty)
    }
}
