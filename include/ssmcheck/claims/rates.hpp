// cor1-rates — Corollary 1: N Mamba basis functions approximate a piecewise-constant ρ with m jumps to L² error
// O(2^{-N/(3m)}); N S4D basis functions reach O(N^{-1}). Measured on concrete ρ, rates fitted, each half of the
// statement and each step of its proof judged separately. Computations in rates_construction.hpp.
#pragma once

#include <ssmcheck/claims/claim.hpp>
#include <ssmcheck/claims/fit.hpp>
#include <ssmcheck/claims/haar.hpp>
#include <ssmcheck/claims/rates_construction.hpp>
#include <ssmcheck/parallel.hpp>
#include <ssmcheck/report/latex.hpp>

namespace ssmcheck {

struct RatesOptions {
  std::vector<int> m{1, 2, 4, 8};
  std::string jumps = "both";
  std::vector<double> jump_at;
  int cells = 16;
  int n_max = 21;         // S4D-Real's Gram matrix has cond ~ 10^(1.6 N): N = 21 fits the default 50 digits
  int fourier_n_max = 60;  // the Fourier Gram matrix is well conditioned (cond 2): a longer range is cheap
  int haar_n_max = 192;
  std::vector<double> w_delta{-1e4, -1e6, -1e8};
  int w_n_max = 12;
  std::vector<double> real_scale{1, 3, 10, 30, 100};
  std::vector<std::string> families{"haar", "haar-w", "heaviside", "s4d-real", "s4d-lin", "fourier"};
  double quad_tol = 0;
};

class RatesClaim : public ScalarClaim<RatesClaim> {
  friend class ScalarClaim<RatesClaim>;

public:
  std::string id() const override { return "cor1-rates"; }
  std::string command() const override { return "rates"; }
  std::string paper() const override { return "Corollary 1"; }
  std::string title() const override { return "approximation rates of Mamba versus S4D basis functions"; }

  void add_options(CLI::App& sub) override {
    sub.add_option("--m", o_.m, "numbers of discontinuities of the targets (repeatable)")
        ->check(CLI::Range(1, 64))->take_all()->capture_default_str();
    sub.add_option("--jumps", o_.jumps, "jump positions of the m-jump targets: dyadic|generic|both|none")
        ->check(CLI::IsMember({"dyadic", "generic", "both", "none"}))->capture_default_str();
    sub.add_option("--jump-at", o_.jump_at, "an extra target with jumps at these points of (0, 1) (repeatable)")
        ->check(CLI::Range(1e-12, 1 - 1e-12))->take_all();
    sub.add_option("--cells", o_.cells,
                   "Remark 6 target: continuous rho = sin(2 pi s) + s, inputs piecewise constant on CELLS cells (0: off)")
        ->check(CLI::Range(0, 4096))->capture_default_str();
    sub.add_option("--n-max", o_.n_max, "largest N (a multiple of 3) for every family; N = 3, 6, ..., N-MAX")
        ->check(CLI::Range(3, 300))->capture_default_str();
    sub.add_option("--fourier-n-max", o_.fourier_n_max,
                   "largest N of the Fourier family (a multiple of 3, >= --n-max; its Gram matrix is well conditioned)")
        ->check(CLI::Range(3, 600))->capture_default_str();
    sub.add_option("--haar-n-max", o_.haar_n_max,
                   "largest N of the ideal Haar series used to fit the Mamba rate (a multiple of 3, >= --n-max)")
        ->check(CLI::Range(3, 3000))->capture_default_str();
    add_w_option(sub, "--w-delta", o_.w_delta, "w_Delta of the finite-w Mamba realisations (repeatable; negative)");
    sub.add_option("--w-n-max", o_.w_n_max, "largest N with finite-w Mamba rows (quadrature; 0: none)")
        ->check(CLI::Range(0, 300))->capture_default_str();
    sub.add_option("--real-scale", o_.real_scale,
                   "S4D-Real eigenvalue scales c (lambda_n = c (n+1)) scanned; the best is reported (repeatable)")
        ->check(CLI::Range(1e-3, 1e4))->take_all()->capture_default_str();
    sub.add_option("--families", o_.families,
                   "families: haar (ideal N/3-term Haar), haar-w (its Theorem 1 realisation at each w), heaviside "
                   "(m+1 bases, thresholds at the jumps), s4d-real, s4d-lin, fourier")
        ->check(CLI::IsMember({"haar", "haar-w", "heaviside", "s4d-real", "s4d-lin", "fourier"}))
        ->take_all()->capture_default_str();
    sub.add_option("--quad-tol", o_.quad_tol, "relative tolerance of the finite-w quadratures (default 10^-min(12, digits-6))")
        ->check(CLI::Range(1e-100, 1e-4));
  }

