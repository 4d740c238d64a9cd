// Proposition 1 through the claim module: exact clocks, and the half-step cost of composing.
#include "claim_runner.hpp"

#include <doctest/doctest.h>

using namespace ssmcheck;

using testing::table;

namespace {
Report run(const std::vector<std::string>& args, int digits) { return testing::run_command("time", args, digits); }
}  // namespace

TEST_CASE("the clock is exact in double and in MPFR") {
  for (int digits : {16, 40}) {
    const Report r = run({"--T", "200000", "--levels", "1", "--w-delta", "-100"}, digits);
    CHECK(r.verdict == Verdict::verified);
    const auto& clock = table(r, "rows");
    for (const auto& row : clock.rows) {
      if (row[0].text.find("Delta = 1") != std::string::npos && row[0].text.find("softplus") == std::string::npos)
        CHECK(row[2].approx == 0.0);  // integer sums are exact
      CHECK(row[2].approx <= row[3].approx);
    }
  }
}

TEST_CASE("composition: recovered time moves thresholds by dt/2; the bias shift removes it") {
  const Report r = run({"--T", "10", "--levels", "1", "--samples", "256", "--w-delta", "-1000"}, 30);
  const auto& comp = table(r, "composition");
  double worst_cost = 0, worst_shift = 0;
  for (const auto& row : comp.rows) {
    worst_cost = std::max(worst_cost, row[6].approx);
    worst_shift = std::max(worst_shift, row[7].approx);
  }
  CHECK(worst_cost > 1e-4);    // a real, visible cost at L = 256
  CHECK(worst_shift < 1e-20);  // rounding only at 30 digits
}
