// Corollary 1 (App. A.2): approximation of a piecewise-constant ρ on [0, 1] by N Mamba basis functions
// (N/3 adaptively chosen Haar wavelets, each realised by Theorem 1's triple) and by N S4D basis functions
// e^{-λ_n (1 - s)} (best L² approximation). Everything a rate is fitted to is computed here:
//   * targets: ρ with m jumps (dyadic or generic positions), or Remark 6's continuous ρ seen through inputs
//     that are piecewise constant on L cells (error in the seminorm ‖P_L ·‖, P_L = cell averages);
//   * the best K-term Haar approximation in closed form (coefficients from the antiderivative of ρ);
//   * the Mamba realisation at a finite w_Δ, its L² error by quadrature;
//   * the S4D least-squares problems with exact Gram matrices, solved in the working precision by Eigen.
#pragma once

#include <ssmcheck/engine/exact.hpp>
#include <ssmcheck/engine/quadrature.hpp>
#include <ssmcheck/engine/scan.hpp>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace ssmcheck::rates {

// ρ as the piecewise-constant function that is approximated. For Remark 6 (`cells` = L > 0) `rho` holds P_L ρ
// and errors are measured on inputs piecewise constant on the L cells: ‖P_L(ρ − G)‖_{L²}.
template <class S> struct Target {
  std::string name;
  std::string kind;  // dyadic | generic | custom | remark6
  int m = 0;         // discontinuities of `rho`
  PiecewiseConstant<S> rho;
  int cells = 0;
};

// Values on the m + 1 pieces: alternating signs, growing magnitudes, so that every break is a jump.
template <class S> S piece_value(int i, int m) {
  return (i % 2 ? S(-1) : S(1)) * (1 + S(i) / S(m + 1));
}

template <class S> Target<S> make_target(const std::string& name, const std::string& kind, std::vector<S> jumps) {
  std::sort(jumps.begin(), jumps.end());
  Target<S> t;
  t.name = name;
  t.kind = kind;
  t.m = int(jumps.size());
  t.rho.breaks.push_back(S(0));
  for (const auto& x : jumps) t.rho.breaks.push_back(x);
  t.rho.breaks.push_back(S(1));
  for (int i = 0; i <= t.m; ++i) t.rho.values.push_back(piece_value<S>(i, t.m));
  return t;
}

// Generic jumps: the golden-ratio points frac(i (√5 − 1)/2), i = 1..m (irrational, well spread).
template <class S> std::vector<S> generic_jumps(int m) {
  const S g = (sqrt(S(5)) - 1) / 2;
  std::vector<S> x;
  for (int i = 1; i <= m; ++i) {
    const S v = S(i) * g;
    x.push_back(v - floor(v));
  }
  return x;
}

// Dyadic jumps: each generic point moved to the odd multiple of 2^-L just left of it, with L the smallest
// level (at least 4) that keeps the m points distinct.
template <class S> std::vector<S> dyadic_jumps(int m) {
  const auto g = generic_jumps<S>(m);
  for (int L = 4;; ++L) {
    std::vector<S> x;
    for (const auto& v : g) x.push_back(ldexp(S(2 * floor(S(ldexp(v, L - 1))) + 1), -L));
    std::vector<S> s = x;
    std::sort(s.begin(), s.end());
    if (std::adjacent_find(s.begin(), s.end()) == s.end()) return x;
  }
}

// Remark 6: the continuous ρ(s) = sin(2πs) + s, through inputs piecewise constant on L equal cells. P_L ρ holds
// the exact cell averages: ∫_a^b ρ = (cos 2πa − cos 2πb)/(2π) + (b² − a²)/2.
template <class S> S remark6_integral(const S& a, const S& b) {
  const S tp = 2 * pi<S>();
  return (cos(S(tp * a)) - cos(S(tp * b))) / tp + (b * b - a * a) / 2;
}
template <class S> Target<S> remark6_target(int cells) {
  Target<S> t;
  t.name = fmt::format("remark6 L={}", cells);
  t.kind = "remark6";
  t.cells = cells;
  t.m = cells - 1;
  for (int c = 0; c <= cells; ++c) t.rho.breaks.push_back(S(c) / S(cells));
  for (int c = 0; c < cells; ++c) {
    const S a = t.rho.breaks[c], b = t.rho.breaks[c + 1];
    t.rho.values.push_back(remark6_integral(a, b) / (b - a));
  }
  return t;
}

