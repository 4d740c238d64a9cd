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

#include <sys/wait.h>
#include <unistd.h>
#include <map>
#include <set>
#include <sstream>

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
  std::string shard;
  bool no_timing = false;
  CLI::App* merge = nullptr;
  std::vector<std::string> merge_paths;

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
    app.add_option("--latex", latex,
                   "also write the booktabs tables to FILE (standalone or \\input-able); with `all`, a folder (DIR/) gets one "
                   "file per case, summary.tex and report.tex");
    app.require_subcommand(1);
    for (auto& c : claims) {
      auto* sub = app.add_subcommand(c->command(), c->paper() + " (" + c->id() + "): " + c->title());
      c->add_options(*sub);
      subs.emplace_back(sub, c.get());
    }
    list = app.add_subcommand("list", "list the claims with their paper references");
    all = app.add_subcommand("all", "run every case file in cases/ (or the given files and folders)");
    all->add_option("paths", all_paths, "case files (.toml) or folders of them");
    all->add_option("--shard", shard, "run only shard I of N (I/N, 1 <= I <= N): cases whose index in name order is I-1 mod N");
    app.add_flag("--no-timing", no_timing, "leave run times out of the JSON (byte-identical output for the same cases)");
    merge = app.add_subcommand("merge", "combine the --json outputs of `all` shards into the report of a single run");
    merge->add_option("files", merge_paths, "JSON files written by `ssmcheck --json all --shard I/N`")->required();
  }

  std::vector<Claim*> selected() const {
    std::vector<Claim*> out;
    for (const auto& [sub, claim] : subs)
      if (sub->parsed()) out.push_back(claim);
    return out;
  }
};

// "I/N" -> the cases of that shard, by index in name order.
std::vector<fs::path> select_shard(const std::vector<fs::path>& files, const std::string& shard) {
  if (shard.empty()) return files;
  int i = 0, n = 0;
  char slash = 0, extra = 0;
  std::istringstream in(shard);
  if (!(in >> i >> slash >> n) || slash != '/' || (in >> extra) || n < 1 || n > 100000 || i < 1 || i > n)
    throw InputError(fmt::format("--shard {}: expected I/N with 1 <= I <= N <= 100000", shard));
  std::vector<fs::path> out;
  for (std::size_t k = 0; k < files.size(); ++k)
    if (int(k % n) == i - 1) out.push_back(files[k]);
  return out;
}

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
      files.insert(files.end(), here.begin(), here.end());
    } else if (fs::is_regular_file(p, ec)) {
      files.emplace_back(p);
    } else {
      throw InputError(fmt::format("all: no such case file or folder: {}", p));
    }
  }
  // Name order, whatever the folders: shards and merges rely on one order.
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  std::set<std::string> names;
  for (const auto& f : files)
    if (!names.insert(f.filename().string()).second)
      throw InputError(fmt::format("all: two case files are named {}", f.filename().string()));
  return files;
}

// The line of a case file that sets `key` (0 when not found), for error messages.
int line_of_key(const fs::path& file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const auto b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#' || line[b] == '[') continue;
    const auto e = line.find_first_of(" \t=", b);
    if (line.substr(b, e - b) == key) return n;
  }
  return 0;
}

// "--T: Value 0 ..." or "INI was not able to parse time.bogus" -> "T" or "bogus".
std::string key_in_message(const std::string& msg) {
  if (msg.rfind("--", 0) == 0) return msg.substr(2, msg.find(':') - 2);
  const auto p = msg.find("parse ");
  if (p == std::string::npos) return "";
  std::string k = msg.substr(p + 6);
  if (const auto dot = k.find('.'); dot != std::string::npos) k = k.substr(dot + 1);
  return k.substr(0, k.find_first_of(" \t="));
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
    const std::string msg = e.what(), key = key_in_message(msg);
    const int line = key.empty() ? 0 : line_of_key(file, key);
    const bool unknown = msg.find("not able to parse") != std::string::npos;
    if (line > 0)
      throw InputError(fmt::format("{}:{}: key '{}': {}", file.string(), line, key,
                                   unknown ? "unknown option, or not of the form key = value" : msg));
    throw InputError(fmt::format("{}: {}", file.string(), msg));
  }
  return cli;
}

