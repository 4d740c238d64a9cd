// Certified worst-case margins of the MQAR constructions (Theorems 2–4) over every input of the task's format, derived
// from the weights. In all three constructions λ = 0 and Δ = 1, so with size-2 convolutions
//     y_t = Σ_{s ≤ t} x̂(x_{s−1}, x_s) ⟨B(x_{s−1}, x_s), C(x_{t−1}, x_t)⟩      (Mamba, Mamba-2; 14f–g with Ā = 1)
//     ỹ_t = g(x_t) ⊙ Σ_{s ≤ t} x̂(x_{s−1}, x_s)                                (S4D mixer with B = C = 1 and the gate)
// and the logit margin at a query is a sum of one term per adjacent token pair. Each function below
//   1. computes the pair features x̂, B, C, g from the weights with the block's own forward pass and checks, exactly,
//      the structural zeros its derivation uses (which pairs cannot write to the column a query reads); if a check
//      fails (e.g. SiLU, whose σ(z) ≠ 0 for z < 0) the certificate is "not applicable" and says which check failed;
//   2. minimises the remaining sum over every free choice of the format (values of the other pairs, which keys were
//      queried before and what follows them, the token before the query) — independent choices, so the minimum is
//      exact for sequences long enough to make every choice (T ≥ 4κ) and a lower bound otherwise;
//   3. builds the input that attains it (the witness) for the caller to run through the real block.
// The minimisation runs in double over V×V tables; its rounding is bounded (`screen_error`) and a certificate counts
// only when margin > screen_error. The caller evaluates the witness in the working precision.
#pragma once

#include <ssmcheck/claims/mqar_construction.hpp>

#include <Eigen/Dense>

#include <limits>
#include <optional>

