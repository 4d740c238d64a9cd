// Benchmark driver; bench/compare_mpmath.py runs it beside mpmath doing the same computation.
//   bench_engine scan DIGITS T D N      S6 scan (euler), d x N state, T steps: prints seconds and a checksum
//   bench_engine norms DIGITS J K W     Theorem 1 error norms of psi_{J,K} at w_Delta = W: seconds, L1, L2
//   bench_engine sensitivity DIGITS T   Lemma 1's S6 (N = 2) sensitivity through the scan over dual numbers,
//                                       t - j up to T: seconds, the last sensitivity, peak resident memory (kB)
//   bench_engine s4dls DIGITS M N C     Corollary 1's S4D-Real least squares (lambda_n = C (n+1)) for the m = M
//                                       generic-jump target, repeated 3 times: seconds per fit, err_l2, cond(G)
#include <ssmcheck/claims/haar_construction.hpp>
#include <ssmcheck/claims/rates_construction.hpp>
#include <ssmcheck/claims/sensitivity.hpp>
#include <ssmcheck/claims/signals.hpp>

#include <fstream>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace ssmcheck;

namespace {

template <class S> void scan(long T, int d, int N) {
  Mat<S> lambda(d, N);
  for (int i = 0; i < d; ++i)
    for (int n = 0; n < N; ++n) lambda(i, n) = S(n + 1) / 4;
  S6Mixer<S> mix(lambda, {Disc::euler, S(1)});
  Vec<S> x(d), delta(d), B(N), C(N);
  for (int n = 0; n < N; ++n) { B(n) = S(1) / (n + 1); C(n) = S(1); }
  const auto t0 = std::chrono::steady_clock::now();
  for (long t = 1; t <= T; ++t) {
    for (int i = 0; i < d; ++i) {
      x(i) = S((t * (i + 3)) % 7) / 7 - S(0.5);
      delta(i) = softplus(S(x(i) - 1));
    }
    mix.advance(x, delta, B);
  }
  const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("seconds=%.6f checksum=%.15e\n", sec, to_double(S(mix.scan().output(C)(0))));
}

template <class S> void norms(int j, int k, double w) {
  const auto t0 = std::chrono::steady_clock::now();
  const haar::Triple<S> f(haar::Wavelet<S>::make(j, k), S(w));
  haar::LevelCache<S> cache(j, S(w));
  Integrator<S> integ;
  haar::NormSettings set;
  set.quad_tol = is_mp_v<S> ? 1e-15 : 1e-11;
  const auto n = haar::ErrorNorms<S>(f, cache, integ, set).compute();
  const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("seconds=%.6f l1=%.15e l2=%.15e evaluations=%ld\n", sec, to_double(n.l1), to_double(n.l2), n.evaluations);
}

long peak_rss_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

template <class S> void sensitivity(long T) {
  SelectiveParams<S> p;
  p.lambda = {S(1), S(1) / 100};
  p.w_delta = 1;
  p.w_B = {S(1), S(-1) / 2};
  p.b_B = {S(1) / 2, S(1)};
  std::uint64_t seed = 1;
  const long j = 10;
  // Inputs generated on the fly from a counter-based hash: nothing of length T is stored.
  auto x_of = [&](long t) {
    std::uint64_t st = seed + std::uint64_t(t) * 0x9e3779b97f4a7c15ULL;
    return S(2 * uniform01(st) - 1);
  };
  const auto t0 = std::chrono::steady_clock::now();
  const auto [pts, terms] = measure_sensitivity<S>(p, j, j + T, x_of, {T});
  const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("seconds=%.6f sensitivity=%s peak_kb=%ld\n", sec, to_sci(pts.back().sensitivity[0], 6).c_str(), peak_rss_kb());
}

template <class S> void s4dls(int m, int N, double c) {
  const auto target = rates::make_target("bench", "generic", rates::generic_jumps<S>(m));
  const auto family = rates::s4d_family<S>("s4d-real", N, S(c));
  const int reps = 3;
  rates::LeastSquares<S> ls;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < reps; ++i) ls = rates::best_approximation(target, family);
  const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / reps;
  std::printf("seconds=%.6f err_l2=%s cond=%s\n", sec, to_sci(S(sqrt(ls.err2)), 17).c_str(), to_sci(ls.cond, 4).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_engine scan DIGITS T D N | norms DIGITS J K W\n");
    return 2;
  }
  const std::string mode = argv[1];
  const int digits = std::atoi(argv[2]);
  if (mode == "scan" && argc == 6) {
    with_scalar(digits, [&]<class S>() { scan<S>(std::atol(argv[3]), std::atoi(argv[4]), std::atoi(argv[5])); });
    return 0;
  }
  if (mode == "norms" && argc == 6) {
    with_scalar(digits, [&]<class S>() { norms<S>(std::atoi(argv[3]), std::atoi(argv[4]), std::atof(argv[5])); });
    return 0;
  }
  if (mode == "sensitivity" && argc == 4) {
    with_scalar(digits, [&]<class S>() { sensitivity<S>(std::atol(argv[3])); });
    return 0;
  }
  if (mode == "s4dls" && argc == 6) {
    with_scalar(digits, [&]<class S>() { s4dls<S>(std::atoi(argv[3]), std::atoi(argv[4]), std::atof(argv[5])); });
    return 0;
  }
  std::fprintf(stderr, "usage: bench_engine scan DIGITS T D N | norms DIGITS J K W | sensitivity DIGITS T | s4dls DIGITS M N C\n");
  return 2;
}
