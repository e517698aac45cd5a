import ArgumentParser
import Foundation
import MiniBatchGD

extension Fit {
    /// Options that need the rows more than once, or whole, are refused beside a stream, each with its reason.
    func validateStream() throws {
        guard data.isStream else { return }
        let save = "save the stream to a file first (mbgd convert - data.npy, or cat > data.csv) and fit that"
        let conflicts: [(Bool, String, String)] =
            [
                ((epochs ?? 1) > 1, "--epochs \(epochs ?? 1)", "a second pass needs the rows again; \(save)"),
                (
                    testFraction != nil, "--test-fraction",
                    "the progressive validation loss is a stream's held-out measure: every row is predicted before it is trained on"
                ),
                (validationFraction != nil, "--validation-fraction", "the progressive validation loss is a stream's held-out measure"),
                (
                    tolerance != nil || patience != nil || noEarlyStopping, "--tolerance, --patience and --no-early-stopping",
                    "one pass has no epochs to stop after"
                ),
                (l1Given, "--l1", "the lasso's exact reference passes over the rows many times; \(save)"),
                (l2IsAutomatic, "--l2 auto", "choosing λ needs the whole design; give --l2 a number"),
                (
                    lossOptions.loss != .squared, "--loss \(lossOptions.loss.rawValue)",
                    "online descent fits least squares, whose exact answer accumulates in one pass; \(save)"
                ),
                (
                    ![.constant, .inverseScaling].contains(schedule), "--schedule \(schedule.rawValue)",
                    "it needs an epoch budget; online, constant or inverse-scaling (per update)"
                ),
                (shuffleBlocks != nil, "--shuffle-blocks", "a stream is trained on in the order it comes"),
                (
                    epochCost != nil, "--epoch-cost",
                    "a stream reports its progressive validation loss already, each batch's before its update: the running cost of its one pass"
                ),
                (reduction == .sum, "--reduction sum", "the stream's last batch may be shorter; use mean"),
                (plot != nil, "--plot", "the plots draw the rows and residuals, which a stream does not keep"),
                (
                    checkpoints.checkpointing != nil, "--checkpoint and --resume",
                    "a stream cannot be read again from where a checkpoint was written"
                ),
            ] + data.streamConflicts
        for (given, option, why) in conflicts where given {
            throw ValidationError("fit \(data.file) reads the stream once: \(why); drop \(option)")
        }
    }