namespace ssmcheck::mqar {

struct Certificate {
  bool applicable = false;
  std::string why_not;          // the failed structural check
  double margin = 0;            // min over all inputs of the format (long enough), of the query margin
  double screen_error = 0;      // bound on the rounding of `margin`
  std::string worst;            // where the minimum sits (query key, target, competitor, context)
  std::vector<int> witness;     // tokens of an input attaining it
  int witness_query = -1;       // the query position in the witness
  int witness_target = -1;      // value index the query must return
  bool certified() const { return applicable && margin > screen_error; }
};

namespace detail_cert {

using MatD = Eigen::MatrixXd;
using VecD = Eigen::VectorXd;
constexpr int kPad = -1;

struct Features {
  VecD xhat, B, C;
};

inline Features features(model::Block<double>& blk, int prev, int cur) {
  blk.pair_features(prev, cur);
  return {blk.xhat(), blk.B(), blk.C()};
}

// Rounding bound of a sum of `terms` products each bounded by `scale`, accumulated over `len`-long dot products.
inline double screen_bound(double scale, int len, int terms) { return 4.0 * (len + terms + 8) * 0x1.0p-53 * scale * terms; }

// For (j, l) of the V×V table W (W(j, m) − W(l, m)): min over m and argmin; max likewise.
struct MinMax {
  MatD lo, hi;
  Eigen::MatrixXi arglo, arghi;
};
inline MinMax row_difference_extrema(const MatD& W) {
  const Eigen::Index V = W.rows(), M = W.cols();
  MinMax r{MatD(V, V), MatD(V, V), Eigen::MatrixXi(V, V), Eigen::MatrixXi(V, V)};
  for (Eigen::Index j = 0; j < V; ++j)
    for (Eigen::Index l = 0; l < V; ++l) {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      int alo = 0, ahi = 0;
      for (Eigen::Index m = 0; m < M; ++m) {
        const double v = W(j, m) - W(l, m);
        if (v < lo) { lo = v; alo = int(m); }
        if (v > hi) { hi = v; ahi = int(m); }
      }
      r.lo(j, l) = lo;
      r.hi(j, l) = hi;
      r.arglo(j, l) = alo;
      r.arghi(j, l) = ahi;
    }
  return r;
}

// The witness layout: pairs (key, value) in the given order, then the query region, padded with value 0 to length T.
inline std::vector<int> layout(const Task& t, const std::vector<std::pair<int, int>>& pairs, const std::vector<int>& region) {
  std::vector<int> s;
  for (auto [k, v] : pairs) {
    s.push_back(key_token(t, k));
    s.push_back(value_token(t, v));
  }
  s.insert(s.end(), region.begin(), region.end());
  while (int(s.size()) < t.T) s.push_back(value_token(t, 0));
  return s;
}

inline std::string fail(Certificate& c, std::string why) {
  c.applicable = false;
  c.why_not = std::move(why);
  return c.why_not;
}

}  // namespace detail_cert

// Theorem 2 (Mamba, no gate). Keys one-hot on κ coordinates, B = C = key part of x̂. With ReLU the key part of x̂ is
// α0 e_a for (k_a, ·), α1 e_b for (·, k_b) and 0 for value-value pairs, so a query k_i after token p reads column i
// (and column p when p is a key); only pairs touching key i (or p) enter. Margin for target j versus l:
//   case A (p a value):  Δb + α0α1 H(R_j) + α1² min H(Z ∪ pad) + α1² min H(Z)
//   case B (p = k_p):    case A's first two terms + α0² min H(R) + α1α0 min H(Z ∪ pad) + α1α0 min H(Z ∪ z_kk)
//                        + (α0² + α1²) H(z_kk)
// with H(x) = ⟨r_j − r_l, x⟩, R_m = x̂(k, v_m), Z_m = x̂(v_m, k), z_kk = x̂(k, k'), r the readout rows.
inline Certificate certify_mamba(const Task& t, const BlockWeights<double>& w) {
  using namespace detail_cert;
  Certificate c;
  const int K = t.kappa, V = t.vocab;
  if (w.conv.act != Act::relu) return fail(c, "the derivation needs ReLU's exact zeros (sigma = silu writes every pair)"), c;
  model::Block<double> blk(w);
  const Eigen::Index d = w.d;
  // Key coordinates: the support of the key embeddings; the readout must not read them.
  std::vector<bool> keycoord(d, false);
  for (int a = 0; a < K; ++a)
    for (Eigen::Index r = 0; r < d; ++r) keycoord[r] = keycoord[r] || w.E(r, key_token(t, a)) != 0;
  for (Eigen::Index r = 0; r < d; ++r)
    if (keycoord[r] && !w.W_o.col(r).isZero(0)) return fail(c, "the readout reads a key coordinate"), c;
  auto unit = [&](int a) { VecD e = VecD::Zero(w.N); e(a) = 1; return e; };
  const Features f0 = features(blk, key_token(t, 0), value_token(t, 0));
  const double a0 = f0.B(0);
  const Features fpad = features(blk, kPad, key_token(t, 0));
  const double a1 = fpad.B(0);
  MatD R(d, V), Z(d, V);
  for (int m = 0; m < V; ++m) {
    for (int a = 0; a < K; ++a) {
      const Features kv = features(blk, key_token(t, a), value_token(t, m));
      if (kv.B != a0 * unit(a) || kv.C != kv.B) return fail(c, "B(k_a, v_m) != alpha0 e_a"), c;
      if (a == 0) R.col(m) = kv.xhat;
      for (Eigen::Index r = 0; r < d; ++r)  // x̂(k_a, v_m) may depend on a only on key coordinates (unread)
        if (!keycoord[r] && kv.xhat(r) != R(r, m)) return fail(c, "x_hat(k_a, v_m) depends on a off the key coordinates"), c;
      const Features vk = features(blk, value_token(t, m), key_token(t, a));
      if (vk.B != a1 * unit(a)) return fail(c, "B(v_m, k_a) != alpha1 e_a"), c;
      if (a == 0) Z.col(m) = vk.xhat;
    }
  }
  // Value-value pairs: x̂ ≤ ReLU(c0 v_max + c1 v_max − b) coordinatewise (c0, c1 ≥ 0) and B = W_B x̂ with W_B ≥ 0.
  {
    VecD vmax = VecD::Constant(d, -std::numeric_limits<double>::infinity());
    for (int m = 0; m < V; ++m) vmax = vmax.cwiseMax(w.E.col(value_token(t, m)));
    if ((w.conv.W[0].array() < 0).any() || (w.conv.W[1].array() < 0).any() || (w.W_B.array() < 0).any())
      return fail(c, "conv weights and W_B must be nonnegative"), c;
    const VecD ub = (w.conv.W[0].cwiseProduct(vmax) + w.conv.W[1].cwiseProduct(vmax) + w.conv.bias).cwiseMax(0.0);
    if (!(w.W_B * ub).isZero(0)) return fail(c, "a value-value pair writes the state"), c;
  }
  VecD zkk = VecD::Zero(d);
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b) {
      if (a == b) continue;
      const Features kk = features(blk, key_token(t, a), key_token(t, b));
      if (kk.B != a0 * unit(a) + a1 * unit(b)) return fail(c, "B(k_a, k_b) != alpha0 e_a + alpha1 e_b"), c;
      zkk = kk.xhat;
    }
  if (K < 2) zkk.setZero();
  const MatD WR = w.W_o * R, WZ = w.W_o * Z;
  const VecD wpad = w.W_o * fpad.xhat, wkk = w.W_o * zkk;
  const MinMax mR = row_difference_extrema(WR), mZ = row_difference_extrema(WZ);
  c.applicable = true;
  c.margin = std::numeric_limits<double>::infinity();
  double scale = 0;
  for (const MatD* M : {&WR, &WZ}) scale = std::max(scale, M->cwiseAbs().maxCoeff());
  scale = std::max({scale, wpad.cwiseAbs().maxCoeff(), wkk.cwiseAbs().maxCoeff()}) * std::max({a0 * a0, a1 * a1, a0 * a1, 1.0}) +
          w.b_o.cwiseAbs().maxCoeff();
  c.screen_error = screen_bound(scale, int(d), 10);
  struct Best { double m; int j, l; bool caseB; };
  Best best{std::numeric_limits<double>::infinity(), 0, 1, false};
  for (int j = 0; j < V; ++j)
    for (int l = 0; l < V; ++l) {
      if (l == j) continue;
      const double db = w.b_o(j) - w.b_o(l), hRj = WR(j, j) - WR(l, j);
      const double hpad = wpad(j) - wpad(l), minZp = std::min(hpad, mZ.lo(j, l)), minZ = mZ.lo(j, l);
      const double hkk = wkk(j) - wkk(l);
      const double A = db + a0 * a1 * hRj + a1 * a1 * minZp + a1 * a1 * minZ;
      if (A < best.m) best = {A, j, l, false};
      if (K >= 2) {
        const double B = db + a0 * a1 * hRj + a1 * a1 * minZp + a0 * a0 * mR.lo(j, l) + a1 * a0 * minZp +
                         a1 * a0 * std::min(minZ, hkk) + (a0 * a0 + a1 * a1) * hkk;
        if (B < best.m) best = {B, j, l, true};
      }
    }
  c.margin = best.m;
  const int j = best.j, l = best.l, i = 0, p = 1;
  const bool pad_first = wpad(j) - wpad(l) <= mZ.lo(j, l);
  const int zarg = mZ.arglo(j, l);
  c.witness_target = j;
  if (!best.caseB) {
    // pairs: i first (padding before it) or after a pair whose value is the minimising Z; the query follows value zarg.
    std::vector<std::pair<int, int>> pairs;
    if (!pad_first && K >= 2) pairs.push_back({1, zarg});
    pairs.push_back({i, j});
    for (int a = 1; a < K; ++a)
      if (pad_first || a != 1) pairs.push_back({a, 0});
    std::vector<int> region{value_token(t, zarg), key_token(t, i)};
    for (int a = 1; a < K; ++a) region.push_back(key_token(t, a));
    c.witness = layout(t, pairs, region);
    c.witness_query = 2 * K + 1;
    c.worst = fmt::format("query k_i after a value: target v{}, competitor v{}", j, l);
  } else {
    // pairs: [pre] i, others, p last with value argmin R; query region: x_{t-2}, k_p, k_i.
    const int mp = mR.arglo(j, l);
    const bool kk_before = wkk(j) - wkk(l) < mZ.lo(j, l) && K >= 3;
    std::vector<std::pair<int, int>> pairs;
    const int pre = K >= 3 ? 2 : -1;
    if (!pad_first && pre >= 0) pairs.push_back({pre, zarg});
    pairs.push_back({i, j});
    for (int a = 2; a < K; ++a)
      if (a != pre || pad_first) pairs.push_back({a, zarg});
    pairs.push_back({p, mp});
    std::vector<int> region;
    region.push_back(kk_before ? key_token(t, 2) : value_token(t, zarg));
    region.push_back(key_token(t, p));
    region.push_back(key_token(t, i));
    for (int a = 2; a < K; ++a)
      if (!(kk_before && a == 2)) region.push_back(key_token(t, a));
    c.witness = layout(t, pairs, region);
    c.witness_query = 2 * K + 2;
    c.worst = fmt::format("query k_i right after the query k_p (adjacent keys): target v{}, competitor v{}, p's value v{}", j, l, mp);
  }
  return c;
}

