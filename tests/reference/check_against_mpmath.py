#!/usr/bin/env python3
"""Runs `ssmcheck haar --json` and compares its L1, L2 and |e(b)| with the independent mpmath evaluation in
haar_mpmath.py, and the Proposition 1 clock with exact integers. Exit 0 when every value agrees to the
stated relative tolerance. Usage: check_against_mpmath.py PATH/TO/ssmcheck"""
import json
import subprocess
import sys

import haar_mpmath

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
print(f"mpmath reference: {checked - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
