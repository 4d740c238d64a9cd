// Adaptive tanh-sinh quadrature (Boost.Math) for both scalar types, with its error estimate.
// Boost 1.74's tanh_sinh cannot take its default `min_complement` for variable-precision MPFR (it
// overflows an integer conversion), so it is given u^2 explicitly. One Integrator per thread.
#pragma once

#include <ssmcheck/scalar.hpp>

#include <boost/math/quadrature/tanh_sinh.hpp>

namespace ssmcheck {

template <class S> struct Quad {
  S value;
  S error;  // Boost's estimate: difference between the last two refinement levels
};

template <class S> class Integrator {
public:
  Integrator() : ts_(15, min_complement()) {}

  template <class F> Quad<S> integrate(F&& f, const S& a, const S& b, const S& rel_tol) {
    Quad<S> q{S(0), S(0)};
    if (!(b > a)) return q;
    S l1;
    std::size_t levels = 0;
    q.value = ts_.integrate(std::forward<F>(f), a, b, rel_tol, &q.error, &l1, &levels);
    return q;
  }

private:
  static S min_complement() {
    if constexpr (is_mp_v<S>) {
      const S u = unit_roundoff<S>();
      return u * u;
    } else {
      return std::numeric_limits<double>::min() * 4;
    }
  }
  boost::math::quadrature::tanh_sinh<S> ts_;
};

}  // namespace ssmcheck
