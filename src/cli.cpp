// CLI wiring: `ssmcheck [global options] <claim> [claim options]`, `ssmcheck list`, `ssmcheck all [PATH...]`.
// A case file is a command line written down: CLI11 reads it as a TOML config file, the top level holding
// global options and a [<claim>] section holding that claim's options.
#include "cli.hpp"

#include <ssmcheck/claims/registry.hpp>
#include <ssmcheck/report/json.hpp>
#include <ssmcheck/report/latex.hpp>
#include <ssmcheck/report/table.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#ifndef SSMCHECK_CASES_DIR
#define SSMCHECK_CASES_DIR "cases"
#endif

namespace ssmcheck {
namespace {

namespace fs = std::filesystem;

enum Exit { kOk = 0, kFailed = 1, kUsage = 2, kInternal = 3 };

// The whole command-line structure; built afresh for every case file so no option leaks between cases.
struct Cli {
  CLI::App app{"ssmcheck: executable certificates for the theorems of 'Understanding Input Selectivity in Mamba' "
               "(Huang et al., ICML 2025, arXiv:2506.11891)",
               "ssmcheck"};
  CommonOptions common;
  bool json = false;
  bool dry_run = false;
  std::string latex;
  ClaimList claims = make_claims();
  std::vector<std::pair<CLI::App*, Claim*>> subs;
  CLI::App* list = nullptr;
  CLI::App* all = nullptr;
  std::vector<std::string> all_paths;

  Cli() {
    app.set_version_flag("--version", std::string("ssmcheck ") + SSMCHECK_VERSION);
    app.set_config("--config", "", "read options from a case file (TOML)");
    app.allow_config_extras(CLI::config_extras_mode::error);
    app.add_option("--digits", common.digits, "working precision in decimal digits (16 = hardware double)")
        ->check(CLI::Range(kMinDigits, kMaxDigits))->capture_default_str();
    app.add_option("--check-digits", common.check_digits,
                   "precision of the rerun that estimates rounding error (default digits + max(10, digits/4), "
                   "32 for double; 0 = no rerun)")
        ->check(CLI::Range(0, 2 * kMaxDigits));
    app.add_option("--jobs", common.jobs, "worker threads")->check(CLI::Range(1, 256))->capture_default_str();
    app.add_flag("--json", json, "print JSON instead of the terminal report");
    app.add_flag("--dry-run", dry_run, "parse and validate the command line and case files, run nothing");
    app.add_option("--latex", latex, "also write the booktabs tables to FILE (standalone or \\input-able)");
    app.require_subcommand(1);
    for (auto& c : claims) {
      auto* sub = app.add_subcommand(c->command(), c->paper() + " (" + c->id() + "): " + c->title());
      c->add_options(*sub);
      subs.emplace_back(sub, c.get());
    }
    list = app.add_subcommand("list", "list the claims with their paper references");
    all = app.add_subcommand("all", "run every case file in cases/ (or the given files and folders)");
    all->add_option("paths", all_paths, "case files (.toml) or folders of them");
  }

  std::vector<Claim*> selected() const {
    std::vector<Claim*> out;
    for (const auto& [sub, claim] : subs)
      if (sub->parsed()) out.push_back(claim);
    return out;
  }
};

std::vector<fs::path> collect_cases(const std::vector<std::string>& paths) {
  std::vector<std::string> roots = paths;
  if (roots.empty()) roots.push_back(fs::exists("cases") ? "cases" : SSMCHECK_CASES_DIR);
  std::vector<fs::path> files;
  for (const auto& p : roots) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> here;
      for (const auto& e : fs::directory_iterator(p, ec))
        if (e.path().extension() == ".toml") here.push_back(e.path());
      if (ec) throw InputError(fmt::format("all: cannot read folder {}: {}", p, ec.message()));
      if (here.empty()) throw InputError(fmt::format("all: folder {} holds no case files (*.toml)", p));
      std::sort(here.begin(), here.end());
      files.insert(files.end(), here.begin(), here.end());
    } else if (fs::is_regular_file(p, ec)) {
      files.emplace_back(p);
    } else {
      throw InputError(fmt::format("all: no such case file or folder: {}", p));
    }
  }
  std::set<std::string> names;
  for (const auto& f : files)
    if (!names.insert(f.filename().string()).second)
      throw InputError(fmt::format("all: two case files are named {}", f.filename().string()));
  return files;
}