// Theorem 3 (Mamba-2, no gate): x̂_t = σ(x_t), B_t = σ(keys(x_{t−1})), C_t = σ(keys(x_t)), so for any σ with σ(0) = 0
//   logit_l = b_l + Σ_{(k_a, v_m) adjacent} ⟨r_l, X(v_m)⟩ K(a, i),     K(a, i) = ⟨B(k_a), C(k_i)⟩.
// Each other key contributes its pair-region value and, if queried before and followed by a value, that value too:
//   margin(i, j, l) = Δb + H_j K(i,i) + Σ_{a≠i} T_a + Σ_{a≠i} min(0, T_a),  T_a = K(a,i) · (min or max)_m H_m.
inline Certificate certify_mamba2(const Task& t, const BlockWeights<double>& w) {
  using namespace detail_cert;
  Certificate c;
  const int K = t.kappa, V = t.vocab;
  if (!w.conv.W[0].isZero(0) || !w.conv_C.W[0].isZero(0) || !w.conv_B.W[1].isZero(0))
    return fail(c, "conv_u and conv_C must read x_t only and conv_B x_(t-1) only"), c;
  if (!w.conv.bias.isZero(0) || !w.conv_B.bias.isZero(0) || !w.conv_C.bias.isZero(0)) return fail(c, "nonzero conv bias"), c;
  model::Block<double> blk(w);
  MatD X(w.d, V), Bk(w.N, K), Ck(w.N, K);
  for (int m = 0; m < V; ++m) {
    const Features f = features(blk, kPad, value_token(t, m));
    X.col(m) = f.xhat;
    if (!features(blk, value_token(t, m), value_token(t, 0)).B.isZero(0)) return fail(c, "a value writes B"), c;
  }
  for (int a = 0; a < K; ++a) {
    const Features f = features(blk, key_token(t, a), value_token(t, 0));
    Bk.col(a) = f.B;
    const Features q = features(blk, kPad, key_token(t, a));
    Ck.col(a) = q.C;
    if (!(w.W_o * q.xhat).isZero(0)) return fail(c, "a key's x_hat reaches the readout"), c;
  }
  const MatD Kg = Bk.transpose() * Ck;  // K(a, i)
  const MatD WX = w.W_o * X;
  const MinMax mX = row_difference_extrema(WX);
  c.applicable = true;
  const double scale = WX.cwiseAbs().maxCoeff() * std::max(1.0, Kg.cwiseAbs().maxCoeff()) + w.b_o.cwiseAbs().maxCoeff();
  c.screen_error = screen_bound(scale, int(w.d), 2 * K + 2);
  VecD P = VecD::Zero(K), Nn = VecD::Zero(K);
  for (int i = 0; i < K; ++i)
    for (int a = 0; a < K; ++a)
      if (a != i) (Kg(a, i) >= 0 ? P(i) : Nn(i)) += Kg(a, i);
  double best = std::numeric_limits<double>::infinity();
  int bi = 0, bj = 0, bl = 1;
  for (int i = 0; i < K; ++i)
    for (int j = 0; j < V; ++j)
      for (int l = 0; l < V; ++l) {
        if (l == j) continue;
        const double lo = mX.lo(j, l), hi = mX.hi(j, l);
        const double m = w.b_o(j) - w.b_o(l) + (WX(j, j) - WX(l, j)) * Kg(i, i) + (lo + std::min(0.0, lo)) * P(i) +
                         (hi + std::max(0.0, hi)) * Nn(i);
        if (m < best) { best = m; bi = i; bj = j; bl = l; }
      }
  c.margin = best;
  c.witness_target = bj;
  std::vector<std::pair<int, int>> pairs;
  std::vector<int> region, after;
  for (int a = 0; a < K; ++a) {
    if (a == bi) { pairs.push_back({a, bj}); continue; }
    const double k = Kg(a, bi);
    const int m = k >= 0 ? mX.arglo(bj, bl) : mX.arghi(bj, bl);
    pairs.push_back({a, m});
    const double Ta = k * (k >= 0 ? mX.lo(bj, bl) : mX.hi(bj, bl));
    if (Ta < 0) {
      region.push_back(key_token(t, a));
      region.push_back(value_token(t, m));
    } else {
      after.push_back(key_token(t, a));
    }
  }
  c.witness_query = 2 * K + int(region.size());
  region.push_back(key_token(t, bi));
  region.insert(region.end(), after.begin(), after.end());
  c.witness = layout(t, pairs, region);
  c.worst = fmt::format("query k{}: target v{}, competitor v{}; every other key's value and post-query noise chosen adversarially", bi, bj, bl);
  return c;
}

