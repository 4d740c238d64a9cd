// Reporters: number formatting beyond the double range, JSON shape, LaTeX escaping.
#include <ssmcheck/claims/claim.hpp>
#include <ssmcheck/report/json.hpp>
#include <ssmcheck/report/latex.hpp>
#include <ssmcheck/report/table.hpp>

#include <doctest/doctest.h>

using namespace ssmcheck;

TEST_CASE("numbers keep their exponent beyond the double range") {
  PrecisionScope ps(30);
  const Cell c = Cell::num(exp(mp_float(-5000)));
  CHECK(c.text.find("e-2172") != std::string::npos);  // mpmath: e^-5000 = 3.3696941483089175e-2172
  CHECK(short_number(c, 3) == "3.37e-2172");
  CHECK(c.text.substr(0, 10) == "3.36969414");
  CHECK(short_number(Cell::num(0.012345), 3) == "0.0123");
  CHECK(short_number(Cell::num(-1e6), 3) == "-1.00e6");
}

TEST_CASE("relative difference of two decimal strings") {
  CHECK(detail::rel_diff("1.0e-3000", "1.0e-3000") == 0);
  CHECK(detail::rel_diff("1.0000000001e-3000", "1.0e-3000") == doctest::Approx(1e-10).epsilon(1e-3));
  CHECK(detail::rel_diff("1e5", "1e-5") == doctest::Approx(1.0).epsilon(1e-9));
  CHECK(detail::rel_diff("1e50", "1e-50") == 1);
}

TEST_CASE("JSON report has the fields the issue asks for") {
  Report r;
  r.claim = "thm1-haar";
  r.paper = "Theorem 1";
  r.digits = 50;
  r.verdict = Verdict::refuted;
  r.summary = "a \"quoted\" summary";
  r.findings.push_back({"sup", Verdict::refuted, "detail", "statement"});
  Table t{"rows", "c", {{"j", "j", "$j$"}, {"err_sup", "sup", "sup"}}};
  t.add({Cell::integer_(1), Cell::num(2.5)});
  r.tables.push_back(t);
  const std::string j = format_json(r);
  for (const char* key : {"\"claim\": \"thm1-haar\"", "\"paper\": \"Theorem 1\"", "\"digits\": 50",
                          "\"verdict\": \"refuted\"", "\"rows\": [", "\"j\": 1", "\"err_sup\": 2.5",
                          "\\\"quoted\\\""})
    CHECK(j.find(key) != std::string::npos);
}

TEST_CASE("LaTeX: escaping and a document that compiles standalone or \\input") {
  CHECK(latex_escape("a_b%c&d") == "a\\_b\\%c\\&d");
  CHECK(latex_escape("[0.1,0.2)") == "{[}0.1,0.2)");
  Report r;
  r.claim = "x";
  r.tables.push_back(Table{"rows", "cap", {{"a", "a", "$a$"}}});
  r.tables[0].add({Cell::num(1e-300)});
  const std::string doc = latex_document({r});
  CHECK(doc.find("\\toprule") != std::string::npos);
  CHECK(doc.find("\\times 10^{-300}") != std::string::npos);
  CHECK(doc.find("\\ssmcheckwrap{\\end{document}}") != std::string::npos);
}

TEST_CASE("verdicts order: refuted < weak < verified") {
  CHECK(worst(Verdict::verified, Verdict::weak) == Verdict::weak);
  CHECK(worst(Verdict::refuted, Verdict::weak) == Verdict::refuted);
  CHECK(worst(Verdict::verified, Verdict::verified) == Verdict::verified);
}