// One case file -> the claim it selects, with its options parsed into a fresh Cli.
std::unique_ptr<Cli> parse_case(const fs::path& file) {
  auto cli = std::make_unique<Cli>();
  // The section naming the claim selects the subcommand; find it so it can be named on the command line.
  std::ifstream in(file);
  if (!in) throw InputError(fmt::format("{}: cannot open the case file", file.string()));
  std::string line, section;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const auto b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] != '[') continue;
    const auto e = line.find(']', b);
    if (e == std::string::npos) throw InputError(fmt::format("{}:{}: unterminated section header", file.string(), lineno));
    const std::string name = line.substr(b + 1, e - b - 1);
    if (!section.empty()) throw InputError(fmt::format("{}:{}: a case file holds one claim section, found [{}] after [{}]",
                                                       file.string(), lineno, name, section));
    section = name;
  }
  if (section.empty()) throw InputError(fmt::format("{}: no [claim] section (e.g. [haar])", file.string()));
  bool known = false;
  for (const auto& [sub, claim] : cli->subs) known = known || sub->get_name() == section;
  if (!known) throw InputError(fmt::format("{}: [{}] is not a claim (see `ssmcheck list`)", file.string(), section));
  // CLI11 parses a reversed argv vector.
  std::vector<std::string> rev{section, file.string(), "--config"};
  try {
    cli->app.parse(rev);
  } catch (const CLI::ParseError& e) {
    throw InputError(fmt::format("{}: {}", file.string(), e.what()));
  }
  return cli;
}

void emit(const std::vector<Report>& reports, bool json, const std::string& latex, bool batch) {
  if (json) {
    if (batch || reports.size() != 1) {
      Verdict v = Verdict::verified;
      for (const auto& r : reports) v = worst(v, r.verdict);
      std::cout << "{\n  \"reports\": [\n";
      for (std::size_t i = 0; i < reports.size(); ++i) std::cout << (i ? ",\n" : "") << "    " << format_json(reports[i], "    ");
      std::cout << "\n  ],\n  \"verdict\": " << json_string(verdict_name(v)) << "\n}\n";
    } else {
      std::cout << format_json(reports[0]) << "\n";
    }
  } else {
    for (const auto& r : reports) std::cout << format_terminal(r) << "\n";
    if (batch) {
      Table t{"summary", "summary", {{"case", "case", "case"}, {"claim", "claim", "claim"}, {"paper", "paper", "paper"},
                                     {"verdict", "verdict", "verdict"}, {"seconds", "s", "s", 3}, {"summary", "summary", "summary"}}};
      for (const auto& r : reports)
        t.add({Cell::str(r.case_name), Cell::str(r.claim), Cell::str(r.paper), Cell::str(std::string(verdict_name(r.verdict))),
               Cell::num(r.seconds), Cell::str(r.summary)});
      std::cout << format_table(t);
    }
  }
  if (!latex.empty()) {
    std::ofstream out(latex);
    if (!out) throw InputError(fmt::format("--latex: cannot write {}", latex));
    out << latex_document(reports);
  }
}

int exit_code(const std::vector<Report>& reports) {
  for (const auto& r : reports)
    if (r.verdict != Verdict::verified) return kFailed;
  return kOk;
}

Report run_checked(const Claim& claim, const CommonOptions& common) {
  Report r = run_claim(claim, common);
  if (!r.verdict_stable)
    throw InputError(fmt::format("--digits {}: precision too low for {}: the verdict changes at {} digits; raise --digits",
                                 common.digits, claim.id(), r.check_digits));
  return r;
}

}  // namespace

int cli_main(int argc, char** argv) {
  try {
    Cli cli;
    try {
      cli.app.parse(argc, argv);
    } catch (const CLI::Success& e) {
      return cli.app.exit(e);
    } catch (const CLI::ParseError& e) {
      std::cerr << "ssmcheck: " << e.what() << "\n";
      return kUsage;
    }
    if (cli.list->parsed()) {
      for (const auto& [sub, claim] : cli.subs)
        std::cout << fmt::format("{:<18} {:<10} {:<14} {}\n", claim->id(), sub->get_name(), claim->paper(), claim->title());
      return kOk;
    }
    std::vector<Report> reports;
    if (cli.all->parsed()) {
      for (const auto& file : collect_cases(cli.all_paths)) {
        auto c = parse_case(file);
        // Command-line globals given explicitly override the case file's.
        if (cli.app.get_option("--digits")->count()) c->common.digits = cli.common.digits;
        if (cli.app.get_option("--check-digits")->count()) c->common.check_digits = cli.common.check_digits;
        if (cli.app.get_option("--jobs")->count()) c->common.jobs = cli.common.jobs;
        for (Claim* claim : c->selected()) {
          if (cli.dry_run) {
            claim->validate(c->common);
            continue;
          }
          Report r = run_checked(*claim, c->common);
          r.case_name = file.filename().string();
          reports.push_back(std::move(r));
        }
        if (!cli.json && !cli.dry_run) std::cerr << fmt::format("ran {}\n", file.string());
      }
      if (cli.dry_run) return kOk;
      emit(reports, cli.json, cli.latex, true);
      return exit_code(reports);
    }
    if (cli.dry_run) {
      for (Claim* claim : cli.selected()) claim->validate(cli.common);
      return kOk;
    }
    for (Claim* claim : cli.selected()) reports.push_back(run_checked(*claim, cli.common));
    emit(reports, cli.json, cli.latex, false);
    return exit_code(reports);
  } catch (const InputError& e) {
    std::cerr << "ssmcheck: " << e.what() << "\n";
    return kUsage;
  } catch (const std::exception& e) {
    std::cerr << "ssmcheck: internal error: " << e.what() << "\n";
    return kInternal;
  }
}

}  // namespace ssmcheck
