"""Independent mpmath reference for Theorem 1's construction (no code shared with ssmcheck).

g_t(s) = B exp(-int_s^1 softplus(w (r - t)) dr), with the integral from mpmath's polylog:
int softplus(c u) du = -Li2(-e^{c u}) / c. The error norms of f = g_a - 2 g_m + g_b against psi_{j,k}
are computed with mpmath.quad on a mesh refined around each threshold.
"""
import mpmath as mp


def F(x):
    return -mp.polylog(2, -mp.exp(x))


def g(s, t, w, B):
    return B * mp.exp(-(F(w * (1 - t)) - F(w * (s - t))) / w)


def wavelet(j, k):
    a = mp.mpf(k) / 2**j
    m = mp.mpf(2 * k + 1) / 2**(j + 1)
    b = mp.mpf(k + 1) / 2**j
    B = mp.sqrt(mp.mpf(2)**j)
    return a, m, b, B


def norms(j, k, w, dps=30):
    """(L1, L2, |e(b)|) of psi_{j,k} - (g_a - 2 g_m + g_b)."""
    mp.mp.dps = dps
    w = mp.mpf(w)
    a, m, b, B = wavelet(j, k)

    def psi(s):
        if a <= s < m:
            return B
        if m <= s <= b:
            return -B
        return mp.mpf(0)

    def f(s):
        return g(s, a, w, B) - 2 * g(s, m, w, B) + g(s, b, w, B)

    c = -w
    pts = {mp.mpf(0), mp.mpf(1)}
    for t in (a, m, b):
        for off in (-8, -4, -2, -1, -0.5, -0.25, 0, 0.5, 2):
            x = t + off / mp.sqrt(c)
            if 0 < x < 1:
                pts.add(x)
        for off in (1, 4, 16, 64):
            x = t + off / c
            if 0 < x < 1:
                pts.add(x)
    pts = sorted(pts)
    l1 = mp.mpf(0)
    l2 = mp.mpf(0)
    for lo, hi in zip(pts[:-1], pts[1:]):
        mid = (lo + hi) / 2
        v = psi(mid)
        l1 += mp.quad(lambda s: abs(v - f(s)), [lo, hi])
        l2 += mp.quad(lambda s: (v - f(s)) ** 2, [lo, hi])
    return l1, mp.sqrt(l2), abs(psi(b) - f(b))


if __name__ == "__main__":
    for case in [(0, 0, -10), (1, 1, -100), (2, 1, -1000)]:
        print(case, [mp.nstr(x, 15) for x in norms(*case)])
