"""Writes Tests/Fixtures/noise/noise.json: the gradient noise scale B_simple = tr(Sigma)/|G|^2
of McCandlish et al. (2018) on a ten-row problem, computed here with numpy from per-example
gradients formed one by one, independently of MiniBatchGD.

Coordinates are those gradient descent runs in: features standardized with the population
standard deviation, the intercept as the last coordinate. Row i's gradient of 1/2 r_i^2 is
g_i = [z_i r_i, r_i] with r_i = z_i . w + b - y_i; G is their mean and Sigma their covariance
with divisor n. Run: python3 make_noise_fixture.py"""
import json
import numpy as np

X = np.array([[1.0, 4.0], [2.0, 3.5], [3.0, 5.0], [4.0, 2.0], [5.0, 6.5],
              [6.0, 1.0], [7.0, 4.5], [8.0, 3.0], [9.0, 7.0], [10.0, 2.5]])
y = np.array([3.0, 4.5, 6.0, 5.5, 9.0, 6.5, 10.0, 9.5, 13.0, 11.0])
Z = (X - X.mean(axis=0)) / X.std(axis=0)


def noise(theta):
    w, b = np.array(theta[:2]), theta[2]
    gradients = []
    for z, target in zip(Z, y):
        r = z @ w + b - target
        gradients.append(np.concatenate([z * r, [r]]))
    gradients = np.array(gradients)
    G = gradients.mean(axis=0)
    trace = ((gradients - G) ** 2).sum(axis=1).mean()
    return {"parameters": list(theta), "meanGradientSquaredNorm": float(G @ G), "traceCovariance": float(trace),
            "simple": float(trace / (G @ G))}


fixture = {"features": X.tolist(), "targets": y.tolist(),
           "points": [noise([0.0, 0.0, 0.0]), noise([1.5, 0.5, 7.0]), noise([2.9, 0.4, 7.8])]}
with open(__file__.replace("make_noise_fixture.py", "noise.json"), "w") as f:
    json.dump(fixture, f, indent=1)
    f.write("\n")
