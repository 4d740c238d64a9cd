// Forward-mode derivatives: a dual number v + d·ε (ε² = 0) over either scalar type. Running the engine with
// Scalar = Dual<S> and one input seeded with d = 1 yields the exact derivative of every state entry with
// respect to that input (Lemma 1's sensitivity ∂h_t/∂x_j), in the same precision, without finite differences.
#pragma once

#include <ssmcheck/scalar.hpp>

#include <Eigen/Core>

namespace ssmcheck {

template <class S> struct Dual {
  S v = S(0);  // value
  S d = S(0);  // derivative

  Dual() = default;
  Dual(const S& value, const S& derivative = S(0)) : v(value), d(derivative) {}
  template <class T, class = std::enable_if_t<std::is_arithmetic_v<T>>> Dual(T value) : v(S(value)), d(S(0)) {}

  Dual& operator+=(const Dual& o) { v += o.v; d += o.d; return *this; }
  Dual& operator-=(const Dual& o) { v -= o.v; d -= o.d; return *this; }
  Dual& operator*=(const Dual& o) { d = d * o.v + v * o.d; v *= o.v; return *this; }
  Dual& operator/=(const Dual& o) { d = (d * o.v - v * o.d) / (o.v * o.v); v /= o.v; return *this; }
};

template <class S> Dual<S> operator+(Dual<S> a, const Dual<S>& b) { return a += b; }
template <class S> Dual<S> operator-(Dual<S> a, const Dual<S>& b) { return a -= b; }
template <class S> Dual<S> operator*(Dual<S> a, const Dual<S>& b) { return a *= b; }
template <class S> Dual<S> operator/(Dual<S> a, const Dual<S>& b) { return a /= b; }
template <class S> Dual<S> operator-(const Dual<S>& a) { return {-a.v, -a.d}; }
template <class S, class T> std::enable_if_t<std::is_arithmetic_v<T>, Dual<S>> operator*(T a, const Dual<S>& b) { return Dual<S>(a) * b; }
template <class S, class T> std::enable_if_t<std::is_arithmetic_v<T>, Dual<S>> operator+(T a, const Dual<S>& b) { return Dual<S>(a) + b; }
template <class S, class T> std::enable_if_t<std::is_arithmetic_v<T>, Dual<S>> operator-(T a, const Dual<S>& b) { return Dual<S>(a) - b; }
template <class S, class T> std::enable_if_t<std::is_arithmetic_v<T>, Dual<S>> operator/(T a, const Dual<S>& b) { return Dual<S>(a) / b; }
template <class S, class T> std::enable_if_t<std::is_arithmetic_v<T>, Dual<S>> operator*(const Dual<S>& a, T b) { return a * Dual<S>(b); }
template <class S, class T> std::enable_if_t<std::is_arithmetic_v<T>, Dual<S>> operator+(const Dual<S>& a, T b) { return a + Dual<S>(b); }
template <class S, class T> std::enable_if_t<std::is_arithmetic_v<T>, Dual<S>> operator-(const Dual<S>& a, T b) { return a - Dual<S>(b); }
template <class S, class T> std::enable_if_t<std::is_arithmetic_v<T>, Dual<S>> operator/(const Dual<S>& a, T b) { return a / Dual<S>(b); }

// Comparisons look at the value only (branches of piecewise formulas are chosen by the value).
template <class S> bool operator<(const Dual<S>& a, const Dual<S>& b) { return a.v < b.v; }
template <class S> bool operator>(const Dual<S>& a, const Dual<S>& b) { return a.v > b.v; }
template <class S> bool operator<=(const Dual<S>& a, const Dual<S>& b) { return a.v <= b.v; }
template <class S> bool operator>=(const Dual<S>& a, const Dual<S>& b) { return a.v >= b.v; }
template <class S> bool operator==(const Dual<S>& a, const Dual<S>& b) { return a.v == b.v && a.d == b.d; }
template <class S> bool operator!=(const Dual<S>& a, const Dual<S>& b) { return !(a == b); }
template <class S, class T> std::enable_if_t<std::is_arithmetic_v<T>, bool> operator<(const Dual<S>& a, T b) { return a.v < b; }
template <class S, class T> std::enable_if_t<std::is_arithmetic_v<T>, bool> operator>(const Dual<S>& a, T b) { return a.v > b; }
template <class S, class T> std::enable_if_t<std::is_arithmetic_v<T>, bool> operator==(const Dual<S>& a, T b) { return a.v == b && a.d == 0; }

// The functions the engine uses, with their derivatives.
template <class S> Dual<S> exp(const Dual<S>& a) { const S e = exp(a.v); return {e, e * a.d}; }
template <class S> Dual<S> log(const Dual<S>& a) { return {log(a.v), a.d / a.v}; }
template <class S> Dual<S> expm1_(const Dual<S>& a) { return {expm1_(a.v), exp(a.v) * a.d}; }
template <class S> Dual<S> log1p_(const Dual<S>& a) { return {log1p_(a.v), a.d / (1 + a.v)}; }
template <class S> Dual<S> abs(const Dual<S>& a) { return a.v < 0 ? -a : a; }
template <class S> Dual<S> sqrt(const Dual<S>& a) { const S r = sqrt(a.v); return {r, a.d / (2 * r)}; }

}  // namespace ssmcheck

namespace Eigen {
template <class S> struct NumTraits<ssmcheck::Dual<S>> : NumTraits<S> {
  using Real = ssmcheck::Dual<S>;
  using NonInteger = ssmcheck::Dual<S>;
  using Nested = ssmcheck::Dual<S>;
  using Literal = ssmcheck::Dual<S>;
  enum { IsComplex = 0, IsInteger = 0, IsSigned = 1, RequireInitialization = 1, ReadCost = 2, AddCost = 4, MulCost = 8 };
};
}  // namespace Eigen