// R(s) = ∫_0^s ρ, exact for piecewise-constant ρ.
template <class S> S antiderivative(const PiecewiseConstant<S>& rho, const S& s) {
  return rho.integral_against_constant(S(0), s, S(1));
}
template <class S> S norm2(const PiecewiseConstant<S>& rho) {
  const S l = rho.l2();
  return l * l;
}
template <class S> S total_variation(const PiecewiseConstant<S>& rho) {
  S tv = 0;
  for (std::size_t i = 1; i < rho.values.size(); ++i) tv += abs(S(rho.values[i] - rho.values[i - 1]));
  return tv;
}

// ---------------------------------------------------------------------------------------------- Haar side

// A term of the Haar system: j = −1 is the scaling function φ = 1 on [0, 1]; otherwise ψ_{j,k} (eq. 10).
template <class S> struct HaarTerm {
  int j = -1;
  S k = 0;  // an integer, kept in S: levels go as deep as the precision (2^j overflows any integer type)
  S c;      // ⟨ρ, term⟩
};

template <class S> struct BestKTerm {
  std::vector<HaarTerm<S>> selected;  // the K largest |c|, largest first
  S err2;                             // Σ c² over the unselected terms (enumerated part)
  S err2_remainder;                   // bound on the part beyond the deepest enumerated level
  S err2_by_subtraction;              // ‖ρ‖² − Σ_selected c²: the same number by Parseval, a cross-check
  int levels = 0;                     // levels enumerated
  bool finite = false;                // the Haar expansion of ρ terminates (all jumps dyadic)
};

// Every Haar coefficient of ρ that can enter a best K-term approximation with K <= K_max, sorted by |c|.
template <class S> struct HaarExpansion {
  std::vector<HaarTerm<S>> sorted;  // largest |c| first
  S err2_remainder = 0;
  S norm2 = 0;
  int levels = 0;
  bool finite = false;
};

// The Haar expansion of ρ in the orthonormal Haar system (φ and every ψ_{j,k}). Only wavelets whose open support
// contains a jump have c ≠ 0, at most m per level. |c_{j,k}| ≤ 2^{-j/2} TV(ρ on the support), so level j
// contributes at most 2^{-j} TV² to ‖ρ‖² and no coefficient deeper than level J exceeds 2^{-(J+1)/2} TV: levels
// are enumerated until the K_max-term selection cannot change and the remainder is below the working precision
// (both then hold for every K <= K_max: a smaller K has a larger K-th coefficient and a larger unselected sum), or
// until the expansion ends (a jump stored in binary is dyadic at the precision's depth).
template <class S> HaarExpansion<S> haar_expansion(const PiecewiseConstant<S>& rho, int K) {
  const S tv = total_variation(rho), u = unit_roundoff<S>();
  S l1 = 0;  // ∫_0^1 |ρ|
  for (std::size_t i = 0; i < rho.values.size(); ++i) l1 += abs(rho.values[i]) * (rho.breaks[i + 1] - rho.breaks[i]);
  // A coefficient below its rounding bound cannot be told from zero at this precision, and is zero (two jumps whose
  // contributions cancel in one support, or ∫ρ = 0: tests/reference/rates_reference.py finds such exact zeros).
  // Each R sums m + 1 pieces, so it errs by at most (m + 2) u ∫|ρ|; a coefficient combines at most four of them.
  const S zero_below = 4 * S(int(rho.values.size()) + 1) * u * l1;
  auto snap = [&](const S& c, const S& B) { return abs(c) <= zero_below * B ? S(0) : c; };
  std::vector<HaarTerm<S>> all{{-1, S(0), snap(antiderivative(rho, S(1)), S(1))}};
  std::vector<S> jumps(rho.breaks.begin() + 1, rho.breaks.end() - 1);
  HaarExpansion<S> out;
  auto kth_largest = [&]() {
    if (int(all.size()) < K) return S(0);
    std::vector<S> mags;
    for (const auto& t : all) mags.push_back(abs(t.c));
    std::nth_element(mags.begin(), mags.begin() + (K - 1), mags.end(), std::greater<S>());
    return mags[K - 1];
  };
  for (int j = 0;; ++j) {
    std::vector<S> ks;
    bool deeper = false;  // some jump is not a multiple of 2^-(j+1): levels > j may hold nonzero coefficients
    for (const auto& x : jumps) {
      const S scaled = ldexp(x, j);
      const S fl = floor(scaled);
      if (scaled > fl) ks.push_back(fl);
      if (ldexp(x, j + 1) != floor(S(ldexp(x, j + 1)))) deeper = true;
    }
    std::sort(ks.begin(), ks.end());
    ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
    for (const S& k : ks) {
      const S a = ldexp(S(k), -j), mid = ldexp(S(2 * k + 1), -(j + 1)), b = ldexp(S(k + 1), -j);
      const S Ra = antiderivative(rho, a), Rm = antiderivative(rho, mid), Rb = antiderivative(rho, b);
      const S B = ldexp(S(j % 2 ? sqrt(S(2)) : S(1)), j / 2);
      all.push_back({j, k, snap(S(B * ((Rm - Ra) - (Rb - Rm))), B)});
    }
    out.levels = j + 1;
    if (!deeper) { out.finite = true; break; }
    const S next_max = tv / sqrt(S(ldexp(S(1), j + 1)));  // 2^{-(j+1)/2} TV
    const S remainder = ldexp(S(tv * tv), -j);
    S unselected = 0;
    const S kth = kth_largest();
    for (const auto& t : all)
      if (abs(t.c) < kth) unselected += t.c * t.c;
    if ((next_max < kth && remainder <= u * unselected) || j > 4 * precision_bits<S>()) {
      out.err2_remainder = remainder;
      break;
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const auto& x, const auto& y) { return abs(x.c) > abs(y.c); });
  out.sorted = std::move(all);
  out.norm2 = norm2(rho);
  return out;
}

