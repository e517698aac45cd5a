#!/usr/bin/env python3
"""Reference values of the regularized incomplete beta function and of the Student t, F and
normal distributions, computed with mpmath at 50 significant digits (independent of the Swift
code under test), written to Tests/Fixtures/distributions/reference.json.

Run: python3 Scripts/make_distribution_fixtures.py  (pip install mpmath)"""
import json
import os

import mpmath as mp

mp.mp.dps = 50
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "distributions", "reference.json")


def regularized_beta(a, b, x):
    """I_x(a, b) by the power series x^a (1-x)^b / (a B(a, b)) * 2F1(a + b, 1; a + 1; x) (all
    terms positive), on the side of the mean where it converges fast; a different algorithm from
    the continued fraction under test."""
    a, b, x = mp.mpf(a), mp.mpf(b), mp.mpf(x)
    if x == 0:
        return mp.mpf(0)
    if x > a / (a + b):
        return 1 - regularized_beta(b, a, 1 - x)
    front = mp.exp(a * mp.log(x) + b * mp.log1p(-x) - mp.log(mp.beta(a, b))) / a
    return front * mp.hyp2f1(a + b, 1, a + 1, x, maxterms=10**8)


def incomplete_beta(a, b, x):
    lower = regularized_beta(a, b, x)
    upper = regularized_beta(b, a, 1 - mp.mpf(x))
    return lower, upper


def t_two_sided(nu, t):
    nu, t = mp.mpf(nu), mp.mpf(t)
    x = nu / (nu + t * t)
    return regularized_beta(nu / 2, mp.mpf(1) / 2, x)


def t_quantile(nu, p):
    nu, p = mp.mpf(nu), mp.mpf(p)
    # P(T <= t) = p; solve in the upper tail with the exact two-sided tail.
    tail = min(p, 1 - p)
    f = lambda t: t_two_sided(nu, t) / 2 - tail
    lo, hi = mp.mpf(0), mp.mpf(1)
    while f(hi) > 0:
        lo, hi = hi, hi * 2
    root = mp.findroot(f, (lo, hi), solver="anderson", tol=mp.mpf(10) ** -45)
    return -root if p < mp.mpf(1) / 2 else root


def f_survival(d1, d2, f):
    d1, d2, f = mp.mpf(d1), mp.mpf(d2), mp.mpf(f)
    return regularized_beta(d2 / 2, d1 / 2, d2 / (d2 + d1 * f))


def normal_quantile(p):
    """z with P(Z <= z) = p, solved on the logarithm of the tail (erfinv(2p - 1) loses p < 1e-50)."""
    p = mp.mpf(p)
    tail = min(p, 1 - p)
    f = lambda z: mp.log(mp.erfc(z / mp.sqrt(2)) / 2) - mp.log(tail)
    root = mp.findroot(f, (mp.mpf(0), mp.mpf(40)), solver="anderson", tol=mp.mpf(10) ** -45)
    return -root if p < mp.mpf(1) / 2 else root


def main():
    beta = []
    for a, b, x in [
        (0.5, 0.5, 0.3), (1, 1, 0.25), (2, 3, 0.4), (5, 0.5, 0.9), (0.5, 5, 0.01), (10, 10, 0.5), (10, 10, 0.05),
        (30, 0.5, 0.999), (100, 200, 0.3), (100, 200, 0.4), (1000, 0.5, 0.99), (5e4, 0.5, 0.9999), (5e5, 0.5, 0.99999),
        (2.5e6, 1.5, 0.999999), (0.001, 0.002, 0.5), (1e-5, 3, 1e-3), (15, 25, 1e-6), (3, 7, 1e-40), (50, 50, 0.05),
        (150, 0.5, 0.01), (7.5, 12.25, 0.75), (1e4, 1e4, 0.49), (1e4, 1e4, 0.51),
    ]:
        lower, upper = incomplete_beta(a, b, x)
        beta.append({"a": a, "b": b, "x": x, "lower": float(lower), "upper": float(upper)})
    tails = []
    for nu, t in [
        (1, 0.5), (1, 1e10), (2, 3.0), (3, 12.92), (5, 2.015), (10, 0.1), (10, 40.0), (30, 1e10), (30, 2.042), (100, 1.984),
        (1000, 3.3), (1e5, 5.0), (1e6, 10.0), (1e6, 37.0), (4.5, 7.25), (60, 1e5), (120, 1e3), (250, 35.0),
    ]:
        tails.append({"nu": nu, "t": t, "twoSided": float(t_two_sided(nu, t))})
    quantiles = []
    for nu, p in [(1, 0.975), (2, 0.995), (3, 0.9), (5, 0.975), (10, 0.025), (30, 0.975), (100, 0.995), (1000, 0.975),
                  (1e5, 0.975), (7.5, 0.999999), (20, 1e-12), (4, 0.6)]:
        quantiles.append({"nu": nu, "p": p, "t": float(t_quantile(nu, p))})
    f = []
    for d1, d2, value in [(1, 10, 4.96), (3, 20, 3.1), (5, 100, 2.3), (10, 1000, 1.0), (2, 5, 1e3), (4, 50, 200.0),
                          (30, 3000, 0.5), (1, 1, 1.0), (8, 12, 1e8), (20, 1e5, 60.0)]:
        f.append({"d1": d1, "d2": d2, "f": value, "survival": float(f_survival(d1, d2, value))})
    normal = [{"p": p, "z": float(normal_quantile(p))} for p in [0.975, 0.995, 0.9, 0.5000001, 1e-10, 1e-300, 0.6, 0.999999999]]
    with open(OUT, "w") as handle:
        json.dump({"incompleteBeta": beta, "studentTTwoSided": tails, "studentTQuantile": quantiles, "fSurvival": f,
                   "normalQuantile": normal}, handle, indent=1)
        handle.write("\n")


if __name__ == "__main__":
    main()