  void validate(const CommonOptions& c) const override {
    if (o_.n_max % 3) throw InputError(fmt::format("--n-max {} must be a multiple of 3 (N/3 wavelets, 3 bases each)", o_.n_max));
    if (o_.haar_n_max % 3 || o_.haar_n_max < o_.n_max)
      throw InputError(fmt::format("--haar-n-max {} must be a multiple of 3 and >= --n-max {}", o_.haar_n_max, o_.n_max));
    if (o_.fourier_n_max % 3 || o_.fourier_n_max < o_.n_max)
      throw InputError(fmt::format("--fourier-n-max {} must be a multiple of 3 and >= --n-max {}", o_.fourier_n_max, o_.n_max));
    if (o_.w_n_max > o_.n_max) throw InputError(fmt::format("--w-n-max {} must be <= --n-max {}", o_.w_n_max, o_.n_max));
    if (o_.n_max < 12) throw InputError(fmt::format("--n-max {} must be >= 12 to fit a rate (at least 4 sizes)", o_.n_max));
    if (o_.cells == 1) throw InputError("--cells 1: must be 0 (off) or in [2, 4096]");
    auto ja = o_.jump_at;
    std::sort(ja.begin(), ja.end());
    if (std::adjacent_find(ja.begin(), ja.end()) != ja.end()) throw InputError("--jump-at: the points must be distinct");
    if (o_.jumps == "none" && o_.jump_at.empty() && o_.cells == 0)
      throw InputError("--jumps none with no --jump-at and --cells 0 leaves no target");
    const double floor = std::pow(10.0, -(c.digits - 6));
    if (o_.quad_tol > 0 && o_.quad_tol < floor)
      throw InputError(fmt::format("--quad-tol {:g} needs more precision: with --digits {} it must be >= {:g}", o_.quad_tol,
                                   c.digits, floor));
  }

private:
  int family_n_max(const std::string& f) const { return f == "fourier" ? o_.fourier_n_max : o_.n_max; }
  bool has(const std::string& f) const { return std::find(o_.families.begin(), o_.families.end(), f) != o_.families.end(); }

  template <class S> std::vector<rates::Target<S>> targets() const {
    std::vector<rates::Target<S>> t;
    for (int m : o_.m) {
      if (o_.jumps == "dyadic" || o_.jumps == "both")
        t.push_back(rates::make_target(fmt::format("m={} dyadic", m), "dyadic", rates::dyadic_jumps<S>(m)));
      if (o_.jumps == "generic" || o_.jumps == "both")
        t.push_back(rates::make_target(fmt::format("m={} generic", m), "generic", rates::generic_jumps<S>(m)));
    }
    if (!o_.jump_at.empty()) {
      std::vector<S> x;
      for (double v : o_.jump_at) x.push_back(S(v));
      t.push_back(rates::make_target(fmt::format("m={} custom", x.size()), "custom", x));
    }
    if (o_.cells > 0) t.push_back(rates::remark6_target<S>(o_.cells));
    return t;
  }

  // One row of the main table before formatting.
  template <class S> struct Row {
    std::size_t target = 0;
    std::string family;
    int N = 0;
    std::string w = "limit";  // "limit", a w_Δ, or "-" (S4D)
    S err2 = 0, err2_bound = 0;
    int bases = 0, literal = 0;
    S scale = 0;  // S4D-Real: the best c
    S cond = 0, max_coef = 0;
    double err2_double = 0;
    int digits_needed = 0;
    bool s4d = false;
    std::string skipped;  // S4D-Real scales left out: their solve is not trustworthy at this precision
  };

