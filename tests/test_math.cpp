// Scalar layer: softplus and the softplus integral F(x) = -Li2(-e^x) in both number types, against
// closed forms and against a second evaluation route.
#include <ssmcheck/scalar.hpp>

#include <doctest/doctest.h>

using namespace ssmcheck;

TEST_CASE("softplus matches log(1 + e^z) and stays accurate beyond the double range") {
  CHECK(softplus(0.0) == doctest::Approx(std::log(2.0)).epsilon(1e-16));
  CHECK(softplus(30.0) == doctest::Approx(30.0 + std::log1p(std::exp(-30.0))).epsilon(1e-16));
  CHECK(softplus(800.0) == 800.0);                  // no overflow
  CHECK(softplus(-700.0) == doctest::Approx(std::exp(-700.0)).epsilon(1e-15));
  PrecisionScope ps(50);
  const mp_float z = -1000;
  // In MPFR e^-1000 is representable: softplus(-1000) = e^-1000 (1 - e^-1000/2 + ...).
  const mp_float rel = abs(softplus(z) / exp(z) - 1);
  CHECK(rel < mp_float("1e-45"));
  CHECK(softplus(mp_float(-1e6)) > 0);
}

TEST_CASE("softplus integral: F(0) = pi^2/12, F' = softplus, and the reflection is continuous") {
  PrecisionScope ps(50);
  using S = mp_float;
  CHECK(abs(softplus_integral(S(0)) - pi<S>() * pi<S>() / 12) < S("1e-48"));
  // Central difference of F against softplus at several points (h = 1e-12: error ~ h^2 F''' ~ 1e-24).
  for (double x : {-50.0, -3.0, -0.5, 0.7, 4.0, 60.0}) {
    const S h("1e-12");
    const S d = (softplus_integral(S(x + h)) - softplus_integral(S(x - h))) / (2 * h);
    CHECK(abs(d - softplus(S(x))) / softplus(S(x)) < S("1e-20"));
  }
  // Around the cut where the dilogarithm term is dropped, the two branches agree to working precision.
  const S cut = -log(unit_roundoff<S>()) + 2;
  for (const S& x : {S(cut - S("1e-30")), S(cut + S("1e-30"))}) {
    const S exact = x * x / 2 + pi<S>() * pi<S>() / 6 + li2(S(-exp(-x)));
    CHECK(abs(softplus_integral(x) - exact) / exact < S("1e-48"));
  }
  // Large arguments: F(x) = x^2/2 + pi^2/6 exactly to working precision.
  CHECK(softplus_integral(S(1e6)) == S(1e12) / 2 + pi<S>() * pi<S>() / 6);
}

TEST_CASE("double and MPFR agree on the special functions to double precision") {
  for (double x : {-40.0, -2.0, 0.0, 1.5, 35.0}) {
    const double d = softplus_integral(x);
    double m;
    {
      PrecisionScope ps(40);
      m = to_double(softplus_integral(mp_float(x)));
    }
    CHECK(d == doctest::Approx(m).epsilon(1e-14));
  }
  CHECK(li2(-1.0) == doctest::Approx(-M_PI * M_PI / 12).epsilon(1e-15));
}

TEST_CASE("with_scalar picks double at 16 digits and MPFR with the requested precision otherwise") {
  CHECK(with_scalar(16, []<class S>() { return precision_bits<S>(); }) == 53);
  CHECK(with_scalar(50, []<class S>() { return precision_bits<S>(); }) >= 166);
  CHECK(with_scalar(100, []<class S>() { return precision_bits<S>(); }) >= 332);
  CHECK_THROWS_AS(with_scalar(15, []<class S>() { return 0; }), std::invalid_argument);
}
