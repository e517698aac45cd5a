import ArgumentParser
import MiniBatchGD

/// `mbgd fit --l2 auto`: the ridge strength exact leave-one-out chooses on the training rows
/// (``RidgePath``, in the descent's units), given to the descent as its λ, so a fit never needs
/// a guessed penalty. (`--l1 auto`: ``ChosenL1``.)
struct ChosenL2 {
    /// The path over the default grid, in the descent's units.
    let path: RidgePath
    /// The chosen α's index in the path's grid (one α for every target: the mean score).
    let index: Int
    /// The descent's λ for that α.
    let lambda: Double

    var alpha: Double { path.alphas[index] }
    /// The mean over the targets of the leave-one-out scores at the chosen α.
    var score: Double { path.targets.reduce(0.0) { $0 + $1.leaveOneOut[index] } / Double(path.targets.count) }

    /// The report's line: what chose λ, and the same strength in scikit-learn's and glmnet's terms.
    func line(reduction: Reduction) -> String {
        let standardized = path.penaltyUnits == .standardized
        let edge =
            index == 0 || index == path.alphas.count - 1
            ? "; the grid's \(index == 0 ? "smallest" : "largest") alpha: the minimum may lie beyond it" : ""
        return
            "  L2 penalty λ = \(Format.number(lambda, digits: 4)) chosen by exact leave-one-out over \(path.alphas.count) alphas on the training rows (--l2 auto): "
            + "α = \(Format.number(alpha, digits: 4)) on ‖y − Xβ − b‖² + α·‖\(standardized ? "Sβ" : "β")‖²\(standardized ? " (S: the columns' standard deviations)" : ""), "
            + "LOO MSE \(Format.number(score, digits: 4))\(reduction == .mean ? ", λ = α/\(path.weightTotal == Double(path.rows) ? "n" : "Σw")" : "")\(edge)"
    }

    /// `--json`'s `regularization`, with the keys of `mbgd solve --ridge`.
    var json: JSON {
        .object([
            ("penalty", .string("l2")), ("criterion", .string(RidgePath.Criterion.loo.rawValue)),
            ("penalize", .string(path.penaltyUnits.rawValue)), ("alpha", .number(alpha)), ("l2", .number(lambda)),
            ("score", .number(score)), ("alphas", .numbers(path.alphas)),
            (
                "scores",
                .numbers(path.alphas.indices.map { a in path.targets.reduce(0.0) { $0 + $1.leaveOneOut[a] } / Double(path.targets.count) })
            ),
        ])
    }
}

/// `mbgd fit --l1 auto`: the elastic-net strength k-fold cross-validation chooses on the training
/// rows (``ElasticNetCV``: the grid from α_max, seeded folds), given to the descent as its A.
struct ChosenL1 {
    let cv: ElasticNetCV
    /// The chosen α's index in the grid (one α for every target: the mean held-out error).
    let index: Int
    let seed: UInt64

    var alpha: Double { cv.alphas[index] }
    /// The mean over the targets of the cross-validated errors at each α.
    var scores: [Double] { cv.alphas.indices.map { a in cv.targets.reduce(0.0) { $0 + $1.scores[a] } / Double(cv.targets.count) } }

    /// The report's line: what chose A.
    var line: String {
        // The grid starts at α_max, where every coefficient is zero: only its smallest end is an edge.
        let edge = index == cv.alphas.count - 1 ? "; the grid's smallest alpha: the minimum may lie beyond it" : ""
        return
            "  A = \(Format.number(alpha, digits: 4)) chosen by \(cv.foldCount)-fold cross-validation over \(cv.alphas.count) alphas on the training rows "
            + "(--l1 auto, folds seeded by --seed \(seed)): held-out MSE \(Format.number(scores[index], digits: 4))\(edge)"
    }

    /// `--json`'s `regularization`, with the keys of `mbgd solve --l1 cv`.
    var json: JSON {
        .object([
            ("penalty", .string(cv.l1Ratio == 1 ? "l1" : "elasticnet")), ("criterion", .string("cv")), ("folds", .integer(cv.foldCount)),
            ("alpha", .number(alpha)), ("l1Ratio", .number(cv.l1Ratio)), ("score", .number(scores[index])),
            ("alphas", .numbers(cv.alphas)), ("scores", .numbers(scores)),
        ])
    }
}

extension Fit {
    /// `--l1 auto`: the path cross-validated on the training rows in 5 folds seeded by `--seed`,
    /// and the α of the smallest mean held-out error.
    func chooseL1(_ train: CommandData, status: Status) throws -> ChosenL1 {
        let cv = try status.during(
            "choosing --l1 by \(ElasticNetCV.Folds.defaultCount)-fold cross-validation on \(train.rows) rows × \(Format.count(train.featureCount, "feature"))"
        ) {
            try ElasticNetCV(
                train.source, folds: .seeded(count: ElasticNetCV.Folds.defaultCount, seed: seed), l1Ratio: l1Ratio ?? 1,
                fitIntercept: data.fitIntercept, threads: threads)
        }
        let scores = cv.alphas.indices.map { a in cv.targets.reduce(0.0) { $0 + $1.scores[a] } }
        var best = 0
        for a in scores.indices where scores[a] < scores[best] { best = a }
        return ChosenL1(cv: cv, index: best, seed: seed)
    }

    /// What `--l2 auto` cannot run with, refused before any row is read.
    func checkAutomaticL2() throws {
        if Cluster.communicator != nil {
            throw CLIError.badArgument(
                "--l2 auto: the ridge path needs every training row in one process; run it with mbgd fit, or give mbgd-mpi a number for --l2"
            )
        }
        if SparseInput.isSparse(data.file) {
            throw CLIError.badArgument(
                "--l2 auto: \(data.file) holds sparse rows, and the exact leave-one-out path needs the dense Gram matrix's eigendecomposition; give --l2 a number"
            )
        }
    }

    /// The path on the training rows in the descent's units, and the λ its leave-one-out choice
    /// gives `config`'s reduction.
    func chooseL2(_ train: CommandData, _ config: GradientDescent, status: Status) throws -> ChosenL2 {
        let path = try status.during(
            "choosing --l2 by exact leave-one-out on \(train.rows) rows × \(Format.count(train.featureCount, "feature")) over \(RidgePath.defaultAlphaCount) alphas"
        ) {
            try RidgePath(
                train.source, fitIntercept: data.fitIntercept, penaltyUnits: config.standardize ? .standardized : .original,
                threads: threads)
        }
        let index = path.sharedChoice(.loo)
        return ChosenL2(path: path, index: index, lambda: path.descentPenalty(alpha: path.alphas[index], reduction: config.reduction))
    }
}
