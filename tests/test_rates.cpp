// Corollary 1 (cor1-rates) through the claim module: the Heaviside realisation against the closed-form Gaussian
// layer, dyadic targets against exact rational Haar expansions, the S4D Fourier rate against the 1/n tail, and the
// precision guard of the S4D least-squares problems.
#include "claim_runner.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace ssmcheck;
using testing::table;

namespace {
Report run(const std::vector<std::string>& args, int digits = 30) { return testing::run_command("rates", args, digits); }

const std::vector<Cell>& find_row(const Table& t, const std::string& target, const std::string& family, long long N,
                                  const std::string& w) {
  for (const auto& row : t.rows)
    if (row[0].text == target && row[2].text == family && row[3].integer == N && (w.empty() || row[4].text == w ||
                                                                                 std::abs(row[4].approx - std::atof(w.c_str())) == 0))
      return row;
  throw std::runtime_error("no row " + target + " " + family);
}
}  // namespace

TEST_CASE("one Mamba basis per jump: the L2 error is the Gaussian layer |J| (pi / (4|w|))^(1/4)") {
  // Left of a threshold t, u_t(s) ~ exp(-|w| (t - s)^2 / 2) (softplus(z) ~ z), so ||J H - J u||^2 ~ J^2 sqrt(pi/|w|)/2;
  // the right side and the basis at t = 0 contribute O(|w|^-1) relatively. m = 1: values 1 and -3/2, J = -5/2.
  const Report r = run({"--m", "1", "--jumps", "generic", "--cells", "0", "--n-max", "12", "--fourier-n-max", "12",
                        "--families", "heaviside", "--w-delta", "-1e6", "--w-delta", "-1e8"});
  for (double w : {1e6, 1e8}) {
    const auto& row = find_row(r.tables[0], "m=1 generic", "heaviside", 2, fmt::format("{:g}", -w));
    const double closed = 2.5 * std::pow(std::acos(-1.0) / (4 * w), 0.25);
    CHECK(row[5].approx == doctest::Approx(closed).epsilon(2.0 / std::sqrt(w)));
  }
  CHECK(r.findings[0].verdict == Verdict::verified);
}

TEST_CASE("dyadic jumps: the Haar expansion ends; exact from N = 3 x (nonzero coefficients)") {
  // Nonzero Haar coefficients counted in exact rational arithmetic by tests/reference/rates_reference.py:
  // m = 1: 5, m = 2: 8, m = 4: 11 (phi's coefficient is exactly 0), m = 8: 12.
  const Report r = run({"--m", "1", "--m", "2", "--m", "4", "--m", "8", "--jumps", "dyadic", "--cells", "0", "--n-max",
                        "12", "--fourier-n-max", "12", "--haar-n-max", "60", "--families", "haar"});
  const auto& fits = table(r, "fits");
  const std::vector<std::pair<std::string, int>> expect{{"m=1 dyadic", 15}, {"m=2 dyadic", 24}, {"m=4 dyadic", 33}, {"m=8 dyadic", 36}};
  for (const auto& [name, N] : expect) {
    bool found = false;
    for (const auto& row : fits.rows)
      if (row[0].text == name) {
        found = true;
        CHECK(row[8].text == fmt::format("exact from N = {}", N));
      }
    CHECK(found);
  }
  // ... and the series is exactly 0 from there on at 30 digits (no rounding noise left in the sum).
  for (const auto& row : table(r, "haar_series").rows)
    if (row[0].text == "m=4 dyadic" && row[2].integer >= 33) CHECK(row[3].text == "0");
}

TEST_CASE("generic jumps: the proof's Haar route decays as 2^(-N/(6m)) in L2, 2^(-N/(3m)) squared") {
  // Each level j holds one coefficient ~ 2^(-j/2) per jump: after K = N/3 wavelets (K/m levels) the squared tail is
  // ~ 2^(-K/m) = 2^(-N/(3m)). The fitted L2 exponent must be near 1/(6m), far from the claimed 1/(3m).
  const Report r = run({"--m", "1", "--m", "2", "--jumps", "generic", "--cells", "0", "--n-max", "12", "--fourier-n-max",
                        "12", "--families", "haar"});
  for (const auto& row : table(r, "fits").rows) {
    const double m = double(row[1].integer), fitted = row[5].approx;
    CHECK(fitted * 6 * m == doctest::Approx(1.0).epsilon(0.15));
  }
  bool literal_refuted = false, squared_verified = false;
  for (const auto& f : r.findings) {
    if (f.label.rfind("proof route: best", 0) == 0) literal_refuted = f.verdict == Verdict::refuted;
    if (f.label.rfind("proof route, squared", 0) == 0) squared_verified = f.verdict == Verdict::verified;
  }
  CHECK(literal_refuted);
  CHECK(squared_verified);
}

TEST_CASE("S4D with the proof's Fourier modes: L2 error ~ N^(-1/2)") {
  // Fourier coefficients of a jump decay as 1/n, so the squared tail beyond N modes is ~ 1/N.
  const Report r = run({"--m", "2", "--jumps", "generic", "--cells", "0", "--n-max", "12", "--fourier-n-max", "60",
                        "--families", "fourier"}, 20);
  const auto& fits = table(r, "fits");
  REQUIRE(fits.rows.size() == 1);
  CHECK(fits.rows[0][5].approx == doctest::Approx(0.5).epsilon(0.1));
  // Cond(G) of the Fourier Gram matrix is 2 (cos/sin modes orthogonal, the constant of norm 1, the rest of norm 1/2).
  for (const auto& row : r.tables[0].rows)
    if (row[2].text == "fourier" && row[3].integer >= 3) CHECK(row[12].approx == doctest::Approx(2.0));
}

TEST_CASE("S4D-Real least squares: too little precision is an input error, not garbage") {
  CHECK_THROWS_AS(run({"--m", "1", "--jumps", "generic", "--cells", "0", "--n-max", "30", "--fourier-n-max", "30",
                       "--families", "s4d-real", "--real-scale", "1"}, 30),
                  InputError);
  // Double precision already fails at N = 12 for c = 1; the report's double column shows what it would print.
  const Report r = run({"--m", "1", "--jumps", "generic", "--cells", "0", "--n-max", "12", "--fourier-n-max", "12",
                        "--families", "s4d-real", "--real-scale", "1"}, 40);
  const auto& row = find_row(r.tables[0], "m=1 generic", "s4d-real", 12, "-");
  CHECK(row[12].approx > 1e15);  // cond(G) beyond 1/u of double
}
