"""Independent mpmath reference for Lemmas 1 and 2: the App. B recurrence written out directly and
differentiated numerically with mpmath.diff (no dual numbers, no code shared with ssmcheck).

Model (N = 1, euler): Delta(x) = softplus(w x + b_delta), B(x) = w_B x + b_B,
h_t = exp(-lam * Delta(x_t)) h_{t-1} + Delta(x_t) x_t B(x_t).
"""
import mpmath as mp


def softplus(z):
    return mp.log1p(mp.exp(z))


def final_state(xs, lam, w, b_delta, w_B, b_B, fixed_delta=None):
    h = mp.mpf(0)
    for x in xs:
        d = fixed_delta if fixed_delta is not None else softplus(w * x + b_delta)
        h = mp.exp(-lam * d) * h + d * x * (w_B * x + b_B)
    return h


def sensitivity(xs, j, **model):
    """|d h_T / d x_j| for the sequence xs (1-based j), by numerical differentiation."""
    def h_of(v):
        ys = list(xs)
        ys[j - 1] = v
        return final_state(ys, **model)
    return abs(mp.diff(h_of, xs[j - 1]))


def freeze_inputs(x1, xj, j, c, gap):
    """Lemma 2's construction: x_1..x_{j-1} = x1, x_j = xj, then softplus^{-1}((6c/pi^2)/(r-j)^2)."""
    xs = [mp.mpf(x1)] * (j - 1) + [mp.mpf(xj)]
    for g in range(1, gap + 1):
        target = 6 * mp.mpf(c) / mp.pi**2 / g**2
        xs.append(mp.log(mp.expm1(target)))
    return xs
