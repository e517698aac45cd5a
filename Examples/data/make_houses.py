"""Writes houses.csv, the example data of the README's session: 500 invented houses,
price = 50 + 2.5·size + 10·rooms − 0.8·age + N(0, 15²). Run: python3 make_houses.py (numpy)."""
import numpy as np

rng = np.random.default_rng(1)
n = 500
size = rng.uniform(40, 200, n)
rooms = rng.integers(1, 6, n).astype(float)
age = rng.uniform(0, 80, n)
price = 50 + 2.5 * size + 10 * rooms - 0.8 * age + rng.normal(0, 15, n)
with open("houses.csv", "w") as f:
    f.write("size,rooms,age,price\n")
    for row in zip(size, rooms, age, price):
        f.write(",".join(f"{v:.6g}" for v in row) + "\n")
