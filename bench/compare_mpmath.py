#!/usr/bin/env python3
"""Times ssmcheck's engine beside mpmath doing the same computation, in one run, and prints the ratios.

  1. the S6 scan (euler, d x N state, the same inputs) at 16, 50 and 100 digits against the same recurrence
     written with mpmath numbers at the same precision;
  2. Theorem 1's error norms (L1, L2 of psi_{j,k} - (g1 - 2 g2 + g3)) against tests/reference/haar_mpmath.py
     (mpmath polylog + quad) at 30 digits, checking that both give the same values.

Usage: bench/compare_mpmath.py build/bench_engine"""
import os
import subprocess
import sys
import time

import mpmath as mp

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "reference"))
import haar_mpmath  # noqa: E402

binary = sys.argv[1]


def run(*args):
    out = subprocess.run([binary, *map(str, args)], capture_output=True, text=True, check=True).stdout
    return dict(kv.split("=") for kv in out.split())


def mp_scan(dps, T, d, N):
    mp.mp.dps = dps
    lam = [[mp.mpf(n + 1) / 4 for n in range(N)] for _ in range(d)]
    B = [mp.mpf(1) / (n + 1) for n in range(N)]
    h = [[mp.mpf(0)] * N for _ in range(d)]
    t0 = time.perf_counter()
    for t in range(1, T + 1):
        for i in range(d):
            x = mp.mpf((t * (i + 3)) % 7) / 7 - mp.mpf(0.5)
            z = x - 1
            delta = mp.log1p(mp.exp(z))
            for n in range(N):
                h[i][n] = mp.exp(-lam[i][n] * delta) * h[i][n] + delta * x * B[n]
    sec = time.perf_counter() - t0
    return sec, float(sum(h[0]))


print("S6 scan, d = 8, N = 8 (euler), same inputs: seconds per 1000 steps")
print(f"{'digits':>7} {'ssmcheck':>10} {'mpmath':>10} {'ratio':>8}  checksum agreement")
for digits, T_c, T_py in ((16, 200000, 2000), (50, 50000, 2000), (100, 20000, 1000)):
    c = run("scan", digits, T_c, 8, 8)
    py_sec, py_sum = mp_scan(digits, T_py, 8, 8)
    c_small = run("scan", digits, T_py, 8, 8)
    per_c = float(c["seconds"]) / T_c * 1000
    per_py = py_sec / T_py * 1000
    agree = abs(float(c_small["checksum"]) - py_sum) <= 1e-12 * max(1.0, abs(py_sum))
    print(f"{digits:>7} {per_c:>10.4f} {per_py:>10.4f} {per_py / per_c:>8.1f}  {'yes' if agree else 'NO'}")

print()
print("Theorem 1 error norms at 30 digits (ssmcheck: certified sup + tanh-sinh L1/L2; mpmath: quad L1/L2 only)")
print(f"{'case':>16} {'ssmcheck s':>11} {'mpmath s':>9} {'ratio':>7}  L1 rel. difference")
for j, k, w in ((0, 0, -10), (1, 1, -100), (2, 1, -1000), (2, 3, -10000)):
    c = run("norms", 30, j, k, w)
    t0 = time.perf_counter()
    l1, l2, _ = haar_mpmath.norms(j, k, w, dps=30)
    py = time.perf_counter() - t0
    rel = abs(float(c["l1"]) - float(l1)) / float(l1)
    print(f"{str((j, k, w)):>16} {float(c['seconds']):>11.3f} {py:>9.2f} {py / float(c['seconds']):>7.1f}  {rel:.1e}")
