// JSON output: one object per claim; numbers are JSON numbers with 17 significant digits (values outside
// the double range keep their decimal exponent, which is still valid JSON).
#pragma once

#include <ssmcheck/report/report.hpp>

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace ssmcheck {

inline std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

inline std::string json_cell(const Cell& c) {
  switch (c.kind) {
    case Cell::Kind::text: return json_string(c.text);
    case Cell::Kind::integer: return std::to_string(c.integer);
    case Cell::Kind::number:
      if (c.text == "inf" || c.text == "-inf" || c.text == "nan") return json_string(c.text);
      return c.text;
  }
  return "null";
}

inline std::string json_rows(const Table& t, const std::string& indent) {
  std::string out = "[";
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    out += i ? ",\n" + indent + "  {" : "\n" + indent + "  {";
    for (std::size_t c = 0; c < t.columns.size() && c < t.rows[i].size(); ++c)
      out += (c ? ", " : "") + json_string(t.columns[c].key) + ": " + json_cell(t.rows[i][c]);
    out += "}";
  }
  return out + (t.rows.empty() ? "]" : "\n" + indent + "]");
}

inline std::string format_json(const Report& r, const std::string& indent = "") {
  const std::string in = indent + "  ";
  std::string out = "{\n";
  out += in + "\"claim\": " + json_string(r.claim) + ",\n";
  out += in + "\"paper\": " + json_string(r.paper) + ",\n";
  out += in + "\"title\": " + json_string(r.title) + ",\n";
  if (!r.case_name.empty()) out += in + "\"case\": " + json_string(r.case_name) + ",\n";
  out += in + fmt::format("\"digits\": {},\n", r.digits);
  out += in + fmt::format("\"precision_bits\": {},\n", r.precision_bits);
  out += in + "\"verdict\": " + json_string(verdict_name(r.verdict)) + ",\n";
  out += in + "\"summary\": " + json_string(r.summary) + ",\n";
  out += in + "\"rounding\": {\"check_digits\": " + std::to_string(r.check_digits) +
         ", \"max_rel_diff\": " + (r.rounding_estimate.empty() ? "null" : r.rounding_estimate) +
         ", \"where\": " + json_string(r.rounding_where) +
         ", \"verdict_stable\": " + (r.verdict_stable ? "true" : "false") + "},\n";
  out += in + "\"construction\": [";
  for (std::size_t i = 0; i < r.construction.size(); ++i)
    out += (i ? ", " : "") + json_string(r.construction[i]);
  out += "],\n";
  out += in + "\"findings\": [";
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    const auto& f = r.findings[i];
    out += (i ? ",\n" : "\n") + in + "  {\"label\": " + json_string(f.label) +
           ", \"verdict\": " + json_string(verdict_name(f.verdict)) +
           ", \"scope\": " + json_string(f.scope) + ", \"detail\": " + json_string(f.detail) + "}";
  }
  out += r.findings.empty() ? "],\n" : "\n" + in + "],\n";
  out += in + "\"rows\": " + (r.tables.empty() ? std::string("[]") : json_rows(r.tables[0], in)) + ",\n";
  out += in + "\"tables\": {";
  for (std::size_t i = 1; i < r.tables.size(); ++i)
    out += (i > 1 ? ",\n" : "\n") + in + "  " + json_string(r.tables[i].name) + ": " + json_rows(r.tables[i], in + "  ");
  out += r.tables.size() > 1 ? "\n" + in + "}" : "}";
  if (r.seconds > 0) out += ",\n" + in + fmt::format("\"seconds\": {:.3f}", r.seconds);
  out += "\n" + indent + "}";
  return out;
}

}  // namespace ssmcheck
