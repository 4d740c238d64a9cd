// Lemma 3: the Mamba-DeltaT construction against the task definition, the certified bound, and plain Mamba's failure.
#include "claim_runner.hpp"
#include <ssmcheck/claims/induction.hpp>

#include <doctest/doctest.h>

using namespace ssmcheck;

TEST_CASE("induction targets follow y_t = x_(j(t)+1)") {
  induction::Sequence s;
  s.tokens = {2, 1, 3, 2, 4, 3, 2, 4};  // the paper's example: y = [x, x, x, 1, x, 2, 4, 3]
  induction::fill_targets(s);
  CHECK(s.target == std::vector<int>{-1, -1, -1, 1, -1, 2, 4, 3});
}

TEST_CASE("Mamba-DeltaT margins: 2^-G for the printed weights, the certified bound holds and is attained on a b ... a") {
  // a b x ... x a with G steps between the write (t = 1) and the query: margin = a^G * phi exactly when nothing
  // else was written to column a (f never applied), a = 1/2 literal.
  induction::Spec sp;
  sp.w_delta = 5;
  const auto w = induction::build<double>(5, sp);
  model::Block<double> blk(w);
  for (int G : {3, 10, 40}) {
    induction::Sequence s;
    s.tokens = {0, 1};
    for (int i = 0; i < G - 1; ++i) s.tokens.push_back(2 + i % 3);
    s.tokens.push_back(0);
    induction::fill_targets(s);
    const auto r = induction::run(blk, s);
    CHECK(r.correct == r.scored);
    // the query at the end reads column 0 written at t = 1 and decayed G times by 1/2
    blk.reset();
    for (int tok : s.tokens) blk.push(tok);
    const auto z = blk.logits();
    CHECK(z(1) == doctest::Approx(std::ldexp(1.0, -G)).epsilon(1e-12));
  }
}

TEST_CASE("the claim: Delta-T certified and answering every input; plain Mamba fails on the task") {
  const Report r = testing::run_command("induction", {"--vocab", "5", "--w-delta", "5", "--samples", "200", "--long-T", "2000",
                                                      "--disc", "basis"}, 30);
  const Table& t = r.tables[0];
  bool dt_all = true, mamba_flush_fails = false;
  for (const auto& row : t.rows) {
    if (row[0].text == "mamba-deltaT") dt_all = dt_all && row[8].approx == 1.0;
    if (row[0].text == "mamba" && row[6].text == "task" && row[8].approx < 1.0) mamba_flush_fails = true;
    if (row[0].text == "mamba-deltaT") CHECK(row[9].approx >= row[10].approx * (1 - 1e-9));  // measured >= certified bound
  }
  CHECK(dt_all);
  CHECK(mamba_flush_fails);
}
