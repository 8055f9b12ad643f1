#!/usr/bin/env bash
# scripts/coverage.sh: branch coverage of the reference library (ref/src) reached by replaying
# every fuzz corpus (corpus/<harness>/ and corpus/regressions/<harness>/), per file.
#
# Uses the 'coverage' preset (clang-14 source-based coverage), llvm-profdata-14 and llvm-cov-14.
# Regressions that still abort (open findings) are replayed one file at a time, so a finding does
# not lose the profile of the rest.
#
#   scripts/coverage.sh [--html DIR]     also write an HTML report to DIR
#
# Exit codes: 0 report printed; 2 usage; 3 build or tool failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HTML=""
while [ $# -gt 0 ]; do
  case "$1" in
    --html) HTML="${2:-}"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "usage: scripts/coverage.sh [--html DIR]" >&2; exit 2 ;;
  esac
done
for t in llvm-profdata-14 llvm-cov-14 clang-14; do
  command -v "$t" >/dev/null || { echo "coverage.sh: $t missing (scripts/setup.sh installs llvm-14)" >&2; exit 3; }
done
BUILD="$ROOT/build/coverage"
PROF="$BUILD/fuzz-profiles"
HARNESSES=()
for f in "$ROOT"/fuzz/fuzz_*.c; do HARNESSES+=("$(basename "$f" .c)"); done

cmake --preset coverage >/dev/null || exit 3
TARGETS=()
for h in "${HARNESSES[@]}"; do TARGETS+=("${h}_replay"); done
cmake --build "$BUILD" -j2 --target "${TARGETS[@]}" >"$BUILD/coverage-build.log" 2>&1 ||
  { tail -30 "$BUILD/coverage-build.log" >&2; exit 3; }

rm -rf "$PROF"; mkdir -p "$PROF"
OBJECTS=()
for h in "${HARNESSES[@]}"; do
  bin="$BUILD/fuzz/${h}_replay"
  [ -x "$bin" ] || continue
  OBJECTS+=(-object "$bin")
  [ -d "$ROOT/corpus/$h" ] && LLVM_PROFILE_FILE="$PROF/$h-corpus-%p.profraw" "$bin" "$ROOT/corpus/$h" >/dev/null 2>&1 || true
  for f in "$ROOT/corpus/regressions/$h"/*; do
    [ -f "$f" ] || continue
    (LLVM_PROFILE_FILE="$PROF/$h-reg-%p.profraw" "$bin" "$f" >/dev/null 2>&1) 2>/dev/null || true
  done
done
ls "$PROF"/*.profraw >/dev/null 2>&1 || { echo "coverage.sh: no profile was written" >&2; exit 3; }
llvm-profdata-14 merge -sparse "$PROF"/*.profraw -o "$PROF/all.profdata"
# The first -object is the positional binary; the rest are extra objects.
FIRST="${OBJECTS[1]}"; REST=("${OBJECTS[@]:2}")
echo "Branch coverage of ref/src from the fuzz corpora (llvm-cov; compare only with llvm-cov figures):"
llvm-cov-14 report "$FIRST" "${REST[@]}" -instr-profile="$PROF/all.profdata" -show-branch-summary \
  "$ROOT/ref/src" | sed "s|$ROOT/||"
if [ -n "$HTML" ]; then
  llvm-cov-14 show "$FIRST" "${REST[@]}" -instr-profile="$PROF/all.profdata" -show-branches=count \
    -format=html -output-dir="$HTML" "$ROOT/ref/src"
  echo "coverage.sh: HTML report in $HTML/index.html"
fi
