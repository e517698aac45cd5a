import Foundation
import MiniBatchGD

extension Fit {
    /// `mbgd fit FILE.svm --loss huber|squared-epsilon-insensitive|quantile|epsilon-insensitive`:
    /// the sparse descent beside the exact optimum of the same problem on the same training rows.
    /// Huber's and the squared epsilon-insensitive optimum come from Newton's method, the two
    /// linear programs' from the interior point, all on the sparse rows themselves
    /// (``SparseLossReference``).
    func runSparseLoss<Element: BLASScalar>(
        all: SparseDataset<Element>, train: SparseDataset<Element>, test: SparseDataset<Element>?, encoding: FeatureEncoding?
    ) throws {
        let descent = try robustLossDescent(), power = descent.decayPower
        var config = descent.0
        let subgradient = lossOptions.isSubgradient
        let status = Status(quiet: json)
        let reference = try SparseLossReference(
            lossOptions, epsilon: optimizer.epsilon, train: train, fitIntercept: data.fitIntercept, file: data.file, status: status,
            quiet: json)
        config.loss = reference.loss
        let rows = train, chosen = config
        let (model, comparison, trainMetrics, testMetrics) = try fitSparseBesideReference(
            config, train: train, test: test, encoding: encoding, run: { $0.run },
            { model, progress in try reference.fitAndCompare(&model, rows, using: chosen, progress: progress) })
        let run = comparison.run, epochs = Format.count(run.history.epochsRun, "epoch")
        let method = subgradient ? "subgradient descent" : "gradient descent"
        let verdict: String
        if lossOptions.isHuber {
            let gap = comparison.parameterRelativeDifference
            verdict =
                gap <= RunReport.convergedGap
                ? "converged: \(Format.number(gap, digits: 2)) from Huber's exact answer after \(epochs)"
                : "not converged: \(Format.number(gap, digits: 2)) from Huber's exact answer after \(epochs); without a strongly convex cost there is no certificate to stop on: give it more epochs"
        } else {
            let gap = comparison.costRelativeDifference
            verdict =
                gap <= Self.objectiveConvergedGap
                ? "converged: the \(method)'s objective is \(Format.number(gap, digits: 2)) above the exact optimum after \(epochs)"
                : "not converged: the \(method)'s objective is \(Format.number(gap, digits: 2)) above the exact optimum after \(epochs) (converged means within \(Format.number(Self.objectiveConvergedGap))); give it more epochs"
        }
        if json {
            var extra: [(String, JSON)] = [("loss", reference.lossJSON)]
            if !lossOptions.isHuber { extra.append(("subgradient", .bool(subgradient))) }
            print(
                Self.report(
                    model: model, weights: nil, run: run, train: trainMetrics, test: testMetrics,
                    reference: (comparison.reference.parameters, comparison.reference.fields),
                    gaps: (comparison.parameterRelativeDifference, comparison.costRelativeDifference), verdict: verdict,
                    extra: extra, beforeMetrics: [("sparse", SparseInput.json(all))]
                ).text)
            return
        }
        var lines = [
            "Data: \(data.file), \(SparseInput.shape(all))" + (test.map { " (\(train.rows) train, \($0.rows) test)" } ?? "")
                + "; target\(all.outputCount > 1 ? "s" : ""): \(all.targetNames.joined(separator: ", "))"
        ]
        lines += Self.descentLines(
            run, title: "\(subgradient ? "Subgradient" : "Gradient") descent on sparse rows",
            scaling: run.configuration.standardize ? ", scaled by the columns' deviations" : "")
        lines.append(reference.lossLine)
        if subgradient {
            lines.append(
                "  subgradient method: no curvature to size steps or certify a stop by; "
                    + (power.map { "η₀/t^\(Format.number($0)) per epoch" } ?? "the schedule given")
                    + (config.averaging == .fromStart ? ", iterates averaged from the start" : ", no averaging"))
        }
        lines.append("")
        lines += Reports.largestParameterTables(
            featureNames: model.featureNames, targetNames: model.targetNames, fitIntercept: model.fitIntercept,
            columns: [("gradient descent", model.parameters!), (reference.label, comparison.reference.parameters)])
        lines += comparison.reference.lines(targetNames: all.targetNames, rows: train.rows)
        lines.append(
            "Gap: parameters differ by \(Format.number(comparison.parameterRelativeDifference, digits: 3)) (relative); "
                + "the descent's loss is \(Format.number(comparison.costRelativeDifference, digits: 3)) above the optimum (relative)"
                + (lossOptions.isHuber ? "" : " (the optimum's coefficients need not be unique: the loss is the measure)"))
        lines += closingLines(verdict: verdict, trainMetrics: trainMetrics, testMetrics: testMetrics, plots: [])
        print(lines.joined(separator: "\n"))
    }
}
