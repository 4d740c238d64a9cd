// Scan engine: every mixer and discretization against closed forms computed independently.
#include <ssmcheck/engine/exact.hpp>
#include <ssmcheck/engine/mixers.hpp>

#include <doctest/doctest.h>

using namespace ssmcheck;

namespace {
using S = mp_float;
S tol() { return S("1e-45"); }
}  // namespace

TEST_CASE("zoh is exact for piecewise-constant input: S4D against the continuous solution") {
  PrecisionScope ps(50);
  // h' = Δ(-λ h + B x) over steps of length 1 with constant x per step.
  Mat<S> lambda(1, 2);
  lambda << S("0.7"), S(0);
  Vec<S> B(2), C(2);
  B << S("1.5"), S("-0.25");
  C << S(1), S(2);
  S4DMixer<S> mix(lambda, B, C, {Disc::zoh, S(1)});
  const std::vector<double> xs{1.0, -2.0, 0.5, 3.0};
  std::array<S, 2> h{S(0), S(0)};
  for (double x : xs) {
    Vec<S> xv(1);
    xv << S(x);
    const Vec<S> y = mix.step(xv);
    for (int n = 0; n < 2; ++n) h[n] = exact_piece(h[n], lambda(0, n), S(1), B(n), S(x), S(1), true);
    CHECK(abs(y(0) - (h[0] * C(0) + h[1] * C(1))) < tol());
  }
}

TEST_CASE("S6: Δ broadcast along d; euler and basis input coefficients") {
  PrecisionScope ps(50);
  Mat<S> lambda(2, 1);
  lambda << S(1), S(3);
  Vec<S> B(1), C(1), delta(2), x(2);
  B << S(2);
  C << S(1);
  delta << S("0.1"), S("0.4");
  x << S(1), S(-1);
  S6Mixer<S> euler(lambda, {Disc::euler, S(1)});
  S6Mixer<S> basis(lambda, {Disc::basis, S("0.01")});
  euler.step(x, delta, B, C);
  basis.step(x, delta, B, C);
  const Vec<S> ye = euler.step(x, delta, B, C), yb = basis.step(x, delta, B, C);
  for (int i = 0; i < 2; ++i) {
    const S a = exp(S(-lambda(i, 0) * delta(i)));
    CHECK(abs(ye(i) - (a * delta(i) * B(0) * x(i) + delta(i) * B(0) * x(i))) < tol());
    CHECK(abs(yb(i) - (a * S("0.01") * B(0) * x(i) + S("0.01") * B(0) * x(i))) < tol());
  }
}

TEST_CASE("Mamba-2: scalar decay shared by every entry; zoh with λ = 0 reduces to Δ") {
  PrecisionScope ps(50);
  Mamba2Mixer<S> m(S("0.5"), 2, 3, {Disc::zoh, S(1)});
  Vec<S> x(2), B(3), C(3);
  x << S(1), S(2);
  B << S(1), S(0), S(-1);
  C << S(1), S(1), S(1);
  const S delta("0.3");
  m.step(x, delta, B, C);
  m.step(x, delta, B, C);
  const S a = exp(S(-S("0.5") * delta)), phi = (1 - a) / S("0.5");
  for (int i = 0; i < 2; ++i)
    for (int n = 0; n < 3; ++n) CHECK(abs(m.scan().state()(i, n) - (a + 1) * phi * x(i) * B(n)) < tol());
  Mamba2Mixer<S> z(S(0), 1, 1, {Disc::zoh, S(1)});
  Vec<S> one = Vec<S>::Ones(1);
  z.step(one, delta, one, one);
  CHECK(z.scan().state()(0, 0) == delta);
}

TEST_CASE("Mamba-Δᵀ: Δ along the state dimension and no Δ on the input (eq. 15)") {
  PrecisionScope ps(50);
  DeltaTMixer<S> m(Mat<S>::Ones(2, 2));
  Vec<S> x(2), B(2), C(2), delta(2);
  x << S(1), S(3);
  B << S(1), S(1);
  C << S(0), S(1);
  delta << S(100), S(0);  // flush column 0, keep column 1
  m.step(x, delta, B, C);
  const Vec<S> y = m.step(x, delta, B, C);
  // column 1 (Δ = 0) accumulates x twice; column 0 decays by e^-100 then adds x.
  CHECK(abs(y(0) - 2 * x(0)) < tol());
  CHECK(abs(m.scan().state()(1, 0) - (exp(S(-100)) * x(1) + x(1))) < tol());
}

TEST_CASE("streaming: 10^6 steps of a decaying state match the geometric series, memory O(dN)") {
  PrecisionScope ps(30);
  S4DMixer<S> mix(Mat<S>::Constant(1, 1, S("1e-3")), Vec<S>::Ones(1), Vec<S>::Ones(1), {Disc::euler, S(1)});
  Vec<S> one = Vec<S>::Ones(1);
  S y;
  const long T = 1000000;
  for (long t = 0; t < T; ++t) y = mix.step(one)(0);
  const S a = exp(S("-1e-3"));
  const S expected = (1 - pow(a, T)) / (1 - a);
  CHECK(abs(y - expected) / expected < S("1e-20"));
}

TEST_CASE("negative decay rates are rejected") {
  CHECK_THROWS_AS(DiagonalScan<double>(Mat<double>::Constant(1, 1, -1.0), {Disc::zoh, 1.0}), std::invalid_argument);
}