// Theorem 4 (Mamba with S4D mixer, gate kept). With ReLU and c0, c1 ≥ 0, a pair writes nothing unless it is
// (key, value) (checked from upper bounds of the embeddings per coordinate), and the gate g(k_i) passes only
// coordinates that no (k_a, ·) pair with a ≠ i writes (checked likewise). Then
//   margin(i, j, l) = Δb + ⟨r_j − r_l, g(k_i) ⊙ x̂(k_i, v_j)⟩   exactly, for every input of the format.
inline Certificate certify_s4d(const Task& t, const BlockWeights<double>& w) {
  using namespace detail_cert;
  Certificate c;
  const int K = t.kappa, V = t.vocab;
  const Eigen::Index d = w.d;
  if (w.conv.act != Act::relu) return fail(c, "the derivation needs ReLU's exact zeros (sigma = silu writes every pair)"), c;
  if (w.conv.K() != 2 || (w.conv.W[0].array() < 0).any() || (w.conv.W[1].array() < 0).any())
    return fail(c, "the conv weights must be nonnegative, kernel size 2"), c;
  VecD vmax = VecD::Constant(d, -std::numeric_limits<double>::infinity()), kmax = vmax;
  for (int m = 0; m < V; ++m) vmax = vmax.cwiseMax(w.E.col(value_token(t, m)));
  for (int a = 0; a < K; ++a) kmax = kmax.cwiseMax(w.E.col(key_token(t, a)));
  auto silent = [&](const VecD& prev_max, const VecD& cur_max) {  // ReLU(c0 prev + c1 cur + bias) = 0 everywhere
    return ((w.conv.W[0].cwiseProduct(prev_max) + w.conv.W[1].cwiseProduct(cur_max) + w.conv.bias).array() <= 0).all();
  };
  if (!silent(vmax, vmax)) return fail(c, "a value-value pair passes the convolution"), c;
  if (!silent(vmax, kmax)) return fail(c, "a value-key pair passes the convolution"), c;
  if (!silent(VecD::Zero(d), kmax)) return fail(c, "the first key passes the convolution"), c;
  model::Block<double> blk(w);
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b)
      if (a != b && !features(blk, key_token(t, a), key_token(t, b)).xhat.isZero(0)) return fail(c, "a key-key pair passes the convolution"), c;
  // The gate of k_i against what (k_a, ·) writes for a ≠ i.
  std::vector<std::vector<Eigen::Index>> support(K);
  for (int i = 0; i < K; ++i) {
    const VecD g = blk.gate(key_token(t, i));
    for (Eigen::Index r = 0; r < d; ++r)
      if (g(r) != 0) support[i].push_back(r);
  }
  for (int a = 0; a < K; ++a) {
    const VecD ub = (w.conv.W[0].cwiseProduct(w.E.col(key_token(t, a))) + w.conv.W[1].cwiseProduct(vmax) + w.conv.bias).cwiseMax(0.0);
    for (int i = 0; i < K; ++i)
      if (i != a)
        for (Eigen::Index r : support[i])
          if (ub(r) > 0) return fail(c, "key i's gate reads a coordinate another key's pair writes"), c;
  }
  c.applicable = true;
  double best = std::numeric_limits<double>::infinity(), scale = w.b_o.cwiseAbs().maxCoeff();
  int bi = 0, bj = 0, bl = 1;
  for (int i = 0; i < K; ++i) {
    const auto& sup = support[i];
    const Eigen::Index n = Eigen::Index(sup.size());
    MatD Y(n, V), Wo(V, n);
    const VecD g = blk.gate(key_token(t, i));
    for (int m = 0; m < V; ++m) {
      const Features f = features(blk, key_token(t, i), value_token(t, m));
      for (Eigen::Index r = 0; r < n; ++r) Y(r, m) = g(sup[r]) * f.xhat(sup[r]);
    }
    for (Eigen::Index r = 0; r < n; ++r) Wo.col(r) = w.W_o.col(sup[r]);
    const MatD WY = Wo * Y;
    scale = std::max(scale, WY.cwiseAbs().maxCoeff());
    for (int j = 0; j < V; ++j)
      for (int l = 0; l < V; ++l) {
        if (l == j) continue;
        const double m = w.b_o(j) - w.b_o(l) + WY(j, j) - WY(l, j);
        if (m < best) { best = m; bi = i; bj = j; bl = l; }
      }
  }
  c.margin = best;
  c.screen_error = screen_bound(scale, int(d), 3);
  c.witness_target = bj;
  std::vector<std::pair<int, int>> pairs;
  for (int a = 0; a < K; ++a) pairs.push_back({a, a == bi ? bj : 0});
  std::vector<int> region{key_token(t, bi)};
  for (int a = 0; a < K; ++a)
    if (a != bi) region.push_back(key_token(t, a));
  c.witness = layout(t, pairs, region);
  c.witness_query = 2 * K;
  c.worst = fmt::format("query k{}: target v{}, competitor v{} (the margin does not depend on the rest of the input)", bi, bj, bl);
  return c;
}

