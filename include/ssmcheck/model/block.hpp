// The 1-layer Mamba block of eq. 14 with explicit weights: embedding → short causal convolution with pointwise σ →
// mixer (S6 / Mamba-2 with its three convolutions / S4D) → optional gate σ_g(W_g x_t + b_g) ⊙ y_t → linear readout
// with bias. One forward pass for every mixer; the MQAR and induction-head constructions only fill in weights.
//
// The scan itself is the engine's DiagonalScan. The sparse pass (the default) computes the same logits with less
// work, all of it derived from the weights once per configuration (`Prepared`, shared by the Blocks of every thread):
//  - when every λ is 0 (Ā = 1: all MQAR constructions) the state update is h += (φ ⊙ x̂) ⊗ B, a rank-1 update over the
//    nonzero B_n, through x̂'s nonzeros when x̂ is sparse, and only on the rows that reach the logits;
//  - with a size-2 convolution x̂_t depends on (x_{t-1}, x_t) alone; its nonzeros are cached per pair when sparse;
//  - the readout W_o ỹ is taken as W_u (P ỹ) over the distinct nonzero columns of W_o, for all the queries of a
//    sequence in one matrix product.
// Per entry the same products as the dense pass; only the summation order of the readout product may differ.
// `sparse = false` is the straightforward dense pass (the benchmark's reference and the tests' cross-check).
#pragma once

#include <ssmcheck/engine/mixers.hpp>
#include <ssmcheck/scalar.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <string>
#include <utility>
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
  // Gate (14g): ỹ = σ_g(W_g x + b_g) ⊙ y when `gated`; an empty W_g stands for the identity (Theorem 4's gate).
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

// A matrix kept as the nonzeros of each column, when at most a quarter of its entries are nonzero (the selection
// matrices [I|0] of B and C, one-hot readouts): y += A x then visits only the nonzeros of A and x, adding the same
// products x_i A_ri to each y_r in the same column order as A x.
template <class S> struct SparseColumns {
  std::vector<std::vector<std::pair<Eigen::Index, S>>> cols;
  bool empty() const { return cols.empty(); }
  static SparseColumns of(const Mat<S>& A) {
    SparseColumns sc;
    Eigen::Index nnz = 0;
    for (Eigen::Index i = 0; i < A.size(); ++i) nnz += A.data()[i] != 0;
    if (A.size() == 0 || 4 * nnz > A.size()) return sc;
    sc.cols.resize(std::size_t(A.cols()));
    for (Eigen::Index c = 0; c < A.cols(); ++c)
      for (Eigen::Index r = 0; r < A.rows(); ++r)
        if (A(r, c) != 0) sc.cols[std::size_t(c)].emplace_back(r, A(r, c));
    return sc;
  }
  template <class X, class Y> void add_product(Y&& y, const X& x) const {
    for (Eigen::Index c = 0; c < x.size(); ++c)
      if (x(c) != 0)
        for (const auto& [r, v] : cols[std::size_t(c)]) y(r) += x(c) * v;
  }
};

