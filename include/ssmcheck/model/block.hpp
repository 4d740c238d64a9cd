// The 1-layer Mamba block of eq. 14 with explicit weights: embedding → short causal convolution with pointwise σ →
// mixer (S6 / Mamba-2 with its three convolutions / S4D) → optional gate σ_g(W_g x_t + b_g) ⊙ y_t → linear readout
// with bias. One forward pass for every mixer; the MQAR and induction-head constructions only fill in weights.
//
// The scan itself is the engine's DiagonalScan. When every decay rate λ is 0 (Ā = 1: all MQAR constructions) the
// state update is h += φ(Δ) x̂ ⊗ B, and `Block::advance` adds only the nonzero products of the (typically one-hot)
// x̂ and B: the same numbers, in the same order per entry, without d·N exponentials of 0 per step.
#pragma once

#include <ssmcheck/engine/mixers.hpp>
#include <ssmcheck/scalar.hpp>

#include <string>
#include <vector>

namespace ssmcheck::model {

enum class Act { identity, relu, silu };

inline const char* act_name(Act a) { return a == Act::identity ? "identity" : a == Act::relu ? "relu" : "silu"; }

// σ(z); SiLU is taken as silu(s z)/s, which tends to ReLU as the scale s grows (the paper's footnote).
template <class S> S activate(Act a, const S& z, const S& silu_scale) {
  switch (a) {
    case Act::identity: return z;
    case Act::relu: return z > 0 ? z : S(0);
    case Act::silu: {
      const S sz = silu_scale * z;
      return z / (1 + exp(S(-sz)));  // silu(s z)/s = z σ(s z)
    }
  }
  return z;
}

// Causal depthwise convolution of kernel size K with left zero padding (14b):
//   out_t = σ( Σ_{k=0}^{K-1} W[k] ⊙ in_{t-(K-1)+k} + bias ),   in_t = 0 for t < 0,
// so W[K-1] multiplies the current input and W[K-2] the previous one.
template <class S> struct Conv {
  std::vector<Vec<S>> W;
  Vec<S> bias;
  Act act = Act::relu;
  int K() const { return int(W.size()); }
  Eigen::Index channels() const { return bias.size(); }
};

enum class MixerKind { s6, mamba2, s4d, delta_t };

inline const char* mixer_name(MixerKind m) {
  return m == MixerKind::s6 ? "mamba" : m == MixerKind::mamba2 ? "mamba2" : m == MixerKind::s4d ? "s4d" : "mamba-deltaT";
}

template <class S> struct BlockWeights {
  MixerKind mixer = MixerKind::s6;
  Eigen::Index d = 0, N = 0;
  Mat<S> E;     // d × vocab: column v embeds token v
  Conv<S> conv;  // Mamba, S4D: the conv on x; Mamba-2: conv_u on W_u x
  // S6 (14c–e): Δ = softplus(W_delta x̂ + b_delta) ∈ R^d, B = W_B x̂, C = W_C x̂ ∈ R^N; Λ (d × N) decay rates λ ≥ 0.
  // Mamba-Δᵀ (eq. 15): the same maps with W_delta N × d, so Δ ∈ R^N runs along the state dimension; with the
  // `basis` discretization (dt = 1) the input term carries no Δ, as eq. 15 writes it.
  Mat<S> lambda, W_delta, W_B, W_C;
  Vec<S> b_delta;
  // Mamba-2 (14b–e): x̂ = σ(conv_u(W_u x)), Δ = softplus(w_delta2 · x + b_delta2) (from x, not x̂), B = σ(conv_B(W_Bin x)),
  // C = σ(conv_C(W_Cin x)); scalar λ.
  Mat<S> W_u, W_Bin, W_Cin;
  Conv<S> conv_B, conv_C;
  Vec<S> w_delta2;
  S b_delta2 = 0, lambda2 = 0;
  // S4D (eq. 6): Δ = 1, constant B, C ∈ R^N, Λ (d × N).
  Vec<S> B_s4d, C_s4d;
  Disc disc = Disc::zoh;
  // Gate (14g): ỹ = σ_g(W_g x + b_g) ⊙ y when `gated`.
  bool gated = false;
  Mat<S> W_g;
  Vec<S> b_g;
  Act gate_act = Act::identity;
  // Readout: logits = W_o ỹ + b_o.
  Mat<S> W_o;
  Vec<S> b_o;
  S silu_scale = 1;
};

// y += A x, visiting only the nonzero entries of x when x is sparse (one-hot constructions), densely otherwise. The
// same sum as A x, taken in the order of the columns.
template <class S> void add_matvec(Vec<S>& y, const Mat<S>& A, const Vec<S>& x, bool sparse = true) {
  if (!sparse) {
    y.noalias() += A * x;
    return;
  }
  Eigen::Index nnz = 0;
  for (Eigen::Index i = 0; i < x.size(); ++i) nnz += x(i) != 0;
  if (4 * nnz > x.size()) {
    y.noalias() += A * x;
    return;
  }
  for (Eigen::Index i = 0; i < x.size(); ++i)
    if (x(i) != 0) y += x(i) * A.col(i);
}

// A B, skipping the zero entries of both (the embeddings and the selection matrices of the constructions are
// sparse; in MPFR the dense product of a d × d identity with the embedding would dominate the run time).
template <class S> Mat<S> sparse_product(const Mat<S>& A, const Mat<S>& B) {
  std::vector<std::vector<Eigen::Index>> nz(A.cols());
  for (Eigen::Index k = 0; k < A.cols(); ++k)
    for (Eigen::Index i = 0; i < A.rows(); ++i)
      if (A(i, k) != 0) nz[k].push_back(i);
  Mat<S> out = Mat<S>::Zero(A.rows(), B.cols());
  for (Eigen::Index c = 0; c < B.cols(); ++c)
    for (Eigen::Index k = 0; k < B.rows(); ++k)
      if (B(k, c) != 0)
        for (Eigen::Index i : nz[k]) out(i, c) += A(i, k) * B(k, c);
  return out;
}

// Streams one token sequence through the block; `logits()` after `push(token)` gives the output at that position.
// Quantities that depend on the token alone (embedding, gate, Mamba-2's projections and Δ) are computed once per
// vocabulary entry; when W_Δ = 0 the S6 step sizes are the constant softplus(b_Δ). `sparse = false` turns off the
// sparsity shortcuts (the straightforward dense forward pass, for the benchmark and as a cross-check).
template <class S> class Block {
public:
  explicit Block(const BlockWeights<S>& w, bool sparse = true)
      : w_(w), scan_(initial_lambda(w), Discretization<S>{w.disc, S(1)}), sparse_(sparse) {
    frozen_ = sparse;
    frozen_ = frozen_ && w.mixer != MixerKind::delta_t;
    column_lambda_ = true;
    for (Eigen::Index n = 0; n < scan_.lambda().cols(); ++n)
      for (Eigen::Index i = 1; i < scan_.lambda().rows(); ++i) column_lambda_ = column_lambda_ && scan_.lambda()(i, n) == scan_.lambda()(0, n);
    for (Eigen::Index i = 0; i < scan_.lambda().size(); ++i) frozen_ = frozen_ && scan_.lambda().data()[i] == 0;
    const Eigen::Index V = w.E.cols();
    if (w.gated) {
      gate_tok_ = sparse_product(w.W_g, w.E);
      for (Eigen::Index c = 0; c < V; ++c)
        for (Eigen::Index i = 0; i < w.d; ++i) gate_tok_(i, c) = activate(w.gate_act, S(gate_tok_(i, c) + w.b_g(i)), w.silu_scale);
    }
    if (w.mixer == MixerKind::mamba2) {
      u_tok_ = sparse_product(w.W_u, w.E);
      B_tok_ = sparse_product(w.W_Bin, w.E);
      C_tok_ = sparse_product(w.W_Cin, w.E);
      delta2_tok_.resize(V);
      for (Eigen::Index c = 0; c < V; ++c) delta2_tok_[c] = softplus(S(w.w_delta2.dot(w.E.col(c)) + w.b_delta2));
    }
    if (w.mixer == MixerKind::s6 || w.mixer == MixerKind::delta_t) {
      const_delta_ = sparse && w.W_delta.isZero(0);
      if (const_delta_) delta_ = w.b_delta.unaryExpr([](const S& z) { return softplus(z); });
    }
    reset();
  }

  void reset() {
    scan_.state().setZero();
    const int K = std::max({w_.conv.K(), w_.conv_B.K(), w_.conv_C.K(), 1});
    hist_.assign(K, Vec<S>());
    hist_u_.assign(K, Vec<S>());
    hist_B_.assign(K, Vec<S>());
    hist_C_.assign(K, Vec<S>());
  }

  // Advances by one token: embedding, convolution(s), mixer step; the output is computed lazily by `output()`.
  void push(int token) {
    token_ = token;
    rotate_in(hist_, w_.E.col(token));
    if (w_.mixer == MixerKind::mamba2) {
      rotate_in(hist_u_, u_tok_.col(token));
      rotate_in(hist_B_, B_tok_.col(token));
      rotate_in(hist_C_, C_tok_.col(token));
      xhat_ = conv(w_.conv, hist_u_);
      B_ = conv(w_.conv_B, hist_B_);
      C_ = conv(w_.conv_C, hist_C_);
      delta2_ = delta2_tok_[token];
    } else {
      xhat_ = conv(w_.conv, hist_);
      if (w_.mixer == MixerKind::s6 || w_.mixer == MixerKind::delta_t) {
        if (!const_delta_) {
          Vec<S> z = w_.b_delta;
          add_matvec(z, w_.W_delta, xhat_, sparse_);
          delta_ = z.unaryExpr([](const S& v) { return softplus(v); });
        }
        B_ = Vec<S>::Zero(w_.N);
        add_matvec(B_, w_.W_B, xhat_, sparse_);
        C_ = Vec<S>::Zero(w_.N);
        add_matvec(C_, w_.W_C, xhat_, sparse_);
      } else {
        if (delta_.size() != w_.d) delta_ = Vec<S>::Ones(w_.d);
        B_ = w_.B_s4d;
        C_ = w_.C_s4d;
      }
    }
    advance_mixer();
  }

  // ỹ_t (gated or not) at the current position.
  Vec<S> output() const {
    Vec<S> y = Vec<S>::Zero(w_.d);
    const auto& h = scan_.state();
    if (!sparse_) y.noalias() = h * C_;  // y_t = h_t C_t (14g)
    else
      for (Eigen::Index n = 0; n < C_.size(); ++n)
        if (C_(n) != 0) y += C_(n) * h.col(n);
    if (w_.gated) y = y.cwiseProduct(gate_tok_.col(token_));  // ỹ_t = σ(Linear(x_t)) ⊙ y_t
    return y;
  }
  Vec<S> logits() const {
    Vec<S> z = w_.b_o;
    add_matvec(z, w_.W_o, output(), sparse_);
    return z;
  }

  const Mat<S>& state() const { return scan_.state(); }
  const Vec<S>& xhat() const { return xhat_; }
  const Vec<S>& B() const { return B_; }
  const Vec<S>& C() const { return C_; }
  // σ_g(W_g x + b_g) for a token (only when gated).
  auto gate(int token) const { return gate_tok_.col(token); }

  // The features of an adjacent token pair (prev = -1: the zero padding before the sequence): with a size-2
  // convolution x̂_t, B_t and C_t depend on (x_{t-1}, x_t) alone. Resets the state.
  void pair_features(int prev, int cur) {
    reset();
    if (prev >= 0) push(prev);
    push(cur);
  }

private:
  static Mat<S> initial_lambda(const BlockWeights<S>& w) {
    if (w.mixer == MixerKind::mamba2) return Mat<S>::Constant(w.d, w.N, w.lambda2);
    return w.lambda;
  }
  static void rotate_in(std::vector<Vec<S>>& hist, Vec<S> v) {
    for (std::size_t k = 0; k + 1 < hist.size(); ++k) hist[k] = std::move(hist[k + 1]);
    hist.back() = std::move(v);
  }
  Vec<S> conv(const Conv<S>& c, const std::vector<Vec<S>>& hist) const {
    Vec<S> z = c.bias;
    const int K = c.K(), H = int(hist.size());
    for (int k = 0; k < K; ++k) {
      const Vec<S>& in = hist[H - K + k];
      if (in.size() == 0) continue;  // before the sequence: zero padding
      z += c.W[k].cwiseProduct(in);
    }
    for (Eigen::Index i = 0; i < z.size(); ++i) z(i) = activate(c.act, z(i), w_.silu_scale);
    return z;
  }
  void advance_mixer() {
    auto& h = scan_.state();
    if (frozen_) {
      // Ā = 1: h += φ ⊙ (x̂ ⊗ B), φ = input_coefficient(λ = 0, Δ) = Δ (zoh, euler) or 1 (basis).
      const Discretization<S> disc{w_.disc, S(1)};
      for (Eigen::Index n = 0; n < B_.size(); ++n) {
        if (B_(n) == 0) continue;
        for (Eigen::Index i = 0; i < xhat_.size(); ++i) {
          if (xhat_(i) == 0) continue;
          const S& dl = w_.mixer == MixerKind::mamba2 ? delta2_ : delta_(i);
          h(i, n) += input_coefficient(disc, S(0), dl) * xhat_(i) * B_(n);
        }
      }
      return;
    }
    if (w_.mixer == MixerKind::delta_t) {
      // Δ_n along the state dimension: with λ constant down each column (checked), Ā_n = exp(−λ_n Δ_n) is computed
      // once per column; the same products as DiagonalScan::step entry by entry.
      const Discretization<S> disc{w_.disc, S(1)};
      if (column_lambda_) {
        for (Eigen::Index n = 0; n < h.cols(); ++n) {
          const S& lam = scan_.lambda()(0, n);
          const S a = exp(S(-lam * delta_(n))), phi = input_coefficient(disc, lam, delta_(n));
          for (Eigen::Index i = 0; i < h.rows(); ++i) h(i, n) = a * h(i, n) + phi * xhat_(i) * B_(n);
        }
      } else {
        scan_.step([&](Eigen::Index, Eigen::Index n) -> const S& { return delta_(n); }, xhat_, B_);
      }
      return;
    }
    if (w_.mixer == MixerKind::mamba2)
      scan_.step([&](Eigen::Index, Eigen::Index) -> const S& { return delta2_; }, xhat_, B_);
    else
      scan_.step([&](Eigen::Index i, Eigen::Index) -> const S& { return delta_(i); }, xhat_, B_);
  }

  const BlockWeights<S>& w_;
  DiagonalScan<S> scan_;
  bool sparse_ = true, frozen_ = false, const_delta_ = false, column_lambda_ = false;
  Mat<S> gate_tok_, u_tok_, B_tok_, C_tok_;
  std::vector<S> delta2_tok_;
  std::vector<Vec<S>> hist_, hist_u_, hist_B_, hist_C_;
  Vec<S> xhat_, delta_, B_, C_;
  S delta2_ = 0;
  int token_ = 0;
};

}  // namespace ssmcheck::model
