// The streaming diagonal selective scan: one state matrix h ∈ R^{d×N}, updated in place,
//   h_t = exp(-Λ ⊙ Δ_t) ⊙ h_{t-1} + φ(Λ, Δ_t) ⊙ (x̂_t ⊗ B_t),      y_t = h_t C_t,
// where Δ_t ∈ R^{d×N} is the step size of each state entry. The mixers (mixers.hpp) differ only in how
// Δ_t is broadcast over (d, N). Memory is O(dN) whatever the sequence length: nothing is stored.
#pragma once

#include <ssmcheck/engine/discretization.hpp>
#include <ssmcheck/scalar.hpp>

#include <boost/multiprecision/eigen.hpp>
#include <Eigen/Dense>

#include <stdexcept>

// Boost 1.74's Eigen adaptor gives NumTraits<mp_float> no infinity()/quiet_NaN(), which Eigen's generic
// hypot uses for its inf/NaN corner cases (reached from SelfAdjointEigenSolver and the SVDs). MPFR's own
// hypot is correctly rounded and handles those cases, so Eigen is pointed at it.
namespace Eigen::internal {
template <> struct hypot_impl<ssmcheck::mp_float> {
  static ssmcheck::mp_float run(const ssmcheck::mp_float& x, const ssmcheck::mp_float& y) {
    ssmcheck::mp_float r;
    mpfr_hypot(r.backend().data(), x.backend().data(), y.backend().data(), MPFR_RNDN);
    return r;
  }
};
}  // namespace Eigen::internal

namespace ssmcheck {

template <class S> using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
template <class S> using Vec = Eigen::Matrix<S, Eigen::Dynamic, 1>;

template <class S> class DiagonalScan {
public:
  // lambda: d×N matrix of decay rates λ ≥ 0 (Λ = -diag(λ) in the paper's notation).
  DiagonalScan(Mat<S> lambda, Discretization<S> disc)
      : lambda_(std::move(lambda)), disc_(disc), h_(Mat<S>::Zero(lambda_.rows(), lambda_.cols())) {
    for (Eigen::Index i = 0; i < lambda_.size(); ++i)
      if (lambda_.data()[i] < 0) throw std::invalid_argument("decay rates lambda must be >= 0");
  }

  // One step with input x̂ (d), B (N) and per-entry step sizes delta(i, n), a callable, so that the
  // mixers broadcast Δ over (d, N) without materialising a matrix.
  template <class DeltaAt> void step(const DeltaAt& delta, const Vec<S>& xhat, const Vec<S>& B) {
    const Eigen::Index d = h_.rows(), N = h_.cols();
    for (Eigen::Index n = 0; n < N; ++n)
      for (Eigen::Index i = 0; i < d; ++i) {
        const S& lam = lambda_(i, n);
        const S& dl = delta(i, n);
        h_(i, n) = exp(S(-lam * dl)) * h_(i, n) + input_coefficient(disc_, lam, dl) * xhat(i) * B(n);
      }
  }

  Vec<S> output(const Vec<S>& C) const { return h_ * C; }  // y_t = h_t C_t (eq. 14g)
  const Mat<S>& state() const { return h_; }
  Mat<S>& state() { return h_; }
  const Mat<S>& lambda() const { return lambda_; }
  Eigen::Index d() const { return h_.rows(); }
  Eigen::Index N() const { return h_.cols(); }

private:
  Mat<S> lambda_;
  Discretization<S> disc_;
  Mat<S> h_;
};

}  // namespace ssmcheck
