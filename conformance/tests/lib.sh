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
done_tests() {
  [ "$CHECKS" -gt 0 ] || fail "no check ran"
  echo "$CHECKS checks passed"
}
