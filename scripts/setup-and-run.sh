#!/usr/bin/env bash
# Command 1 of the README: install the Debian packages, build (Release), run `ssmcheck all` on cases/.
# Exit code is ssmcheck's: 0 every claim verified as stated, 1 some claim refuted or only weakly verified.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
set +e
build/ssmcheck all cases "$@"
rc=$?
set -e
case $rc in
  0) echo "ssmcheck all: every claim verified as stated (exit 0)" ;;
  1) echo "ssmcheck all: some claims are refuted or only weakly verified as stated (exit 1); see the VERDICT lines and docs/findings" ;;
  *) echo "ssmcheck all: error (exit $rc)" ;;
esac
exit $rc
