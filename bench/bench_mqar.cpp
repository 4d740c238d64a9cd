// MQAR forward-pass benchmark: the block with its sparsity shortcuts (one-hot x̂, Ā = 1 so only nonzero x̂ ⊗ B
// products are added, sparse readout inputs) against the straightforward dense forward pass of the same weights
// (model::Block with sparse = false: every state entry updated through the scan with exp(0), dense matrix-vector
// products), on the same sequences in the same process, double precision, one thread.
//   bench_mqar MIXER STEP KAPPA VOCAB SEQS     MIXER = mamba | mamba2 | s4d, STEP = 1 | 2 (corrected weights)
// Prints seconds for both, the ratio, and the largest logit difference (a check that both compute the same thing).
#include <ssmcheck/claims/mqar_construction.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
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
  for (int dense = 0; dense < 2; ++dense) {
    model::Block<double> blk(w, dense == 0);
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < seqs; ++i) {
      const auto s = mqar::make_sequence(t, mqar::Family::random, 1000 + std::uint64_t(i));
      blk.reset();
      std::size_t q = 0;
      for (int pos = 0; pos < int(s.tokens.size()); ++pos) {
        blk.push(s.tokens[pos]);
        if (q < s.query_pos.size() && s.query_pos[q] == pos) {
          checksum[dense] += blk.logits()(s.target[q]);
          ++q;
        }
      }
    }
    seconds[dense] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  maxdiff = std::abs(checksum[0] - checksum[1]) / std::max(1.0, std::abs(checksum[1]));
  std::printf("%s step %d kappa %d |V| %d d %ld: %ld sequences  sparse %.3f s  dense %.3f s  ratio %.1f  checksum rel. diff %.1e\n",
              m.c_str(), sp.step, t.kappa, t.vocab, long(w.d), seqs, seconds[0], seconds[1], seconds[1] / seconds[0], maxdiff);
  return 0;
}
