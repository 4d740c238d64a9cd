// A claim module: construction, evaluation, bound, verdict. Each claim registers its CLI options (which
// case files reuse as config keys), validates them, and computes a Report at a given precision.
#pragma once

#include <ssmcheck/report/format.hpp>
#include <ssmcheck/report/report.hpp>
#include <ssmcheck/scalar.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ssmcheck {

// Bad user input: one line naming the option and its allowed range; exit code 2.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Options every claim shares (set on the top-level command, or in a case file's top level).
struct CommonOptions {
  int digits = 50;
  int check_digits = -1;  // -1: automatic (digits + max(10, digits/4), 32 for double); 0: no rerun
  int jobs = 2;
};

class Claim {
public:
  virtual ~Claim() = default;
  virtual std::string id() const = 0;       // CLAIMS.md id, e.g. "thm1-haar"
  virtual std::string command() const = 0;  // subcommand, e.g. "haar"
  virtual std::string paper() const = 0;    // e.g. "Theorem 1"
  virtual std::string title() const = 0;
  virtual void add_options(CLI::App& sub) = 0;
  // Cross-option checks that CLI11 validators cannot express; throw InputError.
  virtual void validate(const CommonOptions&) const {}
  // Computes the report at `digits` (16 = double).
  virtual Report compute(const CommonOptions& common, int digits) const = 0;
};

// The common part of every claim: dispatch on the run-time precision to Derived::compute_as<S>(common, r),
// with the report's header (ids, precision) already filled in.
template <class Derived> class ScalarClaim : public Claim {
public:
  Report compute(const CommonOptions& common, int digits) const final {
    return with_scalar(digits, [&]<class S>() {
      Report r;
      r.claim = id();
      r.paper = paper();
      r.title = title();
      r.digits = digits;
      r.precision_bits = precision_bits<S>();
      static_cast<const Derived&>(*this).template compute_as<S>(common, r);
      return r;
    });
  }
};

using ClaimList = std::vector<std::unique_ptr<Claim>>;
ClaimList make_claims();  // registry.hpp

namespace detail {
// Relative difference of two numbers given in scientific notation, robust beyond the double range.
inline double rel_diff(const std::string& a, const std::string& b) {
  if (a == b) return 0;
  double ma, mb;
  long ea, eb;
  split_sci(a, ma, ea);
  split_sci(b, mb, eb);
  if (ma == 0 || mb == 0) return (ma == 0 && mb == 0) ? 0 : 1;
  const long e = std::max(ea, eb);
  if (e - std::min(ea, eb) > 30) return 1;
  const double x = ma * std::pow(10.0, double(ea - e)), y = mb * std::pow(10.0, double(eb - e));
  return std::abs(x - y) / std::max(std::abs(x), std::abs(y));
}
}  // namespace detail

// A report whose findings check only labelled corrections (e.g. --variant corrected), none the statement itself,
// has not verified the claim as stated: at best weak. Measurement-only reports (searches) keep their verdict.
inline void cap_unchecked_statement(Report& r) {
  bool statement = false, corrected = false;
  for (const auto& f : r.findings) {
    statement = statement || f.scope == "statement";
    corrected = corrected || f.scope == "corrected variant";
  }
  if (corrected && !statement) r.verdict = worst(r.verdict, Verdict::weak);
}

inline int default_check_digits(int digits) { return digits == kDoubleDigits ? 32 : digits + std::max(10, digits / 4); }

// Runs a claim at the requested precision and again at a higher one; the second run supplies the
// rounding estimate (max relative difference over every number of every table) and the verdict check.
inline Report run_claim(const Claim& claim, const CommonOptions& common) {
  claim.validate(common);
  const auto t0 = std::chrono::steady_clock::now();
  Report r = claim.compute(common, common.digits);
  cap_unchecked_statement(r);
  const int check = common.check_digits < 0 ? default_check_digits(common.digits) : common.check_digits;
  if (check > 0) {
    if (check <= common.digits)
      throw InputError(fmt::format("--check-digits {} must exceed --digits {} (or be 0 to skip the rerun)", check,
                                   common.digits));
    Report hi = claim.compute(common, check);
    cap_unchecked_statement(hi);
    double worst = 0;
    for (std::size_t t = 0; t < r.tables.size() && t < hi.tables.size(); ++t)
      for (std::size_t i = 0; i < r.tables[t].rows.size() && i < hi.tables[t].rows.size(); ++i)
        for (std::size_t c = 0; c < r.tables[t].rows[i].size() && c < hi.tables[t].rows[i].size(); ++c) {
          if (r.tables[t].columns[c].by_precision) continue;
          const Cell &a = r.tables[t].rows[i][c], &b = hi.tables[t].rows[i][c];
          if (a.kind != Cell::Kind::number || b.kind != Cell::Kind::number) continue;
          const double d = detail::rel_diff(a.text, b.text);
          if (d > worst) {
            worst = d;
            r.rounding_where = r.tables[t].name + "." + r.tables[t].columns[c].key;
          }
        }
    r.check_digits = check;
    r.rounding_estimate = fmt::format("{:.2e}", worst);
    r.verdict_stable = hi.verdict == r.verdict;
    for (std::size_t f = 0; f < r.findings.size() && f < hi.findings.size(); ++f)
      r.verdict_stable = r.verdict_stable && hi.findings[f].verdict == r.findings[f].verdict;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace ssmcheck
