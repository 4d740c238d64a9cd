#pragma once

namespace ssmcheck {
// Parses the command line, runs the requested claims, prints the reports. Returns the exit code:
// 0 all verified, 1 some claim weak or refuted, 2 usage/input error, 3 internal error.
int cli_main(int argc, char** argv);
}  // namespace ssmcheck
