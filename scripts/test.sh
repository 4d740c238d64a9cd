#!/usr/bin/env bash
# Command 2 of the README: install what is missing, build, run the whole test suite (ctest: doctest units,
# the CLI contract, the mpmath reference). Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure "$@"
