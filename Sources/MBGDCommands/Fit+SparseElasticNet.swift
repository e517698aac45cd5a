import Foundation
import MiniBatchGD

extension Fit {
    /// `mbgd fit FILE.svm --l1 A [--l1-ratio R]`: plain SGD (or, for the lasso, AdaGrad, RMSprop
    /// or Adam) on sparse rows with the elastic net (its soft-thresholds applied lazily), beside coordinate descent's exact answer on the
    /// same sparse training rows.
    func runSparseElasticNet<Element: BLASScalar>(
        all: SparseDataset<Element>, train: SparseDataset<Element>, test: SparseDataset<Element>?, encoding: FeatureEncoding?
    ) throws {
        let alpha = l1!, r = l1Ratio ?? 1
        var config = gradientDescent
        let method = l1Method ?? .proximal
        config.penalty = ElasticNetPenalty(alpha: alpha, l1Ratio: r, l1Method: method)
        let rows = train
        let (model, comparison, trainMetrics, testMetrics) = try fitSparseBesideReference(
            config, train: train, test: test, encoding: encoding, run: { $0.run },
            { [config] model, progress in try model.fitAndCompareElasticNet(rows, using: config, progress: progress) })
        let reference = comparison.reference
        let zeros = model.parameters!.coefficients.elements.count { $0 == 0 }
        let verdict = Self.elasticNetVerdict(comparison)
        if json {
            print(
                Self.elasticNetReport(
                    model: model, weights: nil, comparison: comparison, train: trainMetrics, test: testMetrics,
                    penalty: (alpha, r, .original, method), beforeMetrics: [("sparse", SparseInput.json(all))]))
            return
        }
        let run = comparison.run
        var lines = [
            "Data: \(data.file), \(SparseInput.shape(all))" + (test.map { " (\(train.rows) train, \($0.rows) test)" } ?? "")
                + "; target\(all.outputCount > 1 ? "s" : ""): \(all.targetNames.joined(separator: ", "))"
        ]
        lines += Self.descentLines(
            run, title: "Gradient descent on sparse rows",
            scaling: run.configuration.standardize ? ", scaled by the columns' deviations" : "")
        lines.append(
            "  penalty A·(R‖β‖₁ + (1 − R)/2·‖β‖²), A = \(Format.number(alpha)), R = \(Format.number(r)) on β in the data's units "
                + "(scikit-learn's ElasticNet), \(Self.l1MethodPhrase(method, config.optimizer)), lazily on the columns a step skips; "
                + "\(zeros) of \(model.parameters!.coefficients.elements.count) coefficients are exactly zero")
        lines.append("")
        lines += Reports.largestParameterTables(
            featureNames: model.featureNames, targetNames: model.targetNames, fitIntercept: model.fitIntercept,
            columns: [("gradient descent", model.parameters!), ("coordinate descent", reference.parameters)])
        lines.append(
            "Coordinate descent (sparse rows): duality gap \(Format.number(reference.gap, digits: 2)), "
                + "\(reference.zeroCoefficients) of \(reference.parameters.coefficients.elements.count) coefficients exactly zero")
        lines.append(Self.gapLine(comparison, objective: "objective"))
        lines += closingLines(verdict: verdict, trainMetrics: trainMetrics, testMetrics: testMetrics, plots: [])
        if let path = saveModel { lines.append("\nModel written to \(path)") }
        print(lines.joined(separator: "\n"))
    }
}
