#!/usr/bin/env python3
"""Lemma 3, corrected Delta: the smallest w_Delta for which the certified margin bound phi a^(T-2) (1-2f)/(1-f),
a = exp(-softplus(-w)), stays a normal binary64 number, i.e. (T - 2) softplus(-w) <= 1022 ln 2 (docs/lem3-induction.md).
Usage: induction_wmin.py [T ...]"""
import sys

from mpmath import mp, mpf, log, expm1

mp.dps = 30


def w_min(T):
    # (T - 2) log(1 + e^-w) = 1022 ln 2  <=>  w = -log(expm1(1022 ln 2 / (T - 2)))
    w = -log(expm1(1022 * log(2) / mpf(T - 2)))
    return max(w, mpf(0))


for T in [int(a) for a in sys.argv[1:]] or [100, 1000, 10**5, 10**7]:
    print(T, mp.nstr(w_min(T), 6))
