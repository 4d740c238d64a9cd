// lem3-induction — Lemma 3 (App. C.2): a 1-layer Mamba with the Mamba-Δᵀ mixer (eq. 15) solves INDUCTION HEADS,
// y_t = x_{j(t)+1} with j(t) = max{j < t : x_j = x_t}, with d = 2|V| and N = |V|. The construction runs through the
// same block as the MQAR theorems (model/block.hpp), with the mixer switched to Mamba-Δᵀ; beside it, the same
// weights in the ordinary Mamba mixer (Δ along the embedding dimension).
//
// Column n of the state is written when the previous token is n (B = [I|0] x̂ = e_{x_{t−1}}) with x̂ = [e_n; e_{x_t}];
// at that step Δ_n = softplus(w_Δ) flushes it (Ā = f = e^{−softplus(w_Δ)}), at other steps it decays by
// a = e^{−softplus(b)} with b the Δ pre-activation of a non-key column: b = 0 as printed (a = 1/2), or b = −w_Δ in
// the corrected variant (a → 1). A query x_t = n reads column n (C = [0|I] x̂ = e_{x_t}) through W_o = [0|I]; after the
// last write, G steps earlier, the target entry is φ a^G and every other entry at most φ a^G f/(1 − f), so
//   margin ≥ φ a^G (1 − 2f)/(1 − f)   > 0  ⇔  f < 1/2  ⇔  w_Δ > 0   (the certified bound, any input, any T).
// The bound is exact arithmetic; its magnitude a^G is what a number type must represent (2^{−G} leaves double at
// G = 1075 for the printed weights).
#pragma once

#include <ssmcheck/claims/claim.hpp>
#include <ssmcheck/claims/signals.hpp>
#include <ssmcheck/model/block.hpp>
#include <ssmcheck/parallel.hpp>

#include <limits>

