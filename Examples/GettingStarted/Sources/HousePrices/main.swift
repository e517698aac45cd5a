// Sources/HousePrices/main.swift
import Foundation  // URL
import MiniBatchGD

// A matrix from rows, one inner array per row. Initializers that check their input throw (here,
// rows of different lengths), so they are called with `try`.
let design = try Matrix(rows: [[1, 2], [2, 1], [3, 5], [4, 4]])
print(design.rows, design.columns, design[2, 1])  // 4 2 5.0

// A data set from Swift arrays: features one row per sample, one target value per sample...
let small = try Dataset(features: [[1, 2], [2, 1], [3, 5], [4, 4]], targets: [4, 3, 9, 8])
// ...or from a matrix, with names for the columns (x1, x2, … and y when left out).
let named = try Dataset(features: design, target: [4, 3, 9, 8], featureNames: ["a", "b"], targetName: "z")
print(small.rows, small.featureNames, named.featureNames, named.targetNames)  // 4 ["x1", "x2"] ["a", "b"] ["z"]

// A data set from a file: houses.csv has the columns size, rooms, age and price. Columns that
// are neither a target nor a chosen feature are skipped, whatever they hold.
let houses = try Dataset.load(path: "houses.csv", targets: ["price"], features: ["size", "rooms", "age"])
print(houses.rows, houses.featureNames, houses.targetNames)  // 500 ["size", "rooms", "age"] ["price"]

var model = LinearRegression()  // fits the intercept itself: no column of ones
// Every default: standardized features, the step size from the data's curvature, a certified stop.
let run = try model.fit(houses, using: GradientDescent())
print(run.history.stopReason, run.history.epochsRun, model.intercept, model.coefficients)
let price = try model.predict([120, 4, 10])  // one new house: size, rooms, age
let prices = try model.predict([[120, 4, 10], [60, 2, 45]])  // several
print(price, prices)
try model.save(to: URL(fileURLWithPath: "model.json"))  // what `mbgd predict --model` reads
let again = try LinearRegression(contentsOf: URL(fileURLWithPath: "model.json"))
print(try again.predict([120, 4, 10]) == price)  // true

var exact = LinearRegression()
let solution = try exact.fit(houses, method: .auto)  // the closed form, with statistics
print(solution.coefficientTable)  // coef, std err, t, P>|t|, [0.025 0.975]; const first
let intercept = solution.coefficientTable["const"]!
print(intercept.estimate, intercept.standardError!, intercept.pValue!)
print(solution.coefficientTable.pValues!)  // statsmodels' pvalues, const first

// New rows: predictions, the confidence interval of their mean and the prediction interval of
// a new observation (statsmodels' get_prediction(...).summary_frame()).
let newHouses = try Matrix(rows: [[120, 4, 10], [60, 2, 45]])
let bands = try exact.predictionIntervals(newHouses, level: 0.95)
for i in 0..<newHouses.rows {
    print(
        "house \(i + 1): \(bands.mean[i, 0]), mean in [\(bands.meanLower[i, 0]), \(bands.meanUpper[i, 0])],",
        "a new house in [\(bands.observationLower[i, 0]), \(bands.observationUpper[i, 0])]")
}

// The seed article's data: 7200 training and 800 test rows, generated.
let article = try Dataset.seedArticle(seed: 0)
var descent = LinearRegression()
let articleRun = try descent.fit(article.train, using: GradientDescent())
let articleExact = try LeastSquares.solve(article.train, method: .auto)
print(articleRun.learningRateChoice.learningRate, articleRun.history.epochsRun, descent.coefficients, articleExact.coefficients)
print(try descent.evaluate(article.test).meanAbsoluteError)

// PyTorch's optimizers and schedules, with rates set in the problem's units.
var adam = LinearRegression()
try adam.fit(article.train, using: GradientDescent(optimizer: .adam(), schedule: .cosine))

// Fit by gradient descent and measure the gap to the exact solution of the same objective.
var checked = LinearRegression()
let comparison = try checked.fitAndCompare(article.train, using: GradientDescent(batchSize: .full, optimizer: .nesterov()))
print(comparison.parameterRelativeDifference, comparison.reference.method)
