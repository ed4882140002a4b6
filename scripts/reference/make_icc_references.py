"""Writes ICC references computed by pingouin for the C++ tests (development only).

Outputs under tests/reference/icc/: the Shrout and Fleiss (1979) table of 6 targets rated by 4
judges, seeded random tables, and expected.csv with pingouin's six ICC forms and their 95 % intervals.
Run with the reference venv: scripts/reference/.venv/bin/python scripts/reference/make_icc_references.py
"""
import csv
import pathlib

import numpy as np
import pandas as pd
import pingouin

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "reference" / "icc"

SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


def write_table(name, table):
    with open(OUT / f"{name}.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["subject"] + [f"repeat_{j + 1}" for j in range(len(table[0]))])
        for i, row in enumerate(table):
            writer.writerow([f"s{i + 1}"] + [repr(float(v)) for v in row])


def pingouin_icc(table):
    n, k = len(table), len(table[0])
    long = pd.DataFrame(
        [(i, j, float(table[i][j])) for i in range(n) for j in range(k)], columns=["target", "rater", "rating"]
    )
    pingouin.options["round"] = None
    pingouin.options["round.column.CI95%"] = None  # pingouin rounds intervals to 2 decimals by default
    return pingouin.intraclass_corr(data=long, targets="target", raters="rater", ratings="rating")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    tables = {"shrout_fleiss": SHROUT_FLEISS}
    rng = np.random.default_rng(19790101)
    for index in range(12):
        n = int(rng.integers(3, 40))
        k = int(rng.integers(2, 12))
        subject = rng.normal(0.0, rng.uniform(0.1, 5.0), size=(n, 1))
        rater = rng.normal(0.0, rng.uniform(0.0, 2.0), size=(1, k))
        noise = rng.normal(0.0, rng.uniform(0.05, 3.0), size=(n, k))
        tables[f"random_{index:02d}"] = (10.0 + subject + rater + noise).tolist()

    with open(OUT / "expected.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["table", "form", "icc", "ci_low", "ci_high", "pingouin_version"])
        for name, table in tables.items():
            write_table(name, table)
            result = pingouin_icc(table)
            ci_column = [c for c in result.columns if c.startswith("CI95")][0]
            for _, row in result.iterrows():
                low, high = row[ci_column]
                writer.writerow([name, row["Type"], repr(float(row["ICC"])), repr(float(low)), repr(float(high)),
                                 pingouin.__version__])


if __name__ == "__main__":
    main()