// A report rendered to everything the reporters need, so that reports computed in child processes (parallel
// cases) and in this process are emitted by the same code, in case order.
struct Rendered {
  std::string case_name, claim, paper, summary, terminal, json, json_nested, latex;
  Verdict verdict = Verdict::verified;
  double seconds = 0;
};

Rendered render(const Report& r) {
  return {r.case_name, r.claim, r.paper, r.summary, format_terminal(r), format_json(r), format_json(r, "    "),
          latex_body(r), r.verdict, r.seconds};
}

// Length-prefixed fields: "<bytes>\n<field>" each.
std::string serialize(const Rendered& x) {
  std::string out;
  for (const std::string* f : {&x.case_name, &x.claim, &x.paper, &x.summary, &x.terminal, &x.json, &x.json_nested, &x.latex})
    out += std::to_string(f->size()) + "\n" + *f;
  const std::string v(verdict_name(x.verdict)), sec = fmt::format("{:.17g}", x.seconds);
  for (const std::string* f : {&v, &sec}) out += std::to_string(f->size()) + "\n" + *f;
  return out;
}

Rendered deserialize(const std::string& in) {
  std::size_t pos = 0;
  auto next = [&]() {
    const auto nl = in.find('\n', pos);
    if (nl == std::string::npos) throw std::runtime_error("truncated report from a worker process");
    const std::size_t len = std::stoul(in.substr(pos, nl - pos));
    std::string f = in.substr(nl + 1, len);
    pos = nl + 1 + len;
    return f;
  };
  Rendered x;
  for (std::string* f : {&x.case_name, &x.claim, &x.paper, &x.summary, &x.terminal, &x.json, &x.json_nested, &x.latex}) *f = next();
  const std::string v = next();
  x.verdict = v == "refuted" ? Verdict::refuted : v == "weak" ? Verdict::weak : Verdict::verified;
  x.seconds = std::stod(next());
  return x;
}

Table summary_table(const std::vector<Rendered>& reports) {
  Table t{"summary", "summary", {{"case", "case", "case"}, {"claim", "claim", "claim"}, {"paper", "paper", "paper"},
                                 {"verdict", "verdict", "verdict"}, {"seconds", "s", "s", 3}, {"summary", "summary", "summary"}}};
  for (const auto& r : reports)
    t.add({Cell::str(r.case_name), Cell::str(r.claim), Cell::str(r.paper), Cell::str(std::string(verdict_name(r.verdict))),
           Cell::num(r.seconds), Cell::str(r.summary)});
  return t;
}

// --latex FILE: one document (standalone or \input-able). --latex DIR/ (or an existing folder) in a batch: one
// \input-able file per case, summary.tex, and report.tex that compiles them into one standalone document.
void write_latex(const std::vector<Rendered>& reports, const std::string& target, bool batch) {
  auto write = [](const fs::path& p, const std::string& text) {
    std::ofstream out(p);
    if (!out) throw InputError(fmt::format("--latex: cannot write {}", p.string()));
    out << text;
  };
  std::vector<std::string> bodies;
  for (const auto& r : reports) bodies.push_back(r.latex);
  std::error_code ec;
  const bool as_dir = batch && (fs::is_directory(target, ec) || (!target.empty() && target.back() == '/'));
  if (!as_dir) return write(target, latex_document(bodies));
  fs::create_directories(target, ec);
  if (ec) throw InputError(fmt::format("--latex: cannot create folder {}: {}", target, ec.message()));
  Report summary;
  summary.claim = "all";
  summary.paper = "ssmcheck";
  summary.title = "summary of the batch";
  summary.tables.push_back(summary_table(reports));
  summary.tables.back().columns.pop_back();  // the one-line summaries stay in the per-case files
  write(fs::path(target) / "summary.tex", latex_body(summary));
  std::string doc = std::string(kLatexPreamble) + "\n\\begin{document}\n\\input{summary}\n";
  for (const auto& r : reports) {
    const std::string stem = fs::path(r.case_name.empty() ? r.claim : r.case_name).stem().string();
    write(fs::path(target) / (stem + ".tex"), r.latex);
    doc += "\\clearpage\n\\input{" + stem + "}\n";
  }
  write(fs::path(target) / "report.tex", doc + "\\end{document}\n");
}

