// What a claim hands to the reporters: verdicts, tables of rows, construction notes and the precision
// evidence. Claims fill it; table.hpp, json.hpp and latex.hpp format it. Nothing here computes.
#pragma once

#include <ssmcheck/scalar.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ssmcheck {

enum class Verdict { verified, weak, refuted };

constexpr std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::verified: return "verified";
    case Verdict::weak: return "weak";
    case Verdict::refuted: return "refuted";
  }
  return "?";
}

// The worse of two verdicts (refuted < weak < verified).
constexpr Verdict worst(Verdict a, Verdict b) {
  auto rank = [](Verdict v) { return v == Verdict::refuted ? 0 : v == Verdict::weak ? 1 : 2; };
  return rank(a) <= rank(b) ? a : b;
}

struct Cell {
  enum class Kind { text, integer, number } kind = Kind::text;
  std::string text;     // text, or the number in scientific notation with 17 significant digits
  long long integer = 0;
  double approx = 0;    // the number rounded to double (0 or inf outside the double range)

  static Cell str(std::string s) { return Cell{Kind::text, std::move(s), 0, 0}; }
  static Cell integer_(long long v) { return Cell{Kind::integer, std::to_string(v), v, double(v)}; }
  template <class S> static Cell num(const S& v) { return Cell{Kind::number, to_sci(v, 17), 0, to_double(v)}; }
};

struct Column {
  Column(std::string k, std::string h, std::string l, int s = 4, bool precision_dependent = false)
      : key(std::move(k)), header(std::move(h)), latex(std::move(l)), sig(s), by_precision(precision_dependent) {}
  std::string key;     // JSON key
  std::string header;  // terminal header
  std::string latex;   // LaTeX header (math allowed)
  int sig = 4;         // significant digits shown in the terminal and LaTeX
  // True for quantities that depend on the precision by definition (rounding bounds, measured rounding
  // errors, quadrature error estimates): left out of the higher-precision comparison.
  bool by_precision = false;
};

struct Table {
  Table() = default;
  Table(std::string n, std::string c, std::vector<Column> cols)
      : name(std::move(n)), caption(std::move(c)), columns(std::move(cols)) {}
  std::string name;     // "rows" for the claim's main table
  std::string caption;
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;

  void add(std::vector<Cell> row) { rows.push_back(std::move(row)); }
  // The index of the column with this key (throws when there is none: a programming error).
  std::size_t column(const std::string& key) const {
    for (std::size_t c = 0; c < columns.size(); ++c)
      if (columns[c].key == key) return c;
    throw std::logic_error("table " + name + " has no column " + key);
  }
};

// A part of a claim (a norm, a discretization, a corrected variant) with its own verdict.
struct Finding {
  std::string label;
  Verdict verdict = Verdict::verified;
  std::string detail;
  // "statement": the claim as written; "corrected variant": a repaired statement checked separately;
  // "measurement": a further quantity measured on the construction (discretizations, compositions).
  std::string scope = "statement";
};

// A pgfplots figure: the body of a tikzpicture, data inline, so the .tex file stands alone.
struct Figure {
  std::string name;
  std::string caption;
  std::string pgfplots;
};

struct Report {
  std::string claim;    // id from CLAIMS.md, e.g. "thm1-haar"
  std::string paper;    // e.g. "Theorem 1"
  std::string title;
  int digits = 0;
  long precision_bits = 0;
  Verdict verdict = Verdict::verified;
  std::string summary;  // one line
  std::vector<Finding> findings;
  std::vector<std::string> construction;  // constants, discretization, readings of ambiguous formulas
  std::vector<Table> tables;              // tables[0] is the main table ("rows" in JSON)
  std::vector<Figure> figures;            // emitted by --latex
  // Precision evidence: the same computation at check_digits; max relative difference over all numbers.
  int check_digits = 0;
  std::string rounding_estimate;  // scientific notation
  std::string rounding_where;     // table.column where the largest difference occurred
  bool verdict_stable = true;     // the verdict at check_digits agrees
  std::string case_name;
  double seconds = 0;
};

}  // namespace ssmcheck
