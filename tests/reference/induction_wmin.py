#!/usr/bin/env python3
"""Lemma 3, corrected Delta: the smallest w_Delta for which the certified margin bound phi a^(T-2) (1-2f)/(1-f),
a = exp(-softplus(-w)), stays a normal binary64 number, i.e. (T - 2) softplus(-w) <= 1022 ln 2 (docs/lem3-induction.md).
Usage: induction_wmin.py [T ...]"""
import sys

from mpmath import mp, mpf, log, exp, findroot

mp.dps = 30


def w_min(T):
    g = lambda w: (T - 2) * log(1 + exp(-w)) - 1022 * log(2)
    if g(mpf("1e-30")) <= 0:
        return mpf(0)
    return findroot(g, mpf(10))


for T in [int(a) for a in sys.argv[1:]] or [100, 1000, 10**5, 10**7]:
    print(T, mp.nstr(w_min(T), 6))