// The best K-term approximation from an expansion computed for some K_max >= K.
template <class S> BestKTerm<S> best_k_term(const HaarExpansion<S>& e, int K) {
  BestKTerm<S> out;
  const std::size_t take = std::min<std::size_t>(K, e.sorted.size());
  out.selected.assign(e.sorted.begin(), e.sorted.begin() + take);
  out.err2 = 0;
  for (std::size_t i = take; i < e.sorted.size(); ++i) out.err2 += e.sorted[i].c * e.sorted[i].c;
  S kept = 0;
  for (const auto& t : out.selected) kept += t.c * t.c;
  out.err2_by_subtraction = e.norm2 - kept;
  out.err2_remainder = e.err2_remainder;
  out.levels = e.levels;
  out.finite = e.finite;
  return out;
}
template <class S> BestKTerm<S> best_k_term(const PiecewiseConstant<S>& rho, int K) {
  return best_k_term(haar_expansion(rho, K), K);
}

// A sum of Mamba basis functions with λ = 1 and Δ(s) = softplus(w_Δ (s − t̂)): G(s) = Σ_t̂ α_t̂ u_t̂(s), where
// u_t̂(s) = exp(−∫_s^1 Δ) → H(s − t̂) as w_Δ → −∞ (eq. 19 with B folded into α). Terms with equal t̂ are the same
// basis function and are merged, so `alpha.size()` is the number of distinct basis functions used.
template <class S> struct MambaSum {
  std::map<S, S> alpha;
  int literal_count = 0;  // basis functions before merging: 1 for φ, 3 per wavelet

  void add(const S& t, const S& a) {
    alpha[t] += a;
  }
  int distinct() const {
    int n = 0;
    for (const auto& [t, a] : alpha) n += a != 0;
    return n;
  }
};

// Theorem 1's realisation of Σ c ψ_{j,k} (+ c_φ φ): ψ_{j,k} ≈ g_a − 2 g_m + g_b with B = 2^{j/2}; φ = H(s) on
// (0, 1] is one basis function with t̂ = 0.
template <class S> MambaSum<S> haar_realisation(const std::vector<HaarTerm<S>>& terms) {
  MambaSum<S> g;
  for (const auto& t : terms) {
    if (t.j < 0) {
      g.add(S(0), t.c);
      g.literal_count += 1;
      continue;
    }
    const S a = ldexp(S(t.k), -t.j), mid = ldexp(S(2 * t.k + 1), -(t.j + 1)), b = ldexp(S(t.k + 1), -t.j);
    const S B = ldexp(S(t.j % 2 ? sqrt(S(2)) : S(1)), t.j / 2);
    g.add(a, t.c * B);
    g.add(mid, -2 * t.c * B);
    g.add(b, t.c * B);
    g.literal_count += 3;
  }
  return g;
}

