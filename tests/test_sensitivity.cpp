// Dual numbers, the sensitivity through the scan, and the Lemma 1 / Lemma 2 verdicts.
#include "claim_runner.hpp"
#include <ssmcheck/claims/sensitivity.hpp>

#include <doctest/doctest.h>

using namespace ssmcheck;

TEST_CASE("dual numbers carry exact derivatives through softplus, exp, expm1 and division") {
  PrecisionScope ps(40);
  using S = mp_float;
  using D = Dual<S>;
  const S z("0.37");
  const D sp = softplus(D(z, S(1)));
  const S sigma = 1 / (1 + exp(S(-z)));
  CHECK(abs(sp.d - sigma) < S("1e-38"));
  const D big = softplus(D(S(50), S(1)));  // the z > 0 branch
  CHECK(abs(big.d - 1 / (1 + exp(S(-50)))) < S("1e-38"));
  const D q = D(S(3), S(1)) / D(S(2), S(0));
  CHECK(q.d == S("0.5"));
  const D e = expm1_(D(S("1e-30"), S(1)));
  CHECK(abs(e.v - S("1e-30")) < S("1e-59"));
  CHECK(abs(e.d - 1) < S("1e-29"));
}

TEST_CASE("sensitivity through the scan equals eq. 34: (prod of the later decays) (a + b)") {
  PrecisionScope ps(40);
  using S = mp_float;
  SelectiveParams<S> p;
  p.lambda = {S(1)};
  p.w_delta = 1;
  p.w_B = {S(1)};
  p.b_B = {S("0.5")};
  const std::vector<S> xs{S(0), S("0.3"), S("0.7"), S("-0.2"), S("0.9"), S("0.1")};
  const auto [pts, terms] = measure_sensitivity<S>(p, 2, 5, [&](long t) { return xs[t]; }, {0, 1, 3});
  REQUIRE(pts.size() == 3);
  S prod = 1;
  for (long gap = 0, t = 2; gap <= 3; ++gap, ++t) {
    if (gap > 0) prod *= exp(S(-softplus(xs[t])));
    if (gap == 0 || gap == 1 || gap == 3) {
      const auto& pt = *std::find_if(pts.begin(), pts.end(), [&](const auto& q) { return q.t_minus_j == gap; });
      CHECK(abs(pt.sensitivity[0] - prod * abs(terms.a[0] + terms.b[0])) < S("1e-36"));
    }
  }
  // a = d(softplus(x) x (x + 1/2))/dx at 0.7 and b = -sigma(0.7) e^{-softplus(0.7)} h_1, h_1 = softplus(0.3) 0.3 0.8.
  const S x("0.7"), sg = 1 / (1 + exp(S(-x)));
  CHECK(abs(terms.a[0] - (sg * x * (x + S("0.5")) + softplus(x) * (2 * x + S("0.5")))) < S("1e-36"));
  const S h1 = softplus(S("0.3")) * S("0.3") * S("0.8");
  CHECK(abs(terms.b[0] - (-sg * exp(S(-softplus(x))) * h1)) < S("1e-36"));
}

namespace {
Report run_claim_cmd(const std::string& cmd, std::vector<std::string> args, int digits) {
  return testing::run_command(cmd, args, digits);
}
}  // namespace

TEST_CASE("Lemma 1: verified, S4D ratio exactly 1, S6 ratio constant, values beyond the double range") {
  const Report r = run_claim_cmd("decay", {"--T", "2000"}, 30);
  CHECK(r.verdict == Verdict::verified);
  double smallest_exp = 0;
  for (const auto& row : r.tables[0].rows) {
    if (row[0].text == "S4D") CHECK(row[6].approx == doctest::Approx(1.0).epsilon(1e-20));
    long e = 0;
    double m = 0;
    split_sci(row[4].text, m, e);
    smallest_exp = std::min(smallest_exp, double(e));
  }
  CHECK(smallest_exp < -800);  // e^{-lambda sum Delta} far below 1e-308, still resolved
}

TEST_CASE("Lemma 2: refuted as written, corrected bound verified, in double and MPFR alike") {
  for (int digits : {16, 30}) {
    const Report r = run_claim_cmd("freeze", {"--T", "1000", "--c", "1"}, digits);
    CHECK(r.verdict == Verdict::refuted);
    REQUIRE(r.findings.size() >= 2);
    CHECK(r.findings[0].verdict == Verdict::refuted);
    CHECK(r.findings[1].verdict == Verdict::verified);
    CHECK(r.findings[1].scope == "corrected variant");
  }
}
