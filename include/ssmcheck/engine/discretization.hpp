// Discretizations of the diagonal SSM (CLAIMS.md section 0). Every one shares Ā = exp(-λΔ); they differ
// in the coefficient φ that multiplies the input term, h_t = Ā h_{t-1} + φ · x̂_t B_t:
//   zoh    φ = (1 - e^{-λΔ}) / λ       (B̄ = (ΔΛ)^{-1}(exp(ΔΛ) - I) Δ B, eq. 5; φ = Δ when λ = 0)
//   euler  φ = Δ                      (B̄ = Δ B, the reference Mamba kernel and App. B)
//   basis  φ = dt                     (B̄ = B dt, eq. 8: Δ warps only the state matrix)
#pragma once

#include <ssmcheck/scalar.hpp>

#include <array>
#include <optional>
#include <string_view>

namespace ssmcheck {

enum class Disc { zoh, euler, basis };

inline constexpr std::array<Disc, 3> kAllDiscs{Disc::zoh, Disc::euler, Disc::basis};

constexpr std::string_view disc_name(Disc d) {
  switch (d) {
    case Disc::zoh: return "zoh";
    case Disc::euler: return "euler";
    case Disc::basis: return "basis";
  }
  return "?";
}

inline std::optional<Disc> parse_disc(std::string_view s) {
  for (Disc d : kAllDiscs)
    if (disc_name(d) == s) return d;
  return std::nullopt;
}

template <class S> struct Discretization {
  Disc kind = Disc::zoh;
  S dt = S(1);  // only `basis` uses it: the sampling step of the underlying continuous time
};

// Input coefficient φ(λ, Δ) of the discretization (see the header comment).
template <class S> S input_coefficient(const Discretization<S>& disc, const S& lambda, const S& delta) {
  switch (disc.kind) {
    case Disc::zoh:
      if (lambda == 0) return delta;
      return -expm1_(S(-lambda * delta)) / lambda;
    case Disc::euler: return delta;
    case Disc::basis: return disc.dt;
  }
  return delta;
}

}  // namespace ssmcheck