// The direct construction: ρ = ρ(0+) H(s) + Σ_i (jump_i) H(s − x_i), one basis function per Heaviside, m + 1
// in all, thresholds at the jumps themselves (t̂ is a free parameter of the construction, b_Δ = −w_Δ t̂).
template <class S> MambaSum<S> heaviside_realisation(const PiecewiseConstant<S>& rho) {
  MambaSum<S> g;
  g.add(S(0), rho.values[0]);
  for (std::size_t i = 1; i < rho.values.size(); ++i) g.add(rho.breaks[i], S(rho.values[i] - rho.values[i - 1]));
  g.literal_count = int(rho.values.size());
  return g;
}

// u_t̂(s) with two rigorous shortcuts that skip the dilogarithm: right of t̂, ∫_s^1 Δ = [F(w(1−t̂)) − F(w(s−t̂))]/w
// and F(w(s−t̂)) < e^{w(s−t̂)}, so once e^{w(s−t̂)}/|w| < u the second term is below rounding; left of t̂,
// softplus(z) ≥ z gives u_t̂(s) ≤ exp(−|w|(t̂ − s)²/2), and below u² · (the scale of the sum) the term is dropped.
template <class S> class MambaSumEvaluator {
public:
  MambaSumEvaluator(const MambaSum<S>& g, const S& w) : w_(w) {
    const S u = unit_roundoff<S>();
    log_cut_right_ = log(S(abs(w) * u));  // w(s − t̂) below this: F term negligible
    S scale = 0;
    for (const auto& [t, a] : g.alpha) scale += abs(a);
    for (const auto& [t, a] : g.alpha) {
      if (a == 0) continue;
      terms_.push_back({t, a, softplus_integral(S(w * (1 - t)))});
    }
    // exp(−|w| d²/2) · scale < u² ⟺ d > sqrt(2 (ln scale − 2 ln u) / |w|)
    drop_left_ = sqrt(S(2 * (log(S(scale + 1)) - 2 * log(u)) / abs(w)));
  }

  S operator()(const S& s) const {
    S acc = 0;
    for (const auto& tm : terms_) {
      const S z = w_ * (s - tm.t);
      if (z < log_cut_right_) {
        acc += tm.a * exp(S(-tm.F_end / w_));
        continue;
      }
      if (tm.t - s > drop_left_) continue;
      acc += tm.a * exp(S(-(tm.F_end - softplus_integral(z)) / w_));
    }
    return acc;
  }

private:
  struct Term { S t, a, F_end; };
  S w_, log_cut_right_, drop_left_;
  std::vector<Term> terms_;
};

template <class S> struct QuadError {
  S err2;       // ‖ρ − G‖² (or ‖P_L(ρ − G)‖² for Remark 6)
  S err2_quad;  // quadrature error estimate of err2
};

// ‖ρ − G‖²_{L²[0,1]} by tanh-sinh on the pieces between the jumps of ρ and the thresholds of G, on each of which
// the integrand is smooth (its sharp layers sit at the piece ends, where tanh-sinh clusters its nodes).
// For Remark 6 (cells > 0): Σ_cells (∫_cell ρ − G)² / h, the squared seminorm ‖P_L(ρ − G)‖².
template <class S>
QuadError<S> mamba_error(const Target<S>& target, const MambaSum<S>& g, const S& w, Integrator<S>& integ,
                         const S& tol) {
  const MambaSumEvaluator<S> G(g, w);
  std::vector<S> cuts(target.rho.breaks.begin(), target.rho.breaks.end());
  for (const auto& [t, a] : g.alpha)
    if (t > 0 && t < 1) cuts.push_back(t);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  QuadError<S> out{S(0), S(0)};
  if (target.cells == 0) {
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
      const S v = target.rho((cuts[i] + cuts[i + 1]) / 2);
      const auto q = integ.integrate([&](const S& s) { const S e = v - G(s); return S(e * e); }, cuts[i], cuts[i + 1], tol);
      out.err2 += q.value;
      out.err2_quad += q.error;
    }
    return out;
  }
  for (int c = 0; c < target.cells; ++c) {
    const S a = target.rho.breaks[c], b = target.rho.breaks[c + 1], h = b - a;
    S gi = 0, gi_err = 0;
    std::vector<S> sub{a, b};
    for (const auto& x : cuts)
      if (x > a && x < b) sub.push_back(x);
    std::sort(sub.begin(), sub.end());
    for (std::size_t i = 0; i + 1 < sub.size(); ++i) {
      const auto q = integ.integrate([&](const S& s) { return G(s); }, sub[i], sub[i + 1], tol);
      gi += q.value;
      gi_err += q.error;
    }
    const S d = target.rho.values[c] * h - gi;
    out.err2 += d * d / h;
    out.err2_quad += 2 * abs(d) * gi_err / h;
  }
  return out;
}

