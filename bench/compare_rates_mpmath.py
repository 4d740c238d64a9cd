#!/usr/bin/env python3
"""Corollary 1's expensive part, the S4D-Real least-squares fits, timed in ssmcheck beside mpmath doing the same fit.

Both sides build the same closed-form Gram matrix G_ab = (1 - e^{-(l_a + l_b)}) / (l_a + l_b) and right-hand side for
the m-jump generic target, then solve: ssmcheck with Eigen's LDLT on MPFR scalars (plus cond(G) and a double solve
it reports), mpmath with mp.lu_solve (and mp.qr_solve for comparison). Same precision, same run, errors compared.

Usage: bench/compare_rates_mpmath.py build/bench_engine"""
import os
import subprocess
import sys
import time

import mpmath as mp

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "reference"))
import rates_reference as rr  # noqa: E402

binary = sys.argv[1]


def run(*args):
    out = subprocess.run([binary, *map(str, args)], capture_output=True, text=True, check=True).stdout
    return dict(kv.split("=") for kv in out.split())


def mp_fit(dps, m, N, c, solver):
    mp.mp.dps = dps
    breaks, values = rr.target(m, "generic")
    lam = [mp.mpf(c) * (n + 1) for n in range(N)]
    t0 = time.perf_counter()
    G = mp.matrix(N, N)
    r = mp.matrix(N, 1)
    for a in range(N):
        for b in range(N):
            s = lam[a] + lam[b]
            G[a, b] = -mp.expm1(-s) / s
        acc = 0
        for i, v in enumerate(values):
            u0, u1 = 1 - breaks[i + 1], 1 - breaks[i]
            acc += v * (mp.exp(-lam[a] * u0) - mp.exp(-lam[a] * u1)) / lam[a]
        r[a] = acc
    coef = solver(G, r)
    norm2 = sum(v * v * (breaks[i + 1] - breaks[i]) for i, v in enumerate(values))
    err2 = norm2 - 2 * (coef.T * r)[0] + (coef.T * G * coef)[0]
    sec = time.perf_counter() - t0
    return sec, mp.sqrt(max(err2, 0))


print("S4D-Real least squares (lambda_n = 3 (n+1)), m = 2 generic target: seconds per fit")
print(f"{'digits':>7} {'N':>4} {'ssmcheck':>10} {'mpmath LU':>10} {'ratio':>7} {'mpmath QR':>10} {'ratio':>7}  err_l2 agreement")
for digits, N in ((40, 15), (60, 24), (100, 45), (150, 60)):
    c = run("s4dls", digits, 2, N, 3)
    lu_sec, lu_err = mp_fit(digits, 2, N, 3, mp.lu_solve)
    sc = float(c["seconds"])
    try:
        qr_sec, _ = mp_fit(digits, 2, N, 3, lambda G, r: mp.qr_solve(G, r)[0])
        qr = f"{qr_sec:>10.3f} {qr_sec / sc:>7.1f}"
    except ValueError:  # mpmath's Householder QR gives up ("numerically singular") on these Gram matrices
        qr = f"{'singular':>10} {'-':>7}"
    rel = abs(mp.mpf(c["err_l2"]) - lu_err) / lu_err
    print(f"{digits:>7} {N:>4} {sc:>10.4f} {lu_sec:>10.3f} {lu_sec / sc:>7.1f} {qr}  {mp.nstr(rel, 2)} (cond {c['cond']})")
