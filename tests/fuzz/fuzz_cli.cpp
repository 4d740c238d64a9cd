// libFuzzer target for the command line and case-file parsing (issue: "no input makes ssmcheck crash, hang or
// print a wrong verdict"). The first byte chooses the mode:
//   even: the rest is a case file, run as `ssmcheck --dry-run all FILE`
//   odd:  the rest is a command line split at whitespace, run as `ssmcheck --dry-run ARGS...`
// --dry-run parses and validates everything and computes nothing, so every input finishes fast. Exit codes other
// than 0 (valid) and 2 (input error) are crashes of the contract and abort.
#include "../../src/cli.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<std::string> args{"ssmcheck", "--dry-run"};
  std::string path;
  if (data[0] % 2 == 0) {
    path = "/tmp/ssmcheck-fuzz-" + std::to_string(getpid()) + ".toml";
    std::ofstream(path, std::ios::binary) << text;
    args.push_back("all");
    args.push_back(path);
  } else {
    std::istringstream in(text);
    for (std::string tok; in >> tok;) args.push_back(tok);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Keep stdout/stderr quiet: the CLI prints errors, which is its job.
  std::fflush(stdout);
  const int rc = ssmcheck::cli_main(int(args.size()), argv.data());
  if (!path.empty()) std::remove(path.c_str());
  if (rc != 0 && rc != 2) std::abort();
  return 0;
}