// ----------------------------------------------------------------------------------------------- S4D side

// e^{−α u} cos(ω u) or e^{−α u} sin(ω u) in u = 1 − s: the real and imaginary parts of the S4D basis function
// e^{(−α + iω)(1 − s)} at t = 1 (eq. 6 with Λ = −α + iω).
template <class S> struct ExpTrig {
  S alpha, omega;
  bool sine = false;
};

// ∫_{u0}^{u1} e^{−α u} cos(ω u) du (sine = false) or ... sin(ω u) du, in closed form.
template <class S> S exptrig_integral(const S& alpha, const S& omega, bool sine, const S& u0, const S& u1) {
  const S d = alpha * alpha + omega * omega;
  if (d == 0) return sine ? S(0) : S(u1 - u0);
  auto prim = [&](const S& u) {
    const S e = exp(S(-alpha * u)), c = cos(S(omega * u)), s = sin(S(omega * u));
    return sine ? S(e * (-alpha * s - omega * c) / d) : S(e * (-alpha * c + omega * s) / d);
  };
  if (alpha == 0 && !sine) return (sin(S(omega * u1)) - sin(S(omega * u0))) / omega;
  if (alpha != 0 && omega == 0 && !sine) return (exp(S(-alpha * u0)) * -expm1_(S(-alpha * (u1 - u0)))) / alpha;
  return prim(u1) - prim(u0);
}
template <class S> S basis_integral(const ExpTrig<S>& f, const S& u0, const S& u1) {
  return exptrig_integral(f.alpha, f.omega, f.sine, u0, u1);
}
// ∫ f_a f_b du over [u0, u1] by the product-to-sum identities.
template <class S> S product_integral(const ExpTrig<S>& fa, const ExpTrig<S>& fb, const S& u0, const S& u1) {
  const S al = fa.alpha + fb.alpha, dm = fa.omega - fb.omega, sm = fa.omega + fb.omega;
  if (!fa.sine && !fb.sine)
    return (exptrig_integral(al, dm, false, u0, u1) + exptrig_integral(al, sm, false, u0, u1)) / 2;
  if (fa.sine && fb.sine)
    return (exptrig_integral(al, dm, false, u0, u1) - exptrig_integral(al, sm, false, u0, u1)) / 2;
  if (fa.sine)  // sin a cos b = [sin(a + b) + sin(a − b)] / 2
    return (exptrig_integral(al, sm, true, u0, u1) + exptrig_integral(al, dm, true, u0, u1)) / 2;
  return (exptrig_integral(al, sm, true, u0, u1) - exptrig_integral(al, dm, true, u0, u1)) / 2;
}

// The three S4D families of N real basis functions.
//   real:    S4D-Real, λ_n = c (n + 1), n = 0..N−1, with c = Δ·(steps per unit time) scanned;
//   lin:     S4D-Lin, Λ_n = −1/2 + iπn: e^{−u/2}, then cos and sin of πnu for n = 1, 2, …;
//   fourier: the proof's Fourier modes 1, cos 2πnu, sin 2πnu (Λ = 2πin, the λ → 0 limit of S4D-Lin's decay).
template <class S> std::vector<ExpTrig<S>> s4d_family(const std::string& family, int N, const S& c) {
  std::vector<ExpTrig<S>> f;
  if (family == "s4d-real") {
    for (int n = 0; n < N; ++n) f.push_back({c * S(n + 1), S(0), false});
    return f;
  }
  const S alpha = family == "s4d-lin" ? S(S(1) / 2) : S(0);
  const S step = family == "s4d-lin" ? pi<S>() : S(2 * pi<S>());
  f.push_back({alpha, S(0), false});
  for (int n = 1; int(f.size()) < N; ++n) {
    f.push_back({alpha, S(step * n), false});
    if (int(f.size()) < N) f.push_back({alpha, S(step * n), true});
  }
  return f;
}

