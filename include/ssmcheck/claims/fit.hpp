// Least-squares fit of log(y) = slope · log(x) + c, the measured rate of a quantity against a parameter.
#pragma once

#include <cmath>
#include <vector>

namespace ssmcheck {

struct PowerFit {
  double slope = 0;
  double residual = 0;  // max |log10 y − fit| over the points
  int points = 0;
};

inline PowerFit fit_power(const std::vector<double>& x, const std::vector<double>& y) {
  PowerFit f;
  std::vector<double> lx, ly;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i)
    if (x[i] > 0 && y[i] > 0 && std::isfinite(x[i]) && std::isfinite(y[i])) {
      lx.push_back(std::log10(x[i]));
      ly.push_back(std::log10(y[i]));
    }
  f.points = int(lx.size());
  if (f.points < 2) return f;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < lx.size(); ++i) { mx += lx[i]; my += ly[i]; }
  mx /= lx.size();
  my /= ly.size();
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < lx.size(); ++i) { sxy += (lx[i] - mx) * (ly[i] - my); sxx += (lx[i] - mx) * (lx[i] - mx); }
  f.slope = sxx > 0 ? sxy / sxx : 0;
  for (std::size_t i = 0; i < lx.size(); ++i)
    f.residual = std::max(f.residual, std::abs(ly[i] - (my + f.slope * (lx[i] - mx))));
  return f;
}

}  // namespace ssmcheck
