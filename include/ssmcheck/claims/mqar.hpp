// thm2-mqar-mamba, thm3-mqar-mamba2, thm4-mqar-s4d — Theorems 2–4: 1-layer Mamba (no gate), Mamba-2 (no gate) and
// Mamba with an S4D mixer (gate kept) solve multi-query associative recall with explicit weights. The paper's weights
// (mqar_construction.hpp) run through the real block (model/block.hpp) on the task's sequences and on edge cases.
// Sampling runs in double; the worst sequence of every family and every near-tie are evaluated again in the working
// precision, so no verdict rests on double rounding.
#pragma once

#include <ssmcheck/claims/claim.hpp>
#include <ssmcheck/claims/mqar_construction.hpp>
#include <ssmcheck/parallel.hpp>

#include <limits>

namespace ssmcheck {

using model::MixerKind;

struct MqarOptions {
  std::vector<std::string> mixers{"mamba", "mamba2", "s4d"};
  std::vector<int> kappa{4, 8};
  std::vector<int> vocab{128};
  std::vector<int> steps{1, 2};
  std::string variant = "both";
  int p = 0, p_key = 0;
  double jl_eps = 0.5, jl_delta = 0.1;
  std::string sigma = "relu";
  double silu_scale = 1;
  long samples = 100000;
  long edge_samples = 1000;
  int T = 100;
  std::uint64_t seed = 1;
  bool iid_keys = false;
  long max_d = 20000;
};

class MqarClaim : public ScalarClaim<MqarClaim> {
  friend class ScalarClaim<MqarClaim>;

public:
  std::string id() const override { return "thm2-4-mqar"; }
  std::string command() const override { return "mqar"; }
  std::string paper() const override { return "Theorems 2-4"; }
  std::string title() const override { return "1-layer Mamba, Mamba-2 and Mamba-S4D solve multi-query associative recall"; }

  void add_options(CLI::App& sub) override {
    sub.add_option("--mixer", o_.mixers, "mixers: mamba (Theorem 2), mamba2 (Theorem 3), s4d (Theorem 4) (repeatable)")
        ->check(CLI::IsMember({"mamba", "mamba2", "s4d"}))->take_all()->capture_default_str();
    sub.add_option("--kappa", o_.kappa, "number of key-value pairs (repeatable)")->check(CLI::Range(1, 256))->take_all()->capture_default_str();
    sub.add_option("--vocab", o_.vocab, "value vocabulary size |V| (repeatable)")->check(CLI::Range(2, 4096))->take_all()->capture_default_str();
    sub.add_option("--step", o_.steps, "construction step: 1 (one-hot) or 2 (JL-projected) (repeatable)")
        ->check(CLI::Range(1, 2))->take_all()->capture_default_str();
    sub.add_option("--variant", o_.variant, "literal (the paper's weights), corrected (labelled fixes), or both")
        ->check(CLI::IsMember({"literal", "corrected", "both"}))->capture_default_str();
    sub.add_option("--p", o_.p, "Step 2: JL rows for the values (0: Lemma 4's p for --jl-eps, --jl-delta)")->check(CLI::Range(0, 4096));
    sub.add_option("--p-key", o_.p_key, "Step 2 of Theorem 3: JL rows for the keys (0: Lemma 4's p)")->check(CLI::Range(0, 4096));
    sub.add_option("--jl-eps", o_.jl_eps, "epsilon of Lemma 4 used for the default p")->check(CLI::Range(0.01, 0.99))->capture_default_str();
    sub.add_option("--jl-delta", o_.jl_delta, "delta of Lemma 4 used for the default p")->check(CLI::Range(1e-6, 0.99))->capture_default_str();
    sub.add_option("--sigma", o_.sigma, "pointwise nonlinearity of the convolutions: relu (the proofs) or silu (Mamba)")
        ->check(CLI::IsMember({"relu", "silu"}))->capture_default_str();
    sub.add_option("--silu-scale", o_.silu_scale, "SiLU as silu(s z)/s, which tends to ReLU as s grows")
        ->check(CLI::Range(1e-3, 1e6))->capture_default_str();
    sub.add_option("--samples", o_.samples, "random sequences of the paper's format per configuration")
        ->check(CLI::Range(1L, 10000000L))->capture_default_str();
    sub.add_option("--edge-samples", o_.edge_samples, "sequences per edge-case family (0: none)")
        ->check(CLI::Range(0L, 10000000L))->capture_default_str();
    sub.add_option("--T", o_.T, "sequence length")->check(CLI::Range(3, 100000))->capture_default_str();
    sub.add_option("--seed", o_.seed, "seed of the data and of the JL matrices")->capture_default_str();
    sub.add_flag("--iid-keys", o_.iid_keys, "draw keys i.i.d. from {1..kappa} as App. D.3 says (duplicates: the last pair counts)");
    sub.add_option("--max-d", o_.max_d, "largest embedding size d to build (dense weights: memory ~ 8 d^2 bytes for Theorem 4)")
        ->check(CLI::Range(1L, 100000L))->capture_default_str();
  }