inline Certificate certify(const Task& t, const BlockWeights<double>& w) {
  if (t.iid_keys) {
    Certificate c;
    c.why_not = "i.i.d. keys: duplicate keys make the task ill-posed; certificates are for distinct keys";
    return c;
  }
  switch (w.mixer) {
    case MixerKind::s6: return certify_mamba(t, w);
    case MixerKind::mamba2: return certify_mamba2(t, w);
    case MixerKind::s4d: return certify_s4d(t, w);
    case MixerKind::delta_t: break;
  }
  return {};
}

// ------------------------------------------------------------------------------------------ exhaustive check

// Every input of the format of length T (key order, values, query positions and order, noise values), for tiny κ
// and |V|: calls fn(sequence) for each. Returns the count.
template <class F> long for_each_input(const Task& t, F&& fn) {
  const int K = t.kappa, V = t.vocab, L = t.T - 2 * K;
  std::vector<int> order(K);
  std::iota(order.begin(), order.end(), 0);
  long count = 0;
  do {
    // values of the pairs: V^K
    std::vector<int> v(K, 0);
    for (;;) {
      Sequence base;
      for (int i = 0; i < K; ++i) {
        base.tokens.push_back(key_token(t, order[i]));
        base.tokens.push_back(value_token(t, v[i]));
      }
      std::vector<int> answer(K);
      for (int i = 0; i < K; ++i) answer[order[i]] = v[i];
      // query region: choose which of the L slots hold queries (bitmask with K ones), the query order, the noise.
      for (long mask = 0; mask < (1L << L); ++mask) {
        if (__builtin_popcountl(mask) != K) continue;
        std::vector<int> qorder(K);
        std::iota(qorder.begin(), qorder.end(), 0);
        do {
          std::vector<int> noise(L - K, 0);
          for (;;) {
            Sequence s = base;
            int qi = 0, ni = 0;
            for (int p = 0; p < L; ++p) {
              if (mask >> p & 1) {
                s.query_pos.push_back(int(s.tokens.size()));
                s.target.push_back(answer[qorder[qi]]);
                s.tokens.push_back(key_token(t, qorder[qi++]));
              } else {
                s.tokens.push_back(value_token(t, noise[ni++]));
              }
            }
            fn(s);
            ++count;
            int k = 0;
            while (k < L - K && ++noise[k] == V) noise[k++] = 0;
            if (k == L - K) break;
          }
        } while (std::next_permutation(qorder.begin(), qorder.end()));
      }
      int k = 0;
      while (k < K && ++v[k] == V) v[k++] = 0;
      if (k == K) break;
    }
  } while (std::next_permutation(order.begin(), order.end()));
  return count;
}

// Number of inputs for_each_input visits (to refuse sizes that would not finish).
inline double count_inputs(const Task& t) {
  const int K = t.kappa, V = t.vocab, L = t.T - 2 * K;
  double f = 1, c = 1;
  for (int i = 2; i <= K; ++i) f *= i;
  for (int i = 0; i < K; ++i) c = c * (L - i) / (i + 1);
  return f * std::pow(double(V), K) * c * f * std::pow(double(V), L - K);
}

}  // namespace ssmcheck::mqar
