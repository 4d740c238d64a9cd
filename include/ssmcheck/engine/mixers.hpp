// The four mixers of the paper, as thin wrappers that broadcast Δ and call the one DiagonalScan.
//   S4D       (eq. 6)   Δ = 1, Λ, B, C constant
//   S6/Mamba  (eq. 14f) Δ_t ∈ R^d along the embedding dimension:  Δ_dn = Δ_d
//   Mamba-2   (eq. 14f) scalar λ and scalar Δ_t:                   Δ_dn = Δ
//   Mamba-Δᵀ  (eq. 15)  Δ_t ∈ R^N along the state dimension:       Δ_dn = Δ_n, and no Δ on the input
#pragma once

#include <ssmcheck/engine/scan.hpp>

namespace ssmcheck {

template <class S> class S4DMixer {
public:
  S4DMixer(Mat<S> lambda, Vec<S> B, Vec<S> C, Discretization<S> disc)
      : scan_(std::move(lambda), disc), B_(std::move(B)), C_(std::move(C)) {}
  void advance(const Vec<S>& xhat) { scan_.step([this](Eigen::Index, Eigen::Index) -> const S& { return one_; }, xhat, B_); }
  Vec<S> step(const Vec<S>& xhat) {
    advance(xhat);
    return scan_.output(C_);
  }
  DiagonalScan<S>& scan() { return scan_; }

private:
  DiagonalScan<S> scan_;
  Vec<S> B_, C_;
  S one_ = S(1);
};

template <class S> class S6Mixer {
public:
  S6Mixer(Mat<S> lambda, Discretization<S> disc) : scan_(std::move(lambda), disc) {}
  // delta ∈ R^d, B, C ∈ R^N (already computed from x̂_t by the block's linear maps, eq. 14c–e).
  void advance(const Vec<S>& xhat, const Vec<S>& delta, const Vec<S>& B) {
    scan_.step([&](Eigen::Index i, Eigen::Index) -> const S& { return delta(i); }, xhat, B);
  }
  Vec<S> step(const Vec<S>& xhat, const Vec<S>& delta, const Vec<S>& B, const Vec<S>& C) {
    advance(xhat, delta, B);
    return scan_.output(C);
  }
  DiagonalScan<S>& scan() { return scan_; }

private:
  DiagonalScan<S> scan_;
};

template <class S> class Mamba2Mixer {
public:
  Mamba2Mixer(const S& lambda, Eigen::Index d, Eigen::Index N, Discretization<S> disc)
      : scan_(Mat<S>::Constant(d, N, lambda), disc) {}
  void advance(const Vec<S>& xhat, const S& delta, const Vec<S>& B) {
    scan_.step([&](Eigen::Index, Eigen::Index) -> const S& { return delta; }, xhat, B);
  }
  Vec<S> step(const Vec<S>& xhat, const S& delta, const Vec<S>& B, const Vec<S>& C) {
    advance(xhat, delta, B);
    return scan_.output(C);
  }
  DiagonalScan<S>& scan() { return scan_; }

private:
  DiagonalScan<S> scan_;
};

template <class S> class DeltaTMixer {
public:
  // Eq. 15 has no Δ on the input term: the `basis` discretization with dt = 1 gives exactly that.
  explicit DeltaTMixer(Mat<S> lambda) : scan_(std::move(lambda), Discretization<S>{Disc::basis, S(1)}) {}
  void advance(const Vec<S>& xhat, const Vec<S>& delta, const Vec<S>& B) {
    scan_.step([&](Eigen::Index, Eigen::Index n) -> const S& { return delta(n); }, xhat, B);
  }
  Vec<S> step(const Vec<S>& xhat, const Vec<S>& delta, const Vec<S>& B, const Vec<S>& C) {
    advance(xhat, delta, B);
    return scan_.output(C);
  }
  DiagonalScan<S>& scan() { return scan_; }

private:
  DiagonalScan<S> scan_;
};

}  // namespace ssmcheck
