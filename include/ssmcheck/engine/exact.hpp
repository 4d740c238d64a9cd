// The `exact` evaluator: the continuous-time SSM h'(s) = -λ Δ(s) h(s) + B x(s) (eq. 8's reading) evaluated
// in closed form, for piecewise-constant inputs x and step sizes that are either constant on each piece or
// the time-PE ramp Δ(s) = softplus(w_Δ (s - t̂)) of Theorem 1 / Corollary 2.
#pragma once

#include <ssmcheck/engine/quadrature.hpp>
#include <ssmcheck/scalar.hpp>

#include <stdexcept>
#include <vector>

namespace ssmcheck {

// Δ(s) = softplus(w_delta (s - t_hat))  (App. A.2: b_Δ = -w_Δ t̂).
template <class S> struct SoftplusRamp {
  S w_delta;
  S t_hat;

  S operator()(const S& s) const { return softplus(S(w_delta * (s - t_hat))); }

  // ∫_{s0}^{s1} softplus(w (r - t̂)) dr = [F(w(s1 - t̂)) - F(w(s0 - t̂))] / w, F(x) = -Li2(-e^x).
  S integral(const S& s0, const S& s1) const {
    if (w_delta == 0) return log(S(2)) * (s1 - s0);
    return (softplus_integral(S(w_delta * (s1 - t_hat))) - softplus_integral(S(w_delta * (s0 - t_hat)))) /
           w_delta;
  }
};

// Mamba basis function at time t_end (eq. 8): g(s) = B exp(-λ ∫_s^{t_end} Δ(r) dr). The constant
// F(w(t_end - t̂)) is computed once.
template <class S> class RampBasisFunction {
public:
  RampBasisFunction(SoftplusRamp<S> ramp, S lambda, S B, S t_end)
      : ramp_(ramp), lambda_(lambda), B_(B), t_end_(t_end),
        F_end_(softplus_integral(S(ramp.w_delta * (t_end - ramp.t_hat)))) {}

  S operator()(const S& s) const { return B_ * exp(S(-lambda_ * decay_integral(s))); }

  S decay_integral(const S& s) const {  // ∫_s^{t_end} Δ(r) dr ≥ 0
    if (ramp_.w_delta == 0) return log(S(2)) * (t_end_ - s);
    return (F_end_ - softplus_integral(S(ramp_.w_delta * (s - ramp_.t_hat)))) / ramp_.w_delta;
  }
  const SoftplusRamp<S>& ramp() const { return ramp_; }
  const S& B() const { return B_; }

private:
  SoftplusRamp<S> ramp_;
  S lambda_, B_, t_end_, F_end_;
};

// A piecewise-constant signal on [breaks.front(), breaks.back()): value values[i] on [breaks[i], breaks[i+1]).
template <class S> struct PiecewiseConstant {
  std::vector<S> breaks;
  std::vector<S> values;

  void validate() const {
    if (breaks.size() != values.size() + 1 || values.empty())
      throw std::invalid_argument("piecewise-constant signal needs n values and n+1 breakpoints");
    for (std::size_t i = 0; i + 1 < breaks.size(); ++i)
      if (!(breaks[i] < breaks[i + 1])) throw std::invalid_argument("breakpoints must increase");
  }
  S operator()(const S& s) const {
    for (std::size_t i = 0; i < values.size(); ++i)
      if (s < breaks[i + 1]) return s >= breaks[i] ? values[i] : S(0);
    return s == breaks.back() ? values.back() : S(0);
  }
  S sup_abs() const {
    S m = 0;
    for (const auto& v : values) m = std::max(m, S(abs(v)));
    return m;
  }
  S l2() const {
    S acc = 0;
    for (std::size_t i = 0; i < values.size(); ++i) acc += values[i] * values[i] * (breaks[i + 1] - breaks[i]);
    return sqrt(acc);
  }
  // ∫ x(s) h(s) ds for an h that is constant `c` on [lo, hi): exact.
  S integral_against_constant(const S& lo, const S& hi, const S& c) const {
    S acc = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const S a = std::max(lo, breaks[i]), b = std::min(hi, breaks[i + 1]);
      if (b > a) acc += values[i] * (b - a);
    }
    return c * acc;
  }
};

// ⟨g, x⟩ = ∫ g(s) x(s) ds over [lo, hi] for a smooth g, split at the breakpoints of x (and at `extra`
// points where g has sharp features) so every quadrature runs on a smooth integrand.
template <class S, class G>
Quad<S> inner_product(Integrator<S>& integ, const G& g, const PiecewiseConstant<S>& x, const S& lo,
                      const S& hi, std::vector<S> extra, const S& rel_tol) {
  std::vector<S> cuts{lo, hi};
  for (const auto& b : x.breaks)
    if (b > lo && b < hi) cuts.push_back(b);
  for (const auto& e : extra)
    if (e > lo && e < hi) cuts.push_back(e);
  std::sort(cuts.begin(), cuts.end());
  Quad<S> total{S(0), S(0)};
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    if (!(cuts[i + 1] > cuts[i])) continue;
    const S mid = (cuts[i] + cuts[i + 1]) / 2;
    const S xv = x(mid);
    if (xv == 0) continue;
    const auto q = integ.integrate([&](const S& s) { return g(s); }, cuts[i], cuts[i + 1], rel_tol);
    total.value += xv * q.value;
    total.error += abs(xv) * q.error;
  }
  return total;
}

// Closed-form solution over one piece of length tau with constant input x and constant Δ, for the two
// continuous models the discretizations approximate:
//   warp_input = false:  h' = -λΔ h + B x        (eq. 8; `basis` discretizes it)
//   warp_input = true:   h' = Δ (-λ h + B x)     (Mamba; `zoh` is exact for it, `euler` approximates it)
template <class S>
S exact_piece(const S& h0, const S& lambda, const S& delta, const S& B, const S& x, const S& tau,
              bool warp_input) {
  const S rate = lambda * delta;
  const S decay = exp(S(-rate * tau));
  const S scale = warp_input ? delta : S(1);
  if (rate == 0) return h0 + scale * B * x * tau;
  return decay * h0 + scale * B * x * (-expm1_(S(-rate * tau))) / rate;
}

}  // namespace ssmcheck
