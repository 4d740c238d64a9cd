#!/usr/bin/env bash
# Builds the libFuzzer target with clang (AddressSanitizer + UBSan) and fuzzes the CLI and case-file parsing.
#   tests/fuzz/run.sh [SECONDS]      default 600
# Needs clang and libclang-rt-14-dev (scripts/install-deps.sh --fuzz).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs="${1:-600}"
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DSSMCHECK_FUZZ=ON >/dev/null
cmake --build build-fuzz --target fuzz_cli -j"$(nproc)"
mkdir -p build-fuzz/corpus
cp -n tests/fuzz/corpus/* build-fuzz/corpus/ 2>/dev/null || true
build-fuzz/fuzz_cli build-fuzz/corpus -max_total_time="$secs" -max_len=4096 -timeout=10 -print_final_stats=1 \
  -close_fd_mask=3
