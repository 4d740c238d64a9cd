#include "claim_runner.hpp"

#include <ssmcheck/claims/registry.hpp>

#include <doctest/doctest.h>

#include <stdexcept>

namespace ssmcheck::testing {

Report run_command(const std::string& cmd, const std::vector<std::string>& args, int digits, int check_digits) {
  auto claims = make_claims();
  Claim* claim = nullptr;
  for (auto& c : claims)
    if (c->command() == cmd) claim = c.get();
  REQUIRE(claim != nullptr);
  CLI::App app;
  claim->add_options(*app.add_subcommand(cmd));
  std::vector<std::string> rev(args.rbegin(), args.rend());
  rev.push_back(cmd);
  app.parse(rev);
  CommonOptions common;
  common.digits = digits;
  common.check_digits = check_digits;
  common.jobs = 2;
  return run_claim(*claim, common);
}

const Table& table(const Report& r, const std::string& name) {
  for (const auto& t : r.tables)
    if (t.name == name) return t;
  throw std::runtime_error("no table " + name);
}

}  // namespace ssmcheck::testing