    /// `mbgd fit -`: online descent over the CSV, `.npy` or libsvm rows (``runLIBSVMStream(_:descriptor:)``) on standard input (or a FIFO), read once a
    /// window at a time, each batch predicted before it is trained on (the progressive
    /// validation loss); the exact least squares of the same rows accumulated beside it, so
    /// even a stream gets its verdict.
    func runStream() throws {
        if Cluster.communicator != nil {
            throw CLIError.badArgument("fit \(data.file): a stream is read by one process; run it with mbgd fit, not mbgd-mpi")
        }
        let name = data.streamName
        let descriptor = try data.openStream()
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        let head = try StreamHead(descriptor: descriptor, name: name)
        if head.format == .libsvm { return try runLIBSVMStream(head, descriptor: descriptor) }
        try data.checkDenseStream(head)
        let status = Status(quiet: json)
        var reader = try data.streamErrors(weights: weights) {
            try rowWindows(head, descriptor: descriptor, name: name, targets: data.targets, features: data.features, weights: weights)
        }
        let p = reader.featureNames.count, k = reader.targetNames.count
        var config = gradientDescent
        (config.epochs, config.shuffle, config.earlyStopping) = (1, .none, nil)
        config.averaging = average ? .fromStart : .none
        var made: OnlineTrainer?
        try OptionSpelling.commandLine.validating {
            made = try OnlineTrainer(features: p, outputs: k, fitIntercept: data.fitIntercept, configuration: config)
        }
        let trainer = made!
        var exact = LeastSquares.OnePassFit(featureCount: p, outputCount: k, fitIntercept: data.fitIntercept)
        var windowLosses: [Double] = []
        // OpenBLAS on one thread, as for solve -: the same bits for any --threads.
        let rows = try status.during("training on \(name) once, \(reader.windowRows) rows at a time") {
            try BLASThreads.singleThreaded {
                try data.streamErrors(weights: weights) {
                    // Rows past the window's last whole batch wait for the next window, so every
                    // batch but the stream's last has the batch size, as a file's batches do.
                    var carried = (x: [Double](), y: [Double](), w: [Double]())
                    func train(final: Bool) throws {
                        let rows = carried.y.count / k, batch = trainer.batchRows ?? rows
                        let whole = final ? rows : rows - rows % Swift.max(batch, 1)
                        guard whole > 0 else { return }
                        // Rows of weight 0 alone add nothing (and make no data set): passed over.
                        if weights == nil || carried.w[..<whole].contains(where: { $0 > 0 }) {
                            let chunk = try Dataset(
                                features: Matrix(rows: whole, columns: p, elements: Array(carried.x[..<(whole * p)])),
                                targets: Matrix(rows: whole, columns: k, elements: Array(carried.y[..<(whole * k)])),
                                weights: weights == nil ? nil : Array(carried.w[..<whole]))
                            windowLosses.append(try trainer.partialFit(chunk))
                        }
                        carried.x.removeFirst(whole * p)
                        carried.y.removeFirst(whole * k)
                        if weights != nil { carried.w.removeFirst(whole) }
                    }
                    let total = try reader.forEachWindow { count, x, y, w in
                        carried.x.append(contentsOf: UnsafeBufferPointer(start: x, count: count * p))
                        carried.y.append(contentsOf: UnsafeBufferPointer(start: y, count: count * k))
                        if let w { carried.w.append(contentsOf: UnsafeBufferPointer(start: w, count: count)) }
                        // The plan from the whole first window (that weighs something), as a file's from all its rows.
                        if trainer.learningRate == nil, weights == nil || carried.w.contains(where: { $0 > 0 }) {
                            let rows = carried.y.count / k
                            try trainer.plan(
                                from: Dataset(
                                    features: Matrix(rows: rows, columns: p, elements: carried.x),
                                    targets: Matrix(rows: rows, columns: k, elements: carried.y),
                                    weights: weights == nil ? nil : carried.w))
                        }
                        try train(final: false)
                        try exact.add(count: count, features: x, targets: y, weights: w)
                    }
                    try train(final: true)
                    return total
                }
            }
        }
        data.noteUnendedLastLine(reader.lastLineUnended, line: reader.linesRead)
        guard let progressive = trainer.progressiveLoss else {
            throw CLIError.badInput("--weights \(weights ?? ""): every weight in \(name) is 0, which leaves no row to fit")
        }
        let found = trainer.parameters
        let reference: LeastSquares.Solution
        do {
            reference = try BLASThreads.singleThreaded {
                try exact.solution(featureNames: reader.featureNames, targetNames: reader.targetNames, confidenceLevel: 0.95)
            }
        } catch LinearAlgebraError.rankDeficient {
            throw CLIError.badInput(
                "\(name): the \(Format.count(exact.observations, "row")) do not determine the exact least squares (too few rows, or dependent columns), so the descent has no reference; save the stream to a file and fit that"
            )
        }
        let optimum = reference.parameters
        let gap = relativeDistance(found, optimum)
        let costGap = try exact.relativeCostGap(found: found, optimum: optimum)
        let model = try LinearRegression(
            parameters: found, fitIntercept: data.fitIntercept, featureNames: reader.featureNames, targetNames: reader.targetNames)
        var outputs = Outputs()
        if let saveModel { outputs.add(try ModelFile(model).encoded(), to: saveModel) }
        try outputs.commit()
        let choice = trainer.learningRate!
        let batch = trainer.batchRows
        let verdict =
            "\(Format.number(gap, digits: 2)) from the exact least squares of the \(Format.count(rows, "row")) after one pass of \(Format.count(trainer.updates, "update")); its cost \(Format.number(costGap, digits: 2)) above the optimum's (relative)"
        if json {
            let parameters = { (values: Parameters) -> [(String, JSON)] in
                [
                    ("intercept", data.fitIntercept ? (k == 1 ? .number(values.intercept[0]) : .numbers(values.intercept)) : .null),
                    (
                        "coefficients",
                        k == 1
                            ? .numbers(values.coefficients.elements)
                            : .array((0..<k).map { o in .numbers((0..<p).map { values.coefficients.elements[$0 * k + o] }) })
                    ),
                ]
            }
            let report = JSON.object(
                parameters(found) + [
                    ("features", .strings(reader.featureNames)), ("targets", .strings(reader.targetNames)),
                    ("input", .string("stream")), ("windowRows", .integer(reader.windowRows)),
                    (
                        "training",
                        .object([
                            ("mode", .string("online")), ("rows", .integer(rows)), ("rowsTrainedOn", .integer(trainer.rowsSeen)),
                            ("updates", .integer(trainer.updates)),
                            ("batchSize", batch.map(JSON.integer) ?? .string("full")), ("optimizer", .string(config.optimizer.name)),
                            ("learningRate", .number(choice.learningRate)), ("learningRateReason", .string(choice.reason)),
                            ("schedule", .string(config.schedule.name)), ("averaging", .bool(config.averaging == .fromStart)),
                            ("standardizedOnFirstWindow", .bool(trainer.standardizer != nil)),
                            ("progressiveLoss", .number(progressive)), ("windowProgressiveLosses", .numbers(windowLosses)),
                        ])
                    ),
                    ("reference", .object(parameters(optimum) + [("method", .string("qr, accumulated in one pass"))])),
                    ("parameterRelativeDifference", .number(gap)), ("costRelativeDifference", .number(costGap)),
                    ("verdict", .string(verdict)),
                ])
            print(report.text)
            return
        }
        var lines = [
            "Online gradient descent on \(name): \(Format.count(rows, "row")), \(Format.count(p, "feature")), one pass in the order given",
            "  \(Format.count(trainer.updates, "update")) of \(batch.map { "\($0) rows" } ?? "a whole window"), \(config.optimizer.name), learning rate \(Format.number(choice.learningRate)) (\(choice.reason))"
                + (config.schedule == .constant ? "" : ", inverse-scaling per update"),
            trainer.standardizer != nil
                ? "  standardized by the first window's means and deviations (\(Format.count(Swift.min(rows, reader.windowRows), "row")))"
                : "  in the features' original units",
            "  progressive validation loss: \(Format.number(progressive)) (the mean squared error of each row predicted before it was trained on)",
            "",
        ]
        func row(_ label: String, _ descent: Double, _ exact: Double) -> String {
            func cell(_ text: String, _ width: Int) -> String { String(repeating: " ", count: Swift.max(0, width - text.count)) + text }
            return "  " + label.padding(toLength: 16, withPad: " ", startingAt: 0) + cell(Format.number(descent), 16)
                + cell(Format.number(exact), 16)
        }
        for o in 0..<k {
            lines.append(
                "  \((k == 1 ? "" : reader.targetNames[o] + ": ").padding(toLength: 16, withPad: " ", startingAt: 0))         descent           exact"
            )
            if data.fitIntercept { lines.append(row("(Intercept)", found.intercept[o], optimum.intercept[o])) }
            for j in 0..<p {
                lines.append(row(reader.featureNames[j], found.coefficients.elements[j * k + o], optimum.coefficients.elements[j * k + o]))
            }
        }
        lines += ["", "Verdict: " + verdict]
        print(lines.joined(separator: "\n"))
    }