namespace ssmcheck {

namespace induction {

using model::Act;
using model::BlockWeights;
using model::MixerKind;

// The task generator of App. D.4: tokens uniform over V \ {v*}; with probability `hard_p` the special token
// v* = |V| − 1 is placed at positions r and T − r + 1 (1-based), r uniform in {1..⌊γT⌋}.
struct Task {
  int V = 10, T = 100;
  double hard_p = 0.75, gamma = 0.1;
};
struct Sequence {
  std::vector<int> tokens, target;  // target −1: blank (x_t is new)
};

inline void fill_targets(Sequence& s) {
  std::vector<int> last(1 + *std::max_element(s.tokens.begin(), s.tokens.end()), -1);
  s.target.assign(s.tokens.size(), -1);
  for (std::size_t t = 0; t < s.tokens.size(); ++t) {
    const int j = last[s.tokens[t]];
    if (j >= 0) s.target[t] = s.tokens[std::size_t(j) + 1];
    last[s.tokens[t]] = int(t);
  }
}

inline Sequence make_sequence(const Task& tk, std::uint64_t seed) {
  std::uint64_t st = seed;
  Sequence s;
  const int ordinary = tk.V - 1;
  for (int t = 0; t < tk.T; ++t) s.tokens.push_back(int(splitmix64(st) % std::uint64_t(ordinary)));
  if (uniform01(st) < tk.hard_p) {
    const int range = std::max(1, int(tk.gamma * tk.T));
    const int r = 1 + int(splitmix64(st) % std::uint64_t(range));
    s.tokens[r - 1] = tk.V - 1;
    s.tokens[tk.T - r] = tk.V - 1;
  }
  fill_targets(s);
  return s;
}

// Adversarial inputs: one token recurring at every other position with a new successor each time; a pair
// a b, then a long run without a, then a (gap = T − 2); a c b c a (a successor that later precedes again).
inline Sequence recurring(int V, int T) {
  Sequence s;
  for (int t = 0; t < T; ++t) s.tokens.push_back(t % 2 == 0 ? 0 : 1 + (t / 2) % (V - 1));
  fill_targets(s);
  return s;
}
inline Sequence long_gap(int V, int T) {
  Sequence s;
  s.tokens = {0, 1};
  for (int t = 2; t < T - 1; ++t) s.tokens.push_back(1 + (t % (V - 1)));
  s.tokens.push_back(0);
  fill_targets(s);
  return s;
}
inline Sequence row_flush(int V) {
  Sequence s;
  s.tokens = {0, 2 % V, 1, 2 % V, 0};
  fill_targets(s);
  return s;
}

struct Spec {
  MixerKind mixer = MixerKind::delta_t;  // or s6: the same weights with Δ along the embedding dimension
  bool corrected = false;
  double w_delta = 10;
  Disc disc = Disc::basis;
  Act sigma = Act::identity;
};

// Lemma 3's weights: v ↦ [e_v; e_v]; conv c0 = [1; 0], c1 = [0; 1]; Λ = −1; Δ = softplus(w_Δ [I|0] x̂) (corrected:
// softplus(w_Δ (2 [I|0] x̂ − 1))); B = [I|0] x̂, C = [0|I] x̂; W_o = [0|I].
template <class S> BlockWeights<S> build(int V, const Spec& sp) {
  BlockWeights<S> w;
  const Eigen::Index d = 2 * V, N = V;
  w.mixer = sp.mixer;
  w.d = d;
  w.N = N;
  w.disc = sp.disc;
  w.E = Mat<S>::Zero(d, V);
  for (int v = 0; v < V; ++v) w.E(v, v) = w.E(V + v, v) = 1;
  w.conv.W = {Vec<S>::Zero(d), Vec<S>::Zero(d)};
  w.conv.W[0].head(V).setOnes();  // c0 = [1; 0] on the previous token
  w.conv.W[1].tail(V).setOnes();  // c1 = [0; 1] on the current one
  w.conv.bias = Vec<S>::Zero(d);
  w.conv.act = sp.sigma;
  w.lambda = Mat<S>::Ones(d, N);  // Λ = −1
  const S wd = S(sp.w_delta), scale = sp.corrected ? S(2 * wd) : wd;
  const Eigen::Index rows = sp.mixer == MixerKind::delta_t ? N : d;
  w.W_delta = Mat<S>::Zero(rows, d);
  for (Eigen::Index r = 0; r < rows; ++r) w.W_delta(r, r % V) = scale;  // Mamba: both halves keyed by [I|0] x̂
  w.b_delta = Vec<S>::Constant(rows, sp.corrected ? S(-wd) : S(0));
  w.W_B = Mat<S>::Zero(N, d);
  w.W_B.leftCols(V) = Mat<S>::Identity(V, V);
  w.W_C = Mat<S>::Zero(N, d);
  w.W_C.rightCols(V) = Mat<S>::Identity(V, V);
  w.W_o = Mat<S>::Zero(V, d);
  w.W_o.rightCols(V) = Mat<S>::Identity(V, V);
  w.b_o = Vec<S>::Zero(V);
  return w;
}

// The largest number of steps between the last write of the column a scored query reads (t = j(t) + 1) and the query.
inline long max_gap(const Sequence& s) {
  std::vector<int> last(1 + *std::max_element(s.tokens.begin(), s.tokens.end()), -1);
  long g = 0;
  for (std::size_t t = 0; t < s.tokens.size(); ++t) {
    if (last[s.tokens[t]] >= 0) g = std::max(g, long(t) - last[s.tokens[t]] - 1);
    last[s.tokens[t]] = int(t);
  }
  return g;
}

template <class S> struct Result {
  long correct = 0, scored = 0, blanks = 0, blank_zero = 0;
  S margin = std::numeric_limits<double>::infinity();
  int worst_pos = -1;
};

template <class S> Result<S> run(model::Block<S>& blk, const Sequence& s) {
  blk.reset();
  Result<S> r;
  for (std::size_t t = 0; t < s.tokens.size(); ++t) {
    blk.push(s.tokens[t]);
    const int tgt = s.target[t];
    const Vec<S> z = blk.logits();
    if (tgt < 0) {
      ++r.blanks;
      r.blank_zero += z.isZero(0);
      continue;
    }
    S best = -std::numeric_limits<double>::infinity();
    for (Eigen::Index l = 0; l < z.size(); ++l)
      if (l != tgt && z(l) > best) best = z(l);
    const S m = z(tgt) - best;
    ++r.scored;
    r.correct += m > 0;
    if (r.worst_pos < 0 || m < r.margin) { r.margin = m; r.worst_pos = int(t); }
  }
  return r;
}

// The shortest input over tokens {0, 1, 2} (length ≤ 8, in length then lexicographic order) on which the weights
// answer some scored position wrongly (margin ≤ 0), evaluated in double; empty when there is none.
inline Sequence shortest_failure(const BlockWeights<double>& w, int V) {
  model::Block<double> blk(w);
  const int A = std::min(V, 3);
  for (int L = 2; L <= 8; ++L) {
    std::vector<int> tok(L, 0);
    for (;;) {
      Sequence s;
      s.tokens = tok;
      fill_targets(s);
      if (std::any_of(s.target.begin(), s.target.end(), [](int x) { return x >= 0; })) {
        const auto r = run(blk, s);
        if (r.correct < r.scored) return s;
      }
      int k = L - 1;
      while (k >= 0 && ++tok[k] == A) tok[k--] = 0;
      if (k < 0) break;
    }
  }
  return {};
}

}  // namespace induction

struct InductionOptions {
  std::vector<int> vocab{5, 10, 20, 40};
  int T = 100;
  std::vector<double> w_delta{1, 5, 20};
  std::vector<std::string> discs{"basis", "zoh", "euler"};
  std::string variant = "both";
  std::string sigma = "identity";
  bool with_mamba = true;
  long samples = 2000;
  double hard_p = 0.75, gamma = 0.1;
  int long_T = 100000;
  std::uint64_t seed = 1;
};

class InductionClaim : public ScalarClaim<InductionClaim> {
  friend class ScalarClaim<InductionClaim>;

public:
  std::string id() const override { return "lem3-induction"; }
  std::string command() const override { return "induction"; }
  std::string paper() const override { return "Lemma 3"; }
  std::string title() const override { return "1-layer Mamba with the Mamba-DeltaT mixer solves INDUCTION HEADS (d = 2|V|, N = |V|)"; }

