// lem4-jl — Lemma 4 (App. C.1): a random M ∈ R^{p×n} with entries ±1/√p and p = (4/ε²) ln(n/δ) has
// |⟨M e_i, M e_j⟩| ≤ ε for all i ≠ j with probability ≥ 1 − δ². Inner products of sign vectors are exact integers
// over p (p − 2·popcount(a xor b)), so the achieved ε of every matrix is computed exactly; the probability is
// estimated over seeded trials with a Clopper–Pearson interval. The p sweep shows how conservative the lemma's p is.
#pragma once

#include <ssmcheck/claims/claim.hpp>
#include <ssmcheck/claims/mqar_construction.hpp>
#include <ssmcheck/parallel.hpp>

#include <boost/math/distributions/beta.hpp>

#include <bit>

namespace ssmcheck {

namespace jl {
// The columns of M as bit masks (bit r set: entry +1/√p); max_{i≠j} |⟨M e_i, M e_j⟩| · p.
inline long max_dot_bits(const mqar::JL& m) {
  const int words = (m.p + 63) / 64;
  std::vector<std::uint64_t> bits(std::size_t(m.n) * words, 0);
  for (int c = 0; c < m.n; ++c)
    for (int r = 0; r < m.p; ++r)
      if (m.at(r, c) > 0) bits[std::size_t(c) * words + r / 64] |= std::uint64_t(1) << (r % 64);
  long worst = 0;
  for (int i = 0; i < m.n; ++i)
    for (int j = i + 1; j < m.n; ++j) {
      long diff = 0;
      for (int w = 0; w < words; ++w) diff += std::popcount(bits[std::size_t(i) * words + w] ^ bits[std::size_t(j) * words + w]);
      worst = std::max(worst, std::labs(m.p - 2 * diff));
    }
  return worst;
}
// Clopper–Pearson interval for k successes in n trials at confidence 1 − alpha.
inline std::pair<double, double> clopper_pearson(long k, long n, double alpha) {
  using boost::math::beta_distribution;
  using boost::math::quantile;
  const double lo = k == 0 ? 0.0 : quantile(beta_distribution<double>(double(k), double(n - k + 1)), alpha / 2);
  const double hi = k == n ? 1.0 : quantile(beta_distribution<double>(double(k + 1), double(n - k)), 1 - alpha / 2);
  return {lo, hi};
}
}  // namespace jl

struct JlOptions {
  std::vector<int> n{128, 256, 512};
  double eps = 0.5, delta = 0.1;
  long trials = 1000;
  std::uint64_t seed = 1;
  std::vector<double> p_fractions{0.25, 0.5, 1.0};
};

class JlClaim : public ScalarClaim<JlClaim> {
  friend class ScalarClaim<JlClaim>;

public:
  std::string id() const override { return "lem4-jl"; }
  std::string command() const override { return "jl"; }
  std::string paper() const override { return "Lemma 4"; }
  std::string title() const override { return "random sign matrices are eps-orthogonal with probability >= 1 - delta^2"; }

