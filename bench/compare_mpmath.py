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

def mp_sensitivity(dps, T):
    """Lemma 1's S6 (N = 2, euler) with value and derivative propagated by hand (forward mode), j = 10."""
    # Same inputs as bench_engine: counter-based splitmix64.
    mp.mp.dps = dps
    lam = [mp.mpf(1), mp.mpf(1) / 100]
    wB, bB = [mp.mpf(1), mp.mpf(-1) / 2], [mp.mpf(1) / 2, mp.mpf(1)]
    M = (1 << 64) - 1

    def x_of(t):
        z = (1 + t * 0x9e3779b97f4a7c15 + 0x9e3779b97f4a7c15) & M
        z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
        z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
        z = z ^ (z >> 31)
        return 2 * mp.mpf(z >> 11) / 2**53 - 1

    j = 10
    h = [mp.mpf(0), mp.mpf(0)]
    dh = [mp.mpf(0), mp.mpf(0)]
    t0 = time.perf_counter()
    for t in range(1, j + T + 1):
        x = x_of(t)
        dx = 1 if t == j else 0
        delta = mp.log1p(mp.exp(x))
        ddelta = dx / (1 + mp.exp(-x))
        for n in range(2):
            a = mp.exp(-lam[n] * delta)
            da = -lam[n] * ddelta * a
            B = wB[n] * x + bB[n]
            u = delta * x * B
            du = ddelta * x * B + delta * dx * B + delta * x * wB[n] * dx
            dh[n] = da * h[n] + a * dh[n] + du
            h[n] = a * h[n] + u
    return time.perf_counter() - t0, abs(dh[0])


print()
print("Lemma 1 sensitivity (S6, N = 2, forward mode), t - j up to T: ssmcheck at T = 10^6, mpmath at T = 10^4")
print(f"{'digits':>7} {'ssmcheck s':>11} {'peak MB':>8} {'us/step':>8} {'mpmath us/step':>15} {'ratio':>7}  value agrees at T = 10^4")
for digits in (16, 50):
    c = run("sensitivity", digits, 1000000)
    c_small = run("sensitivity", digits, 10000)
    py_sec, py_val = mp_sensitivity(digits, 10000)
    us_c = float(c["seconds"]) / 1e6 * 1e6
    us_py = py_sec / 1e4 * 1e6
    a, b = c_small["sensitivity"], mp.nstr(py_val, 7, min_fixed=1, max_fixed=0)
    if a == "0":
        verdict = "underflows in double"
    else:
        # Mantissa and decimal exponent separately: the values lie far outside the double range.
        (ma, ea), (mb, eb) = (x.split("e") for x in (a, b))
        verdict = "yes" if int(ea) == int(eb) and abs(float(ma) - float(mb)) <= 1e-5 * abs(float(mb)) else "NO"
    print(f"{digits:>7} {float(c['seconds']):>11.2f} {int(c['peak_kb']) / 1024:>8.1f} {us_c:>8.2f} {us_py:>15.1f} "
          f"{us_py / us_c:>7.1f}  {a} vs {b}: {verdict}")

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
