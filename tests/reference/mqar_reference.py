#!/usr/bin/env python3
"""Independent forward pass of the MQAR constructions (Theorems 2-4, App. C.1), written from the paper's constants
in plain Python floats, with the same splitmix64 JL generator. It runs every certificate witness that
`ssmcheck --json mqar` prints (the input that attains the worst-case margin) and compares the margin there.
Usage: mqar_reference.py PATH/TO/ssmcheck   (exit 0 when every margin agrees to 1e-9 relative)."""
import json
import math
import subprocess
import sys

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def jl(p, n, seed):
    """Columns of M in R^{p x n}, entries +-1/sqrt(p), column-major draws."""
    g = SplitMix64(seed ^ 0x4A4C4A4C4A4C4A4C)
    s = 1 / math.sqrt(p)
    cols = []
    for _ in range(n):
        cols.append([s if (g.next() >> 63) else -s for _ in range(p)])
    return cols


relu = lambda z: z if z > 0 else 0.0
ident = lambda z: z


def model(mixer, step, variant, K, V, p, pk, seed):
    """Returns (embed(tok) -> list, forward(tokens, q) -> logits at position q)."""
    corrected = variant == "corrected"
    if mixer == "mamba":  # Theorem 2, eq. 55-59 and 69-70
        if step == 1:
            k, v, c0, c1, b, P = 2.0, 1.0, 1.0, 2.0, 1.0, V
            vals = [[v if r == j else 0.0 for r in range(V)] for j in range(V)]
        else:
            k, c0, c1, b, beta, P = 10.0, 1.0, 10.0, 3.0, 2.0, p
            M = jl(p, V, seed)
            vals = [[x + beta for x in M[j]] for j in range(V)]
        d = K + P

        def emb(tok):
            e = [0.0] * d
            if tok < K:
                e[tok] = k
            else:
                e[K:] = vals[tok - K]
            return e

        if step == 1:
            Wo = [emb(K + l) for l in range(V)]
            bo = [0.0] * V
        else:
            Wo = [[0.0] * K + M[l] for l in range(V)]
            s = [c1 * beta - b] * p
            scale = (c1 * k - b) * (c0 * k - b) if corrected else (c0 * k - b)
            bo = [-scale * sum(a * bb for a, bb in zip(M[l], s)) for l in range(V)]

        def fwd(tokens, q):
            h = [[0.0] * K for _ in range(d)]
            prev = [0.0] * d
            for t in range(q + 1):
                x = emb(tokens[t])
                xh = [relu(c0 * a + c1 * bb - b) for a, bb in zip(prev, x)]
                B = xh[:K]
                for i in range(d):
                    if xh[i]:
                        for n in range(K):
                            h[i][n] += xh[i] * B[n]  # Lambda = 0, Delta = 1
                prev = x
            C = xh[:K]
            y = [sum(h[i][n] * C[n] for n in range(K)) for i in range(d)]
            return [sum(w * yy for w, yy in zip(Wo[l], y)) + bo[l] for l in range(V)]

        return fwd
    if mixer == "mamba2":  # Theorem 3, eq. 74-77
        if step == 1:
            kk, vv = [[1.0 if r == i else 0.0 for r in range(K)] for i in range(K)], [[1.0 if r == j else 0.0 for r in range(V)] for j in range(V)]
            PK, PV = K, V
        else:
            PK, PV = pk, p
            kk, vv = jl(pk, K, seed * 2 + 1), jl(p, V, seed * 2 + 2)
        sig = ident if corrected else relu
        d = PK + PV

        def emb(tok):
            return kk[tok] + [0.0] * PV if tok < K else [0.0] * PK + vv[tok - K]

        Wo = [[0.0] * PK + vv[l] for l in range(V)]

        def fwd(tokens, q):
            h = [[0.0] * PK for _ in range(d)]
            prev = [0.0] * d
            for t in range(q + 1):
                x = emb(tokens[t])
                xh = [sig(a) for a in x]
                B = [sig(a) for a in prev[:PK]]
                C = [sig(a) for a in x[:PK]]
                for i in range(d):
                    for n in range(PK):
                        h[i][n] += xh[i] * B[n]
                prev = x
            y = [sum(h[i][n] * C[n] for n in range(PK)) for i in range(d)]
            return [sum(w * yy for w, yy in zip(Wo[l], y)) for l in range(V)]

        return fwd
    # Theorem 4, eq. 78-88: S4D mixer (running sum) and identity gate
    k, c0, c1, b = 10.0, 10.0, 1.0, 100.0
    if step == 1:
        P = V
        u = [[1.0 if r == j else 0.0 for r in range(V)] for j in range(V)]
        rows = u
    else:
        P = p
        M = jl(p, V, seed)
        u = [[x + 1.0 for x in M[j]] for j in range(V)]
        rows = M
    d = K * P

    def emb(tok):
        if tok < K:
            return [k if r // P == tok else 0.0 for r in range(d)]
        return u[tok - K] * K

    Wo = [rows[l] * K for l in range(V)]
    bo = [-k * 1.0 * sum(rows[l]) if (step == 2 and corrected) else 0.0 for l in range(V)]

    def fwd(tokens, q):
        h = [0.0] * d
        prev = [0.0] * d
        for t in range(q + 1):
            x = emb(tokens[t])
            xh = [relu(c0 * a + c1 * bb - b) for a, bb in zip(prev, x)]
            h = [a + bb for a, bb in zip(h, xh)]
            prev = x
        y = [g * a for g, a in zip(x, h)]
        return [sum(w * yy for w, yy in zip(Wo[l], y)) + bo[l] for l in range(V)]

    return fwd


def parse(text, K):
    toks, q = [], -1
    for i, w in enumerate(text.split()):
        if w.endswith("*"):
            q, w = i, w[:-1]
        toks.append(int(w[1:]) if w[0] == "k" else K + int(w[1:]))
    return toks, q


def main():
    binary = sys.argv[1]
    K, V, p, pk, seed = 3, 12, 10, 5, 2
    checked = failed = 0
    for mixer in ("mamba", "mamba2", "s4d"):
        out = subprocess.run([binary, "--digits", "30", "--check-digits", "0", "--json", "mqar", "--mixer", mixer, "--kappa", str(K),
                              "--vocab", str(V), "--p", str(p), "--p-key", str(pk), "--seed", str(seed), "--samples", "50",
                              "--edge-samples", "0", "--T", "20"], capture_output=True, text=True)
        if out.returncode not in (0, 1):
            print("ssmcheck failed:", out.stderr)
            return 1
        rep = json.loads(out.stdout)
        certs = rep["tables"]["certificates"]
        for row in certs:
            if row["witness"] == "-":
                continue
            toks, q = parse(row["witness"], K)
            fwd = model(mixer, row["step"], row["variant"], K, V, p, pk, seed)
            z = fwd(toks, q)
            key = toks[q]
            target = next(toks[i + 1] - K for i in range(0, 2 * K, 2) if toks[i] == key)
            margin = z[target] - max(z[l] for l in range(V) if l != target)
            got = row["witness_margin"]
            checked += 1
            if abs(margin - got) > 1e-9 * max(1.0, abs(margin)):
                failed += 1
                print(f"MISMATCH {mixer} step {row['step']} {row['variant']}: ssmcheck {got!r} python {margin!r}")
    print(f"mqar reference: {checked} witness margins compared, {failed} mismatches")
    return 1 if failed or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
