// Theorem 1: the construction, its norms, and the projections, against independent evaluations.
#include <ssmcheck/claims/haar_construction.hpp>
#include <ssmcheck/claims/signals.hpp>

#include <doctest/doctest.h>

using namespace ssmcheck;

TEST_CASE("the shared level cache reproduces the direct basis functions") {
  PrecisionScope ps(50);
  using S = mp_float;
  for (double w : {-10.0, -1e3, -1e6}) {
    haar::LevelCache<S> cache(3, S(w));
    for (int k : {0, 3, 7}) {
      const auto psi = haar::Wavelet<S>::make(3, k);
      const haar::Triple<S> f(psi, S(w));
      Integrator<S> integ;
      haar::ErrorNorms<S> norms(f, cache, integ, {});
      // err_at_b is computed from the cache; compare with the direct evaluation at b.
      const auto n = norms.compute();
      CHECK(abs(n.err_at_b - abs(psi(psi.b) - f(psi.b))) < S("1e-40"));
    }
  }
}

TEST_CASE("Haar inner products in closed form") {
  using S = double;
  PiecewiseConstant<S> x{{0.0, 0.3, 1.0}, {2.0, -1.0}};
  const auto psi = haar::Wavelet<S>::make(0, 0);
  // ∫_0^{1/2} x - ∫_{1/2}^1 x = (0.6 - 0.2) - (-0.5) = 0.9
  CHECK(psi.inner(x) == doctest::Approx(0.9).epsilon(1e-15));
  const auto p = haar::Wavelet<S>::make(2, 1);  // support [1/4, 1/2], B = 2
  CHECK(p.B == 2.0);
  // ∫_{1/4}^{3/8} x = 0.05*2 - 0.075 = 0.025, ∫_{3/8}^{1/2} x = -0.125: 2 * (0.025 + 0.125) = 0.3
  CHECK(p.inner(x) == doctest::Approx(0.3).epsilon(1e-14));
}

TEST_CASE("sup norm: certified bracket, and the limit 2 * 2^(j/2) from the left of m") {
  PrecisionScope ps(40);
  using S = mp_float;
  for (int j : {0, 2}) {
    const auto psi = haar::Wavelet<S>::make(j, 1 % (1 << j));
    const haar::Triple<S> f(psi, S(-1e6));
    haar::LevelCache<S> cache(j, S(-1e6));
    Integrator<S> integ;
    const auto n = haar::ErrorNorms<S>(f, cache, integ, {1e-12, 1e-9, 20000}).compute();
    CHECK(n.sup_lower <= n.sup_upper);
    CHECK((n.sup_upper - n.sup_lower) / n.sup_lower < S("1e-8"));
    // No point of a fine grid exceeds the certified upper bound.
    for (int i = 0; i <= 4000; ++i) {
      const S s = psi.a + (psi.b - psi.a) * S(i) / 4000;
      CHECK(abs(psi(s) - f(s)) <= n.sup_upper * (1 + S("1e-30")));
    }
    CHECK(abs(n.sup_lower / psi.B - 2) < S("1e-2"));
    // The supremum over [a, m) is the limit s -> m-: attained at the closure endpoint m of that piece.
    CHECK(n.sup_arg == psi.m);
    CHECK(abs(n.sup_lower - abs(psi.B - f(psi.m))) < S("1e-30"));
  }
}

TEST_CASE("L1 and L2 approach the derived asymptotes and decay as |w|^-1/2 and |w|^-1/4") {
  PrecisionScope ps(30);
  using S = mp_float;
  const auto psi = haar::Wavelet<S>::make(1, 1);
  std::vector<S> l1, l2;
  for (double w : {-1e4, -1e6}) {
    const haar::Triple<S> f(psi, S(w));
    haar::LevelCache<S> cache(1, S(w));
    Integrator<S> integ;
    const auto n = haar::ErrorNorms<S>(f, cache, integ, {1e-15, 1e-9, 20000}).compute();
    l1.push_back(n.l1);
    l2.push_back(n.l2);
    if (w == -1e6) {
      CHECK(abs(n.l1 / haar::l1_asymptote(psi, S(1e6)) - 1) < S("2e-3"));
      CHECK(abs(n.l2 / haar::l2_asymptote(psi, S(1e6)) - 1) < S("2e-3"));
    }
  }
  CHECK(to_double(log(l1[0] / l1[1]) / log(S(100))) == doctest::Approx(0.5).epsilon(1e-2));
  CHECK(to_double(log(l2[0] / l2[1]) / log(S(100))) == doctest::Approx(0.25).epsilon(1e-2));
}

TEST_CASE("projections: basis discretization converges to the exact inner product; euler does not") {
  using S = double;
  const auto psi = haar::Wavelet<S>::make(1, 0);
  const haar::Triple<S> f(psi, -1e3);
  PiecewiseConstant<S> x{{0.0, 0.2, 0.7, 1.0}, {1.0, -2.0, 0.5}};
  Integrator<S> integ;
  const auto exact = inner_product(integ, f, x, 0.0, 1.0, {psi.a, psi.m, psi.b}, 1e-12);
  auto scan = [&](long L) {
    return haar::scan_projection(f, x, L, haar::SamplePos::mid,
                                 [&](long t) { return haar::sample_time<S>(haar::SamplePos::mid, t, L); });
  };
  const auto coarse = scan(512), fine = scan(4096);
  const double e_coarse = std::abs(coarse.value[2] - exact.value), e_fine = std::abs(fine.value[2] - exact.value);
  CHECK(e_fine < e_coarse / 8);  // basis: at least first-order convergence in dt
  CHECK(e_fine < 1e-3);
  CHECK(std::abs(fine.value[1] - exact.value) > 0.1);  // euler: B_bar = Delta B kills the Heaviside
}

TEST_CASE("test signals are deterministic in the seed") {
  const auto a = test_signals<double>(7), b = test_signals<double>(7), c = test_signals<double>(8);
  CHECK(a[0].x.values == b[0].x.values);
  CHECK(a[0].x.values != c[0].x.values);
}