  template <class S> void compute_as(const CommonOptions& c, Report& r) const {
    const auto tg = targets<S>();
    const S tol(o_.quad_tol > 0 ? o_.quad_tol : std::pow(10.0, -std::min(12, r.digits - 6)));
    r.construction = {
        "targets: rho piecewise constant with m jumps, values (-1)^i (1 + i/(m+1)) on the m+1 pieces; generic jumps at "
        "frac(i (sqrt5-1)/2), dyadic jumps at the odd multiple of 2^-L left of them; Remark 6: rho = sin(2 pi s) + s "
        "seen through inputs piecewise constant on L cells (error = sup over such unit-norm inputs of |<rho - G, x>| "
        "= ||P_L(rho - G)||_2)",
        "haar: the best N/3-term approximation in the orthonormal Haar system {1} u {psi_jk}, exact (coefficients from "
        "the antiderivative of rho); each wavelet costs 3 Mamba bases (Theorem 1), the constant 1 (t = 0)",
        "haar-w: that sum realised by Theorem 1's triples at a finite w_Delta (lambda = 1, B = 2^(j/2), Delta = "
        "softplus(w (s - t))); bases with equal t merged; ||rho - G||_2 by tanh-sinh between all jumps and thresholds",
        "heaviside: rho = rho(0+) H(s) + sum_i jump_i H(s - x_i) with one Mamba basis per Heaviside (m+1 in all)",
        "S4D: best L2 approximation by N real functions e^{-alpha u}{cos,sin}(omega u), u = 1 - s (S4D basis at t = 1): "
        "s4d-real lambda_n = c (n+1) with c scanned; s4d-lin -1/2 + i pi n; fourier 2 pi i n (the proof's modes); exact "
        "Gram matrix, Eigen LDLT in the working precision; cond = condition number of the Gram matrix",
        "rates: Mamba err ~ 2^(-r N), claimed r = 1/(3m); S4D err ~ N^(-p), claimed p = 1; fitted on the upper half of "
        "the N range; the squared error has twice the exponent"};

    // ---- work items
    struct Item { std::size_t t; std::string family; int N; double w; };
    std::vector<Item> items;
    for (std::size_t t = 0; t < tg.size(); ++t) {
      for (int N = 3; N <= o_.fourier_n_max; N += 3) {
        if (has("haar") && N <= o_.n_max) items.push_back({t, "haar", N, 0});
        if (has("haar-w") && N <= o_.w_n_max)
          for (double w : o_.w_delta) items.push_back({t, "haar-w", N, w});
        // Remark 6: the seminorm sees only the L cell averages, so more than L functions are linearly dependent.
        for (const char* f : {"s4d-real", "s4d-lin", "fourier"})
          if (has(f) && (tg[t].cells == 0 || N <= tg[t].cells) && N <= family_n_max(f)) items.push_back({t, f, N, 0});
      }
      if (has("heaviside")) {
        items.push_back({t, "heaviside", tg[t].m + 1, 0});
        for (double w : o_.w_delta) items.push_back({t, "heaviside", tg[t].m + 1, w});
      }
    }
    // The longest (quadrature) items first.
    std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
      return (a.w != 0) > (b.w != 0) || ((a.w != 0) == (b.w != 0) && a.N > b.N);
    });
    std::vector<Row<S>> rows(items.size());
    parallel_for(items.size(), c.jobs, [&](std::size_t i) {
      const Item& it = items[i];
      const auto& target = tg[it.t];
      Row<S> row;
      row.target = it.t;
      row.family = it.family;
      row.N = it.N;
      if (it.family == "haar" || it.family == "haar-w" || it.family == "heaviside") {
        rates::MambaSum<S> g;
        if (it.family == "heaviside") {
          g = rates::heaviside_realisation(target.rho);
        } else {
          const auto best = rates::best_k_term(target.rho, it.N / 3);
          g = rates::haar_realisation(best.selected);
          row.err2 = best.err2;
          row.err2_bound = best.err2_remainder;
        }
        row.bases = g.distinct();
        row.literal = g.literal_count;
        if (it.w != 0) {
          Integrator<S> integ;
          const auto q = rates::mamba_error(target, g, S(it.w), integ, tol);
          row.err2 = q.err2;
          row.err2_bound = q.err2_quad;
          row.w = fmt::format("{:g}", it.w);
        }
      } else {
        row.s4d = true;
        row.w = "-";
        std::vector<double> scales = it.family == "s4d-real" ? o_.real_scale : std::vector<double>{1.0};
        bool first = true;
        int worst_needed = 0;
        double worst_cond = 0;
        for (double sc : scales) {
          const auto ls = rates::best_approximation(target, rates::s4d_family<S>(it.family, it.N, S(sc)));
          if (!ls.trustworthy) {  // this scale's solve cannot be trusted at this precision: left out, and said so
            row.skipped += fmt::format("{}{:g}", row.skipped.empty() ? "" : " ", sc);
            if (ls.digits_needed > worst_needed) { worst_needed = ls.digits_needed; worst_cond = to_double(ls.cond); }
            continue;
          }
          if (first || ls.err2 < row.err2) {
            row.err2 = ls.err2;
            row.scale = S(sc);
            row.cond = ls.cond;
            row.max_coef = ls.max_coef;
            row.err2_double = ls.err2_double;
            row.digits_needed = ls.digits_needed;
            first = false;
          }
        }
        if (first)
          throw InputError(fmt::format(
              "--digits {} is too low for N = {} ({}, {}): the Gram matrix has condition number {:.1e} and needs --digits "
              ">= {}; raise --digits or lower --n-max",
              r.digits, it.N, target.name, it.family, worst_cond, worst_needed));
        row.bases = it.N;
        row.literal = it.N;
      }
      rows[i] = row;
    });
    // Restore a readable order: target, family, w, N.
    std::vector<std::size_t> order(items.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    const std::vector<std::string> fam_order{"haar", "haar-w", "heaviside", "s4d-real", "s4d-lin", "fourier"};
    auto fam_rank = [&](const std::string& f) { return std::find(fam_order.begin(), fam_order.end(), f) - fam_order.begin(); };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const Item &x = items[a], &y = items[b];
      return std::make_tuple(x.t, fam_rank(x.family), -x.w, x.N) < std::make_tuple(y.t, fam_rank(y.family), -y.w, y.N);
    });

    // ---- the ideal Haar series to N = haar-n-max for the Mamba fit (cheap, exact)
    std::vector<std::vector<double>> haar_N(tg.size()), haar_err(tg.size());
    std::vector<int> exact_from(tg.size(), 0);
    Table series{"haar_series", "ideal best N/3-term Haar approximation (the Mamba limit w_Delta -> -inf) to N = haar-n-max",
                 {{"target", "target", "target"}, {"m", "m", "$m$"}, {"N", "N", "$N$"}, {"err_l2", "L2 error", "$\\|\\rho-G\\|_2$"},
                  {"err_sq", "squared", "$\\|\\rho-G\\|_2^2$"}, {"remainder", "+-sq", "$\\pm$", 2, true}}};
    if (has("haar")) {
      std::vector<std::vector<rates::BestKTerm<S>>> best(tg.size());
      parallel_for(tg.size(), c.jobs, [&](std::size_t t) {
        const auto expansion = rates::haar_expansion(tg[t].rho, o_.haar_n_max / 3);
        for (int N = 3; N <= o_.haar_n_max; N += 3) best[t].push_back(rates::best_k_term(expansion, N / 3));
      });
      for (std::size_t t = 0; t < tg.size(); ++t)
        for (std::size_t i = 0; i < best[t].size(); ++i) {
          const int N = 3 * int(i + 1);
          const S e2 = best[t][i].err2;
          series.add({Cell::str(tg[t].name), Cell::integer_(tg[t].m), Cell::integer_(N), Cell::num(S(sqrt(e2))), Cell::num(e2),
                      Cell::num(best[t][i].err2_remainder)});
          // "Exact": the error is zero to rounding (the expansion ended; what is left is rounding of ‖ρ‖² terms).
          if (e2 <= 64 * unit_roundoff<S>() * rates::norm2(tg[t].rho)) {
            if (!exact_from[t]) exact_from[t] = N;
          } else {
            haar_N[t].push_back(N);
            haar_err[t].push_back(to_double(sqrt(e2)));
          }
        }
    }

    // ---- fits
    struct FitKey { std::size_t t; std::string family; };
    auto upper_half = [](const std::vector<double>& x, const std::vector<double>& y, double from) {
      std::pair<std::vector<double>, std::vector<double>> out;
      for (std::size_t i = 0; i < x.size(); ++i)
        if (x[i] >= from) { out.first.push_back(x[i]); out.second.push_back(y[i]); }
      return out;
    };
    Table fits{"fits", "fitted rates: Mamba err ~ 2^(-r N) (claimed r = 1/(3m)), S4D err ~ N^(-p) (claimed p = 1)",
               {{"target", "target", "target"}, {"m", "m", "$m$"}, {"family", "family", "family"}, {"law", "law", "law"},
                {"N_range", "N range", "$N$"}, {"fitted_rate", "fitted", "fitted", 3}, {"fitted_rate_sq", "fitted (sq)", "fitted (sq.)", 3},
                {"claimed_rate", "claimed", "claimed", 3}, {"matches", "claimed rate matches", "matches"}}};
    std::map<std::pair<std::size_t, std::string>, double> fitted;
    std::map<std::pair<std::size_t, std::string>, std::string> matches;
    auto match_text = [](double fit, double claimed) {
      if (fit >= 0.9 * claimed) return std::string(fit >= 1.8 * claimed ? "error (faster)" : "error");
      if (2 * fit >= 0.9 * claimed) return std::string("squared error only");
      return std::string("neither");
    };
    for (std::size_t t = 0; t < tg.size(); ++t) {
      const double claimed_m = 1.0 / (3.0 * tg[t].m);
      if (has("haar")) {
        std::string matched;
        double rate = 0;
        if (haar_N[t].size() >= 2) {
          const auto [x, y] = upper_half(haar_N[t], haar_err[t], haar_N[t].back() / 2.0);
          const auto f = fit_exponential(x.size() >= 2 ? x : haar_N[t], x.size() >= 2 ? y : haar_err[t]);
          rate = -f.slope;
          matched = exact_from[t] ? fmt::format("exact from N = {}", exact_from[t]) : match_text(rate, claimed_m);
          fits.add({Cell::str(tg[t].name), Cell::integer_(tg[t].m), Cell::str("haar"), Cell::str("2^(-rN)"),
                    Cell::str(fmt::format("{}-{}", x.size() >= 2 ? x.front() : haar_N[t].front(), haar_N[t].back())),
                    Cell::num(S(rate)), Cell::num(S(2 * rate)), Cell::num(S(claimed_m)), Cell::str(matched)});
        } else {
          matched = exact_from[t] ? fmt::format("exact from N = {}", exact_from[t]) : "too few points";
          fits.add({Cell::str(tg[t].name), Cell::integer_(tg[t].m), Cell::str("haar"), Cell::str("2^(-rN)"), Cell::str("-"),
                    Cell::str("-"), Cell::str("-"), Cell::num(S(claimed_m)), Cell::str(matched)});
        }
        fitted[{t, "haar"}] = rate;
        matches[{t, "haar"}] = matched;
      }
      for (const char* fam : {"s4d-real", "s4d-lin", "fourier"}) {
        if (!has(fam)) continue;
        std::vector<double> x, y;
        for (const auto& row : rows)
          if (row.target == t && row.family == fam) { x.push_back(row.N); y.push_back(to_double(sqrt(row.err2))); }
        std::vector<std::size_t> idx(x.size());
        for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
        std::sort(idx.begin(), idx.end(), [&](auto a, auto b) { return x[a] < x[b]; });
        std::vector<double> xs, ys;
        for (auto i : idx) { xs.push_back(x[i]); ys.push_back(y[i]); }
        const auto [ux, uy] = upper_half(xs, ys, (xs.empty() ? 0 : xs.back()) / 2.0);
        const auto f = fit_power(ux, uy);
        const double p = -f.slope;
        fitted[{t, fam}] = p;
        matches[{t, fam}] = match_text(p, 1.0);
        fits.add({Cell::str(tg[t].name), Cell::integer_(tg[t].m), Cell::str(fam), Cell::str("N^(-p)"),
                  Cell::str(fmt::format("{}-{}", ux.empty() ? 0 : ux.front(), ux.empty() ? 0 : ux.back())), Cell::num(S(p)), Cell::num(S(2 * p)),
                  Cell::num(S(1)), Cell::str(matches[{t, fam}])});
      }
    }

    // ---- main table
    Table main{"rows", "L2 error of N basis functions against rho (Remark 6: the seminorm ||P_L .||_2)",
               {{"target", "target", "target"}, {"m", "m", "$m$"}, {"family", "family", "family"}, {"N", "N", "$N$"},
                {"w_delta", "w_delta", "$w_\\Delta$", 3}, {"err_l2", "L2 error", "$\\|\\rho-G\\|_2$"},
                {"err_sq", "squared", "$\\|\\rho-G\\|_2^2$"}, {"err_sq_bound", "+-sq", "$\\pm$", 2, true},
                {"bases", "bases", "bases"}, {"literal_bases", "literal", "literal"},
                {"real_scale", "c", "$c$", 3}, {"skipped_scales", "c skipped", "$c$ skipped"}, {"cond", "cond(G)", "cond$(G)$", 3, true}, {"max_coef", "max|coef|", "$\\max|c_n|$", 3},
                {"double_rel_err", "double rel.err", "double", 2, true}, {"digits_needed", "digits needed", "digits"},
                {"claimed_rate", "claimed", "claimed", 3}, {"fitted_rate", "fitted", "fitted", 3}}};
    auto dash = [] { return Cell::str("-"); };
    for (std::size_t oi : order) {
      const auto& row = rows[oi];
      const auto& t = tg[row.target];
      const bool mamba = !row.s4d;
      const S err = sqrt(row.err2);
      const double claimed = mamba ? 1.0 / (3.0 * t.m) : 1.0;
      const auto fk = std::make_pair(row.target, row.family == "haar-w" ? std::string("haar") : row.family);
      const Cell fit_cell = fitted.count(fk) && row.family != "heaviside" ? Cell::num(S(fitted.at(fk))) : dash();
      Cell w_cell = Cell::str(row.w);
      if (row.w != "limit" && row.w != "-") w_cell = Cell::num(S(std::stod(row.w)));
      const double rel = row.s4d ? std::abs(row.err2_double - to_double(row.err2)) / std::max(to_double(row.err2), 1e-300) : 0;
      main.add({Cell::str(t.name), Cell::integer_(t.m), Cell::str(row.family), Cell::integer_(row.N), w_cell, Cell::num(err),
                Cell::num(row.err2), mamba ? Cell::num(row.err2_bound) : dash(), Cell::integer_(row.bases),
                Cell::integer_(row.literal), row.family == "s4d-real" ? Cell::num(row.scale) : dash(),
                row.family == "s4d-real" ? Cell::str(row.skipped.empty() ? "none" : row.skipped) : dash(),
                row.s4d ? Cell::num(row.cond) : dash(), row.s4d ? Cell::num(row.max_coef) : dash(),
                row.s4d ? (std::isfinite(rel) ? Cell::num(S(rel)) : Cell::str("nan")) : dash(),
                row.s4d ? Cell::integer_(row.digits_needed) : dash(), Cell::num(S(claimed)), fit_cell});
    }

    // ---- verdicts
    // Mamba, as stated (existence of N bases with error O(2^{-N/(3m)})): the heaviside construction has error -> 0
    // with |w| at N = m + 1, so every rate is reached for N >= m + 1.
    bool heaviside_ok = has("heaviside") && o_.w_delta.size() >= 2;
    double heav_worst_slope = -1e9;
    for (std::size_t t = 0; t < tg.size() && heaviside_ok; ++t) {
      std::vector<double> x, y;
      for (const auto& row : rows)
        if (row.target == t && row.family == "heaviside" && row.w != "limit") {
          x.push_back(-std::stod(row.w));
          y.push_back(to_double(sqrt(row.err2)));
        }
      std::vector<std::size_t> idx(x.size());
      for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
      std::sort(idx.begin(), idx.end(), [&](auto a, auto b) { return x[a] < x[b]; });
      for (std::size_t i = 1; i < idx.size(); ++i) heaviside_ok = heaviside_ok && y[idx[i]] < y[idx[i - 1]];
      const double s = fit_power(x, y).slope;
      heav_worst_slope = std::max(heav_worst_slope, s);
    }
    heaviside_ok = heaviside_ok && heav_worst_slope < -0.1;
    r.findings.push_back(
        {"Mamba: N bases reach L2 error O(2^(-N/(3m))) (as stated: existence)",
         !has("heaviside") ? Verdict::weak : heaviside_ok ? Verdict::verified : Verdict::refuted,
         !has("heaviside") ? "not checked (add --families heaviside)"
                           : fmt::format("m + 1 bases with thresholds at the jumps give L2 error -> 0 as |w_Delta| grows "
                                         "(worst fitted exponent {:.3f} in |w|, the Gaussian layer rate -1/4), on every "
                                         "target: for N >= m + 1 any error is reached, so the stated rate holds "
                                         "(with room to spare); the Haar route is not needed",
                                         heav_worst_slope)});

    // The proof's route: best N/3-term Haar, generic jumps.
    double worst_ratio = 1e9, worst_ratio_sq = 1e9;
    std::string worst_name;
    int exact_targets = 0, generic_targets = 0;
    for (std::size_t t = 0; t < tg.size(); ++t) {
      if (!fitted.count({t, "haar"})) continue;
      if (exact_from[t]) { ++exact_targets; continue; }
      if (tg[t].kind == "remark6") continue;
      ++generic_targets;
      const double ratio = fitted.at({t, "haar"}) * 3.0 * tg[t].m;
      if (ratio < worst_ratio) { worst_ratio = ratio; worst_name = tg[t].name; }
      worst_ratio_sq = std::min(worst_ratio_sq, 2 * ratio);
    }
    if (has("haar") && generic_targets > 0) {
      r.findings.push_back(
          {"proof route: best N/3 Haar wavelets, L2 error 2^(-N/(3m))",
           worst_ratio >= 0.9 ? Verdict::verified : Verdict::refuted,
           fmt::format("on targets with a non-dyadic jump the fitted r is {:.3f} x 1/(3m) at worst ({}): the error decays "
                       "as 2^(-N/(6m)) (each level holds one coefficient ~ 2^(-j/2) per jump, so the tail after K/m levels "
                       "is ~ 2^(-K/(2m)) in L2); {} target(s) with dyadic jumps are exact at finite N",
                       worst_ratio, worst_name, exact_targets),
           "measurement"});
      r.findings.push_back({"proof route, squared L2 error 2^(-N/(3m))", worst_ratio_sq >= 0.9 ? Verdict::verified : Verdict::refuted,
                            fmt::format("fitted exponent of the squared error {:.3f} x 1/(3m) at worst: the claimed rate "
                                        "is the rate of ||rho - G||^2",
                                        worst_ratio_sq),
                            "corrected variant"});
    }

    // S4D: "can achieve O(N^{-1})": an achievability statement; judged on the families tried.
    std::map<std::string, double> fam_worst;
    for (const char* fam : {"s4d-real", "s4d-lin", "fourier"}) {
      if (!has(fam)) continue;
      double w = 1e9;
      for (std::size_t t = 0; t < tg.size(); ++t)
        if (tg[t].kind != "remark6") w = std::min(w, fitted[{t, fam}]);
      fam_worst[fam] = w;
    }
    double best_p = -1e9;
    std::string best_fam;
    for (const auto& [f, p] : fam_worst)
      if (p > best_p) { best_p = p; best_fam = f; }
    if (!fam_worst.empty()) {
      std::string per;
      for (const auto& [f, p] : fam_worst) per += fmt::format("{}{} p = {:.3f}", per.empty() ? "" : ", ", f, p);
      const Verdict v = best_p >= 0.9 ? Verdict::verified : Verdict::weak;
      r.findings.push_back(
          {"S4D: N bases reach L2 error O(N^-1) (as stated: achievability)", v,
           fmt::format("worst fitted p over the m-jump targets, per family: {}. {}", per,
                       v == Verdict::verified ? "Some family reaches the rate on every target."
                                              : "No family tried reaches N^-1 in L2; the Fourier modes of the proof give "
                                                "N^(-1/2) (tail of 1/n coefficients: squared error ~ 1/N). Not a refutation: "
                                                "free eigenvalues were not searched")});
      r.findings.push_back({"S4D, squared L2 error O(N^-1)", 2 * best_p >= 0.9 ? Verdict::verified : Verdict::refuted,
                            fmt::format("best family {}: squared-error exponent {:.3f}", best_fam, 2 * best_p), "corrected variant"});
    }
    if (o_.cells > 0 && has("haar")) {
      const std::size_t t = tg.size() - 1;
      r.findings.push_back(
          {fmt::format("Remark 6: continuous rho, inputs piecewise constant on L = {} cells", o_.cells),
           exact_from[t] ? Verdict::verified : Verdict::weak,
           exact_from[t] ? fmt::format("P_L rho has a finite Haar expansion: the Mamba error is 0 from N = {} (the "
                                       "L-term expansion, 3 bases per wavelet){}",
                                       exact_from[t], [&] {
                                         std::string s4d;
                                         for (const char* f : {"s4d-real", "s4d-lin", "fourier"})
                                           if (fitted.count({t, f}))
                                             s4d += fmt::format("{} {} p = {:.3f}", s4d.empty() ? "; S4D in the same seminorm:" : ",",
                                                                f, fitted.at({t, f}));
                                         return s4d;
                                       }())
                         : "the cells are not dyadic: P_L rho has jumps at generic points (see the fits table)",
           "measurement"});
    }
    // Finite w: the realisation approaches the ideal Haar error as |w_Delta| grows (gap at the largest |w| against
    // the gap at the smallest, worst over every target and N).
    if (has("haar-w") && has("haar") && o_.w_n_max >= 3 && o_.w_delta.size() >= 2) {
      const double w_far = *std::min_element(o_.w_delta.begin(), o_.w_delta.end());
      const double w_near = *std::max_element(o_.w_delta.begin(), o_.w_delta.end());
      double gap_far = 0, gap_near = 0;
      std::string where;
      for (const auto& row : rows) {
        if (row.family != "haar-w") continue;
        const double w = std::stod(row.w);
        if (w != w_far && w != w_near) continue;
        for (const auto& ideal : rows)
          if (ideal.family == "haar" && ideal.target == row.target && ideal.N == row.N) {
            const double gap = std::abs(to_double(sqrt(row.err2)) - to_double(sqrt(ideal.err2)));
            if (w == w_near) gap_near = std::max(gap_near, gap);
            if (w == w_far && gap >= gap_far) { gap_far = gap; where = fmt::format("{}, N = {}", tg[row.target].name, row.N); }
          }
      }
      const bool converges = gap_far < 0.5 * gap_near;
      r.findings.push_back({"Theorem 1 realisation at finite w_Delta approaches the ideal Haar error",
                            converges ? Verdict::verified : Verdict::refuted,
                            fmt::format("worst |err(w) - err(ideal)| {:.3g} at w_Delta = {:g} ({}) against {:.3g} at w_Delta = "
                                        "{:g}; merging equal thresholds the wavelets share, N/3 wavelets use fewer than N "
                                        "distinct bases (column bases)",
                                        gap_far, w_far, where, gap_near, w_near),
                            "measurement"});
    }

    r.verdict = Verdict::verified;
    for (const auto& f : r.findings)
      if (f.scope == "statement") r.verdict = worst(r.verdict, f.verdict);
    const std::string s4d_text =
        fam_worst.empty() ? "S4D half not checked (no S4D family)"
                          : fmt::format("S4D half {} (best family {} with p = {:.2f})",
                                        best_p >= 0.9 ? "verified" : "not reached in L2", best_fam, best_p);
    const std::string mamba_text =
        !has("heaviside") ? "Mamba half not checked (add --families heaviside)"
                          : fmt::format("Mamba half {} (m+1 Heaviside bases beat any rate)", heaviside_ok ? "verified" : "not verified");
    r.summary = mamba_text + (has("haar") ? "; the proof's Haar route gives 2^(-N/(6m)) in L2, the claimed rate for the "
                                            "squared error; "
                                          : "; ") + s4d_text;
    r.tables.push_back(std::move(main));
    r.tables.push_back(std::move(fits));
    r.tables.push_back(std::move(series));
    r.figures = figures(r.tables[0], tg.size());
  }

  // err versus N per target, one curve per family (w_Delta -> -inf for Mamba).
  static std::vector<Figure> figures(const Table& rows, std::size_t targets) {
    std::vector<Figure> out;
    std::vector<std::string> names;
    for (const auto& row : rows.rows)
      if (std::find(names.begin(), names.end(), row[0].text) == names.end()) names.push_back(row[0].text);
    (void)targets;
    for (const auto& name : names) {
      std::string plot = fmt::format("\\begin{{axis}}[ymode=log, width=12cm, height=7cm, xlabel={{$N$}}, "
                                     "ylabel={{$\\|\\rho-G_N\\|_{{L^2}}$}}, legend pos=outer north east, title={{{}}}]\n",
                                     latex_escape(name));
      std::vector<std::string> legend;
      for (const char* fam : {"haar", "s4d-real", "s4d-lin", "fourier"}) {
        std::string coords;
        for (const auto& row : rows.rows)
          if (row[0].text == name && row[2].text == fam && row[4].text == (std::string(fam) == "haar" ? "limit" : "-") &&
              row[5].approx > 0)
            coords += fmt::format("({},{:.6e}) ", row[3].integer, row[5].approx);
        if (coords.empty()) continue;
        fmt::format_to(std::back_inserter(plot), "\\addplot+[mark size=1.5pt] coordinates {{{}}};\n", coords);
        legend.push_back(std::string(fam) == "haar" ? "Mamba ($N/3$ Haar)" : fam);
      }
      plot += "\\legend{";
      for (std::size_t i = 0; i < legend.size(); ++i) fmt::format_to(std::back_inserter(plot), "{}{{{}}}", i ? "," : "", legend[i]);
      plot += "}\n\\end{axis}\n";
      std::string id = fmt::format("rates-{}", name);
      for (auto& ch : id)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '-';
      out.push_back({id, fmt::format("L2 error versus N, Mamba (ideal Haar, w_Delta -> -inf) and S4D families: {}", name), plot});
    }
    return out;
  }

  RatesOptions o_;
};

}  // namespace ssmcheck
