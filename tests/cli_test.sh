#!/usr/bin/env bash
# CLI contract: exit codes, one-line errors naming the option and its range, JSON shape, case files.
# Usage: cli_test.sh PATH/TO/ssmcheck SOURCE_DIR
set -u
bin="$1"; src="$2"
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

expect() {  # expect CODE PATTERN -- args...
  local code="$1" pattern="$2"; shift 3
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [[ $rc -ne $code ]] || ! grep -qE -- "$pattern" "$tmp/out" "$tmp/err"; then
    echo "FAIL: ssmcheck $* -> exit $rc (want $code), pattern '$pattern'"; head -3 "$tmp/err"; fail=$((fail+1))
  else
    pass=$((pass+1))
  fi
  if [[ $code -eq 2 && $(wc -l <"$tmp/err") -ne 1 ]]; then
    echo "FAIL: ssmcheck $* -> error is not one line"; cat "$tmp/err"; fail=$((fail+1))
  fi
}

expect 0 "ssmcheck [0-9]" -- --version
expect 0 "thm1-haar" -- list
expect 0 "levels" -- haar --help
expect 2 "levels.*1 - 20|levels.*1 to 20|range" -- haar --levels 0
expect 2 "levels.*1 - 20|levels.*1 to 20|range" -- haar --levels 40
expect 2 "levels" -- haar --levels abc
expect 2 "w-delta.*negative" -- haar --w-delta 5
expect 2 "digits.*16" -- --digits 3 haar
expect 2 "digits.*10000" -- --digits 1000000 haar
expect 2 "quad-tol.*digits" -- --digits 16 haar --quad-tol 1e-14
expect 2 "nosuch|Extra|subcommand" -- nosuch
expect 2 "unknown|not expected|Extra|bogus" -- haar --bogus
expect 2 "T" -- time --T 0
expect 2 "check-digits" -- --digits 40 --check-digits 30 time --T 10 --levels 1
expect 2 "T" -- decay --T 0
expect 2 "disc.*euler|disc.*zoh" -- decay --disc basis
expect 2 "c.*0.*50|range" -- freeze --c -1
expect 2 "n 60 must be <= --hist-T 50" -- freeze --n 60 --hist-T 50
expect 2 "w-delta" -- freeze --w-delta 3
expect 2 "kappa" -- mqar --kappa 0
expect 2 "vocab" -- mqar --vocab 1
expect 2 "mixer" -- mqar --mixer s5
expect 2 "T 20 is too short for kappa = 8" -- mqar --kappa 8 --T 20
expect 2 "exhaustive-T.*allowed up to 2e6" -- mqar --kappa 3 --vocab 8 --exhaustive-T 20
expect 2 "silu-search needs --sigma silu" -- mqar --silu-search
expect 2 "max-d" -- mqar --mixer s4d --kappa 30 --vocab 512 --step 1
# --min-size runs Step 2 only: the Step 1 size must not be checked against --max-d
if "$bin" --dry-run mqar --mixer s4d --kappa 30 --vocab 512 --min-size >"$tmp/out" 2>&1; then pass=$((pass+1))
else echo "FAIL: --min-size rejected for the Step 1 size"; cat "$tmp/out"; fail=$((fail+1)); fi
expect 2 "zoology" -- mqar --format zoology --kappa 20 --vocab 32
expect 1 "VERDICT thm2-mqar-mamba" -- --digits 16 mqar --mixer mamba --kappa 2 --vocab 4 --samples 20 --edge-samples 5
expect 0 "VERDICT thm2-mqar-mamba Theorem 2: verified" -- --digits 16 mqar --mixer mamba --kappa 2 --vocab 4 --samples 20 --step 1
# only the labelled corrections run: the theorem as stated is not checked, so never "verified" (exit 1)
expect 1 "VERDICT thm2-mqar-mamba Theorem 2: weak .*as stated were not checked" -- --digits 16 mqar --mixer mamba --kappa 2 --vocab 4 --samples 20 --step 2 --variant corrected
expect 2 "n" -- jl --n 1
expect 2 "trials" -- jl --trials 0
expect 0 "VERDICT lem4-jl" -- --digits 16 jl --n 16 --trials 20
expect 2 "w-delta" -- induction --w-delta -1
expect 2 "disc" -- induction --disc exact
expect 2 "vocab" -- induction --vocab 2
expect 1 "VERDICT lem3-induction Lemma 3: weak .*as stated was not checked" -- --digits 16 induction --vocab 3 --w-delta 5 --disc basis --samples 20 --long-T 50 --variant corrected
expect 2 "n.*1" -- keep-nth --n 0
expect 2 "n 60 must be <= --T 50" -- keep-nth --n 60 --T 50
expect 2 "T.*10000000" -- keep-nth --T 20000000
expect 2 "w-delta" -- keep-nth --w-delta 10
expect 2 "disc.*exact" -- keep-nth --disc rk4
expect 2 "exact evaluator is limited" -- keep-nth --T 200000
expect 2 "n-max 13 must be a multiple of 3" -- rates --n-max 13
expect 2 "m.*1 - 64|range" -- rates --m 0
expect 2 "digits 50 is too low for N = 30.*needs --digits >= " -- rates --n-max 30 --families s4d-real
expect 2 "fourier-n-max 12 must be a multiple of 3 and >= --n-max 21" -- rates --fourier-n-max 12
expect 2 "jump-at.*distinct" -- rates --jump-at 0.3 --jump-at 0.3
expect 2 "cells 1" -- rates --cells 1

