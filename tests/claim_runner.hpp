// Runs one registered claim with its subcommand arguments, as the CLI would, at a given precision. Declared here,
// defined in claim_runner.cpp: that one file includes the whole claim registry, so a test file includes only the
// headers it tests and a change to one claim recompiles only its own tests.
#pragma once

#include <ssmcheck/claims/claim.hpp>

#include <string>
#include <vector>

namespace ssmcheck::testing {

Report run_command(const std::string& cmd, const std::vector<std::string>& args, int digits, int check_digits = 0);

const Table& table(const Report& r, const std::string& name);

}  // namespace ssmcheck::testing