void emit(const std::vector<Rendered>& reports, bool json, const std::string& latex, bool batch) {
  if (json) {
    if (batch || reports.size() != 1) {
      Verdict v = Verdict::verified;
      for (const auto& r : reports) v = worst(v, r.verdict);
      std::cout << "{\n  \"reports\": [\n";
      for (std::size_t i = 0; i < reports.size(); ++i) std::cout << (i ? ",\n" : "") << "    " << reports[i].json_nested;
      std::cout << "\n  ],\n  \"verdict\": " << json_string(verdict_name(v)) << "\n}\n";
    } else {
      std::cout << reports[0].json << "\n";
    }
  } else {
    for (const auto& r : reports) std::cout << r.terminal << "\n";
    if (batch) std::cout << format_table(summary_table(reports));
  }
  if (!latex.empty()) write_latex(reports, latex, batch);
}

// The top-level objects of the "reports" array of an `all --json` output, verbatim (strings respected).
std::vector<std::string> report_objects(const std::string& text, const std::string& file) {
  const auto start = text.find("\"reports\": [");
  if (start == std::string::npos) throw InputError(fmt::format("merge: {} is not the --json output of `ssmcheck all`", file));
  std::vector<std::string> out;
  int depth = 0;
  bool in_string = false, escaped = false;
  std::size_t obj = 0;
  for (std::size_t i = start + 12; i < text.size(); ++i) {
    const char ch = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (ch == '\\') escaped = true;
      else if (ch == '"') in_string = false;
      continue;
    }
    if (ch == '"') in_string = true;
    else if (ch == '{') { if (depth++ == 0) obj = i; }
    else if (ch == '}') { if (--depth == 0) out.push_back(text.substr(obj, i - obj + 1)); }
    else if (ch == ']' && depth == 0) return out;
  }
  throw InputError(fmt::format("merge: {} ends inside the reports array", file));
}

std::string field_of(const std::string& object, const std::string& key) {
  const auto k = object.find("\"" + key + "\": \"");
  if (k == std::string::npos) return "";
  const auto b = k + key.size() + 5;
  return object.substr(b, object.find('"', b) - b);
}

int merge_reports(const std::vector<std::string>& files) {
  std::vector<std::pair<std::string, std::string>> all;  // (case, object)
  for (const auto& f : files) {
    std::ifstream in(f);
    if (!in) throw InputError(fmt::format("merge: cannot open {}", f));
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (auto& o : report_objects(text, f)) all.emplace_back(field_of(o, "case"), std::move(o));
  }
  std::sort(all.begin(), all.end());
  for (std::size_t i = 1; i < all.size(); ++i)
    if (all[i].first == all[i - 1].first) throw InputError(fmt::format("merge: case {} appears twice", all[i].first));
  Verdict v = Verdict::verified;
  for (const auto& [name, o] : all) {
    const std::string vs = field_of(o, "verdict");
    v = worst(v, vs == "refuted" ? Verdict::refuted : vs == "weak" ? Verdict::weak : Verdict::verified);
  }
  std::cout << "{\n  \"reports\": [\n";
  for (std::size_t i = 0; i < all.size(); ++i) std::cout << (i ? ",\n" : "") << "    " << all[i].second;
  std::cout << "\n  ],\n  \"verdict\": " << json_string(verdict_name(v)) << "\n}\n";
  return v == Verdict::verified ? kOk : kFailed;
}

