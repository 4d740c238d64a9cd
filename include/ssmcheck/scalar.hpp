// Scalar layer: the two number types ssmcheck computes with, the run-time precision context, and the
// handful of elementary and special functions the engine needs, written once for both types.
//
//   double          hardware binary64 (`--digits 16`)
//   mp_float        MPFR through Boost.Multiprecision, precision chosen at run time (`--digits D`, D > 16)
//
// Like mpmath's `mp.dps`, the precision is a context: `PrecisionScope` sets it for everything created
// afterwards. Algorithms are templates over `Scalar`; `with_scalar(digits, f)` picks the instantiation.
#pragma once

#include <boost/multiprecision/mpfr.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <fmt/format.h>

namespace ssmcheck {

using mp_float = boost::multiprecision::number<boost::multiprecision::mpfr_float_backend<0>,
                                               boost::multiprecision::et_off>;

inline constexpr int kDoubleDigits = 16;   // `--digits 16` means hardware double
inline constexpr int kMinDigits = 16;
inline constexpr int kMaxDigits = 10000;

template <class S> inline constexpr bool is_mp_v = std::is_same_v<S, mp_float>;

// Sets the MPFR working precision (decimal digits) for numbers created in its lifetime; restores on exit.
// Boost 1.74 keeps the default precision in one process-wide variable: every thread shares it.
class PrecisionScope {
public:
  explicit PrecisionScope(int digits) : saved_(mp_float::default_precision()) {
    mp_float::default_precision(static_cast<unsigned>(digits));
  }
  ~PrecisionScope() { mp_float::default_precision(saved_); }
  PrecisionScope(const PrecisionScope&) = delete;
  PrecisionScope& operator=(const PrecisionScope&) = delete;

private:
  unsigned saved_;
};

// MPFR keeps per-thread caches (constants such as π, exp tables); its manual asks that a thread free them before
// it terminates. Worker threads call this on exit.
inline void release_thread_caches() { mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE); }

// Calls f.template operator()<Scalar>() with Scalar = double for digits == 16, mp_float otherwise.
template <class F> decltype(auto) with_scalar(int digits, F&& f) {
  if (digits < kMinDigits || digits > kMaxDigits)
    throw std::invalid_argument(fmt::format("--digits {} is outside the allowed range {}..{}", digits,
                                            kMinDigits, kMaxDigits));
  if (digits == kDoubleDigits) return f.template operator()<double>();
  PrecisionScope scope(digits);
  return f.template operator()<mp_float>();
}

// Binary digits of the working precision of Scalar.
template <class S> long precision_bits() {
  if constexpr (is_mp_v<S>)
    return static_cast<long>(mpfr_get_prec(S(0).backend().data()));
  else
    return std::numeric_limits<double>::digits;
}

// Unit roundoff u = 2^-p.
template <class S> S unit_roundoff() {
  return ldexp(S(1), static_cast<int>(-precision_bits<S>()));
}

namespace detail {
// Runs an MPFR unary function f on x at the precision of Scalar (53 bits for double).
template <class S, class MpfrFn> S mpfr_unary(const S& x, MpfrFn fn) {
  if constexpr (is_mp_v<S>) {
    S r;
    fn(r.backend().data(), x.backend().data(), MPFR_RNDN);
    return r;
  } else {
    mpfr_t a, r;
    mpfr_init2(a, 53);
    mpfr_init2(r, 53);
    mpfr_set_d(a, x, MPFR_RNDN);
    fn(r, a, MPFR_RNDN);
    double out = mpfr_get_d(r, MPFR_RNDN);
    mpfr_clear(a);
    mpfr_clear(r);
    return out;
  }
}
}  // namespace detail

// Elementary functions with one spelling for both types (ADL finds Boost's for mp_float).
using std::abs, std::exp, std::log, std::sqrt, std::pow, std::ldexp, std::isfinite, std::floor, std::cos, std::sin,
    std::log10;
using boost::multiprecision::abs, boost::multiprecision::exp, boost::multiprecision::log,
    boost::multiprecision::sqrt, boost::multiprecision::pow, boost::multiprecision::ldexp,
    boost::multiprecision::floor, boost::multiprecision::cos, boost::multiprecision::sin,
    boost::multiprecision::log10;

template <class S> S log1p_(const S& x) { return detail::mpfr_unary(x, mpfr_log1p); }
template <class S> S expm1_(const S& x) { return detail::mpfr_unary(x, mpfr_expm1); }
// Dilogarithm Li2(x) = -∫_0^x log(1-u)/u du, correctly rounded by MPFR (mpfr_li2).
template <class S> S li2(const S& x) { return detail::mpfr_unary(x, mpfr_li2); }

template <class S> S pi() {
  if constexpr (is_mp_v<S>) {
    S r;
    mpfr_const_pi(r.backend().data(), MPFR_RNDN);
    return r;
  } else {
    return 3.14159265358979323846;
  }
}

// softplus(z) = log(1 + e^z), accurate for all z: no overflow for z -> +inf, no cancellation for
// z -> -inf (where it equals e^z to working precision and, in MPFR, stays representable far below
// the double range).
template <class S> S softplus(const S& z) {
  if (z > 0) return z + log1p_(S(exp(-z)));
  return log1p_(S(exp(z)));
}

// ∫_{-inf}^{x} softplus(u) du = -Li2(-e^x). For x > 0 the reflection
// -Li2(-e^x) = x^2/2 + pi^2/6 + Li2(-e^{-x}) keeps the argument of Li2 in (-1, 0).
// Once e^{-|x|} is below the working precision the Li2 term is dropped (it is then smaller
// than one unit in the last place of the result), which avoids most dilogarithm calls.
template <class S> S softplus_integral(const S& x) {
  const S u = unit_roundoff<S>();
  const S cut = -log(u) + 2;  // e^{-cut} < u
  if (x > 0) {
    const S main = x * x / 2 + pi<S>() * pi<S>() / 6;
    if (x > cut) return main;
    return main + li2(S(-exp(-x)));
  }
  if (-x > cut) {
    // -Li2(-y) = y - y^2/4 + ..., y = e^x < u: the first term is exact to working precision.
    return exp(x);
  }
  return -li2(S(-exp(x)));
}

// A decimal constant, exact to the working precision ("0.01" is not a binary fraction: in MPFR it must not
// pass through double).
template <class S> S lit(const char* decimal) {
  if constexpr (is_mp_v<S>)
    return S(decimal);
  else
    return std::strtod(decimal, nullptr);
}

template <class S> double to_double(const S& x) {
  if constexpr (is_mp_v<S>)
    return x.template convert_to<double>();
  else
    return x;
}

// Decimal scientific notation with `sig` significant digits; values outside the double range keep
// their exponent (e.g. "1.2345678901234567e-1000").
template <class S> std::string to_sci(const S& x, int sig = 17) {
  if constexpr (is_mp_v<S>) {
    if (x == 0) return "0";
    return x.str(sig, std::ios_base::scientific);
  } else {
    if (x == 0) return "0";
    return fmt::format("{:.{}e}", x, sig - 1);
  }
}

}  // namespace ssmcheck
