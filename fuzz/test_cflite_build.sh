#!/usr/bin/env bash
# fuzz/test_cflite_build.sh CLANG: run .clusterfuzzlite/build.sh here exactly as OSS-Fuzz would
# (CC, CFLAGS, LIB_FUZZING_ENGINE, SRC, OUT, WORK; no Docker), into a temporary directory, then
# check what it must produce: every fuzzer, its .options, .dict and seed-corpus zip, and that
# each fuzzer runs its own seed corpus without a finding (-runs bounded).
# Exit: 0 ok; 1 something missing or failing (says what).
set -euo pipefail
CLANG="${1:-clang-14}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
T="$(mktemp -d "${TMPDIR:-/tmp}/mxm-cflite.XXXXXX")"
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/src" "$T/out" "$T/work"
ln -s "$ROOT" "$T/src/mxm"
fail() { echo "test_cflite_build: FAIL: $*" >&2; exit 1; }

CC="$CLANG" CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address,undefined -fsanitize=fuzzer-no-link" \
  LIB_FUZZING_ENGINE="-fsanitize=fuzzer" SRC="$T/src" OUT="$T/out" WORK="$T/work" \
  bash "$ROOT/.clusterfuzzlite/build.sh" >"$T/build.log" 2>&1 || { tail -30 "$T/build.log" >&2; fail "build.sh failed"; }

n=0
for h in fuzz_event_parse fuzz_canonical fuzz_auth fuzz_room fuzz_differential; do
  [ -x "$T/out/$h" ] || fail "$h missing in \$OUT"
  for f in "$h.options" "$h.dict" "${h}_seed_corpus.zip"; do [ -s "$T/out/$f" ] || fail "$f missing in \$OUT"; done
  mkdir -p "$T/seeds/$h"
  (cd "$T/seeds/$h" && python3 -c "import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall('.')" "$T/out/${h}_seed_corpus.zip")
  [ "$(ls "$T/seeds/$h" | wc -l)" -gt 0 ] || fail "${h}_seed_corpus.zip is empty"
  # Open findings live in corpus/regressions and are zipped as seeds too; replay only the corpus.
  "$T/out/$h" -runs=0 "$ROOT/corpus/$h" >"$T/run-$h.log" 2>&1 || { tail -20 "$T/run-$h.log" >&2; fail "$h does not run its corpus"; }
  n=$((n + 1))
done
ls "$T/out/lib" | grep -q libsodium || fail "libsodium not shipped in \$OUT/lib"
echo "test_cflite_build: ok ($n fuzzers with options, dictionaries and seed corpora)"
