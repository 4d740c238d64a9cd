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

// log_x = true: log(y) against log(x) (power law); false: log(y) against x (exponential law). Logs are base 10
// for the power law and base 2 for the exponential one, so the slope of `fit_exponential` is r in y ~ 2^{r x}.
inline PowerFit fit_log(const std::vector<double>& x, const std::vector<double>& y, bool log_x) {
  PowerFit f;
  std::vector<double> lx, ly;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i)
    if ((x[i] > 0 || !log_x) && y[i] > 0 && std::isfinite(x[i]) && std::isfinite(y[i])) {
      lx.push_back(log_x ? std::log10(x[i]) : x[i]);
      ly.push_back(log_x ? std::log10(y[i]) : std::log2(y[i]));
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

inline PowerFit fit_power(const std::vector<double>& x, const std::vector<double>& y) { return fit_log(x, y, true); }
// y ~ 2^{slope · x}; the residual is in log2 units.
inline PowerFit fit_exponential(const std::vector<double>& x, const std::vector<double>& y) {
  return fit_log(x, y, false);
}

}  // namespace ssmcheck