  void validate(const CommonOptions&) const override {
    for (int K : o_.kappa) {
      if (o_.T < 3 * K)
        throw InputError(fmt::format("--T {} is too short for kappa = {}: needs 2 kappa + kappa = {} slots for the pairs and "
                                     "the queries",
                                     o_.T, K, 3 * K));
      for (int V : o_.vocab)
        for (const auto& m : o_.mixers)
          for (int st : o_.steps) {
            const long d = dims(m, st, K, V).first;
            if (d > o_.max_d)
              throw InputError(fmt::format("--max-d {}: mixer {} step {} with kappa = {}, |V| = {} has d = {}; raise --max-d "
                                           "(memory ~ 8 d^2 bytes) or lower kappa/vocab",
                                           o_.max_d, m, st, K, V, d));
          }
    }
    if (o_.sigma == "relu" && o_.silu_scale != 1) throw InputError("--silu-scale needs --sigma silu");
  }

private:
  static MixerKind kind(const std::string& m) {
    return m == "mamba" ? MixerKind::s6 : m == "mamba2" ? MixerKind::mamba2 : MixerKind::s4d;
  }
  int p_value(int V) const { return o_.p > 0 ? o_.p : mqar::lemma4_p(o_.jl_eps, V, o_.jl_delta); }
  int p_key(int K) const { return o_.p_key > 0 ? o_.p_key : mqar::lemma4_p(o_.jl_eps, K, o_.jl_delta); }
  std::pair<long, long> dims(const std::string& m, int step, int K, int V) const {
    const long pv = step == 1 ? V : p_value(V), pk = step == 1 ? K : p_key(K);
    if (m == "mamba") return {K + pv, K};
    if (m == "mamba2") return {pk + pv, pk};
    return {long(K) * pv, 1};
  }
  static const char* theorem(MixerKind m) { return m == MixerKind::s6 ? "Theorem 2" : m == MixerKind::mamba2 ? "Theorem 3" : "Theorem 4"; }
  static const char* claim_id(MixerKind m) {
    return m == MixerKind::s6 ? "thm2-mqar-mamba" : m == MixerKind::mamba2 ? "thm3-mqar-mamba2" : "thm4-mqar-s4d";
  }

  // Margin of one sequence: min over its query positions of logit[target] − max_{l ≠ target} logit[l].
  template <class T> struct SeqResult {
    T margin = std::numeric_limits<double>::infinity();
    int worst_query = -1;
    int correct = 0;
    T scale = 0;  // max |logit|, for the near-tie test
  };
  template <class T> static SeqResult<T> run_sequence(model::Block<T>& blk, const mqar::Sequence& s) {
    blk.reset();
    SeqResult<T> r;
    std::size_t q = 0;
    for (int pos = 0; pos < int(s.tokens.size()); ++pos) {
      blk.push(s.tokens[pos]);
      if (q < s.query_pos.size() && s.query_pos[q] == pos) {
        const Vec<T> z = blk.logits();
        const int tgt = s.target[q];
        T best_other = -std::numeric_limits<double>::infinity();
        for (Eigen::Index l = 0; l < z.size(); ++l) {
          if (l != tgt && z(l) > best_other) best_other = z(l);
          r.scale = std::max(r.scale, T(abs(z(l))));
        }
        const T m = z(tgt) - best_other;
        if (m > 0) ++r.correct;
        if (r.worst_query < 0 || m < r.margin) { r.margin = m; r.worst_query = pos; }
        ++q;
      }
    }
    return r;
  }

