// Test signals for projections: piecewise-constant inputs whose inner products are exact.
#pragma once

#include <ssmcheck/engine/exact.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ssmcheck {

// splitmix64: a fixed, documented generator so that seeds give the same signals on every platform.
inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
inline double uniform01(std::uint64_t& state) { return double(splitmix64(state) >> 11) * 0x1.0p-53; }

template <class S> struct NamedSignal {
  std::string name;
  PiecewiseConstant<S> x;
};

// 1. random: 16 pieces, breakpoints and values (in [-1, 1]) from the seed;
// 2. irrational: jumps at 1/π, e/4, √2/2 (never dyadic);
// 3. dyadic: jumps at 1/4, 1/2, 5/8 (on the Haar grid).
template <class S> std::vector<NamedSignal<S>> test_signals(std::uint64_t seed) {
  std::vector<NamedSignal<S>> out;
  {
    std::uint64_t st = seed;
    std::vector<double> cuts;
    for (int i = 0; i < 15; ++i) cuts.push_back(uniform01(st));
    std::sort(cuts.begin(), cuts.end());
    PiecewiseConstant<S> x;
    x.breaks.push_back(S(0));
    for (double c : cuts)
      if (S(c) > x.breaks.back()) x.breaks.push_back(S(c));
    x.breaks.push_back(S(1));
    for (std::size_t i = 0; i + 1 < x.breaks.size(); ++i) x.values.push_back(S(2 * uniform01(st) - 1));
    out.push_back({"random", x});
  }
  {
    PiecewiseConstant<S> x;
    x.breaks = {S(0), S(1) / pi<S>(), exp(S(1)) / 4, sqrt(S(2)) / 2, S(1)};
    x.values = {S(1), S(-0.5), S(2), S(-1)};
    out.push_back({"irrational", x});
  }
  {
    PiecewiseConstant<S> x;
    x.breaks = {S(0), S(0.25), S(0.5), S(0.625), S(1)};
    x.values = {S(1), S(-1), S(0.5), S(2)};
    out.push_back({"dyadic", x});
  }
  for (auto& s : out) s.x.validate();
  return out;
}

}  // namespace ssmcheck
