# lib.sh: helpers for the runner's shell tests. Each test is run by ctest as
#   bash test_x.sh BIN_DIR TESTS_DIR CASES_DIR
# and fails (exit 1) on the first check that does not hold, printing what was
# expected and what came out.
set -u
BIN=$1
TESTS=$2
CASES=$3
CONFORM=$BIN/mxm-conform
REF_ADAPTER=$BIN/mxm-ref-adapter
WRONG=$BIN/wrong-adapter
FIX=$TESTS/fixtures
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
CHECKS=0

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
ok() {
  CHECKS=$((CHECKS + 1))
  echo "ok $CHECKS - $*"
}
# expect_rc WANT GOT WHAT
expect_rc() {
  [ "$1" = "$2" ] || fail "$3: exit code $2, expected $1"
  ok "$3: exit code $1"
}
# expect_grep PATTERN FILE WHAT
expect_grep() {
  grep -qE -e "$1" "$2" || { echo "--- $2:" >&2; head -50 "$2" >&2; fail "$3: no line matches /$1/"; }
  ok "$3"
}
expect_no_grep() {
  if grep -qE -e "$1" "$2"; then
    grep -E -- "$1" "$2" | head -5 >&2
    fail "$3: unexpected line matching /$1/"
  fi
  ok "$3"
}
# expect_count N PATTERN FILE WHAT
expect_count() {
  local n
  n=$(grep -cE -- "$2" "$3" || true)
  [ "$n" = "$1" ] || { grep -E -- "$2" "$3" | head -20 >&2; fail "$4: $n lines match /$2/, expected $1"; }
  ok "$4 ($1)"
}
# expect_gone PID WHAT: the process is gone, or a zombie waiting for a parent
# that reaps (not every container's init does); a live one is killed and fails
expect_gone() {
  local state
  state=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null || true)
  if [ -n "$state" ] && [ "$state" != "Z" ]; then
    kill -KILL "$1"
    fail "$2: pid $1 is still running"
  fi
  ok "$2"
}
# start_adapter LABEL ADAPTER NAME_RE HOW: the hello of a real implementation's adapter, which
# exits 3 before its hello when the implementation cannot be imported: the test then reports
# itself skipped (exit 77, ctest's SKIP_RETURN_CODE), saying HOW to install it.
start_adapter() {
  local rc
  $2 </dev/null >"$TMP/hello.jsonl" 2>"$TMP/hello.err"
  rc=$?
  if [ "$rc" = 3 ]; then
    echo "SKIP: $1 cannot be imported ($4):"
    cat "$TMP/hello.err"
    exit 77
  fi
  expect_rc 0 "$rc" "the adapter starts, says hello and exits at end of input"
  expect_grep "\"name\": ?\"$3" "$TMP/hello.jsonl" "the hello names $1 (the version the lists are for)"
}
# client_by_hand ADAPTER KIND VALUE: a client adapter's protocol by hand: garbage, another layer
# and an era it does not follow are errors, invite -> join is joined_room, and join -> leave by
# another user answers KIND (outcome or error) containing VALUE.
client_by_hand() {
  printf '%s\n' 'not json' '{"id": "a", "type": "auth", "room_version": "10", "state": [], "event": {}}' \
    '{"id": "r", "type": "transition", "era": "r0", "from": "leave", "to": "join", "self": true, "profile_changed": false}' \
    '{"id": "j", "type": "transition", "era": "v1.3", "from": "invite", "to": "join", "self": true, "profile_changed": false}' \
    '{"id": "k", "type": "transition", "era": "v1.3", "from": "join", "to": "leave", "self": false, "profile_changed": false}' |
    $1 >"$TMP/raw.jsonl" 2>"$TMP/raw.err"
  expect_rc 0 $? "the adapter answers line by line and exits 0"
  ${PY:-python3} - "$TMP/raw.jsonl" "$2" "$3" <<'PY' || fail "hand-written requests"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 6, lines
assert lines[1]["id"] is None and "not JSON" in lines[1]["error"], lines[1]
assert lines[2]["id"] == "a" and "transition only" in lines[2]["error"], lines[2]
assert lines[3]["id"] == "r" and "v1.3" in lines[3]["error"], lines[3]
assert lines[4] == {"id": "j", "outcome": "joined_room"}, lines[4]
assert lines[5]["id"] == "k" and sys.argv[3] in lines[5].get(sys.argv[2], ""), lines[5]
PY
  ok "garbage, another layer and another era are errors; invite -> join is joined_room; join -> leave by another: $2 $3"
}
# check_implementation LABEL ADAPTER XFAIL XERR: the whole corpus through ADAPTER (a real
# implementation), with its expected-failures file XFAIL; fails on a new failure, an unexpected
# pass, an error not listed in XERR (or a listed one gone: check_implementation.py), and on a
# conformance/IMPLEMENTATIONS.md that is not what this run gives. MXM_UPDATE=1 rewrites XERR
# and the implementation's part of IMPLEMENTATIONS.md instead (XFAIL is written by hand).
check_implementation() {
  local label=$1 adapter=$2 xfail=$3 xerr=$4 rc update= py=${PY:-python3}
  local root
  root=$(cd "$TESTS/../.." && pwd)
  $CONFORM --adapter "$adapter" --expected-failures "$xfail" --format json \
    --output "$TMP/report.json" "$CASES" 2>"$TMP/run.err"
  rc=$?
  [ "$rc" = 0 ] || [ "$rc" = 1 ] || { cat "$TMP/run.err" >&2; fail "mxm conform exited $rc"; }
  ok "the corpus ran through the $label adapter (exit $rc)"
  [ "${MXM_UPDATE:-0}" = 1 ] && update=--update
  $py "$TESTS/check_implementation.py" "$label" "$TMP/report.json" "$xerr" $update ||
    fail "the run differs from the expected failures and errors"
  ok "no new failure, no unexpected pass, errors exactly the listed ones"
  if [ -n "$update" ]; then
    $py "$root/scripts/implementations.py" "$TMP/report.json=$xfail" || fail "regenerating IMPLEMENTATIONS.md"
    ok "rewrote conformance/IMPLEMENTATIONS.md"
  else
    $py "$root/scripts/implementations.py" --check "$TMP/report.json=$xfail" >"$TMP/impl.diff" 2>&1 ||
      { cat "$TMP/impl.diff" >&2; fail "conformance/IMPLEMENTATIONS.md is not current for $label (MXM_UPDATE=1 regenerates it)"; }
    ok "conformance/IMPLEMENTATIONS.md is current for $label"
  fi
}
done_tests() {
  [ "$CHECKS" -gt 0 ] || fail "no check ran"
  echo "$CHECKS checks passed"
}
