// Theorem 1's construction (App. A.2) and the measurements made on it.
//
//   ψ_{j,k}(s) = 2^{j/2} ψ(2^j s − k),  ψ = 1[0,1/2) − 1[1/2,1]                          (eq. 10)
//   ψ_{j,k}  = 2^{j/2} [H(s − a) − 2H(s − m) + H(s − b)],  a = k2^{-j}, m = a + 2^{-(j+1)}, b = (k+1)2^{-j}  (eq. 18)
//   g_i(s)   = B exp(−λ ∫_s^1 Δ_i(r) dr),  λ = 1, B = 2^{j/2}                          (eq. 19)
//   Δ_i(s)   = softplus(w_Δ (s − t̂_i)),  t̂ = (a, m, b),  w_Δ → −∞                      (eqs. 20–22)
//   f        = g_1 − 2 g_2 + g_3  ≈ ψ_{j,k}
//
// Each g_i is nondecreasing in s (its exponent ∫_s^1 Δ decreases), which gives a rigorous enclosure of f
// on any interval [s0, s1]:  g1(s0) − 2 g2(s1) + g3(s0) ≤ f ≤ g1(s1) − 2 g2(s0) + g3(s1).
// The sup norm is computed by branch and bound on these enclosures (a certified bracket, not a grid
// maximum); L¹ and L² by tanh-sinh quadrature on the intervals where ψ − f has one sign, those intervals
// being found with the same enclosures.
#pragma once

#include <ssmcheck/engine/exact.hpp>
#include <ssmcheck/engine/mixers.hpp>
#include <ssmcheck/engine/quadrature.hpp>

#include <boost/math/tools/roots.hpp>

#include <array>
#include <map>
#include <queue>
#include <vector>

