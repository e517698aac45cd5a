extension Dataset<Double> {
    /// The data of the article this package grew from ("ML | Mini-Batch Gradient Descent with
    /// Python"): 8000 draws of a 2-D normal with mean [5, 6] and covariance
    /// [[1, 0.95], [0.95, 1.2]]; the first component is the feature, the second the target;
    /// the first 7200 rows train and the last 800 test, in order.
    ///
    /// The population line is y = 1.25 + 0.95·x (slope 0.95/1.0, intercept 6 − 0.95·5); a
    /// sample's least-squares fit lies close to it.
    /// - Parameter seed: seed of the ``RandomSource`` that draws the samples.
    public static func seedArticle(seed: UInt64 = 0) throws -> (train: Dataset<Double>, test: Dataset<Double>) {
        let distribution = try MultivariateNormal(mean: [5.0, 6.0], covariance: Matrix([[1.0, 0.95], [0.95, 1.2]]))
        var generator = RandomSource(seed: seed)
        let samples = try distribution.sample(count: 8000, using: &generator)
        let data = try Dataset(
            features: Matrix(column: samples.column(0)), target: samples.column(1),
            featureNames: ["x"], targetName: "y")
        return try data.split(testFraction: 0.1)
    }
}