  void add_options(CLI::App& sub) override {
    sub.add_option("--n", o_.n, "number of vectors (columns; |V| or kappa in the MQAR constructions) (repeatable)")
        ->check(CLI::Range(2, 8192))->take_all()->capture_default_str();
    sub.add_option("--eps", o_.eps, "inner-product bound epsilon")->check(CLI::Range(0.01, 0.99))->capture_default_str();
    sub.add_option("--delta", o_.delta, "failure parameter delta (the lemma's probability is 1 - delta^2)")
        ->check(CLI::Range(1e-6, 0.99))->capture_default_str();
    sub.add_option("--trials", o_.trials, "seeded matrices drawn per (n, p)")->check(CLI::Range(1L, 1000000L))->capture_default_str();
    sub.add_option("--seed", o_.seed, "first seed (trial i uses seed + i)")->capture_default_str();
    sub.add_option("--p-fraction", o_.p_fractions, "also try p = fraction * the lemma's p (repeatable)")
        ->check(CLI::Range(0.01, 4.0))->take_all()->capture_default_str();
  }
  void validate(const CommonOptions&) const override {
    for (int n : o_.n) {
      const double work = double(o_.trials) * n * double(n) * mqar::lemma4_p(o_.eps, n, o_.delta) / 128.0;
      if (work > 4e10)
        throw InputError(fmt::format("--trials {} with --n {}: about {:.2g} word operations (allowed up to 4e10); lower --trials or --n",
                                     o_.trials, n, work));
    }
  }

private:
  template <class S> void compute_as(const CommonOptions& c, Report& r) const {
    r.construction = {fmt::format("M in R^(p x n), entries +-1/sqrt(p) from splitmix64 (the generator of the MQAR constructions), "
                                  "trial i with seed {} + i; p = ceil((4/eps^2) ln(n/delta)), eps = {:g}, delta = {:g}",
                                  o_.seed, o_.eps, o_.delta),
                      "success: max_(i != j) |<M e_i, M e_j>| <= eps, computed exactly as an integer over p (bit masks, popcount)",
                      "probability: successes / trials with a 99.9% Clopper-Pearson interval; verdict from the lemma's p only"};
    Table t{"rows", "empirical probability that a random sign matrix is eps-orthogonal, against the lemma's 1 - delta^2",
            {{"n", "n", "$n$"}, {"p", "p", "$p$"}, {"p_fraction", "p / p_lemma", "$p/p_{\\mathrm{L4}}$", 3}, {"trials", "trials", "trials"},
             {"successes", "successes", "successes"}, {"probability", "probability", "probability", 6},
             {"ci_low", "CI low", "CI low", 6}, {"ci_high", "CI high", "CI high", 6}, {"bound", "1 - delta^2", "$1-\\delta^2$", 6},
             {"median_eps", "median eps", "median $\\varepsilon$", 4}, {"max_eps", "max eps", "max $\\varepsilon$", 4}}};
    Verdict v = Verdict::verified;
    std::string worst_detail;
    const double bound = 1 - o_.delta * o_.delta;
    for (int n : o_.n) {
      const int p_lemma = mqar::lemma4_p(o_.eps, n, o_.delta);
      for (double f : o_.p_fractions) {
        const int p = std::max(1, int(std::lround(f * p_lemma)));
        std::vector<long> dots(std::size_t(o_.trials));
        parallel_for(dots.size(), c.jobs, [&](std::size_t i) { dots[i] = jl::max_dot_bits(mqar::make_jl(p, n, o_.seed + i)); });
        const long limit = long(std::floor(o_.eps * p + 1e-9));  // |dot|/p <= eps  <=>  |dot| <= floor(eps p)
        long ok = 0;
        for (long d : dots) ok += d <= limit;
        std::vector<long> sorted = dots;
        std::sort(sorted.begin(), sorted.end());
        const auto [lo, hi] = jl::clopper_pearson(ok, o_.trials, 1e-3);
        const double prob = double(ok) / double(o_.trials);
        t.add({Cell::integer_(n), Cell::integer_(p), Cell::num(S(f)), Cell::integer_(o_.trials), Cell::integer_(ok), Cell::num(S(prob)),
               Cell::num(S(lo)), Cell::num(S(hi)), Cell::num(S(bound)), Cell::num(S(double(sorted[sorted.size() / 2]) / p)),
               Cell::num(S(double(sorted.back()) / p))});
        if (f == 1.0) {
          const Verdict here = hi < bound ? Verdict::refuted : prob >= bound ? Verdict::verified : Verdict::weak;
          if (here != Verdict::verified && worst_detail.empty())
            worst_detail = fmt::format("n = {}, p = {}: {} of {} trials eps-orthogonal (CI [{:.4f}, {:.4f}]) against {:.4f}", n, p, ok,
                                       o_.trials, lo, hi, bound);
          v = worst(v, here);
        }
      }
    }
    r.findings.push_back({"Lemma 4: P(max |<Me_i, Me_j>| <= eps) >= 1 - delta^2 at the lemma's p", v,
                          v == Verdict::verified ? "the empirical probability meets the bound for every n" : worst_detail});
    r.verdict = v;
    r.summary = v == Verdict::verified ? fmt::format("at p = (4/eps^2) ln(n/delta) every n meets 1 - delta^2 = {:.4f} empirically", bound)
                                       : worst_detail;
    r.tables.push_back(std::move(t));
  }

  JlOptions o_;
};

}  // namespace ssmcheck
