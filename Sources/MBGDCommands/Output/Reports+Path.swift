import MiniBatchGD

/// The lines every chosen-strength report shares (`--ridge`, `--l1 cv`): the warning at the
/// grid's edge, the coefficients at the best and 1-SE alphas, and the closing lines.
extension Reports {
    /// The warning when the best alpha is an end of the grid, or nil.
    /// (`largestCounts` false: the default lasso grid starts where every coefficient is zero, so
    /// a choice there is no edge.)
    static func gridEdgeWarning(best alpha: Double, alphas: [Double], largestCounts: Bool = true) -> String? {
        let lowest = alphas.min()!, highest = alphas.max()!
        guard alpha == lowest || (alpha == highest && largestCounts) else { return nil }
        return "  the best alpha is the grid's \(alpha == lowest ? "smallest" : "largest"): the minimum may lie beyond it (widen --alphas)"
    }

    /// Target `o`'s heading and coefficients at the best and 1-SE alphas of `path`.
    static func chosenCoefficients(
        _ path: [Parameters], best: Int, oneStandardError: Int, target o: Int, targetNames: [String], featureNames: [String],
        fitIntercept: Bool, units: String
    ) -> [String] {
        [
            "Coefficients\(targetNames.count > 1 ? " for \(targetNames[o])" : "") (\(units)):",
            largestParameters(
                featureNames: featureNames, target: o, fitIntercept: fitIntercept,
                columns: [("at best alpha", path[best]), ("at 1-SE alpha", path[oneStandardError])]),
        ]
    }

    /// What the 1-SE row means.
    static let oneStandardErrorNote = "(1-SE: the largest alpha whose score is within one standard error of the best, glmnet's lambda.1se.)"

    /// The errors at the best alpha, what a column means, where the model and plots went.
    static func chosenFooter(metrics: RegressionMetrics, explanation: String, saveModel: String?, plots: [String] = []) -> [String] {
        var lines = ["", "Errors on the rows fitted, at the best alpha:", metricsTable(train: metrics, test: nil), explanation]
        if let saveModel, saveModel != "-" { lines.append("Model written to \(saveModel) (at the best alpha)") }
        if !plots.isEmpty { lines.append("Plots: \(plots.joined(separator: ", "))") }
        return lines
    }

    /// The `regularization` keys every cross-validated choice shares (`--l1 cv`, `--ridge cv`):
    /// the chosen and 1-SE alphas, the scores and every fold's errors; one value per target, an
    /// array of them for several.
    static func crossValidationKeys(
        alphas: [Double], glmnetLambda: (Double) -> Double, choices: [ElasticNetCV.Choice], scores: [[Double]],
        standardErrors: [[Double]], foldErrors: [[[Double]]]
    ) -> [(String, JSON)] {
        func perTarget(_ value: (Int) -> JSON) -> JSON { choices.count == 1 ? value(0) : .array(choices.indices.map(value)) }
        return [
            ("alpha", perTarget { .number(choices[$0].alpha) }), ("glmnetLambda", perTarget { .number(glmnetLambda(choices[$0].alpha)) }),
            ("score", perTarget { .number(choices[$0].score) }), ("standardError", perTarget { .number(choices[$0].standardError) }),
            ("alpha1se", perTarget { .number(choices[$0].oneStandardErrorAlpha) }), ("alphas", .numbers(alphas)),
            ("scores", perTarget { .numbers(scores[$0]) }), ("standardErrors", perTarget { .numbers(standardErrors[$0]) }),
            ("foldErrors", perTarget { .array(foldErrors[$0].map(JSON.numbers)) }),
        ]
    }
}
