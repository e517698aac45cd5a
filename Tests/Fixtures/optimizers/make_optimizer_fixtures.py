"""Writes Tests/Fixtures/optimizers/steps.json: the parameters after each of the first eight
full-batch steps of Adam, AdamW, AdaGrad, RMSprop, heavy-ball momentum and Nesterov momentum on a
six-row problem, computed here with numpy from the published update formulas (the forms in
PyTorch's documentation), independently of MiniBatchGD.

The cost is the mean reduction, J = 1/2 mean((X w + c - y)^2); the parameter vector is
[w_1, w_2, c] (coefficients, then the intercept), starting at zero; weight decay (AdamW) acts on
the coefficients only. Run: python3 make_optimizer_fixtures.py"""
import json
import numpy as np

X = np.array([[1.0, 0.5], [2.0, -1.0], [3.0, 0.25], [-1.0, 2.0], [0.5, 1.5], [4.0, -0.75]])
y = np.array([2.0, 1.5, 5.25, -0.5, 2.75, 4.0])
STEPS = 8


def gradient(theta):
    w, c = theta[:2], theta[2]
    r = X @ w + c - y
    return np.concatenate([X.T @ r / len(y), [r.mean()]])


def adam(lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    theta, m, v, out = np.zeros(3), np.zeros(3), np.zeros(3), []
    for t in range(1, STEPS + 1):
        g = gradient(theta)
        theta[:2] *= 1 - lr * weight_decay          # AdamW: decoupled decay, before the step
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append(theta.tolist())
    return out


def adagrad(lr, eps=1e-10):
    theta, s, out = np.zeros(3), np.zeros(3), []
    for _ in range(STEPS):
        g = gradient(theta)
        s = s + g * g
        theta = theta - lr * g / (np.sqrt(s) + eps)
        out.append(theta.tolist())
    return out


def rmsprop(lr, alpha=0.99, eps=1e-8):
    theta, v, out = np.zeros(3), np.zeros(3), []
    for _ in range(STEPS):
        g = gradient(theta)
        v = alpha * v + (1 - alpha) * g * g
        theta = theta - lr * g / (np.sqrt(v) + eps)
        out.append(theta.tolist())
    return out


def momentum(lr, mu, nesterov):
    theta, b, out = np.zeros(3), np.zeros(3), []
    for _ in range(STEPS):
        g = gradient(theta)
        b = mu * b + g
        theta = theta - lr * (g + mu * b if nesterov else b)
        out.append(theta.tolist())
    return out


fixtures = {
    "features": X.tolist(),
    "targets": y.tolist(),
    "runs": [
        {"optimizer": "adam", "learningRate": 0.05, "steps": adam(0.05)},
        {"optimizer": "adamw", "learningRate": 0.05, "weightDecay": 0.1, "steps": adam(0.05, weight_decay=0.1)},
        {"optimizer": "adagrad", "learningRate": 0.2, "steps": adagrad(0.2)},
        {"optimizer": "rmsprop", "learningRate": 0.01, "steps": rmsprop(0.01)},
        {"optimizer": "momentum", "learningRate": 0.05, "momentum": 0.8, "steps": momentum(0.05, 0.8, False)},
        {"optimizer": "nesterov", "learningRate": 0.05, "momentum": 0.8, "steps": momentum(0.05, 0.8, True)},
    ],
}
with open(__file__.replace("make_optimizer_fixtures.py", "steps.json"), "w") as f:
    json.dump(fixtures, f, indent=1)
    f.write("\n")
