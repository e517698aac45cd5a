import ArgumentParser
import Foundation
import MiniBatchGD

extension Fit {
    /// `zcat train.svm.gz | mbgd fit - --n-features p`: online descent on the libsvm rows of
    /// a stream, read once a window at a time, with the sparse file fit's updates (lazy L2,
    /// AdaGrad, RMSprop, Adam, AdamW, lazy averaging), unscaled unless `--standardize` asks for
    /// the first window's deviations; each batch predicted before it is trained
    /// on (the progressive validation loss). The exact least squares of the same rows is
    /// accumulated beside it, dense, up to ``LeastSquares/OnePassFit/referenceFeatureLimit``
    /// features; beyond them the report says why there is none, and how to get LSQR's.
    func runLIBSVMStream(_ head: StreamHead, descriptor: Int32) throws {
        let name = data.streamName
        var reader = try data.libsvmStreamReader(head, descriptor: descriptor, command: "fit", weights: weights)
        let p = reader.featureCount
        var config = gradientDescent
        (config.epochs, config.shuffle, config.earlyStopping) = (1, .none, nil)
        config.averaging = average ? .fromStart : .none
        // Scales from the first window only when asked: a column rare in it gets a deviation
        // near zero, and a later row holding it a standardized value far beyond the curvature
        // the rate was planned on (an RCV1-shaped stream diverged so at its 517th batch).
        config.standardize = standardize
        var made: SparseOnlineTrainer?
        try OptionSpelling.commandLine.validating {
            made = try SparseOnlineTrainer(features: p, fitIntercept: data.fitIntercept, configuration: config)
        }
        let trainer = made!
        let absence = LeastSquares.OnePassFit.referenceRefusal(features: p, outputs: 1)
        var exact = absence == nil ? LeastSquares.OnePassFit(featureCount: p, outputCount: 1, fitIntercept: data.fitIntercept) : nil
        let status = Status(quiet: json)
        let (rows, windowLosses) = try status.during("training on \(name) once, \(reader.windowRows) rows at most at a time") {
            try data.libsvmStreamErrors { try reader.train(trainer, reference: &exact) }
        }
        data.noteUnendedLastLine(reader.lastLineUnended, line: reader.linesRead)
        for note in trainer.notes { Terminal.writeError("\(Cluster.tool): note: \(note)\n") }
        let progressive = trainer.progressiveLoss ?? .nan
        let found = trainer.parameters
        let featureNames = (1...p).map { "x\($0)" }
        var reference: (parameters: Parameters, gap: Double, costGap: Double)?
        if let exact {
            do {
                let optimum = try BLASThreads.singleThreaded {
                    try exact.solution(featureNames: featureNames, targetNames: ["y"], confidenceLevel: 0.95).parameters
                }
                reference = (optimum, relativeDistance(found, optimum), try exact.relativeCostGap(found: found, optimum: optimum))
            } catch LinearAlgebraError.rankDeficient {
                throw CLIError.badInput(
                    "\(name): the \(Format.count(exact.observations, "row")) do not determine the exact least squares of the \(p) features of --n-features (too few rows, or columns never used or dependent), so the descent has no reference; save the stream to a file (cat > rows.svm) and fit that, whose reference is LSQR's minimum-norm solution"
                )
            }
        }
        let model = try LinearRegression(
            parameters: found, fitIntercept: data.fitIntercept, featureNames: featureNames, targetNames: ["y"])
        var outputs = Outputs()
        if let saveModel { outputs.add(try ModelFile(model).encoded(), to: saveModel) }
        try outputs.commit()
        let choice = trainer.learningRate!
        let instead = "save the stream to a file (cat > rows.svm) and `mbgd fit rows.svm`, whose reference is LSQR's"
        let verdict =
            reference.map {
                "\(Format.number($0.gap, digits: 2)) from the exact least squares of the \(Format.count(rows, "row")) after one pass of \(Format.count(trainer.updates, "update")); its cost \(Format.number($0.costGap, digits: 2)) above the optimum's (relative)"
            } ?? "none: no exact reference for \(absence!); for one, \(instead)"
        if json {
            let report = JSON.object(
                Reports.parameters(found, fitIntercept: data.fitIntercept) + [
                    ("features", .strings(featureNames)), ("targets", .strings(["y"])),
                    ("input", .string("stream")), ("format", .string("libsvm")), ("windowRows", .integer(reader.windowRows)),
                    (
                        "training",
                        .object([
                            ("mode", .string("online")), ("rows", .integer(rows)), ("rowsTrainedOn", .integer(trainer.rowsSeen)),
                            ("updates", .integer(trainer.updates)), ("batchSize", .integer(trainer.batchRows)),
                            ("optimizer", .string(config.optimizer.name)), ("learningRate", .number(choice.learningRate)),
                            ("learningRateReason", .string(choice.reason)), ("schedule", .string(config.schedule.name)),
                            ("averaging", .bool(config.averaging == .fromStart)),
                            ("standardizedOnFirstWindow", .bool(trainer.standardizer != nil)),
                            ("progressiveLoss", .number(progressive)), ("windowProgressiveLosses", .numbers(windowLosses)),
                        ])
                    ),
                    (
                        "reference",
                        reference.map {
                            .object(
                                Reports.parameters($0.parameters, fitIntercept: data.fitIntercept) + [
                                    ("method", .string("qr, accumulated in one pass"))
                                ])
                        } ?? .null
                    ),
                    ("referenceAbsent", absence.map { .string("\($0); for one, \(instead)") } ?? .null),
                    ("parameterRelativeDifference", reference.map { .number($0.gap) } ?? .null),
                    ("costRelativeDifference", reference.map { .number($0.costGap) } ?? .null),
                    ("verdict", .string(verdict)),
                ])
            print(report.text)
            return
        }
        var lines = [
            "Online gradient descent on the libsvm rows of \(name): \(Format.count(rows, "row")) × \(Format.count(p, "feature")) (--n-features), one pass in the order given",
            "  \(Format.count(trainer.updates, "update")) of \(Format.count(trainer.batchRows, "row")), \(config.optimizer.name) on sparse rows, learning rate \(Format.number(choice.learningRate)) (\(choice.reason))"
                + (config.schedule == .constant ? "" : ", inverse-scaling per update"),
            trainer.standardizer != nil
                ? "  scaled by the first window's column deviations (--standardize; not centred, as the sparse file fit)"
                : "  in the features' original units (--standardize scales them by the first window's deviations)",
            "  progressive validation loss: \(Format.number(progressive)) (the mean squared error of each row predicted before it was trained on)",
            "",
        ]
        lines += Reports.largestParameterTables(
            featureNames: featureNames, targetNames: ["y"], fitIntercept: data.fitIntercept,
            columns: [("descent", found)] + (reference.map { [("exact", $0.parameters)] } ?? []))
        lines += ["", "Verdict: " + verdict]
        if let saveModel { lines.append("\nModel written to \(saveModel)") }
        print(lines.joined(separator: "\n"))
    }
}
