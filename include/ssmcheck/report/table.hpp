// Terminal output: a header block, the verdicts, and each table aligned with fmt.
#pragma once

#include <ssmcheck/report/format.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <string>

namespace ssmcheck {

inline std::string format_table(const Table& t) {
  std::vector<std::vector<std::string>> cells;
  std::vector<std::size_t> width(t.columns.size());
  std::vector<bool> left(t.columns.size(), true);  // text-only columns align left, numbers right
  for (const auto& row : t.rows)
    for (std::size_t c = 0; c < row.size() && c < t.columns.size(); ++c)
      if (row[c].kind != Cell::Kind::text) left[c] = false;
  for (std::size_t c = 0; c < t.columns.size(); ++c) width[c] = t.columns[c].header.size();
  for (const auto& row : t.rows) {
    std::vector<std::string> r;
    for (std::size_t c = 0; c < row.size() && c < t.columns.size(); ++c) {
      r.push_back(short_number(row[c], t.columns[c].sig));
      width[c] = std::max(width[c], r.back().size());
    }
    cells.push_back(std::move(r));
  }
  std::string out;
  if (!t.caption.empty()) out += t.caption + "\n";
  auto line = [&](const std::vector<std::string>& r) {
    std::string l = " ";
    for (std::size_t c = 0; c < r.size(); ++c)
      l += left[c] ? fmt::format(" {:<{}}", r[c], width[c]) : fmt::format(" {:>{}}", r[c], width[c]);
    out += l + "\n";
  };
  std::vector<std::string> head;
  for (const auto& col : t.columns) head.push_back(col.header);
  line(head);
  std::size_t total = 1;
  for (auto w : width) total += w + 1;
  out += " " + std::string(total, '-') + "\n";
  for (const auto& r : cells) line(r);
  return out;
}

inline std::string format_terminal(const Report& r) {
  std::string out;
  out += fmt::format("== {} ({}): {}\n", r.claim, r.paper, r.title);
  out += fmt::format("   precision: {} decimal digits ({} bits)", r.digits, r.precision_bits);
  if (r.check_digits > 0)
    out += fmt::format("; rerun at {} digits differs by at most {} (relative{}){}", r.check_digits,
                       r.rounding_estimate, r.rounding_where.empty() ? "" : ", in " + r.rounding_where,
                       r.verdict_stable ? "" : "  VERDICT CHANGES WITH PRECISION");
  out += "\n";
  for (const auto& c : r.construction) out += "   - " + c + "\n";
  out += "\n";
  for (const auto& t : r.tables) out += format_table(t) + "\n";
  for (const auto& f : r.findings)
    out += fmt::format("   [{:>8}] {}{}: {}\n", verdict_name(f.verdict),
                       f.scope == "statement" ? std::string() : "(" + f.scope + ") ", f.label, f.detail);
  out += fmt::format("VERDICT {} {}: {} — {}\n", r.claim, r.paper, verdict_name(r.verdict), r.summary);
  return out;
}

}  // namespace ssmcheck
