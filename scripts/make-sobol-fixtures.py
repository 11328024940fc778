#!/usr/bin/env python3
"""Writes test/fixtures/sobol/*.json: unscrambled Sobol points from scipy's
qmc.Sobol(d, scramble=False).random(n) (Joe-Kuo direction numbers), used by the unit tests.

Usage: python3 scripts/make-sobol-fixtures.py
"""
import json
import os

import scipy
from scipy.stats import qmc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "sobol")


def write(name: str, obj: dict) -> None:
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", path)


def main() -> None:
    source = f"scipy {scipy.__version__} qmc.Sobol(d, scramble=False).random(n)"
    for d in (1, 2, 6, 20):
        n = 256
        pts = qmc.Sobol(d, scramble=False).random(n)
        write(f"unscrambled-d{d}.json", {"source": source, "d": d, "n": n, "points": pts.tolist()})
    # High dimensions: a few columns only (the whole table would be large).
    d, n = 1111, 128
    cols = [0, 1, 2, 99, 500, 1000, 1109, 1110]
    pts = qmc.Sobol(d, scramble=False).random(n)
    write(
        "unscrambled-d1111-columns.json",
        {
            "source": source,
            "d": d,
            "n": n,
            "columns": cols,
            "values": [pts[:, c].tolist() for c in cols],
        },
    )


if __name__ == "__main__":
    main()