# A small Theorem 1 run: refuted as stated (exit 1), with the JSON fields of the issue.
"$bin" --digits 20 --json haar --levels 2 --w-delta -100 --w-delta -10000 --proj-wavelets none >"$tmp/h.json"; rc=$?
if [[ $rc -eq 1 ]] && python3 - "$tmp/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["claim"] == "thm1-haar" and r["paper"] == "Theorem 1" and r["digits"] == 20
assert r["verdict"] == "refuted" and isinstance(r["summary"], str)
row = r["rows"][0]
for k in ("j", "k", "w_delta", "err_sup", "err_l1", "err_l2"):
    assert isinstance(row[k], (int, float)), k
assert r["rounding"]["check_digits"] == 30
assert any(f["scope"] == "corrected variant" and f["verdict"] == "verified" for f in r["findings"])
PY
then pass=$((pass+1)); else echo "FAIL: haar --json"; fail=$((fail+1)); fi

# Case files: a good one runs, malformed ones fail with the file named.
mkdir -p "$tmp/cases"
printf 'digits = 20\n[time]\nT = 100\nlevels = 1\nw-delta = [-100]\n' >"$tmp/cases/ok.toml"
expect 0 "prop1-time" -- all "$tmp/cases/ok.toml"
printf '[time]\nT = 10\nbogus = 3\n' >"$tmp/bad.toml"
expect 2 "bad.toml:3: key 'bogus'" -- all "$tmp/bad.toml"
printf '[time]\nT = 0\n' >"$tmp/bad2.toml"
expect 2 "bad2.toml:2: key 'T'.*range" -- all "$tmp/bad2.toml"
expect 2 "shard.*I/N" -- all --shard 3/2 "$tmp/cases"
expect 2 "shard.*I/N" -- all --shard x "$tmp/cases"
printf 'digits = 20\n' >"$tmp/nosec.toml"
expect 2 "nosec.toml.*section" -- all "$tmp/nosec.toml"
printf '[nosuch]\n' >"$tmp/unk.toml"
expect 2 "unk.toml.*not a claim" -- all "$tmp/unk.toml"
expect 2 "no such case file" -- all "$tmp/missing.toml"
mkdir -p "$tmp/empty"
expect 2 "no case files" -- all "$tmp/empty"
"$bin" --json all "$tmp/cases" >"$tmp/all.json"
if python3 -c "import json,sys; d=json.load(open('$tmp/all.json')); assert d['verdict']=='verified' and d['reports'][0]['case']=='ok.toml'"; then
  pass=$((pass+1)); else echo "FAIL: all --json"; fail=$((fail+1)); fi

