"""Writes the accuracy fixtures of Tests/Fixtures/accuracy/: hard least-squares designs whose
exact solutions are computed here in rational arithmetic (fractions.Fraction), independently of
LAPACK. Every feature and target value is a dyadic rational that a Double holds exactly, written
as a hexadecimal float, so the Swift test reads exactly the numbers solved here. The solution
is written with 40 significant digits. Run: python3 make_accuracy_fixtures.py"""
from fractions import Fraction as F
import json


def solve(rows, y, intercept):
    """Exact ordinary least squares by Gauss-Jordan on the normal equations."""
    A = [([F(1)] if intercept else []) + list(r) for r in rows]
    m = len(A[0])
    G = [[sum(a[i] * a[j] for a in A) for j in range(m)] + [sum(a[i] * t for a, t in zip(A, y))] for i in range(m)]
    for c in range(m):
        pivot = next(r for r in range(c, m) if G[r][c] != 0)
        G[c], G[pivot] = G[pivot], G[c]
        G[c] = [v / G[c][c] for v in G[c]]
        for r in range(m):
            if r != c and G[r][c] != 0:
                G[r] = [a - G[r][c] * b for a, b in zip(G[r], G[c])]
    beta = [G[i][m] for i in range(m)]
    residual = [t - sum(a * b for a, b in zip(row, beta)) for row, t in zip(A, y)]
    return beta, sum(r * r for r in residual)


def digits(x, n=40):
    """x to n significant decimal digits, as text."""
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    x = abs(x)
    exponent = 0
    while x >= 10:
        x /= 10; exponent += 1
    while x < 1:
        x *= 10; exponent -= 1
    text = ""
    for _ in range(n):
        d = int(x); text += str(d); x = (x - d) * 10
    return f"{sign}{text[0]}.{text[1:]}e{exponent}"


def hexf(x):
    assert isinstance(x, F), f"{x!r} is not a Fraction: floating point crept into a design"
    value = float(x)
    assert F(value) == x, f"{x} is not exact in binary"
    return value.hex()


def noise(k):
    """A fixed, irregular dyadic perturbation in [-1/2, 1/2]."""
    return F((k * 7919) % 257 - 128, 256)


designs = []

def add(name, rows, y, intercept, note):
    beta, rss = solve(rows, y, intercept)
    designs.append({
        "name": name, "note": note, "fitIntercept": intercept,
        "features": [[hexf(v) for v in r] for r in rows], "target": [hexf(v) for v in y],
        "intercept": digits(beta[0]) if intercept else None,
        "coefficients": [digits(b) for b in (beta[1:] if intercept else beta)],
        "residualSumOfSquares": digits(rss),
    })

# Polynomial features of degree 5, 8 and 10 on x = k/4 (exact powers), noisy targets.
for degree in (5, 8, 10):
    xs = [F(k, 4) for k in range(40)]
    rows = [[x ** j for j in range(1, degree + 1)] for x in xs]
    y = [F(3) - 2 * x + x ** 2 / 4 + noise(k) for k, x in enumerate(xs)]
    add(f"polynomial degree {degree}", rows, y, True, "monomials x..x^d, x = k/4 for k < 40")

# Nearly collinear columns: x2 = x1 ± 2^-20.
x1 = [F(k % 9 - 4) + F(k, 64) for k in range(50)]
rows = [[a, a + (F(1, 2 ** 20) if k % 2 else -F(1, 2 ** 20)), F((k * 5) % 11)] for k, a in enumerate(x1)]
add("nearly collinear", rows, [1 + 2 * r[0] + 3 * r[1] - r[2] / 2 + noise(k) / 8 for k, r in enumerate(rows)], True,
    "two columns equal to within 2^-20")

# Columns whose scales run from about 1e-6 to 1e6 (2^-20 to 2^20).
rows = [[F(k % 13, 2 ** 20), F((k * 3) % 17), F((k * 7) % 19) * 2 ** 20] for k in range(60)]
add("scales 1e-6 to 1e6", rows, [2 + F(3 * 2 ** 20) * r[0] - r[1] + r[2] / 2 ** 21 + noise(k) for k, r in enumerate(rows)], True,
    "columns of magnitude 2^-20, 1 and 2^20")

# No intercept, tall.
rows = [[F(k % 7) - 3, F((k * k) % 5), F(k, 8)] for k in range(45)]
add("no intercept", rows, [r[0] - 2 * r[1] + r[2] / 4 + noise(k) for k, r in enumerate(rows)], False, "y ≈ Xβ without intercept")

# Square: as many rows as unknowns (exact interpolation, zero residual).
rows = [[F(1 + k), F((k * 3) % 5 + 1), F(k * k % 7)] for k in range(4)]
add("square with intercept", rows, [F(k * k + 1, 2) for k in range(4)], True, "4 rows, intercept and 3 coefficients")
rows = [[F(2), F(1), F(0)], [F(1), F(3), F(1)], [F(0), F(1), F(4)]]
add("square without intercept", rows, [F(1), F(2), F(3)], False, "3 rows, 3 coefficients")

# Exact fit: y = 1/2 + X·(3, -1/4, 2) with zero residual.
rows = [[F(k % 11, 2), F((k * 3) % 7), F(k, 16)] for k in range(30)]
add("exact fit", rows, [F(1, 2) + 3 * r[0] - r[1] / 4 + 2 * r[2] for r in rows], True, "zero residual")

with open("designs.json", "w") as f:
    json.dump(designs, f, indent=1)
    f.write("\n")
print(f"wrote {len(designs)} designs")
