// Sensitivity of the state to one input, |∂h_t/∂x_j| (App. B, eqs. 34–41), measured by running the scan
// engine over Dual<S> with x_j seeded, beside the quantities the lemmas bound it with.
//
// The model of App. B: 1-D input x_t, state h_t ∈ R^N (d = 1),
//   Δ_t = softplus(w_Δ x_t + b_Δ),  B_{t,n} = w_B x_t + b_B,  Ā_{t,n} = e^{−λ_n Δ_t},  h_t = Ā_t ⊙ h_{t−1} + φ(λ, Δ_t) x_t B_t
// (φ = Δ for euler as in eq. 36). S4D is the case w_Δ = 0 with Δ ≡ 1 and w_B = 0.
// Unrolling gives the identity behind both lemmas (eq. 34, n-th entry, t ≥ j):
//   ∂h_t/∂x_j = (Π_{r=j+1}^t Ā_r) · [ ∂(φ_j x_j B_j)/∂x_j + (∂Ā_j/∂x_j) h_{j−1} ]  =: (Π Ā_r) · (a + b).
#pragma once

#include <ssmcheck/engine/dual.hpp>
#include <ssmcheck/engine/mixers.hpp>

#include <functional>
#include <vector>

namespace ssmcheck {

template <class S> struct SelectiveParams {
  std::vector<S> lambda;     // λ_n ≥ 0
  S w_delta = 0, b_delta = 0;  // Δ_t = softplus(w_Δ x_t + b_Δ); w_Δ = 0 and fixed_delta > 0 give S4D
  S fixed_delta = 0;         // when > 0: Δ_t ≡ fixed_delta (S4D)
  std::vector<S> w_B, b_B;   // B_{t,n} = w_B,n x_t + b_B,n
  Disc disc = Disc::euler;

  template <class T> T delta(const T& x) const {
    if (fixed_delta > 0) return T(fixed_delta);
    return softplus(T(T(w_delta) * x + T(b_delta)));
  }
  template <class T> T B(int n, const T& x) const { return T(w_B[n]) * x + T(b_B[n]); }
  std::size_t N() const { return lambda.size(); }
};

template <class S> struct SensitivityPoint {
  long t_minus_j;
  std::vector<S> sensitivity;  // |∂h_{t,n}/∂x_j|
  std::vector<S> decay_sum;    // λ_n Σ_{r=j+1}^t Δ_r
};

template <class S> struct SensitivityTerms {
  std::vector<S> a, b;  // the two terms of eq. 34 at step j, per state entry
  std::vector<S> h_prev;
};

// Runs the selective scan over Dual<S> for t = 1..T with x_j seeded (d = 1); records the points
// t − j ∈ checkpoints. x_of(t) gives the input at step t (1-based).
template <class S>
std::pair<std::vector<SensitivityPoint<S>>, SensitivityTerms<S>> measure_sensitivity(
    const SelectiveParams<S>& p, long j, long T, const std::function<S(long)>& x_of, const std::vector<long>& checkpoints) {
  using D = Dual<S>;
  const int N = int(p.N());
  Mat<D> lambda(1, N);
  for (int n = 0; n < N; ++n) lambda(0, n) = D(p.lambda[n]);
  S6Mixer<D> mix(lambda, Discretization<D>{p.disc, D(1)});
  Vec<D> xhat(1), delta(1), B(N);
  std::vector<SensitivityPoint<S>> out;
  SensitivityTerms<S> terms;
  std::vector<S> sum(N, S(0));
  std::size_t next = 0;
  for (long t = 1; t <= T && next < checkpoints.size(); ++t) {
    const D x(x_of(t), t == j ? S(1) : S(0));
    xhat(0) = x;
    delta(0) = p.delta(x);
    for (int n = 0; n < N; ++n) B(n) = p.B(n, x);
    if (t == j) {
      // The two terms of eq. 34, from the same formulas the engine uses (Ā = e^{−λΔ}, φ).
      for (int n = 0; n < N; ++n) {
        const D abar = exp(D(-lambda(0, n) * delta(0)));
        const D input = input_coefficient(Discretization<D>{p.disc, D(1)}, lambda(0, n), delta(0)) * x * B(n);
        terms.a.push_back(input.d);
        terms.h_prev.push_back(mix.scan().state()(0, n).v);
        terms.b.push_back(abar.d * mix.scan().state()(0, n).v);
      }
    }
    mix.advance(xhat, delta, B);
    if (t > j)
      for (int n = 0; n < N; ++n) sum[n] += p.lambda[n] * delta(0).v;
    if (t >= j && t - j == checkpoints[next]) {
      SensitivityPoint<S> pt{t - j, {}, sum};
      for (int n = 0; n < N; ++n) pt.sensitivity.push_back(abs(mix.scan().state()(0, n).d));
      out.push_back(std::move(pt));
      ++next;
    }
  }
  return {out, terms};
}

// Checkpoints 0, 1, 10, 100, ... up to max_gap (and max_gap itself).
inline std::vector<long> decade_checkpoints(long max_gap) {
  std::vector<long> c{0};
  for (long g = 1; g <= max_gap; g *= 10) c.push_back(g);
  if (c.back() != max_gap) c.push_back(max_gap);
  return c;
}

}  // namespace ssmcheck