template <class S> struct LeastSquares {
  S err2;           // min_c ‖ρ − Σ c_n f_n‖² (seminorm for Remark 6)
  S cond;           // 2-norm condition number of the Gram matrix (= cond(A)² of the LS matrix)
  S max_coef;       // max |c_n|
  double err2_double = 0;  // the same problem solved in hardware double (NaN when Cholesky fails there)
  bool trustworthy = true;  // cond · u < 10^-8: at least 8 digits of err2 survive the solve
  int digits_needed = 0;    // ⌈log10 cond⌉ + 8
};

// The normal equations with the exact Gram matrix: G_ab = ⟨f_a, f_b⟩, r_a = ⟨ρ, f_a⟩ (closed forms), solved by
// Eigen's pivoted LDLᵀ in the working precision; cond(G) from the self-adjoint eigensolver.
template <class S> LeastSquares<S> best_approximation(const Target<S>& target, const std::vector<ExpTrig<S>>& f) {
  const int N = int(f.size());
  Mat<S> G(N, N);
  Vec<S> r(N);
  const auto& rho = target.rho;
  // In u = 1 − s: piece [s0, s1] of ρ is [1 − s1, 1 − s0].
  if (target.cells == 0) {
    for (int a = 0; a < N; ++a)
      for (int b = a; b < N; ++b) G(a, b) = G(b, a) = product_integral(f[a], f[b], S(0), S(1));
    for (int a = 0; a < N; ++a) {
      r(a) = 0;
      for (std::size_t i = 0; i < rho.values.size(); ++i)
        r(a) += rho.values[i] * basis_integral(f[a], S(1 - rho.breaks[i + 1]), S(1 - rho.breaks[i]));
    }
  } else {
    // ⟨P_L f_a, P_L f_b⟩ = Σ_cells (∫_cell f_a)(∫_cell f_b) / h.
    Mat<S> I(target.cells, N);
    for (int c = 0; c < target.cells; ++c)
      for (int a = 0; a < N; ++a) I(c, a) = basis_integral(f[a], S(1 - rho.breaks[c + 1]), S(1 - rho.breaks[c]));
    const S h = rho.breaks[1] - rho.breaks[0];
    G = I.transpose() * I / h;
    r = Vec<S>::Zero(N);
    for (int c = 0; c < target.cells; ++c) r += rho.values[c] * I.row(c).transpose();
  }
  LeastSquares<S> out;
  const Eigen::LDLT<Mat<S>> ldlt(G);
  const Vec<S> coef = ldlt.solve(r);
  // ‖ρ − Σ c f‖² = ‖ρ‖² − 2 cᵀr + cᵀGc (at the exact solution cᵀGc = cᵀr).
  out.err2 = norm2(rho) - 2 * coef.dot(r) + coef.dot(G * coef);
  if (out.err2 < 0) out.err2 = 0;
  out.max_coef = coef.cwiseAbs().maxCoeff();
  // cond(G): the eigenvalues of a symmetric matrix come out with absolute error ~ u λ_max, so λ_min to relative
  // accuracy u cond. Double resolves a cond below 10^6 to 10 digits; beyond that the working precision does it.
  const Eigen::MatrixXd Gd = G.unaryExpr([](const S& x) { return to_double(x); });
  const S u = unit_roundoff<S>();
  {
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig_d(Gd, Eigen::EigenvaluesOnly);
    const double lmin_d = eig_d.eigenvalues().minCoeff(), lmax_d = eig_d.eigenvalues().maxCoeff();
    if (lmin_d > 0 && lmax_d / lmin_d < 1e6) {
      out.cond = S(lmax_d / lmin_d);
    } else {
      const Eigen::SelfAdjointEigenSolver<Mat<S>> eig(G, Eigen::EigenvaluesOnly);
      const S lmin = eig.eigenvalues().minCoeff(), lmax = eig.eigenvalues().maxCoeff();
      out.cond = lmin > 0 ? S(lmax / lmin) : S(1 / u);
    }
  }
  out.trustworthy = out.cond * u < S(1e-8);
  out.digits_needed = int(std::ceil(to_double(log10(out.cond)))) + 8;
  // The same solve in double, to show what hardware precision makes of it.
  const Eigen::VectorXd rd = r.unaryExpr([](const S& x) { return to_double(x); });
  const Eigen::LDLT<Eigen::MatrixXd> ld(Gd);
  const Eigen::VectorXd cd = ld.solve(rd);
  out.err2_double = to_double(norm2(rho)) - 2 * cd.dot(rd) + cd.dot(Gd * cd);
  return out;
}

}  // namespace ssmcheck::rates
