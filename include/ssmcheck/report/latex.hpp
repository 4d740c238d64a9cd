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
      // A cell starting with [ right after \\ would be read as \\[length].
      case '[': out += "{[}"; break;
      case ']': out += "{]}"; break;
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

// Tables longer than a page become longtables (the header repeats on every page).
inline constexpr std::size_t kLongTableRows = 40;

inline std::string latex_table(const Report& r, const Table& t) {
  const std::string caption = "\\caption{" + latex_escape(r.paper + " (" + r.claim + "): " + (t.caption.empty() ? r.title : t.caption)) +
                              ". Verdict: " + std::string(verdict_name(r.verdict)) + "; " + std::to_string(r.digits) +
                              " decimal digits.}";
  std::string head;
  for (std::size_t c = 0; c < t.columns.size(); ++c) head += (c ? " & " : "") + t.columns[c].latex;
  head += " \\\\\n";
  std::string body;
  for (const auto& row : t.rows) {
    for (std::size_t c = 0; c < t.columns.size() && c < row.size(); ++c)
      body += (c ? " & " : "") + latex_number(row[c], t.columns[c].sig);
    body += " \\\\\n";
  }
  const std::string cols(t.columns.size(), 'r');
  if (t.rows.size() > kLongTableRows)
    return "{\\small\n\\begin{longtable}{" + cols + "}\n" + caption + "\\\\\n\\toprule\n" + head +
           "\\midrule\n\\endfirsthead\n\\toprule\n" + head + "\\midrule\n\\endhead\n\\bottomrule\n\\endfoot\n" + body +
           "\\end{longtable}}\n";
  return "\\begin{table}[htbp]\n\\centering\\small\n" + caption + "\n\\begin{tabular}{" + cols + "}\n\\toprule\n" + head +
         "\\midrule\n" + body + "\\bottomrule\n\\end{tabular}\n\\end{table}\n";
}

// The \input-able body of one report: its tables and figures, no preamble.
inline std::string latex_body(const Report& r) {
  std::string out = "% " + r.claim + ": " + std::string(verdict_name(r.verdict)) + " -- " + r.summary + "\n";
  for (const auto& t : r.tables) out += latex_table(r, t);
  for (const auto& f : r.figures)
    out += "\\begin{figure}[htbp]\n\\centering\n\\begin{tikzpicture}\n" + f.pgfplots + "\\end{tikzpicture}\n\\caption{" +
           latex_escape(r.paper + " (" + r.claim + "): " + f.caption) + "}\n\\end{figure}\n";
  return out;
}

inline const char* kLatexPreamble =
    "\\documentclass{article}\\usepackage{booktabs}\\usepackage{longtable}"
    "\\usepackage[margin=2cm,landscape]{geometry}\\usepackage{pgfplots}\\pgfplotsset{compat=1.16}";

// One document from \input-able bodies: compiles standalone, or is itself \input-able into a paper.
inline std::string latex_document(const std::vector<std::string>& bodies) {
  std::string out =
      "% ssmcheck report. Compiles standalone (pdflatex) or \\input into a document that loads booktabs and\n"
      "% longtable (and pgfplots when the report has figures).\n"
      "\\makeatletter\\ifx\\@onlypreamble\\@notprerr\\let\\ssmcheckwrap\\@gobble"
      "\\else\\let\\ssmcheckwrap\\@firstofone\\fi\\makeatother\n"
      "\\ssmcheckwrap{" + std::string(kLatexPreamble) + "\\begin{document}}\n";
  for (const auto& b : bodies) out += b;
  out += "\\ssmcheckwrap{\\end{document}}\n";
  return out;
}

inline std::string latex_document(const std::vector<Report>& reports) {
  std::vector<std::string> bodies;
  for (const auto& r : reports) bodies.push_back(latex_body(r));
  return latex_document(bodies);
}

}  // namespace ssmcheck