  static std::string tokens_text(const mqar::Task& t, const mqar::Sequence& s, int mark) {
    std::string out;
    for (int i = 0; i < int(s.tokens.size()); ++i) {
      const int tok = s.tokens[i];
      fmt::format_to(std::back_inserter(out), "{}{}{}{}", i ? " " : "", tok < t.kappa ? 'k' : 'v',
                     tok < t.kappa ? tok : tok - t.kappa, i == mark ? "*" : "");
    }
    return out;
  }

  template <class S> void compute_as(const CommonOptions& c, Report& r) const {
    std::vector<std::string> used_ids;
    for (const auto& m : o_.mixers) used_ids.push_back(claim_id(kind(m)));
    if (used_ids.size() == 1) r.claim = used_ids[0];
    r.construction = {
        fmt::format("task (eq. 46-47): T = {}, kappa pairs (keys {}), values and noise uniform over |V|; the kappa keys "
                    "queried once each, in random order, at random positions of the query region; tokens 0..kappa-1 are "
                    "keys, kappa.. values (disjoint sets, as the constructions embed them)",
                    o_.T, o_.iid_keys ? "i.i.d. from {1..kappa} as App. D.3 says; duplicates: the last pair counts" : "distinct"),
        "edge cases: adjacent queries (all queries consecutive after the pairs: every query but the first follows a "
        "key), a query right after its own pair, all values equal but one (Remark 7), and each key queried twice (not "
        "the task's format: reported, not judged)",
        fmt::format("block (eq. 14): embedding, size-2 causal conv with sigma = {}{}, mixer, gate only for Theorem 4, "
                    "linear readout; lambda = 0 in every construction, so zoh, euler and basis coincide (phi = Delta = 1)",
                    o_.sigma, o_.sigma == "silu" ? fmt::format(" (silu(s z)/s, s = {:g})", o_.silu_scale) : ""),
        "scoring: at every query, margin = logit(value of that key) - max of the other logits; correct iff > 0 (a tie "
        "fails); sampled in double, the worst sequence and every near-tie (|margin| <= 1e-9 max|logit|) recomputed in the "
        "working precision",
        fmt::format("Step 2 default sizes from Lemma 4: p = ceil(4/eps^2 ln(n/delta)), eps = {:g}, delta = {:g}", o_.jl_eps,
                    o_.jl_delta)};

    Table rows{"rows", "MQAR accuracy and minimum logit margin of the paper's constructions",
               {{"mixer", "mixer", "mixer"}, {"theorem", "theorem", "thm."}, {"step", "step", "step"}, {"variant", "variant", "variant"},
                {"kappa", "kappa", "$\\kappa$"}, {"vocab", "|V|", "$|V|$"}, {"d", "d", "$d$"}, {"N", "N", "$N$"}, {"p", "p", "$p$"},
                {"eps", "JL eps", "JL $\\varepsilon$", 3}, {"family", "family", "family"}, {"samples", "samples", "samples"},
                {"queries", "queries", "queries"}, {"accuracy", "accuracy", "accuracy", 6}, {"min_margin", "min margin", "min margin"},
                {"duplicate_key_seqs", "dup.keys", "dup."}}};
    Table examples{"counterexamples", "the worst sequence of every failing configuration (* marks the failing query)",
                   {{"mixer", "mixer", "mixer"}, {"step", "step", "step"}, {"variant", "variant", "variant"}, {"kappa", "kappa", "$\\kappa$"},
                    {"vocab", "|V|", "$|V|$"}, {"family", "family", "family"}, {"margin", "margin", "margin"}, {"tokens", "tokens", "tokens"}}};

    struct Verdicts { bool any = false, literal_ok = true, corrected_ok = true, has_corrected = false; std::string fail; };
    std::map<std::pair<std::string, int>, Verdicts> by_thm_step;
    std::map<std::pair<std::string, int>, std::string> changes;

    const std::vector<mqar::Family> families{mqar::Family::random, mqar::Family::adjacent, mqar::Family::own_pair,
                                             mqar::Family::equal_values, mqar::Family::repeated};
    for (const auto& mname : o_.mixers)
      for (int step : o_.steps)
        for (int K : o_.kappa)
          for (int V : o_.vocab) {
            std::vector<bool> variants;
            const bool has_corr = step == 2;  // every Step 2 has a labelled correction; Step 1 is literal only
            if (o_.variant != "corrected" || !has_corr) variants.push_back(false);
            if (o_.variant != "literal" && has_corr) variants.push_back(true);
            for (bool corrected : variants) {
              mqar::Task task{K, V, o_.T, o_.iid_keys};
              mqar::Spec sp;
              sp.mixer = kind(mname);
              sp.step = step;
              sp.corrected = corrected;
              sp.sigma = o_.sigma == "relu" ? model::Act::relu : model::Act::silu;
              sp.silu_scale = o_.silu_scale;
              sp.p = p_value(V);
              sp.p_key = p_key(K);
              sp.seed = o_.seed;
              mqar::Built info;
              const auto wd = mqar::build<double>(task, sp, info);
              mqar::Built info_s;
              const auto ws = mqar::build<S>(task, sp, info_s);
              if (corrected) changes[{mname, step}] = info.change;
              auto& vd = by_thm_step[{mname, step}];
              vd.any = true;
              vd.has_corrected = vd.has_corrected || corrected;
              bool config_ok = true;
              for (auto fam : families) {
                const long n = fam == mqar::Family::random ? o_.samples : o_.edge_samples;
                if (n == 0) continue;
                if (fam == mqar::Family::repeated && o_.T < 4 * K) continue;
                // Sequences in chunks, one block per chunk; results combined in chunk order (deterministic).
                const std::size_t chunks = std::size_t(std::min<long>(n, 64));
                struct Acc { long correct = 0, queries = 0, dups = 0; double margin = std::numeric_limits<double>::infinity(); long worst = -1; std::vector<long> ties; };
                std::vector<Acc> acc(chunks);
                const std::uint64_t fam_seed = o_.seed * 0x100000001b3ULL + std::uint64_t(fam) * 0x9e37ULL + std::uint64_t(K) * 131 + std::uint64_t(V);
                parallel_for(chunks, c.jobs, [&](std::size_t ch) {
                  model::Block<double> blk(wd);
                  Acc a;
                  for (long i = long(ch); i < n; i += long(chunks)) {
                    const auto s = mqar::make_sequence(task, fam, fam_seed + std::uint64_t(i) * 0x2545F4914F6CDD1DULL);
                    const auto res = run_sequence(blk, s);
                    a.correct += res.correct;
                    a.queries += long(s.query_pos.size());
                    a.dups += s.duplicate_keys;
                    if (std::abs(res.margin) <= 1e-9 * std::max(res.scale, 1.0) && a.ties.size() < 64) a.ties.push_back(i);
                    if (a.worst < 0 || res.margin < a.margin) { a.margin = res.margin; a.worst = i; }
                  }
                  acc[ch] = std::move(a);
                });
                Acc tot;
                for (const auto& a : acc) {
                  tot.correct += a.correct;
                  tot.queries += a.queries;
                  tot.dups += a.dups;
                  tot.ties.insert(tot.ties.end(), a.ties.begin(), a.ties.end());
                  if (a.worst >= 0 && (tot.worst < 0 || a.margin < tot.margin || (a.margin == tot.margin && a.worst < tot.worst))) {
                    tot.margin = a.margin;
                    tot.worst = a.worst;
                  }
                }
                // Near-ties and the worst sequence again in the working precision: they decide the count.
                model::Block<S> blk_s(ws);
                std::sort(tot.ties.begin(), tot.ties.end());
                for (long i : tot.ties) {
                  const auto s = mqar::make_sequence(task, fam, fam_seed + std::uint64_t(i) * 0x2545F4914F6CDD1DULL);
                  model::Block<double> blk_d(wd);
                  tot.correct += run_sequence(blk_s, s).correct - run_sequence(blk_d, s).correct;
                }
                const auto worst_seq = mqar::make_sequence(task, fam, fam_seed + std::uint64_t(tot.worst) * 0x2545F4914F6CDD1DULL);
                const auto worst_s = run_sequence(blk_s, worst_seq);
                const double accuracy = double(tot.correct) / double(std::max(1L, tot.queries));
                const bool ok = tot.correct == tot.queries && worst_s.margin > 0;
                const auto dm = dims(mname, step, K, V);
                rows.add({Cell::str(mname), Cell::str(theorem(sp.mixer)), Cell::integer_(step), Cell::str(corrected ? "corrected" : "literal"),
                          Cell::integer_(K), Cell::integer_(V), Cell::integer_(dm.first), Cell::integer_(dm.second),
                          step == 2 ? Cell::integer_(sp.p) : Cell::str("-"),
                          step == 2 ? Cell::num(S(sp.mixer == MixerKind::mamba2 ? std::max(info.eps_key, info.eps_value) : info.eps_value))
                                    : Cell::str("-"),
                          Cell::str(mqar::family_name(fam)), Cell::integer_(n), Cell::integer_(tot.queries), Cell::num(S(accuracy)),
                          Cell::num(worst_s.margin), Cell::integer_(tot.dups)});
                if (!ok)
                  examples.add({Cell::str(mname), Cell::integer_(step), Cell::str(corrected ? "corrected" : "literal"), Cell::integer_(K),
                                Cell::integer_(V), Cell::str(mqar::family_name(fam)), Cell::num(worst_s.margin),
                                Cell::str(tokens_text(task, worst_seq, worst_s.worst_query))});
                if (mqar::in_format(fam) && !ok) {
                  config_ok = false;
                  if (vd.fail.empty())
                    vd.fail = fmt::format("{}{} kappa = {}, |V| = {}: {} accuracy {:.4f}, min margin {}", corrected ? "corrected, " : "",
                                          step == 2 ? fmt::format("p = {},", sp.p) : "", K, V, mqar::family_name(fam), accuracy,
                                          short_number(Cell::num(worst_s.margin), 3));
                }
              }
              if (corrected) vd.corrected_ok = vd.corrected_ok && config_ok;
              else vd.literal_ok = vd.literal_ok && config_ok;
              if (r.construction.size() < 40 && K == o_.kappa.front() && V == o_.vocab.front())
                r.construction.push_back(corrected ? fmt::format("{} [corrected: {}]", info.reading, info.change) : info.reading);
            }
          }

    // Verdicts: the existence statement per theorem and step, with the literal construction and the correction.
    for (const auto& [key, vd] : by_thm_step) {
      const auto& [mname, step] = key;
      const MixerKind mk = kind(mname);
      const std::string label = fmt::format("{} ({}), Step {}: 1-layer {} solves MQAR", theorem(mk), claim_id(mk), step,
                                            mk == MixerKind::s6 ? "Mamba without gate" : mk == MixerKind::mamba2 ? "Mamba-2 without gate" : "Mamba with S4D mixer");
      const bool lit_checked = o_.variant != "corrected" || step == 1;
      if (lit_checked)
          r.findings.push_back({fmt::format("{}, the paper's weights", label), vd.literal_ok ? Verdict::verified : Verdict::refuted,
                              vd.literal_ok ? std::string("every sampled and edge-case sequence of the task's format answered with a positive margin")
                                            : fmt::format("fails: {} (see counterexamples)", vd.fail)});
      if (vd.has_corrected)
        r.findings.push_back({fmt::format("{}, corrected weights", label), vd.corrected_ok ? Verdict::verified : Verdict::refuted,
                              vd.corrected_ok ? fmt::format("every sequence answered; change: {}", changes[key])
                                              : fmt::format("fails: {}; change: {}", vd.fail, changes[key]),
                              "corrected variant"});
    }
    r.verdict = Verdict::verified;
    for (const auto& f : r.findings)
      if (f.scope == "statement") r.verdict = worst(r.verdict, f.verdict);
    // A theorem whose paper weights fail but whose corrected weights work holds as an existence statement: weak.
    bool rescued = false;
    for (const auto& [key, vd] : by_thm_step)
      if (!vd.literal_ok && vd.has_corrected && vd.corrected_ok) rescued = true;
    int failed = 0, total = 0;
    for (const auto& f : r.findings) {
      total += f.scope == "statement";
      failed += f.scope == "statement" && f.verdict != Verdict::verified;
    }
    bool all_rescued = failed > 0;
    for (const auto& [key, vd] : by_thm_step)
      if (!vd.literal_ok && !(vd.has_corrected && vd.corrected_ok)) all_rescued = false;
    if (all_rescued) r.verdict = Verdict::weak;
    r.summary = failed == 0 ? fmt::format("the paper's weights solve MQAR in all {} theorem/step settings checked", total)
                            : fmt::format("the paper's weights fail in {} of {} theorem/step settings{}", failed, total,
                                          rescued ? (all_rescued ? "; the labelled corrections repair every one" : "; some are repaired by the corrections")
                                                  : "");
    r.tables.push_back(std::move(rows));
    if (!examples.rows.empty()) r.tables.push_back(std::move(examples));
  }

  MqarOptions o_;
};

}  // namespace ssmcheck