  void add_options(CLI::App& sub) override {
    sub.add_option("--vocab", o_.vocab, "vocabulary sizes |V| (repeatable)")->check(CLI::Range(3, 512))->take_all()->capture_default_str();
    sub.add_option("--T", o_.T, "sequence length of the task generator")->check(CLI::Range(4, 100000))->capture_default_str();
    sub.add_option("--w-delta", o_.w_delta, "w_Delta > 0 (repeatable)")->check(CLI::Range(1e-6, 1e6))->take_all()->capture_default_str();
    sub.add_option("--disc", o_.discs, "discretizations: basis (eq. 15, no Delta on the input), zoh, euler (repeatable)")
        ->check(CLI::IsMember({"basis", "zoh", "euler"}))->take_all()->capture_default_str();
    sub.add_option("--variant", o_.variant, "literal (Delta = softplus(w [I|0] x)), corrected (softplus(w (2[I|0] x - 1))), or both")
        ->check(CLI::IsMember({"literal", "corrected", "both"}))->capture_default_str();
    sub.add_option("--sigma", o_.sigma, "pointwise nonlinearity after the convolution (the lemma's is linear)")
        ->check(CLI::IsMember({"identity", "relu", "silu"}))->capture_default_str();
    sub.add_option("--with-mamba", o_.with_mamba, "also run the same weights in the ordinary Mamba mixer")->capture_default_str();
    sub.add_option("--samples", o_.samples, "sequences from the task generator per configuration")->check(CLI::Range(1L, 1000000L))->capture_default_str();
    sub.add_option("--hard-p", o_.hard_p, "probability of the hard case (special token at r and T - r)")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    sub.add_option("--gamma", o_.gamma, "special range ratio: r uniform in {1..gamma T}")->check(CLI::Range(0.0, 0.5))->capture_default_str();
    sub.add_option("--long-T", o_.long_T, "length of the adversarial long-gap and recurring-token inputs")->check(CLI::Range(5, 10000000))->capture_default_str();
    sub.add_option("--seed", o_.seed, "seed of the generated sequences")->capture_default_str();
  }

private:
  template <class S> void compute_as(const CommonOptions& c, Report& r) const {
    using namespace induction;
    r.construction = {
        "Lemma 3 (App. C.2): embedding v -> [e_v; e_v] (d = 2|V|), linear conv c0 = [1; 0], c1 = [0; 1] so x_hat_t = "
        "[e_(x_(t-1)); e_(x_t)], Lambda = -1, B = [I|0] x_hat, C = [0|I] x_hat (N = |V|), W_o = [0|I], no gate",
        "literal: Delta = softplus(w_Delta [I|0] x_hat) in R^N, so a column not keyed this step gets Delta = softplus(0) = ln 2 "
        "(decay 1/2 per step); corrected: Delta = softplus(w_Delta (2 [I|0] x_hat - 1)), decay exp(-softplus(-w_Delta)) -> 1",
        "Mamba (plain): the same weights with Delta in R^d along the embedding dimension, rows keyed by [I|0] x_hat in both halves",
        fmt::format("task (App. D.4): T = {}, tokens uniform over V minus v* = |V|-1; with probability {:g} v* at positions r and "
                    "T - r + 1, r uniform in 1..{:g} T; scored where the answer is defined; blank positions reported",
                    o_.T, o_.hard_p, o_.gamma),
        fmt::format("adversarial: a token recurring every other position with new successors, a long gap (a b ... a, length {}), "
                    "and a c b c a (a later c as previous token)", o_.long_T),
        "certified bound: margin >= phi a^G (1 - 2f)/(1 - f) with f = exp(-softplus(w_Delta)) (flush) and a the per-step keep "
        "factor, G the steps since the last write: positive for every input iff w_Delta > 0"};
    Table t{"rows", "INDUCTION HEADS: the Lemma 3 weights in Mamba-DeltaT and in plain Mamba",
            {{"mixer", "mixer", "mixer"}, {"variant", "variant", "variant"}, {"disc", "disc", "disc"}, {"vocab", "|V|", "$|V|$"},
             {"T", "T", "$T$"}, {"w_delta", "w_Delta", "$w_\\Delta$"}, {"input", "input", "input"}, {"scored", "scored", "scored"},
             {"accuracy", "accuracy", "accuracy", 6}, {"min_margin", "min margin", "min margin"},
             {"bound", "certified bound", "certified bound"}, {"blank_zero", "blank: zero output", "blank: zero out", 4}}};
    Table ex{"counterexamples", "failing inputs (* marks the worst position)",
             {{"mixer", "mixer", "mixer"}, {"variant", "variant", "variant"}, {"disc", "disc", "disc"}, {"vocab", "|V|", "$|V|$"},
              {"w_delta", "w_Delta", "$w_\\Delta$"}, {"input", "input", "input"}, {"margin", "margin", "margin"}, {"tokens", "tokens", "tokens"}}};
    const Act sigma = o_.sigma == "identity" ? Act::identity : o_.sigma == "relu" ? Act::relu : Act::silu;
    std::map<std::pair<std::string, std::string>, bool> ok;  // (mixer, variant) -> every input answered
    std::map<std::pair<std::string, std::string>, std::string> first_fail;
    double double_gap_literal = 0;
    for (const auto& mk : o_.with_mamba ? std::vector<MixerKind>{MixerKind::delta_t, MixerKind::s6} : std::vector<MixerKind>{MixerKind::delta_t})
      for (bool corrected : {false, true}) {
        if ((o_.variant == "literal" && corrected) || (o_.variant == "corrected" && !corrected)) continue;
        const std::string mname = mk == MixerKind::delta_t ? "mamba-deltaT" : "mamba";
        const std::string vname = corrected ? "corrected" : "literal";
        bool all_ok = true;
        for (const auto& dname : o_.discs)
          for (int V : o_.vocab)
            for (double w : o_.w_delta) {
              Spec sp{mk, corrected, w, *parse_disc(dname), sigma};
              const auto wd = build<double>(V, sp);
              const auto ws = build<S>(V, sp);
              // certified bound at the longest gap of the task (G = T - 1), in S (a^G leaves double's range)
              const S f = exp(S(-softplus(S(w)))), a = exp(S(-softplus(S(corrected ? -w : 0.0))));
              const S phi = sp.disc == Disc::basis ? S(1) : sp.disc == Disc::euler ? softplus(S(w)) : S(1 - f);
              auto bound = [&](long G) { return S(phi * pow(a, S(G)) * (1 - 2 * f) / (1 - f)); };
              struct Input { std::string name; std::function<Sequence(long)> gen; long n; long G; };
              const Task tk{V, o_.T, o_.hard_p, o_.gamma};
              const std::uint64_t base = o_.seed * 0x9e3779b97f4a7c15ULL + std::uint64_t(V) * 977;
              std::vector<Input> inputs{
                  {"task", [&](long i) { return make_sequence(tk, base + std::uint64_t(i) * 0x2545F4914F6CDD1DULL); }, o_.samples, o_.T - 2},
                  {"recurring", [&](long) { return recurring(V, o_.long_T); }, 1, max_gap(recurring(V, o_.long_T))},
                  {"long gap", [&](long) { return long_gap(V, o_.long_T); }, 1, max_gap(long_gap(V, o_.long_T))},
                  {"a c b c a", [&](long) { return row_flush(V); }, 1, max_gap(row_flush(V))}};
              const Sequence shortest = shortest_failure(wd, V);
              if (!shortest.tokens.empty())
                inputs.push_back({"shortest failure", [shortest](long) { return shortest; }, 1, max_gap(shortest)});
              for (const auto& in : inputs) {
                // the task set in double (counts; the worst sequence again in S), the single long inputs in S
                Result<S> tot;
                long worst_i = 0;
                if (in.n > 1) {
                  const std::size_t chunks = std::size_t(std::min<long>(in.n, 32));
                  std::vector<Result<double>> acc(chunks);
                  std::vector<long> worst(chunks, -1);
                  parallel_for(chunks, c.jobs, [&](std::size_t ch) {
                    model::Block<double> blk(wd);
                    Result<double> a;
                    for (long i = long(ch); i < in.n; i += long(chunks)) {
                      const auto res = run(blk, in.gen(i));
                      a.correct += res.correct;
                      a.scored += res.scored;
                      a.blanks += res.blanks;
                      a.blank_zero += res.blank_zero;
                      if (worst[ch] < 0 || res.margin < a.margin) { a.margin = res.margin; worst[ch] = i; }
                    }
                    acc[ch] = a;
                  });
                  double wm = std::numeric_limits<double>::infinity();
                  for (std::size_t ch = 0; ch < chunks; ++ch) {
                    tot.correct += acc[ch].correct;
                    tot.scored += acc[ch].scored;
                    tot.blanks += acc[ch].blanks;
                    tot.blank_zero += acc[ch].blank_zero;
                    if (worst[ch] >= 0 && acc[ch].margin < wm) { wm = acc[ch].margin; worst_i = worst[ch]; }
                  }
                  model::Block<S> blk(ws);
                  const auto res = run(blk, in.gen(worst_i));
                  tot.margin = res.margin;
                  tot.worst_pos = res.worst_pos;
                  // a sequence whose double count disagrees with S is recounted (only the worst can be near zero)
                  model::Block<double> blkd(wd);
                  tot.correct += res.correct - run(blkd, in.gen(worst_i)).correct;
                } else {
                  model::Block<S> blk(ws);
                  tot = run(blk, in.gen(0));
                }
                const bool good = tot.correct == tot.scored;
                all_ok = all_ok && good;
                t.add({Cell::str(mname), Cell::str(vname), Cell::str(dname), Cell::integer_(V), Cell::integer_(long(in.gen(worst_i).tokens.size())),
                       Cell::num(S(w)), Cell::str(in.name), Cell::integer_(tot.scored),
                       Cell::num(S(double(tot.correct) / double(std::max(1L, tot.scored)))), Cell::num(tot.margin),
                       mk == MixerKind::delta_t ? Cell::num(bound(in.G)) : Cell::str("-"),
                       Cell::num(S(tot.blanks ? double(tot.blank_zero) / double(tot.blanks) : 1.0))});
                if (!good) {
                  const auto seq = in.gen(worst_i);
                  std::string toks;
                  for (std::size_t i = 0; i < seq.tokens.size() && i < 60; ++i)
                    fmt::format_to(std::back_inserter(toks), "{}{}{}", i ? " " : "", seq.tokens[i], int(i) == tot.worst_pos ? "*" : "");
                  if (seq.tokens.size() > 60) toks += fmt::format(" ... ({} tokens, worst at {})", seq.tokens.size(), tot.worst_pos);
                  ex.add({Cell::str(mname), Cell::str(vname), Cell::str(dname), Cell::integer_(V), Cell::num(S(w)), Cell::str(in.name),
                          Cell::num(tot.margin), Cell::str(toks)});
                  std::string& ff = first_fail[{mname, vname}];
                  if (ff.empty())
                    ff = fmt::format("{} {} {}, |V| = {}, w_Delta = {:g}, input '{}': accuracy {:.4f}, min margin {}", mname, vname, dname, V,
                                     w, in.name, double(tot.correct) / double(std::max(1L, tot.scored)), short_number(Cell::num(tot.margin), 3));
                }
              }
              // 2^{-G} is zero in binary64 once G exceeds the smallest subnormal's exponent (1074)
              if (!corrected) double_gap_literal = 1 - std::numeric_limits<double>::min_exponent + std::numeric_limits<double>::digits;
            }
        ok[{mname, vname}] = all_ok;
      }
    // Findings.
    for (const auto& [key, good] : ok) {
      const auto& [mname, vname] = key;
      const bool dt = mname == "mamba-deltaT";
      const std::string label = fmt::format("{}: the Lemma 3 weights ({}) solve INDUCTION HEADS", dt ? "Mamba-DeltaT" : "plain Mamba (same weights)", vname);
      const std::string& ff = first_fail[key];
      r.findings.push_back({label, good ? Verdict::verified : Verdict::refuted,
                            good ? "every scored position of every input answered with a positive margin" : ff,
                            !dt ? "measurement" : vname == "corrected" ? "corrected variant" : "statement"});
    }
    if (ok.count({"mamba-deltaT", "literal"}))
      r.findings.push_back({"literal Delta keeps memory only at rate 1/2 per step", Verdict::weak,
                            fmt::format("Delta = softplus(0) = ln 2 on every column not keyed this step: the stored answer decays as 2^-G, "
                                        "so the margin is 2^-G (1-2f)/(1-f); exact in MPFR, zero in binary64 from G = {:g} on (--digits 16 "
                                        "fails the long-gap input); Delta -> 0 is never approached as the proof says",
                                        double_gap_literal),
                            "measurement"});
    r.verdict = Verdict::verified;
    for (const auto& f : r.findings)
      if (f.scope == "statement") r.verdict = worst(r.verdict, f.verdict);
    const bool lit_ok = ok.count({"mamba-deltaT", "literal"}) ? ok[{"mamba-deltaT", "literal"}] : true;
    const bool cor_ok = ok.count({"mamba-deltaT", "corrected"}) ? ok[{"mamba-deltaT", "corrected"}] : true;
    if (lit_ok && ok.count({"mamba-deltaT", "literal"})) r.verdict = Verdict::weak;  // holds only with decay 1/2 per step
    r.summary = lit_ok ? fmt::format("the Lemma 3 weights answer every input checked{}, but with Delta = ln 2 on kept columns the margin "
                                     "decays as 2^-gap (not representable in double beyond gap 1074){}",
                                     cor_ok ? "" : " (the corrected variant fails somewhere)",
                                     ok.count({"mamba", "literal"}) && !ok[{"mamba", "literal"}] ? "; plain Mamba with the same weights fails" : "")
                   : fmt::format("fails: {}", first_fail[{"mamba-deltaT", "literal"}]);
    if (!ok.count({"mamba-deltaT", "literal"})) {  // --variant corrected: the lemma's own weights were not run
      r.summary = fmt::format("only the labelled corrected Delta was run (--variant corrected), so Lemma 3 as stated was not checked; "
                              "the corrected weights {}",
                              cor_ok ? "answer every input checked" : fmt::format("fail: {}", first_fail[{"mamba-deltaT", "corrected"}]));
    }
    r.tables.push_back(std::move(t));
    if (!ex.rows.empty()) r.tables.push_back(std::move(ex));
  }

  InductionOptions o_;
};

}  // namespace ssmcheck