int exit_code(const std::vector<Rendered>& reports) {
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

// Runs one case file with the command line's explicit globals overriding the file's.
std::vector<Rendered> run_case(const fs::path& file, const Cli& cli) {
  auto c = parse_case(file);
  if (cli.app.get_option("--digits")->count()) c->common.digits = cli.common.digits;
  if (cli.app.get_option("--check-digits")->count()) c->common.check_digits = cli.common.check_digits;
  if (cli.app.get_option("--jobs")->count()) c->common.jobs = cli.common.jobs;
  std::vector<Rendered> out;
  for (Claim* claim : c->selected()) {
    if (cli.dry_run) {
      claim->validate(c->common);
      continue;
    }
    Report r = run_checked(*claim, c->common);
    r.case_name = file.filename().string();
    if (cli.no_timing) r.seconds = 0;
    out.push_back(render(r));
  }
  return out;
}

// Cases in parallel: the MPFR precision is process-wide in Boost 1.74, so each case runs in a child process that
// writes its rendered reports to a temporary file; results are emitted in case order. Each worker keeps the
// case's own thread count, so the last, longest case still uses every core.
std::vector<Rendered> run_cases_parallel(const std::vector<fs::path>& files, const Cli& cli, int processes) {
  struct Outcome { int code = -1; std::string payload; };
  std::vector<Outcome> outcomes(files.size());
  std::map<pid_t, std::pair<std::size_t, std::string>> running;
  std::size_t next = 0;
  std::cout.flush();
  std::cerr.flush();
  auto launch = [&]() {
    char path[] = "/tmp/ssmcheck-case-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for a worker");
    close(fd);
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      int code = 0;
      std::string payload;
      try {
        for (const auto& r : run_case(files[next], cli)) payload += serialize(r);
      } catch (const InputError& e) {
        code = 2;
        payload = e.what();
      } catch (const std::exception& e) {
        code = 3;
        payload = e.what();
      }
      std::ofstream(path, std::ios::binary) << payload;
      std::_Exit(code);
    }
    running[pid] = {next, path};
    ++next;
  };
  while (next < files.size() && int(running.size()) < processes) launch();
  while (!running.empty()) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) throw std::runtime_error("waitpid failed");
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const auto [index, path] = it->second;
    running.erase(it);
    std::ifstream in(path, std::ios::binary);
    outcomes[index].payload.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    std::remove(path.c_str());
    outcomes[index].code = WIFEXITED(status) ? WEXITSTATUS(status) : 3;
    if (!WIFEXITED(status)) outcomes[index].payload = "worker for " + files[index].string() + " was killed";
    if (!cli.json && !cli.dry_run) std::cerr << fmt::format("ran {}\n", files[index].string());
    if (next < files.size()) launch();
  }
  std::vector<Rendered> out;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (outcomes[i].code == 2) throw InputError(outcomes[i].payload);
    if (outcomes[i].code != 0) throw std::runtime_error(outcomes[i].payload);
    for (std::size_t pos = 0; pos < outcomes[i].payload.size();) {
      // Each serialized report is ten length-prefixed fields; split them off one report at a time.
      std::size_t end = pos;
      for (int f = 0; f < 10; ++f) {
        const auto nl = outcomes[i].payload.find('\n', end);
        end = nl + 1 + std::stoul(outcomes[i].payload.substr(end, nl - end));
      }
      out.push_back(deserialize(outcomes[i].payload.substr(pos, end - pos)));
      pos = end;
    }
  }
  return out;
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
    std::vector<Rendered> reports;
    if (cli.all->parsed()) {
      const auto files = select_shard(collect_cases(cli.all_paths), cli.shard);
      const int processes = std::min<int>(cli.common.jobs, int(files.size()));
      if (processes > 1 && !cli.dry_run) {
        reports = run_cases_parallel(files, cli, processes);
      } else {
        for (const auto& file : files) {
          for (auto& r : run_case(file, cli)) reports.push_back(std::move(r));
          if (!cli.json && !cli.dry_run) std::cerr << fmt::format("ran {}\n", file.string());
        }
      }
      if (cli.dry_run) return kOk;
      emit(reports, cli.json, cli.latex, true);
      return exit_code(reports);
    }
    if (cli.dry_run) {
      for (Claim* claim : cli.selected()) claim->validate(cli.common);
      return kOk;
    }
    if (cli.merge->parsed()) return merge_reports(cli.merge_paths);
    for (Claim* claim : cli.selected()) {
      Report r = run_checked(*claim, cli.common);
      if (cli.no_timing) r.seconds = 0;
      reports.push_back(render(r));
    }
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
