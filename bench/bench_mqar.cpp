// MQAR forward-pass benchmark: the pass `ssmcheck mqar` runs (per-token tables shared, Ā = 1 so only the nonzero
// x̂ ⊗ B products are added as rank-1 updates, the outputs at the queries read out in one W_o product per sequence)
// against the straightforward dense forward pass of the same weights (model::Block with sparse = false: every state
// entry updated through the scan with exp(0), dense matrix-vector products, logits at each query), on the same
// sequences in the same process, double precision, one thread.
//   bench_mqar MIXER STEP KAPPA VOCAB SEQS     MIXER = mamba | mamba2 | s4d, STEP = 1 | 2 (corrected weights)
// Prints seconds for both, the ratio, and the relative difference of the summed per-sequence minimum margins (a check
// that both compute the same thing; they differ only in summation order).
#include <ssmcheck/claims/mqar_construction.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>

using namespace ssmcheck;

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: bench_mqar MIXER STEP KAPPA VOCAB SEQS\n");
    return 2;
  }
  const std::string m = argv[1];
  mqar::Task t{std::atoi(argv[3]), std::atoi(argv[4]), 100, false};
  mqar::Spec sp;
  sp.mixer = m == "mamba" ? model::MixerKind::s6 : m == "mamba2" ? model::MixerKind::mamba2 : model::MixerKind::s4d;
  sp.step = std::atoi(argv[2]);
  sp.corrected = true;
  sp.p = mqar::lemma4_p(0.5, t.vocab, 0.1);
  sp.p_key = mqar::lemma4_p(0.5, t.kappa, 0.1);
  const long seqs = std::atol(argv[5]);
  mqar::Built info;
  const auto w = mqar::build<double>(t, sp, info);
  double checksum[2] = {0, 0}, seconds[2] = {0, 0}, maxdiff = 0;
  const auto prep = std::make_shared<const model::Prepared<double>>(w, true);
  for (int dense = 0; dense < 2; ++dense) {
    const auto t0 = std::chrono::steady_clock::now();
    if (dense == 0) {  // what `ssmcheck mqar` runs: shared tables, sparse updates, one readout product per sequence
      model::Block<double> blk(prep);
      for (long i = 0; i < seqs; ++i) checksum[0] += mqar::run_sequence(blk, mqar::make_sequence(t, mqar::Family::random, 1000 + std::uint64_t(i))).margin;
    } else {  // the straightforward pass: dense scan and products, logits at each query
      model::Block<double> blk(w, false);
      for (long i = 0; i < seqs; ++i) {
        const auto s = mqar::make_sequence(t, mqar::Family::random, 1000 + std::uint64_t(i));
        blk.reset();
        std::size_t q = 0;
        double margin = std::numeric_limits<double>::infinity();
        for (int pos = 0; pos < int(s.tokens.size()) && q < s.query_pos.size(); ++pos) {
          blk.push(s.tokens[pos]);
          if (s.query_pos[q] == pos) {
            Vec<double> z = blk.logits();
            const double target = z(s.target[q]);
            z(s.target[q]) = -std::numeric_limits<double>::infinity();
            margin = std::min(margin, target - z.maxCoeff());
            ++q;
          }
        }
        checksum[1] += margin;
      }
    }
    seconds[dense] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  maxdiff = std::abs(checksum[0] - checksum[1]) / std::max(1.0, std::abs(checksum[1]));
  std::printf("%s step %d kappa %d |V| %d d %ld: %ld sequences  sparse %.3f s  dense %.3f s  ratio %.1f  checksum rel. diff %.1e\n",
              m.c_str(), sp.step, t.kappa, t.vocab, long(w.d), seqs, seconds[0], seconds[1], seconds[1] / seconds[0], maxdiff);
  return 0;
}
