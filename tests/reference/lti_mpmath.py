"""Independent mpmath reference for the best LTI layer on KEEP n-TH: the mean over t = n..T of
E(y_t - x_n)^2 / sigma^2 for y_t = sum_{m<t} k_m x_{t-m}, minimized over the whole kernel k by solving the
normal equations of the loss assembled term by term (no per-lag decomposition)."""
import mpmath as mp


def lti_optimum(n, T, dps=30):
    mp.mp.dps = dps
    A = mp.zeros(T, T)
    b = mp.zeros(T, 1)
    const = mp.mpf(0)
    for t in range(n, T + 1):
        # (sum_m k_m x_{t-m} - x_n)^2 in expectation: sum_m k_m^2 - 2 k_{t-n} + 1 over lags m < t.
        for m in range(t):
            A[m, m] += 1
        b[t - n] += 1
        const += 1
    k = mp.lu_solve(A, b)
    loss = const - (b.T * k)[0]
    return loss / (T - n + 1)


if __name__ == "__main__":
    for T in (10, 20, 50):
        print(T, mp.nstr(lti_optimum(5, T), 15))
