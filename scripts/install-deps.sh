#!/usr/bin/env bash
# Installs the Debian packages ssmcheck builds with. Idempotent; needs root (or sudo).
#   scripts/install-deps.sh            build + test dependencies
#   scripts/install-deps.sh --latex    also the TeX packages used to compile the LaTeX reports
#   scripts/install-deps.sh --fuzz     also clang and its libFuzzer runtime (tests/fuzz/run.sh)
set -euo pipefail
pkgs=(build-essential cmake libboost-dev libmpfr-dev libgmp-dev libcli11-dev libfmt-dev libeigen3-dev doctest-dev python3 python3-mpmath)
for opt in "$@"; do
  case "$opt" in
    --latex) pkgs+=(texlive-latex-base texlive-latex-recommended texlive-pictures texlive-latex-extra) ;;
    --fuzz) pkgs+=(clang libclang-rt-14-dev) ;;
    *) echo "install-deps: unknown option $opt (allowed: --latex, --fuzz)" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#pkgs[@]} packages already installed"
  exit 0
fi
SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