# Shards merged give the JSON of a single run, byte for byte (--no-timing), whatever the split.
printf 'digits = 16\n[decay]\nT = 100\n' >"$tmp/cases/b.toml"
printf 'digits = 16\n[freeze]\nT = 100\nc = [1]\n' >"$tmp/cases/c.toml"
"$bin" --no-timing --json all "$tmp/cases" >"$tmp/single.json"
"$bin" --no-timing --json all --shard 1/2 "$tmp/cases" >"$tmp/s1.json"
"$bin" --no-timing --json all --shard 2/2 "$tmp/cases" >"$tmp/s2.json"
"$bin" merge "$tmp/s2.json" "$tmp/s1.json" >"$tmp/merged.json"
if cmp -s "$tmp/single.json" "$tmp/merged.json" && [[ $(grep -c '"case"' "$tmp/s1.json") -eq 2 ]]; then pass=$((pass+1))
else echo "FAIL: merged shards differ from a single run"; diff "$tmp/single.json" "$tmp/merged.json" | head -5; fail=$((fail+1)); fi
"$bin" --no-timing --jobs 1 --json all "$tmp/cases" >"$tmp/single1.json"
if cmp -s "$tmp/single.json" "$tmp/single1.json"; then pass=$((pass+1)); else echo "FAIL: output depends on --jobs"; fail=$((fail+1)); fi
expect 2 "merge.*not the --json output" -- merge "$tmp/bad.toml"
expect 2 "case .* appears twice" -- merge "$tmp/s1.json" "$tmp/s1.json"

# LaTeX: written, and compiled when pdflatex is installed.
"$bin" --digits 16 --check-digits 0 --latex "$tmp/ltx/" all "$tmp/cases" >/dev/null 2>&1
if [[ -f "$tmp/ltx/report.tex" && -f "$tmp/ltx/summary.tex" && -f "$tmp/ltx/b.tex" ]]; then pass=$((pass+1))
else echo "FAIL: --latex DIR/"; fail=$((fail+1)); fi
if command -v pdflatex >/dev/null; then
  if (cd "$tmp/ltx" && pdflatex -interaction=nonstopmode report.tex >/dev/null 2>&1 && pdflatex -interaction=nonstopmode report.tex >/dev/null 2>&1 && test -s report.pdf); then
    pass=$((pass+1)); else echo "FAIL: pdflatex report.tex"; fail=$((fail+1)); fi
fi
"$bin" --digits 16 --latex "$tmp/t.tex" time --T 10 --levels 1 --w-delta -100 >/dev/null
if grep -q "toprule" "$tmp/t.tex"; then pass=$((pass+1)); else echo "FAIL: latex output"; fail=$((fail+1)); fi
if command -v pdflatex >/dev/null; then
  # Twice, as longtable settles its column widths through the .aux file.
  "$bin" --digits 16 --check-digits 0 --latex "$tmp/t.tex" all "$src/cases/lem2-freeze.toml" >/dev/null 2>&1
  grep -q "begin{tikzpicture}" "$tmp/t.tex" || { echo "FAIL: no figure in the freeze report"; fail=$((fail+1)); }
  if (cd "$tmp" && pdflatex -interaction=nonstopmode t.tex >/dev/null 2>&1 && pdflatex -interaction=nonstopmode t.tex >/dev/null 2>&1 \
      && test -s t.pdf && ! grep -q "Rerun" t.log); then pass=$((pass+1))
  else echo "FAIL: pdflatex t.tex"; fail=$((fail+1)); fi
fi

echo "cli: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
