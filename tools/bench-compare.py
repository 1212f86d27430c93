#!/usr/bin/env python3
"""Compare two series of `sequencer bench` runs: medians, spread, and how likely the difference is noise.

On two shared cores the same build's p50 at 1,000 tx/s spans 1.6-4.3 ms from run to run (docs/PERFORMANCE.md,
"Eleventh round"), so one run of each build says nothing. Run the two builds or settings alternately, each
with its own `--out DIR`, then:

    tools/bench-compare.py --a /tmp/out-base-* --b /tmp/out-new-* [--metric p50_us ...]

Each DIR holds the `summary.json` that `bench --out DIR` writes (a file path to a summary also works). For
every metric this prints both series, their medians, the difference of the medians, and a two-sided
p-value of the Wilcoxon-Mann-Whitney rank-sum test by permutation: the share of all ways to split the pooled
runs into two groups of the same sizes whose rank sums are at least as lopsided (exact up to 20,000 splits,
else 20,000 seeded random ones). A p-value above 0.05 means the series cannot tell the two apart; with four
runs a side the smallest possible is 2/70 = 0.029, with three a side 0.1, so take at least four of each.
"""
import argparse
import itertools
import json
import math
import os
import random
import statistics
import sys

DEFAULT_METRICS = ["p50_us", "p90_us", "p99_us", "p999_us", "max_us", "throughput_tx_s", "blocks_s",
                   "fast_path_share", "sig_checks_per_block"]
MAX_EXACT = 20_000


def load(path):
    file = os.path.join(path, "summary.json") if os.path.isdir(path) else path
    with open(file) as f:
        d = json.load(f)
    blocks = sum(d.get(k) or 0 for k in ("fast_path_blocks", "slow_path_blocks", "indirect_blocks"))
    if d.get("duration_s"):
        d["blocks_s"] = blocks / d["duration_s"]
    return d


def series(paths):
    """The runs that finished: a directory without a summary (a run still going, or one that failed) is skipped."""
    runs = []
    for p in paths:
        try:
            runs.append(load(p))
        except FileNotFoundError:
            print(f"skipped {p}: no summary.json", file=sys.stderr)
    return runs


def ranks(values):
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    r = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def rank_sum_p(a, b, seed=1):
    """Two-sided p-value of the Wilcoxon-Mann-Whitney rank sum under random relabelling of the pooled runs."""
    pooled = a + b
    r = ranks(pooled)
    n, k = len(pooled), len(a)
    expected = k * (n + 1) / 2
    observed = abs(sum(r[:k]) - expected)
    total = math.comb(n, k)
    if total <= MAX_EXACT:
        splits = itertools.combinations(range(n), k)
        count = total
    else:
        rng = random.Random(seed)
        splits = (rng.sample(range(n), k) for _ in range(MAX_EXACT))
        count = MAX_EXACT
    extreme = sum(1 for idx in splits if abs(sum(r[i] for i in idx) - expected) >= observed - 1e-9)
    return extreme / count


def fmt(v):
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", nargs="+", required=True, help="bench --out directories (or summary.json files) of series A")
    ap.add_argument("--b", nargs="+", required=True, help="the same for series B")
    ap.add_argument("--metric", nargs="+", default=DEFAULT_METRICS, help="summary keys to compare")
    args = ap.parse_args(argv)
    a, b = series(args.a), series(args.b)
    if len(a) < 2 or len(b) < 2:
        sys.exit("need at least two runs in each series")
    print(f"A: {len(a)} runs, B: {len(b)} runs")
    print(f"{'metric':22} {'median A':>10} {'median B':>10} {'B - A':>10} {'p':>6}   A | B")
    for m in args.metric:
        xa = [r[m] for r in a if r.get(m) is not None]
        xb = [r[m] for r in b if r.get(m) is not None]
        if len(xa) < 2 or len(xb) < 2:
            continue
        ma, mb = statistics.median(xa), statistics.median(xb)
        p = rank_sum_p(xa, xb)
        runs = " ".join(fmt(v) for v in xa) + " | " + " ".join(fmt(v) for v in xb)
        print(f"{m:22} {fmt(ma):>10} {fmt(mb):>10} {fmt(mb - ma):>10} {p:6.3f}   {runs}")


if __name__ == "__main__":
    main(sys.argv[1:])
