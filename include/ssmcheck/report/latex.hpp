// LaTeX output: booktabs tables. The file compiles on its own (pdflatex FILE) and can also be \input
// into a paper: it detects whether a document is already open and only then skips its own preamble.
#pragma once

#include <ssmcheck/report/format.hpp>

#include <string>
#include <string_view>

namespace ssmcheck {

inline std::string latex_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '_': out += "\\_"; break;
      case '%': out += "\\%"; break;
      case '&': out += "\\&"; break;
      case '#': out += "\\#"; break;
      case '$': out += "\\$"; break;
      case '{': out += "\\{"; break;
      case '}': out += "\\}"; break;
      case '~': out += "\\textasciitilde{}"; break;
      case '^': out += "\\textasciicircum{}"; break;
      case '\\': out += "\\textbackslash{}"; break;
      default: out += c;
    }
  }
  return out;
}

// Numbers as $m \times 10^{e}$ when the exponent is large, plain otherwise.
inline std::string latex_number(const Cell& c, int sig) {
  if (c.kind != Cell::Kind::number) return latex_escape(c.text);
  const std::string s = short_number(c, sig);
  const auto e = s.find('e');
  if (e == std::string::npos) return "$" + s + "$";
  return "$" + s.substr(0, e) + "\\times 10^{" + s.substr(e + 1) + "}$";
}

inline std::string latex_table(const Report& r, const Table& t) {
  std::string out = "\\begin{table}[htbp]\n\\centering\\small\n";
  out += "\\caption{" + latex_escape(r.paper + " (" + r.claim + "): " + (t.caption.empty() ? r.title : t.caption)) +
         ". Verdict: " + std::string(verdict_name(r.verdict)) + "; " + std::to_string(r.digits) +
         " decimal digits.}\n";
  out += "\\begin{tabular}{" + std::string(t.columns.size(), 'r') + "}\n\\toprule\n";
  for (std::size_t c = 0; c < t.columns.size(); ++c) out += (c ? " & " : "") + t.columns[c].latex;
  out += " \\\\\n\\midrule\n";
  for (const auto& row : t.rows) {
    for (std::size_t c = 0; c < t.columns.size() && c < row.size(); ++c)
      out += (c ? " & " : "") + latex_number(row[c], t.columns[c].sig);
    out += " \\\\\n";
  }
  out += "\\bottomrule\n\\end{tabular}\n\\end{table}\n";
  return out;
}

inline std::string latex_document(const std::vector<Report>& reports) {
  std::string out =
      "% ssmcheck report. Compiles standalone (pdflatex) or \\input into a document that loads booktabs.\n"
      "\\makeatletter\\ifx\\@onlypreamble\\@notprerr\\let\\ssmcheckwrap\\@gobble"
      "\\else\\let\\ssmcheckwrap\\@firstofone\\fi\\makeatother\n"
      "\\ssmcheckwrap{\\documentclass{article}\\usepackage{booktabs}\\usepackage[margin=2cm]{geometry}"
      "\\begin{document}}\n";
  for (const auto& r : reports) {
    out += "% " + r.claim + ": " + std::string(verdict_name(r.verdict)) + " -- " + r.summary + "\n";
    for (const auto& t : r.tables) out += latex_table(r, t);
  }
  out += "\\ssmcheckwrap{\\end{document}}\n";
  return out;
}

}  // namespace ssmcheck
