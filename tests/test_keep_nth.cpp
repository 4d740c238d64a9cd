// Corollary 2: weights from the claim's backward products against a forward simulation through the S6 mixer
// with one-hot inputs, and the documented behaviour of each realization.
#include "claim_runner.hpp"
#include <ssmcheck/engine/mixers.hpp>

#include <doctest/doctest.h>

using namespace ssmcheck;

namespace {
Report run_keep(std::vector<std::string> args, int digits = 30) { return testing::run_command("keep-nth", args, digits); }

// e(t) = Σ_i |W_i(t) − δ_in| by running the two-channel S6 (basis, dt = 1) once per one-hot input.
double forward_worst(double w, double tau0, double tau1, int n, long t, double pos_offset) {
  double e = 0;
  for (long i = 1; i <= t; ++i) {
    S6Mixer<double> mix(Mat<double>::Ones(2, 1), {Disc::basis, 1.0});
    Vec<double> x(2), delta(2), B = Vec<double>::Ones(1);
    for (long r = 1; r <= t; ++r) {
      const double s = double(r) + pos_offset;
      x.setConstant(r == i ? 1.0 : 0.0);
      delta(0) = softplus(w * (s - tau0));
      delta(1) = softplus(w * (s - tau1));
      mix.advance(x, delta, B);
    }
    const double W = mix.scan().state()(0, 0) - mix.scan().state()(1, 0);
    e += std::abs(W - (i == n ? 1.0 : 0.0));
  }
  return e;
}

const std::vector<Cell>& row_of(const Report& r, const std::string& variant, double w) {
  for (const auto& row : r.tables[0].rows)
    if (row[0].text == variant && row[2].approx == w) return row;
  throw std::runtime_error("no row " + variant);
}
}  // namespace

TEST_CASE("worst-case errors agree with a forward simulation through the mixer") {
  const Report r = run_keep({"--n", "3", "--T", "4", "--w-delta", "-7", "--disc", "basis", "--sample-pos", "mid", "--samples", "10"}, 16);
  const auto& lit = row_of(r, "basis, tau = (n-1, n), mid", -7);
  CHECK(lit[5].approx == doctest::Approx(forward_worst(-7, 2, 3, 3, 3, -0.5)).epsilon(1e-12));  // e(n)
  CHECK(lit[6].approx == doctest::Approx(forward_worst(-7, 2, 3, 3, 4, -0.5)).epsilon(1e-12));  // e(n+1)
  const auto& cor = row_of(r, "basis, tau = s_n + 1/2 + (0, 1), mid", -7);
  CHECK(cor[6].approx == doctest::Approx(forward_worst(-7, 3, 4, 3, 4, -0.5)).epsilon(1e-12));
}

TEST_CASE("the paper's thresholds select x_(n-1) under mid sampling; the corrected variants select x_n") {
  const Report r = run_keep({"--w-delta", "-1000", "--samples", "2000"});
  // columns: 7 max e, 8 bound, 9 selects, 10 mode at T, 11 accuracy, 12 adversarial
  CHECK(row_of(r, "basis, tau = (n-1, n), mid", -1000)[9].text == "x_(n-1)");
  CHECK(row_of(r, "zoh, one channel, tau = s_n + 1/2, left", -1000)[9].text == "x_n");
  CHECK(row_of(r, "zoh, one channel, tau = s_n + 1/2, left", -1000)[11].approx == 1.0);  // accuracy
  CHECK(row_of(r, "basis, tau = (n-1, n), mid", -1000)[10].text == "wrong token");
  CHECK(row_of(r, "basis, tau = (n-1, n), left", -1000)[10].text == "blend");
  CHECK(row_of(r, "euler, tau = (n-1, n), mid", -1000)[10].text == "divergence");
  CHECK(row_of(r, "euler, tau = (n-1, n), mid", -1000)[7].approx > 100);                 // diverges with |w|
  CHECK(row_of(r, "exact, tau = (n-1, n)", -1000)[12].text == "wrong");                  // 0.079 > 1/127
}

TEST_CASE("the continuous construction is certified at |w| = 1e6 and its error follows 2 sqrt(pi/(2|w|))") {
  const Report r = run_keep({"--w-delta", "-1e6", "--w-delta", "-1e4", "--disc", "exact", "--samples", "1000"});
  CHECK(r.verdict == Verdict::verified);
  for (double w : {-1e6, -1e4}) {
    const auto& row = row_of(r, "exact, tau = (n-1, n)", w);
    CHECK(row[7].approx / row[8].approx == doctest::Approx(1.0).epsilon(2e-3));
  }
}