// y += A x through sp (A's nonzeros, built when A is sparse) when it was built, as add_matvec otherwise.
template <class S, class X> void add_matvec(Vec<S>& y, const Mat<S>& A, const SparseColumns<S>& sp, const X& x, bool sparse) {
  if (sp.empty()) add_matvec(y, A, x, sparse);
  else sp.add_product(y, x);
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

// What a Block needs besides its state, derived from the weights once per configuration and shared (read-only) by
// every Block of it, one per thread: the per-token tables (gate, Mamba-2's projections and Δ), the constant S6 step
// sizes when W_Δ = 0, and the nonzero pattern of the readout W_o.
template <class S> struct Prepared {
  const BlockWeights<S>* w = nullptr;
  bool sparse = true;       // sparsity shortcuts on (off: the straightforward dense pass)
  bool frozen = false;      // every λ = 0 (Ā = 1): h += φ ⊙ x̂ ⊗ B
  bool column_lambda = false;
  bool const_delta = false;  // S6 with W_Δ = 0: Δ = softplus(b_Δ) at every step
  Mat<S> gate_tok, u_tok, B_tok, C_tok;
  std::vector<S> delta2_tok;
  Vec<S> delta;  // the constant Δ (const_delta)
  // frozen: the input coefficient φ = input_coefficient(λ = 0, Δ) per channel when Δ does not depend on the token
  // (S4D: Δ = 1; S6 with W_Δ = 0), per token for Mamba-2 (scalar Δ); empty otherwise.
  Vec<S> phi;
  std::vector<S> phi2_tok;
  // The readout compressed: W_o y = W_u (P y), where W_u holds the distinct nonzero columns of W_o and P sums the
  // entries of y whose W_o columns are equal (cls[i] = index of channel i's column in W_u, -1 for a zero column).
  // Exact algebra; with one nonzero y entry per class (every construction here) the same rounding as W_o y.
  std::vector<Eigen::Index> cls;
  Eigen::Index live_lo = 0, live_hi = 0;  // the channels with a nonzero readout column lie in [live_lo, live_hi)
  // Gated: per token, whether its gate column is sparse (at most a quarter of the live rows nonzero) and its nonzeros.
  std::vector<char> gate_sparse;
  std::vector<std::vector<Eigen::Index>> gate_nz;
  Mat<S> W_u;
  SparseColumns<S> W_u_sp, W_B_sp, W_C_sp, W_delta_sp;  // the sparse ones among W_u and S6's W_B, W_C, W_Δ

  Prepared(const BlockWeights<S>& weights, bool sparse_) : w(&weights), sparse(sparse_) {
    const BlockWeights<S>& W = weights;
    const Mat<S> lam = W.mixer == MixerKind::mamba2 ? Mat<S>::Constant(W.d, W.N, W.lambda2) : W.lambda;
    frozen = sparse && W.mixer != MixerKind::delta_t;
    for (Eigen::Index i = 0; i < lam.size(); ++i) frozen = frozen && lam.data()[i] == 0;
    column_lambda = true;
    for (Eigen::Index n = 0; n < lam.cols(); ++n)
      for (Eigen::Index i = 1; i < lam.rows(); ++i) column_lambda = column_lambda && lam(i, n) == lam(0, n);
    const Eigen::Index V = W.E.cols();
    if (W.gated) {
      gate_tok = W.W_g.size() == 0 ? Mat<S>(W.E) : sparse_product(W.W_g, W.E);  // empty W_g: the identity
      for (Eigen::Index c = 0; c < V; ++c)
        for (Eigen::Index i = 0; i < W.d; ++i) gate_tok(i, c) = activate(W.gate_act, S(gate_tok(i, c) + W.b_g(i)), W.silu_scale);
    }
    if (W.mixer == MixerKind::mamba2) {
      u_tok = sparse_product(W.W_u, W.E);
      B_tok = sparse_product(W.W_Bin, W.E);
      C_tok = sparse_product(W.W_Cin, W.E);
      delta2_tok.resize(V);
      for (Eigen::Index c = 0; c < V; ++c) delta2_tok[c] = softplus(S(W.w_delta2.dot(W.E.col(c)) + W.b_delta2));
    }
    if (W.mixer == MixerKind::s6 || W.mixer == MixerKind::delta_t) {
      const_delta = sparse && W.W_delta.isZero(0);
      if (const_delta) delta = W.b_delta.unaryExpr([](const S& z) { return softplus(z); });
    }
    const Discretization<S> disc{W.disc, S(1)};
    if (frozen && (W.mixer == MixerKind::s4d || const_delta)) {
      phi.resize(W.d);
      for (Eigen::Index i = 0; i < W.d; ++i) phi(i) = input_coefficient(disc, S(0), W.mixer == MixerKind::s4d ? S(1) : delta(i));
    }
    if (frozen && W.mixer == MixerKind::mamba2)
      for (const S& dl : delta2_tok) phi2_tok.push_back(input_coefficient(disc, S(0), dl));
    live_hi = W.d;
    if (sparse) {
      compress_readout(W.W_o);
      if (W.gated) {
        gate_sparse.assign(std::size_t(V), 0);
        gate_nz.resize(std::size_t(V));
        for (Eigen::Index c = 0; c < V; ++c) {
          auto& nz = gate_nz[std::size_t(c)];
          for (Eigen::Index i = live_lo; i < live_hi; ++i)
            if (gate_tok(i, c) != 0) nz.push_back(i);
          gate_sparse[std::size_t(c)] = 4 * Eigen::Index(nz.size()) <= live_hi - live_lo;
          if (!gate_sparse[std::size_t(c)]) nz.clear();
        }
      }
      if (W.mixer == MixerKind::s6 || W.mixer == MixerKind::delta_t) {
        W_B_sp = SparseColumns<S>::of(W.W_B);
        W_C_sp = SparseColumns<S>::of(W.W_C);
        if (!const_delta) W_delta_sp = SparseColumns<S>::of(W.W_delta);
      }
    }
  }

private:
  void compress_readout(const Mat<S>& W_o) {
    cls.assign(std::size_t(W_o.cols()), -1);
    std::vector<Eigen::Index> reps;  // the first channel of each class
    std::unordered_map<std::size_t, std::vector<Eigen::Index>> by_hash;
    for (Eigen::Index i = 0; i < W_o.cols(); ++i) {
      if (W_o.col(i).isZero(0)) continue;
      std::size_t h = 0;
      for (Eigen::Index r = 0; r < W_o.rows(); ++r) h = h * 1000003u ^ std::hash<double>{}(double(W_o(r, i)));
      auto& bucket = by_hash[h];
      for (Eigen::Index c : bucket)
        if (W_o.col(reps[std::size_t(c)]) == W_o.col(i)) { cls[std::size_t(i)] = c; break; }
      if (cls[std::size_t(i)] < 0) {
        cls[std::size_t(i)] = Eigen::Index(reps.size());
        bucket.push_back(Eigen::Index(reps.size()));
        reps.push_back(i);
      }
    }
    live_lo = W_o.cols();
    live_hi = 0;
    for (Eigen::Index i = 0; i < W_o.cols(); ++i)
      if (cls[std::size_t(i)] >= 0) live_lo = std::min(live_lo, i), live_hi = i + 1;
    if (live_hi == 0) live_lo = 0;
    W_u.resize(W_o.rows(), Eigen::Index(reps.size()));
    for (std::size_t c = 0; c < reps.size(); ++c) W_u.col(Eigen::Index(c)) = W_o.col(reps[c]);
    W_u_sp = SparseColumns<S>::of(W_u);
  }
};

// Streams one token sequence through the block; `logits()` after `push(token)` gives the output at that position.
// Quantities that depend on the token alone (embedding, gate, Mamba-2's projections and Δ) come from the shared
// Prepared tables; when W_Δ = 0 the S6 step sizes are the constant softplus(b_Δ). `sparse = false` turns off the
// sparsity shortcuts (the straightforward dense forward pass, for the benchmark and as a cross-check).
template <class S> class Block {
public:
  explicit Block(const BlockWeights<S>& w, bool sparse = true) : Block(std::make_shared<const Prepared<S>>(w, sparse)) {}
  explicit Block(std::shared_ptr<const Prepared<S>> prep)
      : prep_(std::move(prep)), w_(*prep_->w), scan_(initial_lambda(w_), Discretization<S>{w_.disc, S(1)}) {
    if (prep_->const_delta) delta_ = prep_->delta;
    reset();
  }

  void reset() {
    scan_.state().setZero();
    const int K = std::max({w_.conv.K(), w_.conv_B.K(), w_.conv_C.K(), 1});
    hist_.assign(K, -1);  // -1: the zero padding before the sequence
  }

  // Advances by one token: embedding, convolution(s), mixer step; the output is computed lazily by `output()`.
  void push(int token) {
    token_ = token;
    std::rotate(hist_.begin(), hist_.begin() + 1, hist_.end());
    hist_.back() = token;
    if (w_.mixer == MixerKind::mamba2) {
      conv(xhat_, w_.conv, prep_->u_tok);  // x̂ = σ(conv_u(W_u x)), B = σ(conv_B(W_B x)), C = σ(conv_C(W_C x))
      conv(B_, w_.conv_B, prep_->B_tok);
      conv(C_, w_.conv_C, prep_->C_tok);
      delta2_ = prep_->delta2_tok[token];
    } else {
      conv_pair_cached();  // x̂ = σ(conv(x)) (14b)
      if (w_.mixer == MixerKind::s6 || w_.mixer == MixerKind::delta_t) {
        if (!prep_->const_delta) {
          Vec<S> z = w_.b_delta;
          add_matvec(z, w_.W_delta, prep_->W_delta_sp, xhat_, sparse());
          delta_ = z.unaryExpr([](const S& v) { return softplus(v); });
        }
        B_ = Vec<S>::Zero(w_.N);  // B = W_B x̂, C = W_C x̂ (14d-e)
        add_matvec(B_, w_.W_B, prep_->W_B_sp, xhat_, sparse());
        C_ = Vec<S>::Zero(w_.N);
        add_matvec(C_, w_.W_C, prep_->W_C_sp, xhat_, sparse());
      } else {
        if (delta_.size() != w_.d) delta_ = Vec<S>::Ones(w_.d);
        B_ = w_.B_s4d;
        C_ = w_.C_s4d;
      }
    }
    advance_mixer();
  }

  // ỹ_t (gated or not) at the current position. In the sparse pass only the live channels (Prepared::live_lo..hi)
  // are tracked, in the state and here; the others are zero (their readout columns are zero).
  Vec<S> output() const {
    Vec<S> y = Vec<S>::Zero(w_.d);
    const auto& h = scan_.state();
    if (!sparse()) y.noalias() = h * C_;  // y_t = h_t C_t (14g)
    else {
      const Eigen::Index lo = prep_->live_lo, len = prep_->live_hi - prep_->live_lo;
      for (Eigen::Index n = 0; n < C_.size(); ++n)
        if (C_(n) != 0) y.segment(lo, len) += C_(n) * h.col(n).segment(lo, len);
    }
    if (w_.gated) y = y.cwiseProduct(prep_->gate_tok.col(token_));  // ỹ_t = σ(Linear(x_t)) ⊙ y_t
    return y;
  }
  Vec<S> logits() const { return readouts(readout_input()).col(0); }

  // What the readout takes at the current position: ỹ in the dense pass; in the sparse pass P ỹ, the entries of ỹ
  // summed by readout column class (Prepared::cls), from the live rows only and, when the gate of the current
  // token is sparse, only where it is nonzero. Each ỹ_i is the same sum Σ_n C_n h_in (times the gate) as output().
  Vec<S> readout_input() const {
    if (!sparse()) return output();
    const auto& P = *prep_;
    const auto& h = scan_.state();
    Vec<S> yc = Vec<S>::Zero(P.W_u.cols());
    const Eigen::Index lo = P.live_lo, len = P.live_hi - P.live_lo;
    if (w_.gated && P.gate_sparse[std::size_t(token_)]) {
      for (const Eigen::Index i : P.gate_nz[std::size_t(token_)]) {
        if (P.cls[std::size_t(i)] < 0) continue;
        S y = 0;
        for (Eigen::Index n = 0; n < C_.size(); ++n)
          if (C_(n) != 0) y += C_(n) * h(i, n);
        y = y * P.gate_tok(i, token_);
        if (y != 0) yc(P.cls[std::size_t(i)]) += y;
      }
      return yc;
    }
    Vec<S> y = Vec<S>::Zero(len);
    for (Eigen::Index n = 0; n < C_.size(); ++n)
      if (C_(n) != 0) y += C_(n) * h.col(n).segment(lo, len);
    if (w_.gated) y = y.cwiseProduct(P.gate_tok.col(token_).segment(lo, len));
    for (Eigen::Index i = 0; i < len; ++i)
      if (P.cls[std::size_t(lo + i)] >= 0 && y(i) != 0) yc(P.cls[std::size_t(lo + i)]) += y(i);
    return yc;
  }

  // logits = W_o ỹ + b_o for several positions at once, the columns of Y being their readout_input()s. Sparse pass:
  // W_u (P ỹ), as one matrix product when W_u is dense (a JL readout: W_u is streamed once for all the queries of a
  // sequence instead of once per query), through W_u's nonzeros when it is sparse. Dense pass: W_o ỹ.
  Mat<S> readouts(const Mat<S>& Y) const {
    Mat<S> Z;
    const auto& P = *prep_;
    if (!sparse()) Z.noalias() = w_.W_o * Y;
    else if (P.W_u.cols() == 0) Z = Mat<S>::Zero(P.W_u.rows(), Y.cols());
    else if (P.W_u_sp.empty()) Z.noalias() = P.W_u * Y;
    else {
      Z = Mat<S>::Zero(P.W_u.rows(), Y.cols());
      for (Eigen::Index q = 0; q < Y.cols(); ++q) P.W_u_sp.add_product(Z.col(q), Y.col(q));
    }
    Z.colwise() += w_.b_o;
    return Z;
  }

  const Mat<S>& state() const { return scan_.state(); }
  const Vec<S>& xhat() const { return xhat_; }
  const Vec<S>& B() const { return B_; }
  const Vec<S>& C() const { return C_; }
  // σ_g(W_g x + b_g) for a token (only when gated).
  auto gate(int token) const { return prep_->gate_tok.col(token); }
  const Prepared<S>& prepared() const { return *prep_; }
  bool sparse() const { return prep_->sparse; }

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
  // out = σ(bias + Σ_k W[k] ⊙ table.col(x_{t-(K-1)+k})), the token history read through a per-token table (the
  // embedding, or Mamba-2's W_u E, W_B E, W_C E); positions before the sequence contribute nothing.
  void conv(Vec<S>& out, const Conv<S>& c, const Mat<S>& table) const {
    const int K = c.K(), H = int(hist_.size());
    if (K == 2 && hist_[H - 2] >= 0) {  // the size-2 convolution of every construction, in one pass
      out = c.bias + c.W[0].cwiseProduct(table.col(hist_[H - 2])) + c.W[1].cwiseProduct(table.col(hist_[H - 1]));
    } else {
      out = c.bias;
      for (int k = 0; k < K; ++k)
        if (hist_[H - K + k] >= 0) out += c.W[k].cwiseProduct(table.col(hist_[H - K + k]));
    }
    if (c.act == Act::relu) out = out.cwiseMax(S(0));
    else if (c.act == Act::silu)
      for (Eigen::Index i = 0; i < out.size(); ++i) out(i) = activate(c.act, out(i), w_.silu_scale);
  }
  // x̂ = σ(conv(x)) through the pair cache: in the sparse pass with a size-2 convolution x̂_t depends on
  // (x_{t-1}, x_t) alone, and where it has at most d/4 nonzeros (every construction here after the ReLU, but for a
  // few pairs) its nonzeros are kept the first time the pair occurs and scattered back afterwards: the same numbers
  // without the d-wide convolution. At most kPairPool cached nonzeros per Block; pairs beyond are recomputed.
  static constexpr std::size_t kPairKeys = std::size_t(1) << 22, kPairPool = std::size_t(1) << 22;
  void conv_pair_cached() {
    const bool was_known = xnz_known_;  // xnz_ lists every nonzero of the current xhat_
    xnz_known_ = false;
    const Eigen::Index V = w_.E.cols();
    const int H = int(hist_.size());
    if (!sparse() || w_.conv.K() != 2 || H < 2 || std::size_t(V + 1) * std::size_t(V) > kPairKeys) {
      conv(xhat_, w_.conv, w_.E);
      return;
    }
    const std::size_t key = std::size_t(hist_[H - 2] + 1) * std::size_t(V) + std::size_t(hist_.back());
    if (pair_.empty()) pair_.assign(std::size_t(V + 1) * std::size_t(V), PairEntry{});
    PairEntry& e = pair_[key];
    if (e.state == PairEntry::cached) {
      if (was_known && xhat_.size() == w_.d)
        for (const Eigen::Index i : xnz_) xhat_(i) = 0;  // only the previous nonzeros
      else
        xhat_.setZero(w_.d);
      xnz_.clear();
      for (std::uint32_t k = e.off; k < e.off + e.len; ++k) {
        xhat_(pair_pool_[k].first) = pair_pool_[k].second;
        xnz_.push_back(pair_pool_[k].first);
      }
      xnz_known_ = true;
      return;
    }
    conv(xhat_, w_.conv, w_.E);
    if (e.state == PairEntry::unknown) {
      Eigen::Index nnz = 0;
      for (Eigen::Index i = 0; i < xhat_.size(); ++i) nnz += xhat_(i) != 0;
      if (4 * nnz > xhat_.size() || pair_pool_.size() + std::size_t(nnz) > kPairPool) {
        e.state = PairEntry::uncached;
        return;
      }
      e.state = PairEntry::cached;
      e.off = std::uint32_t(pair_pool_.size());
      e.len = std::uint32_t(nnz);
      for (Eigen::Index i = 0; i < xhat_.size(); ++i)
        if (xhat_(i) != 0) pair_pool_.emplace_back(i, xhat_(i));
    }
  }

  void advance_mixer() {
    auto& h = scan_.state();
    if (prep_->frozen) {
      // Ā = 1: h += (φ ⊙ x̂) ⊗ B with φ = input_coefficient(λ = 0, Δ) = Δ (zoh, euler) or 1 (basis): a rank-1 update
      // of the live rows over the nonzero B_n, through x̂'s nonzeros when x̂ is sparse; the same products (φ_i x̂_i) B_n
      // as the scan.
      const auto& P = *prep_;
      const Eigen::Index lo = P.live_lo, len = P.live_hi - P.live_lo;
      const auto x = xhat_.segment(lo, len);
      nz_.clear();  // the nonzeros of x̂ among the live rows: from the pair cache when it supplied x̂, else found here
      if (xnz_known_) {
        for (const Eigen::Index i : xnz_)
          if (i >= lo && i < lo + len) nz_.push_back(i - lo);
      } else {
        for (Eigen::Index i = 0; i < len; ++i)
          if (x(i) != 0) nz_.push_back(i);
      }
      if (nz_.empty()) return;
      const Discretization<S> disc{w_.disc, S(1)};
      auto phi = [&](Eigen::Index i) -> S {  // input_coefficient(λ = 0, Δ) of live row i
        if (P.phi.size() > 0) return P.phi(lo + i);
        if (!P.phi2_tok.empty()) return P.phi2_tok[std::size_t(token_)];
        return input_coefficient(disc, S(0), delta_(lo + i));
      };
      if (4 * Eigen::Index(nz_.size()) <= len) {
        vals_.resize(nz_.size());
        for (std::size_t k = 0; k < nz_.size(); ++k) vals_[k] = phi(nz_[k]) * x(nz_[k]);
        for (Eigen::Index n = 0; n < B_.size(); ++n)
          if (B_(n) != 0)
            for (std::size_t k = 0; k < nz_.size(); ++k) h(lo + nz_[k], n) += vals_[k] * B_(n);
        return;
      }
      if (P.phi.size() > 0) v_ = P.phi.segment(lo, len).cwiseProduct(x);
      else if (!P.phi2_tok.empty()) v_ = P.phi2_tok[std::size_t(token_)] * x;
      else {
        v_ = Vec<S>::Zero(len);
        for (const Eigen::Index i : nz_) v_(i) = phi(i) * x(i);
      }
      for (Eigen::Index n = 0; n < B_.size(); ++n)
        if (B_(n) != 0) h.col(n).segment(lo, len) += v_ * B_(n);
      return;
    }
    if (w_.mixer == MixerKind::delta_t) {
      // Δ_n along the state dimension: with λ constant down each column (checked), Ā_n = exp(−λ_n Δ_n) is computed
      // once per column; the same products as DiagonalScan::step entry by entry.
      const Discretization<S> disc{w_.disc, S(1)};
      if (prep_->column_lambda) {
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

  std::shared_ptr<const Prepared<S>> prep_;
  const BlockWeights<S>& w_;
  DiagonalScan<S> scan_;
  std::vector<Eigen::Index> nz_, xnz_;
  std::vector<S> vals_;
  bool xnz_known_ = false;  // xnz_ lists the nonzeros of x̂ (set by the pair cache)
  Vec<S> v_;
  std::vector<int> hist_;
  struct PairEntry {
    enum State : std::uint8_t { unknown, cached, uncached };
    std::uint32_t off = 0, len = 0;
    State state = unknown;
  };
  std::vector<PairEntry> pair_;
  std::vector<std::pair<Eigen::Index, S>> pair_pool_;
  Vec<S> xhat_, delta_, B_, C_;
  S delta2_ = 0;
  int token_ = 0;
};

}  // namespace ssmcheck::model
