#!/usr/bin/env bash
# scripts/fuzz-smoke.sh: the CI fuzz smoke test (.ci/run calls it after the tests).
#
# Builds the 'fuzz' preset (clang-14 libFuzzer, ASan+UBSan) and runs every harness for a few
# seconds from its seed corpus, without changing the corpus. A finding is minimised and saved
# under corpus/regressions/<harness>/ (so CI can keep it as an artifact) and the reproducer
# command is printed.
#
#   scripts/fuzz-smoke.sh [--seconds N]     (default 15 s per harness)
#
# Exit codes: 0 no finding; 1 a finding; 2 usage; 3 build or tool failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECS=15
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECS="${2:-}"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "usage: scripts/fuzz-smoke.sh [--seconds N]" >&2; exit 2 ;;
  esac
done
[[ "$SECS" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz-smoke.sh: --seconds needs a positive integer" >&2; exit 2; }
command -v clang-14 >/dev/null || { echo "fuzz-smoke.sh: clang-14 missing (scripts/setup.sh)" >&2; exit 3; }
exec bash "$ROOT/scripts/fuzz.sh" --engine libfuzzer --seconds "$SECS" --no-merge
