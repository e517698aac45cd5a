import Foundation

/// What glmnet's two standard plots of a regularization path need, whatever the penalty: the
/// strengths, each feature's coefficient along them, and (when the path was scored) the
/// criterion with its standard errors and the two choices. A ridge path fills it from
/// `RidgePath`, a lasso path from `CoordinateDescent.Path` (without scores), a cross-validated
/// one from its folds.
struct PathPlotData {
    /// The strengths, in any order (the plots sort by them).
    var alphas: [Double]
    /// Per feature, its coefficient at each alpha.
    var coefficients: [[Double]]
    /// The features' names, in `coefficients`' order.
    var featureNames: [String]
    /// What the path is of, for the titles: "Ridge", "Lasso", "Elastic net (l1_ratio 0.5)".
    var penaltyName: String
    /// The criterion's name ("LOO MSE", "GCV", "CV MSE"), its score and standard error per
    /// alpha; nil for a path that was not scored.
    var criterion: (name: String, scores: [Double], standardErrors: [Double])?
    /// The index of the chosen alpha (the criterion's smallest score), if any.
    var chosen: Int?
    /// The index of the one-standard-error alpha, if any.
    var oneStandardError: Int?
    /// Added to the files' names (before `.svg`): one target's of several, e.g. "-y2".
    var fileSuffix = ""

    /// At most this many features are named in the legend; the others are drawn fainter, unnamed.
    static let labelledFeatures = 10

    /// The coefficient paths' file, and the criterion curve's.
    static let files = (coefficients: "coefficient-paths.svg", criterion: "criterion.svg")

    /// Each target's files' suffix: none for one target; otherwise "-" and its name with the
    /// characters other than letters, digits, `-` and `_` written `_`, and "-" and its 1-based
    /// position after it where two names would give the same files (y.1 and y_1).
    static func fileSuffixes(targetNames: [String]) -> [String] {
        guard targetNames.count > 1 else { return targetNames.map { _ in "" } }
        let cleaned = targetNames.map { "-" + String($0.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }) }
        var seen: [String: Int] = [:]
        for suffix in cleaned { seen[suffix, default: 0] += 1 }
        return cleaned.enumerated().map { o, suffix in seen[suffix]! > 1 ? "\(suffix)-\(o + 1)" : suffix }
    }

    /// The features named in the legend: all of them up to ``labelledFeatures``, else those whose
    /// largest |coefficient| along the path is largest (ties to the first).
    var labelled: Set<Int> {
        guard featureNames.count > Self.labelledFeatures else { return Set(featureNames.indices) }
        let sizes = coefficients.map { $0.map(abs).filter(\.isFinite).max() ?? 0 }
        let order = sizes.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        return Set(order.prefix(Self.labelledFeatures))
    }

    /// The chosen and one-standard-error alphas as reference lines, named with their values.
    private var references: [SVGPlot.Reference] {
        var lines: [SVGPlot.Reference] = []
        if let chosen {
            lines.append(.init(x: alphas[chosen], name: "best α = \(Format.number(alphas[chosen], digits: 4))", dashes: "6 3"))
        }
        if let oneStandardError {
            lines.append(
                .init(x: alphas[oneStandardError], name: "1-SE α = \(Format.number(alphas[oneStandardError], digits: 4))", dashes: "2 3"))
        }
        return lines
    }

    /// The plots, one file each: the coefficient paths, then (for a scored path) the criterion.
    func plots() -> [(file: String, panels: [SVGPlot])] {
        let order = alphas.indices.sorted { alphas[$0] < alphas[$1] }
        let named = labelled
        let count = featureNames.count
        var paths = SVGPlot(
            title: "\(penaltyName) coefficient paths"
                + (named.count < count ? " (the \(named.count) largest of \(count) named)" : ""),
            xLabel: "alpha (log)", yLabel: "coefficient (original units)", xLog: true)
        // Named features first, so that they take the palette's distinct colours in order.
        let features = (0..<count).sorted { (named.contains($0) ? 0 : 1, $0) < (named.contains($1) ? 0 : 1, $1) }
        paths.series = features.enumerated().map { position, j in
            SVGPlot.Series(
                name: named.contains(j) ? featureNames[j] : "", points: order.map { (alphas[$0], coefficients[j][$0]) },
                opacity: named.contains(j) ? 1 : 0.35, colorIndex: named.contains(j) ? position : 7)
        }
        paths.references = references
        func fileName(_ file: String) -> String {
            fileSuffix.isEmpty ? file : file.replacingOccurrences(of: ".svg", with: fileSuffix + ".svg")
        }
        var result = [(file: fileName(Self.files.coefficients), panels: [paths])]
        if let criterion {
            // A log scale once the scores span more than a decade: the minimum's region is then
            // not flattened by the large scores of heavy shrinkage.
            let finite = criterion.scores.filter(\.isFinite)
            let spread = (finite.min() ?? 0) > 0 && (finite.max() ?? 0) > 10 * (finite.min() ?? 0)
            var curve = SVGPlot(
                title: "\(penaltyName): \(criterion.name) against alpha, ± one standard error", xLabel: "alpha (log)",
                yLabel: criterion.name + (spread ? " (log)" : ""), xLog: true, yLog: spread)
            curve.series = [
                SVGPlot.Series(
                    name: criterion.name, points: order.map { (alphas[$0], criterion.scores[$0]) }, markers: true, colorIndex: 1,
                    errorBars: order.map { criterion.standardErrors[$0] })
            ]
            curve.references = references
            result.append((file: fileName(Self.files.criterion), panels: [curve]))
        }
        return result
    }
}
