#!/usr/bin/env python3
"""Independent reference for cor1-rates (Corollary 1), written without the C++ code.

  * Targets as ssmcheck builds them: values (-1)^i (1 + i/(m+1)) on the m+1 pieces; generic jumps at
    frac(i (sqrt5 - 1)/2), dyadic jumps at the odd multiple of 2^-L just left of them (smallest L >= 4 that keeps
    them distinct).
  * Best K-term Haar approximation: every Haar coefficient of a piecewise-constant rho in closed form. For dyadic
    jumps in exact rational arithmetic (fractions.Fraction), so the error is exact; for generic jumps with mpmath.
  * S4D least squares for small N: the Gram matrix and right-hand side by mpmath.quad (numerical integration, not
    the closed forms ssmcheck uses), solved with mpmath.qr_solve / lu_solve at high precision.

Usage: rates_reference.py haar M KIND K        -> prints err_l2 of the best K-term approximation
       rates_reference.py s4d M KIND FAMILY N C -> prints err_l2 of the best S4D approximation
"""
import sys
from fractions import Fraction

import mpmath as mp


def generic_jumps(m):
    g = (mp.sqrt(5) - 1) / 2
    return [mp.frac(i * g) for i in range(1, m + 1)]


def dyadic_jumps(m):
    g = generic_jumps(m)
    L = 4
    while True:
        x = [Fraction(2 * int(mp.floor(v * 2 ** (L - 1))) + 1, 2 ** L) for v in g]
        if len(set(x)) == len(x):
            return x
        L += 1


def target(m, kind):
    jumps = sorted(dyadic_jumps(m) if kind == "dyadic" else generic_jumps(m))
    breaks = [0] + jumps + [1]
    if kind == "dyadic":
        breaks = [Fraction(b) for b in breaks]
        values = [(-1) ** i * (1 + Fraction(i, m + 1)) for i in range(m + 1)]
    else:
        values = [(-1) ** i * (1 + mp.mpf(i) / (m + 1)) for i in range(m + 1)]
    return breaks, values


def R(breaks, values, s):
    """Antiderivative of rho at s."""
    acc = 0
    for i, v in enumerate(values):
        a, b = breaks[i], breaks[i + 1]
        if s <= a:
            break
        acc += v * (min(b, s) - a)
    return acc


def haar_coefficients(breaks, values, levels, sqrt2):
    """phi's and every nonzero psi_{j,k} coefficient up to `levels` levels. Returns (squared, exactness) pairs."""
    coef2 = [R(breaks, values, 1) ** 2]
    jumps = breaks[1:-1]
    for j in range(levels):
        ks = sorted({int(mp.floor(x * 2 ** j)) for x in jumps if x * 2 ** j != int(mp.floor(x * 2 ** j))})
        for k in ks:
            a = Fraction(k, 2 ** j) if isinstance(breaks[1], Fraction) else mp.mpf(k) / 2 ** j
            mid = (2 * a * 2 ** j + 1) / 2 ** (j + 1) if isinstance(a, Fraction) else (2 * k + 1) / mp.mpf(2) ** (j + 1)
            b = a + (Fraction(1, 2 ** j) if isinstance(a, Fraction) else mp.mpf(1) / 2 ** j)
            d = (R(breaks, values, mid) - R(breaks, values, a)) - (R(breaks, values, b) - R(breaks, values, mid))
            # c = 2^{j/2} d, so c^2 = 2^j d^2 exactly
            coef2.append(2 ** j * d * d)
    return coef2


def best_k_term_err(m, kind, K, levels=None):
    breaks, values = target(m, kind)
    if levels is None:
        levels = 40 if kind == "dyadic" else 160
    c2 = haar_coefficients(breaks, values, levels, None)
    nonzero = sorted((c for c in c2 if c != 0), reverse=True)
    norm2 = sum(v * v * (breaks[i + 1] - breaks[i]) for i, v in enumerate(values))
    err2 = norm2 - sum(nonzero[:K])
    return err2, len(nonzero)


def s4d_family(family, N, c):
    f = []
    if family == "s4d-real":
        return [(mp.mpf(c) * (n + 1), mp.mpf(0), False) for n in range(N)]
    alpha = mp.mpf(1) / 2 if family == "s4d-lin" else mp.mpf(0)
    step = mp.pi if family == "s4d-lin" else 2 * mp.pi
    f.append((alpha, mp.mpf(0), False))
    n = 1
    while len(f) < N:
        f.append((alpha, step * n, False))
        if len(f) < N:
            f.append((alpha, step * n, True))
        n += 1
    return f


def s4d_err(m, kind, family, N, c, dps=80):
    mp.mp.dps = dps
    breaks, values = target(m, kind)
    breaks = [mp.mpf(b.numerator) / b.denominator if isinstance(b, Fraction) else mp.mpf(b) for b in breaks]
    values = [mp.mpf(v.numerator) / v.denominator if isinstance(v, Fraction) else mp.mpf(v) for v in values]
    fs = s4d_family(family, N, c)

    def fn(k):
        al, om, sine = fs[k]
        return lambda s: mp.exp(-al * (1 - s)) * (mp.sin(om * (1 - s)) if sine else mp.cos(om * (1 - s)))

    funcs = [fn(k) for k in range(N)]
    G = mp.matrix(N, N)
    r = mp.matrix(N, 1)
    for a in range(N):
        for b in range(a, N):
            G[a, b] = G[b, a] = mp.quad(lambda s: funcs[a](s) * funcs[b](s), [0, 0.5, 1])
        r[a] = sum(v * mp.quad(funcs[a], [breaks[i], breaks[i + 1]]) for i, v in enumerate(values))
    coef = mp.lu_solve(G, r)
    norm2 = sum(v * v * (breaks[i + 1] - breaks[i]) for i, v in enumerate(values))
    err2 = norm2 - (coef.T * r)[0]
    return mp.sqrt(max(err2, 0))


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "haar":
        mp.mp.dps = 60
        err2, nz = best_k_term_err(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
        print(mp.nstr(mp.sqrt(mp.mpf(err2.numerator) / err2.denominator if isinstance(err2, Fraction) else err2), 20), nz)
    else:
        print(mp.nstr(s4d_err(int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]), float(sys.argv[6])), 20))
