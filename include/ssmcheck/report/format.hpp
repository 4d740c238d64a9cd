// Number formatting shared by the reporters: a Cell's full-precision text shortened to `sig` digits
// without going through double (values like 1e-5000 keep their exponent).
#pragma once

#include <ssmcheck/report/report.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

namespace ssmcheck {

// "1.2345678901234567e-1000" -> mantissa 1.2345678901234567, exponent -1000.
inline void split_sci(const std::string& s, double& mantissa, long& exponent) {
  const auto e = s.find_first_of("eE");
  mantissa = std::strtod(s.substr(0, e).c_str(), nullptr);
  exponent = e == std::string::npos ? 0 : std::strtol(s.c_str() + e + 1, nullptr, 10);
  while (mantissa != 0 && std::abs(mantissa) >= 10) { mantissa /= 10; ++exponent; }
  while (mantissa != 0 && std::abs(mantissa) < 1) { mantissa *= 10; --exponent; }
}

// Short form: fixed notation for moderate magnitudes, otherwise d.ddde±x.
inline std::string short_number(const Cell& c, int sig) {
  if (c.kind != Cell::Kind::number) return c.text;
  if (c.text == "0") return "0";
  if (c.text == "inf" || c.text == "-inf" || c.text == "nan") return c.text;
  double m;
  long e;
  split_sci(c.text, m, e);
  // round the mantissa to sig digits (may carry into the exponent)
  std::string ms = fmt::format("{:.{}e}", m, sig - 1);
  double m2;
  long e2;
  split_sci(ms, m2, e2);
  e += e2;
  if (e >= -3 && e < sig + 2)
    return fmt::format("{:.{}f}", m2 * std::pow(10.0, double(e)), std::max(0L, long(sig) - 1 - e));
  return fmt::format("{:.{}f}e{}", m2, sig - 1, e);
}

}  // namespace ssmcheck
