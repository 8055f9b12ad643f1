#!/usr/bin/env bash
# The replay driver goes on past a finding and lists every one (exit 1); only
# findings and the summary are printed, unless -v.
#   bash test_replay_driver.sh PATH/TO/fuzz_replay_selftest
set -u
BIN=${1:?usage: test_replay_driver.sh REPLAY_SELFTEST}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; cat "$TMP/err" >&2 2>/dev/null; exit 1; }
mkdir "$TMP/in"
for i in 1 2 3 4 5; do echo "fine $i" >"$TMP/in/a$i"; done
echo BOOM one >"$TMP/in/b1"
echo BOOM two >"$TMP/in/c1"
"$BIN" "$TMP/in" 2>"$TMP/err"
rc=$?
[ "$rc" = 1 ] || fail "exit code $rc, expected 1"
grep -q "^replay: 7 inputs, 2 finding(s):$" "$TMP/err" || fail "summary"
grep -q "^replay:   $TMP/in/b1: killed by signal 6" "$TMP/err" || fail "first finding listed"
grep -q "^replay:   $TMP/in/c1: killed by signal 6" "$TMP/err" || fail "second finding listed (not hidden by the first)"
[ "$(grep -c 'MXM-FUZZ FINDING' "$TMP/err")" = 2 ] || fail "each finding's report is shown"
! grep -q "bytes)" "$TMP/err" || fail "per-input lines without -v"
"$BIN" -v "$TMP/in/a1" 2>"$TMP/err"
[ $? = 0 ] || fail "a clean input exits 0"
grep -q "a1 (7 bytes)" "$TMP/err" || fail "-v names each input"
grep -q "^replay: 1 inputs, no finding$" "$TMP/err" || fail "clean summary"
echo "ok: replay driver lists every finding"
