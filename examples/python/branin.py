#!/usr/bin/env python3
"""The Branin function (global minimum 0.397887 at three points).

As a program slurmopt runs:   python3 branin.py X Y   prints   RESULT: <value>
As a module:                  from branin import branin
"""
import math
import sys


def branin(x: float, y: float) -> float:
    b = 5.1 / (4 * math.pi**2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * math.cos(x) + 10


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: branin.py X Y")
    # repr: the shortest text that reads back as the same float (slurmopt parses it exactly).
    print(f"RESULT: {branin(float(sys.argv[1]), float(sys.argv[2]))!r}")