    /// ‖θ − θ*‖/‖θ*‖ over the coefficients and intercepts.
    func relativeDistance(_ a: Parameters, _ b: Parameters) -> Double {
        let x = a.coefficients.elements + a.intercept, y = b.coefficients.elements + b.intercept
        let difference = zip(x, y).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        let norm = y.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? difference / norm : difference
    }
}

extension LeastSquares.OnePassFit {
    /// How far `found`'s residual sum of squares is above `optimum`'s, relative to the optimum's,
    /// from the accumulated factor (no second pass). The denominator is floored at 10⁻¹² of the
    /// targets' own squares (the sum at zero), so an optimum that fits the rows exactly gives the
    /// excess over that scale, not over rounding.
    func relativeCostGap(found: Parameters, optimum: Parameters) throws -> Double {
        let zero = try Parameters(
            coefficients: Matrix(rows: found.coefficients.rows, columns: found.coefficients.columns),
            intercept: [Double](repeating: 0, count: found.intercept.count))
        let foundRSS = accumulator.residualSumOfSquares(at: found).reduce(0, +)
        let optimumRSS = accumulator.residualSumOfSquares(at: optimum).reduce(0, +)
        let scale = accumulator.residualSumOfSquares(at: zero).reduce(0, +)
        let floor = Swift.max(optimumRSS, 1e-12 * scale)
        return floor > 0 ? (foundRSS - optimumRSS) / floor : foundRSS
    }
}
