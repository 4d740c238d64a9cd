#!/usr/bin/env python3
"""Runs `ssmcheck haar --json` and compares its L1, L2 and |e(b)| with the independent mpmath evaluation in
haar_mpmath.py, the Proposition 1 clock with exact integers, and Corollary 1 (rates_reference.py). Exit 0 when every value agrees to the
stated relative tolerance. Usage: check_against_mpmath.py PATH/TO/ssmcheck"""
import json
import subprocess
import sys

import haar_mpmath
import lti_mpmath
import rates_reference as rr
import sensitivity_mpmath as sm

binary = sys.argv[1]
cases = [(0, 0, -10), (1, 1, -100), (2, 1, -1000), (2, 3, -10000)]
refs = {case: haar_mpmath.norms(*case, dps=25) for case in cases}
failed = 0
checked = 0
for digits in (16, 30):
    ws = sorted({w for (_, _, w) in cases})
    args = [binary, "--digits", str(digits), "--check-digits", "0", "--json", "haar", "--levels", "3",
            "--proj-wavelets", "none"]
    for w in ws:
        args += ["--w-delta", str(w)]
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        print("ssmcheck failed:", out.stderr)
        sys.exit(1)
    rows = json.loads(out.stdout)["rows"]
    tol = 1e-9 if digits == 16 else 1e-13
    for (j, k, w) in cases:
        row = next(r for r in rows if r["j"] == j and r["k"] == k and r["w_delta"] == w)
        ref = refs[(j, k, w)]
        for name, refv in zip(("err_l1", "err_l2", "err_at_b"), ref):
            got = row[name]
            rel = abs(got - float(refv)) / max(abs(float(refv)), 1e-300)
            checked += 1
            if rel > tol:
                failed += 1
                print(f"MISMATCH digits={digits} j={j} k={k} w={w} {name}: ssmcheck {got!r} mpmath {haar_mpmath.mp.nstr(refv, 20)} rel {rel:.2e}")
# Lemma 2: the freeze rows of ssmcheck against the recurrence differentiated by mpmath (30 digits).
sm.mp.mp.dps = 40
out = subprocess.run([binary, "--digits", "30", "--check-digits", "0", "--json", "freeze", "--T", "100", "--c", "0.5",
                      "--c", "2"], capture_output=True, text=True)
rows = json.loads(out.stdout)["rows"]
model = dict(lam=sm.mp.mpf(1), w=sm.mp.mpf(1), b_delta=sm.mp.mpf(0), w_B=sm.mp.mpf(1), b_B=sm.mp.mpf("0.5"))
for case, j, x1 in (("j=1 (h0 = 0)", 1, "0"), ("j=2, x1 = 0.3", 2, "0.3")):
    for c in (0.5, 2.0):
        for gap in (0, 10, 100):
            row = next(r for r in rows if r["case"] == case and r["c"] == c and r["t_minus_j"] == gap)
            ref = sm.sensitivity(sm.freeze_inputs(x1, "0.7", j, c, gap), j, **model)
            rel = abs(row["sensitivity"] - float(ref)) / float(ref)
            checked += 1
            if rel > 1e-13:
                failed += 1
                print(f"MISMATCH freeze {case} c={c} gap={gap}: ssmcheck {row['sensitivity']!r} mpmath {sm.mp.nstr(ref, 20)}")
# The literal Lemma 2 bound fails for j = 2, x1 = 0.3, c = 0.5 in mpmath too.
ref = sm.sensitivity(sm.freeze_inputs("0.3", "0.7", 2, 0.5, 100), 2, **model)
xj = sm.mp.mpf("0.7")
a = sm.mp.diff(lambda v: sm.softplus(v) * v * (v + sm.mp.mpf("0.5")), xj)
checked += 1
if not ref < sm.mp.exp(-0.5) * abs(a):
    failed += 1
    print("MISMATCH: mpmath does not confirm the Lemma 2 counterexample")

# Corollary 2: the LTI optimum (N -> inf) against the normal equations solved by mpmath.
out = subprocess.run([binary, "--digits", "30", "--check-digits", "0", "--json", "keep-nth", "--disc", "basis",
                      "--w-delta", "-100", "--samples", "10"], capture_output=True, text=True)
lti = json.loads(out.stdout)["tables"]["s4d"]
for T in (10, 20, 50):
    row = next(r for r in lti if r["T"] == T and r["N"] == "inf")
    ref = lti_mpmath.lti_optimum(5, T)
    checked += 1
    if abs(row["mse"] - float(ref)) > 1e-15:
        failed += 1
        print(f"MISMATCH lti T={T}: ssmcheck {row['mse']!r} mpmath {lti_mpmath.mp.nstr(ref, 20)}")

# Corollary 1: best K-term Haar errors against exact rational arithmetic (dyadic jumps) or mpmath (generic jumps),
# and S4D least-squares errors against Gram matrices integrated by mpmath.quad and solved by mpmath.lu_solve.
out = subprocess.run([binary, "--digits", "40", "--check-digits", "0", "--json", "rates", "--m", "1", "--m", "4",
                      "--cells", "0", "--n-max", "12", "--fourier-n-max", "12", "--haar-n-max", "60", "--w-n-max", "0",
                      "--families", "haar", "--families", "s4d-real", "--families", "s4d-lin", "--families", "fourier",
                      "--real-scale", "3"], capture_output=True, text=True)
rates = json.loads(out.stdout)
for row in rates["tables"]["haar_series"]:
    if row["N"] not in (3, 12, 30, 60):
        continue
    kind = row["target"].split()[1]
    rr.mp.mp.dps = 60
    e2, _ = rr.best_k_term_err(row["m"], kind, row["N"] // 3)
    ref = float(rr.mp.sqrt(rr.mp.mpf(e2.numerator) / e2.denominator if kind == "dyadic" else e2))
    checked += 1
    if abs(row["err_l2"] - ref) > 1e-14 * max(ref, 1e-300) and not (ref == 0 and row["err_l2"] == 0):
        failed += 1
        print(f"MISMATCH rates haar {row['target']} N={row['N']}: ssmcheck {row['err_l2']!r} reference {ref!r}")
for row in rates["rows"]:
    if row["family"] in ("s4d-real", "s4d-lin", "fourier") and row["N"] in (3, 9) and row["target"] == "m=1 generic":
        ref = float(rr.s4d_err(1, "generic", row["family"], row["N"], 3, dps=40))
        checked += 1
        if abs(row["err_l2"] - ref) > 1e-14 * ref:
            failed += 1
            print(f"MISMATCH rates {row['family']} N={row['N']}: ssmcheck {row['err_l2']!r} mpmath {ref!r}")

print(f"mpmath reference: {checked - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