namespace ssmcheck::haar {

template <class S> struct Wavelet {
  int j = 0, k = 0;
  S a, m, b, B;  // support [a, b], sign change at m, height B = 2^{j/2}

  static Wavelet make(int j, int k) {
    Wavelet w;
    w.j = j;
    w.k = k;
    w.a = ldexp(S(k), -j);
    w.m = ldexp(S(2 * k + 1), -(j + 1));
    w.b = ldexp(S(k + 1), -j);
    w.B = ldexp(S(j % 2 ? sqrt(S(2)) : S(1)), j / 2);
    return w;
  }
  S operator()(const S& s) const {  // eq. 10 with the closed interval [1/2, 1]
    if (s >= a && s < m) return B;
    if (s >= m && s <= b) return -B;
    return S(0);
  }
  // ⟨ψ_{j,k}, x⟩ in closed form for a piecewise-constant x.
  S inner(const PiecewiseConstant<S>& x) const {
    return x.integral_against_constant(a, m, B) - x.integral_against_constant(m, b, B);
  }
};

template <class S> class Triple {
public:
  Triple(const Wavelet<S>& psi, const S& w_delta)
      : psi_(psi), w_delta_(w_delta),
        g_{RampBasisFunction<S>({w_delta, psi.a}, S(1), psi.B, S(1)),
           RampBasisFunction<S>({w_delta, psi.m}, S(1), psi.B, S(1)),
           RampBasisFunction<S>({w_delta, psi.b}, S(1), psi.B, S(1))} {}

  std::array<S, 3> basis(const S& s) const { return {g_[0](s), g_[1](s), g_[2](s)}; }
  static S combine(const std::array<S, 3>& g) { return g[0] - 2 * g[1] + g[2]; }
  S operator()(const S& s) const { return combine(basis(s)); }
  const S& t_hat(int i) const { return g_[i].ramp().t_hat; }
  const Wavelet<S>& psi() const { return psi_; }
  const S& w_delta() const { return w_delta_; }

private:
  Wavelet<S> psi_;
  S w_delta_;
  std::array<RampBasisFunction<S>, 3> g_;
};

template <class S> struct Norms {
  S sup_lower, sup_upper;  // certified bracket of sup_{s∈[0,1]} |ψ − f|
  S sup_arg;               // a point where |ψ − f| = sup_lower
  S l1, l1_err;            // ∫|ψ − f| with an error bound (quadrature estimate + enclosure remainders)
  S l2, l2_err;
  S err_at_b;              // |ψ(b) − f(b)|: the one point where the pointwise limit differs from ψ
  long evaluations = 0;
};

struct NormSettings {
  double quad_tol = 1e-15;   // relative tolerance of each tanh-sinh quadrature
  double sup_rtol = 1e-9;    // relative width of the certified sup bracket
  int max_cells = 20000;     // per piece, for branch and bound and for the sign partition
};

// The k-independent part of level j's three basis functions at one w_Δ, in local coordinates u = s − a:
//   g_i(a + u) = B E_i φ_i(u),  φ_i(u) = exp(F(w(u − δ_i)) / w),  δ = (0, 2^{-(j+1)}, 2^{-j}),
//   E_i = exp(−F(w(1 − t̂_i)) / w),   F(x) = −Li2(−e^x),
// so the 2^j wavelets of a level share every evaluation of φ and Δ (the dilogarithms) and differ only in E_i.
template <class S> class LevelCache {
public:
  struct Entry {
    std::array<S, 3> phi;    // φ_i(u)
    std::array<S, 3> delta;  // Δ_i = softplus(w (u − δ_i)); g_i' = λ Δ_i g_i with λ = 1
  };
  LevelCache(int j, const S& w_delta)
      : w_(w_delta), offsets_{S(0), ldexp(S(1), -(j + 1)), ldexp(S(1), -j)} {}

  const Entry& at(const S& u) {
    auto it = memo_.find(u);
    if (it != memo_.end()) return it->second;
    ++evaluations_;
    Entry e;
    for (int i = 0; i < 3; ++i) {
      const S x = w_ * (u - offsets_[i]);
      e.phi[i] = exp(S(softplus_integral(x) / w_));
      e.delta[i] = softplus(x);
    }
    return memo_.emplace(u, std::move(e)).first->second;
  }
  const S& w_delta() const { return w_; }
  long evaluations() const { return evaluations_; }

private:
  S w_;
  std::array<S, 3> offsets_;
  std::map<S, Entry> memo_;
  long evaluations_ = 0;
};

template <class S> class ErrorNorms {
public:
  // `cache` must belong to the same level j and w_Δ as f.
  ErrorNorms(const Triple<S>& f, LevelCache<S>& cache, Integrator<S>& integ, NormSettings set)
      : f_(f), cache_(cache), integ_(integ), set_(set) {
    for (int i = 0; i < 3; ++i)
      scale_[i] = f.psi().B * exp(S(-softplus_integral(S(f.w_delta() * (1 - f.t_hat(i)))) / f.w_delta()));
  }

  Norms<S> compute() {
    const auto& p = f_.psi();
    const long before = cache_.evaluations();
    // Pieces of constant ψ in local coordinates u = s − a; the outer ones are cut one support width away
    // from the wavelet so that the part near the thresholds is the same for every k of the level.
    const S len = p.b - p.a, h = p.m - p.a, right = 1 - p.a;
    struct Piece { S lo, hi, v; };
    std::vector<Piece> pieces;
    if (p.a > len) pieces.push_back({-p.a, -len, S(0)});
    if (p.a > 0) pieces.push_back({p.a > len ? S(-len) : S(-p.a), S(0), S(0)});
    pieces.push_back({S(0), h, p.B});
    pieces.push_back({h, len, -p.B});
    if (right > len) pieces.push_back({len, std::min(S(2 * len), right), S(0)});
    if (right > 2 * len) pieces.push_back({S(2 * len), right, S(0)});

    Norms<S> n{S(0), S(0), S(0), S(0), S(0), S(0), S(0), S(0), 0};
    S l2sq = 0, l2sq_err = 0;
    // The support of ψ first: the sup found there prunes the outer pieces at once.
    std::stable_sort(pieces.begin(), pieces.end(), [](const Piece& x, const Piece& y) { return abs(x.v) > abs(y.v); });
    for (const auto& pc : pieces) {
      sup_piece(pc.lo, pc.hi, pc.v, n);
      integrate_piece(pc.lo, pc.hi, pc.v, n.l1, n.l1_err, l2sq, l2sq_err);
    }
    n.sup_arg += p.a;
    n.l2 = sqrt(l2sq);
    // d(sqrt(x)) = dx / (2 sqrt(x)); for x = 0 the bound is sqrt of the error.
    n.l2_err = l2sq > 0 ? S(l2sq_err / (2 * n.l2)) : S(sqrt(l2sq_err));
    n.err_at_b = abs(p(p.b) - value(len));
    n.evaluations = cache_.evaluations() - before;
    return n;
  }

private:
  struct Point {
    std::array<S, 3> g;      // g_i(a + u)
    std::array<S, 3> delta;  // Δ_i(a + u)
  };
  static constexpr std::array<int, 3> kCoef{1, -2, 1};

  Point P(const S& u) {
    const auto& e = cache_.at(u);
    return {{scale_[0] * e.phi[0], scale_[1] * e.phi[1], scale_[2] * e.phi[2]}, e.delta};
  }
  S value(const S& u) { return Triple<S>::combine(P(u).g); }

  // Rigorous enclosures on a cell [lo, hi] with midpoint mid, from two arguments intersected:
  //  (1) each g_i is nondecreasing:  g1(lo) − 2 g2(hi) + g3(lo) ≤ f ≤ g1(hi) − 2 g2(lo) + g3(hi);
  //  (2) Taylor at mid with a bound on f'' = Σ c_i g_i (Δ_i² + Δ_i'), Δ_i' = w σ(w(s − t̂_i)) ≤ 0, where
  //      g_i ↑, Δ_i ↓ and σ_i ↓ bound every factor by its endpoint values. (2) is second order and
  //      survives the cancellation in the second difference 1, −2, 1 that makes (1) loose.
  struct Enclosure {
    S f_lo, f_hi;    // f on the cell
    S df_lo, df_hi;  // f' on the cell
  };
  Enclosure enclose(const S& lo, const S& hi) {
    const S mid = (lo + hi) / 2;
    const Point L = P(lo), M = P(mid), H = P(hi);
    S d2_lo = 0, d2_hi = 0;
    for (int i = 0; i < 3; ++i) {
      const S sig_lo = -expm1_(S(-L.delta[i])), sig_hi = -expm1_(S(-H.delta[i]));  // σ = 1 − e^{−softplus}
      const S w = f_.w_delta();
      const S q_lo = H.delta[i] * H.delta[i] + w * sig_lo, q_hi = L.delta[i] * L.delta[i] + w * sig_hi;
      const S t_lo = q_lo >= 0 ? S(L.g[i] * q_lo) : S(H.g[i] * q_lo);
      const S t_hi = q_hi >= 0 ? S(H.g[i] * q_hi) : S(L.g[i] * q_hi);
      if (kCoef[i] > 0) { d2_lo += kCoef[i] * t_lo; d2_hi += kCoef[i] * t_hi; }
      else { d2_lo += kCoef[i] * t_hi; d2_hi += kCoef[i] * t_lo; }
    }
    const S m2 = std::max(abs(d2_lo), abs(d2_hi));
    const S r = (hi - lo) / 2;
    const S f_mid = Triple<S>::combine(M.g);
    S df_mid = 0;
    for (int i = 0; i < 3; ++i) df_mid += kCoef[i] * M.delta[i] * M.g[i];
    Enclosure e;
    e.f_lo = std::max(S(L.g[0] - 2 * H.g[1] + L.g[2]), S(f_mid - abs(df_mid) * r - m2 * r * r / 2));
    e.f_hi = std::min(S(H.g[0] - 2 * L.g[1] + H.g[2]), S(f_mid + abs(df_mid) * r + m2 * r * r / 2));
    // f' = Σ c_i Δ_i g_i: each product lies in [g_i(lo) Δ_i(hi), g_i(hi) Δ_i(lo)]; and f'(mid) ± m2 r.
    S d_lo = 0, d_hi = 0;
    for (int i = 0; i < 3; ++i) {
      const S small = L.g[i] * H.delta[i], large = H.g[i] * L.delta[i];
      if (kCoef[i] > 0) { d_lo += kCoef[i] * small; d_hi += kCoef[i] * large; }
      else { d_lo += kCoef[i] * large; d_hi += kCoef[i] * small; }
    }
    e.df_lo = std::max(d_lo, S(df_mid - m2 * r));
    e.df_hi = std::min(d_hi, S(df_mid + m2 * r));
    return e;
  }
  static bool monotone(const Enclosure& e) { return e.df_lo > 0 || e.df_hi < 0; }

  void sup_piece(const S& lo, const S& hi, const S& v, Norms<S>& n) {
    struct Cell { S ub, lo, hi; bool operator<(const Cell& o) const { return ub < o.ub; } };
    auto point = [&](const S& s) {
      const S e = abs(v - value(s));
      if (e > n.sup_lower || (n.sup_lower == 0 && n.sup_arg == 0)) { n.sup_lower = e; n.sup_arg = s; }
      return e;
    };
    // Upper bound of |v − f| on a cell: exact (endpoint values) where f is monotone, else the enclosure.
    auto ub = [&](const S& a, const S& b) {
      const Enclosure e = enclose(a, b);
      if (monotone(e)) return std::max(abs(v - value(a)), abs(v - value(b)));
      return std::max(abs(v - e.f_lo), abs(v - e.f_hi));
    };
    point(lo);
    point(hi);
    std::priority_queue<Cell> q;
    q.push({ub(lo, hi), lo, hi});
    int cells = 1;
    while (!q.empty()) {
      const Cell c = q.top();
      if (c.ub <= n.sup_lower * (1 + set_.sup_rtol) || cells >= set_.max_cells) break;
      q.pop();
      const S mid = (c.lo + c.hi) / 2;
      if (!(mid > c.lo && mid < c.hi)) {  // cell at the resolution of the number type
        n.sup_upper = std::max(n.sup_upper, c.ub);
        continue;
      }
      point(mid);
      q.push({ub(c.lo, mid), c.lo, mid});
      q.push({ub(mid, c.hi), mid, c.hi});
      cells += 2;
    }
    n.sup_upper = std::max({n.sup_upper, n.sup_lower, q.empty() ? S(0) : q.top().ub});
  }

  enum class Sign { pos, neg, small };
  struct SignCell { S lo, hi; Sign sign; S bound; };

  // Splits [lo, hi] into cells on which v − f is certainly positive, certainly negative, or bounded by
  // `bound` in magnitude (tiny, or unresolved at the finest allowed width). Where f is monotone, v − f has
  // at most one root, which TOMS 748 locates to full precision.
  void partition(const S& lo, const S& hi, const S& v, const S& negligible, const S& hmin,
                 std::vector<SignCell>& out) {
    const Enclosure enc = enclose(lo, hi);
    const S e_lo = v - enc.f_hi, e_hi = v - enc.f_lo;  // enclosure of v − f
    const S mag = std::max(abs(e_lo), abs(e_hi));
    if (mag <= negligible) { out.push_back({lo, hi, Sign::small, mag}); return; }
    if (e_lo > 0) { out.push_back({lo, hi, Sign::pos, S(0)}); return; }
    if (e_hi < 0) { out.push_back({lo, hi, Sign::neg, S(0)}); return; }
    if (monotone(enc)) {
      // f monotone: |v − f| is bounded by its endpoint values on either side of the (single) root.
      const S a = v - value(lo), b = v - value(hi);
      auto sign_of = [](const S& x) { return x > 0 ? Sign::pos : Sign::neg; };
      auto cell = [&](const S& x0, const S& x1, const S& end) {
        if (abs(end) <= negligible) return SignCell{x0, x1, Sign::small, S(abs(end))};
        return SignCell{x0, x1, sign_of(end), S(0)};
      };
      if (a * b >= 0) {
        const S big = abs(a) > abs(b) ? a : b;
        out.push_back(cell(lo, hi, big));
        return;
      }
      boost::uintmax_t iters = 200;
      const auto r = boost::math::tools::toms748_solve(
          [&](const S& s) { return S(v - value(s)); }, lo, hi, a, b,
          boost::math::tools::eps_tolerance<S>(int(precision_bits<S>()) - 3), iters);
      const S root = (r.first + r.second) / 2;
      out.push_back(cell(lo, root, a));
      out.push_back(cell(root, hi, b));
      return;
    }
    const S mid = (lo + hi) / 2;
    if (hi - lo <= hmin || int(out.size()) >= set_.max_cells || !(mid > lo && mid < hi)) {
      out.push_back({lo, hi, Sign::small, mag});
      return;
    }
    partition(lo, mid, v, negligible, hmin, out);
    partition(mid, hi, v, negligible, hmin, out);
  }

  void integrate_piece(const S& lo, const S& hi, const S& v, S& l1, S& l1_err, S& l2sq, S& l2sq_err) {
    const S tol(set_.quad_tol);
    // Below this, |ψ − f| is either irrelevant to the requested tolerance or rounding noise (f is a
    // difference of O(B) terms, so its absolute rounding error is a few B u).
    const S negligible = std::max(S(tol * f_.psi().B * S(1e-3)), S(64 * unit_roundoff<S>() * f_.psi().B));
    const S hmin = ldexp(S(hi - lo), -45);
    std::vector<SignCell> cells;
    partition(lo, hi, v, negligible, hmin, cells);
    for (std::size_t i = 0; i < cells.size();) {
      if (cells[i].sign == Sign::small) {
        const S h = cells[i].hi - cells[i].lo;
        l1_err += h * cells[i].bound;
        l2sq_err += h * cells[i].bound * cells[i].bound;
        ++i;
        continue;
      }
      std::size_t e = i;
      while (e + 1 < cells.size() && cells[e + 1].sign == cells[i].sign) ++e;
      const S sgn = cells[i].sign == Sign::pos ? S(1) : S(-1);
      const S a = cells[i].lo, b = cells[e].hi;
      const auto q1 = integ_.integrate([&](const S& s) { return S(sgn * (v - value(s))); }, a, b, tol);
      const auto q2 = integ_.integrate(
          [&](const S& s) {
            const S e2 = v - value(s);
            return S(e2 * e2);
          },
          a, b, tol);
      l1 += q1.value;
      l1_err += q1.error;
      l2sq += q2.value;
      l2sq_err += q2.error;
      i = e + 1;
    }
  }

  const Triple<S>& f_;
  LevelCache<S>& cache_;
  Integrator<S>& integ_;
  NormSettings set_;
  std::array<S, 3> scale_;  // B E_i
};

// Leading-order asymptotics as |w_Δ| = c → ∞ (derived in docs/thm1-haar.md): left of each threshold
// g ≈ B exp(−c (t̂ − s)^2 / 2), so every jump of ψ of height h·B contributes h·B·sqrt(π/(2c)) to L¹ and
// h²B²·sqrt(π/c)/2 to L²²; the jump at a only counts when a > 0.
template <class S> S l1_asymptote(const Wavelet<S>& p, const S& c) {
  const S weight = S(p.a > 0 ? 1 : 0) + 2 + 1;
  return weight * p.B * sqrt(S(pi<S>() / (2 * c)));
}
template <class S> S l2_asymptote(const Wavelet<S>& p, const S& c) {
  const S weight = S(p.a > 0 ? 1 : 0) + 4 + 1;
  return p.B * sqrt(S(weight * sqrt(S(pi<S>() / c)) / 2));
}

// Where sample t (1-based) of L sits in [0, 1].
enum class SamplePos { left, mid, right };
template <class S> S sample_time(SamplePos pos, long t, long L) {
  switch (pos) {
    case SamplePos::left: return S(t - 1) / L;
    case SamplePos::mid: return (S(t) - S(0.5)) / L;
    case SamplePos::right: return S(t) / L;
  }
  return S(t) / L;
}

// The S6 realization of the triple: d = 3 channels fed the same input, channel i with its own step size
// Δ_{t,i} = dt · softplus(w_Δ (τ_t − t̂_i)) (Mamba's Δ is the step size, so the continuous rate is scaled
// by the sampling step dt = 1/L), N = 1, λ = 1, B = 2^{j/2}, C = 1, readout [1, −2, 1]. All three
// discretizations run in one pass; `time_of(t)` is the time the layer sees at sample t (the given time
// PE, or a clock recovered by another layer).
template <class S> struct ScanProjection {
  std::array<S, 3> value;  // indexed like kAllDiscs: zoh, euler, basis
};

template <class S, class TimeFn>
ScanProjection<S> scan_projection(const Triple<S>& f, const PiecewiseConstant<S>& x, long L, SamplePos pos,
                                  TimeFn time_of) {
  const S dt = S(1) / L;
  const Mat<S> lambda = Mat<S>::Ones(3, 1);
  std::vector<S6Mixer<S>> mixers;
  for (Disc d : kAllDiscs) mixers.emplace_back(lambda, Discretization<S>{d, dt});
  Vec<S> xhat(3), delta(3), B(1);
  B(0) = f.psi().B;
  for (long t = 1; t <= L; ++t) {
    const S xv = x(sample_time<S>(pos, t, L));
    const S tau = time_of(t);
    for (int i = 0; i < 3; ++i) {
      xhat(i) = xv;
      delta(i) = dt * softplus(S(f.w_delta() * (tau - f.t_hat(i))));
    }
    for (auto& mixer : mixers) mixer.advance(xhat, delta, B);
  }
  ScanProjection<S> out;
  for (int d = 0; d < 3; ++d) {
    const auto& h = mixers[d].scan().state();
    out.value[d] = h(0, 0) - 2 * h(1, 0) + h(2, 0);
  }
  return out;
}

}  // namespace ssmcheck::haar
